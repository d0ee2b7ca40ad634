import { Duration } from 'aws-cdk-lib';
import { MAX_RESPONSE_BYTES } from '../../../lambda/teardown/cfn-response';
import { PlayedRequest } from '../../../local/cloudformation/event-player';
import { E2EEnvironment, modelArn } from '../../../local/e2e-environment';
import { MODEL_STATUSES, ModelStatus, SimulatorOptions } from '../../../local/rekognition';

/**
 * The real bundled handler, in its own process, against the Rekognition simulator over HTTP with
 * the real AWS SDK, driven by CloudFormation events whose responses arrive at a local endpoint.
 */

jest.setTimeout(120_000);

/** Asserts what every response must be: one PUT, within size, echoing the request's ids. */
function expectWellFormed(played: PlayedRequest): void {
  const { response, event } = played;
  expect(response.method).toBe('PUT');
  expect(response.contentType).toBe('');
  expect(response.bytes).toBeLessThan(MAX_RESPONSE_BYTES);
  expect(response.body).toMatchObject({
    RequestId: event.RequestId,
    StackId: event.StackId,
    LogicalResourceId: event.LogicalResourceId,
  });
  for (const run of played.runs) {
    expect(run).toMatchObject({ exitCode: 0, timedOut: false });
    expect(run.stdout + run.stderr).not.toContain(played.signature);
  }
}

/** The Stop and Delete calls that named `arn` (not the claim's tag calls). */
function teardownCalls(env: E2EEnvironment, arn: string) {
  return env.sim.callsFor(arn).filter((c) => c.operation === 'StopProjectVersion' || c.operation === 'DeleteProjectVersion');
}

/** Creates the model's resource, then deletes it, as `cdk deploy` and `cdk destroy` would. */
async function createThenDelete(env: E2EEnvironment, arn: string): Promise<{ create: PlayedRequest; remove: PlayedRequest }> {
  const resource = env.resource(arn);
  const create = await env.cloudFormation.create(resource);
  expectWellFormed(create);
  expect(create.response.body).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: arn });
  const remove = await env.cloudFormation.delete(resource, create.response.body.PhysicalResourceId);
  expectWellFormed(remove);
  return { create, remove };
}

describe('a RUNNING model', () => {
  let env: E2EEnvironment;
  const arn = modelArn('running');
  beforeAll(async () => {
    env = await E2EEnvironment.start({ models: [{ projectVersionArn: arn }] });
  });
  afterAll(() => env.close());

  test('Create touches no model; Delete stops it, waits while STOPPING, deletes it and waits until it is gone', async () => {
    env.sim.addModel(arn, { status: 'RUNNING', stopDurationMs: 1_500, deleteDurationMs: 500 });

    const { create, remove } = await createThenDelete(env, arn);

    expect(create.runs).toHaveLength(1);
    expect(remove.response.body).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: arn });
    expect(remove.response.body.Reason).toMatch(/^Model birds\/running: the model is deleted \(after \d+s\)\.$/);
    expect(env.sim.status(arn)).toBeUndefined();
    // Create claimed the model; Delete read the claims beside the stack, then released its own, before the teardown.
    expect(env.sim.callsFor(arn).map((c) => c.operation).slice(0, 3)).toEqual(['TagResource', 'ListTagsForResource', 'UntagResource']);
    const calls = teardownCalls(env, arn);
    expect(calls[0]).toMatchObject({ operation: 'StopProjectVersion', statusBefore: 'RUNNING', status: 'STOPPING', region: 'us-east-1' });
    expect(calls.filter((c) => c.operation === 'StopProjectVersion')).toHaveLength(1);
    expect(calls.at(-1)).toMatchObject({ operation: 'DeleteProjectVersion', error: 'ResourceNotFoundException' });
    // One JSON log line per state change, with the model, the status, the attempt and the elapsed time.
    const states = remove.runs[0].logs.filter((l) => l.message === 'model state');
    expect(states.map((l) => l.status)).toEqual(['STOPPING', 'DELETING', 'GONE']);
    expect(states[0]).toEqual({ message: 'model state', model: arn, status: 'STOPPING', attempt: 1, elapsedMs: expect.any(Number) });
  });
});

