import { ResponseStatus } from './cfn-response';
import { claimKey } from './claims';
import { CLEANUP_DELETE_ATTEMPTS, CleanupFailure, cleanupFailureKey, cleanupFailureValue, readCleanupFailure } from './cleanup-retries';
import { Handoff, nextHandoff } from './handoff';
import { ErrorAnswer, ModelApi, TagAnswer } from './model-api';
import { checkOwnership, recordClaim } from './ownership';
import { ModelProperties, ModelVersion } from './properties';
import type { AdoptRequest, DeleteRequest, Request } from './request';
import { lastAnswer, retrying, RetryDeps } from './retrying';
import { StackApi } from './stack-api';
import { TeardownPhase } from './stack-intent';
import { TeardownOutcome, TeardownProgress, TeardownRequest } from './teardown';
import {
  adoptReasons,
  claimKeptAfterFailureReason,
  claimKeptAfterStopReason,
  claimNotRecordedReason,
  cleanupRetryReason,
  deleteReasons,
  doneSummaries,
  grantUpdatedInPlaceReason,
  modelAdvice,
  otherAccountReason,
  stackAdvice,
} from './teardown-reasons';

/**
 * What a CloudFormation event means for the model: Create and Update adopt a model ARN, recording
 * the resource's claim on the model, and touch nothing else; Delete tears down the model named by
 * the physical id, but only when the stack itself shows that it means to end it now and no other
 * resource still claims it.
 */

/** The answer to CloudFormation. */
export interface Response {
  readonly kind: 'respond';
  readonly status: ResponseStatus;
  readonly physicalResourceId: string;
  readonly reason: string;
  /** What the answer counts in the teardown metrics: a model torn down, a failed teardown, or nothing. */
  readonly counts?: 'TORN_DOWN' | 'FAILED_TEARDOWN';
}

/**
 * Another delivery of the same event has already answered CloudFormation (Lambda may deliver an
 * asynchronous event twice): this run neither answers nor counts.
 */
export interface AlreadyAnswered {
  readonly kind: 'alreadyAnswered';
  /** What showed it, for the log. */
  readonly seen: string;
}

/** What the run does next: answer, hand the wait on to a fresh run, or stay silent after another delivery answered. */
export type Decision = Response | { readonly kind: 'handoff'; readonly handoff: Handoff } | AlreadyAnswered;

/** What deciding needs from the run. */
export interface DecisionDeps extends RetryDeps {
  /** This run must have decided by then (epoch ms). */
  readonly runDeadline: number;
  /** The ARN of this function: its account and partition are the only ones it can tear down in. */
  readonly functionArn: string;
  /** CloudFormation's reads, in a region. */
  readonly stacks: (region: string) => Promise<StackApi>;
  /** Rekognition's model calls, in a region. */
  readonly models: (region: string) => ModelApi;
  readonly tearDown: (request: TeardownRequest) => Promise<TeardownOutcome>;
}

/** Decides the answer to one request (or that the wait is handed on); tears the model down on Delete. */
export async function decide(request: Request, deps: DecisionDeps): Promise<Decision> {
  switch (request.kind) {
    case 'nothingToDelete':
      // Never issued by a successful Create (a rollback after a failed one): nothing to tear down.
      return respond('SUCCESS', request.physicalResourceId, deleteReasons.nothingAdopted);
    case 'delete':
      return decideDelete(request, deps);
    case 'adopt':
      return decideAdopt(request, deps);
  }
}

async function decideAdopt(request: AdoptRequest, deps: DecisionDeps): Promise<Decision> {
  const { properties, previous } = request;
  const failed = (reason: string) => respond('FAILED', request.failedId, reason);
  const model = properties.model;
  const elsewhere = otherAccountOrPartition(model, deps.functionArn);
  if (elsewhere) {
    return failed(elsewhere);
  }
  const replaces = previous !== undefined && previous.arn !== model.arn;
  if (replaces && !grantOutlivesUpdate(request.oldProperties, properties)) {
    return failed(grantUpdatedInPlaceReason(previous, model));
  }
  if (properties.recordsClaim) {
    const modelDeps = { ...deps, models: deps.models(model.region) };
    const claimed = await recordClaim(model, request.stackId, request.logicalId, modelDeps, deps.runDeadline);
    const answer = lastAnswer(claimed);
    if ('error' in answer) {
      // The model of an unchanged ARN may have been deleted by hand: nothing left to claim, nothing to refuse.
      if (previous?.arn === model.arn && answer.error === 'ResourceNotFoundException') {
        return respond('SUCCESS', model.arn, adoptReasons.gone(model));
      }
      return failed(claimNotRecordedReason(model, answer, 'outOfTime' in claimed && claimed.throttled));
    }
  }
  if (replaces) {
    // A new ARN becomes the physical id; CloudFormation then deletes the old resource in its cleanup.
    return respond('SUCCESS', model.arn, adoptReasons.replaces(model, previous));
  }
  return respond('SUCCESS', model.arn, adoptReasons.adopted(model));
}

