import { ARN, PROPERTIES, RESPONSE_URL, teardownEvent } from './teardown-events';
import { decide, TeardownEvent, requestSentAt } from '../../lambda/teardown/event-decision';
import { readModelVersion } from '../../lambda/teardown/properties';
import { StackRead, StackResource } from '../../lambda/teardown/stack-api';
import { TeardownOutcome, TeardownRequest } from '../../lambda/teardown/teardown';

const NEW_ARN = 'arn:aws:rekognition:eu-west-1:123456789012:project/birds/version/v2/1700000000001';
const STACK_ID = 'arn:aws:cloudformation:eu-west-1:123456789012:stack/Birds/0b5e9c40-0000-0000-0000-000000000000';
const NOW = Date.UTC(2026, 10, 23, 12, 0, 30);

const event = (requestType: 'Create' | 'Update' | 'Delete', extra: Record<string, unknown> = {}) => teardownEvent(requestType, STACK_ID, extra);

/** An event whose ResourceProperties differ from the defaults by `props`. */
function withProperties(e: TeardownEvent, props: Record<string, unknown>): TeardownEvent {
  return { ...e, ResourceProperties: { ...e.ResourceProperties, ...props } } as TeardownEvent;
}

function modelResource(logicalResourceId: string, physicalResourceId: string, resourceStatus: string): StackResource {
  return { logicalResourceId, physicalResourceId, resourceStatus, resourceType: 'Custom::RekognitionCustomLabelsModel' };
}

/** A stack being deleted, this model's resource among its resources. */
const DELETING_STACK: StackRead = { status: 'DELETE_IN_PROGRESS', resources: [modelResource('Model', ARN, 'DELETE_IN_PROGRESS')] };

/** Records the teardowns and stack reads asked for; answers with `outcome` and `stack`. */
function deps(outcome: TeardownOutcome = { result: 'DONE', summary: 'the model is deleted' }, stack: StackRead = DELETING_STACK) {
  const requests: TeardownRequest[] = [];
  const stackReads: string[] = [];
  return {
    requests,
    stackReads,
    now: () => NOW,
    runDeadline: NOW + 60_000,
    functionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:teardown',
    readStack: async (stackId: string) => {
      stackReads.push(stackId);
      return stack;
    },
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
    const decision = await decide(withProperties(e, props), deps());
    expect(decision).toMatchObject({ kind: 'respond', status: 'FAILED', physicalResourceId: 'invalid-model-arn-req-1' });
    expect((decision as { reason: string }).reason).toMatch(reason);
  });

  test.each([
    ['another account', 'arn:aws:rekognition:eu-west-1:210987654321:project/birds/version/v1/1', /in account 210987654321 \(partition aws\), but the teardown function runs in account 123456789012 \(partition aws\)/],
    ['another partition', 'arn:aws-cn:rekognition:cn-north-1:123456789012:project/birds/version/v1/1', /in account 123456789012 \(partition aws-cn\), but the teardown function runs in account 123456789012 \(partition aws\)/],
  ])('fails on a model in %s, touching nothing', async (_, arn, reason) => {
    const d = deps();
    const decision = await decide(withProperties(event('Create'), { ProjectVersionArn: arn }), d);
    expect(decision).toMatchObject({ status: 'FAILED', physicalResourceId: 'invalid-model-arn-req-1' });
    expect((decision as { reason: string }).reason).toMatch(reason);
    expect(d.requests).toHaveLength(0);
    expect(d.stackReads).toHaveLength(0);
  });
});