describe('each of the 14 statuses at delete time', () => {
  let env: E2EEnvironment;
  const arnOf = (status: ModelStatus) => modelArn(status.toLowerCase().replace(/_/g, '-'));
  beforeAll(async () => {
    env = await E2EEnvironment.start({ models: MODEL_STATUSES.map((s) => ({ projectVersionArn: arnOf(s) })) });
  });
  afterAll(() => env.close());

  test.each(MODEL_STATUSES.map((s) => [s]))('a %s model ends deleted', async (status) => {
    const arn = arnOf(status);
    env.sim.addModel(arn, {
      status,
      stopDurationMs: 1_000,
      startDurationMs: 1_000,
      trainingDurationMs: 1_500,
      copyDurationMs: 1_500,
      deleteDurationMs: 500,
    });

    const { remove } = await createThenDelete(env, arn);

    expect(remove.response.body.Status).toBe('SUCCESS');
    expect(env.sim.status(arn)).toBeUndefined();
    // Never a Delete while the model could still be billing.
    const deletes = env.sim.callsFor(arn).filter((c) => c.operation === 'DeleteProjectVersion' && !c.error);
    expect(deletes.every((c) => !['RUNNING', 'STARTING', 'STOPPING'].includes(c.statusBefore ?? ''))).toBe(true);
  });
});

describe('errors Rekognition answers', () => {
  let env: E2EEnvironment;
  const versions = ['denied-stop', 'denied-delete', 'invalid-delete', 'in-use', 'throttled', 'throughput', 'internal', 'absent'];
  const arns = versions.map((v) => modelArn(v));
  const [deniedStop, deniedDelete, invalidDelete, inUse, throttled, throughput, internal, absent] = versions;
  beforeAll(async () => {
    env = await E2EEnvironment.start({ models: arns.map((projectVersionArn) => ({ projectVersionArn })) });
  });
  afterAll(() => env.close());

  test.each([
    [deniedStop, 'StopProjectVersion', 'AccessDeniedException', /^Rekognition denied StopProjectVersion on model birds\/denied-stop \(AccessDeniedException: .*\); allow rekognition:StopProjectVersion on the model/, 'RUNNING'],
    [deniedDelete, 'DeleteProjectVersion', 'AccessDeniedException', /^Rekognition denied DeleteProjectVersion on model birds\/denied-delete/, 'STOPPED'],
    [invalidDelete, 'DeleteProjectVersion', 'InvalidParameterException', /^Rekognition refused DeleteProjectVersion on model birds\/invalid-delete \(InvalidParameterException: .*\)\. The model was left as it is: .* --retain-resources /, 'STOPPED'],
  ])('model %s: %s answering %s fails the delete with a reason a person can act on', async (version, operation, error, reason, left) => {
    const arn = modelArn(version as string);
    env.sim.addModel(arn, { status: 'RUNNING', stopDurationMs: 300 });
    env.sim.configure({ failFirst: [{ operation: operation as 'StopProjectVersion', count: 1_000, error: error as 'AccessDeniedException', arn }] });

    const { remove } = await createThenDelete(env, arn);

    expect(remove.response.body).toMatchObject({ Status: 'FAILED', PhysicalResourceId: arn });
    expect(remove.response.body.Reason).toMatch(reason);
    await env.sim.waitForStatus(arn, left as ModelStatus);
  });

  test.each([
    [inUse, 'DeleteProjectVersion', 'ResourceInUseException'],
    [throttled, 'StopProjectVersion', 'ThrottlingException'],
    [throughput, 'DeleteProjectVersion', 'ProvisionedThroughputExceededException'],
    [internal, 'StopProjectVersion', 'InternalServerError'],
  ])('model %s: %s answering %s a few times is waited out, and the model ends deleted', async (version, operation, error) => {
    const arn = modelArn(version);
    env.sim.addModel(arn, { status: 'RUNNING', stopDurationMs: 300 });
    env.sim.configure({ failFirst: [{ operation: operation as 'StopProjectVersion', count: 4, error: error as 'AccessDeniedException', arn }] });

    const { remove } = await createThenDelete(env, arn);

    expect(remove.response.body.Status).toBe('SUCCESS');
    expect(env.sim.status(arn)).toBeUndefined();
    expect(env.sim.callsFor(arn).filter((c) => c.error === error)).toHaveLength(4);
  });

  test('ResourceNotFoundException: a model that no longer exists (deleted by hand) is a successful delete', async () => {
    const remove = await env.cloudFormation.delete(env.resource(modelArn(absent)), modelArn(absent));
    expectWellFormed(remove);

    expect(remove.response.body).toMatchObject({ Status: 'SUCCESS', Reason: expect.stringMatching(/the model no longer exists/) });
    expect(teardownCalls(env, modelArn(absent))).toEqual([expect.objectContaining({ operation: 'StopProjectVersion', error: 'ResourceNotFoundException' })]);
  });

  test('a Create of a model that does not exist fails, naming it (a typo guard)', async () => {
    const callsBefore = env.sim.callsFor(modelArn(absent)).length;
    const create = await env.cloudFormation.create(env.resource(modelArn(absent)));
    expectWellFormed(create);

    expect(create.response.body).toMatchObject({ Status: 'FAILED', Reason: expect.stringMatching(/^Model birds\/absent does not exist/) });
    expect(env.sim.callsFor(modelArn(absent)).slice(callsBefore).map((c) => c.operation)).toEqual(['TagResource']);
  });
});

