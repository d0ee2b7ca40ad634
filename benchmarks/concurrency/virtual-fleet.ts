import { FleetCase } from './fleet';
import { VirtualScheduler } from './virtual-scheduler';
import { ModelAnswer, ModelApi } from '../../lambda/teardown/model-api';
import { readModelVersion } from '../../lambda/teardown/properties';
import { Pacing } from '../../lambda/teardown/schedule';
import { tearDown } from '../../lambda/teardown/teardown';
import { randomStream } from '../support/random';

/**
 * Many models torn down at once on a virtual clock, by the real teardown state machine, against
 * a model of the simulator's rate limit (calls per operation in any rolling second; throttled
 * calls do not count) and of the SDK's own retry of a throttled call (one retry after a random
 * 0 to 1 s, as @smithy's standard strategy does for throttling with the adapter's maxAttempts 2).
 * For what-ifs: a schedule's effect in milliseconds instead of minutes; checked against a
 * measured run in BENCHMARKS.md.
 */

export interface VirtualFleetRun {
  readonly totalMs: number;
  readonly calls: number;
  readonly throttled: number;
}

const SDK_THROTTLING_RETRY_MS = 1_000;
const WINDOW_MS = 1_000;

export async function virtualFleet(c: FleetCase, pacing: Pacing, seed: number): Promise<VirtualFleetRun> {
  const clock = new VirtualScheduler();
  const admitted: Record<string, number[]> = { stop: [], delete: [] };
  let calls = 0;
  let throttled = 0;
  const admit = (operation: 'stop' | 'delete') => {
    const window = admitted[operation];
    while (window.length > 0 && window[0] <= clock.now() - WINDOW_MS) window.shift();
    if (window.length >= c.tps) return false;
    window.push(clock.now());
    return true;
  };

  interface ModelState { stoppingSince?: number; deletingSince?: number }
  const models: ModelState[] = Array.from({ length: c.models }, () => ({}));
  const inUse: ModelAnswer = { error: 'ResourceInUseException', message: 'in use' };
  /** One HTTP request, as the simulator answers it. */
  const request = (i: number, operation: 'stop' | 'delete'): ModelAnswer => {
    calls++;
    if (!admit(operation)) {
      throttled++;
      return { error: 'ThrottlingException', message: 'Rate exceeded', httpStatus: 400 };
    }
    const model = models[i];
    const now = clock.now();
    if (model.deletingSince !== undefined) {
      return now - model.deletingSince >= c.deleteMs ? { error: 'ResourceNotFoundException', message: 'gone' }
        : operation === 'delete' ? { status: 'DELETING' } : inUse;
    }
    const stopped = model.stoppingSince !== undefined && now - model.stoppingSince >= c.stopMs;
    if (operation === 'stop') {
      model.stoppingSince ??= now;
      return stopped ? inUse : { status: 'STOPPING' };
    }
    if (!stopped) return inUse;
    model.deletingSince = now;
    return { status: 'DELETING' };
  };
  /** One SDK call: a throttled request is retried once. */
  const sdkCall = async (i: number, operation: 'stop' | 'delete', random: () => number): Promise<ModelAnswer> => {
    const first = request(i, operation);
    if (!('error' in first) || first.error !== 'ThrottlingException') return first;
    await clock.sleep(Math.floor(random() * SDK_THROTTLING_RETRY_MS));
    return request(i, operation);
  };

  let running = c.models;
  let lastDoneAt = 0;
  const failures: unknown[] = [];
  for (let i = 0; i < c.models; i++) {
    const sdkRandom = randomStream(seed * 100_003 + 2 * i);
    const api: ModelApi = {
      maxCallMs: 11_000,
      stopProjectVersion: () => sdkCall(i, 'stop', sdkRandom),
      deleteProjectVersion: () => sdkCall(i, 'delete', sdkRandom),
    };
    void tearDown(
      { model: readModelVersion(`arn:aws:rekognition:us-east-1:123456789012:project/p/version/v/${i}`)!, action: 'DELETE', waitStartedAt: 0, waitDeadline: 30 * 60_000, runDeadline: 14 * 60_000 },
      { api, now: clock.now, sleep: clock.sleep, random: randomStream(seed * 100_003 + 2 * i + 1), pacing, log: () => {} },
    ).then((outcome) => {
      if (outcome.result !== 'DONE') failures.push(new Error(`virtual teardown ${i} ended ${JSON.stringify(outcome)}`));
      lastDoneAt = clock.now();
      running--;
    }, (err: unknown) => failures.push(err));
  }
  await clock.run(() => running === 0 || failures.length > 0);
  if (failures.length > 0) {
    throw failures[0];
  }
  return { totalMs: lastDoneAt, calls, throttled };
}
