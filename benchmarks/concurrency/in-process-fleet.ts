import { FleetCase, FleetRun } from './fleet';
import { ModelApi } from '../../lambda/teardown/model-api';
import { readModelVersion } from '../../lambda/teardown/properties';
import { Pacing } from '../../lambda/teardown/schedule';
import { tearDown } from '../../lambda/teardown/teardown';
import { modelArn } from '../../local/e2e-environment';
import { CallRecord, RekognitionSimulator } from '../../local/rekognition';
import { epochNow, pointSdkAt, sleep } from '../support/aws-env';
import { randomStream } from '../support/random';
import { freshModelApi } from '../teardown/fresh-model-api';

/**
 * Many models torn down at once in this process: the real state machine and SDK adapter, an SDK
 * client per model (as each Lambda run has its own), against the rate-limited simulator. No
 * process start-up, which on this machine's few cores delays a hundred processes' first calls by
 * far more than a hundred Lambda runs would be.
 */
export async function inProcessFleet(c: FleetCase, pacing: Pacing): Promise<FleetRun> {
  const arns = Array.from({ length: c.models }, (_, i) => modelArn(`fleet-${i}`));
  const sim = await RekognitionSimulator.start({ seed: 7 });
  pointSdkAt(sim.endpoint);
  try {
    // Clients are warmed (on ARNs of no model) before the limit applies, so warming costs no admitted call.
    const apis: ModelApi[] = [];
    for (const arn of arns) {
      const api = freshModelApi('us-east-1');
      await api.stopProjectVersion(`${arn}0`);
      apis.push(api);
    }
    const warmUpCalls = sim.calls.length;
    arns.forEach((arn) => sim.addModel(arn, { status: 'RUNNING', stopDurationMs: c.stopMs, deleteDurationMs: c.deleteMs }));
    sim.configure({ tpsLimit: c.tps });
    const firstCallAt = new Map<string, number>();
    sim.on('call', (call: CallRecord) => {
      if (call.arn !== undefined && !firstCallAt.has(call.arn)) firstCallAt.set(call.arn, epochNow());
    });
    const startedAt = epochNow();
    const doneAfterMs = await Promise.all(arns.map(async (arn, i) => {
      const outcome = await tearDown(
        { model: readModelVersion(arn)!, action: 'DELETE', waitStartedAt: startedAt, waitDeadline: startedAt + 30 * 60_000, runDeadline: startedAt + 14 * 60_000 },
        { api: apis[i], now: epochNow, sleep, random: randomStream(7_000 + i), pacing, log: () => {} },
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
      calls: sim.calls.slice(warmUpCalls),
    };
  } finally {
    await sim.close();
  }
}
