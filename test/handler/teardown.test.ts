import { readModelVersion, TeardownAction } from '../../lambda/teardown/properties';
import { DEFAULT_PACING } from '../../lambda/teardown/schedule';
import { tearDown, TeardownProgress, TeardownRequest } from '../../lambda/teardown/teardown';
import { untilTurnMs } from '../../lambda/teardown/turns';
import { error, ScriptedModelApi, status, VirtualClock, virtualDeps } from '../../local/virtual-time';

const ARN = 'arn:aws:rekognition:us-east-1:123456789012:project/birds/version/v1/1700000000000';
const MINUTE = 60_000;

function request(clock: VirtualClock, overrides: Partial<TeardownRequest> = {}): TeardownRequest {
  return {
    model: readModelVersion(ARN)!,
    action: 'DELETE' as TeardownAction,
    waitStartedAt: clock.time,
    waitDeadline: clock.time + 30 * MINUTE,
    runDeadline: clock.time + 14 * MINUTE,
    ...overrides,
  };
}

describe('DELETE teardown', () => {
  test('stops a RUNNING model, waits while it is STOPPING, deletes it and waits until it is gone', async () => {
    const clock = new VirtualClock();
    const t0 = clock.time;
    // Stopping for 20 s, then deleting for 5 s.
    const api = new ScriptedModelApi(clock, {
      stop: [status('STOPPING')],
      delete: [(at) => at - t0 < 20_000 ? error('ResourceInUseException')
        : at - t0 < 25_000 ? status('DELETING') : error('ResourceNotFoundException')],
    });
    const logs: Array<Record<string, unknown>> = [];

    const outcome = await tearDown(request(clock), virtualDeps(clock, api, logs));

    expect(outcome).toEqual({ result: 'DONE', summary: 'the model is deleted', tornDown: true });
    const ops = api.operations();
    expect(ops[0]).toBe('stop');
    expect(ops.slice(1).every((op) => op === 'delete')).toBe(true);
    expect(clock.time - t0).toBeGreaterThanOrEqual(25_000);
    // Finished within a few seconds of the model being gone.
    expect(clock.time - t0).toBeLessThan(25_000 + 6_000);
    expect(logs.filter((l) => l.message === 'model state').map((l) => l.status))
      .toEqual(['STOPPING', 'DELETING', 'GONE']);
    expect(logs[0]).toMatchObject({ model: ARN, attempt: 1, elapsedMs: 0 });
  });

  test('succeeds at once when the model no longer exists', async () => {
    const clock = new VirtualClock();
    const api = new ScriptedModelApi(clock, { stop: [error('ResourceNotFoundException')] });

    const outcome = await tearDown(request(clock), virtualDeps(clock, api));

    expect(outcome).toEqual({ result: 'DONE', summary: 'the model no longer exists', tornDown: false });
    expect(api.operations()).toEqual(['stop']);
  });

  const deletable = ['TRAINING_COMPLETED', 'TRAINING_FAILED', 'FAILED', 'STOPPED',
    'COPYING_COMPLETED', 'COPYING_FAILED', 'DEPRECATED', 'EXPIRED'];
  const stopAnswers: Array<[string, (s: string) => ReturnType<typeof status>]> = [
    ['ResourceInUseException', () => error('ResourceInUseException')],
    ['InvalidParameterException', () => error('InvalidParameterException')],
    ['its status', (s) => status(s)],
  ];
  describe.each(stopAnswers)('when Stop answers a model that is not running with %s', (_, stopAnswer) => {
    test.each(deletable)('deletes a %s model without waiting for a stop', async (modelStatus) => {
      const clock = new VirtualClock();
      const api = new ScriptedModelApi(clock, {
        stop: [stopAnswer(modelStatus)],
        delete: [status('DELETING'), status('DELETING'), error('ResourceNotFoundException')],
      });

      const outcome = await tearDown(request(clock), virtualDeps(clock, api));

      expect(outcome).toEqual({ result: 'DONE', summary: 'the model is deleted', tornDown: true });
      expect(api.operations()).toEqual(['stop', 'delete', 'delete', 'delete']);
    });
  });

  test('keeps stopping a STARTING model until it runs and stops, then deletes it', async () => {
    const clock = new VirtualClock();
    const t0 = clock.time;
    // Starting for 10 s, then running until stopped.
    let stoppedAt: number | undefined;
    const api = new ScriptedModelApi(clock, {
      stop: [(at) => {
        if (at - t0 < 10_000) return error('ResourceInUseException');
        stoppedAt ??= at;
        return status('STOPPING');
      }],
      delete: [(at) => stoppedAt === undefined || at - stoppedAt < 5_000
        ? error('ResourceInUseException')
        : at - stoppedAt < 8_000 ? status('DELETING') : error('ResourceNotFoundException')],
    });

    const outcome = await tearDown(request(clock), virtualDeps(clock, api));

    expect(outcome.result).toBe('DONE');
    expect(stoppedAt).toBeDefined();
    // Stop keeps coming back while the model might still start running ...
    const lastStop = api.calls.map((c) => c.operation).lastIndexOf('StopProjectVersion');
    expect(api.calls[lastStop].answer).toEqual(status('STOPPING'));
    // ... and not once it said STOPPING.
    expect(api.calls.slice(lastStop + 1).every((c) => c.operation === 'DeleteProjectVersion')).toBe(true);
  });

  test('when Stop answers STARTING, calls Stop again rather than a Delete that would be refused', async () => {
    const clock = new VirtualClock();
    const api = new ScriptedModelApi(clock, {
      stop: [status('STARTING'), status('STARTING'), status('STOPPING')],
      delete: [status('DELETING'), error('ResourceNotFoundException')],
    });

    const outcome = await tearDown(request(clock), virtualDeps(clock, api));

    expect(outcome.result).toBe('DONE');
    expect(api.operations()).toEqual(['stop', 'stop', 'stop', 'delete', 'delete']);
  });

  test('a model started after Stop found it STOPPED (a start sent before the teardown) is stopped again, then deleted', async () => {
    const clock = new VirtualClock();
    // Rekognition answering a Stop of a stopped model with its status; the start lands right after that Stop.
    let model = 'STOPPED';
    let stoppingSince = 0;
    const api = new ScriptedModelApi(clock, {
      stop: [() => {
        const answer = model === 'RUNNING' ? 'STOPPING' : model;
        if (model === 'RUNNING') {
          [model, stoppingSince] = ['STOPPING', clock.time];
        } else if (model === 'STOPPED' && stoppingSince === 0) {
          model = 'RUNNING';
        }
        return status(answer);
      }],
      delete: [() => {
        if (model === 'STOPPING' && clock.time - stoppingSince >= 5_000) model = 'STOPPED';
        if (model === 'RUNNING' || model === 'STOPPING') return error('ResourceInUseException');
        const answer = model === 'DELETING' ? error('ResourceNotFoundException') : status('DELETING');
        model = 'DELETING';
        return answer;
      }],
    });

    const outcome = await tearDown(request(clock), virtualDeps(clock, api));

    expect(outcome).toEqual({ result: 'DONE', summary: 'the model is deleted', tornDown: true });
    const ops = api.operations();
    expect(ops.slice(0, 3)).toEqual(['stop', 'delete', 'stop']);
    expect(api.calls[2].answer).toEqual(status('STOPPING'));
    expect(ops.slice(3).every((op) => op === 'delete')).toBe(true);
  });

  test.each(['TRAINING_IN_PROGRESS', 'COPYING_IN_PROGRESS'])(
    'waits for a model in %s to finish, without calling Stop again', async (busy) => {
      const clock = new VirtualClock();
      const t0 = clock.time;
      const api = new ScriptedModelApi(clock, {
        stop: [status(busy)],
        delete: [(at) => at - t0 < 5 * MINUTE ? error('ResourceInUseException') : error('ResourceNotFoundException')],
      });

      const outcome = await tearDown(request(clock), virtualDeps(clock, api));

      expect(outcome.result).toBe('DONE');
      expect(api.operations().filter((op) => op === 'stop')).toHaveLength(1);
    });

  test.each([
    ['its status', status('DELETING')],
    ['ResourceInUseException', error('ResourceInUseException')],
    ['ResourceNotFoundException', error('ResourceNotFoundException')],
  ])('waits until an already DELETING model is gone when Delete answers %s', async (_, deleteAnswer) => {
    const clock = new VirtualClock();
    const t0 = clock.time;
    const api = new ScriptedModelApi(clock, {
      stop: [status('DELETING')],
      delete: [(at) => at - t0 < 10_000 ? deleteAnswer : error('ResourceNotFoundException')],
    });

    const outcome = await tearDown(request(clock), virtualDeps(clock, api));

    expect(outcome.result).toBe('DONE');
    expect(api.operations()[0]).toBe('stop');
  });

  test.each(['ThrottlingException', 'ProvisionedThroughputExceededException', 'InternalServerError'])(
    'retries %s on either call with growing backoff', async (name) => {
      const clock = new VirtualClock();
      const api = new ScriptedModelApi(clock, {
        stop: [error(name), error(name), error(name), status('STOPPED')],
        delete: [error(name), error(name), status('DELETING'), error('ResourceNotFoundException')],
      });

      const outcome = await tearDown(request(clock), virtualDeps(clock, api));

      expect(outcome.result).toBe('DONE');
      expect(api.operations()).toEqual(['stop', 'stop', 'stop', 'stop', 'delete', 'delete', 'delete', 'delete']);
      // The Stop's backoffs grow from nothing (full jitter), at most maxStopBackoffMs ...
      const stopBackoffs = clock.sleeps.slice(0, 3);
      expect(stopBackoffs[1]).toBeGreaterThan(stopBackoffs[0]);
      expect(stopBackoffs[2]).toBeGreaterThanOrEqual(stopBackoffs[1]);
      expect(Math.max(...stopBackoffs)).toBeLessThanOrEqual(DEFAULT_PACING.maxStopBackoffMs);
      // ... the polls' from the shortest backoff on (throttling may hold them at the learned gap's cap), at most that cap.
      const deleteBackoffs = clock.sleeps.slice(3, 5);
      expect(deleteBackoffs[0]).toBeGreaterThanOrEqual(DEFAULT_PACING.firstBackoffMs);
      expect(deleteBackoffs[1]).toBeGreaterThanOrEqual(deleteBackoffs[0]);
      expect(Math.max(...deleteBackoffs)).toBeLessThanOrEqual(Math.max(DEFAULT_PACING.maxBackoffMs, DEFAULT_PACING.maxCallGapMs));
    });

  test('retries failures below the service (no HTTP status), such as a timeout', async () => {
    const clock = new VirtualClock();
    const api = new ScriptedModelApi(clock, {
      stop: [{ error: 'TimeoutError', message: 'socket hang up' }, error('ResourceNotFoundException')],
    });

    const outcome = await tearDown(request(clock), virtualDeps(clock, api));

    expect(outcome.result).toBe('DONE');
    expect(api.operations()).toEqual(['stop', 'stop']);
  });

  test.each([
    ['StopProjectVersion', 'AccessDeniedException', { stop: [error('AccessDeniedException')] }],
    ['DeleteProjectVersion', 'AccessDeniedException', { stop: [status('STOPPED')], delete: [error('AccessDeniedException')] }],
    ['DeleteProjectVersion', 'InvalidParameterException', { stop: [status('STOPPED')], delete: [error('InvalidParameterException')] }],
    ['StopProjectVersion', 'an unexpected 4xx error', { stop: [error('UnrecognizedClientException')] }],
  ])('fails at once with a clear reason when %s answers %s', async (operation, _, script) => {
    const clock = new VirtualClock();
    const api = new ScriptedModelApi(clock, script);

    const outcome = await tearDown(request(clock), virtualDeps(clock, api));

    expect(outcome.result).toBe('FAILED');
    const reason = (outcome as { reason: string }).reason;
    expect(reason).toContain(operation);
    expect(reason).toContain('birds/v1');
    expect(reason).toMatch(/^Rekognition (denied|refused) /);
    expect(clock.time).toBe(request(clock).waitStartedAt);
  });

  test.each([
    ['InvalidParameterException', error('InvalidParameterException')],
    ['ResourceInUseException', error('ResourceInUseException')],
  ])('keeps waiting once Delete was accepted, even if Delete then answers %s (undocumented): the model is going', async (_, later) => {
    const clock = new VirtualClock();
    const api = new ScriptedModelApi(clock, {
      stop: [status('STOPPED')],
      delete: [status('DELETING'), later, later, error('ResourceNotFoundException')],
    });

    const outcome = await tearDown(request(clock), virtualDeps(clock, api));

    expect(outcome).toEqual({ result: 'DONE', summary: 'the model is deleted', tornDown: true });
    expect(api.operations()).toEqual(['stop', 'delete', 'delete', 'delete', 'delete']);
  });

  test('still fails once Delete was accepted if access is then denied: waiting will not change that', async () => {
    const clock = new VirtualClock();
    const api = new ScriptedModelApi(clock, { stop: [status('STOPPED')], delete: [status('DELETING'), error('AccessDeniedException')] });

    const outcome = await tearDown(request(clock), virtualDeps(clock, api));

    expect(outcome).toMatchObject({ result: 'FAILED', lastState: 'DELETING' });
  });

  test('fails at once, naming the region, when the model\'s region has no endpoint (a DNS name that does not exist)', async () => {
    const clock = new VirtualClock();
    const noSuchHost = { error: 'Error', message: 'getaddrinfo ENOTFOUND rekognition.us-east-9.amazonaws.com', code: 'ENOTFOUND' };
    const api = new ScriptedModelApi(clock, { stop: [noSuchHost] });

    const outcome = await tearDown(request(clock), virtualDeps(clock, api));

    expect(outcome).toMatchObject({
      result: 'FAILED',
      reason: 'Rekognition has no endpoint in region us-east-1 (Error: getaddrinfo ENOTFOUND rekognition.us-east-9.amazonaws.com); check the region in ProjectVersionArn.',
    });
    expect(api.calls).toHaveLength(1);
    expect(clock.time).toBe(request(clock).waitStartedAt);
  });

  test('names the missing permission when access is denied', async () => {
    const clock = new VirtualClock();
    const api = new ScriptedModelApi(clock, { stop: [error('AccessDeniedException')] });

    const outcome = await tearDown(request(clock), virtualDeps(clock, api));

    expect((outcome as { reason: string }).reason).toContain('allow rekognition:StopProjectVersion on the model');
  });

  test('fails before the overall wait runs out, naming the last state seen and what to do', async () => {
    const clock = new VirtualClock();
    const t0 = clock.time;
    const api = new ScriptedModelApi(clock, {
      stop: [status('TRAINING_IN_PROGRESS')],
      delete: [error('ResourceInUseException')],
    });
    const req = request(clock, { waitDeadline: t0 + 10 * MINUTE });

    const outcome = await tearDown(req, virtualDeps(clock, api));

    expect(outcome).toEqual({
      result: 'FAILED',
      reason: 'Model birds/v1 was still TRAINING_IN_PROGRESS after 10m 0s, the longest wait allowed (maxWait).',
      lastState: 'TRAINING_IN_PROGRESS',
    });
    expect(clock.time).toBe(req.waitDeadline);
  });

  test('describes a model Delete refused as in use without a status', async () => {
    const clock = new VirtualClock();
    const api = new ScriptedModelApi(clock, {
      stop: [error('ResourceInUseException')],
      delete: [error('ResourceInUseException')],
    });

    const outcome = await tearDown(request(clock, { waitDeadline: clock.time + 2 * MINUTE }), virtualDeps(clock, api));

    expect((outcome as { reason: string }).reason).toMatch(/^Model birds\/v1 was still in use \(running, starting, stopping, training, copying or deleting\) after 2m 0s/);
  });

  test('when the run\'s time is up, stops calling in time and hands the wait on with the last state', async () => {
    const clock = new VirtualClock();
    const t0 = clock.time;
    const api = new ScriptedModelApi(clock, { stop: [status('STOPPING')], delete: [error('ResourceInUseException')] });
    const req = request(clock, { runDeadline: t0 + 3 * MINUTE });

    const outcome = await tearDown(req, virtualDeps(clock, api));

    expect(outcome).toMatchObject({ result: 'CONTINUE', lastState: 'STOPPING', calls: api.calls.length });
    // What the run learned goes with the wait: the state, since when, and the call to make next.
    expect((outcome as { progress: TeardownProgress }).progress).toMatchObject({
      state: 'STOPPING', stateSince: t0, next: 'DeleteProjectVersion', stopMayBeNeeded: false, deleteAccepted: false,
    });
    // No call starts later than one call's length before the run's deadline.
    expect(Math.max(...api.calls.map((c) => c.at))).toBeLessThanOrEqual(req.runDeadline - api.maxCallMs);
    expect(clock.time).toBeLessThanOrEqual(req.runDeadline - api.maxCallMs);
  });

  test('a late redelivery past the overall wait still looks at the model once', async () => {
    const clock = new VirtualClock();
    const api = new ScriptedModelApi(clock, { stop: [error('ResourceNotFoundException')] });

    const outcome = await tearDown(request(clock, { waitStartedAt: clock.time - 40 * MINUTE, waitDeadline: clock.time - 10 * MINUTE }),
      virtualDeps(clock, api));

    expect(outcome.result).toBe('DONE');
  });

  test('a 5-minute stop costs at most 40 calls and is noticed within the longest pause', async () => {
    const clock = new VirtualClock();
    const t0 = clock.time;
    const stopMs = 5 * MINUTE;
    const api = new ScriptedModelApi(clock, {
      stop: [status('STOPPING')],
      delete: [(at) => at - t0 < stopMs ? error('ResourceInUseException')
        : at - t0 < stopMs + 10_000 ? status('DELETING') : error('ResourceNotFoundException')],
    });

    await tearDown(request(clock), virtualDeps(clock, api));

    expect(api.calls.length).toBeLessThanOrEqual(40);
    const noticed = api.calls.find((c) => c.at >= t0 + stopMs)!;
    expect(noticed.at - (t0 + stopMs)).toBeLessThanOrEqual(1.2 * DEFAULT_PACING.maxPollMs);
  });
});

