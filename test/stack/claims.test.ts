import { Stack, Stage } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { addRunningModel, eventOf, modelArn, modelResourceId, stackOf, teardownCalls } from './stack-test-kit';
import { LOCAL_ENV, LocalAws, StackOperationReport } from '../../local/local-aws';
import { CustomLabelsModelLifecycle, CustomLabelsModelLifecycleProps, ModelTeardownAction } from '../../src';
import { CLAIM_TAG_KEY_PREFIX } from '../../src/teardown-contract';

/**
 * Ownership beyond one stack: several stacks (two apps, or two stages of one app) name the same
 * model, each records its claim on it, and only the last to leave tears it down. Each test is a
 * whole deploy or destroy played by the local CloudFormation, several stacks in one local AWS.
 */

jest.setTimeout(120_000);

let aws: LocalAws;
beforeAll(async () => {
  aws = await LocalAws.start();
});
afterAll(() => aws.close());

/** The claims on the model, as `aws rekognition list-tags-for-resource` lists them. */
const claims = (arn: string) => Object.entries(aws.sim.tags(arn) ?? {}).filter(([key]) => key.startsWith(CLAIM_TAG_KEY_PREFIX));

/** Deploys one stack per name, each naming `arn` (with `props`), in its own app. */
async function deployStacks(names: string[], arn: string, props: Partial<CustomLabelsModelLifecycleProps> = {}): Promise<void> {
  for (const name of names) {
    const deploy = await aws.deploy(aws.synthesize(stackOf(aws, name, (s) => new CustomLabelsModelLifecycle(s, 'Model', { ...props, projectVersionArn: arn }))));
    expect(deploy.status).toBe('CREATE_COMPLETE');
  }
}

/** The EMF metric lines the function wrote during the operation. */
const metricLines = (report: StackOperationReport) => report.functionRuns.flatMap((run) => run.logs).filter((line) => '_aws' in line);

test.each([
  ['Beta first, then Prod', ['ClaimsBeta1', 'ClaimsProd1']],
  ['Prod first, then Beta', ['ClaimsProd2', 'ClaimsBeta2']],
])('two stacks on one model, %s: the first destroy leaves it to the other, the last one tears it down', async (_, [first, last]) => {
  const arn = modelArn(`two-stacks-${first}`);
  addRunningModel(aws, arn);
  await deployStacks([first, last], arn);
  expect(claims(arn)).toHaveLength(2);
  expect(claims(arn).map(([, value]) => value.split(' ')[0])).toEqual([expect.stringMatching(/^Model/), expect.stringMatching(/^Model/)]);

  const leave = await aws.destroy(first);
  expect(leave.status).toBe('DELETE_COMPLETE');
  expect(teardownCalls(leave, arn)).toEqual([]);
  expect(aws.sim.status(arn)).toBe('RUNNING');
  expect(claims(arn).map(([, value]) => value)).toEqual([expect.stringContaining(`:stack/${last}/`)]);
  expect(metricLines(leave)).toEqual([]);

  const end = await aws.destroy(last);
  expect(end.status).toBe('DELETE_COMPLETE');
  expect(aws.sim.status(arn)).toBeUndefined();
  expect(metricLines(end)).toEqual([expect.objectContaining({ Teardowns: 1, TeardownFailures: 0, StackName: last })]);
});

test('two stacks that only stop their model: the last destroy stops it and leaves no claim, so that a later stack can end it', async () => {
  const arn = modelArn('two-stacks-stop');
  addRunningModel(aws, arn);
  await deployStacks(['StopsBeta', 'StopsProd'], arn, { teardownAction: ModelTeardownAction.STOP });

  expect((await aws.destroy('StopsBeta')).status).toBe('DELETE_COMPLETE');
  expect(aws.sim.status(arn)).toBe('RUNNING');
  const end = await aws.destroy('StopsProd');
  expect(end.status).toBe('DELETE_COMPLETE');
  expect(aws.sim.status(arn)).toBe('STOPPED');
  // Its claim was the only one: it stopped the model first, then released the claim.
  const last = aws.sim.callsFor(arn).filter((c) => !c.error && c.operation !== 'ListTagsForResource').map((c) => c.operation).slice(-2);
  expect(last).toEqual(['StopProjectVersion', 'UntagResource']);
  expect(claims(arn)).toEqual([]);
});

test('two stacks on one model destroyed at the same moment: neither leaves it running', async () => {
  const arn = modelArn('two-stacks-at-once');
  addRunningModel(aws, arn);
  await deployStacks(['ClaimsAtOnceA', 'ClaimsAtOnceB'], arn);

  const [a, b] = await Promise.all([aws.destroy('ClaimsAtOnceA'), aws.destroy('ClaimsAtOnceB')]);

  expect([a.status, b.status]).toEqual(['DELETE_COMPLETE', 'DELETE_COMPLETE']);
  expect(aws.sim.status(arn)).toBeUndefined();
});

