import { modelArn, stackOf } from './stack-test-kit';
import { LocalAws } from '../../local/local-aws';
import { CustomLabelsModelLifecycle } from '../../src';

/**
 * The most models one stack can hold: every model adds an inline policy to the one shared role,
 * and IAM allows a role 10,240 characters of inline policies; CloudFormation allows 500
 * resources. The construct is to reject, at synth, one model more than deploys.
 */

jest.setTimeout(300_000);

let aws: LocalAws;
beforeAll(async () => {
  aws = await LocalAws.start();
});
afterAll(() => aws.close());

/** Synthesizes a stack with `count` models. */
function modelsStack(name: string, count: number) {
  return aws.synthesize(stackOf(aws, name, (s) => {
    for (let i = 0; i < count; i++) {
      new CustomLabelsModelLifecycle(s, `Model${i}`, { projectVersionArn: modelArn(`limit-${i}`) });
    }
  }));
}

test('30 models with 99-character ARNs deploy within IAM\'s limit, and their destroy succeeds while CloudFormation\'s read API throttles', async () => {
  const arns = Array.from({ length: 30 }, (_, i) => modelArn(`throttled-reads-${String(i).padStart(4, '0')}`));
  expect(arns.every((arn) => arn.length === 99)).toBe(true);
  arns.forEach((arn) => aws.sim.addModel(arn, { status: 'RUNNING', stopDurationMs: 500, deleteDurationMs: 100 }));
  const stack = aws.synthesize(stackOf(aws, 'ThrottledReads', (s) => {
    arns.forEach((projectVersionArn, i) => new CustomLabelsModelLifecycle(s, `Model${i}`, { projectVersionArn }));
  }));
  expect((await aws.deploy(stack)).status).toBe('CREATE_COMPLETE');

  // About 60 reads in the destroy's first second: a few a second get through, a share is refused anyway.
  aws.api.injectFaults({ requestsPerSecond: 10, throttlingRate: 0.2, seed: 7 });
  try {
    const destroy = await aws.destroy('ThrottledReads');

    expect(destroy.status).toBe('DELETE_COMPLETE');
    expect(arns.filter((arn) => aws.sim.status(arn) !== undefined)).toEqual([]);
    expect(aws.api.calls.filter((c) => c.error === 'Throttling').length).toBeGreaterThan(30);
  } finally {
    aws.api.clearFaults();
  }
});

test('at the limit: the largest number of models deploys, one more is rejected at synth naming the limit, a replaced literal ARN\'s new policy '
  + 'fits beside the old one and the update tears the old model down, and destroy deletes every model', async () => {
  let limit = 0;
  try {
    modelsStack('TooManyProbe', 600);
  } catch (err) {
    // "... would be model number N of its teardown role ...": N - 1 models fit.
    limit = Number(/would be model number (\d+)/.exec((err as Error).message)?.[1]) - 1;
  }
  expect(limit).toBeGreaterThan(0);
  const arns = Array.from({ length: limit }, (_, i) => modelArn(`limit-${i}`));
  const replacement = modelArn('limit-new');
  [...arns, replacement].forEach((arn) => aws.sim.addModel(arn, { status: 'RUNNING', stopDurationMs: 10, deleteDurationMs: 10 }));
  const deploy = (first: string) => aws.deploy(aws.synthesize(stackOf(aws, 'MostModels', (s) => {
    [first, ...arns.slice(1)].forEach((projectVersionArn, i) => new CustomLabelsModelLifecycle(s, `Model${i}`, { projectVersionArn }));
  })));
  expect((await deploy(arns[0])).status).toBe('CREATE_COMPLETE');
  expect(() => modelsStack('OneTooMany', limit + 1)).toThrow(`would be model number ${limit + 1} of its teardown role`);

  // IAM counts the role's inline policies at every moment (local/iam: PutRolePolicy refuses with
  // LimitExceeded past 10,240 characters); the new ARN's policy is created before the old one is
  // deleted in the cleanup phase, so the role holds one policy more than the template for a while.
  const update = await deploy(replacement);

  expect(update.status).toBe('UPDATE_COMPLETE');
  expect(update.events.filter((e) => /FAILED/.test(e.resourceStatus))).toEqual([]);
  expect(aws.sim.status(arns[0])).toBeUndefined();
  expect(aws.sim.status(replacement)).toBe('RUNNING');

  const destroy = await aws.destroy('MostModels');
  expect(destroy.status).toBe('DELETE_COMPLETE');
  expect(aws.sim.models().filter((m) => m.arn.includes('/limit-'))).toEqual([]);
});
