import { NO_SUCH_HOST } from './model-api';
import type { ModelVersion, TeardownAction } from './properties';
import type { TeardownPhase } from './stack-intent';

/**
 * The words CloudFormation shows a person when a teardown fails: what happened to which model, what
 * to run to finish the model by hand, and what works for the stack now. After a failed delete
 * CloudFormation deletes the teardown function too, so "delete the stack again" cannot reach it:
 * the advice is the AWS CLI commands that do. Kept short so the whole response stays under 4096
 * bytes.
 */

const MAX_SERVICE_MESSAGE = 200;

/** "1h 2m 3s", "14m 0s", "7s". */
export function humanDuration(ms: number): string {
  const total = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  return h > 0 ? `${h}h ${m}m ${s}s` : m > 0 ? `${m}m ${s}s` : `${s}s`;
}

function describeState(state: string): string {
  if (state === 'BUSY') {
    return 'in use (running, starting, stopping, training, copying or deleting)';
  }
  return state === 'UNKNOWN' ? 'not answering (throttled or unavailable)' : state;
}

/** The overall wait ran out. */
export function timeoutReason(model: ModelVersion, state: string, elapsedMs: number): string {
  return `Model ${model.name} was still ${describeState(state)} after ${humanDuration(elapsedMs)}, the longest wait allowed (maxWait).`;
}

/** Rekognition refused a call in a way that waiting will not change. */
export function failureReason(model: ModelVersion, operation: string, answer: { error: string; message: string; code?: string }): string {
  const said = `${answer.error}: ${answer.message.slice(0, MAX_SERVICE_MESSAGE)}`;
  if (answer.code === NO_SUCH_HOST) {
    return `Rekognition has no endpoint in region ${model.region} (${said}); check the region in ProjectVersionArn.`;
  }
  return answer.error === 'AccessDeniedException'
    ? `Rekognition denied ${operation} on model ${model.name} (${said}); allow rekognition:${operation} on the model for the teardown role (check SCPs and permission boundaries).`
    : `Rekognition refused ${operation} on model ${model.name} (${said}).`;
}

/** What to run to finish the model by hand, from the last state the teardown saw. */
export function modelAdvice(model: ModelVersion, action: TeardownAction, state: string): string {
  const region = `--region ${model.region}`;
  const stop = `\`aws rekognition stop-project-version --project-version-arn ${model.arn} ${region}\``;
  const remove = `\`aws rekognition delete-project-version --project-version-arn ${model.arn} ${region}\``;
  const left = 'The model was left as it is:';
  if (state === 'DELETING') {
    return `${left} it is being deleted, so nothing more is needed for it.`;
  }
  if (action === 'STOP') {
    return state === 'STOPPING' ? `${left} it is stopping, so nothing more is needed for it.` : `${left} stop it with ${stop}.`;
  }
  switch (state) {
    case 'TRAINING_IN_PROGRESS':
    case 'COPYING_IN_PROGRESS':
      return `${left} once ${state === 'TRAINING_IN_PROGRESS' ? 'training' : 'the copy'} ends, delete it with ${remove}.`;
    case 'STOPPING':
      return `${left} once it is STOPPED, delete it with ${remove}.`;
    default:
      return `${left} stop it with ${stop} if it runs and, once it is STOPPED, delete it with ${remove}.`;
  }
}

/** What works for the stack now that the teardown failed. */
export function stackAdvice(phase: TeardownPhase | undefined, stackId: string, logicalResourceId: string): string {
  const retain = `\`aws cloudformation delete-stack --stack-name ${stackName(stackId)} --retain-resources ${logicalResourceId}\``;
  switch (phase) {
    case 'UPDATE_CLEANUP':
      return 'CloudFormation ignores this failure: the update completes, and the model stays until you end it.';
    case 'STACK_DELETE':
      return `Then finish deleting the stack with ${retain}: CloudFormation deletes the teardown function after this failure, so deleting the stack again without retaining ${logicalResourceId} fails.`;
    default:
      return `If the stack is being deleted, finish with ${retain}.`;
  }
}

/** The stack's name, from its ARN (`arn:aws:cloudformation:region:account:stack/NAME/id`). */
function stackName(stackId: string): string {
  return stackId.split(':')[5]?.split('/')[1] ?? stackId;
}

/** Why the stack could not be read to confirm the Delete; `throttled` when retries ran out on throttling. */
export function stackUnreadableReason(model: ModelVersion, answer: { error: string; message: string }, throttled: boolean): string {
  const said = `${answer.error}: ${answer.message.slice(0, MAX_SERVICE_MESSAGE)}`;
  if (throttled) {
    return `CloudFormation throttled every read of the stack until the wait (maxWait) ran out (${said}), so it could not be confirmed that the stack means to end model ${model.name}.`;
  }
  const denied = /AccessDenied/.test(answer.error);
  return `Could not read the stack to confirm that it means to end model ${model.name} (${said})${denied ? '; allow cloudformation:DescribeStacks, cloudformation:ListStackResources and cloudformation:DescribeStackEvents on the stack (and DescribeStacks and DescribeStackEvents on its root stack) for the teardown role (check SCPs)' : ''}.`;
}

