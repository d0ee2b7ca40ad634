import { decide, LifecycleEvent, requestSentAt } from '../../lambda/teardown/event-decision';
import { readModelVersion } from '../../lambda/teardown/properties';
import { TeardownOutcome, TeardownRequest } from '../../lambda/teardown/teardown';

const ARN = 'arn:aws:rekognition:eu-west-1:123456789012:project/birds/version/v1/1700000000000';
const NEW_ARN = 'arn:aws:rekognition:eu-west-1:123456789012:project/birds/version/v2/1700000000001';
const NOW = Date.UTC(2026, 10, 23, 12, 0, 30);
const RESPONSE_URL = 'https://cfn-responses.s3.amazonaws.com/x?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Date=20261123T120000Z&X-Amz-Signature=abc';

function event(requestType: 'Create' | 'Update' | 'Delete', extra: Record<string, unknown> = {}): LifecycleEvent {
  return {
    RequestType: requestType,
    ServiceToken: 'arn:aws:lambda:eu-west-1:123456789012:function:teardown',
    ResponseURL: RESPONSE_URL,
    StackId: 'arn:aws:cloudformation:eu-west-1:123456789012:stack/s/1',
    RequestId: 'req-1',
    LogicalResourceId: 'Model',
    ResourceType: 'Custom::RekognitionCustomLabelsModel',
    ResourceProperties: { ServiceToken: 'x', ProjectVersionArn: ARN, TeardownAction: 'DELETE', MaxWaitSeconds: '600' },
    ...extra,
  } as unknown as LifecycleEvent;
}

/** Records the teardowns asked for and answers with `outcome`. */
function deps(outcome: TeardownOutcome = { result: 'DONE', summary: 'the model is deleted' }) {
  const requests: TeardownRequest[] = [];
  return {
    requests,
    now: () => NOW,
    runDeadline: NOW + 60_000,
    tearDown: async (request: TeardownRequest) => {
      requests.push(request);
      return outcome;
    },
  };
}

describe('Create', () => {
  test('adopts the model ARN as physical id and touches no model', async () => {
    const d = deps();
    const decision = await decide(event('Create'), d);
    expect(decision).toMatchObject({ kind: 'respond', status: 'SUCCESS', physicalResourceId: ARN });
    expect(d.requests).toHaveLength(0);
  });

  test.each([
    ['a malformed ARN', { ProjectVersionArn: 'arn:aws:rekognition:eu-west-1:123:project/x' }, /ProjectVersionArn must be a Rekognition Custom Labels model version ARN of the form arn:<partition>:rekognition:.*got 'arn:aws:rekognition:eu-west-1:123:project\/x'/],
    ['a missing ARN', { ProjectVersionArn: undefined }, /ProjectVersionArn must be .* got 'undefined'/],
    ['an unknown action', { TeardownAction: 'ARCHIVE' }, /TeardownAction must be DELETE or STOP; got 'ARCHIVE'/],
    ['a wait out of bounds', { MaxWaitSeconds: '7200' }, /MaxWaitSeconds must be a number from 1 to 3540; got '7200'/],
    ['a wait that is no number', { MaxWaitSeconds: 'soon' }, /MaxWaitSeconds must be a number from 1 to 3540; got 'soon'/],
  ])('fails on %s with a reason that names the property, and an id that is no ARN', async (_, props, reason) => {
    const e = event('Create');
    const decision = await decide({ ...e, ResourceProperties: { ...e.ResourceProperties, ...props } } as LifecycleEvent, deps());
    expect(decision).toMatchObject({ kind: 'respond', status: 'FAILED', physicalResourceId: 'invalid-model-arn-req-1' });
    expect((decision as { reason: string }).reason).toMatch(reason);
  });
});

describe('Update', () => {
  test('with the same ARN is a no-op that keeps the physical id', async () => {
    const d = deps();
    const decision = await decide(event('Update', { PhysicalResourceId: ARN, OldResourceProperties: {} }), d);
    expect(decision).toMatchObject({ status: 'SUCCESS', physicalResourceId: ARN });
    expect(d.requests).toHaveLength(0);
  });

  test('with a new ARN makes it the physical id, so CloudFormation deletes the old model', async () => {
    const e = event('Update', { PhysicalResourceId: ARN, OldResourceProperties: {} });
    const d = deps();
    const decision = await decide({ ...e, ResourceProperties: { ...e.ResourceProperties, ProjectVersionArn: NEW_ARN } } as LifecycleEvent, d);
    expect(decision).toMatchObject({ status: 'SUCCESS', physicalResourceId: NEW_ARN, reason: 'Model birds/v2 replaces birds/v1, which is torn down next.' });
    expect(d.requests).toHaveLength(0);
  });

  test('with a malformed ARN fails and keeps the old physical id', async () => {
    const e = event('Update', { PhysicalResourceId: ARN, OldResourceProperties: {} });
    const decision = await decide({ ...e, ResourceProperties: { ...e.ResourceProperties, ProjectVersionArn: 'nope' } } as LifecycleEvent, deps());
    expect(decision).toMatchObject({ status: 'FAILED', physicalResourceId: ARN });
  });
});

