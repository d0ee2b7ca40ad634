import { E2EEnvironment, modelArn } from '../../../local/e2e-environment';

/**
 * `cdk destroy` of a stack with 100 models: CloudFormation deletes them all at once, each in its
 * own run of the one shared function, against a Rekognition that allows a few transactions per
 * second per operation.
 */

jest.setTimeout(600_000);

const MODELS = 100;
const TPS = 5;

describe(`${MODELS} models in one stack`, () => {
  const arns = Array.from({ length: MODELS }, (_, i) => modelArn(`m${i}`));
  let env: E2EEnvironment;
  beforeAll(async () => {
    env = await E2EEnvironment.start({
      models: arns.map((projectVersionArn) => ({ projectVersionArn })),
      simulator: { tpsLimit: TPS, seed: 3 },
    });
  });
  afterAll(() => env.close());

  test(`share one function and one role, and are all deleted at ${TPS} TPS per operation with no FAILED answer and no model starved`, async () => {
    const resources = Object.values(env.deployed.template.Resources);
    expect(resources.filter((r) => r.Type === 'AWS::Lambda::Function')).toHaveLength(1);
    expect(resources.filter((r) => r.Type === 'AWS::IAM::Role')).toHaveLength(1);
    arns.forEach((arn) => env.sim.addModel(arn, { status: 'RUNNING', stopDurationMs: 10_000, deleteDurationMs: 2_000 }));
    const startedAt = Date.now();

    const removes = await Promise.all(arns.map((arn) => env.cloudFormation.delete(env.resource(arn), arn)));

    expect(removes.filter((r) => r.response.body.Status !== 'SUCCESS').map((r) => r.response.body.Reason)).toEqual([]);
    expect(arns.filter((arn) => env.sim.status(arn) !== undefined)).toEqual([]);
    expect(env.sim.calls.filter((c) => c.error === 'ThrottlingException').length).toBeGreaterThan(0);
    // Fair backoff: the last model is done not long after the typical one.
    const finishedAfter = removes.map((r) => r.response.at - startedAt).sort((a, b) => a - b);
    const median = finishedAfter[Math.floor(MODELS / 2)];
    expect(finishedAfter[MODELS - 1]).toBeLessThan(2 * median);
    console.log(`${MODELS} models at ${TPS} TPS: median ${median} ms, last ${finishedAfter[MODELS - 1]} ms, `
      + `${env.sim.calls.length} calls (${env.sim.calls.filter((c) => c.error === 'ThrottlingException').length} throttled)`);
  });
});
