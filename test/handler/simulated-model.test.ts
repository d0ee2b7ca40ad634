import { readModelVersion } from '../../lambda/teardown/properties';
import { DEFAULT_PACING } from '../../lambda/teardown/schedule';
import { tearDown, TeardownModelApi } from '../../lambda/teardown/teardown';
import { modelArn } from '../../local/local-aws';
import { DEFAULT_DURATIONS, MODEL_STATUSES, ModelOptions, ModelStatus, ServiceError, SimulatorOptions } from '../../local/rekognition';
import { ModelStore } from '../../local/rekognition/models';

/**
 * The teardown state machine against the Rekognition simulator's own models (their statuses, the
 * transitions that follow Stop and Delete, and the behaviours AWS does not document), called
 * in-process on jest's fake clock: a model that stops in minutes takes microseconds. What only a
 * real process shows (the bundle, the SDK, the response PUT, hand-offs) is in e2e/.
 */

const MINUTE = 60_000;

beforeEach(() => jest.useFakeTimers({ now: 1_700_000_000_000 }));
afterEach(() => jest.useRealTimers());

/** One Stop or Delete, with the model's status when it arrived. */
interface Call {
  readonly operation: 'stop' | 'delete';
  readonly statusBefore: ModelStatus | undefined;
  readonly accepted: boolean;
}

/** Tears down one model of a fresh store whose switches are `switches`, on the fake clock. */
async function tearDownSimulated(model: ModelOptions, switches: Pick<SimulatorOptions, 'stopWhenNotRunning' | 'stopWhenStarting' | 'deleteWhenDeleting'> = {}) {
  const arn = modelArn('simulated');
  const store = new ModelStore(() => Date.now(), () => undefined, {
    stopWhenNotRunning: switches.stopWhenNotRunning ?? 'ResourceInUseException',
    stopWhenStarting: switches.stopWhenStarting ?? 'same-as-not-running',
    deleteWhenDeleting: switches.deleteWhenDeleting ?? 'status',
  }, { ...DEFAULT_DURATIONS });
  store.add(arn, model);
  const calls: Call[] = [];
  const answer = (operation: Call['operation'], call: () => string) => {
    const statusBefore = store.status(arn);
    try {
      const status = call();
      calls.push({ operation, statusBefore, accepted: true });
      return Promise.resolve({ status });
    } catch (err) {
      if (!(err instanceof ServiceError)) throw err;
      calls.push({ operation, statusBefore, accepted: false });
      return Promise.resolve({ error: err.code, message: err.message, httpStatus: err.httpStatus });
    }
  };
  const api: TeardownModelApi = {
    maxCallMs: 1_000,
    stopProjectVersion: () => answer('stop', () => store.stop(arn, 'us-east-1')),
    deleteProjectVersion: () => answer('delete', () => store.delete(arn, 'us-east-1')),
  };
  const t0 = Date.now();
  const outcome = await tearDown(
    { model: readModelVersion(arn)!, action: 'DELETE', waitStartedAt: t0, waitDeadline: t0 + 30 * MINUTE, runDeadline: t0 + 14 * MINUTE },
    {
      api,
      now: () => Date.now(),
      sleep: (ms) => jest.advanceTimersByTimeAsync(ms).then(() => undefined),
      random: () => 0.5,
      pacing: DEFAULT_PACING,
      log: () => undefined,
    },
  );
  return { outcome, calls, status: () => store.status(arn), settle: () => jest.advanceTimersByTimeAsync(MINUTE) };
}

const durations = { stopDurationMs: 60_000, startDurationMs: 60_000, trainingDurationMs: 90_000, copyDurationMs: 90_000, deleteDurationMs: 30_000 };

describe('each of the 14 statuses at delete time', () => {
  test.each(MODEL_STATUSES.map((s) => [s]))('a %s model ends deleted, never with a Delete while it could still be billing', async (status) => {
    const { outcome, calls, status: after } = await tearDownSimulated({ status, ...durations });

    expect(outcome.result).toBe('DONE');
    expect(after()).toBeUndefined();
    const deletes = calls.filter((c) => c.operation === 'delete' && c.accepted);
    expect(deletes.filter((c) => ['RUNNING', 'STARTING', 'STOPPING'].includes(c.statusBefore ?? ''))).toEqual([]);
  });
});

describe('behaviour AWS does not document', () => {
  const variants: Array<[string, SimulatorOptions, ModelStatus]> = [
    ['Stop answers ResourceInUseException for a STOPPED model', { stopWhenNotRunning: 'ResourceInUseException' }, 'STOPPED'],
    ['Stop answers InvalidParameterException for a STOPPED model', { stopWhenNotRunning: 'InvalidParameterException' }, 'STOPPED'],
    ['Stop answers the status of a TRAINING_COMPLETED model', { stopWhenNotRunning: 'status' }, 'TRAINING_COMPLETED'],
    ['Stop is refused for a STARTING model', { stopWhenStarting: 'same-as-not-running' }, 'STARTING'],
    ['Stop stops a STARTING model', { stopWhenStarting: 'stops' }, 'STARTING'],
    ['Delete answers DELETING for a DELETING model', { deleteWhenDeleting: 'status' }, 'DELETING'],
    ['Delete answers ResourceInUseException for a DELETING model', { deleteWhenDeleting: 'ResourceInUseException' }, 'DELETING'],
    ['Delete answers ResourceNotFoundException for a DELETING model', { deleteWhenDeleting: 'ResourceNotFoundException' }, 'DELETING'],
  ];

  test.each(variants)('when %s, the model still ends deleted', async (_, switches, status) => {
    const teardown = await tearDownSimulated({ status, ...durations }, switches);

    expect(teardown.outcome.result).toBe('DONE');
    if (switches.deleteWhenDeleting === 'ResourceNotFoundException') {
      // Rekognition itself then says it is gone while it is still being deleted: nothing bills.
      expect([undefined, 'DELETING']).toContain(teardown.status());
      await teardown.settle();
    }
    expect(teardown.status()).toBeUndefined();
  });
});
