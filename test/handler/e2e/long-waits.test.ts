import { E2EEnvironment, modelArn } from '../../../local/e2e-environment';

/**
 * Waits longer than one run of the function: the real bundle hands the same request on to a
 * fresh run of itself through the (local) Lambda service, and only the last run answers.
 * Runs get a 22 s budget here, of which the handler keeps about 17.5 s back for its last call
 * (6 s) and its answer or hand-off (11.5 s), so each run waits about 4.5 s before it hands on.
 */

jest.setTimeout(180_000);

const RUN_BUDGET_MS = 22_000;

describe('a stop longer than one run', () => {
  let env: E2EEnvironment;
  const arns = ['handoff', 'refused', 'out-of-wait', 'twice'].map((v) => modelArn(v));
  const [handoff, refused, outOfWait, twice] = arns;
  beforeAll(async () => {
    env = await E2EEnvironment.start({ models: arns.map((projectVersionArn) => ({ projectVersionArn })), runBudgetMs: RUN_BUDGET_MS });
  });
  afterAll(() => env.close());

  test('is handed on to fresh runs until the model is gone, and only the last run answers', async () => {
    env.sim.addModel(handoff, { status: 'RUNNING', stopDurationMs: 5_000, deleteDurationMs: 500 });

    const remove = await env.cloudFormation.delete(env.resource(handoff), handoff);

    expect(remove.response.body).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: handoff });
    expect(env.sim.status(handoff)).toBeUndefined();
    expect(remove.runs.length).toBeGreaterThanOrEqual(2);
    expect(remove.runs.length).toBeLessThanOrEqual(3);
    remove.runs.forEach((run) => expect(run).toMatchObject({ exitCode: 0, timedOut: false }));
    const handedOn = remove.runs.map((run) => run.logs.some((l) => l.message === 'handed on'));
    expect(handedOn).toEqual(remove.runs.map((_, i) => i < remove.runs.length - 1));
    expect(env.responses.responsesTo(String(remove.event.RequestId))).toHaveLength(1);
    // Each hand-off is an asynchronous invocation of the function's own ARN, carrying when the wait began.
    const invocations = env.lambda.invocations.filter((i) => (i.payload as any).RequestId === remove.event.RequestId);
    expect(invocations.map((i) => i.invocationType)).toEqual(invocations.map(() => 'Event'));
    const waitStarts = new Set(invocations.slice(1).map((i) => (i.payload as any).TeardownHandoff.waitStartedAt));
    expect(waitStarts.size).toBe(1);
    expect(invocations.slice(1).map((i) => (i.payload as any).TeardownHandoff.run)).toEqual(invocations.slice(1).map((_, i) => i + 2));
    // Each run goes on from what the last one learned: one Stop in all, not one per run.
    expect(invocations.slice(1).map((i) => (i.payload as any).TeardownHandoff.progress.state)).toContain('STOPPING');
    expect(env.sim.callsFor(handoff).filter((c) => c.operation === 'StopProjectVersion')).toHaveLength(1);
  });

  test('fails clearly, before the run\'s deadline, when the wait cannot be handed on', async () => {
    env.sim.addModel(refused, { status: 'RUNNING', stopDurationMs: 30_000 });
    // More refusals than the SDK's own attempts.
    env.lambda.refuseNext = 2;

    const remove = await env.cloudFormation.delete(env.resource(refused), refused);

    expect(remove.response.body).toMatchObject({ Status: 'FAILED', PhysicalResourceId: refused });
    expect(remove.response.body.Reason).toMatch(/^The wait could not be handed on to a new run of the teardown function \(.*\); the model may still be stopping or deleting\. If the stack is being deleted, finish with `aws cloudformation delete-stack --stack-name TeardownE2E --retain-resources \w+`\.$/);
    expect(remove.runs).toHaveLength(1);
    expect(remove.runs[0]).toMatchObject({ exitCode: 0, timedOut: false });
  });

  test('fails with the last state seen when the overall wait runs out across runs', async () => {
    env.sim.addModel(outOfWait, { status: 'RUNNING', stopDurationMs: 120_000 });

    const remove = await env.cloudFormation.delete(env.resource(outOfWait), outOfWait, { ...env.resource(outOfWait).properties, MaxWaitSeconds: 8 });

    expect(remove.response.body.Status).toBe('FAILED');
    expect(remove.response.body.Reason).toMatch(/^Model birds\/out-of-wait was still STOPPING after \d+s, the longest wait allowed \(maxWait\)\. The model was left as it is: once it is STOPPED, delete it with .*--retain-resources \w+`/);
    expect(remove.runs.length).toBeGreaterThanOrEqual(2);
  });

  test('a request delivered twice answers the same result from both, and the model ends deleted', async () => {
    env.sim.addModel(twice, { status: 'RUNNING', stopDurationMs: 5_000, deleteDurationMs: 500 });
    const resource = env.resource(twice);
    const { event, signature } = env.cloudFormation.event(resource, { RequestType: 'Delete', PhysicalResourceId: twice, ResourceProperties: resource.properties });

    await env.cloudFormation.send(resource, event, signature, 2);

    const answers = env.responses.responsesTo(String(event.RequestId));
    expect(answers.length).toBeGreaterThanOrEqual(1);
    expect(new Set(answers.map((a) => `${a.body.Status} ${a.body.PhysicalResourceId}`))).toEqual(new Set([`SUCCESS ${twice}`]));
    expect(env.sim.status(twice)).toBeUndefined();
  });
});
