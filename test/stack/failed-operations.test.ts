import { CfnResource } from 'aws-cdk-lib';
import { addRunningModel, eventOf, modelArn, modelResourceId, stackOf, statusesOf, teardownCalls } from './stack-test-kit';
import { logicalIdOf } from '../../local/cloudformation/synthesized-stack';
import { LocalAws } from '../../local/local-aws';
import { CustomLabelsModelLifecycle } from '../../src';

/**
 * Operations that fail: a first deploy that rolls back, an update that rolls back, and a destroy
 * that cannot finish within maxWait, retried as the README advises and then with
 * --retain-resources.
 */

jest.setTimeout(120_000);

let aws: LocalAws;
beforeAll(async () => {
  aws = await LocalAws.start();
});
afterAll(() => aws.close());


/** A security group (a no-op resource here) created after the model's resource, so its failure rolls the model's resource back. */
function guardAfter(model: CustomLabelsModelLifecycle): string {
  const guard = new CfnResource(model.node.scope!, 'Guard', { type: 'AWS::EC2::SecurityGroup', properties: { GroupDescription: 'guard' } });
  guard.addDependency(model.node.findChild('Resource').node.defaultChild as CfnResource);
  return logicalIdOf(guard);
}

test('a first deploy that fails on another resource rolls back to ROLLBACK_COMPLETE and leaves the adopted RUNNING model untouched', async () => {
  const arn = modelArn('first-deploy-fails');
  addRunningModel(aws, arn);
  let modelId = '';
  const stack = stackOf(aws, 'FirstDeployFails', (s) => {
    const model = new CustomLabelsModelLifecycle(s, 'Model', { projectVersionArn: arn });
    modelId = modelResourceId(model);
    aws.engine.faults.fail(guardAfter(model), 'create', { reason: 'Resource handler returned message: "The security group is invalid"' });
  });

  const deploy = await aws.deploy(aws.synthesize(stack));

  expect(deploy.status).toBe('ROLLBACK_COMPLETE');
  expect(statusesOf(deploy, 'Guard')).toEqual(['CREATE_IN_PROGRESS', 'CREATE_FAILED', 'DELETE_IN_PROGRESS', 'DELETE_COMPLETE']);
  expect(statusesOf(deploy, modelId)).toEqual(['CREATE_IN_PROGRESS', 'CREATE_COMPLETE', 'DELETE_IN_PROGRESS', 'DELETE_COMPLETE']);
  expect(aws.sim.status(arn)).toBe('RUNNING');
  expect(teardownCalls(deploy, arn)).toEqual([]);
});

test('an update that changes the ARN and fails on another resource rolls back to UPDATE_ROLLBACK_COMPLETE, both models untouched', async () => {
  const [oldArn, newArn] = [modelArn('update-fails-old'), modelArn('update-fails-new')];
  addRunningModel(aws, oldArn);
  addRunningModel(aws, newArn);
  let modelId = '';
  const deploy = (arn: string, guarded: boolean) => aws.deploy(aws.synthesize(stackOf(aws, 'UpdateFails', (s) => {
    const model = new CustomLabelsModelLifecycle(s, 'Model', { projectVersionArn: arn });
    modelId = modelResourceId(model);
    if (guarded) {
      aws.engine.faults.fail(guardAfter(model), 'create', { times: 1 });
    }
  })));
  expect((await deploy(oldArn, false)).status).toBe('CREATE_COMPLETE');

  const update = await deploy(newArn, true);

  expect(update.status).toBe('UPDATE_ROLLBACK_COMPLETE');
  expect(statusesOf(update, 'Guard')).toEqual(['CREATE_IN_PROGRESS', 'CREATE_FAILED', 'DELETE_IN_PROGRESS', 'DELETE_COMPLETE']);
  expect(aws.stack('UpdateFails')!.resources.get(modelId)?.physicalId).toBe(oldArn);
  expect(update.events.filter((e) => e.resourceStatus.endsWith('_FAILED')).map((e) => e.logicalResourceId)).toEqual(['Guard']);
  expect(aws.sim.status(oldArn)).toBe('RUNNING');
  expect(aws.sim.status(newArn)).toBe('RUNNING');
  expect([...teardownCalls(update, oldArn), ...teardownCalls(update, newArn)]).toEqual([]);
});