/**
 * Why the Delete left the model: the stack still showed the resource itself live (not being
 * deleted) after reading again for `waitedMs`, so it could not be confirmed that the stack is
 * deleting it now (a read that lags the request, or a Delete the stack did not send).
 */
export function ownStatusUnconfirmedReason(model: ModelVersion, logicalId: string, status: string, waitedMs: number): string {
  return `The stack still showed this resource (${logicalId.slice(0, 255)}) as ${status.slice(0, 40)}, not DELETE_IN_PROGRESS, after reading it again for ${humanDuration(waitedMs)}, so it could not be confirmed that the stack is deleting model ${model.name} now; the model was left as it is.`;
}

/** Why the model's claims could not be read or released; `throttled` when retries ran out on throttling. */
export function claimsUnreadableReason(model: ModelVersion, answer: { error: string; message: string }, throttled: boolean): string {
  const said = `${answer.error}: ${answer.message.slice(0, MAX_SERVICE_MESSAGE)}`;
  if (throttled) {
    return `Rekognition throttled the reads of model ${model.name}'s ownership claims until the wait (maxWait) ran out (${said}), so it could not be confirmed that no other stack claims it.`;
  }
  const denied = /AccessDenied/.test(answer.error);
  return `Could not read or release the ownership claims on model ${model.name} (${said})${denied ? '; allow rekognition:TagResource, rekognition:UntagResource and rekognition:ListTagsForResource on the model for the teardown role (check SCPs and permission boundaries)' : ''}.`;
}

/** Why a Create or Update could not record its claim on the model. */
export function claimNotRecordedReason(model: ModelVersion, answer: { error: string; message: string }, throttled: boolean): string {
  const said = `${answer.error}: ${answer.message.slice(0, MAX_SERVICE_MESSAGE)}`;
  if (answer.error === 'ResourceNotFoundException') {
    return `Model ${model.name} does not exist (${said}); check ProjectVersionArn (region, project, version name and number). No model was touched.`;
  }
  if (throttled) {
    return `Rekognition throttled every attempt to record this stack's claim on model ${model.name} (${said}); deploy again later. No model was touched.`;
  }
  const denied = /AccessDenied/.test(answer.error);
  return `Could not record this stack's claim on model ${model.name} (${said})${denied ? '; allow rekognition:TagResource on the model for the teardown role (check SCPs and permission boundaries)' : ''}. No model was touched.`;
}

/**
 * Why a STOP teardown that stopped the model answers FAILED: the claim it still held could not be
 * released after the Stop (`event-decision.ts`), and a claim left behind keeps every other claimant
 * from ending the model.
 */
export function claimKeptAfterStopReason(model: ModelVersion, key: string, answer: { error: string; message: string }, phase: TeardownPhase): string {
  const said = `${answer.error}: ${answer.message.slice(0, MAX_SERVICE_MESSAGE)}`;
  const untag = `\`aws rekognition untag-resource --resource-arn ${model.arn} --tag-keys ${key} --region ${model.region}\``;
  const retried = phase === 'UPDATE_CLEANUP' ? ', or let CloudFormation\'s next attempt of this Delete release it' : '';
  return `Model ${model.name} was stopped, but this resource's claim ${key} on it could not be released (${said}); while it stays, no other stack's teardown ends the model. Release it with ${untag} (see docs/ownership.md)${retried}.`;
}

/** The sentence a failed teardown's reason ends with when the claim it still held could not be released either. */
export function claimKeptAfterFailureReason(key: string, error: string): string {
  return `This resource's claim ${key} on the model could not be released either (${error}); docs/ownership.md says how to release it by hand.`;
}

/** A later attempt of a cleanup Delete whose teardown failed: answered at once (`cleanup-retries.ts`). */
export function cleanupRetryReason(model: ModelVersion, sinceFailureMs: number, attempt: number): string {
  return `An earlier attempt of this cleanup Delete could not tear down model ${model.name} ${humanDuration(sinceFailureMs)} ago; this attempt (${attempt} of the 3 CloudFormation makes before it drops the resource) answers at once rather than wait again.`;
}

/** An event of another stack than the function's own. */
export function otherStackReason(ownStackId: string, eventStackId: unknown): string {
  return `This teardown function serves only the resources of stack ${ownStackId}, not of ${String(eventStackId).slice(0, 300)}. No model was touched.`;
}