describe('STOP teardown', () => {
  test('stops a RUNNING model and waits until it is no longer STOPPING, never deleting it', async () => {
    const clock = new VirtualClock();
    const t0 = clock.time;
    const api = new ScriptedModelApi(clock, {
      stop: [(at) => at - t0 < 30_000 ? status('STOPPING') : error('ResourceInUseException')],
    });

    const outcome = await tearDown(request(clock, { action: 'STOP' }), virtualDeps(clock, api));

    expect(outcome).toEqual({ result: 'DONE', summary: 'the model is not running (ResourceInUseException)', tornDown: true });
    expect(api.operations().every((op) => op === 'stop')).toBe(true);
    expect(clock.time - t0).toBeGreaterThanOrEqual(30_000);
  });

  test.each([status('STOPPED'), error('InvalidParameterException'), error('ResourceNotFoundException')])(
    'is done at once for a model that is not running (%j)', async (answer) => {
      const clock = new VirtualClock();
      const api = new ScriptedModelApi(clock, { stop: [answer] });

      const outcome = await tearDown(request(clock, { action: 'STOP' }), virtualDeps(clock, api));

      expect(outcome.result).toBe('DONE');
      expect(api.operations()).toEqual(['stop']);
    });

  test('fails with the permission to grant when Stop is denied', async () => {
    const clock = new VirtualClock();
    const api = new ScriptedModelApi(clock, { stop: [error('AccessDeniedException')] });

    const outcome = await tearDown(request(clock, { action: 'STOP' }), virtualDeps(clock, api));

    expect(outcome.result).toBe('FAILED');
  });
});

