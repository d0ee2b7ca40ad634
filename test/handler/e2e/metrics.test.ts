import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { deployModels, E2EStack } from './e2e-kit';
import { InvocationResult } from '../../../local/lambda/lambda-process';
import { LocalAws, modelArn } from '../../../local/local-aws';

/**
 * The metrics the construct offers are the ones the real bundle reports: each run's log lines are
 * read the way CloudWatch Logs reads embedded metric format (EMF), and the datapoints found must
 * have exactly the namespace, name and dimensions of the construct's `cloudwatch.Metric`.
 */

jest.setTimeout(120_000);

/** One datapoint, as CloudWatch would extract it from an EMF log line. */
interface Datapoint {
  readonly namespace: string;
  readonly metricName: string;
  readonly dimensions: Array<{ name: string; value: string }>;
  readonly value: number;
  readonly unit: string;
}

/** The datapoints in a run's log lines, checked against the EMF specification's rules on the way. */
function datapoints(runs: InvocationResult[]): Datapoint[] {
  return runs.flatMap((run) => run.logs).filter((line) => '_aws' in line).flatMap((line) => {
    const aws = line._aws as { Timestamp: unknown; CloudWatchMetrics: any[] };
    expect(typeof aws.Timestamp).toBe('number');
    return aws.CloudWatchMetrics.flatMap((directive) => {
      // Every dimension set is an array of top-level members whose values are strings.
      const dimensionSets = directive.Dimensions as string[][];
      dimensionSets.flat().forEach((name) => expect(typeof line[name]).toBe('string'));
      return (directive.Metrics as Array<{ Name: string; Unit: string }>).flatMap((metric) => {
        expect(typeof line[metric.Name]).toBe('number');
        return dimensionSets.map((set) => ({
          namespace: directive.Namespace as string,
          metricName: metric.Name,
          dimensions: set.map((name) => ({ name, value: line[name] as string })),
          value: line[metric.Name] as number,
          unit: metric.Unit,
        }));
      });
    });
  });
}

/** Where the construct's metric reads: namespace, name and dimensions. */
function readsFrom(metric: cloudwatch.Metric) {
  const stat = metric.toMetricConfig().metricStat!;
  return { namespace: stat.namespace, metricName: stat.metricName, dimensions: stat.dimensions ?? [] };
}

function emitted(points: Datapoint[], metric: cloudwatch.Metric): Datapoint[] {
  const target = readsFrom(metric);
  return points.filter((p) => p.namespace === target.namespace && p.metricName === target.metricName
    && JSON.stringify(p.dimensions) === JSON.stringify(target.dimensions));
}