describe('behaviour AWS does not document', () => {
  const variants: Array<[string, SimulatorOptions, ModelStatus]> = [
    ['Stop answers ResourceInUseException for a STOPPED model', { stopWhenNotRunning: 'ResourceInUseException' }, 'STOPPED'],
    ['Stop answers InvalidParameterException for a STOPPED model', { stopWhenNotRunning: 'InvalidParameterException' }, 'STOPPED'],
    ['Stop answers the status of a TRAINING_COMPLETED model', { stopWhenNotRunning: 'status' }, 'TRAINING_COMPLETED'],
    ['Stop is refused for a STARTING model', { stopWhenStarting: 'same-as-not-running' }, 'STARTING'],
    ['Stop stops a STARTING model', { stopWhenStarting: 'stops' }, 'STARTING'],
    ['Delete answers DELETING for a DELETING model', { deleteWhenDeleting: 'status' }, 'DELETING'],
    ['Delete answers ResourceInUseException for a DELETING model', { deleteWhenDeleting: 'ResourceInUseException' }, 'DELETING'],
    ['Delete answers ResourceNotFoundException for a DELETING model', { deleteWhenDeleting: 'ResourceNotFoundException' }, 'DELETING'],
  ];

  test.each(variants)('when %s, the model still ends deleted', async (_, switches, status) => {
    const arn = modelArn('variant');
    const env = await E2EEnvironment.start({ models: [{ projectVersionArn: arn }], simulator: switches });
    try {
      env.sim.addModel(arn, { status, startDurationMs: 1_000, stopDurationMs: 500, deleteDurationMs: 1_500 });

      const { remove } = await createThenDelete(env, arn);

      expect(remove.response.body.Status).toBe('SUCCESS');
      if (switches.deleteWhenDeleting === 'ResourceNotFoundException') {
        // Rekognition itself then says it is gone while it is still being deleted: nothing bills.
        expect([undefined, 'DELETING']).toContain(env.sim.status(arn));
        await env.sim.waitForStatus(arn, undefined);
      }
      expect(env.sim.status(arn)).toBeUndefined();
    } finally {
      await env.close();
    }
  });
});