describe('sharing a throttled limit', () => {
  test('a throttled Stop is retried before any poll of its model, sooner than a poll would be, whatever the polls learned', async () => {
    const clock = new VirtualClock();
    const throttle = error('ThrottlingException');
    const api = new ScriptedModelApi(clock, {
      stop: [throttle, throttle, status('STOPPING')],
      delete: [error('ResourceNotFoundException')],
    });
    // An earlier run learned that Delete polls must keep 20 s apart; nothing about Stop.
    const progress: TeardownProgress = {
      state: 'RUNNING',
      stateSince: clock.time,
      next: 'StopProjectVersion',
      stopMayBeNeeded: true,
      deleteAccepted: false,
      pacing: { StopProjectVersion: { callGapMs: 0, backoffMs: 0 }, DeleteProjectVersion: { callGapMs: 20_000, backoffMs: 0 } },
    };

    await tearDown(request(clock, { progress }), virtualDeps(clock, api));

    expect(api.operations()).toEqual(['stop', 'stop', 'stop', 'delete']);
    const [firstRetry, secondRetry, firstPoll] = clock.sleeps;
    expect(Math.max(firstRetry, secondRetry)).toBeLessThanOrEqual(DEFAULT_PACING.maxStopBackoffMs);
    expect(firstPoll).toBeGreaterThanOrEqual(0.8 * 20_000);
    expect(Math.max(firstRetry, secondRetry)).toBeLessThan(firstPoll);
  });

  test('a model that takes turns keeps no gap longer than half a cycle of them, whatever an earlier run learned', async () => {
    const turns = { rank: 4, count: 30 };
    const halfCycleMs = (turns.count * DEFAULT_PACING.turnMs) / 2;
    // An earlier run learned that Delete polls must keep 20 s apart, while the model was stopping.
    const stopping = (clock: VirtualClock): TeardownProgress => ({
      state: 'STOPPING',
      stateSince: clock.time,
      next: 'DeleteProjectVersion',
      stopMayBeNeeded: false,
      deleteAccepted: false,
      pacing: { StopProjectVersion: { callGapMs: 0, backoffMs: 0 }, DeleteProjectVersion: { callGapMs: 20_000, backoffMs: 0 } },
    });
    const firstPoll = async (withTurns: boolean) => {
      const clock = new VirtualClock();
      const api = new ScriptedModelApi(clock, { delete: [error('ResourceInUseException'), error('ResourceNotFoundException')] });
      await tearDown(request(clock, { progress: stopping(clock), turns: withTurns ? turns : undefined }), virtualDeps(clock, api));
      expect(api.operations()).toEqual(['delete', 'delete']);
      return { pause: clock.sleeps[0], pollAt: api.calls[1].at };
    };

    const alone = await firstPoll(false);
    const taking = await firstPoll(true);

    // Alone, the learned gap holds the poll back; with turns, at most half a cycle (jittered) and then its turn.
    expect(alone.pause).toBeGreaterThanOrEqual(0.8 * 20_000);
    expect(taking.pause).toBeLessThanOrEqual(1.2 * halfCycleMs + 2 * halfCycleMs);
    expect(untilTurnMs(turns, DEFAULT_PACING.turnMs, taking.pollAt)).toBe(0);
  });

  test('throttled polls teach the Delete gap only, and a throttled Stop leaves the polls to the schedule', async () => {
    const clock = new VirtualClock();
    const throttle = error('ThrottlingException');
    const api = new ScriptedModelApi(clock, {
      stop: [throttle, throttle, status('STOPPING')],
      delete: [throttle, throttle, error('ResourceInUseException')],
    });

    const outcome = await tearDown(request(clock, { runDeadline: clock.time + 60_000 }), virtualDeps(clock, api));

    const { pacing } = (outcome as { progress: TeardownProgress }).progress;
    // Two throttled Stops, then two throttled polls: each operation keeps the gap its own throttled calls taught.
    expect(pacing.StopProjectVersion.callGapMs).toBeGreaterThan(0);
    expect(pacing.DeleteProjectVersion.callGapMs).toBeGreaterThan(0);
    expect(pacing.DeleteProjectVersion.callGapMs).not.toBe(pacing.StopProjectVersion.callGapMs);
    const firstPoll = clock.sleeps[2];
    expect(firstPoll).toBeLessThanOrEqual(1.2 * DEFAULT_PACING.firstPollMs);
  });

  test('polls slow down after throttling and speed up again as calls get through', async () => {
    const clock = new VirtualClock();
    const t0 = clock.time;
    const throttle = error('ThrottlingException');
    const api = new ScriptedModelApi(clock, {
      stop: [status('STOPPING')],
      delete: [throttle, throttle, throttle, ...Array(8).fill(error('ResourceInUseException')),
        (at: number) => at - t0 < 5 * MINUTE ? error('ResourceInUseException') : error('ResourceNotFoundException')],
    });

    await tearDown(request(clock), virtualDeps(clock, api));

    // Three throttled calls halve the rate three times: the polls that follow are longer than the
    // schedule's own (a young state's), and never longer than the longest gap allowed ...
    const pollsAfterThrottling = clock.sleeps.slice(4, 12);
    expect(pollsAfterThrottling[0]).toBeGreaterThan(1.2 * DEFAULT_PACING.firstPollMs);
    expect(Math.max(...pollsAfterThrottling)).toBeLessThanOrEqual(1.2 * DEFAULT_PACING.maxCallGapMs);
    // ... and each call that gets through raises the rate again.
    expect(pollsAfterThrottling[1]).toBeLessThan(pollsAfterThrottling[0]);
  });

  test('a model alone is never slowed down by pacing it did not need', async () => {
    const clock = new VirtualClock();
    const t0 = clock.time;
    const api = new ScriptedModelApi(clock, {
      stop: [status('STOPPING')],
      delete: [(at) => at - t0 < MINUTE ? error('ResourceInUseException') : error('ResourceNotFoundException')],
    });

    await tearDown(request(clock), virtualDeps(clock, api));

    // Without throttling, every pause is the schedule's: at most the longest poll, jitter included.
    expect(Math.max(...clock.sleeps)).toBeLessThanOrEqual(1.2 * DEFAULT_PACING.maxPollMs);
  });
});

