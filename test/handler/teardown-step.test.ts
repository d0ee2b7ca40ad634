import { ModelAnswer } from '../../lambda/teardown/model-api';
import { readModelVersion, TeardownAction } from '../../lambda/teardown/properties';
import { DEFAULT_PACING } from '../../lambda/teardown/schedule';
import { Operation, progressOf, startMemory, step, StepAction, StepMemory, TeardownProgress } from '../../lambda/teardown/teardown-step';
import { Turns, untilTurnMs } from '../../lambda/teardown/turns';
import { error, status } from '../../local/virtual-time';

/**
 * The teardown's state machine as a table: what it knows and what its call answered → what it
 * calls next and after how long, or how it ends. With the jitter at its middle (random 0.5), a
 * poll of a state seen just now waits `firstPollMs` (1.5 s) and a Stop's first backoff 0.5 s; the
 * wait began 100 s ago, so that a deleting model is polled no sooner than 3 s (`deletingPollShare`).
 */

const T = 1_700_000_000_000;
const WAIT_STARTED_AT = T - 100_000;
const MODEL = readModelVersion('arn:aws:rekognition:us-east-1:123456789012:project/birds/version/v1/1700000000000')!;
const STOP: Operation = 'StopProjectVersion';
const DELETE: Operation = 'DeleteProjectVersion';

function memory(fields: Partial<StepMemory> = {}): StepMemory {
  return { ...startMemory(undefined, T, DEFAULT_PACING), ...fields };
}

function next(action: TeardownAction, before: StepMemory, answer: ModelAnswer, turns?: Turns) {
  const teardown = { model: MODEL, action, pacing: DEFAULT_PACING, random: () => 0.5, waitStartedAt: WAIT_STARTED_AT, turns };
  return step(teardown, before, { answer, sentAt: T }, T);
}

/** The action in the table's words. */
function said(action: StepAction): string {
  if ('call' in action) {
    return `${action.call === STOP ? 'Stop' : 'Delete'} ${action.afterMs === undefined ? 'at once' : `after ${action.afterMs} ms`}`;
  }
  const done = action.done;
  return done.result === 'DONE' ? `DONE: ${done.summary}${done.tornDown ? ', torn down' : ''}` : 'FAILED';
}

type Row = [string, TeardownAction, Partial<StepMemory>, ModelAnswer, string, Partial<StepMemory>];

const firstStop = {};
const stopping = { state: 'STOPPING', stateSince: T, next: DELETE, stopMayBeNeeded: false };
const settledAfterStop = { state: 'STOPPED', stateSince: T, next: DELETE, stopMayBeNeeded: false };
const deleting = { state: 'DELETING', stateSince: T, next: DELETE, stopMayBeNeeded: false, deleteAccepted: true };

