import * as rekognition from 'aws-cdk-lib/aws-rekognition';
import { addRunningModel, eventOf, indexOf, modelArn, modelResourceId, stackOf, statusesOf, teardownCalls } from './stack-test-kit';
import { logicalIdOf } from '../../local/cloudformation/synthesized-stack';
import { LocalAws } from '../../local/local-aws';
import { CustomLabelsModelLifecycle } from '../../src';

/**
 * `cdk deploy` then `cdk destroy` of stacks synthesized from the construct, played by the local
 * CloudFormation against the real bundled handler and the Rekognition simulator.
 */

jest.setTimeout(120_000);

let aws: LocalAws;
beforeAll(async () => {
  aws = await LocalAws.start();
});
afterAll(() => aws.close());

test('deploy, then destroy: the RUNNING model is stopped and deleted, the stack ends DELETE_COMPLETE', async () => {
  const arn = modelArn('deploy-destroy');
  aws.sim.addModel(arn, { status: 'RUNNING', stopDurationMs: 300, deleteDurationMs: 100 });
  let modelId = '';
  const stack = stackOf(aws, 'DeployDestroy', (s) => {
    modelId = modelResourceId(new CustomLabelsModelLifecycle(s, 'Model', { projectVersionArn: arn }));
  });

  const deploy = await aws.deploy(aws.synthesize(stack));
  expect(deploy.status).toBe('CREATE_COMPLETE');
  expect(statusesOf(deploy, modelId)).toEqual(['CREATE_IN_PROGRESS', 'CREATE_COMPLETE']);
  expect(teardownCalls(deploy, arn)).toEqual([]);
  expect(aws.sim.status(arn)).toBe('RUNNING');

  const destroy = await aws.destroy(stack.stackName);
  expect(destroy.status).toBe('DELETE_COMPLETE');
  expect(statusesOf(destroy, modelId)).toEqual(['DELETE_IN_PROGRESS', 'DELETE_COMPLETE']);
  expect(aws.sim.status(arn)).toBeUndefined();
  const operations = teardownCalls(destroy, arn).map((c) => c.operation);
  expect(operations[0]).toBe('StopProjectVersion');
  expect(operations).toContain('DeleteProjectVersion');
  // The function and its permissions outlive the model's delete.
  const functionId = destroy.events.find((e) => e.resourceType === 'AWS::Lambda::Function')!.logicalResourceId;
  expect(indexOf(destroy, modelId, 'DELETE_COMPLETE')).toBeLessThan(indexOf(destroy, functionId, 'DELETE_IN_PROGRESS'));
  expect(destroy.events.at(-1)).toMatchObject({ resourceType: 'AWS::CloudFormation::Stack', resourceStatus: 'DELETE_COMPLETE' });
});

test('a project and a model in one stack, destroy: the model is deleted first, the project after it', async () => {
  const arn = modelArn('with-project', 'herons');
  addRunningModel(aws, arn);
  let modelId = '';
  let projectId = '';
  const stack = stackOf(aws, 'ProjectAndModel', (s) => {
    const project = new rekognition.CfnProject(s, 'Project', { projectName: 'herons' });
    projectId = logicalIdOf(project);
    modelId = modelResourceId(new CustomLabelsModelLifecycle(s, 'Model', { projectVersionArn: arn, project }));
  });

  const deploy = await aws.deploy(aws.synthesize(stack));
  expect(deploy.status).toBe('CREATE_COMPLETE');
  expect(indexOf(deploy, projectId, 'CREATE_COMPLETE')).toBeLessThan(indexOf(deploy, modelId, 'CREATE_IN_PROGRESS'));
  expect(aws.sim.projects()).toHaveLength(1);

  const destroy = await aws.destroy(stack.stackName);
  expect(destroy.status).toBe('DELETE_COMPLETE');
  expect(indexOf(destroy, modelId, 'DELETE_COMPLETE')).toBeLessThan(indexOf(destroy, projectId, 'DELETE_IN_PROGRESS'));
  expect(statusesOf(destroy, projectId)).toEqual(['DELETE_IN_PROGRESS', 'DELETE_COMPLETE']);
  expect(aws.sim.status(arn)).toBeUndefined();
  expect(aws.sim.projects()).toEqual([]);
});

test('a forged Delete sent to the function while the stack is CREATE_COMPLETE tears nothing down', async () => {
  const arn = modelArn('forged-delete');
  addRunningModel(aws, arn);
  let modelId = '';
  const stack = stackOf(aws, 'ForgedDelete', (s) => {
    modelId = modelResourceId(new CustomLabelsModelLifecycle(s, 'Model', { projectVersionArn: arn }));
  });
  expect((await aws.deploy(aws.synthesize(stack))).status).toBe('CREATE_COMPLETE');

  // Sent by someone else: the stack and the resource show no operation.
  const forged = await aws.sendEvent({ stackName: stack.stackName, logicalId: modelId, requestType: 'Delete', stackStatus: 'unchanged' });

  expect(forged.runs.length).toBeGreaterThan(0);
  expect(aws.sim.status(arn)).toBe('RUNNING');
  expect(aws.sim.callsFor(arn).filter((c) => c.operation === 'StopProjectVersion' || c.operation === 'DeleteProjectVersion')).toEqual([]);
  expect(aws.stack(stack.stackName)!.status).toBe('CREATE_COMPLETE');
  // Not the stack's own operation: its claim stays, and no metric counts it.
  expect(Object.keys(aws.sim.tags(arn)!)).toHaveLength(1);
  expect(forged.runs.flatMap((run) => run.logs).filter((line) => '_aws' in line)).toEqual([]);
});

test('with DescribeStacks denied, destroy leaves the model untouched and the delete fails naming the denied permission', async () => {
  const arn = modelArn('describe-denied');
  addRunningModel(aws, arn);
  let modelId = '';
  const stack = stackOf(aws, 'DescribeDenied', (s) => {
    modelId = modelResourceId(new CustomLabelsModelLifecycle(s, 'Model', { projectVersionArn: arn }));
  });
  expect((await aws.deploy(aws.synthesize(stack))).status).toBe('CREATE_COMPLETE');
  aws.iam.deniedActions.push('cloudformation:DescribeStacks');
  try {
    const destroy = await aws.destroy(stack.stackName);

    expect(destroy.status).toBe('DELETE_FAILED');
    expect(eventOf(destroy, modelId, 'DELETE_FAILED')?.resourceStatusReason).toContain('cloudformation:DescribeStacks');
    expect(aws.sim.status(arn)).toBe('RUNNING');
    expect(teardownCalls(destroy, arn)).toEqual([]);
  } finally {
    aws.iam.deniedActions.length = 0;
  }
});
