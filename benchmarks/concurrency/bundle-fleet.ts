import { E2EEnvironment, modelArn } from '../../local/e2e-environment';
import { CallRecord } from '../../local/rekognition';
import { epochNow } from '../support/aws-env';

/**
 * Many models torn down at once with the real bundle against a simulator that admits `tps` calls
 * per operation per second: every Delete event sent at once, each run in its own Node.js process,
 * as CloudFormation and Lambda would run them.
 */

/** Many models torn down at once against a rate-limited Rekognition. */
export interface FleetCase {
  readonly models: number;
  /** Calls each operation admits in any rolling second. */
  readonly tps: number;
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

export async function bundleFleet(c: FleetCase): Promise<FleetRun> {
  const arns = Array.from({ length: c.models }, (_, i) => modelArn(`many-${i}`));
  const env = await E2EEnvironment.start({
    models: arns.map((projectVersionArn) => ({ projectVersionArn })),
    simulator: { tpsLimit: c.tps, seed: 7 },
  });
  try {
    arns.forEach((arn) => env.sim.addModel(arn, { status: 'RUNNING', stopDurationMs: c.stopMs, deleteDurationMs: c.deleteMs }));
    const firstCallAt = new Map<string, number>();
    env.sim.on('call', (call: CallRecord) => {
      if (call.arn !== undefined && !firstCallAt.has(call.arn)) firstCallAt.set(call.arn, epochNow());
    });
    const startedAt = epochNow();
    const played = await Promise.all(arns.map((arn) => env.cloudFormation.delete(env.resource(arn), arn)));
    const failed = played.filter((p) => p.response.body.Status !== 'SUCCESS');
    if (failed.length > 0) {
      throw new Error(`${failed.length} teardowns failed, e.g. ${failed[0].response.body.Reason}`);
    }
    const doneAfterMs = played.map((p) => p.response.at - startedAt);
    return {
      totalMs: Math.max(...doneAfterMs),
      doneAfterMs,
      firstCallAfterMs: arns.map((arn) => firstCallAt.get(arn)! - startedAt),
      calls: [...env.sim.calls],
    };
  } finally {
    await env.close();
  }
}