const TABLE: Row[] = [
  // DELETE: Stop first, then Delete once the model neither runs nor stops.
  ['Stop says RUNNING', 'DELETE', firstStop, status('RUNNING'), 'Stop after 1500 ms', { state: 'RUNNING', stopMayBeNeeded: true }],
  ['Stop says STARTING', 'DELETE', firstStop, status('STARTING'), 'Stop after 1500 ms', { state: 'STARTING', stopMayBeNeeded: true }],
  ['Stop says STOPPING', 'DELETE', firstStop, status('STOPPING'), 'Delete after 1500 ms', { state: 'STOPPING', stopMayBeNeeded: false, next: DELETE }],
  ['Stop says STOPPED', 'DELETE', firstStop, status('STOPPED'), 'Delete at once', { state: 'STOPPED', stopMayBeNeeded: false, next: DELETE }],
  ['Stop says TRAINING_IN_PROGRESS', 'DELETE', firstStop, status('TRAINING_IN_PROGRESS'), 'Delete at once', { stopMayBeNeeded: false }],
  ['Stop says DELETING', 'DELETE', firstStop, status('DELETING'), 'Delete at once', { state: 'DELETING', deleteAccepted: false }],
  ['Stop refuses as in use', 'DELETE', firstStop, error('ResourceInUseException'), 'Delete at once', { state: 'UNKNOWN', stopMayBeNeeded: true }],
  ['Stop refuses as invalid', 'DELETE', firstStop, error('InvalidParameterException'), 'Delete at once', { stopMayBeNeeded: true }],
  ['Stop is denied', 'DELETE', firstStop, error('AccessDeniedException'), 'FAILED', { state: 'UNKNOWN' }],
  ['Stop finds no model', 'DELETE', firstStop, error('ResourceNotFoundException'), 'DONE: the model no longer exists', { state: 'GONE' }],
  ['Stop is throttled', 'DELETE', firstStop, error('ThrottlingException'), 'Stop after 500 ms', { transientStreak: 1 }],
  ['Stop fails inside the service', 'DELETE', firstStop, error('InternalServerError'), 'Stop after 500 ms', { transientStreak: 1 }],
  ['Delete is refused while stopping', 'DELETE', stopping, error('ResourceInUseException'), 'Delete after 1500 ms', { stopMayBeNeeded: false }],
  ['Delete is refused after Stop saw STOPPED', 'DELETE', settledAfterStop, error('ResourceInUseException'), 'Stop after 1500 ms', { stopMayBeNeeded: true }],
  ['Delete is refused before any status', 'DELETE', { next: DELETE }, error('ResourceInUseException'), 'Stop after 1500 ms', { state: 'BUSY' }],
  ['Delete is accepted', 'DELETE', settledAfterStop, status('DELETING'), 'Delete after 3000 ms', { state: 'DELETING', deleteAccepted: true }],
  ['Delete is throttled', 'DELETE', stopping, error('ThrottlingException'), 'Delete after 2000 ms', { transientStreak: 1 }],
  ['Delete is denied', 'DELETE', settledAfterStop, error('AccessDeniedException'), 'FAILED', { deleteAccepted: false }],
  ['Delete refuses as invalid', 'DELETE', settledAfterStop, error('InvalidParameterException'), 'FAILED', {}],
  ['Delete, once accepted, refuses as invalid', 'DELETE', deleting, error('InvalidParameterException'), 'Delete after 3000 ms', {}],
  ['Delete, once accepted, is denied', 'DELETE', deleting, error('AccessDeniedException'), 'FAILED', {}],
  ['Delete, once accepted, finds no model', 'DELETE', deleting, error('ResourceNotFoundException'), 'DONE: the model is deleted, torn down', { state: 'GONE' }],
  ['Delete finds no model it saw', 'DELETE', settledAfterStop, error('ResourceNotFoundException'), 'DONE: the model no longer exists, torn down', {}],
  // STOP: Stop until the model neither runs nor stops.
  ['Stop says RUNNING', 'STOP', firstStop, status('RUNNING'), 'Stop after 1500 ms', { state: 'RUNNING' }],
  ['Stop says STOPPING', 'STOP', firstStop, status('STOPPING'), 'Stop after 1500 ms', { sawStopping: true, next: STOP }],
  ['Stop says STOPPED after STOPPING', 'STOP', { state: 'STOPPING', sawStopping: true }, status('STOPPED'), 'DONE: the model is not running (STOPPED), torn down', {}],
  ['Stop says STOPPED at once', 'STOP', firstStop, status('STOPPED'), 'DONE: the model is not running (STOPPED)', {}],
  ['Stop refuses as in use', 'STOP', firstStop, error('ResourceInUseException'), 'DONE: the model is not running (ResourceInUseException)', {}],
  ['Stop finds no model', 'STOP', firstStop, error('ResourceNotFoundException'), 'DONE: the model no longer exists', {}],
];

test.each(TABLE.map((row) => [`${row[0]} (${row[1]}) → ${row[4]}`, ...row] as const))('%s', (_title, _, action, before, answer, expected, after) => {
  const { memory: learned, action: nextAction } = next(action, memory(before), answer);

  expect(said(nextAction)).toBe(expected);
  expect(learned).toMatchObject(after);
  if ('call' in nextAction) {
    expect(learned.next).toBe(nextAction.call);
  }
});

test('a failure says which call was refused and why', () => {
  const { action } = next('DELETE', memory(), error('AccessDeniedException'));

  expect(action).toEqual({ done: expect.objectContaining({ result: 'FAILED', lastState: 'UNKNOWN' }) });
  expect('done' in action && action.done.result === 'FAILED' && action.done.reason).toMatch(/denied StopProjectVersion on model birds/);
});

test('a throttled call slows its own operation to a quarter of the rate it was sent at, and not the other one', () => {
  const sentBefore = memory({ lastCallAt: { StopProjectVersion: T - 3_000 } });

  const { memory: learned } = next('DELETE', sentBefore, error('ThrottlingException'));

  expect(learned.pacing.StopProjectVersion.callGapMs).toBe(12_000);
  expect(learned.pacing.DeleteProjectVersion).toEqual(sentBefore.pacing.DeleteProjectVersion);
  expect(learned.lastCallAt.StopProjectVersion).toBe(T);
});

test('a throttled Stop teaches the Stop\'s gap only: the polls of Delete start on the schedule', () => {
  const throttledStop = memory({
    pacing: { StopProjectVersion: { callGapMs: 11_000, backoffMs: 0 }, DeleteProjectVersion: { callGapMs: 0, backoffMs: 0 } },
  });

  const { memory: learned, action } = next('DELETE', throttledStop, status('STOPPING'));

  expect(learned.pacing.DeleteProjectVersion.callGapMs).toBe(0);
  expect(learned.pacing.StopProjectVersion.callGapMs).toBe(10_000);
  expect(action).toEqual({ call: DELETE, afterMs: DEFAULT_PACING.firstPollMs });
});

