import { FleetCase, FleetRun, modelCount } from './bundle-fleet';
import { readModelVersion } from '../../lambda/teardown/properties';
import { isolatedRekognitionModelApi } from '../../lambda/teardown/rekognition-model-api';
import { Pacing } from '../../lambda/teardown/schedule';
import { tearDown } from '../../lambda/teardown/teardown';
import { modelArn } from '../../local/local-aws';
import { seededRandom } from '../../local/random';
import { CallRecord, RekognitionSimulator } from '../../local/rekognition';
import { epochNow, pointSdkAt, sleep } from '../support/aws-env';

/**
 * The same fleet torn down in this process with a pacing other than the bundle's: the real state
 * machine and SDK adapter, an SDK client per model (as each Lambda run has its own), against a
 * simulator of its own. For points of the trade-off curve, which a bundle (its pacing compiled
 * in) cannot give.
 */
export async function inProcessFleet(c: FleetCase, pacing: Pacing, seed: number): Promise<FleetRun> {
  const arns = Array.from({ length: modelCount(c) }, (_, i) => modelArn(`curve-${seed}-${i}`));
  const sim = await RekognitionSimulator.start({ seed });
  // Credentials from the environment; the endpoint per client, since fleets run side by side.
  pointSdkAt(sim.endpoint);
  try {
    const apis = arns.map(() => isolatedRekognitionModelApi('us-east-1', sim.endpoint));
    arns.forEach((arn) => sim.addModel(arn, { status: 'RUNNING', stopDurationMs: c.stopMs, deleteDurationMs: c.deleteMs }));
    sim.configure({ tpsLimit: c.tps, serverErrorRate: c.serverErrorRate });
    const firstCallAt = new Map<string, number>();
    sim.on('call', (call: CallRecord) => {
      if (call.arn !== undefined && !firstCallAt.has(call.arn)) firstCallAt.set(call.arn, epochNow());
    });
    const startedAt = epochNow();
    const doneAfterMs = await Promise.all(arns.map(async (arn, i) => {
      const outcome = await tearDown(
        { model: readModelVersion(arn)!, action: 'DELETE', waitStartedAt: startedAt, waitDeadline: startedAt + 30 * 60_000, runDeadline: startedAt + 14 * 60_000 },
        { api: apis[i], now: epochNow, sleep, random: seededRandom(seed * 1_000 + i), pacing, log: () => {} },
      );
      if (outcome.result !== 'DONE') {
        throw new Error(`teardown of ${arn} ended ${JSON.stringify(outcome)}`);
      }
      return epochNow() - startedAt;
    }));
    return {
      totalMs: Math.max(...doneAfterMs),
      doneAfterMs,
      firstCallAfterMs: arns.map((arn) => firstCallAt.get(arn)! - startedAt),
      calls: [...sim.calls],
    };
  } finally {
    await sim.close();
  }
}
