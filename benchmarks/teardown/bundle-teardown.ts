import { ModelTimeline } from './model-timeline';
import { TeardownMeasurement } from './scaled-teardown';
import { E2EEnvironment, modelArn } from '../../local/e2e-environment';
import { epochNow, sleep } from '../support/aws-env';

/**
 * The real bundled handler, each teardown in a fresh Node.js process as on Lambda, driven by a
 * CloudFormation Delete event and timed until CloudFormation receives the response: cold start,
 * teardown and response PUT included. Real time only (the bundle's pacing is compiled in).
 */

export interface BundleCase {
  readonly stopMs: number;
  readonly deleteMs: number;
}

/** Runs every case at once, their starts `staggerMs` apart so cold starts do not pile up. */
export async function bundleTeardowns(cases: readonly BundleCase[], staggerMs: number): Promise<TeardownMeasurement[]> {
  const arns = cases.map((_, i) => modelArn(`bench-bundle-${i}`));
  const env = await E2EEnvironment.start({ models: arns.map((projectVersionArn) => ({ projectVersionArn })) });
  const timeline = new ModelTimeline(env.sim);
  try {
    return await Promise.all(cases.map(async (c, i) => {
      const arn = arns[i];
      await sleep(i * staggerMs);
      env.sim.addModel(arn, { status: 'RUNNING', stopDurationMs: c.stopMs, deleteDurationMs: c.deleteMs });
      const startedAt = epochNow();
      const played = await env.cloudFormation.delete(env.resource(arn), arn);
      if (played.response.body.Status !== 'SUCCESS') {
        throw new Error(`teardown of ${arn} answered ${played.response.body.Status}: ${played.response.body.Reason}`);
      }
      const endedAt = played.response.at;
      return {
        totalMs: endedAt - startedAt,
        overheadMs: endedAt - startedAt - timeline.ownTimeMs(arn),
        startMs: timeline.at(arn, 'STOPPING') - startedAt,
        stopLagMs: timeline.at(arn, 'DELETING') - timeline.at(arn, 'STOPPED'),
        deleteLagMs: endedAt - timeline.at(arn, 'GONE'),
        calls: env.sim.callsFor(arn).length,
      };
    }));
  } finally {
    await env.close();
  }
}
