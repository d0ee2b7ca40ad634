import { performance } from 'perf_hooks';
import { Stack } from 'aws-cdk-lib';
import { LOCAL_ENV, LOCAL_REGION, LOCAL_ACCOUNT, LocalAws } from '../local/local-aws';
import { CustomLabelsModelLifecycle } from '../src';
import { iqr, median, millis, quantile, Section, table } from './support';
import { MODEL_RESOURCE_TYPE } from '../src/teardown-contract';

/**
 * How soon a model's billing can stop: from the moment CloudFormation sends the model's Delete
 * (its resource turns DELETE_IN_PROGRESS) until Rekognition receives the StopProjectVersion, with
 * everything the handler does first: a fresh process of the real bundle, the stack reads
 * (DescribeStacks, ListStackResources, then the stack's events) and the claims read
 * (ListTagsForResource) side by side.
 * Played by the local CloudFormation with IAM, one `cdk destroy` of a one-model stack at a time,
 * so no cold start competes with another.
 */

const RUNS = 11;
const TARGET_MS = 250;

/** From the Delete to the claims read (process start, bundle load, the read), and to the first Stop. */
interface Timing { readonly toClaimsMs: number; readonly toStopMs: number }

export async function firstStop(log: (message: string) => void): Promise<Section[]> {
  const aws = await LocalAws.start();
  // The handler's own latency: statuses show at once, since how late CloudFormation's reads show
  // them is CloudFormation's (the handler reads again while its resource still looks live).
  aws.engine.strictness.resourceStatusLagMs = 0;
  const sentAt = new Map<string, number>();
  const claimsAt = new Map<string, number>();
  const stopAt = new Map<string, number>();
  aws.engine.on('event', (event) => {
    if (event.resourceType === MODEL_RESOURCE_TYPE && event.resourceStatus === 'DELETE_IN_PROGRESS' && event.physicalResourceId) {
      sentAt.set(event.physicalResourceId, performance.now());
    }
  });
  aws.sim.on('call', (call: { operation: string; arn?: string }) => {
    const seen = call.operation === 'ListTagsForResource' ? claimsAt : call.operation === 'StopProjectVersion' ? stopAt : undefined;
    if (seen && call.arn && !seen.has(call.arn)) {
      seen.set(call.arn, performance.now());
    }
  });
  const timings: Timing[] = [];
  try {
    for (let run = 0; run < RUNS; run++) {
      const arn = `arn:aws:rekognition:${LOCAL_REGION}:${LOCAL_ACCOUNT}:project/birds/version/first-stop-${run}/1700000000000`;
      aws.sim.addModel(arn, { status: 'RUNNING', stopDurationMs: 50, deleteDurationMs: 50 });
      const stack = new Stack(aws.newApp(), `FirstStop${run}`, { env: LOCAL_ENV });
      new CustomLabelsModelLifecycle(stack, 'Model', { projectVersionArn: arn });
      const deployed = await aws.deploy(aws.synthesize(stack));
      const destroyed = await aws.destroy(stack.stackName);
      if (deployed.status !== 'CREATE_COMPLETE' || destroyed.status !== 'DELETE_COMPLETE' || !stopAt.has(arn)) {
        throw new Error(`run ${run}: ${deployed.status}, ${destroyed.status}, Stop ${stopAt.has(arn) ? 'sent' : 'never sent'}`);
      }
      timings.push({ toClaimsMs: claimsAt.get(arn)! - sentAt.get(arn)!, toStopMs: stopAt.get(arn)! - sentAt.get(arn)! });
      log(`first stop: run ${run + 1}/${RUNS}: ${Math.round(timings[run].toStopMs)} ms`);
    }
  } finally {
    await aws.close();
  }
  const toStop = median(timings.map((t) => t.toStopMs));
  const toClaims = median(timings.map((t) => t.toClaimsMs));
  const markdown = `
From CloudFormation's Delete (the model's resource turns \`DELETE_IN_PROGRESS\`) to Rekognition
receiving \`StopProjectVersion\`: a fresh Node.js process of the real bundle, its stack reads
(\`DescribeStacks\` and \`ListStackResources\`, then \`DescribeStackEvents\`, which tell a stack's
delete from a failed create's) and the claims read (\`ListTagsForResource\`) in parallel with them,
each signed with the function's role and authorized by the local IAM. A claims read that shows no
other claim is final: the resource's own claim goes with the model, or is released after the Stop. ${RUNS} runs of \`cdk destroy\` of a one-model
stack, one after the other (\`benchmarks/first-stop.ts\`). The read API shows resource
statuses at once here: when CloudFormation's read lags, the handler reads again, which this does
not measure.

${table(['Interval', 'Median', 'p90'], [
  ['Delete → claims read (process start, bundle load, the read)', millis(toClaims), millis(quantile(timings.map((t) => t.toClaimsMs), 0.9))],
  ['Delete → first Stop (the stack reads done too)', millis(toStop), millis(quantile(timings.map((t) => t.toStopMs), 0.9))],
])}
`;
  return [{
    title: '7. First Stop after the Delete event',
    markdown,
    verdicts: [{
      claim: '7. First Stop after the Delete event, stack and tag reads included (median)',
      measured: millis(toStop),
      target: `≤ ${millis(TARGET_MS)}`,
      met: toStop <= TARGET_MS,
      value: toStop,
      spread: iqr(timings.map((t) => t.toStopMs)),
    }],
  }];
}