/** A property the construct writes, with a value the handler cannot use. */
export const propertyReasons = {
  arn: (form: string, got: unknown) =>
    `ProjectVersionArn must be a Rekognition Custom Labels model version ARN of the form ${form}; got '${String(got).slice(0, 300)}'.`,
  action: (actions: readonly string[], got: unknown) => `TeardownAction must be ${actions.join(' or ')}; got '${String(got).slice(0, 100)}'.`,
  maxWait: (min: number, max: number, got: unknown) => `MaxWaitSeconds must be a number from ${min} to ${max}; got '${String(got).slice(0, 100)}'.`,
};

/** The model is in another account or partition than the function. */
export function otherAccountReason(model: ModelVersion, account: string | undefined, partition: string | undefined): string {
  return `ProjectVersionArn names model ${model.name} in account ${model.account} (partition ${model.partition}), but the teardown function runs in account ${account} (partition ${partition}); a stack can only tear down models of its own account and partition. Deploy the construct in a stack of account ${model.account}. No model was touched.`;
}

/** An Update changed the ARN while the old model's grant was updated in place. */
export function grantUpdatedInPlaceReason(previous: ModelVersion, model: ModelVersion): string {
  return `ProjectVersionArn changed from ${previous.name} to ${model.name}, but the old model's teardown permission was updated in place (the ARN is not known at synth, or the resource predates per-ARN policies), so the old model could not be torn down. Nothing was changed. To replace the model, give the construct a new id (the old resource then tears the old model down), or remove the construct in one deploy and add it back in the next; to promote models through an SSM parameter, read it at synth with StringParameter.valueFromLookup, so that the ARN is a literal and a new one replaces the model.`;
}

/** The SUCCESS reasons of a Create or Update. */
export const adoptReasons = {
  gone: (model: ModelVersion) => `Model ${model.name} no longer exists; nothing to claim or tear down.`,
  replaces: (model: ModelVersion, previous: ModelVersion) => `Model ${model.name} replaces ${previous.name}, which is torn down in the cleanup phase.`,
  adopted: (model: ModelVersion) => `Model ${model.name} will be torn down when the stack deletes this resource and no other stack claims it.`,
};

/** The reasons of a Delete that tears nothing down, or that ends. */
export const deleteReasons = {
  nothingAdopted: 'No model was adopted by this resource; nothing to tear down.',
  left: (model: ModelVersion, why: string) => `Model ${model.name} was left as it is: ${why}.`,
  done: (model: ModelVersion, summary: string, elapsedMs: number) => `Model ${model.name}: ${summary} (after ${humanDuration(elapsedMs)}).`,
  noTimeToCall: (model: ModelVersion) =>
    `The teardown function had no time left to call Rekognition for model ${model.name}: its timeout was lowered below what one call needs.`,
};

/** Why a Delete leaves the model, from the stack as read (`stack-intent.ts`). */
export const stackIntentReasons = {
  rollBack: (ofRoot: boolean, status: string) => `${ofRoot ? 'its root stack' : 'the stack'} is rolling back (${status}), and a rollback leaves the model as it was`,
  notOurs: (statuses: string) =>
    `the stack is ${statuses}, not being deleted or cleaning up after an update, so this Delete was not sent by the stack's own operation`,
  claimedInStack: (logicalId: string, status: string) => `resource ${logicalId} of the stack still claims it (${status})`,
};

/** Why a Delete leaves the model, from the claims and the stack's events (`ownership.ts`). */
export const ownershipReasons = {
  createFailed: (ofRoot: boolean) =>
    `${ofRoot ? 'its root stack' : 'the stack'} is being deleted because its create failed (OnFailure DELETE), and a failed create leaves the model as it was`,
  released: (why: string, ownKey: string, keptError: string | undefined) =>
    `${why}; ${keptError ? `this resource's claim ${ownKey} could not be released (${keptError})` : 'this resource\'s claim on it was released'}`,
  otherClaims: (others: readonly string[]) =>
    `${others.length === 1 ? 'another resource claims it' : `${others.length} other resources claim it`} (${others.slice(0, 3).join('; ')}); this resource's claim was released, and the last claimant to leave tears it down`,
};

/** What a finished teardown did (`teardown-step.ts`), for the Delete's SUCCESS reason. */
export const doneSummaries = {
  deleted: 'the model is deleted',
  gone: 'the model no longer exists',
  notRunning: (statusOrError: string) => `the model is not running (${statusOrError})`,
};

/** The entry point's own failures (`index.ts`). */
export const runReasons = {
  unexpected: (error: string) => `The teardown failed unexpectedly (${error}); see the function's log, and please report it.`,
  notHandedOn: (error: string) =>
    `The wait could not be handed on to a new run of the teardown function (${error}); the model may still be stopping or deleting.`,
};
