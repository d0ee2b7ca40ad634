import { Duration } from 'aws-cdk-lib';
import { deployModels, E2EStack } from './e2e-kit';
import { LocalAws, modelArn } from '../../../local/local-aws';
import { ModelTeardownAction } from '../../../src';

/** What users choose for their models, played through CloudFormation against the real bundle. */

jest.setTimeout(120_000);

describe('teardown choices', () => {
  const stopOnly = modelArn('stop-only');
  const tuned = modelArn('tuned');
  let aws: LocalAws;
  let stack: E2EStack;
  beforeAll(async () => {
    aws = await LocalAws.start();
    stack = await deployModels(aws, [
      { props: { projectVersionArn: stopOnly, teardownAction: ModelTeardownAction.STOP }, model: { status: 'RUNNING', stopDurationMs: 2_000 } },
      { props: { projectVersionArn: tuned, maxWait: Duration.minutes(10) }, model: { status: 'RUNNING' } },
    ]);
  });
  afterAll(() => aws.close());
  const propertiesOf = (arn: string) => aws.stack(stack.stackName)!.resources.get(stack.logicalIdOf(arn))!.properties;

  test('STOP stops a RUNNING model, waits until it is stopped, and keeps the version', async () => {
    expect(propertiesOf(stopOnly).TeardownAction).toBe('STOP');

    const remove = await aws.sendEvent({ stackName: stack.stackName, logicalId: stack.logicalIdOf(stopOnly), requestType: 'Delete' });

    expect(remove.response.body).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: stopOnly });
    expect(remove.response.body.Reason).toMatch(/^Model birds\/stop-only: the model is not running \(ResourceInUseException\)/);
    expect(aws.sim.status(stopOnly)).toBe('STOPPED');
    expect(aws.sim.callsFor(stopOnly).map((c) => c.operation)).not.toContain('DeleteProjectVersion');
    // The claims, read beside the stack, showed only its own: the Stop came first, the release once it was stopped.
    const succeeded = aws.sim.callsFor(stopOnly).filter((c) => !c.error).map((c) => c.operation);
    expect(succeeded.filter((operation) => operation !== 'StopProjectVersion')).toEqual(['TagResource', 'ListTagsForResource', 'UntagResource']);
    expect(succeeded.indexOf('UntagResource')).toBeGreaterThan(succeeded.lastIndexOf('StopProjectVersion'));
    expect(aws.sim.tags(stopOnly)).toEqual({});
  });

  test('changing the wait or the action is an in-place update that never touches the model', async () => {
    const properties = { ...propertiesOf(tuned), MaxWaitSeconds: 1200, TeardownAction: 'STOP' };
    const update = await aws.sendEvent({ stackName: stack.stackName, logicalId: stack.logicalIdOf(tuned), requestType: 'Update', properties });

    expect(update.response.body).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: tuned });
    // Only the claim (once IAM applied the deploy's policy), recorded again: no Stop, no Delete.
    expect(aws.sim.callsFor(tuned).filter((c) => !c.error).map((c) => c.operation)).toEqual(['TagResource', 'TagResource']);
    expect(aws.sim.status(tuned)).toBe('RUNNING');
  });
});
