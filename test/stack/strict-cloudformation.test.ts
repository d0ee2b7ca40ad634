import { CfnParameter } from 'aws-cdk-lib';
import { addRunningModel, eventOf, modelArn, modelResourceId, stackOf, teardownCalls } from './stack-test-kit';
import { LocalAws } from '../../local/local-aws';
import { CustomLabelsModelLifecycle } from '../../src';

/**
 * Where the local CloudFormation is as strict as the real one (`local/cloudformation/strictness.ts`),
 * and what the handler does there, each as a whole stack operation.
 */

jest.setTimeout(120_000);

let aws: LocalAws;
beforeAll(async () => {
  aws = await LocalAws.start();
});
afterAll(() => aws.close());

test('a FAILED Update keeps the previous model ARN as its physical id: CloudFormation adopts it, the rollback Update goes to the old model, no Delete follows', async () => {
  expect(aws.engine.strictness.adoptFailedUpdatePhysicalId).toBe(true);
  const [oldArn, newArn] = [modelArn('failed-update-old'), modelArn('failed-update-new')];
  addRunningModel(aws, oldArn);
  addRunningModel(aws, newArn);
  let modelId = '';
  const synthesized = aws.synthesize(stackOf(aws, 'FailedUpdateId', (s) => {
    const arn = new CfnParameter(s, 'ModelArn', { type: 'String' }).valueAsString;
    modelId = modelResourceId(new CustomLabelsModelLifecycle(s, 'Model', { projectVersionArn: arn }));
  }));
  expect((await aws.deploy(synthesized, { parameters: { ModelArn: oldArn } })).status).toBe('CREATE_COMPLETE');

  const update = await aws.deploy(synthesized, { parameters: { ModelArn: newArn } });

  expect(update.status).toBe('UPDATE_ROLLBACK_COMPLETE');
  // The id CloudFormation adopted from the FAILED response: another id here would be the model
  // CloudFormation then updates back and deletes in the rollback cleanup.
  expect(eventOf(update, modelId, 'UPDATE_FAILED')?.physicalResourceId).toBe(oldArn);
  const requests = update.customResourceRequests.filter((r) => r.event.LogicalResourceId === modelId);
  expect(requests.map((r) => [r.event.RequestType, r.event.PhysicalResourceId, r.response?.Status, r.response?.PhysicalResourceId])).toEqual([
    ['Update', oldArn, 'FAILED', oldArn],
    ['Update', oldArn, 'SUCCESS', oldArn],
  ]);
  expect(aws.stack('FailedUpdateId')!.resources.get(modelId)?.physicalId).toBe(oldArn);
  expect([aws.sim.status(oldArn), aws.sim.status(newArn)]).toEqual(['RUNNING', 'RUNNING']);
  expect([...teardownCalls(update, oldArn), ...teardownCalls(update, newArn)]).toEqual([]);
});
