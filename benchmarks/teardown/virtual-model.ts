import { ModelAnswer, ModelApi } from '../../lambda/teardown/model-api';
import { readModelVersion } from '../../lambda/teardown/properties';
import { Pacing } from '../../lambda/teardown/schedule';
import { tearDown } from '../../lambda/teardown/teardown';
import { randomStream } from '../support/random';

/**
 * The real teardown state machine against one RUNNING model on a virtual clock: the clock moves
 * only when the teardown sleeps, so a 5-minute stop takes microseconds and the schedule alone is
 * measured (calls take no time here; the simulator benchmark adds real calls).
 */

export interface VirtualTeardown {
  /** Teardown time minus the model's own STOPPING and DELETING time, in ms. */
  readonly overheadMs: number;
  readonly calls: number;
}

export async function virtualTeardown(pacing: Pacing, stopMs: number, deleteMs: number, seed: number): Promise<VirtualTeardown> {
  let now = 0;
  let calls = 0;
  let stoppingSince: number | undefined;
  let deletingSince: number | undefined;
  const stopped = () => stoppingSince !== undefined && now - stoppingSince >= stopMs;
  const inUse: ModelAnswer = { error: 'ResourceInUseException', message: 'in use' };
  const api: ModelApi = {
    maxCallMs: 1_000,
    stopProjectVersion: async () => {
      calls++;
      stoppingSince ??= now;
      return stopped() ? inUse : { status: 'STOPPING' };
    },
    deleteProjectVersion: async () => {
      calls++;
      if (!stopped()) {
        return inUse;
      }
      deletingSince ??= now;
      return now - deletingSince < deleteMs ? { status: 'DELETING' } : { error: 'ResourceNotFoundException', message: 'gone' };
    },
  };
  const outcome = await tearDown(
    { model: readModelVersion('arn:aws:rekognition:us-east-1:123456789012:project/p/version/v/1')!, action: 'DELETE', waitStartedAt: 0, waitDeadline: 3_540_000, runDeadline: 3_540_000 },
    { api, now: () => now, sleep: async (ms) => { now += ms; }, random: randomStream(seed), pacing, log: () => {} },
  );
  if (outcome.result !== 'DONE') {
    throw new Error(`virtual teardown ended ${outcome.result}`);
  }
  return { overheadMs: now - stopMs - deleteMs, calls };
}
