import { CallRecord } from '../../local/rekognition';
import { StackFleet } from '../../local/stack-fleet';
import { epochNow } from '../support/aws-env';

/**
 * Several stacks destroyed at once with the real bundle: every Delete event of every stack sent
 * at the same time, each run in its own Node.js process of its stack's function, against a
 * simulator that admits `tps` calls per operation per second and fails some calls with HTTP 500.
 */

/** Many models torn down at once against a rate-limited Rekognition. */
export interface FleetCase {
  readonly stacks: number;
  readonly modelsPerStack: number;
  /** Calls each operation admits in any rolling second. */
  readonly tps: number;
  /** Share of admitted calls answered with HTTP 500. */
  readonly serverErrorRate: number;
  readonly stopMs: number;
  readonly deleteMs: number;
}

/** What one run measured. */
export interface FleetRun {
  /** From the start to the last model done, in ms. */
  readonly totalMs: number;
  /** Each model's time from the start to done, in ms. */
  readonly doneAfterMs: number[];
  /** Each model's time from the start to its first call, in ms. */
  readonly firstCallAfterMs: number[];
  /** Every call the simulator answered, throttled ones included. */
  readonly calls: readonly CallRecord[];
}

export function modelCount(c: FleetCase): number {
  return c.stacks * c.modelsPerStack;
}

export async function bundleFleet(c: FleetCase, seed: number): Promise<FleetRun> {
  const fleet = await StackFleet.start({
    stacks: c.stacks,
    modelsPerStack: c.modelsPerStack,
    model: { status: 'RUNNING', stopDurationMs: c.stopMs, deleteDurationMs: c.deleteMs },
    simulator: { tpsLimit: c.tps, serverErrorRate: c.serverErrorRate, seed },
  });
  try {
    const callsBefore = fleet.sim.calls.length;
    const firstCallAt = new Map<string, number>();
    fleet.sim.on('call', (call: CallRecord) => {
      if (call.arn !== undefined && !firstCallAt.has(call.arn)) firstCallAt.set(call.arn, epochNow());
    });
    const startedAt = epochNow();
    const played = await fleet.destroyAll();
    const failed = played.filter((p) => p.response.body.Status !== 'SUCCESS');
    if (failed.length > 0) {
      throw new Error(`${failed.length} teardowns failed, e.g. ${failed[0].response.body.Reason}`);
    }
    const doneAfterMs = played.map((p) => p.response.at - startedAt);
    return {
      totalMs: Math.max(...doneAfterMs),
      doneAfterMs,
      firstCallAfterMs: fleet.arns.map((arn) => firstCallAt.get(arn)! - startedAt),
      calls: fleet.sim.calls.slice(callsBefore),
    };
  } finally {
    await fleet.close();
  }
}