/** The old model's grant survives until the cleanup phase only when it is another policy resource. */
function grantOutlivesUpdate(oldProperties: ModelProperties | undefined, properties: ModelProperties): boolean {
  const oldPolicy = oldProperties?.teardownPolicyLogicalId;
  return oldPolicy !== undefined && oldPolicy !== properties.teardownPolicyLogicalId;
}

/** Why the function cannot own this model: another account or partition than its own. */
function otherAccountOrPartition(model: ModelVersion, functionArn: string): string | undefined {
  const [, partition, , , account] = functionArn.split(':');
  if (model.account !== account || model.partition !== partition) {
    return otherAccountReason(model, account, partition);
  }
  return undefined;
}

async function decideDelete(request: DeleteRequest, deps: DecisionDeps): Promise<Decision> {
  const { properties, handoff, stackId, logicalId } = request;
  const { model, action } = properties;
  const arn = model.arn;
  const advice = (state: string, phase?: TeardownPhase) =>
    `${modelAdvice(model, action, state)} ${stackAdvice(phase, stackId, logicalId)}`;

  const waitStartedAt = handoff?.waitStartedAt ?? request.sentAt;
  const waitDeadline = waitStartedAt + properties.maxWaitMs;
  const handOn = (progress?: TeardownProgress): Decision =>
    ({ kind: 'handoff', handoff: nextHandoff(handoff, waitStartedAt, progress) });

  const stacks = await deps.stacks(stackId.split(':')[3]);
  const ownership = await checkOwnership({
    model,
    stackId,
    logicalId,
    recordsClaim: properties.recordsClaim,
    waitDeadline,
    runDeadline: deps.runDeadline,
  }, { ...deps, stacks, models: deps.models(model.region) });
  switch (ownership.kind) {
    case 'leave':
      return respond('SUCCESS', arn, deleteReasons.left(model, ownership.reason));
    case 'failed': {
      // A hand-off's earlier run read the stack: unreadable now, it may have been answered by a twin.
      const answered = handoff ? await answeredByAnotherDelivery(request, stacks, deps) : undefined;
      return answered ?? respond('FAILED', arn, `${ownership.reason} ${advice('UNKNOWN')}`, 'FAILED_TEARDOWN');
    }
    case 'outOfRunTime':
      return handOn(handoff?.progress);
  }
  const markKey = cleanupFailureKey(stackId, logicalId);
  const mark = (failure: CleanupFailure) => markCleanupFailure(model, markKey, failure, deps);
  // A check whose first read of the claims was final left this resource's claim on the model, so
  // that the Stop waited for no release: every answer but a SUCCESS with the model gone (its tags
  // went with it) releases it now. A hand-off keeps it for the next run.
  const ownKey = claimKey(stackId, logicalId);
  const releaseHeldClaim = async () => (ownership.ownClaimHeld ? removeTag(model, ownKey, 'claim not released', deps) : undefined);
  const failed = async (reason: string, counts?: Response['counts']): Promise<Response> => {
    const kept = await releaseHeldClaim();
    return respond('FAILED', arn, kept ? `${reason} ${claimKeptAfterFailureReason(ownKey, kept.error)}` : reason, counts);
  };
  const earlier = ownership.phase === 'UPDATE_CLEANUP' ? readCleanupFailure(ownership.tags, markKey, deps.now()) : undefined;
  if (earlier) {
    // A later attempt of a cleanup Delete that failed: answer at once, touching no model, counted once.
    const attempt = earlier.attempt + 1;
    await (attempt >= CLEANUP_DELETE_ATTEMPTS ? removeTag(model, markKey, 'cleanup failure mark not removed', deps) : mark({ ...earlier, attempt }));
    return failed(`${cleanupRetryReason(model, deps.now() - earlier.failedAt, attempt)} ${advice(earlier.state, ownership.phase)}`);
  }
  const failedTeardown = async (reason: string, lastState: string): Promise<Response> => {
    if (ownership.phase === 'UPDATE_CLEANUP' && properties.recordsClaim) {
      await mark({ failedAt: deps.now(), attempt: 1, state: lastState });
    }
    return failed(`${reason} ${advice(lastState, ownership.phase)}`, 'FAILED_TEARDOWN');
  };

  let outcome: TeardownOutcome;
  try {
    outcome = await deps.tearDown({
      model,
      action,
      waitStartedAt,
      waitDeadline,
      runDeadline: deps.runDeadline,
      progress: handoff?.progress,
      turns: ownership.turns,
      turnTaken: ownership.turnTaken,
    });
  } catch (err) {
    // An unexpected failure is answered FAILED (index.ts): the held claim goes, as with any other failure.
    await releaseHeldClaim();
    throw err;
  }
  if (outcome.result !== 'CONTINUE') {
    const answered = await answeredByAnotherDelivery(request, stacks, deps);
    if (answered) {
      return answered;
    }
  }
  switch (outcome.result) {
    case 'DONE': {
      const modelGone = action === 'DELETE' || outcome.summary === doneSummaries.gone;
      const kept = modelGone ? undefined : await releaseHeldClaim();
      if (kept) {
        return respond('FAILED', arn, `${claimKeptAfterStopReason(model, ownKey, kept, ownership.phase)} ${stackAdvice(ownership.phase, stackId, logicalId)}`, 'FAILED_TEARDOWN');
      }
      return respond('SUCCESS', arn, deleteReasons.done(model, outcome.summary, deps.now() - waitStartedAt),
        outcome.tornDown ? 'TORN_DOWN' : undefined);
    }
    case 'FAILED':
      return failedTeardown(outcome.reason, outcome.lastState);
    case 'CONTINUE':
      if (outcome.calls === 0) {
        return failedTeardown(deleteReasons.noTimeToCall(model), outcome.lastState);
      }
      return handOn(outcome.progress);
  }
}