test('one app with a Beta and a Prod stage on one model: a warning at synth, and the model outlives the first stage destroyed', async () => {
  const arn = modelArn('two-stages');
  addRunningModel(aws, arn);
  const app = aws.newApp();
  const stacks = ['Beta', 'Prod'].map((stageName) => {
    const stack = new Stack(new Stage(app, `Claims${stageName}`), 'Models', { env: LOCAL_ENV });
    new CustomLabelsModelLifecycle(stack, 'Model', { projectVersionArn: arn });
    return stack;
  });
  const [beta, prod] = stacks.map((stack) => aws.synthesize(stack));
  Annotations.fromStack(stacks[1]).hasWarning('*', Match.stringLikeRegexp('^The model of ClaimsProd/Models/Model is also named by ClaimsBeta/Models/Model'));

  expect((await aws.deploy(beta)).status).toBe('CREATE_COMPLETE');
  expect((await aws.deploy(prod)).status).toBe('CREATE_COMPLETE');
  expect((await aws.destroy(beta.stackName)).status).toBe('DELETE_COMPLETE');
  expect(aws.sim.status(arn)).toBe('RUNNING');
  expect((await aws.destroy(prod.stackName)).status).toBe('DELETE_COMPLETE');
  expect(aws.sim.status(arn)).toBeUndefined();
});

test('a Stack.formatArn ARN replaced by another: UPDATE_COMPLETE, the old model deleted in the cleanup, the new one untouched', async () => {
  const [oldArn, newArn] = [modelArn('format-arn-old'), modelArn('format-arn-new')];
  addRunningModel(aws, oldArn);
  addRunningModel(aws, newArn);
  const deployWith = (arn: string) => aws.deploy(aws.synthesize(stackOf(aws, 'ClaimsFormatArn', (s) => {
    const projectVersionArn = s.formatArn({ service: 'rekognition', resource: 'project', resourceName: arn.split(':project/')[1] });
    new CustomLabelsModelLifecycle(s, 'Model', { projectVersionArn });
  })));
  expect((await deployWith(oldArn)).status).toBe('CREATE_COMPLETE');

  const update = await deployWith(newArn);

  expect(update.status).toBe('UPDATE_COMPLETE');
  expect(aws.sim.status(oldArn)).toBeUndefined();
  expect(aws.sim.status(newArn)).toBe('RUNNING');
  expect(teardownCalls(update, newArn)).toEqual([]);
  expect(claims(newArn)).toHaveLength(1);
});

test('a model that does not exist fails the first deploy with a reason naming it; the rollback touches nothing', async () => {
  const arn = modelArn('never-trained');
  let modelId = '';
  const deploy = await aws.deploy(aws.synthesize(stackOf(aws, 'ClaimsTypo', (s) => {
    modelId = modelResourceId(new CustomLabelsModelLifecycle(s, 'Model', { projectVersionArn: arn }));
  })));

  expect(deploy.status).toBe('ROLLBACK_COMPLETE');
  expect(eventOf(deploy, modelId, 'CREATE_FAILED')?.resourceStatusReason).toMatch(/Message returned: Model birds\/never-trained does not exist \(ResourceNotFoundException/);
  expect(deploy.rekognitionCalls.filter((c) => c.operation === 'StopProjectVersion' || c.operation === 'DeleteProjectVersion')).toEqual([]);
});

test('a rolled-back first deploy releases the claim it recorded, leaves the model running, and reports no metric', async () => {
  const arn = modelArn('metrics-rollback');
  addRunningModel(aws, arn);
  const failed = await aws.deploy(aws.synthesize(stackOf(aws, 'ClaimsRollback', (s) => {
    const model = new CustomLabelsModelLifecycle(s, 'Model', { projectVersionArn: arn });
    // A resource that fails after the model's was created, so the create rolls back.
    new CustomLabelsModelLifecycle(s, 'Broken', { projectVersionArn: modelArn('missing-for-rollback') }).node.addDependency(model);
  })));
  expect(failed.status).toBe('ROLLBACK_COMPLETE');
  expect(failed.rekognitionCalls.map((c) => c.operation)).toEqual(expect.arrayContaining(['TagResource', 'UntagResource']));
  expect(aws.sim.status(arn)).toBe('RUNNING');
  expect(claims(arn)).toEqual([]);
  expect(metricLines(failed)).toEqual([]);
});
