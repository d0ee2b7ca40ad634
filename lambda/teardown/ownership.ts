import { claimKey, claimValue, otherClaims } from './claims';
import { ErrorAnswer, ModelApi } from './model-api';
import { ModelVersion } from './properties';
import { Retried, RetryDeps, retrying } from './retrying';
import { StackApi, StackDescription, StackEventSummary, StackResource } from './stack-api';
import { beforeDelete, claims, StackIntent, stackIntent, TeardownPhase } from './stack-intent';
import { claimsUnreadableReason, ownershipReasons, ownStatusUnconfirmedReason, stackUnreadableReason } from './teardown-reasons';
import { Turns, turnsAmong, untilTurnMs } from './turns';

/**
 * Whether a Delete may end its model: the stack (and its root, when nested) must show that its own
 * operation ends it, and no other resource, in this stack or any other, may still claim it. The
 * claims are read in parallel with the stack, since a running model bills until its Stop. A read
 * that shows no claim but this resource's own is final: a claim can only come from another
 * resource's create or update, which a read a moment later could miss as well. So a teardown goes
 * on at once, its own claim still on the model, and the claim is released after the Stop
 * (event-decision.ts): releasing it first only served the case below, and queued every Stop behind
 * an UntagResource when many models go at once. A read that shows another claim is made again
 * after this resource removed its own, so that of two resources that leave at the same moment the
 * last always sees the other's claim gone, and tears down.
 */

/** What the check found. */
export type Ownership =
  /**
   * `tags`: the model's tags as last read (when the resource records claims and the model exists).
   * `ownClaimHeld`: this resource's claim is still on the model (the first read was final, and
   * showed it); whoever answers CloudFormation releases it, unless the model is gone by then.
   * `turns`: the model's turns among those its stack deletes at once (turns.ts), as the last read of
   * the stack showed them; `turnTaken`: whether a throttled claim call already waited for its turn.
   */
  | {
    readonly kind: 'tearDown';
    readonly phase: TeardownPhase;
    readonly tags?: Readonly<Record<string, string>>;
    readonly ownClaimHeld?: boolean;
    readonly turns?: Turns;
    readonly turnTaken?: boolean;
  }
  /** The model stays as it is (rollback, forged Delete, another claim). */
  | { readonly kind: 'leave'; readonly reason: string }
  /** A read failed for good (denied, or throttled until the wait ran out): nothing was changed but the resource's own claim. */
  | { readonly kind: 'failed'; readonly reason: string }
  /** This run ran out of time while throttled: a fresh run checks again. */
  | { readonly kind: 'outOfRunTime' };

/** The Delete whose ownership is checked. */
export interface OwnershipRequest {
  readonly model: ModelVersion;
  readonly stackId: string;
  readonly logicalId: string;
  /** Whether the resource recorded a claim (and may call the tag actions). */
  readonly recordsClaim: boolean;
  /** The overall wait ends then (epoch ms). */
  readonly waitDeadline: number;
  /** This run must have decided by then (epoch ms). */
  readonly runDeadline: number;
}

/** How the check reaches CloudFormation and Rekognition. */
export interface OwnershipDeps extends RetryDeps {
  readonly stacks: StackApi;
  readonly models: ModelApi;
}