describe('teardown metrics of the real bundle', () => {
  const deleted = modelArn('metrics-deleted');
  const denied = modelArn('metrics-denied');
  const reborn = modelArn('metrics-reborn');
  let aws: LocalAws;
  let stack: E2EStack;
  beforeAll(async () => {
    aws = await LocalAws.start();
    stack = await deployModels(aws, [
      { props: { projectVersionArn: deleted }, model: { status: 'RUNNING', stopDurationMs: 1_000, deleteDurationMs: 300 } },
      { props: { projectVersionArn: denied }, model: { status: 'RUNNING', stopDurationMs: 300 } },
      { props: { projectVersionArn: reborn }, model: { status: 'STOPPED' } },
    ]);
  });
  afterAll(() => aws.close());
  const deleteOf = (arn: string) => aws.sendEvent({ stackName: stack.stackName, logicalId: stack.logicalIdOf(arn), requestType: 'Delete' });

  test('a succeeding teardown reports one teardown, no failure and its duration, exactly where the construct\'s metrics read', async () => {
    const model = stack.constructs[0];
    const before = Date.now();

    const remove = await deleteOf(deleted);

    expect(remove.response.body.Status).toBe('SUCCESS');
    const points = datapoints(remove.runs);
    expect(points).toHaveLength(3);
    expect(emitted(points, model.metricTeardownFailures()).map((p) => [p.value, p.unit])).toEqual([[0, 'Count']]);
    expect(emitted(points, model.metricTeardowns()).map((p) => [p.value, p.unit])).toEqual([[1, 'Count']]);
    const [duration] = emitted(points, model.metricTeardownDuration());
    expect(duration.unit).toBe('Milliseconds');
    // At least the simulated stop, at most the whole request (whose signed date has whole seconds).
    expect(duration.value).toBeGreaterThanOrEqual(1_000);
    expect(duration.value).toBeLessThanOrEqual(remove.response.at - before + 1_000);
    // The dimension is the stack's name, from the event's StackId.
    expect(readsFrom(model.metricTeardownFailures()).dimensions).toEqual([{ name: 'StackName', value: 'TeardownE2E' }]);
    expect(String(remove.event.StackId)).toContain(':stack/TeardownE2E/');
  });

  test('a failing teardown reports one failure and no teardown, where metricTeardownFailures reads', async () => {
    aws.sim.configure({ failFirst: [{ operation: 'StopProjectVersion', count: 1_000, error: 'AccessDeniedException', arn: denied }] });
    const model = stack.constructs[1];

    const remove = await deleteOf(denied);

    expect(remove.response.body.Status).toBe('FAILED');
    const points = datapoints(remove.runs);
    expect(points).toHaveLength(2);
    expect(emitted(points, model.metricTeardownFailures()).map((p) => p.value)).toEqual([1]);
    expect(emitted(points, model.metricTeardowns()).map((p) => p.value)).toEqual([0]);
    expect(emitted(points, model.metricTeardownDuration())).toEqual([]);
  });

  test('Create and Update report no metric', async () => {
    const logicalId = stack.logicalIdOf(reborn);
    const properties = aws.stack(stack.stackName)!.resources.get(logicalId)!.properties;
    const update = await aws.sendEvent({ stackName: stack.stackName, logicalId, requestType: 'Update', properties: { ...properties, MaxWaitSeconds: 120 } });

    expect(stack.deploy.customResourceRequests.map((r) => r.response?.Status)).toEqual(['SUCCESS', 'SUCCESS', 'SUCCESS']);
    expect(update.response.body.Status).toBe('SUCCESS');
    expect(datapoints([...stack.deploy.functionRuns, ...update.runs])).toEqual([]);
  });
});

describe('teardown metrics of a wait handed on', () => {
  const handedOn = modelArn('metrics-handed-on');
  let aws: LocalAws;
  let stack: E2EStack;
  beforeAll(async () => {
    // Runs of 20 s, of which the handler keeps 17 s back: each run waits about 3 s, then hands on.
    // Each hand-off delivered once, to count per run (test/stack/strict-lambda.test.ts delivers each twice).
    // IAM applies the deploy's policies at once: a 3 s run leaves no room to wait for them, and
    // test/stack/strict-iam.test.ts plays that wait.
    aws = await LocalAws.start({ lambda: { budgetMs: 20_000, deliverTwice: () => false }, iamPropagationDelayMs: 0 });
    stack = await deployModels(aws, [{ props: { projectVersionArn: handedOn }, model: { status: 'RUNNING', stopDurationMs: 5_000, deleteDurationMs: 300 } }]);
  });
  afterAll(() => aws.close());

  test('only the run that answers reports, with the duration of the whole wait', async () => {
    const model = stack.constructs[0];

    const remove = await aws.sendEvent({ stackName: stack.stackName, logicalId: stack.logicalIdOf(handedOn), requestType: 'Delete' });

    expect(remove.response.body.Status).toBe('SUCCESS');
    expect(remove.runs.length).toBeGreaterThanOrEqual(2);
    const perRun = remove.runs.map((run) => datapoints([run]).length);
    expect(perRun).toEqual(remove.runs.map((_, i) => (i === remove.runs.length - 1 ? 3 : 0)));
    const [duration] = emitted(datapoints(remove.runs), model.metricTeardownDuration());
    expect(duration.value).toBeGreaterThanOrEqual(5_000);
    expect(emitted(datapoints(remove.runs), model.metricTeardownFailures()).map((p) => p.value)).toEqual([0]);
  });
});