describe('CloudFormation flows', () => {
  let env: E2EEnvironment;
  const v1 = modelArn('v1');
  const v2 = modelArn('v2');
  const otherRegion = modelArn('eu', 'eu-west-1');
  beforeAll(async () => {
    env = await E2EEnvironment.start({
      models: [{ projectVersionArn: v1 }, { projectVersionArn: otherRegion }, { projectVersionArn: modelArn('slow'), maxWait: Duration.minutes(1) }],
    });
  });
  afterAll(() => env.close());

  test('rollback after a failed create touches nothing and succeeds', async () => {
    const resource = env.resource(v1);
    const create = await env.cloudFormation.create(resource, { ...resource.properties, ProjectVersionArn: 'arn:aws:rekognition:us-east-1:123456789012:model/oops' });
    expectWellFormed(create);
    expect(create.response.body.Status).toBe('FAILED');
    expect(create.response.body.Reason).toMatch(/^ProjectVersionArn must be a Rekognition Custom Labels model version ARN/);

    const rollback = await env.cloudFormation.delete(resource, create.response.body.PhysicalResourceId);

    expectWellFormed(rollback);
    expect(rollback.response.body).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: create.response.body.PhysicalResourceId });
    expect(env.sim.calls).toHaveLength(0);
  });

  test('replacing the model ARN adopts the new model, and the old one is torn down', async () => {
    env.sim.addModel(v1, { status: 'RUNNING', stopDurationMs: 500 });
    env.sim.addModel(v2, { status: 'RUNNING' });
    const resource = env.resource(v1);
    const create = await env.cloudFormation.create(resource);

    // A new literal ARN comes with a new policy, as the construct synthesizes it.
    const update = await env.cloudFormation.update(resource, v1, { ...resource.properties, ProjectVersionArn: v2, TeardownPolicyLogicalId: 'ModelTeardownPolicyV2' });
    expectWellFormed(update);
    expect(update.response.body).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: v2 });
    expect(env.sim.status(v1)).toBe('RUNNING');
    // CloudFormation's cleanup phase deletes the old physical id.
    const cleanup = await env.cloudFormation.delete(resource, create.response.body.PhysicalResourceId,
      { ...resource.properties, ProjectVersionArn: v2 });

    expect(cleanup.response.body).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: v1 });
    expect(env.sim.status(v1)).toBeUndefined();
    expect(env.sim.status(v2)).toBe('RUNNING');
    expect(teardownCalls(env, v2)).toHaveLength(0);
  });

  test('a model in another region is called in its own region, with requests signed for it', async () => {
    env.sim.addModel(otherRegion, { status: 'RUNNING', stopDurationMs: 300 });

    const { remove } = await createThenDelete(env, otherRegion);

    expect(remove.response.body.Status).toBe('SUCCESS');
    expect(env.sim.status(otherRegion)).toBeUndefined();
    expect(new Set(env.sim.callsFor(otherRegion).map((c) => c.region))).toEqual(new Set(['eu-west-1']));
  });

  test('a stop slower than the longest wait fails clearly before the deadline, naming the state', async () => {
    const arn = modelArn('slow');
    env.sim.addModel(arn, { status: 'RUNNING', stopDurationMs: 60_000 });
    const resource = env.resource(arn);
    const create = await env.cloudFormation.create(resource);
    const startedAt = Date.now();

    const remove = await env.cloudFormation.delete(resource, create.response.body.PhysicalResourceId, { ...resource.properties, MaxWaitSeconds: 5 });

    expectWellFormed(remove);
    expect(remove.response.body).toMatchObject({ Status: 'FAILED', PhysicalResourceId: arn });
    expect(remove.response.body.Reason).toMatch(/^Model birds\/slow was still STOPPING after 5s, the longest wait allowed \(maxWait\)\. The model was left as it is: once it is STOPPED, delete it with `aws rekognition delete-project-version --project-version-arn \S+ --region us-east-1`\. Then finish deleting the stack with `aws cloudformation delete-stack --stack-name TeardownE2E --retain-resources \w+`/);
    expect(remove.response.at - startedAt).toBeLessThan(5_000 + 3_000);
  });

  test('the ResponseURL\'s signature never appears in the handler\'s output', async () => {
    const output = await env.output();
    expect(env.cloudFormation.signatures.length).toBeGreaterThan(5);
    for (const signature of env.cloudFormation.signatures) {
      expect(output).not.toContain(signature);
    }
    expect(output).not.toContain('X-Amz-Signature');
  });
});

describe('20 models deleted at once under throttling and 500s', () => {
  const arns = Array.from({ length: 20 }, (_, i) => modelArn(`m${i}`));
  let env: E2EEnvironment;
  beforeAll(async () => {
    env = await E2EEnvironment.start({
      models: arns.map((projectVersionArn) => ({ projectVersionArn })),
      simulator: { throttleRate: 0.3, serverErrorRate: 0.1, seed: 7 },
    });
  });
  afterAll(() => env.close());

  test('every model ends deleted, nothing is left running, and every delete succeeds', async () => {
    arns.forEach((arn, i) => env.sim.addModel(arn, { status: i % 4 === 0 ? 'STOPPED' : 'RUNNING', stopDurationMs: 2_000, deleteDurationMs: 500 }));

    const removes = await Promise.all(arns.map((arn) => env.cloudFormation.delete(env.resource(arn), arn)));

    removes.forEach(expectWellFormed);
    expect(removes.map((r) => r.response.body.Status)).toEqual(arns.map(() => 'SUCCESS'));
    expect(arns.map((arn) => env.sim.status(arn))).toEqual(arns.map(() => undefined));
    expect(env.sim.calls.filter((c) => c.error === 'ThrottlingException').length).toBeGreaterThan(10);
    expect(env.sim.calls.filter((c) => c.error === 'InternalServerError').length).toBeGreaterThan(3);
  });
});
