import { MODEL_RESOURCE_TYPE } from './properties';
import { StackRead, StackResource } from './stack-api';

/**
 * Whether the stack means to end a model now, read from the stack itself rather than trusted from
 * the Delete event: anyone allowed to invoke the function can send it a Delete, and CloudFormation
 * sends Delete in rollbacks (an undo, which must leave the model as it was) and for renamed or
 * duplicated resources whose model another live resource still claims.
 */

/** How the stack is ending the model, which decides what a person can do if the teardown fails. */
export type TeardownPhase =
  /** delete-stack: a failed teardown leaves the stack DELETE_FAILED. */
  | 'STACK_DELETE'
  /** The cleanup phase of a successful update (resource removed or replaced): failures are ignored. */
  | 'UPDATE_CLEANUP';

/** What the stack means for the model. */
export type StackIntent =
  | { readonly tearDown: true; readonly phase: TeardownPhase }
  | { readonly tearDown: false; readonly reason: string };

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
export function stackIntent(stack: Extract<StackRead, { status: string }>, modelArn: string): StackIntent {
  const phase = TEARDOWN_PHASES[stack.status];
  if (!phase) {
    return {
      tearDown: false,
      reason: ROLLBACK.test(stack.status)
        ? `the stack is rolling back (${stack.status}), and a rollback leaves the model as it was`
        : `the stack is ${stack.status}, not being deleted or cleaning up after an update, so this Delete was not sent by the stack's own operation`,
    };
  }
  const claimant = stack.resources.find((resource) => claims(resource, modelArn));
  if (claimant) {
    return {
      tearDown: false,
      reason: `resource ${claimant.logicalResourceId} of the stack still claims it (${claimant.resourceStatus})`,
    };
  }
  return { tearDown: true, phase };
}

function claims(resource: StackResource, modelArn: string): boolean {
  // The type from the contract, not from the event, which a forged Delete could set to anything.
  return resource.resourceType === MODEL_RESOURCE_TYPE
    && resource.physicalResourceId === modelArn
    && !RELEASED.has(resource.resourceStatus);
}