export async function checkOwnership(request: OwnershipRequest, deps: OwnershipDeps): Promise<Ownership> {
  const { model, stackId } = request;
  const deadline = Math.min(request.waitDeadline, request.runDeadline);
  const unanswered = (what: string, retried: Extract<Retried<object>, { outOfTime: ErrorAnswer }>): Ownership =>
    // Out of this run's time before the wait's: a fresh run may still get an answer.
    request.runDeadline < request.waitDeadline
      ? { kind: 'outOfRunTime' }
      : { kind: 'failed', reason: what === 'claims' ? claimsUnreadableReason(model, retried.outOfTime, retried.throttled) : stackUnreadableReason(model, retried.outOfTime, retried.throttled) };
  const readStack = (operation: string, call: () => Promise<StackDescription | ErrorAnswer>) =>
    retrying(operation, call, deps, deadline, deps.stacks.maxCallMs);

  const ownKey = claimKey(stackId, request.logicalId);
  // The first throttled claim call waits for the model's turn, once, when the stack's resources
  // (read in parallel) show that it deletes several models at once.
  let turns: Turns | undefined;
  let turnTaken = false;
  const turnWait = () => {
    if (turnTaken || turns === undefined) return undefined;
    turnTaken = true;
    return untilTurnMs(turns, deps.pacing.turnMs, deps.now());
  };
  const claimCall = <T extends object>(operation: string, call: () => Promise<T | ErrorAnswer>) =>
    retrying(operation, call, deps, deadline, deps.models.maxCallMs, turnWait);
  const listClaims = () => claimCall('ListTagsForResource', () => deps.models.listTagsForResource(model.arn));
  // Independent reads in parallel: the Stop of a running model waits for them. A resource from
  // before claims may not call the tag actions.
  const claimsBeforeRelease = request.recordsClaim ? listClaims() : undefined;
  const [own, resources] = await Promise.all([
    readStack('DescribeStacks', () => deps.stacks.describeStack(stackId)),
    listResources(stackId, deps, deadline),
  ]);
  for (const read of [own, resources]) {
    if ('outOfTime' in read) return unanswered('stack', read);
    if ('error' in read.answered) return { kind: 'failed', reason: stackUnreadableReason(model, read.answered, false) };
  }
  const stack = (own as { answered: StackDescription }).answered;
  let rootStatus: string | undefined;
  if (stack.rootId !== undefined && stack.rootId !== stack.stackId) {
    const root = await readStack('DescribeStacks', () => deps.stacks.describeStack(stack.rootId!));
    if ('outOfTime' in root) return unanswered('stack', root);
    if ('error' in root.answered) return { kind: 'failed', reason: stackUnreadableReason(model, root.answered, false) };
    rootStatus = root.answered.status;
  }

  let stackResources = (resources as { answered: { resources: StackResource[] } }).answered.resources;
  turns = turnsAmong(stackResources, request.logicalId);
  let intent: StackIntent = stackIntent({ status: stack.status, resources: stackResources, rootStatus }, model.arn);
  // CloudFormation promises no order between a resource's status and the request it sends: a read
  // may still show this resource live. Read again, within a bound, until it shows the delete.
  const confirmFrom = deps.now();
  // The last read starts by the end of the wait, and ends within the run.
  const confirmBound = Math.min(request.waitDeadline, request.runDeadline - deps.stacks.maxCallMs, confirmFrom + OWN_STATUS_CONFIRM_MS);
  for (let pause = OWN_STATUS_FIRST_PAUSE_MS; intent.kind === 'claimedInStack'; pause = Math.min(2 * pause, OWN_STATUS_MAX_PAUSE_MS)) {
    const self = stackResources.find((r) => r.logicalResourceId === request.logicalId && claims(r, model.arn));
    if (!self) {
      break;
    }
    if (deps.now() + pause > confirmBound) {
      if (request.runDeadline - deps.stacks.maxCallMs < Math.min(request.waitDeadline, confirmFrom + OWN_STATUS_CONFIRM_MS)) {
        return { kind: 'outOfRunTime' };
      }
      return { kind: 'failed', reason: ownStatusUnconfirmedReason(model, request.logicalId, self.resourceStatus, deps.now() - confirmFrom) };
    }
    deps.log({ message: 'own status not yet deleting', model: model.arn, status: self.resourceStatus, pauseMs: pause });
    await deps.sleep(pause);
    const again = await listResources(stackId, deps, deadline);
    if ('outOfTime' in again) return unanswered('stack', again);
    if ('error' in again.answered) return { kind: 'failed', reason: stackUnreadableReason(model, again.answered, false) };
    stackResources = again.answered.resources;
    turns = turnsAmong(stackResources, request.logicalId);
    intent = stackIntent({ status: stack.status, resources: stackResources, rootStatus }, model.arn);
  }
  if (intent.kind === 'tearDown' && intent.phase === 'STACK_DELETE') {
    // A create-stack with OnFailure DELETE deletes the stack instead of rolling it back: the
    // top-level stack's events tell whether it ever completed its create.
    const top = stack.rootId ?? stack.stackId;
    const before = await readBeforeDelete(top, deps, deadline);
    if ('outOfTime' in before) return unanswered('stack', before);
    if ('error' in before.answered) return { kind: 'failed', reason: stackUnreadableReason(model, before.answered, false) };
    if (before.answered.before === 'createFailed') {
      intent = { kind: 'rollBack', reason: ownershipReasons.createFailed(top !== stack.stackId) };
    }
  }
  if (intent.kind === 'notOurs') {
    // Not the stack's own operation: even its claim stays, since the resource lives on.
    return { kind: 'leave', reason: intent.reason };
  }
  type TearDown = Extract<Ownership, { kind: 'tearDown' }>;
  const tearDown = (found: Extract<StackIntent, { kind: 'tearDown' }>, claimsRead: Pick<TearDown, 'tags' | 'ownClaimHeld'> = {}): TearDown =>
    ({ ...found, ...claimsRead, turns, turnTaken });
  if (!request.recordsClaim) {
    // A resource of a version before claims: the stack alone decides, as it did then.
    return intent.kind === 'tearDown' ? tearDown(intent) : { kind: 'leave', reason: intent.reason };
  }

  if (intent.kind === 'tearDown') {
    const first = await claimsBeforeRelease!;
    if ('answered' in first && gone(first.answered)) return tearDown(intent);
    if ('answered' in first && 'tags' in first.answered && otherClaims(first.answered.tags, ownKey).length === 0) {
      // Final (see the top of this file): the Stop need not wait for the release.
      return tearDown(intent, { tags: first.answered.tags, ownClaimHeld: ownKey in first.answered.tags });
    }
  }
  const released = await claimCall('UntagResource', () => deps.models.untagResource(model.arn, [ownKey]));
  if (intent.kind !== 'tearDown') {
    // Leaving the model never fails, so that a rollback completes: a claim left behind only keeps
    // the model from a later teardown, and docs/ownership.md says how to release it by hand.
    const kept = 'outOfTime' in released ? released.outOfTime : 'error' in released.answered && !gone(released.answered) ? released.answered : undefined;
    return { kind: 'leave', reason: ownershipReasons.released(intent.reason, ownKey, kept?.error) };
  }
  if ('outOfTime' in released) return unanswered('claims', released);
  if (gone(released.answered)) return tearDown(intent);
  if ('error' in released.answered) return { kind: 'failed', reason: claimsUnreadableReason(model, released.answered, false) };

  const listed = await listClaims();
  if ('outOfTime' in listed) return unanswered('claims', listed);
  if (gone(listed.answered)) return tearDown(intent);
  if ('error' in listed.answered) return { kind: 'failed', reason: claimsUnreadableReason(model, listed.answered, false) };
  const others = otherClaims(listed.answered.tags, ownKey);
  if (others.length > 0) {
    return { kind: 'leave', reason: ownershipReasons.otherClaims(others) };
  }
  return tearDown(intent, { tags: listed.answered.tags });
}

