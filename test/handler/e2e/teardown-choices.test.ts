import { Duration } from 'aws-cdk-lib';
import { E2EEnvironment, modelArn } from '../../../local/e2e-environment';
import { ModelTeardownAction } from '../../../src';

/** What users choose for their models, played through CloudFormation against the real bundle. */

jest.setTimeout(120_000);

describe('teardown choices', () => {
  const stopOnly = modelArn('stop-only');
  const tuned = modelArn('tuned');
  let env: E2EEnvironment;
  beforeAll(async () => {
    env = await E2EEnvironment.start({
      models: [
        { projectVersionArn: stopOnly, teardownAction: ModelTeardownAction.STOP },
        { projectVersionArn: tuned, maxWait: Duration.minutes(10) },
      ],
    });
  });
  afterAll(() => env.close());

  test('STOP stops a RUNNING model, waits until it is stopped, and keeps the version', async () => {
    env.sim.addModel(stopOnly, { status: 'RUNNING', stopDurationMs: 2_000 });
    const resource = env.resource(stopOnly);
    expect(resource.properties.TeardownAction).toBe('STOP');

    const remove = await env.cloudFormation.delete(resource, stopOnly);

    expect(remove.response.body).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: stopOnly });
    expect(remove.response.body.Reason).toMatch(/^Model birds\/stop-only: the model is not running \(ResourceInUseException\)/);
    expect(env.sim.status(stopOnly)).toBe('STOPPED');
    expect(env.sim.callsFor(stopOnly).map((c) => c.operation)).not.toContain('DeleteProjectVersion');
  });

  test('changing the wait or the action is an in-place update that never touches the model', async () => {
    env.sim.addModel(tuned, { status: 'RUNNING' });
    const resource = env.resource(tuned);
    const create = await env.cloudFormation.create(resource);

    const update = await env.cloudFormation.update(resource, create.response.body.PhysicalResourceId,
      { ...resource.properties, MaxWaitSeconds: 1200, TeardownAction: 'STOP' });

    expect(update.response.body).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: tuned });
    // Only the claim, recorded again: no Stop, no Delete.
    expect(env.sim.callsFor(tuned).map((c) => c.operation)).toEqual(['TagResource', 'TagResource']);
    expect(env.sim.status(tuned)).toBe('RUNNING');
  });
});
