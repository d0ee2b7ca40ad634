import { expectWellFormed, deployModels, E2EStack } from './e2e-kit';
import { LocalAws, modelArn } from '../../../local/local-aws';
import { StackFleet } from '../../../local/stack-fleet';

/**
 * The real bundled handler, a fresh process per run, against the Rekognition simulator over HTTP
 * with the real AWS SDK, sent CloudFormation requests whose responses arrive at a local HTTPS
 * endpoint. Only what real processes show is here: what the teardown decides for each status,
 * error and undocumented behaviour runs on a fake clock (../teardown.test.ts,
 * ../simulated-model.test.ts, ../event-decision.test.ts), and whole stack operations in test/stack/.
 */

jest.setTimeout(120_000);

describe('one stack: a model in the stack\'s region and one in another', () => {
  let aws: LocalAws;
  let stack: E2EStack;
  const running = modelArn('running');
  const otherRegion = modelArn('eu', 'eu-west-1');
  const signatures: string[] = [];
  beforeAll(async () => {
    aws = await LocalAws.start();
    stack = await deployModels(aws, [
      { props: { projectVersionArn: running }, model: { status: 'RUNNING', stopDurationMs: 1_500, deleteDurationMs: 500 } },
      { props: { projectVersionArn: otherRegion }, model: { status: 'RUNNING', stopDurationMs: 300 } },
    ]);
  });
  afterAll(() => aws.close());

  async function deleteModel(arn: string) {
    const sent = await aws.sendEvent({ stackName: stack.stackName, logicalId: stack.logicalIdOf(arn), requestType: 'Delete' });
    signatures.push(sent.signature);
    expectWellFormed(sent);
    return sent;
  }

  test('Create touches no model but its claim; Delete stops it, waits while STOPPING, deletes it and waits until it is gone', async () => {
    // One run per Create, each answering SUCCESS with the model's ARN.
    expect(stack.deploy.functionRuns).toHaveLength(2);
    const creates = stack.deploy.customResourceRequests.filter((r) => r.event.LogicalResourceId === stack.logicalIdOf(running));
    expect(creates.map((r) => r.response)).toEqual([expect.objectContaining({ Status: 'SUCCESS', PhysicalResourceId: running })]);
    expect(aws.sim.status(running)).toBe('RUNNING');

    const remove = await deleteModel(running);

    expect(remove.response.body).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: running });
    expect(remove.response.body.Reason).toMatch(/^Model birds\/running: the model is deleted \(after \d+s\)\.$/);
    expect(aws.sim.status(running)).toBeUndefined();
    // Create claimed the model (once IAM applied the new role's policy); Delete read the claims
    // beside the stack and, finding only its own, stopped the model at once: the claim went with it.
    const succeeded = aws.sim.callsFor(running).filter((c) => !c.error).map((c) => c.operation);
    expect(succeeded.slice(0, 3)).toEqual(['TagResource', 'ListTagsForResource', 'StopProjectVersion']);
    expect(succeeded).not.toContain('UntagResource');
    const calls = aws.sim.callsFor(running).filter((c) => c.operation === 'StopProjectVersion' || c.operation === 'DeleteProjectVersion');
    expect(calls[0]).toMatchObject({ operation: 'StopProjectVersion', statusBefore: 'RUNNING', status: 'STOPPING', region: 'us-east-1' });
    expect(calls.filter((c) => c.operation === 'StopProjectVersion')).toHaveLength(1);
    expect(calls.at(-1)).toMatchObject({ operation: 'DeleteProjectVersion', error: 'ResourceNotFoundException' });
    // One JSON log line per state change, with the model, the status, the attempt and the elapsed time.
    expect(remove.runs).toHaveLength(1);
    const states = remove.runs[0].logs.filter((l) => l.message === 'model state');
    expect(states.map((l) => l.status)).toEqual(['STOPPING', 'DELETING', 'GONE']);
    expect(states[0]).toEqual({ message: 'model state', model: running, status: 'STOPPING', attempt: 1, elapsedMs: expect.any(Number) });
  });

  test('a model in another region is called in its own region, with requests signed for it', async () => {
    const remove = await deleteModel(otherRegion);

    expect(remove.response.body.Status).toBe('SUCCESS');
    expect(aws.sim.status(otherRegion)).toBeUndefined();
    expect(new Set(aws.sim.callsFor(otherRegion).map((c) => c.region))).toEqual(new Set(['eu-west-1']));
  });

  test('the ResponseURL\'s signature never appears in the handler\'s output', async () => {
    const runs = await Promise.all(aws.lambda.invocations.map((i) => i.result));
    const output = runs.map((r) => r.stdout + r.stderr).join('\n');
    expect(signatures).toHaveLength(2);
    for (const signature of signatures) {
      expect(output).not.toContain(signature);
    }
    expect(output).not.toContain('X-Amz-Signature');
  });
});

describe('2 stacks of 5 models deleted at once under throttling and 500s', () => {
  let fleet: StackFleet;
  beforeAll(async () => {
    fleet = await StackFleet.start({
      stacks: 2,
      modelsPerStack: 5,
      model: { status: 'RUNNING', stopDurationMs: 1_000, deleteDurationMs: 300 },
      simulator: { throttleRate: 0.15, serverErrorRate: 0.1, seed: 7 },
    });
  });
  afterAll(() => fleet.close());

  test('every model ends deleted and every delete succeeds, each stack\'s function tearing down only its own models', async () => {
    const callsBefore = fleet.sim.calls.length;

    const removes = await Promise.all(await fleet.destroyAll());

    removes.forEach(expectWellFormed);
    expect(removes.filter((r) => r.response.body.Status !== 'SUCCESS').map((r) => r.response.body.Reason)).toEqual([]);
    expect(fleet.arns.filter((arn) => fleet.sim.status(arn) !== undefined)).toEqual([]);
    // The faults were really there.
    const calls = fleet.sim.calls.slice(callsBefore);
    expect(calls.filter((c) => c.error === 'ThrottlingException').length).toBeGreaterThan(0);
    expect(calls.filter((c) => c.error === 'InternalServerError').length).toBeGreaterThan(0);
    for (const stack of fleet.stacks) {
      const own = new Set(stack.models.map((m) => m.arn));
      const seen = new Set(removes.filter((r) => r.event.StackId === fleet.aws.stack(stack.stackName)!.stackId)
        .flatMap((r) => r.runs).flatMap((run) => run.logs.map((l) => l.model)).filter((m) => m !== undefined));
      expect([...seen].filter((arn) => !own.has(String(arn)))).toEqual([]);
      expect(seen.size).toBe(own.size);
    }
  });
});