/** How long a Delete reads its own resource again until it shows DELETE_IN_PROGRESS, and the pauses between reads. */
const OWN_STATUS_CONFIRM_MS = 60_000;
const OWN_STATUS_FIRST_PAUSE_MS = 500;
const OWN_STATUS_MAX_PAUSE_MS = 8_000;

/** A model that no longer exists: the teardown finds it gone and says so. */
function gone(answer: object): boolean {
  return 'error' in answer && (answer as ErrorAnswer).error === 'ResourceNotFoundException';
}

/**
 * The most event pages read to find the operation before the delete (100 events a page): a stack
 * holds at most 500 resources, so a failed create and its delete make at most about 2,000 events.
 */
const MAX_EVENT_PAGES = 25;

/** What the top-level stack's events say came before its delete, reading pages (each retried) until they tell. */
async function readBeforeDelete(stackId: string, deps: OwnershipDeps, deadline: number): Promise<Retried<{ before?: 'createFailed' | 'completed' }>> {
  const events: StackEventSummary[] = [];
  let nextToken: string | undefined;
  for (let pages = 0; pages < MAX_EVENT_PAGES; pages++) {
    const page = await retrying('DescribeStackEvents', () => deps.stacks.describeStackEvents(stackId, nextToken), deps, deadline, deps.stacks.maxCallMs);
    if ('outOfTime' in page || 'error' in page.answered) {
      return page as Retried<{ before?: 'createFailed' | 'completed' }>;
    }
    events.push(...page.answered.events);
    const before = beforeDelete(events, stackId);
    nextToken = page.answered.nextToken;
    if (before !== undefined || !nextToken) {
      return { answered: { before } };
    }
  }
  // More events than a failed create and its delete can make: the stack lived on after its create.
  return { answered: { before: 'completed' } };
}

/** Every page of the stack's resources, each page retried. */
async function listResources(stackId: string, deps: OwnershipDeps, deadline: number): Promise<Retried<{ resources: StackResource[] }>> {
  const resources: StackResource[] = [];
  let nextToken: string | undefined;
  do {
    const page = await retrying('ListStackResources', () => deps.stacks.listStackResources(stackId, nextToken), deps, deadline, deps.stacks.maxCallMs);
    if ('outOfTime' in page || 'error' in page.answered) {
      return page as Retried<{ resources: StackResource[] }>;
    }
    resources.push(...page.answered.resources);
    nextToken = page.answered.nextToken;
  } while (nextToken);
  return { answered: { resources } };
}

/** Records the claim of resource `logicalId` of stack `stackId` on the model: the answer, retried while transient. */
export function recordClaim(model: ModelVersion, stackId: string, logicalId: string, deps: RetryDeps & { models: ModelApi }, deadline: number) {
  const tags = { [claimKey(stackId, logicalId)]: claimValue(stackId, logicalId) };
  return retrying('TagResource', () => deps.models.tagResource(model.arn, tags), deps, deadline, deps.models.maxCallMs);
}
