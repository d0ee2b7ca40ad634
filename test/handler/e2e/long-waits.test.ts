import { deployModels, E2EStack } from './e2e-kit';
import { LocalAws, modelArn } from '../../../local/local-aws';
import { SHORT_RUNS_IAM_DELAY_MS } from '../../stack/stack-test-kit';

/**
 * Waits longer than one run of the function: the real bundle hands the same request on to a
 * fresh run of itself through the (local) Lambda service, and only the last run answers.
 * Runs get a 22 s budget here, of which the handler keeps about 17.5 s back for its last call
 * (6 s) and its answer or hand-off (11.5 s), so each run waits about 4.5 s before it hands on.
 * Each hand-off is delivered once here, to count the runs of one chain; test/stack/strict-lambda.test.ts
 * delivers each twice.
 */

jest.setTimeout(180_000);

const RUN_BUDGET_MS = 22_000;

describe('a stop longer than one run', () => {
  let aws: LocalAws;
  let stack: E2EStack;
  const [handoff, refused, outOfWait, twice] = ['handoff', 'refused', 'out-of-wait', 'twice'].map((v) => modelArn(v));
  beforeAll(async () => {
    aws = await LocalAws.start({ lambda: { budgetMs: RUN_BUDGET_MS, deliverTwice: () => false }, iamPropagationDelayMs: SHORT_RUNS_IAM_DELAY_MS });
    stack = await deployModels(aws, [
      { props: { projectVersionArn: handoff }, model: { status: 'RUNNING', stopDurationMs: 5_000, deleteDurationMs: 500 } },
      { props: { projectVersionArn: refused }, model: { status: 'RUNNING', stopDurationMs: 30_000 } },
      { props: { projectVersionArn: outOfWait }, model: { status: 'RUNNING', stopDurationMs: 120_000 } },
      { props: { projectVersionArn: twice }, model: { status: 'RUNNING', stopDurationMs: 5_000, deleteDurationMs: 500 } },
    ]);
  });
  afterAll(() => aws.close());

  const deleteOf = (arn: string) => ({ stackName: stack.stackName, logicalId: stack.logicalIdOf(arn), requestType: 'Delete' as const });

  test('is handed on to fresh runs until the model is gone, and only the last run answers', async () => {
    const remove = await aws.sendEvent(deleteOf(handoff));

    expect(remove.response.body).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: handoff });
    expect(aws.sim.status(handoff)).toBeUndefined();
    expect(remove.runs.length).toBeGreaterThanOrEqual(2);
    expect(remove.runs.length).toBeLessThanOrEqual(3);
    remove.runs.forEach((run) => expect(run).toMatchObject({ exitCode: 0, timedOut: false }));
    const handedOn = remove.runs.map((run) => run.logs.some((l) => l.message === 'handed on'));
    expect(handedOn).toEqual(remove.runs.map((_, i) => i < remove.runs.length - 1));
    expect(aws.responses.responsesTo(String(remove.event.RequestId))).toHaveLength(1);
    // Each hand-off is an asynchronous invocation of the function's own ARN, carrying when the wait began.
    const invocations = aws.lambda.invocations.filter((i) => (i.payload as any).RequestId === remove.event.RequestId);
    expect(invocations.map((i) => i.invocationType)).toEqual(invocations.map(() => 'Event'));
    const waitStarts = new Set(invocations.slice(1).map((i) => (i.payload as any).TeardownHandoff.waitStartedAt));
    expect(waitStarts.size).toBe(1);
    expect(invocations.slice(1).map((i) => (i.payload as any).TeardownHandoff.run)).toEqual(invocations.slice(1).map((_, i) => i + 2));
    // Each run goes on from what the last one learned: one Stop in all, not one per run.
    expect(invocations.slice(1).map((i) => (i.payload as any).TeardownHandoff.progress.state)).toContain('STOPPING');
    expect(aws.sim.callsFor(handoff).filter((c) => c.operation === 'StopProjectVersion')).toHaveLength(1);
  });

  test('fails clearly, before the run\'s deadline, when the wait cannot be handed on', async () => {
    // More refusals than the SDK's own attempts.
    aws.lambda.refuseNext = 2;

    const remove = await aws.sendEvent(deleteOf(refused));

    expect(remove.response.body).toMatchObject({ Status: 'FAILED', PhysicalResourceId: refused });
    expect(remove.response.body.Reason).toMatch(/^The wait could not be handed on to a new run of the teardown function \(.*\); the model may still be stopping or deleting\. If the stack is being deleted, finish with `aws cloudformation delete-stack --stack-name TeardownE2E --retain-resources \w+`\.$/);
    expect(remove.runs).toHaveLength(1);
    expect(remove.runs[0]).toMatchObject({ exitCode: 0, timedOut: false });
  });

  test('fails with the last state seen when the overall wait runs out across runs', async () => {
    const properties = aws.stack(stack.stackName)!.resources.get(stack.logicalIdOf(outOfWait))!.properties;

    const remove = await aws.sendEvent({ ...deleteOf(outOfWait), properties: { ...properties, MaxWaitSeconds: 8 } });

    expect(remove.response.body.Status).toBe('FAILED');
    expect(remove.response.body.Reason).toMatch(/^Model birds\/out-of-wait was still STOPPING after \d+s, the longest wait allowed \(maxWait\)\. The model was left as it is: once it is STOPPED, delete it with .*--retain-resources \w+`/);
    expect(remove.runs.length).toBeGreaterThanOrEqual(2);
  });

  test('a request delivered twice answers the same result from both, and the model ends deleted', async () => {
    const { event } = await aws.sendEvent({ ...deleteOf(twice), deliveries: 2 });

    const answers = aws.responses.responsesTo(String(event.RequestId));
    expect(answers.length).toBeGreaterThanOrEqual(1);
    expect(new Set(answers.map((a) => `${a.body.Status} ${a.body.PhysicalResourceId}`))).toEqual(new Set([`SUCCESS ${twice}`]));
    expect(aws.sim.status(twice)).toBeUndefined();
  });
});