describe('Update', () => {
  test('with the same ARN is a no-op that keeps the physical id', async () => {
    const d = deps();
    const decision = await decide(event('Update', { PhysicalResourceId: ARN, OldResourceProperties: {} }), d);
    expect(decision).toMatchObject({ status: 'SUCCESS', physicalResourceId: ARN });
    expect(d.requests).toHaveLength(0);
  });

  test('with a new ARN and a new policy makes it the physical id, so CloudFormation deletes the old model in its cleanup', async () => {
    const e = event('Update', { PhysicalResourceId: ARN, OldResourceProperties: PROPERTIES });
    const d = deps();
    const decision = await decide(withProperties(e, { ProjectVersionArn: NEW_ARN, TeardownPolicyLogicalId: 'ModelTeardownPolicyBBBB' }), d);
    expect(decision).toMatchObject({ status: 'SUCCESS', physicalResourceId: NEW_ARN, reason: 'Model birds/v2 replaces birds/v1, which is torn down in the cleanup phase.' });
    expect(d.requests).toHaveLength(0);
  });

  test.each([
    ['the same policy (a token ARN)', PROPERTIES],
    ['no policy id (a resource of an older version)', { ...PROPERTIES, TeardownPolicyLogicalId: undefined }],
  ])('with a new ARN but %s refuses, keeping the old physical id, since the old grant is gone', async (_, oldProperties) => {
    const e = event('Update', { PhysicalResourceId: ARN, OldResourceProperties: oldProperties });
    const decision = await decide(withProperties(e, { ProjectVersionArn: NEW_ARN }), deps());
    expect(decision).toMatchObject({ status: 'FAILED', physicalResourceId: ARN });
    expect((decision as { reason: string }).reason).toMatch(/ProjectVersionArn changed from birds\/v1 to birds\/v2, but the old model's teardown permission was updated in place .* give the construct a new id/);
  });

  test('with a malformed ARN fails and keeps the old physical id', async () => {
    const e = event('Update', { PhysicalResourceId: ARN, OldResourceProperties: {} });
    const decision = await decide(withProperties(e, { ProjectVersionArn: 'nope' }), deps());
    expect(decision).toMatchObject({ status: 'FAILED', physicalResourceId: ARN });
  });
});

describe('Delete', () => {
  test('tears down the model named by the physical id, with the action and wait of the properties, once the stack shows it is meant', async () => {
    const d = deps();
    const e = event('Delete', { PhysicalResourceId: ARN });
    const decision = await decide(withProperties(e, { ProjectVersionArn: NEW_ARN, TeardownAction: 'STOP' }), d);
    const sentAt = Date.UTC(2026, 10, 23, 12, 0, 0);
    expect(d.stackReads).toEqual([STACK_ID]);
    expect(d.requests).toEqual([{ model: readModelVersion(ARN), action: 'STOP', waitStartedAt: sentAt, waitDeadline: sentAt + 600_000, runDeadline: NOW + 60_000 }]);
    expect(decision).toEqual({ kind: 'respond', status: 'SUCCESS', physicalResourceId: ARN, reason: 'Model birds/v1: the model is deleted (after 30s).' });
  });

  test('of a resource whose create failed touches nothing and succeeds', async () => {
    const d = deps();
    const decision = await decide(event('Delete', { PhysicalResourceId: 'invalid-model-arn-req-0' }), d);
    expect(decision).toMatchObject({ status: 'SUCCESS', physicalResourceId: 'invalid-model-arn-req-0' });
    expect(d.requests).toHaveLength(0);
  });

  test('answers FAILED with the teardown\'s reason, the commands that finish the model and the way to finish the stack', async () => {
    const decision = await decide(event('Delete', { PhysicalResourceId: ARN }), deps({ result: 'FAILED', reason: 'It broke.', lastState: 'TRAINING_IN_PROGRESS' }));
    expect(decision).toEqual({
      kind: 'respond',
      status: 'FAILED',
      physicalResourceId: ARN,
      reason: `It broke. The model was left as it is: once training ends, delete it with \`aws rekognition delete-project-version --project-version-arn ${ARN} --region eu-west-1\`. Then finish deleting the stack with \`aws cloudformation delete-stack --stack-name Birds --retain-resources Model\`: CloudFormation deletes the teardown function after this failure, so deleting the stack again without retaining Model fails.`,
    });
  });

  test('in the cleanup phase of an update, says that CloudFormation ignores the failure', async () => {
    const stack: StackRead = { status: 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS', resources: [modelResource('Model', NEW_ARN, 'UPDATE_COMPLETE')] };
    const decision = await decide(event('Delete', { PhysicalResourceId: ARN }), deps({ result: 'FAILED', reason: 'It broke.', lastState: 'RUNNING' }, stack));
    expect((decision as { reason: string }).reason).toMatch(/^It broke\. The model was left as it is: stop it with `aws rekognition stop-project-version .*CloudFormation ignores this failure: the update completes, and the model stays until you end it\.$/);
  });

  test.each([
    ['the stack is being deleted', DELETING_STACK],
    ['the update\'s cleanup removes the resource', { status: 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS', resources: [modelResource('Model', ARN, 'DELETE_IN_PROGRESS')] }],
    ['the update\'s cleanup deletes the replaced model', { status: 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS', resources: [modelResource('Model', NEW_ARN, 'UPDATE_COMPLETE')] }],
    ['another resource that claimed the model is deleted already', { status: 'DELETE_IN_PROGRESS', resources: [modelResource('Model', ARN, 'DELETE_IN_PROGRESS'), modelResource('Twin', ARN, 'DELETE_COMPLETE')] }],
    ['a resource of another type has the same physical id', { status: 'DELETE_IN_PROGRESS', resources: [{ ...modelResource('Other', ARN, 'CREATE_COMPLETE'), resourceType: 'Custom::Other' }] }],
  ] as Array<[string, StackRead]>)('tears down when %s', async (_, stack) => {
    const d = deps(undefined, stack);
    const decision = await decide(event('Delete', { PhysicalResourceId: ARN }), d);
    expect(decision).toMatchObject({ status: 'SUCCESS' });
    expect(d.requests).toHaveLength(1);
  });

  test.each([
    ['a forged Delete while the stack is CREATE_COMPLETE', { status: 'CREATE_COMPLETE', resources: [modelResource('Model', ARN, 'CREATE_COMPLETE')] },
      /^Model birds\/v1 was left as it is: the stack is CREATE_COMPLETE, not being deleted or cleaning up after an update, so this Delete was not sent by the stack's own operation\.$/],
    ['a forged Delete while the stack is UPDATE_COMPLETE', { status: 'UPDATE_COMPLETE', resources: [] }, /the stack is UPDATE_COMPLETE, not being deleted/],
    ['a Delete during UPDATE_IN_PROGRESS', { status: 'UPDATE_IN_PROGRESS', resources: [] }, /the stack is UPDATE_IN_PROGRESS/],
    ['the rollback of a failed create', { status: 'ROLLBACK_IN_PROGRESS', resources: [] }, /the stack is rolling back \(ROLLBACK_IN_PROGRESS\), and a rollback leaves the model as it was/],
    ['the cleanup of a rolled-back update', { status: 'UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS', resources: [] }, /rolling back \(UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS\)/],
    ['a rename: the new resource claims the same model', { status: 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS', resources: [modelResource('Model', ARN, 'DELETE_IN_PROGRESS'), modelResource('Renamed', ARN, 'CREATE_COMPLETE')] },
      /^Model birds\/v1 was left as it is: resource Renamed of the stack still claims it \(CREATE_COMPLETE\)\.$/],
    ['a second resource on the same model, not yet deleted', { status: 'DELETE_IN_PROGRESS', resources: [modelResource('Model', ARN, 'DELETE_IN_PROGRESS'), modelResource('Twin', ARN, 'UPDATE_COMPLETE')] }, /resource Twin of the stack still claims it/],
    ['a second resource on the same model that the stack retains', { status: 'DELETE_IN_PROGRESS', resources: [modelResource('Model', ARN, 'DELETE_IN_PROGRESS'), modelResource('Twin', ARN, 'DELETE_SKIPPED')] }, /resource Twin of the stack still claims it \(DELETE_SKIPPED\)/],
    ['a forged Delete for a resource the stack has not reached yet', { status: 'DELETE_IN_PROGRESS', resources: [modelResource('Model', ARN, 'CREATE_COMPLETE')] }, /resource Model of the stack still claims it/],
  ] as Array<[string, StackRead, RegExp]>)('leaves the model as it is on %s, and says why', async (_, stack, reason) => {
    const d = deps(undefined, stack);
    const decision = await decide(event('Delete', { PhysicalResourceId: ARN }), d);
    expect(decision).toMatchObject({ status: 'SUCCESS', physicalResourceId: ARN });
    expect((decision as { reason: string }).reason).toMatch(reason);
    expect(d.requests).toHaveLength(0);
  });

  test('fails without touching the model when it cannot read the stack, naming the permission and what to do', async () => {
    const d = deps(undefined, { error: 'AccessDenied', message: 'User is not authorized to perform: cloudformation:DescribeStacks' });
    const decision = await decide(event('Delete', { PhysicalResourceId: ARN }), d);
    expect(decision).toMatchObject({ status: 'FAILED', physicalResourceId: ARN });
    expect((decision as { reason: string }).reason).toMatch(/^Could not read the stack to confirm that it means to end model birds\/v1 \(AccessDenied: User is not authorized .*\); allow cloudformation:DescribeStacks and cloudformation:ListStackResources on the stack for the teardown role \(check SCPs\)\. The model was left as it is: stop it with .* If the stack is being deleted, finish with `aws cloudformation delete-stack --stack-name Birds --retain-resources Model`\.$/);
    expect(d.requests).toHaveLength(0);
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
    expect((decision as { reason: string }).reason).toMatch(/its timeout was lowered below what one call needs\. The model was left as it is/);
  });

  test('fails on properties it cannot read, without touching the model', async () => {
    const d = deps();
    const e = event('Delete', { PhysicalResourceId: ARN });
    const decision = await decide(withProperties(e, { TeardownAction: 'X' }), d);
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
