import { decideEvent, DELETING_STACK, deps, FakeStack, modelResource, NEW_ARN, NOW, OTHER_STACK_ID, OWN_KEY, ROOT_ID, STACK_ID, stackReads, throttled } from './decision-deps';
import { ARN, PROPERTIES, teardownEvent } from './teardown-events';
import { claimKey, claimValue } from '../../lambda/teardown/claims';
import { cleanupFailureKey } from '../../lambda/teardown/cleanup-retries';
import { readModelVersion } from '../../lambda/teardown/properties';
import { TeardownEvent } from '../../lambda/teardown/request';

const event = (requestType: 'Create' | 'Update' | 'Delete', extra: Record<string, unknown> = {}) =>
  withProperties(teardownEvent(requestType, STACK_ID, extra), { RecordsClaim: 'true' });

/** An event whose ResourceProperties differ from the defaults by `props`. */
function withProperties(e: TeardownEvent, props: Record<string, unknown>): TeardownEvent {
  return { ...e, ResourceProperties: { ...e.ResourceProperties, ...props } } as TeardownEvent;
}

describe('Create', () => {
  test('adopts the model ARN as physical id, records its claim on the model, and touches nothing else', async () => {
    const d = deps();
    d.tags[ARN] = {};
    const decision = await decideEvent(event('Create'), d);
    expect(decision).toMatchObject({ kind: 'respond', status: 'SUCCESS', physicalResourceId: ARN });
    expect(d.tags[ARN]).toEqual({ [OWN_KEY]: `Model ${STACK_ID}` });
    expect(d.calls).toEqual([`TagResource ${OWN_KEY}`]);
    expect(d.requests).toHaveLength(0);
  });

  test('of a model that does not exist fails with a reason that names it, and an id that is no ARN (a typo guard)', async () => {
    const d = deps();
    delete d.tags[ARN];
    const decision = await decideEvent(event('Create'), d);
    expect(decision).toMatchObject({ status: 'FAILED', physicalResourceId: 'invalid-model-arn-req-1' });
    expect((decision as { reason: string }).reason).toMatch(/^Model birds\/v1 does not exist \(ResourceNotFoundException: .*\); check ProjectVersionArn .*No model was touched\.$/);
  });

  test('retries a throttled claim and succeeds once it is recorded', async () => {
    const d = deps();
    d.failures.TagResource = [throttled, { error: 'InternalServerError', message: 'x', httpStatus: 500 }];
    const decision = await decideEvent(event('Create'), d);
    expect(decision).toMatchObject({ status: 'SUCCESS' });
    expect(d.calls.filter((c) => c.startsWith('TagResource'))).toHaveLength(3);
  });

  test.each([
    ['denied', [{ error: 'AccessDeniedException', message: 'not authorized', httpStatus: 400 }], /Could not record this stack's claim on model birds\/v1 \(AccessDeniedException: not authorized\); allow rekognition:TagResource/],
    ['throttled until the run ends', Array(200).fill({ error: 'ThrottlingException', message: 'slow down', httpStatus: 400 }), /Rekognition throttled every attempt to record this stack's claim on model birds\/v1/],
  ])('fails when the claim is %s, touching no model', async (_, failures, reason) => {
    const d = deps();
    d.failures.TagResource = [...failures];
    const decision = await decideEvent(event('Create'), d);
    expect(decision).toMatchObject({ status: 'FAILED', physicalResourceId: 'invalid-model-arn-req-1' });
    expect((decision as { reason: string }).reason).toMatch(reason);
  });

  test('of a resource from a version before claims records none', async () => {
    const d = deps();
    const decision = await decideEvent(withProperties(event('Create'), { RecordsClaim: undefined }), d);
    expect(decision).toMatchObject({ status: 'SUCCESS', physicalResourceId: ARN });
    expect(d.calls).toEqual([]);
  });

  test('refuses an event of another stack than the function\'s own, touching nothing', async () => {
    const d = deps();
    const decision = await decideEvent({ ...event('Create'), StackId: OTHER_STACK_ID } as TeardownEvent, d);
    expect(decision).toMatchObject({ status: 'FAILED', physicalResourceId: 'invalid-model-arn-req-1' });
    expect((decision as { reason: string }).reason).toMatch(/serves only the resources of stack .*Birds.*, not of .*Prod/);
    expect(d.calls).toEqual([]);
  });

  test.each([
    ['a malformed ARN', { ProjectVersionArn: 'arn:aws:rekognition:eu-west-1:123:project/x' }, /ProjectVersionArn must be a Rekognition Custom Labels model version ARN of the form arn:<partition>:rekognition:.*got 'arn:aws:rekognition:eu-west-1:123:project\/x'/],
    ['a missing ARN', { ProjectVersionArn: undefined }, /ProjectVersionArn must be .* got 'undefined'/],
    ['an unknown action', { TeardownAction: 'ARCHIVE' }, /TeardownAction must be DELETE or STOP; got 'ARCHIVE'/],
    ['a wait out of bounds', { MaxWaitSeconds: '7200' }, /MaxWaitSeconds must be a number from 1 to 3540; got '7200'/],
    ['a wait that is no number', { MaxWaitSeconds: 'soon' }, /MaxWaitSeconds must be a number from 1 to 3540; got 'soon'/],
  ])('fails on %s with a reason that names the property, and an id that is no ARN', async (_, props, reason) => {
    const e = event('Create');
    const decision = await decideEvent(withProperties(e, props), deps());
    expect(decision).toMatchObject({ kind: 'respond', status: 'FAILED', physicalResourceId: 'invalid-model-arn-req-1' });
    expect((decision as { reason: string }).reason).toMatch(reason);
  });

  test.each([
    ['another account', 'arn:aws:rekognition:eu-west-1:210987654321:project/birds/version/v1/1', /in account 210987654321 \(partition aws\), but the teardown function runs in account 123456789012 \(partition aws\)/],
    ['another partition', 'arn:aws-cn:rekognition:cn-north-1:123456789012:project/birds/version/v1/1', /in account 123456789012 \(partition aws-cn\), but the teardown function runs in account 123456789012 \(partition aws\)/],
  ])('fails on a model in %s, touching nothing', async (_, arn, reason) => {
    const d = deps();
    const decision = await decideEvent(withProperties(event('Create'), { ProjectVersionArn: arn }), d);
    expect(decision).toMatchObject({ status: 'FAILED', physicalResourceId: 'invalid-model-arn-req-1' });
    expect((decision as { reason: string }).reason).toMatch(reason);
    expect(d.requests).toHaveLength(0);
    expect(d.calls).toHaveLength(0);
  });
});

describe('Update', () => {
  test('with the same ARN keeps the physical id and records the claim (a resource from before claims gets one)', async () => {
    const d = deps();
    d.tags[ARN] = {};
    const decision = await decideEvent(event('Update', { PhysicalResourceId: ARN, OldResourceProperties: PROPERTIES }), d);
    expect(decision).toMatchObject({ status: 'SUCCESS', physicalResourceId: ARN });
    expect(Object.keys(d.tags[ARN])).toEqual([OWN_KEY]);
    expect(d.requests).toHaveLength(0);
  });

  test('with the same ARN of a model deleted by hand succeeds: nothing to claim, nothing to refuse', async () => {
    const d = deps();
    delete d.tags[ARN];
    const decision = await decideEvent(event('Update', { PhysicalResourceId: ARN, OldResourceProperties: PROPERTIES }), d);
    expect(decision).toMatchObject({ status: 'SUCCESS', physicalResourceId: ARN, reason: 'Model birds/v1 no longer exists; nothing to claim or tear down.' });
  });

  test('with a new ARN and a new policy makes it the physical id and claims the new model, so CloudFormation deletes the old model in its cleanup', async () => {
    const e = event('Update', { PhysicalResourceId: ARN, OldResourceProperties: PROPERTIES });
    const d = deps();
    const decision = await decideEvent(withProperties(e, { ProjectVersionArn: NEW_ARN, TeardownPolicyLogicalId: 'ModelTeardownPolicyBBBB' }), d);
    expect(decision).toMatchObject({ status: 'SUCCESS', physicalResourceId: NEW_ARN, reason: 'Model birds/v2 replaces birds/v1, which is torn down in the cleanup phase.' });
    expect(Object.keys(d.tags[NEW_ARN])).toEqual([OWN_KEY]);
    expect(d.requests).toHaveLength(0);
  });

  test('with a new ARN of a model that does not exist fails and keeps the old physical id', async () => {
    const e = event('Update', { PhysicalResourceId: ARN, OldResourceProperties: PROPERTIES });
    const d = deps();
    delete d.tags[NEW_ARN];
    const decision = await decideEvent(withProperties(e, { ProjectVersionArn: NEW_ARN, TeardownPolicyLogicalId: 'ModelTeardownPolicyBBBB' }), d);
    expect(decision).toMatchObject({ status: 'FAILED', physicalResourceId: ARN });
    expect((decision as { reason: string }).reason).toMatch(/^Model birds\/v2 does not exist/);
  });

  test.each([
    ['the same policy (a token ARN)', PROPERTIES],
    ['no policy id (a resource of an older version)', { ...PROPERTIES, TeardownPolicyLogicalId: undefined }],
  ])('with a new ARN but %s refuses, keeping the old physical id, since the old grant is gone', async (_, oldProperties) => {
    const e = event('Update', { PhysicalResourceId: ARN, OldResourceProperties: oldProperties });
    const decision = await decideEvent(withProperties(e, { ProjectVersionArn: NEW_ARN }), deps());
    expect(decision).toMatchObject({ status: 'FAILED', physicalResourceId: ARN });
    expect((decision as { reason: string }).reason).toMatch(/ProjectVersionArn changed from birds\/v1 to birds\/v2, but the old model's teardown permission was updated in place .* give the construct a new id/);
  });

  test('with a malformed ARN fails and keeps the old physical id', async () => {
    const e = event('Update', { PhysicalResourceId: ARN, OldResourceProperties: {} });
    const decision = await decideEvent(withProperties(e, { ProjectVersionArn: 'nope' }), deps());
    expect(decision).toMatchObject({ status: 'FAILED', physicalResourceId: ARN });
  });
});

describe('Delete', () => {
  test('tears down the model named by the physical id, with the action and wait of the properties, once the stack shows it is meant', async () => {
    const d = deps();
    const e = event('Delete', { PhysicalResourceId: ARN });
    const decision = await decideEvent(withProperties(e, { ProjectVersionArn: NEW_ARN, TeardownAction: 'STOP' }), d);
    const sentAt = Date.UTC(2026, 10, 23, 12, 0, 0);
    // The last read: whether another delivery of the event has answered already (it has not).
    expect(stackReads(d.calls)).toEqual([`DescribeStacks ${STACK_ID}`, `ListStackResources ${STACK_ID}`, `DescribeStackEvents ${STACK_ID}`, `ListStackResources ${STACK_ID}`]);
    expect(d.requests).toEqual([{ model: readModelVersion(ARN), action: 'STOP', waitStartedAt: sentAt, waitDeadline: sentAt + 600_000, runDeadline: NOW + 60_000, turnTaken: false }]);
    expect(decision).toEqual({ kind: 'respond', status: 'SUCCESS', physicalResourceId: ARN, reason: 'Model birds/v1: the model is deleted (after 30s).', counts: 'TORN_DOWN' });
  });

  test('of a resource whose create failed touches nothing and succeeds', async () => {
    const d = deps();
    const decision = await decideEvent(event('Delete', { PhysicalResourceId: 'invalid-model-arn-req-0' }), d);
    expect(decision).toMatchObject({ status: 'SUCCESS', physicalResourceId: 'invalid-model-arn-req-0' });
    expect(d.requests).toHaveLength(0);
  });

  test('answers FAILED with the teardown\'s reason, the commands that finish the model and the way to finish the stack', async () => {
    const decision = await decideEvent(event('Delete', { PhysicalResourceId: ARN }), deps({ result: 'FAILED', reason: 'It broke.', lastState: 'TRAINING_IN_PROGRESS' }));
    expect(decision).toEqual({
      kind: 'respond',
      status: 'FAILED',
      physicalResourceId: ARN,
      reason: `It broke. The model was left as it is: once training ends, delete it with \`aws rekognition delete-project-version --project-version-arn ${ARN} --region eu-west-1\`. Then finish deleting the stack with \`aws cloudformation delete-stack --stack-name Birds --retain-resources Model\`: CloudFormation deletes the teardown function after this failure, so deleting the stack again without retaining Model fails.`,
      counts: 'FAILED_TEARDOWN',
    });
  });

  describe('another delivery of the same Delete (Lambda may deliver an event twice)', () => {
    const denied = { error: 'AccessDenied', message: 'not authorized to perform: cloudformation:ListStackResources', httpStatus: 403 };

    test('answers nothing and counts nothing once the resource is DELETE_COMPLETE: the other delivery answered', async () => {
      const d = deps({ result: 'FAILED', reason: 'Rekognition denied DeleteProjectVersion.', lastState: 'DELETING' });
      const tearDown = d.tearDown;
      (d as { tearDown: typeof tearDown }).tearDown = async (request) => {
        d.stackTable[STACK_ID] = { ...DELETING_STACK, resources: [modelResource('Model', ARN, 'DELETE_COMPLETE')] };
        return tearDown(request);
      };
      expect(await decideEvent(event('Delete', { PhysicalResourceId: ARN }), d)).toEqual({ kind: 'alreadyAnswered', seen: 'resource Model is DELETE_COMPLETE' });
    });

    test('answers nothing once the stack it could read at the start is denied: the resource\'s grant went with it', async () => {
      const d = deps();
      d.failures.ListStackResources = [undefined as never, denied];
      expect(await decideEvent(event('Delete', { PhysicalResourceId: ARN }), d)).toEqual({ kind: 'alreadyAnswered', seen: 'ListStackResources answered AccessDenied' });
    });

    test('answers nothing when a hand-off finds the stack it read before denied: the twin answered and the grant went', async () => {
      const d = deps();
      d.failures.DescribeStacks = [denied];
      d.failures.ListStackResources = [denied, denied];
      const handedOn = { ...event('Delete', { PhysicalResourceId: ARN }), TeardownHandoff: { waitStartedAt: NOW - 30_000, run: 2 } } as TeardownEvent;
      expect(await decideEvent(handedOn, d)).toEqual({ kind: 'alreadyAnswered', seen: 'ListStackResources answered AccessDenied' });
      // The first run of a request cannot tell a late twin from a role that was never allowed: it fails loud.
      const first = deps();
      first.failures.DescribeStacks = [denied];
      first.failures.ListStackResources = [denied, denied];
      expect(await decideEvent(event('Delete', { PhysicalResourceId: ARN }), first)).toMatchObject({ status: 'FAILED', counts: 'FAILED_TEARDOWN' });
    });

    test('answers when it cannot tell: a throttled read, or an update\'s cleanup, whose old resource is not listed', async () => {
      const d = deps();
      d.failures.ListStackResources = [undefined as never, throttled];
      expect(await decideEvent(event('Delete', { PhysicalResourceId: ARN }), d)).toMatchObject({ status: 'SUCCESS', counts: 'TORN_DOWN' });
      const cleanup = deps(undefined, { status: 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS', resources: [modelResource('Model', NEW_ARN, 'UPDATE_COMPLETE')] });
      expect(await decideEvent(event('Delete', { PhysicalResourceId: ARN }), cleanup)).toMatchObject({ status: 'SUCCESS', counts: 'TORN_DOWN' });
    });
  });

  test('in the cleanup phase of an update, says that CloudFormation ignores the failure', async () => {
    const stack: FakeStack = { status: 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS', resources: [modelResource('Model', NEW_ARN, 'UPDATE_COMPLETE')] };
    const decision = await decideEvent(event('Delete', { PhysicalResourceId: ARN }), deps({ result: 'FAILED', reason: 'It broke.', lastState: 'RUNNING' }, stack));
    expect((decision as { reason: string }).reason).toMatch(/^It broke\. The model was left as it is: stop it with `aws rekognition stop-project-version .*CloudFormation ignores this failure: the update completes, and the model stays until you end it\.$/);
  });

  test.each([
    ['the stack is being deleted', DELETING_STACK],
    ['the update\'s cleanup removes the resource', { status: 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS', resources: [modelResource('Model', ARN, 'DELETE_IN_PROGRESS')] }],
    ['the update\'s cleanup deletes the replaced model', { status: 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS', resources: [modelResource('Model', NEW_ARN, 'UPDATE_COMPLETE')] }],
    ['another resource that claimed the model is deleted already', { status: 'DELETE_IN_PROGRESS', resources: [modelResource('Model', ARN, 'DELETE_IN_PROGRESS'), modelResource('Twin', ARN, 'DELETE_COMPLETE')] }],
    ['a resource of another type has the same physical id', { status: 'DELETE_IN_PROGRESS', resources: [modelResource('Model', ARN, 'DELETE_IN_PROGRESS'), { ...modelResource('Other', ARN, 'CREATE_COMPLETE'), resourceType: 'Custom::Other' }] }],
  ] as Array<[string, FakeStack]>)('tears down when %s', async (_, stack) => {
    const d = deps(undefined, stack);
    const decision = await decideEvent(event('Delete', { PhysicalResourceId: ARN }), d);
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
      /^Model birds\/v1 was left as it is: resource Renamed of the stack still claims it \(CREATE_COMPLETE\); this resource's claim on it was released\.$/],
    ['a second resource on the same model, not yet deleted', { status: 'DELETE_IN_PROGRESS', resources: [modelResource('Model', ARN, 'DELETE_IN_PROGRESS'), modelResource('Twin', ARN, 'UPDATE_COMPLETE')] }, /resource Twin of the stack still claims it/],
    ['a second resource on the same model that the stack retains', { status: 'DELETE_IN_PROGRESS', resources: [modelResource('Model', ARN, 'DELETE_IN_PROGRESS'), modelResource('Twin', ARN, 'DELETE_SKIPPED')] }, /resource Twin of the stack still claims it \(DELETE_SKIPPED\)/],
  ] as Array<[string, FakeStack, RegExp]>)('leaves the model as it is on %s, says why, and counts no teardown', async (_, stack, reason) => {
    const d = deps(undefined, stack);
    const decision = await decideEvent(event('Delete', { PhysicalResourceId: ARN }), d);
    expect(decision).toMatchObject({ status: 'SUCCESS', physicalResourceId: ARN });
    expect(decision).not.toHaveProperty('counts');
    expect((decision as { reason: string }).reason).toMatch(reason);
    expect(d.requests).toHaveLength(0);
  });

  describe('its own resource still shown live (a read that lags the request: CloudFormation promises no order)', () => {
    test('reads again until the resource shows DELETE_IN_PROGRESS, then tears down', async () => {
      const d = deps(undefined, { status: 'DELETE_IN_PROGRESS', resources: [modelResource('Model', ARN, 'CREATE_COMPLETE')] });
      const sleep = d.sleep;
      let pauses = 0;
      (d as { sleep: typeof sleep }).sleep = async (ms) => {
        if (++pauses === 2) d.stackTable[STACK_ID] = DELETING_STACK;
        return sleep(ms);
      };
      expect(await decideEvent(event('Delete', { PhysicalResourceId: ARN }), d)).toMatchObject({ status: 'SUCCESS', counts: 'TORN_DOWN' });
      expect(d.requests).toHaveLength(1);
      expect(stackReads(d.calls).filter((c) => c.startsWith('ListStackResources')).length).toBeGreaterThanOrEqual(3);
    });

    test('a forged Delete for a resource the stack has not reached: after reading for a minute, fails saying what it saw, the model untouched', async () => {
      // A run of Lambda's 15 minutes: the minute of reads fits in it (a shorter run hands the reads on).
      const d = { ...deps(undefined, { status: 'DELETE_IN_PROGRESS', resources: [modelResource('Model', ARN, 'CREATE_COMPLETE')] }), runDeadline: NOW + 900_000 };
      const decision = await decideEvent(event('Delete', { PhysicalResourceId: ARN }), d);
      expect(decision).toMatchObject({ status: 'FAILED', physicalResourceId: ARN, counts: 'FAILED_TEARDOWN' });
      expect((decision as { reason: string }).reason).toMatch(/^The stack still showed this resource \(Model\) as CREATE_COMPLETE, not DELETE_IN_PROGRESS, after reading it again for \d+s, so it could not be confirmed that the stack is deleting model birds\/v1 now; the model was left as it is\./);
      expect(d.requests).toHaveLength(0);
      expect(d.now() - NOW).toBeLessThanOrEqual(60_000);
    });
  });

  test('fails without touching the model when it cannot read the stack, naming the permission and what to do', async () => {
    const d = deps(undefined, { error: 'AccessDenied', message: 'User is not authorized to perform: cloudformation:DescribeStacks', httpStatus: 403 });
    const decision = await decideEvent(event('Delete', { PhysicalResourceId: ARN }), d);
    expect(decision).toMatchObject({ status: 'FAILED', physicalResourceId: ARN });
    expect((decision as { reason: string }).reason).toMatch(/^Could not read the stack to confirm that it means to end model birds\/v1 \(AccessDenied: User is not authorized .*\); allow cloudformation:DescribeStacks, cloudformation:ListStackResources and cloudformation:DescribeStackEvents on the stack \(and DescribeStacks and DescribeStackEvents on its root stack\) for the teardown role \(check SCPs\)\. The model was left as it is: stop it with .* If the stack is being deleted, finish with `aws cloudformation delete-stack --stack-name Birds --retain-resources Model`\.$/);
    expect(d.requests).toHaveLength(0);
    // Denied is final: no retry, and the claim stays (the claims were only read, beside the stack).
    expect(stackReads(d.calls)).toHaveLength(2);
    expect(d.calls.filter((c) => /tag/i.test(c))).toEqual(['ListTagsForResource']);
  });

  test('hands the wait on when the run\'s time is up, keeping when the wait began', async () => {
    const d = deps({ result: 'CONTINUE', lastState: 'STOPPING', calls: 12 });
    const first = await decideEvent(event('Delete', { PhysicalResourceId: ARN }), d);
    expect(first).toEqual({ kind: 'handoff', handoff: { waitStartedAt: Date.UTC(2026, 10, 23, 12, 0, 0), run: 2 } });

    const second = await decideEvent(event('Delete', { PhysicalResourceId: ARN, TeardownHandoff: { waitStartedAt: 42, run: 2 } }), d);
    expect(second).toEqual({ kind: 'handoff', handoff: { waitStartedAt: 42, run: 3 } });
    expect(d.requests[1].waitStartedAt).toBe(42);
  });

  test('fails rather than hand on a run that had no time for a single call', async () => {
    const decision = await decideEvent(event('Delete', { PhysicalResourceId: ARN }), deps({ result: 'CONTINUE', lastState: 'UNKNOWN', calls: 0 }));
    expect(decision).toMatchObject({ status: 'FAILED' });
    expect((decision as { reason: string }).reason).toMatch(/its timeout was lowered below what one call needs\. The model was left as it is/);
  });

  test('fails on properties it cannot read, without touching the model', async () => {
    const d = deps();
    const e = event('Delete', { PhysicalResourceId: ARN });
    const decision = await decideEvent(withProperties(e, { TeardownAction: 'X' }), d);
    expect(decision).toMatchObject({ status: 'FAILED', physicalResourceId: ARN });
    expect(d.requests).toHaveLength(0);
  });
});

describe('Delete: the turns of the models a stack deletes at once', () => {
  const otherModel = (logicalId: string) => modelResource(logicalId, `${ARN}-${logicalId}`, 'DELETE_IN_PROGRESS');

  test('a model deleted with others gets its turns from the stack\'s resources; a throttled claims read waits for its turn, once', async () => {
    // Alpha, Model, Zulu: this model's rank is 1 of 3.
    const stack: FakeStack = { status: 'DELETE_IN_PROGRESS', resources: [otherModel('Zulu'), ...DELETING_STACK.resources, otherModel('Alpha')] };
    const d = deps(undefined, stack);
    d.failures.ListTagsForResource = [throttled, throttled, throttled];

    await decideEvent(event('Delete', { PhysicalResourceId: ARN }), d);

    expect(d.requests[0]).toMatchObject({ turns: { rank: 1, count: 3 }, turnTaken: true });
    expect(d.calls.filter((c) => c === 'ListTagsForResource')).toHaveLength(4);
  });

  test('a model deleted alone has no turns, and an unthrottled claims read takes none', async () => {
    const alone = deps();
    await decideEvent(event('Delete', { PhysicalResourceId: ARN }), alone);
    expect(alone.requests[0]).toMatchObject({ turns: undefined, turnTaken: false });

    const withOthers = deps(undefined, { status: 'DELETE_IN_PROGRESS', resources: [...DELETING_STACK.resources, otherModel('Zulu')] });
    await decideEvent(event('Delete', { PhysicalResourceId: ARN }), withOthers);
    expect(withOthers.requests[0]).toMatchObject({ turns: { rank: 0, count: 2 }, turnTaken: false });
  });
});

describe('Delete: claims on the model', () => {
  /** The calls but the stack reads: the tag calls and the teardown, in order. */
  const tagCallsAndTeardown = (calls: string[]) => calls.filter((c) => !stackReads([c]).length);
  const STOP = { TeardownAction: 'STOP' };
  const stopped = { result: 'DONE' as const, summary: 'the model is not running (STOPPING)', tornDown: true };
  const untagDenied = { error: 'AccessDeniedException', message: 'not authorized to perform: rekognition:UntagResource', httpStatus: 400 };

  test('reads the claims beside the stack and, when they show no other, tears down at once: no release before the Stop, none after a Delete', async () => {
    const d = deps();
    const decision = await decideEvent(event('Delete', { PhysicalResourceId: ARN }), d);
    expect(d.calls[0]).toBe('ListTagsForResource');
    // The model and its tags are gone: nothing left to release.
    expect(tagCallsAndTeardown(d.calls)).toEqual(['ListTagsForResource', 'tearDown DELETE']);
    expect(decision).toMatchObject({ status: 'SUCCESS', counts: 'TORN_DOWN' });
  });

  test('of a STOP releases its own claim after the Stop, so that no claim stays on the stopped model', async () => {
    const d = deps(stopped);
    const decision = await decideEvent(withProperties(event('Delete', { PhysicalResourceId: ARN }), STOP), d);
    expect(tagCallsAndTeardown(d.calls)).toEqual(['ListTagsForResource', 'tearDown STOP', `UntagResource ${OWN_KEY}`]);
    expect(d.tags[ARN]).toEqual({});
    expect(decision).toEqual({
      kind: 'respond', status: 'SUCCESS', physicalResourceId: ARN, reason: 'Model birds/v1: the model is not running (STOPPING) (after 30s).', counts: 'TORN_DOWN',
    });
  });

  test('whose teardown throws unexpectedly releases its held claim before the error is answered FAILED', async () => {
    const d = { ...deps(), tearDown: async () => { throw new Error('a bug'); } };
    await expect(decideEvent(event('Delete', { PhysicalResourceId: ARN }), d)).rejects.toThrow('a bug');
    expect(tagCallsAndTeardown(d.calls)).toEqual(['ListTagsForResource', `UntagResource ${OWN_KEY}`]);
    expect(d.tags[ARN]).toEqual({});
  });

  test('of a STOP that finds the model gone releases nothing: the tags went with it', async () => {
    const d = deps({ result: 'DONE', summary: 'the model no longer exists', tornDown: false });
    await decideEvent(withProperties(event('Delete', { PhysicalResourceId: ARN }), STOP), d);
    expect(tagCallsAndTeardown(d.calls)).toEqual(['ListTagsForResource', 'tearDown STOP']);
  });

  test('of a failed teardown releases its own claim after it, keeping the reason', async () => {
    const d = deps({ result: 'FAILED', reason: 'It broke.', lastState: 'RUNNING' });
    const decision = await decideEvent(event('Delete', { PhysicalResourceId: ARN }), d);
    expect(tagCallsAndTeardown(d.calls)).toEqual(['ListTagsForResource', 'tearDown DELETE', `UntagResource ${OWN_KEY}`]);
    expect(d.tags[ARN]).toEqual({});
    expect((decision as { reason: string }).reason).toMatch(/^It broke\. The model was left as it is: stop it with .* without retaining Model fails\.$/);
  });

  test('that hands the wait on keeps its claim for the next run, whose first read then shows only its own', async () => {
    const d = deps({ result: 'CONTINUE', lastState: 'STOPPING', calls: 12 });
    expect(await decideEvent(event('Delete', { PhysicalResourceId: ARN }), d)).toMatchObject({ kind: 'handoff' });
    expect(tagCallsAndTeardown(d.calls)).toEqual(['ListTagsForResource', 'tearDown DELETE']);
    expect(Object.keys(d.tags[ARN])).toEqual([OWN_KEY]);
  });

  test('answered by another delivery releases nothing: that delivery answered for the claim', async () => {
    const d = deps(stopped);
    const tearDown = d.tearDown;
    (d as { tearDown: typeof tearDown }).tearDown = async (request) => {
      d.stackTable[STACK_ID] = { ...DELETING_STACK, resources: [modelResource('Model', ARN, 'DELETE_COMPLETE')] };
      return tearDown(request);
    };
    expect(await decideEvent(withProperties(event('Delete', { PhysicalResourceId: ARN }), STOP), d)).toMatchObject({ kind: 'alreadyAnswered' });
    expect(d.calls.filter((c) => /tag/i.test(c))).toEqual(['ListTagsForResource']);
  });

  test('of a STOP whose release fails after the Stop answers FAILED, saying the model stopped, which claim stayed and how to release it', async () => {
    const d = deps(stopped);
    d.failures.UntagResource = [untagDenied];
    const logs: Array<Record<string, unknown>> = [];
    const decision = await decideEvent(withProperties(event('Delete', { PhysicalResourceId: ARN }), STOP), { ...d, log: (entry) => logs.push(entry) });
    expect(decision).toEqual({
      kind: 'respond',
      status: 'FAILED',
      physicalResourceId: ARN,
      reason: `Model birds/v1 was stopped, but this resource's claim ${OWN_KEY} on it could not be released (AccessDeniedException: not authorized to perform: rekognition:UntagResource); `
        + 'while it stays, no other stack\'s teardown ends the model. '
        + `Release it with \`aws rekognition untag-resource --resource-arn ${ARN} --tag-keys ${OWN_KEY} --region eu-west-1\` (see docs/ownership.md). `
        + 'Then finish deleting the stack with `aws cloudformation delete-stack --stack-name Birds --retain-resources Model`: CloudFormation deletes the teardown function after this failure, so deleting the stack again without retaining Model fails.',
      counts: 'FAILED_TEARDOWN',
    });
    expect(logs).toContainEqual({ message: 'claim not released', model: ARN, error: 'AccessDeniedException' });
  });

  test('of a STOP in an update\'s cleanup whose release fails says that CloudFormation\'s next attempt releases it, and that one does', async () => {
    const d = deps(stopped, { status: 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS', resources: [modelResource('Model', NEW_ARN, 'UPDATE_COMPLETE')] });
    d.failures.UntagResource = [untagDenied];
    const first = await decideEvent(withProperties(event('Delete', { PhysicalResourceId: ARN }), STOP), d);
    expect((first as { reason: string }).reason).toMatch(/\(see docs\/ownership\.md\), or let CloudFormation's next attempt of this Delete release it\. CloudFormation ignores this failure/);
    const next = await decideEvent(withProperties(event('Delete', { PhysicalResourceId: ARN, RequestId: 'req-2' }), STOP), d);
    expect(next).toMatchObject({ status: 'SUCCESS' });
    expect(d.tags[ARN]).toEqual({});
  });

  test('of a failed teardown whose release fails too keeps the reason, adds a sentence about the claim and logs it', async () => {
    const d = deps({ result: 'FAILED', reason: 'It broke.', lastState: 'RUNNING' });
    d.failures.UntagResource = [untagDenied];
    const logs: Array<Record<string, unknown>> = [];
    const decision = await decideEvent(event('Delete', { PhysicalResourceId: ARN }), { ...d, log: (entry) => logs.push(entry) });
    expect(decision).toMatchObject({ status: 'FAILED', counts: 'FAILED_TEARDOWN' });
    expect((decision as { reason: string }).reason).toMatch(new RegExp(
      `^It broke\\. The model was left as it is: .* without retaining Model fails\\. This resource's claim ${OWN_KEY} on the model could not be released either \\(AccessDeniedException\\); docs/ownership\\.md says how to release it by hand\\.$`,
    ));
    expect(logs).toContainEqual({ message: 'claim not released', model: ARN, error: 'AccessDeniedException' });
  });

  test('reads the claims again after releasing its own when the first read showed another, so that the last to leave tears down', async () => {
    const d = deps();
    const other = claimKey(OTHER_STACK_ID, 'Model');
    d.tags[ARN][other] = claimValue(OTHER_STACK_ID, 'Model');
    const models = d.models;
    // The other resource leaves while this one releases its claim.
    const leaving = (region: string) => ({
      ...models(region),
      untagResource: async (arn: string, keys: readonly string[]) => {
        delete d.tags[ARN][other];
        return models(region).untagResource(arn, keys);
      },
    });
    await decideEvent(event('Delete', { PhysicalResourceId: ARN }), { ...d, models: leaving });
    expect(d.calls.filter((c) => /tag/i.test(c))).toEqual(['ListTagsForResource', `UntagResource ${OWN_KEY}`, 'ListTagsForResource']);
    expect(d.requests).toHaveLength(1);
  });

  test('leaves the model to another stack that still claims it, releasing its own claim, and counts no teardown', async () => {
    const d = deps();
    d.tags[ARN][claimKey(OTHER_STACK_ID, 'Model')] = claimValue(OTHER_STACK_ID, 'Model');
    const decision = await decideEvent(event('Delete', { PhysicalResourceId: ARN }), d);
    expect(decision).toEqual({
      kind: 'respond',
      status: 'SUCCESS',
      physicalResourceId: ARN,
      reason: `Model birds/v1 was left as it is: another resource claims it (Model ${OTHER_STACK_ID}); this resource's claim was released, and the last claimant to leave tears it down.`,
    });
    expect(Object.keys(d.tags[ARN])).toEqual([claimKey(OTHER_STACK_ID, 'Model')]);
    expect(d.requests).toHaveLength(0);
  });

  test('ignores tags that are no claims', async () => {
    const d = deps();
    d.tags[ARN].team = 'vision';
    await decideEvent(event('Delete', { PhysicalResourceId: ARN }), d);
    expect(d.requests).toHaveLength(1);
  });

  test('of a rollback releases its own claim and nothing else', async () => {
    const d = deps(undefined, { status: 'ROLLBACK_IN_PROGRESS', resources: [] });
    const decision = await decideEvent(event('Delete', { PhysicalResourceId: ARN }), d);
    expect((decision as { reason: string }).reason).toMatch(/rolling back .*; this resource's claim on it was released\.$/);
    expect(d.tags[ARN]).toEqual({});
    expect(d.calls.filter((c) => c.startsWith('UntagResource') || c.startsWith('TagResource'))).toEqual([`UntagResource ${OWN_KEY}`]);
    expect(d.requests).toHaveLength(0);
  });

  test('of a rollback succeeds even when its claim cannot be released, and says which claim stayed', async () => {
    const d = deps(undefined, { status: 'UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS', resources: [] });
    d.failures.UntagResource = [{ error: 'AccessDeniedException', message: 'denied', httpStatus: 400 }];
    const decision = await decideEvent(event('Delete', { PhysicalResourceId: ARN }), d);
    expect(decision).toMatchObject({ status: 'SUCCESS' });
    expect((decision as { reason: string }).reason).toContain(`this resource's claim ${OWN_KEY} could not be released (AccessDeniedException)`);
  });

  test('that is forged touches no claim (it only read them)', async () => {
    const d = deps(undefined, { status: 'UPDATE_COMPLETE', resources: [modelResource('Model', ARN, 'UPDATE_COMPLETE')] });
    await decideEvent(event('Delete', { PhysicalResourceId: ARN }), d);
    expect(d.calls.filter((c) => /tag/i.test(c))).toEqual(['ListTagsForResource']);
    expect(Object.keys(d.tags[ARN])).toEqual([OWN_KEY]);
  });

  test('of a resource from a version before claims decides from the stack alone, calling no tag action', async () => {
    const d = deps();
    d.tags[ARN][claimKey(OTHER_STACK_ID, 'Model')] = 'x';
    await decideEvent(withProperties(event('Delete', { PhysicalResourceId: ARN }), { RecordsClaim: undefined }), d);
    expect(d.calls.filter((c) => /tag/i.test(c))).toEqual([]);
    expect(d.requests).toHaveLength(1);
  });

  test('of a model that is gone goes on to the teardown, which finds it gone', async () => {
    const d = deps({ result: 'DONE', summary: 'the model no longer exists', tornDown: false });
    delete d.tags[ARN];
    const decision = await decideEvent(event('Delete', { PhysicalResourceId: ARN }), d);
    expect(d.requests).toHaveLength(1);
    expect(decision).toMatchObject({ status: 'SUCCESS' });
    expect(decision).not.toHaveProperty('counts');
  });

  test('fails loud, touching no model, when the claims cannot be read', async () => {
    const d = deps();
    const denied = { error: 'AccessDeniedException', message: 'denied', httpStatus: 400 };
    // Denied beside the stack reads, and again after the release.
    d.failures.ListTagsForResource = [denied, denied];
    const decision = await decideEvent(event('Delete', { PhysicalResourceId: ARN }), d);
    expect(decision).toMatchObject({ status: 'FAILED', counts: 'FAILED_TEARDOWN' });
    expect((decision as { reason: string }).reason).toMatch(/^Could not read or release the ownership claims on model birds\/v1 \(AccessDeniedException: denied\); allow rekognition:TagResource, rekognition:UntagResource and rekognition:ListTagsForResource/);
    expect(d.requests).toHaveLength(0);
  });
});

describe('Delete: a stack deleted because its create failed (OnFailure DELETE)', () => {
  const stackEvent = (resourceStatus: string, stackId = STACK_ID) => ({ logicalResourceId: 'Birds', physicalResourceId: stackId, resourceType: 'AWS::CloudFormation::Stack', resourceStatus });
  const resourceEvent = (resourceStatus: string) => ({ logicalResourceId: 'Guard', physicalResourceId: 'sg-1', resourceType: 'AWS::EC2::SecurityGroup', resourceStatus });
  const deleting = (events: FakeStack['events']): FakeStack => ({ ...DELETING_STACK, events });

  test.each([
    ['the create failed and the stack is deleted', [stackEvent('DELETE_IN_PROGRESS'), resourceEvent('CREATE_FAILED'), resourceEvent('CREATE_IN_PROGRESS'), stackEvent('CREATE_IN_PROGRESS')]],
    ['a CREATE_FAILED stack (DO_NOTHING) is deleted again after a failed delete', [stackEvent('DELETE_IN_PROGRESS'), stackEvent('DELETE_FAILED'), resourceEvent('DELETE_FAILED'), stackEvent('DELETE_IN_PROGRESS'), stackEvent('CREATE_FAILED')]],
  ])('leaves the model when %s, releasing its claim, reading pages until the events tell', async (_, events) => {
    const d = deps(undefined, deleting(events));
    const decision = await decideEvent(event('Delete', { PhysicalResourceId: ARN }), d);
    expect(decision).toEqual({
      kind: 'respond',
      status: 'SUCCESS',
      physicalResourceId: ARN,
      reason: 'Model birds/v1 was left as it is: the stack is being deleted because its create failed (OnFailure DELETE), and a failed create leaves the model as it was; this resource\'s claim on it was released.',
    });
    expect(d.requests).toHaveLength(0);
    expect(d.tags[ARN]).toEqual({});
    expect(stackReads(d.calls).filter((c) => c.startsWith('DescribeStackEvents'))).toHaveLength(Math.ceil(events.length / 2));
  });

  test.each([
    ['its create completed', [stackEvent('DELETE_IN_PROGRESS'), stackEvent('CREATE_COMPLETE'), resourceEvent('CREATE_COMPLETE')]],
    ['its last update rolled back', [stackEvent('DELETE_IN_PROGRESS'), stackEvent('UPDATE_ROLLBACK_COMPLETE'), stackEvent('CREATE_COMPLETE')]],
    ['its events name no earlier operation', []],
    ['another stack\'s events carry the same name', [stackEvent('DELETE_IN_PROGRESS'), stackEvent('CREATE_IN_PROGRESS', ROOT_ID), stackEvent('UPDATE_COMPLETE')]],
  ])('tears down when %s', async (_, events) => {
    const d = deps(undefined, deleting(events));
    expect(await decideEvent(event('Delete', { PhysicalResourceId: ARN }), d)).toMatchObject({ status: 'SUCCESS', counts: 'TORN_DOWN' });
    expect(d.requests).toHaveLength(1);
  });

  test('reads the root stack\'s events in a nested stack, and leaves the model when the root\'s create failed', async () => {
    const d = deps(undefined, { ...DELETING_STACK, rootId: ROOT_ID, events: [stackEvent('CREATE_COMPLETE')] });
    d.stackTable[ROOT_ID] = { status: 'DELETE_IN_PROGRESS', resources: [], events: [stackEvent('DELETE_IN_PROGRESS', ROOT_ID), stackEvent('CREATE_IN_PROGRESS', ROOT_ID)] };
    const decision = await decideEvent(event('Delete', { PhysicalResourceId: ARN }), d);
    expect((decision as { reason: string }).reason).toContain('its root stack is being deleted because its create failed');
    expect(d.calls).toContain(`DescribeStackEvents ${ROOT_ID}`);
    expect(d.requests).toHaveLength(0);
  });

  test('never reads the events in an update\'s cleanup', async () => {
    const d = deps(undefined, { status: 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS', resources: [] });
    await decideEvent(event('Delete', { PhysicalResourceId: ARN }), d);
    expect(d.calls.filter((c) => c.startsWith('DescribeStackEvents'))).toEqual([]);
  });

  test('retries throttled event reads; fails loud, touching nothing, when they are denied', async () => {
    const retried = deps(undefined, deleting([stackEvent('CREATE_IN_PROGRESS')]));
    retried.failures.DescribeStackEvents = [throttled];
    expect(await decideEvent(event('Delete', { PhysicalResourceId: ARN }), retried)).toMatchObject({ status: 'SUCCESS' });
    expect(retried.requests).toHaveLength(0);

    const denied = deps(undefined, deleting([]));
    denied.failures.DescribeStackEvents = [{ error: 'AccessDenied', message: 'User is not authorized to perform: cloudformation:DescribeStackEvents', httpStatus: 403 }];
    const decision = await decideEvent(event('Delete', { PhysicalResourceId: ARN }), denied);
    expect(decision).toMatchObject({ status: 'FAILED', counts: 'FAILED_TEARDOWN' });
    expect((decision as { reason: string }).reason).toMatch(/^Could not read the stack .*cloudformation:DescribeStackEvents/);
    expect(denied.requests).toHaveLength(0);
  });
});

describe('Delete: a failed teardown in an update\'s cleanup, which CloudFormation attempts three times', () => {
  const CLEANUP: FakeStack = { status: 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS', resources: [modelResource('Model', ARN, 'DELETE_IN_PROGRESS')] };
  const MARK = cleanupFailureKey(STACK_ID, 'Model');
  const training = { result: 'FAILED' as const, reason: 'Model birds/v1 was still TRAINING_IN_PROGRESS after 10m 0s, the longest wait allowed (maxWait).', lastState: 'TRAINING_IN_PROGRESS' };

  test('the first attempt fails after its wait, is counted, and marks the model with when, which attempt and its state', async () => {
    const d = deps(training, CLEANUP);
    const decision = await decideEvent(event('Delete', { PhysicalResourceId: ARN }), d);
    expect(decision).toMatchObject({ status: 'FAILED', counts: 'FAILED_TEARDOWN' });
    expect(d.requests).toHaveLength(1);
    // The mark is written, and the claim released after the failed teardown.
    expect(d.tags[ARN]).toEqual({ [MARK]: `${NOW} 1 TRAINING_IN_PROGRESS` });
    expect(d.calls.filter((c) => /tag|tearDown/i.test(c))).toEqual(['ListTagsForResource', 'tearDown DELETE', `TagResource ${MARK}`, `UntagResource ${OWN_KEY}`]);
  });

  test('a later attempt that finds its claim still there (the first could not release it) releases it, and nothing else', async () => {
    const d = deps(training, CLEANUP);
    d.tags[ARN][MARK] = `${NOW - 1_000} 1 TRAINING_IN_PROGRESS`;
    const decision = await decideEvent(event('Delete', { PhysicalResourceId: ARN }), d);
    expect(decision).toMatchObject({ status: 'FAILED' });
    expect(d.requests).toHaveLength(0);
    expect(d.tags[ARN]).toEqual({ [MARK]: `${NOW - 1_000} 2 TRAINING_IN_PROGRESS` });
  });

  test('the second attempt answers at once, touching nothing and counting nothing, and the third removes the mark', async () => {
    const d = deps(training, CLEANUP);
    await decideEvent(event('Delete', { PhysicalResourceId: ARN }), d);
    const failedAt = NOW;
    await d.sleep(1_000);

    const second = await decideEvent(event('Delete', { PhysicalResourceId: ARN, RequestId: 'req-2' }), d);
    expect(second).toEqual({
      kind: 'respond',
      status: 'FAILED',
      physicalResourceId: ARN,
      reason: expect.stringMatching(/^An earlier attempt of this cleanup Delete could not tear down model birds\/v1 1s ago; this attempt \(2 of the 3 CloudFormation makes before it drops the resource\) answers at once rather than wait again\. The model was left as it is: once training ends, delete it with .* CloudFormation ignores this failure/),
    });
    expect(d.requests).toHaveLength(1);
    expect(d.tags[ARN][MARK]).toBe(`${failedAt} 2 TRAINING_IN_PROGRESS`);

    const third = await decideEvent(event('Delete', { PhysicalResourceId: ARN, RequestId: 'req-3' }), d);
    expect(third).toMatchObject({ status: 'FAILED' });
    expect(third).not.toHaveProperty('counts');
    expect((third as { reason: string }).reason).toContain('this attempt (3 of the 3');
    expect(d.requests).toHaveLength(1);
    expect(d.tags[ARN]).not.toHaveProperty(MARK);
  });

  test.each([
    ['older than three hours', `${NOW - 3 * 3_600_000 - 1} 1 RUNNING`],
    ['malformed', 'yesterday'],
    ['in the future (a clock that runs behind)', `${NOW + 60_000} 1 RUNNING`],
  ])('a mark %s is ignored: the teardown runs', async (_, value) => {
    const d = deps(undefined, CLEANUP);
    d.tags[ARN][MARK] = value;
    const decision = await decideEvent(event('Delete', { PhysicalResourceId: ARN }), d);
    expect(decision).toMatchObject({ status: 'SUCCESS', counts: 'TORN_DOWN' });
    expect(d.requests).toHaveLength(1);
  });

  test('a stack delete neither marks nor reads a mark: it is not retried', async () => {
    const d = deps(training);
    d.tags[ARN][MARK] = `${NOW} 1 RUNNING`;
    const decision = await decideEvent(event('Delete', { PhysicalResourceId: ARN }), d);
    expect(decision).toMatchObject({ status: 'FAILED', counts: 'FAILED_TEARDOWN' });
    expect(d.requests).toHaveLength(1);
    expect(d.tags[ARN][MARK]).toBe(`${NOW} 1 RUNNING`);
  });

  test('a mark that cannot be written leaves the answer as it was; the next attempt then waits again', async () => {
    const d = deps(training, CLEANUP);
    const logs: Array<Record<string, unknown>> = [];
    const denyTagging = (region: string) => ({ ...d.models(region), tagResource: async () => ({ error: 'AccessDeniedException', message: 'denied', httpStatus: 400 }) });
    const decision = await decideEvent(event('Delete', { PhysicalResourceId: ARN }), { ...d, log: (entry) => logs.push(entry), models: denyTagging });
    expect(decision).toMatchObject({ status: 'FAILED', counts: 'FAILED_TEARDOWN' });
    expect(logs).toContainEqual({ message: 'cleanup failure not marked', model: ARN, error: 'AccessDeniedException' });
    expect(d.tags[ARN]).not.toHaveProperty(MARK);
  });

  test('a mark that cannot be removed is logged; the answer stays', async () => {
    const d = deps(training, CLEANUP);
    d.tags[ARN][MARK] = `${NOW} 2 RUNNING`;
    const logs: Array<Record<string, unknown>> = [];
    const keepMark = (region: string) => {
      const api = d.models(region);
      const untagResource: typeof api.untagResource = async (arn, keys) =>
        keys.includes(MARK) ? { error: 'AccessDeniedException', message: 'denied', httpStatus: 400 } : api.untagResource(arn, keys);
      return { ...api, untagResource };
    };
    const decision = await decideEvent(event('Delete', { PhysicalResourceId: ARN }), { ...d, log: (entry) => logs.push(entry), models: keepMark });
    expect(decision).toMatchObject({ status: 'FAILED' });
    expect(logs).toContainEqual({ message: 'cleanup failure mark not removed', model: ARN, error: 'AccessDeniedException' });
  });
});

describe('Delete: nested stacks', () => {
  const nested = (status: string, rootStatus: string) => {
    const d = deps(undefined, { status, resources: [modelResource('Model', ARN, 'DELETE_IN_PROGRESS')], rootId: ROOT_ID });
    d.stackTable[ROOT_ID] = { status: rootStatus, resources: [] };
    return d;
  };

  test('reads the root stack, and tears down when the root is being deleted', async () => {
    const d = nested('DELETE_IN_PROGRESS', 'DELETE_IN_PROGRESS');
    await decideEvent(event('Delete', { PhysicalResourceId: ARN }), d);
    expect(stackReads(d.calls)).toContain(`DescribeStacks ${ROOT_ID}`);
    expect(d.requests).toHaveLength(1);
  });

  test.each([
    ['the root rolls back an update that created the nested stack', 'DELETE_IN_PROGRESS', 'UPDATE_ROLLBACK_IN_PROGRESS'],
    ['the root rolls back its creation', 'DELETE_IN_PROGRESS', 'ROLLBACK_IN_PROGRESS'],
    ['the root cleans up after a rolled-back update', 'DELETE_IN_PROGRESS', 'UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS'],
  ])('leaves the model when %s, releasing its claim', async (_, status, rootStatus) => {
    const d = nested(status, rootStatus);
    const decision = await decideEvent(event('Delete', { PhysicalResourceId: ARN }), d);
    expect((decision as { reason: string }).reason).toMatch(new RegExp(`its root stack is rolling back \\(${rootStatus}\\)`));
    expect(d.requests).toHaveLength(0);
    expect(d.tags[ARN]).toEqual({});
  });

  test('leaves the model, claims untouched, when the nested stack waits for cleanup while the root still updates', async () => {
    const d = nested('UPDATE_COMPLETE_CLEANUP_IN_PROGRESS', 'UPDATE_IN_PROGRESS');
    const decision = await decideEvent(event('Delete', { PhysicalResourceId: ARN }), d);
    expect((decision as { reason: string }).reason).toMatch(/the stack is UPDATE_COMPLETE_CLEANUP_IN_PROGRESS, its root stack UPDATE_IN_PROGRESS, not being deleted/);
    expect(Object.keys(d.tags[ARN])).toEqual([OWN_KEY]);
  });

  test('in the root\'s update cleanup (a nested stack removed or renamed), says that CloudFormation ignores a failure', async () => {
    const d = nested('DELETE_IN_PROGRESS', 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS');
    const failing = deps({ result: 'FAILED', reason: 'It broke.', lastState: 'RUNNING' });
    const decision = await decideEvent(event('Delete', { PhysicalResourceId: ARN }), { ...d, tearDown: failing.tearDown });
    expect((decision as { reason: string }).reason).toMatch(/CloudFormation ignores this failure/);
  });
});

describe('Delete: throttled reads', () => {
  test('retries throttled, failing and cut-off reads of the stack, then tears down', async () => {
    const d = deps();
    d.failures.DescribeStacks = [throttled, { error: 'InternalFailure', message: 'x', httpStatus: 500 }, { error: 'TimeoutError', message: 'socket hang up' }];
    d.failures.ListStackResources = [throttled];
    d.failures.ListTagsForResource = [{ error: 'ThrottlingException', message: 'x', httpStatus: 400 }];
    const decision = await decideEvent(event('Delete', { PhysicalResourceId: ARN }), d);
    expect(decision).toMatchObject({ status: 'SUCCESS', counts: 'TORN_DOWN' });
    expect(d.calls.filter((c) => c.startsWith('DescribeStacks'))).toHaveLength(4);
  });

  test('hands the check on to a fresh run when this run\'s time runs out first', async () => {
    const d = deps();
    d.failures.DescribeStacks = Array(100).fill(throttled);
    const decision = await decideEvent(event('Delete', { PhysicalResourceId: ARN }), d);
    expect(decision).toEqual({ kind: 'handoff', handoff: { waitStartedAt: Date.UTC(2026, 10, 23, 12, 0, 0), run: 2 } });
    expect(d.requests).toHaveLength(0);
  });

  test('fails once the wait runs out, saying the reads were throttled, touching nothing', async () => {
    const d = deps();
    d.failures.DescribeStacks = Array(100).fill(throttled);
    const decision = await decideEvent(withProperties(event('Delete', { PhysicalResourceId: ARN }), { MaxWaitSeconds: '50' }), d);
    expect(decision).toMatchObject({ status: 'FAILED', counts: 'FAILED_TEARDOWN' });
    expect((decision as { reason: string }).reason).toMatch(/^CloudFormation throttled every read of the stack until the wait \(maxWait\) ran out \(Throttling: Rate exceeded\)/);
    expect(d.tags[ARN]).toEqual({ [OWN_KEY]: claimValue(STACK_ID, 'Model') });
    expect(d.requests).toHaveLength(0);
  });
});