describe('going on from a hand-off', () => {
  const learned = (clock: VirtualClock, overrides: Partial<TeardownProgress> = {}): TeardownProgress => ({
    state: 'STOPPING',
    stateSince: clock.time - 4 * MINUTE,
    next: 'DeleteProjectVersion',
    stopMayBeNeeded: false,
    deleteAccepted: false,
    pacing: { StopProjectVersion: { callGapMs: 0, backoffMs: 0 }, DeleteProjectVersion: { callGapMs: 8_000, backoffMs: 0 } },
    ...overrides,
  });

  test('makes no fresh Stop for a model it saw STOPPING, and keeps the state\'s age and the learned pace', async () => {
    const clock = new VirtualClock();
    const t0 = clock.time;
    const api = new ScriptedModelApi(clock, {
      delete: [(at) => at - t0 < MINUTE ? error('ResourceInUseException')
        : at - t0 < MINUTE + 10_000 ? status('DELETING') : error('ResourceNotFoundException')],
    });

    const outcome = await tearDown(request(clock, { progress: learned(clock) }), virtualDeps(clock, api));

    expect(outcome.result).toBe('DONE');
    expect(api.operations()).not.toContain('stop');
    // A 4-minute-old state is polled at the longest pause at once, not from the first pause.
    const firstPoll = api.calls[1].at - api.calls[0].at;
    expect(firstPoll).toBeGreaterThanOrEqual(0.8 * DEFAULT_PACING.maxPollMs);
  });

  test('goes on waiting for a Delete the last run saw accepted', async () => {
    const clock = new VirtualClock();
    const api = new ScriptedModelApi(clock, { delete: [status('DELETING'), error('ResourceNotFoundException')] });

    const outcome = await tearDown(request(clock, { progress: learned(clock, { state: 'DELETING', deleteAccepted: true }) }), virtualDeps(clock, api));

    expect(outcome).toEqual({ result: 'DONE', summary: 'the model is deleted', tornDown: true });
    expect(api.operations()).toEqual(['delete', 'delete']);
  });

  test('never takes a state\'s start from the future (a clock behind the last run\'s)', async () => {
    const clock = new VirtualClock();
    const api = new ScriptedModelApi(clock, { stop: [status('STOPPING')], delete: [error('ResourceInUseException')] });

    const outcome = await tearDown(
      request(clock, { runDeadline: clock.time + MINUTE, progress: learned(clock, { stateSince: clock.time + 10 * MINUTE }) }),
      virtualDeps(clock, api),
    );

    expect((outcome as { progress: TeardownProgress }).progress.stateSince).toBeLessThanOrEqual(clock.time);
  });
});