/**
 * Whether another delivery of this Delete has already answered CloudFormation. Lambda may deliver
 * an asynchronous event (CloudFormation's request, or this function's hand-off) twice
 * (https://docs.aws.amazon.com/lambda/latest/dg/invocation-async.html); CloudFormation acts on the
 * first answer, marks the resource DELETE_COMPLETE (or DELETE_FAILED) and goes on to delete what
 * it depended on, the teardown grant among them, so that a late twin would answer a conflicting
 * FAILED (AccessDenied) and count a second teardown. The run read the stack at its start: if the
 * resource is no longer DELETE_IN_PROGRESS, or the stack can no longer be read (the grant or the
 * role is gone), the request was answered. Any other answer (throttled, a network failure), and an
 * update's cleanup (whose old resource is not listed), counts as not answered: a second answer is
 * ignored by CloudFormation, a missing one would hold the stack.
 */
async function answeredByAnotherDelivery(request: DeleteRequest, stacks: StackApi, deps: DecisionDeps): Promise<AlreadyAnswered | undefined> {
  const { stackId, logicalId, properties: { model } } = request;
  let nextToken: string | undefined;
  do {
    const page = await stacks.listStackResources(stackId, nextToken);
    if ('error' in page) {
      return ANSWERED_WHEN_UNREADABLE.has(page.error) ? { kind: 'alreadyAnswered', seen: `ListStackResources answered ${page.error}` } : undefined;
    }
    const own = page.resources.find((r) => r.logicalResourceId === logicalId);
    if (own && own.physicalResourceId !== model.arn) {
      // An update's cleanup: the logical id now names the new resource, and the old one is not listed.
      return undefined;
    }
    if (own) {
      return own.resourceStatus === 'DELETE_IN_PROGRESS' ? undefined : { kind: 'alreadyAnswered', seen: `resource ${own.logicalResourceId} is ${own.resourceStatus}` };
    }
    nextToken = page.nextToken;
  } while (nextToken && deps.now() + stacks.maxCallMs < deps.runDeadline);
  return nextToken ? undefined : { kind: 'alreadyAnswered', seen: `resource ${logicalId} is no longer in the stack` };
}

/** Errors of a stack read that could be made at the start of the run: its grant, role or stack is gone since. */
const ANSWERED_WHEN_UNREADABLE = new Set(['AccessDenied', 'AccessDeniedException', 'ValidationError', 'InvalidClientTokenId', 'UnrecognizedClientException', 'ExpiredToken']);

/** Marks the model with a failed cleanup teardown; a mark that cannot be written is logged, and the next attempt waits again. */
async function markCleanupFailure(model: ModelVersion, key: string, failure: CleanupFailure, deps: DecisionDeps): Promise<void> {
  await changeTags(model, 'TagResource', (api) => api.tagResource(model.arn, { [key]: cleanupFailureValue(failure) }), 'cleanup failure not marked', deps);
}

/**
 * Removes tag `key` from the model: the mark after the last attempt CloudFormation makes, or this
 * resource's claim after its teardown. The error when the tag stays.
 */
function removeTag(model: ModelVersion, key: string, failureMessage: string, deps: DecisionDeps): Promise<ErrorAnswer | undefined> {
  return changeTags(model, 'UntagResource', (api) => api.untagResource(model.arn, [key]), failureMessage, deps);
}

/**
 * Writes or removes a tag, retried until the run's deadline; a change that fails is logged, and
 * its error returned. A model that is gone has no tags left to change.
 */
async function changeTags(
  model: ModelVersion, operation: string, change: (api: ModelApi) => Promise<TagAnswer>, failureMessage: string, deps: DecisionDeps,
): Promise<ErrorAnswer | undefined> {
  const api = deps.models(model.region);
  const answer = lastAnswer(await retrying(operation, () => change(api), deps, deps.runDeadline, api.maxCallMs));
  if (!('error' in answer) || answer.error === 'ResourceNotFoundException') {
    return undefined;
  }
  deps.log({ message: failureMessage, model: model.arn, error: answer.error });
  return answer;
}

/** An answer to CloudFormation. */
export function respond(status: ResponseStatus, physicalResourceId: string, reason: string, counts?: Response['counts']): Response {
  return { kind: 'respond', status, physicalResourceId, reason, ...(counts ? { counts } : {}) };
}
