import { eventOf, modelArn, modelResourceId, SHORT_RUNS_IAM_DELAY_MS, stackOf, statusesOf, teardownCalls } from './stack-test-kit';
import { LocalAws, StackOperationReport } from '../../local/local-aws';
import { CustomLabelsModelLifecycle } from '../../src';

/**
 * Where the local Lambda service is as strict as Lambda (`local/lambda/local-lambda-service.ts`):
 * asynchronous events retried on error and sometimes delivered twice, and what the handler does
 * there, each as a whole stack operation. Runs get a 22 s budget, so that a stop of 5 s is waited
 * for over more than one run (see test/handler/e2e/long-waits.test.ts).
 */

jest.setTimeout(180_000);

const RUN_BUDGET_MS = 22_000;

const metricLines = (report: StackOperationReport) => report.functionRuns.flatMap((run) => run.logs).filter((line) => '_aws' in line);

/** No failure is counted, and the teardown at least once (see the skipped test below for how many times). */
function expectCountedWithoutFailure(report: StackOperationReport): void {
  const lines = metricLines(report);
  expect(lines.every((line) => line.TeardownFailures === 0)).toBe(true);
  expect(lines.length).toBeGreaterThanOrEqual(1);
}

/** Deploys a stack of one RUNNING model that stops in 5 s, then destroys it. */
async function destroyAfterLongStop(aws: LocalAws, name: string, version: string) {
  const arn = modelArn(version);
  aws.sim.addModel(arn, { status: 'RUNNING', stopDurationMs: 5_000, deleteDurationMs: 500 });
  let modelId = '';
  const stack = stackOf(aws, name, (s) => {
    modelId = modelResourceId(new CustomLabelsModelLifecycle(s, 'Model', { projectVersionArn: arn }));
  });
  expect((await aws.deploy(aws.synthesize(stack))).status).toBe('CREATE_COMPLETE');
  const destroy = await aws.destroy(name);
  const request = destroy.customResourceRequests.find((r) => r.event.LogicalResourceId === modelId && r.event.RequestType === 'Delete')!;
  return { arn, modelId, destroy, request, answers: aws.responses.responsesTo(String(request.event.RequestId)) };
}

describe('every hand-off delivered twice (the default of the stack tests)', () => {
  let aws: LocalAws;
  beforeAll(async () => {
    aws = await LocalAws.start({ lambda: { budgetMs: RUN_BUDGET_MS }, iamPropagationDelayMs: SHORT_RUNS_IAM_DELAY_MS });
  });
  afterAll(() => aws.close());

  test('a stop longer than a run: one answer wins, the runs agree, the model is stopped once and deleted once, no failure counted', async () => {
    const { arn, modelId, destroy, request, answers } = await destroyAfterLongStop(aws, 'HandoffTwice', 'handoff-twice');

    expect(destroy.status).toBe('DELETE_COMPLETE');
    expect(statusesOf(destroy, modelId)).toEqual(['DELETE_IN_PROGRESS', 'DELETE_COMPLETE']);
    expect(eventOf(destroy, modelId, 'DELETE_COMPLETE')?.physicalResourceId).toBe(arn);
    expect(aws.sim.status(arn)).toBeUndefined();
    // The hand-off was delivered twice: more runs than the one CloudFormation started.
    const runs = aws.lambda.invocations.filter((i) => (i.payload as { RequestId?: string }).RequestId === request.event.RequestId);
    expect(runs.some((i) => i.duplicate)).toBe(true);
    // CloudFormation takes the first answer; any later one says the same, never a conflicting one.
    expect(request.response).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: arn });
    expect(answers.length).toBeGreaterThanOrEqual(1);
    expect(new Set(answers.map((a) => `${a.body.Status} ${a.body.PhysicalResourceId}`))).toEqual(new Set([`SUCCESS ${arn}`]));
    // Torn down once: one Stop and one Delete changed the model.
    const changes = teardownCalls(destroy, arn).filter((c) => c.statusBefore !== c.statusAfter);
    expect(changes.map((c) => [c.operation, c.statusBefore, c.statusAfter])).toEqual([
      ['StopProjectVersion', 'RUNNING', 'STOPPING'],
      ['DeleteProjectVersion', 'STOPPED', 'DELETING'],
    ]);
    expectCountedWithoutFailure(destroy);
  });
});

// Skipped, waiting for a fix of a known defect: twin runs (a hand-off Lambda delivered twice) run
// the same teardown side by side; when both have the model's Delete accepted and answer within
// CloudFormation's status lag of each other, neither can see the other's answer taken, and each
// counts a teardown, so `Teardowns` reads 1 to the number of twin chains, as the machine's load
// decides. No open issue covers it yet: the closing notes since 2026-12-06 ask for one, titled
// "Teardowns counted once under duplicate delivery" (a lease the twins share, on the model's tags
// say), and the issue that builds it unskips this test.
describe.skip('Teardowns counted once however many twins finish together '
  + '(known defect: each twin counts; waits for the issue "Teardowns counted once under duplicate delivery")', () => {
  let aws: LocalAws;
  beforeAll(async () => {
    aws = await LocalAws.start({ lambda: { budgetMs: RUN_BUDGET_MS }, iamPropagationDelayMs: SHORT_RUNS_IAM_DELAY_MS });
  });
  afterAll(() => aws.close());

  test('a stop longer than a run, every hand-off delivered twice: one Teardowns count', async () => {
    const { destroy } = await destroyAfterLongStop(aws, 'CountedOnce', 'counted-once');

    expect(metricLines(destroy).map((line) => line.Teardowns)).toEqual([1]);
  });
});

describe('CloudFormation\'s own requests delivered twice too', () => {
  let aws: LocalAws;
  beforeAll(async () => {
    aws = await LocalAws.start({ lambda: { budgetMs: RUN_BUDGET_MS, deliverTwice: () => true }, iamPropagationDelayMs: SHORT_RUNS_IAM_DELAY_MS });
  });
  afterAll(() => aws.close());

  test('a Delete delivered twice and each hand-off twice: one outcome, the model torn down once, no failure counted', async () => {
    const { arn, modelId, destroy, request, answers } = await destroyAfterLongStop(aws, 'DeleteTwice', 'delete-twice');

    expect(destroy.status).toBe('DELETE_COMPLETE');
    expect(statusesOf(destroy, modelId)).toEqual(['DELETE_IN_PROGRESS', 'DELETE_COMPLETE']);
    expect(aws.sim.status(arn)).toBeUndefined();
    expect(request.response).toMatchObject({ Status: 'SUCCESS', PhysicalResourceId: arn });
    expect(new Set(answers.map((a) => `${a.body.Status} ${a.body.PhysicalResourceId}`))).toEqual(new Set([`SUCCESS ${arn}`]));
    const changes = teardownCalls(destroy, arn).filter((c) => c.statusBefore !== c.statusAfter);
    expect(changes.map((c) => c.operation)).toEqual(['StopProjectVersion', 'DeleteProjectVersion']);
    expectCountedWithoutFailure(destroy);
  });
});