describe('destroy while the model trains longer than maxWait', () => {
  const arn = modelArn('still-training');
  let modelId = '';
  let stackName = '';

  beforeAll(async () => {
    aws.sim.addModel(arn, { status: 'TRAINING_IN_PROGRESS', trainingDurationMs: 3_600_000 });
    const stack = stackOf(aws, 'StillTraining', (s) => {
      modelId = modelResourceId(new CustomLabelsModelLifecycle(s, 'Model', { projectVersionArn: arn }));
    });
    stackName = stack.stackName;
    // The construct asks for at least a minute; the handler takes any wait of a second or more.
    expect((await aws.deploy(aws.synthesize(stack, { propertyOverrides: { [modelId]: { MaxWaitSeconds: 3, ServiceTimeout: 30 } } }))).status).toBe('CREATE_COMPLETE');
  });

  test('the first destroy ends DELETE_FAILED on the model, and deletes the function, role and policies anyway (#852); the second fails at once; --retain-resources completes it', async () => {
    const first = await aws.destroy(stackName);
    expect(first.status).toBe('DELETE_FAILED');
    expect(statusesOf(first, modelId)).toEqual(['DELETE_IN_PROGRESS', 'DELETE_FAILED']);
    for (const type of ['AWS::Lambda::Function', 'AWS::IAM::Role', 'AWS::IAM::Policy', 'AWS::Logs::LogGroup']) {
      const events = first.events.filter((e) => e.resourceType === type);
      expect(events.length).toBeGreaterThan(0);
      expect(events.filter((e) => e.resourceStatus === 'DELETE_COMPLETE')).toHaveLength(events.length / 2);
    }
    expect([...aws.stack(stackName)!.resources.keys()]).toEqual([modelId]);
    expect(aws.sim.status(arn)).toBe('TRAINING_IN_PROGRESS');
    // The failed teardown released its claim: no stack that adopts the model later finds it claimed.
    expect(aws.sim.tags(arn)).toEqual({});

    const second = await aws.destroy(stackName);
    expect(second.status).toBe('DELETE_FAILED');
    expect(eventOf(second, modelId, 'DELETE_FAILED')?.resourceStatusReason).toMatch(/ResourceNotFoundException/);
    expect(second.functionRuns).toEqual([]);

    const retained = await aws.destroy(stackName, { retainResources: [modelId] });
    expect(retained.status).toBe('DELETE_COMPLETE');
    expect(statusesOf(retained, modelId)).toEqual(['DELETE_SKIPPED']);
    expect(aws.sim.status(arn)).toBe('TRAINING_IN_PROGRESS');
    expect(aws.stack(stackName)).toBeUndefined();
  });
});

test('a destroy that runs out of maxWait advises --retain-resources with the logical id, and the aws rekognition commands', async () => {
  const arn = modelArn('advice');
  aws.sim.addModel(arn, { status: 'TRAINING_IN_PROGRESS', trainingDurationMs: 3_600_000 });
  let modelId = '';
  const stack = stackOf(aws, 'Advice', (s) => {
    modelId = modelResourceId(new CustomLabelsModelLifecycle(s, 'Model', { projectVersionArn: arn }));
  });
  await aws.deploy(aws.synthesize(stack, { propertyOverrides: { [modelId]: { MaxWaitSeconds: 3, ServiceTimeout: 30 } } }));

  const destroy = await aws.destroy(stack.stackName);

  const reason = eventOf(destroy, modelId, 'DELETE_FAILED')?.resourceStatusReason ?? '';
  expect(reason).toContain(`--retain-resources ${modelId}`);
  expect(reason).toMatch(/aws rekognition (stop|delete)-project-version/);
  await aws.destroy(stack.stackName, { retainResources: [modelId] });
});

