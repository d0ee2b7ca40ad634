import { CfnParameter, CfnResource } from 'aws-cdk-lib';
import { addRunningModel, eventOf, modelArn, modelResourceId, stackOf, statusesOf, teardownCalls } from './stack-test-kit';
import { LocalAws, StackOperationReport } from '../../local/local-aws';
import { CustomLabelsModelLifecycle } from '../../src';

/**
 * Where the local CloudFormation is as strict as the real one (`local/cloudformation/strictness.ts`),
 * and what the handler does there, each as a whole stack operation.
 */

jest.setTimeout(120_000);

/** Runs `undo` after the current test, passed or failed. */
const undos: Array<() => void> = [];
const afterOnce = (undo: () => void) => undos.push(undo);
afterEach(() => undos.splice(0).forEach((undo) => undo()));

const metricLines = (report: StackOperationReport) => report.functionRuns.flatMap((run) => run.logs).filter((line) => '_aws' in line);

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

test('a model still training when its construct is removed: the cleanup Delete fails after maxWait, the two retries answer at once, the model stays, one failure is counted', async () => {
  expect(aws.engine.strictness.cleanupDeleteAttempts).toBe(3);
  const arn = modelArn('cleanup-retried');
  aws.sim.addModel(arn, { status: 'TRAINING_IN_PROGRESS', trainingDurationMs: 3_600_000 });
  let modelId = '';
  const deploy = (withModel: boolean) => {
    const stack = stackOf(aws, 'CleanupRetried', (s) => {
      new CfnResource(s, 'Topic', { type: 'AWS::SNS::Topic' });
      if (withModel) {
        modelId = modelResourceId(new CustomLabelsModelLifecycle(s, 'Model', { projectVersionArn: arn }));
      }
    });
    return aws.deploy(aws.synthesize(stack, withModel ? { propertyOverrides: { [modelId]: { MaxWaitSeconds: 3, ServiceTimeout: 30 } } } : {}));
  };
  expect((await deploy(true)).status).toBe('CREATE_COMPLETE');

  const update = await deploy(false);

  expect(update.status).toBe('UPDATE_COMPLETE');
  expect(aws.stack('CleanupRetried')!.statusReason).toBe('Update successful. One or more resources could not be deleted.');
  expect(statusesOf(update, modelId)).toEqual(['DELETE_IN_PROGRESS', 'DELETE_FAILED', 'DELETE_IN_PROGRESS', 'DELETE_FAILED', 'DELETE_IN_PROGRESS', 'DELETE_FAILED']);
  const reasons = update.events.filter((e) => e.logicalResourceId === modelId && e.resourceStatus === 'DELETE_FAILED').map((e) => e.resourceStatusReason);
  expect(reasons[0]).toMatch(/Model birds\/cleanup-retried was still .* after \d+s, the longest wait allowed \(maxWait\)/);
  expect(reasons[1]).toMatch(/An earlier attempt of this cleanup Delete could not tear down model birds\/cleanup-retried .* ago; this attempt \(2 of the 3/);
  expect(reasons[2]).toMatch(/this attempt \(3 of the 3/);
  // The retries answer at once rather than wait again (maxWait is 3 s here).
  const attempts = update.events.filter((e) => e.logicalResourceId === modelId);
  for (const attempt of [1, 2]) {
    expect(attempts[2 * attempt + 1].timestamp.getTime() - attempts[2 * attempt].timestamp.getTime()).toBeLessThan(2_500);
  }
  // The retries touch the model not at all: every Stop and Delete was the first attempt's.
  const requests = update.customResourceRequests.filter((r) => r.event.LogicalResourceId === modelId);
  expect(requests).toHaveLength(3);
  const stopsAndDeletes = teardownCalls(update, arn);
  expect(stopsAndDeletes.length).toBeGreaterThan(0);
  expect(metricLines(update)).toEqual([expect.objectContaining({ TeardownFailures: 1, Teardowns: 0 })]);
  expect(aws.sim.status(arn)).toBe('TRAINING_IN_PROGRESS');
  expect(Object.keys(aws.sim.tags(arn) ?? {})).toEqual([]);
});

describe('a first deploy that fails on another resource, with OnFailure', () => {
  /** A stack whose Guard (created after the model's resource) fails to create. */
  const failingStack = (name: string, arn: string) => {
    let modelId = '';
    const stack = stackOf(aws, name, (s) => {
      const model = new CustomLabelsModelLifecycle(s, 'Model', { projectVersionArn: arn });
      modelId = modelResourceId(model);
      const guard = new CfnResource(s, 'Guard', { type: 'AWS::EC2::SecurityGroup', properties: { GroupDescription: 'guard' } });
      guard.addDependency(model.node.findChild('Resource').node.defaultChild as CfnResource);
      aws.engine.faults.fail(`${name}/Guard`, 'create', { reason: 'Resource handler returned message: "The security group is invalid"' });
    });
    return { synthesized: aws.synthesize(stack), modelId: () => modelId };
  };

  test('DELETE: the stack is deleted, not rolled back; the Delete arrives while it is DELETE_IN_PROGRESS and leaves the adopted RUNNING model as it was', async () => {
    const arn = modelArn('on-failure-delete');
    addRunningModel(aws, arn);
    const { synthesized, modelId } = failingStack('OnFailureDelete', arn);

    const deploy = await aws.deploy(synthesized, { onFailure: 'DELETE' });

    expect(deploy.status).toBe('DELETE_COMPLETE');
    expect(statusesOf(deploy, 'OnFailureDelete')).toEqual(['CREATE_IN_PROGRESS', 'DELETE_IN_PROGRESS', 'DELETE_COMPLETE']);
    expect(statusesOf(deploy, modelId())).toEqual(['CREATE_IN_PROGRESS', 'CREATE_COMPLETE', 'DELETE_IN_PROGRESS', 'DELETE_COMPLETE']);
    const deleted = deploy.customResourceRequests.find((r) => r.event.RequestType === 'Delete');
    expect(deleted?.response).toMatchObject({ Status: 'SUCCESS', Reason: expect.stringMatching(/was left as it is: the stack is being deleted because its create failed \(OnFailure DELETE\)/) });
    expect(aws.sim.status(arn)).toBe('RUNNING');
    expect(teardownCalls(deploy, arn)).toEqual([]);
    // The claim is released: the model is as it was before the deploy.
    expect(Object.keys(aws.sim.tags(arn) ?? {})).toEqual([]);
    expect(aws.api.calls.filter((c) => c.action === 'DescribeStackEvents' && c.error === undefined).length).toBeGreaterThan(0);
  });

  test('DO_NOTHING: the stack stays CREATE_FAILED with the model adopted; deleting it later leaves the model too', async () => {
    const arn = modelArn('on-failure-nothing');
    addRunningModel(aws, arn);
    const { synthesized, modelId } = failingStack('OnFailureNothing', arn);

    const deploy = await aws.deploy(synthesized, { onFailure: 'DO_NOTHING' });
    expect(deploy.status).toBe('CREATE_FAILED');
    expect(aws.stack('OnFailureNothing')!.resources.get(modelId())?.physicalId).toBe(arn);

    const destroy = await aws.destroy('OnFailureNothing');
    expect(destroy.status).toBe('DELETE_COMPLETE');
    expect(aws.sim.status(arn)).toBe('RUNNING');
    expect(teardownCalls(destroy, arn)).toEqual([]);
  });

  test('a stack whose create completed is still torn down by its destroy (the events tell them apart)', async () => {
    const arn = modelArn('on-failure-completed');
    addRunningModel(aws, arn);
    const stack = stackOf(aws, 'CreateCompleted', (s) => new CustomLabelsModelLifecycle(s, 'Model', { projectVersionArn: arn }));
    expect((await aws.deploy(aws.synthesize(stack), { onFailure: 'DELETE' })).status).toBe('CREATE_COMPLETE');

    const destroy = await aws.destroy('CreateCompleted');

    expect(destroy.status).toBe('DELETE_COMPLETE');
    expect(aws.sim.status(arn)).toBeUndefined();
  });
});

describe('a parameter not given on update keeps its value, as `cdk deploy` keeps it (UsePreviousValue)', () => {
  /** A stack whose model ARN is a parameter with a Default; `topic` changes the template otherwise. */
  const parameterStack = (name: string, defaultArn: string, topic: boolean) => {
    let modelId = '';
    const stack = stackOf(aws, name, (s) => {
      const arn = new CfnParameter(s, 'ModelArn', { type: 'String', default: defaultArn }).valueAsString;
      modelId = modelResourceId(new CustomLabelsModelLifecycle(s, 'Model', { projectVersionArn: arn }));
      if (topic) {
        new CfnResource(s, 'Topic', { type: 'AWS::SNS::Topic' });
      }
    });
    return { synthesized: aws.synthesize(stack), modelId: () => modelId };
  };

  test('a later deploy without the parameter keeps the model given before: nothing replaced, nothing torn down', async () => {
    const [defaultArn, givenArn] = [modelArn('parameter-default'), modelArn('parameter-given')];
    addRunningModel(aws, defaultArn);
    addRunningModel(aws, givenArn);
    const first = parameterStack('PreviousParameter', defaultArn, false);
    expect((await aws.deploy(first.synthesized, { parameters: { ModelArn: givenArn } })).status).toBe('CREATE_COMPLETE');

    const update = await aws.deploy(parameterStack('PreviousParameter', defaultArn, true).synthesized);

    expect(update.status).toBe('UPDATE_COMPLETE');
    expect(aws.stack('PreviousParameter')!.parameters.ModelArn).toBe(givenArn);
    expect(aws.stack('PreviousParameter')!.resources.get(first.modelId())?.physicalId).toBe(givenArn);
    expect(update.customResourceRequests.filter((r) => r.event.LogicalResourceId === first.modelId())).toEqual([]);
    expect([aws.sim.status(defaultArn), aws.sim.status(givenArn)]).toEqual(['RUNNING', 'RUNNING']);
  });

  test('the kinder form (previousParameters: false, the Default wins) changes the ARN behind the user\'s back: the update is refused and rolls back', async () => {
    // Kept to show what the Default winning did: a deploy that changes nothing about the model fails.
    const [defaultArn, givenArn] = [modelArn('kinder-default'), modelArn('kinder-given')];
    addRunningModel(aws, defaultArn);
    addRunningModel(aws, givenArn);
    const first = parameterStack('DefaultParameter', defaultArn, false);
    expect((await aws.deploy(first.synthesized, { parameters: { ModelArn: givenArn } })).status).toBe('CREATE_COMPLETE');

    const update = await aws.deploy(parameterStack('DefaultParameter', defaultArn, true).synthesized, { previousParameters: false });

    expect(update.status).toBe('UPDATE_ROLLBACK_COMPLETE');
    expect(eventOf(update, first.modelId(), 'UPDATE_FAILED')?.resourceStatusReason).toMatch(/ProjectVersionArn changed from birds\/kinder-given to birds\/kinder-default/);
    expect(aws.stack('DefaultParameter')!.resources.get(first.modelId())?.physicalId).toBe(givenArn);
    expect([aws.sim.status(defaultArn), aws.sim.status(givenArn)]).toEqual(['RUNNING', 'RUNNING']);
  });

  test('an update that names a parameter the deployed stack lacks with UsePreviousValue is refused, as CloudFormation refuses it', async () => {
    const arn = modelArn('parameter-refused');
    addRunningModel(aws, arn);
    const first = parameterStack('RefusedParameter', arn, false);
    expect((await aws.deploy(first.synthesized)).status).toBe('CREATE_COMPLETE');
    const template = first.synthesized.template;
    await expect(aws.engine.updateStack({ stackName: 'RefusedParameter', template, usePreviousValue: ['Missing'] }))
      .rejects.toThrow(/Cannot specify usePreviousValue as true for a parameter key not in the previous template/);
  });
});

test('a resource status that shows late: the Delete first reads its resource still CREATE_COMPLETE, reads again until DELETE_IN_PROGRESS, and tears the model down', async () => {
  expect(aws.engine.strictness.resourceStatusLagMs).toBeGreaterThan(0);
  // Longer than the default, so that the first read falls within it however slowly the function's process starts.
  const lagMs = aws.engine.strictness.resourceStatusLagMs;
  aws.engine.strictness.resourceStatusLagMs = 5_000;
  afterOnce(() => { aws.engine.strictness.resourceStatusLagMs = lagMs; });
  const arn = modelArn('status-lag');
  addRunningModel(aws, arn);
  let modelId = '';
  const stack = stackOf(aws, 'StatusLag', (s) => {
    modelId = modelResourceId(new CustomLabelsModelLifecycle(s, 'Model', { projectVersionArn: arn }));
  });
  expect((await aws.deploy(aws.synthesize(stack))).status).toBe('CREATE_COMPLETE');

  const destroy = await aws.destroy('StatusLag');

  expect(destroy.status).toBe('DELETE_COMPLETE');
  expect(statusesOf(destroy, modelId)).toEqual(['DELETE_IN_PROGRESS', 'DELETE_COMPLETE']);
  // The stale read was seen: without reading again, the resource would have counted as a live
  // claimant, the Delete answered SUCCESS leaving the model, and the stack ended DELETE_COMPLETE.
  const logs = destroy.functionRuns.flatMap((run) => run.logs);
  expect(logs).toContainEqual(expect.objectContaining({ message: 'own status not yet deleting', status: 'CREATE_COMPLETE' }));
  expect(aws.sim.status(arn)).toBeUndefined();
  expect(metricLines(destroy)).toEqual([expect.objectContaining({ Teardowns: 1, TeardownFailures: 0 })]);
});