describe('Delete', () => {
  test('tears down the model named by the physical id, with the action and wait of the properties', async () => {
    const d = deps();
    const e = event('Delete', { PhysicalResourceId: ARN });
    const decision = await decide({ ...e, ResourceProperties: { ...e.ResourceProperties, ProjectVersionArn: NEW_ARN, TeardownAction: 'STOP' } } as LifecycleEvent, d);
    const sentAt = Date.UTC(2026, 10, 23, 12, 0, 0);
    expect(d.requests).toEqual([{ model: readModelVersion(ARN), action: 'STOP', waitStartedAt: sentAt, waitDeadline: sentAt + 600_000, runDeadline: NOW + 60_000 }]);
    expect(decision).toEqual({ kind: 'respond', status: 'SUCCESS', physicalResourceId: ARN, reason: 'Model birds/v1: the model is deleted (after 30s).' });
  });

  test('of a resource whose create failed touches nothing and succeeds', async () => {
    const d = deps();
    const decision = await decide(event('Delete', { PhysicalResourceId: 'invalid-model-arn-req-0' }), d);
    expect(decision).toMatchObject({ status: 'SUCCESS', physicalResourceId: 'invalid-model-arn-req-0' });
    expect(d.requests).toHaveLength(0);
  });

  test('answers FAILED with the teardown\'s reason and the same physical id', async () => {
    const decision = await decide(event('Delete', { PhysicalResourceId: ARN }), deps({ result: 'FAILED', reason: 'it broke.' }));
    expect(decision).toEqual({ kind: 'respond', status: 'FAILED', physicalResourceId: ARN, reason: 'it broke.' });
  });

  test('hands the wait on when the run\'s time is up, keeping when the wait began', async () => {
    const d = deps({ result: 'CONTINUE', lastState: 'STOPPING', calls: 12 });
    const first = await decide(event('Delete', { PhysicalResourceId: ARN }), d);
    expect(first).toEqual({ kind: 'handoff', handoff: { waitStartedAt: Date.UTC(2026, 10, 23, 12, 0, 0), run: 2 } });

    const second = await decide(event('Delete', { PhysicalResourceId: ARN, TeardownHandoff: { waitStartedAt: 42, run: 2 } }), d);
    expect(second).toEqual({ kind: 'handoff', handoff: { waitStartedAt: 42, run: 3 } });
    expect(d.requests[1].waitStartedAt).toBe(42);
  });

  test('fails rather than hand on a run that had no time for a single call', async () => {
    const decision = await decide(event('Delete', { PhysicalResourceId: ARN }), deps({ result: 'CONTINUE', lastState: 'UNKNOWN', calls: 0 }));
    expect(decision).toMatchObject({ status: 'FAILED' });
    expect((decision as { reason: string }).reason).toMatch(/timeout is too short/);
  });

  test('fails on properties it cannot read, without touching the model', async () => {
    const d = deps();
    const e = event('Delete', { PhysicalResourceId: ARN });
    const decision = await decide({ ...e, ResourceProperties: { ...e.ResourceProperties, TeardownAction: 'X' } } as LifecycleEvent, d);
    expect(decision).toMatchObject({ status: 'FAILED', physicalResourceId: ARN });
    expect(d.requests).toHaveLength(0);
  });
});

describe('requestSentAt', () => {
  test('reads X-Amz-Date of the presigned URL, so a redelivered event keeps the same deadline', () => {
    expect(requestSentAt(RESPONSE_URL, NOW)).toBe(Date.UTC(2026, 10, 23, 12, 0, 0));
  });

  test.each(['http://localhost/x', 'not a url', 'http://x/?X-Amz-Date=yesterday'])('falls back to now for %s', (url) => {
    expect(requestSentAt(url, NOW)).toBe(NOW);
  });

  test('never starts the wait in the future', () => {
    expect(requestSentAt('https://x/?X-Amz-Date=20991123T120000Z', NOW)).toBe(NOW);
  });
});
