import { CustomLabelsModelLifecycle } from '../../src';
import { LocalAws } from '../../local/local-aws';
import { indexOf, modelArn, modelResourceId, stackOf, statusesOf, teardownCalls } from './stack-test-kit';

/** `cdk deploy` then `cdk destroy` of a stack with one model, played by the local CloudFormation. */

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
