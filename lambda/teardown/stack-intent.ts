import { MODEL_RESOURCE_TYPE } from './properties';
import { StackEventSummary, StackResource } from './stack-api';
import { stackIntentReasons } from './teardown-reasons';

/**
 * Whether the stack means to end a model now, read from the stack itself rather than trusted from
 * the Delete event: anyone allowed to invoke the function can send it a Delete, and CloudFormation
 * sends Delete in rollbacks (an undo, which must leave the model as it was) and for renamed or
 * duplicated resources whose model another live resource still claims. A nested stack's own
 * status does not say whether its root is rolling back (a nested stack that a failed update
 * created is deleted with status DELETE_IN_PROGRESS), so the root's status decides too.
 */

/** How the stack is ending the model, which decides what a person can do if the teardown fails. */
export type TeardownPhase =
  /** delete-stack: a failed teardown leaves the stack DELETE_FAILED. */
  | 'STACK_DELETE'
  /** The cleanup phase of a successful update (resource removed or replaced): failures are ignored. */
  | 'UPDATE_CLEANUP';

/** What the stack means for the model. */
export type StackIntent =
  | { readonly kind: 'tearDown'; readonly phase: TeardownPhase }
  /** A rollback undoes the adoption: the resource drops its claim and leaves the model. */
  | { readonly kind: 'rollBack'; readonly reason: string }
  /** Another live resource of the stack claims the model: the resource drops its claim and leaves it. */
  | { readonly kind: 'claimedInStack'; readonly reason: string }
  /** Not the stack's own operation (a forged or stray Delete): touch nothing, claims included. */
  | { readonly kind: 'notOurs'; readonly reason: string };

/** The stack as read: its status and resources, and its root's status when it is nested. */
export interface StackState {
  readonly status: string;
  readonly resources: readonly StackResource[];
  /** The root stack's status, for a nested stack. */
  readonly rootStatus?: string;
}

/** Stack statuses in which a Delete means the stack is ending the model. */
const TEARDOWN_PHASES: Record<string, TeardownPhase> = {
  DELETE_IN_PROGRESS: 'STACK_DELETE',
  UPDATE_COMPLETE_CLEANUP_IN_PROGRESS: 'UPDATE_CLEANUP',
};

/** Stack statuses of a rollback: CloudFormation undoes an operation, and the model stays as it was. */
const ROLLBACK = /ROLLBACK/;

/**
 * Resource statuses of a resource that no longer claims its model: being deleted, deleted, or
 * failed to delete. A retained resource (`DELETE_SKIPPED`) still claims it: its owner keeps it.
 */
const RELEASED = new Set(['DELETE_IN_PROGRESS', 'DELETE_COMPLETE', 'DELETE_FAILED']);

/** Decides from the stack as read whether the model `modelArn` (the deleted resource's physical id) is to be torn down now. */
export function stackIntent(stack: StackState, modelArn: string): StackIntent {
  const rolling = [stack.status, stack.rootStatus].find((status) => status !== undefined && ROLLBACK.test(status));
  if (rolling) {
    return { kind: 'rollBack', reason: stackIntentReasons.rollBack(rolling !== stack.status, rolling) };
  }
  const phase = TEARDOWN_PHASES[stack.status];
  const rootPhase = stack.rootStatus === undefined ? phase : TEARDOWN_PHASES[stack.rootStatus];
  if (!phase || !rootPhase) {
    const statuses = stack.rootStatus === undefined ? stack.status : `${stack.status}, its root stack ${stack.rootStatus}`;
    return { kind: 'notOurs', reason: stackIntentReasons.notOurs(statuses) };
  }
  const claimant = stack.resources.find((resource) => claims(resource, modelArn));
  if (claimant) {
    return { kind: 'claimedInStack', reason: stackIntentReasons.claimedInStack(claimant.logicalResourceId, claimant.resourceStatus) };
  }
  return { kind: 'tearDown', phase: rootPhase };
}

/** A stack's own status changes among its events: LogicalResourceId is its name, its type a stack's. */
const STACK_TYPE = 'AWS::CloudFormation::Stack';
/** Statuses of a stack delete, which the search for what came before it passes over. */
const DELETING = new Set(['DELETE_IN_PROGRESS', 'DELETE_FAILED']);
/** Statuses of a create that never completed. */
const CREATE_NOT_COMPLETED = new Set(['CREATE_IN_PROGRESS', 'CREATE_FAILED']);

/**
 * What the stack's events (newest first, as many pages as read so far) say of the operation
 * before the delete now under way: `createFailed` when the stack never completed its create (a
 * create-stack with OnFailure DELETE, or one left CREATE_FAILED by DO_NOTHING, then deleted),
 * `completed` when it did, undefined when these events do not reach that far.
 */
export function beforeDelete(events: readonly StackEventSummary[], stackId: string): 'createFailed' | 'completed' | undefined {
  const own = events.filter((e) => e.resourceType === STACK_TYPE && e.physicalResourceId === stackId && !DELETING.has(e.resourceStatus));
  if (own.length === 0) {
    return undefined;
  }
  return CREATE_NOT_COMPLETED.has(own[0].resourceStatus) ? 'createFailed' : 'completed';
}

/** Whether `resource` is a live model resource of `modelArn` (not being deleted, nor deleted). */
export function claims(resource: StackResource, modelArn: string): boolean {
  // The type from the contract, not from the event, which a forged Delete could set to anything.
  return resource.resourceType === MODEL_RESOURCE_TYPE
    && resource.physicalResourceId === modelArn
    && !RELEASED.has(resource.resourceStatus);
}