describe('the turns of a model among several its stack deletes at once', () => {
  const turns: Turns = { rank: 3, count: 10 };
  const cycleMs = turns.count * DEFAULT_PACING.turnMs;
  const onItsTurn = (afterMs: number) => ((T + afterMs) % cycleMs) === turns.rank * DEFAULT_PACING.turnMs;

  test('the first throttled call before the Stop waits for the model\'s turn, once', () => {
    const first = next('DELETE', memory(), error('ThrottlingException'), turns);
    expect(first.action).toEqual({ call: STOP, afterMs: untilTurnMs(turns, DEFAULT_PACING.turnMs, T) });
    expect(first.memory.turnTaken).toBe(true);
    expect(onItsTurn((first.action as { afterMs: number }).afterMs)).toBe(true);

    const again = next('DELETE', first.memory, error('ThrottlingException'), turns);
    expect(again.action).toMatchObject({ call: STOP });
    // Full jitter at its middle, from the shortest backoff's ceiling.
    expect((again.action as { afterMs: number }).afterMs).toBe(0.5 * DEFAULT_PACING.firstBackoffMs);
  });

  test('a Stop that fails inside the service retries after its backoff, not on its turn', () => {
    const { action, memory: after } = next('DELETE', memory(), error('InternalServerError'), turns);
    expect(action).toEqual({ call: STOP, afterMs: 0.5 * DEFAULT_PACING.firstBackoffMs });
    expect(after.turnTaken).toBe(false);
  });

  test('a claims read that waited for the turn leaves the Stop its backoff', () => {
    const { action } = next('DELETE', memory({ turnTaken: true }), error('ThrottlingException'), turns);
    expect(action).toEqual({ call: STOP, afterMs: 0.5 * DEFAULT_PACING.firstBackoffMs });
  });

  test('once a call was throttled, polls, and throttled polls, wait for the model\'s turn after their pause', () => {
    const contended = memory({ ...stopping, turnTaken: true });
    const polled = next('DELETE', contended, error('ResourceInUseException'), turns);
    const afterMs = (polled.action as { afterMs: number }).afterMs;
    expect(afterMs).toBeGreaterThanOrEqual(DEFAULT_PACING.firstPollMs);
    expect(afterMs).toBeLessThan(DEFAULT_PACING.firstPollMs + cycleMs);
    expect(onItsTurn(afterMs)).toBe(true);

    // A throttled poll shows the limit shared, whatever came before.
    const throttled = next('DELETE', memory(stopping), error('ThrottlingException'), turns);
    expect(onItsTurn((throttled.action as { afterMs: number }).afterMs)).toBe(true);
  });

  test('a model whose calls all got through polls on its own schedule', () => {
    const { action } = next('DELETE', memory(stopping), error('ResourceInUseException'), turns);
    expect(action).toEqual({ call: DELETE, afterMs: DEFAULT_PACING.firstPollMs });
  });
});

test('a step changes nothing it is given', () => {
  const before = deepFreeze(memory());

  expect(() => next('DELETE', before, error('ThrottlingException'))).not.toThrow();
  expect(() => next('DELETE', before, status('STOPPING'))).not.toThrow();
  expect(before).toEqual(memory());
});

describe('the memory of a run', () => {
  const handedOn: TeardownProgress = {
    state: 'STOPPING',
    stateSince: T - 60_000,
    next: DELETE,
    stopMayBeNeeded: false,
    deleteAccepted: false,
    pacing: { StopProjectVersion: { callGapMs: 90_000, backoffMs: 0 }, DeleteProjectVersion: { callGapMs: 4_000, backoffMs: 2_000 } },
  };

  test('starts from what the last run handed on, with its learned gaps capped, and hands the same fields on', () => {
    const started = startMemory(handedOn, T, DEFAULT_PACING);

    expect(started).toMatchObject({ state: 'STOPPING', next: DELETE, sawStopping: true, transientStreak: 0, lastCallAt: {} });
    expect(started.pacing.StopProjectVersion.callGapMs).toBe(DEFAULT_PACING.maxCallGapMs);
    const capped = { callGapMs: DEFAULT_PACING.maxCallGapMs, backoffMs: 0 };
    expect(progressOf(started)).toEqual({ ...handedOn, pacing: { ...handedOn.pacing, StopProjectVersion: capped } });
  });

  test('does not take a state for younger than it is when this run\'s clock is behind the last one\'s', () => {
    expect(startMemory({ ...handedOn, stateSince: T + 5_000 }, T, DEFAULT_PACING).stateSince).toBe(T);
  });

  test('starts with a Stop of a model it knows nothing of', () => {
    expect(progressOf(startMemory(undefined, T, DEFAULT_PACING))).toEqual({
      state: 'UNKNOWN',
      stateSince: T,
      next: STOP,
      stopMayBeNeeded: true,
      deleteAccepted: false,
      pacing: { StopProjectVersion: { callGapMs: 0, backoffMs: 0 }, DeleteProjectVersion: { callGapMs: 0, backoffMs: 0 } },
    });
  });
});

function deepFreeze<T extends object>(value: T): T {
  for (const child of Object.values(value)) {
    if (typeof child === 'object' && child !== null) {
      deepFreeze(child);
    }
  }
  return Object.freeze(value);
}
