import { CfnParameter, CfnResource } from 'aws-cdk-lib';
import { addRunningModel, eventOf, expectReplacedInCleanup, indexOf, modelArn, modelResourceId, stackOf, statusesOf, teardownCalls } from './stack-test-kit';
import { LocalAws } from '../../local/local-aws';
import { CustomLabelsModelLifecycle } from '../../src';

/**
 * Updates that change which model a stack names: a new ARN (literal or through a parameter), a
 * renamed construct, a removed construct, two constructs naming one model. Each is a whole
 * update-stack played by the local CloudFormation.
 */

jest.setTimeout(120_000);

let aws: LocalAws;
beforeAll(async () => {
  aws = await LocalAws.start();
});
afterAll(() => aws.close());


test('a new literal projectVersionArn: UPDATE_COMPLETE, the old model deleted in the cleanup, the new one untouched', async () => {
  const [oldArn, newArn] = [modelArn('literal-old'), modelArn('literal-new')];
  addRunningModel(aws, oldArn);
  addRunningModel(aws, newArn);
  let modelId = '';
  const deployWith = (arn: string) => aws.deploy(aws.synthesize(stackOf(aws, 'LiteralArn', (s) => {
    modelId = modelResourceId(new CustomLabelsModelLifecycle(s, 'Model', { projectVersionArn: arn }));
  })));
  expect((await deployWith(oldArn)).status).toBe('CREATE_COMPLETE');

  const update = await deployWith(newArn);

  expectReplacedInCleanup(aws, update, 'LiteralArn', modelId, oldArn, newArn);
});

test('a new ARN through a CfnParameter: the Update is refused with how to replace the model, the stack rolls back, both models untouched', async () => {
  const [oldArn, newArn] = [modelArn('parameter-old'), modelArn('parameter-new')];
  addRunningModel(aws, oldArn);
  addRunningModel(aws, newArn);
  let modelId = '';
  const synthesized = aws.synthesize(stackOf(aws, 'ParameterArn', (s) => {
    const arn = new CfnParameter(s, 'ModelArn', { type: 'String' }).valueAsString;
    modelId = modelResourceId(new CustomLabelsModelLifecycle(s, 'Model', { projectVersionArn: arn }));
  }));
  expect((await aws.deploy(synthesized, { parameters: { ModelArn: oldArn } })).status).toBe('CREATE_COMPLETE');

  const update = await aws.deploy(synthesized, { parameters: { ModelArn: newArn } });

  expect(update.status).toBe('UPDATE_ROLLBACK_COMPLETE');
  expect(eventOf(update, modelId, 'UPDATE_FAILED')?.resourceStatusReason).toMatch(/replace/i);
  expect(aws.stack('ParameterArn')!.resources.get(modelId)?.physicalId).toBe(oldArn);
  expect(aws.sim.status(oldArn)).toBe('RUNNING');
  expect(aws.sim.status(newArn)).toBe('RUNNING');
  expect([...teardownCalls(update, oldArn), ...teardownCalls(update, newArn)]).toEqual([]);
});

test('a renamed construct with the same ARN: UPDATE_COMPLETE, the old resource deleted in the cleanup, the model untouched', async () => {
  const arn = modelArn('renamed');
  addRunningModel(aws, arn);
  const ids: string[] = [];
  const deployAs = (constructId: string) => aws.deploy(aws.synthesize(stackOf(aws, 'Renamed', (s) => {
    ids.push(modelResourceId(new CustomLabelsModelLifecycle(s, constructId, { projectVersionArn: arn })));
  })));
  expect((await deployAs('Model')).status).toBe('CREATE_COMPLETE');

  const update = await deployAs('BirdModel');

  const [oldId, newId] = ids;
  expect(update.status).toBe('UPDATE_COMPLETE');
  expect(statusesOf(update, newId)).toEqual(['CREATE_IN_PROGRESS', 'CREATE_COMPLETE']);
  expect(indexOf(update, oldId, 'DELETE_COMPLETE')).toBeGreaterThan(indexOf(update, 'Renamed', 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS'));
  expect(aws.sim.status(arn)).toBe('RUNNING');
  expect(teardownCalls(update, arn)).toEqual([]);
});

test('a removed construct: UPDATE_COMPLETE, the model deleted in the cleanup', async () => {
  const arn = modelArn('removed');
  addRunningModel(aws, arn);
  let modelId = '';
  const deploy = (withModel: boolean) => aws.deploy(aws.synthesize(stackOf(aws, 'Removed', (s) => {
    new CfnResource(s, 'Topic', { type: 'AWS::SNS::Topic' });
    if (withModel) {
      modelId = modelResourceId(new CustomLabelsModelLifecycle(s, 'Model', { projectVersionArn: arn }));
    }
  })));
  expect((await deploy(true)).status).toBe('CREATE_COMPLETE');

  const update = await deploy(false);

  expect(update.status).toBe('UPDATE_COMPLETE');
  expect(statusesOf(update, modelId)).toEqual(['DELETE_IN_PROGRESS', 'DELETE_COMPLETE']);
  expect(indexOf(update, modelId, 'DELETE_IN_PROGRESS')).toBeGreaterThan(indexOf(update, 'Removed', 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS'));
  expect(aws.sim.status(arn)).toBeUndefined();
  expect(teardownCalls(update, arn)[0]).toMatchObject({ operation: 'StopProjectVersion', status: 'STOPPING' });
  expect([...aws.stack('Removed')!.resources.keys()]).toEqual(expect.arrayContaining(['Topic']));
});

test('two constructs naming the same literal ARN in one stack: synth throws', () => {
  const arn = modelArn('twice-literal');
  expect(() => aws.synthesize(stackOf(aws, 'TwiceLiteral', (s) => {
    new CustomLabelsModelLifecycle(s, 'First', { projectVersionArn: arn });
    new CustomLabelsModelLifecycle(s, 'Second', { projectVersionArn: arn });
  }))).toThrow(arn);
});

test('two constructs naming the same ARN through two parameters: removing one leaves the model; destroy deletes it', async () => {
  const arn = modelArn('twice-parameter');
  addRunningModel(aws, arn);
  const deploy = (both: boolean) => aws.deploy(aws.synthesize(stackOf(aws, 'TwiceParameter', (s) => {
    new CustomLabelsModelLifecycle(s, 'First', { projectVersionArn: new CfnParameter(s, 'FirstArn', { type: 'String' }).valueAsString });
    if (both) {
      new CustomLabelsModelLifecycle(s, 'Second', { projectVersionArn: new CfnParameter(s, 'SecondArn', { type: 'String' }).valueAsString });
    }
  })), { parameters: both ? { FirstArn: arn, SecondArn: arn } : { FirstArn: arn } });
  expect((await deploy(true)).status).toBe('CREATE_COMPLETE');

  const update = await deploy(false);
  expect(update.status).toBe('UPDATE_COMPLETE');
  expect(aws.sim.status(arn)).toBe('RUNNING');
  expect(teardownCalls(update, arn)).toEqual([]);

  const destroy = await aws.destroy('TwiceParameter');
  expect(destroy.status).toBe('DELETE_COMPLETE');
  expect(aws.sim.status(arn)).toBeUndefined();
});
