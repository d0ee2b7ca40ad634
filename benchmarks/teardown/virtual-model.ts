import { readModelVersion } from '../../lambda/teardown/properties';
import { Pacing } from '../../lambda/teardown/schedule';
import { tearDown } from '../../lambda/teardown/teardown';
import { modelArn } from '../../local/local-aws';
import { seededRandom } from '../../local/random';
import { error, ScriptedModelApi, status, VirtualClock } from '../../local/virtual-time';

/**
 * The real teardown state machine against one RUNNING model on the virtual clock of the unit
 * tests: the clock moves only when the teardown sleeps, so a 5-minute stop takes microseconds and
 * the schedule alone is measured (calls take no time here; the simulator rows add real calls).
 */

export interface VirtualTeardown {
  /** Teardown time minus the model's own STOPPING and DELETING time, in ms. */
  readonly overheadMs: number;
  readonly calls: number;
}

export async function virtualTeardown(pacing: Pacing, stopMs: number, deleteMs: number, seed: number): Promise<VirtualTeardown> {
  const clock = new VirtualClock();
  const t0 = clock.time;
  let stoppingSince: number | undefined;
  let deletingSince: number | undefined;
  const stopped = (at: number) => stoppingSince !== undefined && at - stoppingSince >= stopMs;
  const api = new ScriptedModelApi(clock, {
    stop: [(at) => {
      stoppingSince ??= at;
      return stopped(at) ? error('ResourceInUseException') : status('STOPPING');
    }],
    delete: [(at) => {
      if (!stopped(at)) return error('ResourceInUseException');
      deletingSince ??= at;
      return at - deletingSince < deleteMs ? status('DELETING') : error('ResourceNotFoundException');
    }],
  });
  const outcome = await tearDown(
    { model: readModelVersion(modelArn('virtual'))!, action: 'DELETE', waitStartedAt: t0, waitDeadline: t0 + 3_540_000, runDeadline: t0 + 3_540_000 },
    { api, now: clock.now, sleep: clock.sleep, random: seededRandom(seed), pacing, log: () => {} },
  );
  if (outcome.result !== 'DONE') {
    throw new Error(`virtual teardown ended ${outcome.result}`);
  }
  return { overheadMs: clock.time - t0 - stopMs - deleteMs, calls: api.calls.length };
}
