import { Stack } from 'aws-cdk-lib';
import { ModelTimeline } from './model-timeline';
import { TeardownMeasurement } from './scaled-teardown';
import { logicalIdOf } from '../../local/cloudformation/synthesized-stack';
import { LOCAL_ENV, LocalAws, modelArn } from '../../local/local-aws';
import { CustomLabelsModelLifecycle } from '../../src';
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
  const aws = await LocalAws.start();
  const timeline = new ModelTimeline(aws.sim);
  const stack = new Stack(aws.newApp(), 'BundleTeardown', { env: LOCAL_ENV });
  const logicalIds = arns.map((projectVersionArn, i) => {
    aws.sim.addModel(projectVersionArn, { status: 'RUNNING', stopDurationMs: cases[i].stopMs, deleteDurationMs: cases[i].deleteMs });
    return logicalIdOf(new CustomLabelsModelLifecycle(stack, `Model${i}`, { projectVersionArn }).node.findChild('Resource'));
  });
  try {
    await aws.deploy(aws.synthesize(stack));
    return await Promise.all(cases.map(async (_, i) => {
      const arn = arns[i];
      await sleep(i * staggerMs);
      const callsBefore = aws.sim.callsFor(arn).length;
      const startedAt = epochNow();
      const played = await aws.sendEvent({ stackName: stack.stackName, logicalId: logicalIds[i], requestType: 'Delete' });
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
        calls: aws.sim.callsFor(arn).length - callsBefore,
      };
    }));
  } finally {
    await aws.close();
  }
}
