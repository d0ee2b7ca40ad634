import { CfnResource } from 'aws-cdk-lib';
import { LocalAws, StackOperationReport } from '../../local/local-aws';
import { CustomLabelsModelLifecycle } from '../../src';
import { addRunningModel, modelArn, modelResourceId, stackOf } from '../stack/stack-test-kit';

/**
 * Several independent root stacks in one LocalAws at once, each with its own teardown function,
 * role and policies, sharing one Rekognition simulator: deployed and destroyed concurrently, each
 * report holding only what its own stack did.
 */

jest.setTimeout(120_000);

let aws: LocalAws;
beforeAll(async () => {
  aws = await LocalAws.start();
});
afterAll(() => aws.close());

const NAMES = ['Alpha', 'Bravo', 'Charlie'];

test('three stacks deploy and destroy at the same time; each report holds its own events, requests, function runs and Rekognition calls', async () => {
  const arns = NAMES.map((name) => modelArn(`concurrent-${name.toLowerCase()}`));
  arns.forEach((arn) => addRunningModel(aws, arn));
  const modelIds: string[] = [];
  const stacks = NAMES.map((name, i) => stackOf(aws, name, (s) => {
    modelIds.push(modelResourceId(new CustomLabelsModelLifecycle(s, 'Model', { projectVersionArn: arns[i] })));
  }));
  const synthesized = stacks.map((s) => aws.synthesize(s));

  const deploys = await Promise.all(synthesized.map((s) => aws.deploy(s)));

  expect(deploys.map((d) => d.status)).toEqual(['CREATE_COMPLETE', 'CREATE_COMPLETE', 'CREATE_COMPLETE']);
  deploys.forEach((deploy, i) => expectOwn(deploy, i));
  // Each stack has its own function and role.
  const own = (type: string) => NAMES.map((name) => [...aws.stack(name)!.resources.values()].filter((r) => r.type === type).map((r) => r.physicalId));
  expect(new Set(own('AWS::Lambda::Function').flat()).size).toBe(3);
  expect(new Set(own('AWS::IAM::Role').flat()).size).toBe(own('AWS::IAM::Role').flat().length);

  const destroys = await Promise.all(NAMES.map((name) => aws.destroy(name)));

  expect(destroys.map((d) => d.status)).toEqual(['DELETE_COMPLETE', 'DELETE_COMPLETE', 'DELETE_COMPLETE']);
  destroys.forEach((destroy, i) => {
    expectOwn(destroy, i);
    expect(destroy.customResourceRequests.map((r) => r.event.RequestType)).toEqual(['Delete']);
    expect(destroy.functionRuns.length).toBeGreaterThan(0);
    expect(destroy.events.filter((e) => e.logicalResourceId === modelIds[i]).map((e) => e.resourceStatus)).toEqual(['DELETE_IN_PROGRESS', 'DELETE_COMPLETE']);
  });
  // Together the reports hold every Rekognition call of the destroys, none twice.
  const calls = destroys.flatMap((d) => d.rekognitionCalls);
  expect(new Set(calls).size).toBe(calls.length);

  /** The report of stack `i` holds only what stack `i` did. */
  function expectOwn(report: StackOperationReport, i: number): void {
    expect(new Set(report.events.map((e) => e.stackName))).toEqual(new Set([NAMES[i]]));
    expect(report.customResourceRequests.every((r) => r.event.StackId === report.stackId)).toBe(true);
    const arnsNamed = report.rekognitionCalls.map((c) => c.arn).filter((arn) => arn !== undefined && arn.includes('/version/'));
    expect(arnsNamed.every((arn) => arn === arns[i])).toBe(true);
    const functionName = [...report.events].find((e) => e.resourceType === 'AWS::Lambda::Function' && e.physicalResourceId)?.physicalResourceId;
    expect(functionName).toBeDefined();
    expect(report.functionRuns.length).toBeLessThanOrEqual(aws.lambda.invocations.filter((inv) => inv.functionArn.endsWith(`:function:${functionName}`)).length);
  }
});

test('a second create of a stack name already being created is refused while the first goes on', async () => {
  const stack = stackOf(aws, 'Twice', (s) => new CfnResource(s, 'Topic', { type: 'AWS::SNS::Topic' }));
  const first = aws.deploy(aws.synthesize(stack));
  await expect(aws.engine.createStack({ stackName: 'Twice', template: aws.synthesize(stack).template })).rejects.toThrow('Stack [Twice] already exists');
  expect((await first).status).toBe('CREATE_COMPLETE');
  await aws.destroy('Twice');
});
