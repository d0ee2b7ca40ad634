import { IAM_PROPAGATION_MS, PropagationAllowance } from '../../lambda/teardown/iam-propagation';
import { ErrorAnswer } from '../../lambda/teardown/model-api';
import { VirtualClock } from '../../local/virtual-time';

/**
 * A denial right after IAM was changed may only be IAM still applying a new policy: the calls that
 * answer one are made again for a bounded time, counted from the run's first denial.
 */

const implicitDenial: ErrorAnswer = {
  error: 'AccessDeniedException',
  message: 'User: arn:aws:sts::123456789012:assumed-role/R/s is not authorized to perform: rekognition:TagResource on resource: m because no identity-based policy allows the rekognition:TagResource action',
  httpStatus: 400,
};
const explicitDenial: ErrorAnswer = { ...implicitDenial, message: 'User: … is not authorized to perform: rekognition:TagResource with an explicit deny in a service control policy' };

/** An API whose one call answers from `answers` in order (the last repeats), recording when it was called. */
function scriptedApi(clock: VirtualClock, answers: Array<ErrorAnswer | { tagged: true }>) {
  const calls: number[] = [];
  return {
    calls,
    api: {
      maxCallMs: 1_000,
      tagResource: async () => {
        calls.push(clock.now());
        return answers[Math.min(calls.length - 1, answers.length - 1)];
      },
    },
  };
}

function allowance(clock: VirtualClock, deadline = clock.now() + 900_000) {
  const logs: Record<string, unknown>[] = [];
  return { logs, allowance: new PropagationAllowance({ now: clock.now, sleep: clock.sleep, random: () => 0.5, log: (l) => logs.push(l), deadline }) };
}

test('a denial that names no explicit deny is made again until the call is allowed', async () => {
  const clock = new VirtualClock();
  const { api, calls } = scriptedApi(clock, [implicitDenial, implicitDenial, implicitDenial, { tagged: true }]);
  const { allowance: iam, logs } = allowance(clock);

  expect(await iam.applyTo(api).tagResource()).toEqual({ tagged: true });

  expect(calls).toHaveLength(4);
  // Pauses double from half a second (with jitter), so a policy applied in seconds costs seconds.
  expect(clock.sleeps).toEqual([375, 750, 1_500]);
  expect(logs).toEqual([expect.objectContaining({ message: expect.stringContaining('retrying while IAM may still be applying'), operation: 'tagResource' })]);
});

test('an explicit deny and any other error are answered at once', async () => {
  for (const answer of [explicitDenial, { error: 'ResourceNotFoundException', message: 'no such model' }]) {
    const clock = new VirtualClock();
    const { api, calls } = scriptedApi(clock, [answer, { tagged: true }]);

    expect(await allowance(clock).allowance.applyTo(api).tagResource()).toEqual(answer);
    expect(calls).toHaveLength(1);
  }
});

test('a denial that outlasts the allowance is the answer, saying how long it lasted; the allowance is spent for the rest of the run', async () => {
  const clock = new VirtualClock();
  const { api, calls } = scriptedApi(clock, [implicitDenial]);
  const { allowance: iam } = allowance(clock);
  const tolerant = iam.applyTo(api);
  const startedAt = clock.now();

  const answer = await tolerant.tagResource() as ErrorAnswer;

  expect(clock.now() - startedAt).toBeLessThanOrEqual(IAM_PROPAGATION_MS);
  expect(clock.now() - startedAt).toBeGreaterThan(IAM_PROPAGATION_MS - 8_000);
  expect(answer.error).toBe('AccessDeniedException');
  expect(answer.message).toMatch(/^still denied after [12]m \d+s of retries, longer than IAM takes to apply a new policy: User: /);
  const callsSoFar = calls.length;
  expect(await tolerant.tagResource()).toEqual(implicitDenial);
  expect(calls).toHaveLength(callsSoFar + 1);
});

test('no call is made again if it could not end before the run\'s deadline', async () => {
  const clock = new VirtualClock();
  const { api, calls } = scriptedApi(clock, [implicitDenial, { tagged: true }]);

  expect(await allowance(clock, clock.now() + 1_200).allowance.applyTo(api).tagResource()).toEqual(implicitDenial);
  expect(calls).toHaveLength(1);
});
