import { CfnResource } from 'aws-cdk-lib';
import { addRunningModel, modelArn, modelResourceId, stackOf, statusesOf, teardownCalls } from './stack-test-kit';
import { LocalAws, StackOperationReport } from '../../local/local-aws';
import { CustomLabelsModelLifecycle } from '../../src';

/**
 * IAM applies new policies after a delay (`local/iam/local-iam.ts`), as on AWS: the function's
 * first calls after CloudFormation created its policies may be denied, and the handler makes them
 * again for a bounded time (`lambda/teardown/iam-propagation.ts`) rather than fail the deploy, or
 * leave a rollback in ROLLBACK_FAILED.
 */

jest.setTimeout(120_000);

const logsOf = (report: StackOperationReport) => report.functionRuns.flatMap((run) => run.logs);

let aws: LocalAws;
beforeAll(async () => {
  aws = await LocalAws.start();
});
afterAll(() => aws.close());
afterEach(() => {
  aws.iam.propagationDelayMs = 1_000;
  aws.iam.propagationDelayOf = () => undefined;
});

test('a first deploy whose claim is denied until IAM applies the model\'s policy records it once IAM does, and deploys', async () => {
  aws.iam.propagationDelayMs = 4_000;
  const arn = modelArn('iam-first-deploy');
  addRunningModel(aws, arn);
  let modelId = '';

  const deploy = await aws.deploy(aws.synthesize(stackOf(aws, 'IamFirstDeploy', (s) => {
    modelId = modelResourceId(new CustomLabelsModelLifecycle(s, 'Model', { projectVersionArn: arn }));
  })));

  expect(deploy.status).toBe('CREATE_COMPLETE');
  const tagCalls = deploy.rekognitionCalls.filter((c) => c.operation === 'TagResource');
  expect(tagCalls[0].error).toBe('AccessDeniedException');
  expect(tagCalls.at(-1)!.error).toBeUndefined();
  expect(Object.keys(aws.sim.tags(arn)!)).toHaveLength(1);
  expect(logsOf(deploy)).toContainEqual(expect.objectContaining({ message: expect.stringContaining('retrying while IAM may still be applying'), operation: 'tagResource' }));
  expect(statusesOf(deploy, modelId)).toEqual(['CREATE_IN_PROGRESS', 'CREATE_COMPLETE']);
});

test('a first deploy that fails at once: the rollback Delete is denied its stack read until IAM applies the function\'s policy, reads again, and leaves the model as it was', async () => {
  // Delays vary on AWS: here the function's own policy (the stack reads) takes longer than the model's.
  aws.iam.propagationDelayOf = (name) => name.includes('HandlerManagedPolicy') ? 8_000 : undefined;
  const arn = modelArn('iam-early-rollback');
  addRunningModel(aws, arn);
  let modelId = '';
  const stack = stackOf(aws, 'IamEarlyRollback', (s) => {
    const model = new CustomLabelsModelLifecycle(s, 'Model', { projectVersionArn: arn });
    modelId = modelResourceId(model);
    new CfnResource(s, 'Topic', { type: 'AWS::SNS::Topic' }).node.addDependency(model);
  });
  aws.engine.faults.fail('IamEarlyRollback/Topic', 'create', { times: 1 });

  const deploy = await aws.deploy(aws.synthesize(stack));

  expect(deploy.status).toBe('ROLLBACK_COMPLETE');
  expect(statusesOf(deploy, modelId)).toEqual(['CREATE_IN_PROGRESS', 'CREATE_COMPLETE', 'DELETE_IN_PROGRESS', 'DELETE_COMPLETE']);
  expect(logsOf(deploy)).toContainEqual(expect.objectContaining({ message: expect.stringContaining('retrying while IAM may still be applying'), operation: 'describeStack' }));
  expect(aws.sim.status(arn)).toBe('RUNNING');
  expect(teardownCalls(deploy, arn)).toEqual([]);
  // The rollback released the claim the create recorded.
  expect(aws.sim.tags(arn)).toEqual({});
});
