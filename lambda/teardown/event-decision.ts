import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { ResponseStatus } from './cfn-response';
import { CLEANUP_DELETE_ATTEMPTS, CleanupFailure, cleanupFailureKey, cleanupFailureValue, readCleanupFailure } from './cleanup-retries';
import { readHandoff } from './handoff';
import { ModelApi } from './model-api';
import { checkOwnership, recordClaim } from './ownership';
import { ModelProperties, ModelVersion, readModelVersion, readProperties } from './properties';
import { retrying, RetryDeps } from './retrying';
import { StackApi } from './stack-api';
import { TeardownPhase } from './stack-intent';
import { TeardownOutcome, TeardownProgress, TeardownRequest } from './teardown';
import { claimNotRecordedReason, cleanupRetryReason, humanDuration, modelAdvice, stackAdvice } from './teardown-reasons';

/**
 * What a CloudFormation event means for the model: Create and Update adopt a model ARN, recording
 * the resource's claim on the model, and touch nothing else; Delete tears down the model named by
 * the physical id, but only when the stack itself shows that it means to end it now and no other
 * resource still claims it.
 */

/** Carried by a run that continues a wait begun by an earlier run. */
export interface Handoff {
  /** When the overall wait began (epoch ms). */
  readonly waitStartedAt: number;
  /** Which run of this teardown the receiver is (the first run is 1). */
  readonly run: number;
  /** What the last run learned (state, since when, pacing), so the receiver goes on from there. */
  readonly progress?: TeardownProgress;
}

/** A CloudFormation event, or one handed on by an earlier run. */
export type TeardownEvent = CloudFormationCustomResourceEvent & { readonly TeardownHandoff?: Handoff };

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
  /** The stack the function belongs to, as its environment says; events of other stacks are refused. */
  readonly ownStackId?: string;
  /** CloudFormation's reads, in a region. */
  readonly stacks: (region: string) => Promise<StackApi>;
  /** Rekognition's model calls, in a region. */
  readonly models: (region: string) => ModelApi;
  readonly tearDown: (request: TeardownRequest) => Promise<TeardownOutcome>;
}

/** Decides the answer to one event (or that the wait is handed on); tears the model down on Delete. */
export async function decide(event: TeardownEvent, deps: DecisionDeps): Promise<Decision> {
  if (deps.ownStackId !== undefined && event.StackId !== deps.ownStackId) {
    const physicalResourceId = 'PhysicalResourceId' in event ? event.PhysicalResourceId : `invalid-model-arn-${event.RequestId}`;
    return respond('FAILED', physicalResourceId, `This teardown function serves only the resources of stack ${deps.ownStackId}, not of ${String(event.StackId).slice(0, 300)}. No model was touched.`);
  }
  if (event.RequestType === 'Delete') {
    return decideDelete(event, deps);
  }
  const previousId = event.RequestType === 'Update' ? event.PhysicalResourceId : undefined;
  // A failed Create gets an id that is no ARN, so its rollback Delete touches nothing.
  const failed = (reason: string) => respond('FAILED', previousId ?? `invalid-model-arn-${event.RequestId}`, reason);
  const properties = readProperties(event.ResourceProperties);
  if (typeof properties === 'string') {
    return failed(properties);
  }
  const model = properties.model;
  const elsewhere = otherAccountOrPartition(model, deps.functionArn);
  if (elsewhere) {
    return failed(elsewhere);
  }
  const previous = readModelVersion(previousId);
  const replaces = previous !== undefined && previous.arn !== model.arn;
  if (replaces) {
    const oldProperties = event.RequestType === 'Update' ? readProperties(event.OldResourceProperties) : undefined;
    if (!grantOutlivesUpdate(oldProperties, properties)) {
      return failed(`ProjectVersionArn changed from ${previous.name} to ${model.name}, but the old model's teardown permission was updated in place (the ARN is not known at synth, or the resource predates per-ARN policies), so the old model could not be torn down. Nothing was changed. To replace the model, give the construct a new id (the old resource then tears the old model down), or remove the construct in one deploy and add it back in the next; to promote models through an SSM parameter, read it at synth with StringParameter.valueFromLookup, so that the ARN is a literal and a new one replaces the model.`);
    }
  }
  if (properties.recordsClaim) {
    const modelDeps = { ...deps, models: deps.models(model.region) };
    const claimed = await recordClaim(model, event.StackId, event.LogicalResourceId, modelDeps, deps.runDeadline);
    const answer = 'outOfTime' in claimed ? claimed.outOfTime : claimed.answered;
    if ('error' in answer) {
      // The model of an unchanged ARN may have been deleted by hand: nothing left to claim, nothing to refuse.
      if (previous?.arn === model.arn && answer.error === 'ResourceNotFoundException') {
        return respond('SUCCESS', model.arn, `Model ${model.name} no longer exists; nothing to claim or tear down.`);
      }
      return failed(claimNotRecordedReason(model, answer, 'outOfTime' in claimed && claimed.throttled));
    }
  }
  if (replaces) {
    // A new ARN becomes the physical id; CloudFormation then deletes the old resource in its cleanup.
    return respond('SUCCESS', model.arn, `Model ${model.name} replaces ${previous.name}, which is torn down in the cleanup phase.`);
  }
  return respond('SUCCESS', model.arn, `Model ${model.name} will be torn down when the stack deletes this resource and no other stack claims it.`);
}

/** The old model's grant survives until the cleanup phase only when it is another policy resource. */
function grantOutlivesUpdate(oldProperties: ModelProperties | string | undefined, properties: ModelProperties): boolean {
  const oldPolicy = typeof oldProperties === 'object' ? oldProperties.teardownPolicyLogicalId : undefined;
  return oldPolicy !== undefined && oldPolicy !== properties.teardownPolicyLogicalId;
}

/** Why the function cannot own this model: another account or partition than its own. */
function otherAccountOrPartition(model: ModelVersion, functionArn: string): string | undefined {
  const [, partition, , , account] = functionArn.split(':');
  if (model.account !== account || model.partition !== partition) {
    return `ProjectVersionArn names model ${model.name} in account ${model.account} (partition ${model.partition}), but the teardown function runs in account ${account} (partition ${partition}); a stack can only tear down models of its own account and partition. Deploy the construct in a stack of account ${model.account}. No model was touched.`;
  }
  return undefined;
}

async function decideDelete(event: TeardownEvent & { RequestType: 'Delete' }, deps: DecisionDeps): Promise<Decision> {
  const arn = event.PhysicalResourceId;
  if (!readModelVersion(arn)) {
    // Never issued by a successful Create (a rollback after a failed one): nothing to tear down.
    return respond('SUCCESS', arn, 'No model was adopted by this resource; nothing to tear down.');
  }
  // Delete acts on the physical id; the properties only choose how.
  const properties = readProperties({ ...event.ResourceProperties, ProjectVersionArn: arn });
  if (typeof properties === 'string') {
    return respond('FAILED', arn, properties, 'FAILED_TEARDOWN');
  }
  const { model, action } = properties;
  const advice = (state: string, phase?: TeardownPhase) =>
    `${modelAdvice(model, action, state)} ${stackAdvice(phase, event.StackId, event.LogicalResourceId)}`;

  const handoff = readHandoff(event.TeardownHandoff);
  const waitStartedAt = handoff?.waitStartedAt ?? requestSentAt(event.ResponseURL, deps.now());
  const waitDeadline = waitStartedAt + properties.maxWaitMs;
  const handOn = (progress?: TeardownProgress): Decision =>
    ({ kind: 'handoff', handoff: { waitStartedAt, run: (handoff?.run ?? 1) + 1, ...(progress ? { progress } : {}) } });

  const stacks = await deps.stacks(event.StackId.split(':')[3]);
  const ownership = await checkOwnership({
    model,
    stackId: event.StackId,
    logicalId: event.LogicalResourceId,
    recordsClaim: properties.recordsClaim,
    waitDeadline,
    runDeadline: deps.runDeadline,
  }, { ...deps, stacks, models: deps.models(model.region) });
  switch (ownership.kind) {
    case 'leave':
      return respond('SUCCESS', arn, `Model ${model.name} was left as it is: ${ownership.reason}.`);
    case 'failed': {
      // A hand-off's earlier run read the stack: unreadable now, it may have been answered by a twin.
      const answered = handoff ? await answeredByAnotherDelivery(event, stacks, deps) : undefined;
      return answered ?? respond('FAILED', arn, `${ownership.reason} ${advice('UNKNOWN')}`, 'FAILED_TEARDOWN');
    }
    case 'outOfRunTime':
      return handOn(handoff?.progress);
  }
  const markKey = cleanupFailureKey(event.StackId, event.LogicalResourceId);
  const mark = (failure: CleanupFailure) => markCleanupFailure(model, markKey, failure, deps);
  const earlier = ownership.phase === 'UPDATE_CLEANUP' ? readCleanupFailure(ownership.tags, markKey, deps.now()) : undefined;
  if (earlier) {
    // A later attempt of a cleanup Delete that failed: answer at once, touching nothing, counted once.
    const attempt = earlier.attempt + 1;
    await (attempt >= CLEANUP_DELETE_ATTEMPTS ? unmarkCleanupFailure(model, markKey, deps) : mark({ ...earlier, attempt }));
    return respond('FAILED', arn, `${cleanupRetryReason(model, deps.now() - earlier.failedAt, attempt)} ${advice(earlier.state, ownership.phase)}`);
  }
  const failedTeardown = async (reason: string, lastState: string): Promise<Response> => {
    if (ownership.phase === 'UPDATE_CLEANUP' && properties.recordsClaim) {
      await mark({ failedAt: deps.now(), attempt: 1, state: lastState });
    }
    return respond('FAILED', arn, `${reason} ${advice(lastState, ownership.phase)}`, 'FAILED_TEARDOWN');
  };

  const outcome = await deps.tearDown({
    model,
    action,
    waitStartedAt,
    waitDeadline,
    runDeadline: deps.runDeadline,
    progress: handoff?.progress,
  });
  if (outcome.result !== 'CONTINUE') {
    const answered = await answeredByAnotherDelivery(event, stacks, deps);
    if (answered) {
      return answered;
    }
  }
  switch (outcome.result) {
    case 'DONE':
      return respond('SUCCESS', arn, `Model ${model.name}: ${outcome.summary} (after ${humanDuration(deps.now() - waitStartedAt)}).`,
        outcome.tornDown ? 'TORN_DOWN' : undefined);
    case 'FAILED':
      return failedTeardown(outcome.reason, outcome.lastState);
    case 'CONTINUE':
      if (outcome.calls === 0) {
        return failedTeardown(
          `The teardown function had no time left to call Rekognition for model ${model.name}: its timeout was lowered below what one call needs.`,
          outcome.lastState);
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
async function answeredByAnotherDelivery(event: TeardownEvent & { RequestType: 'Delete' }, stacks: StackApi, deps: DecisionDeps): Promise<AlreadyAnswered | undefined> {
  let nextToken: string | undefined;
  do {
    const page = await stacks.listStackResources(event.StackId, nextToken);
    if ('error' in page) {
      return ANSWERED_WHEN_UNREADABLE.has(page.error) ? { kind: 'alreadyAnswered', seen: `ListStackResources answered ${page.error}` } : undefined;
    }
    const own = page.resources.find((r) => r.logicalResourceId === event.LogicalResourceId);
    if (own && own.physicalResourceId !== event.PhysicalResourceId) {
      // An update's cleanup: the logical id now names the new resource, and the old one is not listed.
      return undefined;
    }
    if (own) {
      return own.resourceStatus === 'DELETE_IN_PROGRESS' ? undefined : { kind: 'alreadyAnswered', seen: `resource ${own.logicalResourceId} is ${own.resourceStatus}` };
    }
    nextToken = page.nextToken;
  } while (nextToken && deps.now() + stacks.maxCallMs < deps.runDeadline);
  return nextToken ? undefined : { kind: 'alreadyAnswered', seen: `resource ${event.LogicalResourceId} is no longer in the stack` };
}

/** Errors of a stack read that could be made at the start of the run: its grant, role or stack is gone since. */
const ANSWERED_WHEN_UNREADABLE = new Set(['AccessDenied', 'AccessDeniedException', 'ValidationError', 'InvalidClientTokenId', 'UnrecognizedClientException', 'ExpiredToken']);

/** Marks the model with a failed cleanup teardown; a mark that cannot be written is logged, and the next attempt waits again. */
async function markCleanupFailure(model: ModelVersion, key: string, failure: CleanupFailure, deps: DecisionDeps): Promise<void> {
  const tagged = await retrying('TagResource', () => deps.models(model.region).tagResource(model.arn, { [key]: cleanupFailureValue(failure) }),
    deps, deps.runDeadline, deps.models(model.region).maxCallMs);
  const answer = 'outOfTime' in tagged ? tagged.outOfTime : tagged.answered;
  if ('error' in answer) {
    deps.log({ message: 'cleanup failure not marked', model: model.arn, error: answer.error });
  }
}

/** Removes the mark after the last attempt CloudFormation makes. */
async function unmarkCleanupFailure(model: ModelVersion, key: string, deps: DecisionDeps): Promise<void> {
  const untagged = await retrying('UntagResource', () => deps.models(model.region).untagResource(model.arn, [key]),
    deps, deps.runDeadline, deps.models(model.region).maxCallMs);
  const answer = 'outOfTime' in untagged ? untagged.outOfTime : untagged.answered;
  if ('error' in answer) {
    deps.log({ message: 'cleanup failure mark not removed', model: model.arn, error: answer.error });
  }
}

/**
 * When CloudFormation sent the request, from the presigned URL's X-Amz-Date, so that a
 * redelivered event waits until the same deadline as the first; `fallback` if there is none.
 */
export function requestSentAt(responseUrl: string, fallback: number): number {
  let date: string | null = null;
  try {
    date = new URL(responseUrl).searchParams.get('X-Amz-Date');
  } catch {
    return fallback;
  }
  const match = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(date ?? '');
  if (!match) {
    return fallback;
  }
  const [, y, mo, d, h, mi, s] = match.map(Number);
  const sentAt = Date.UTC(y, mo - 1, d, h, mi, s);
  // A date in the future is clock skew: never wait longer than from now.
  return Math.min(sentAt, fallback);
}

function respond(status: ResponseStatus, physicalResourceId: string, reason: string, counts?: Response['counts']): Response {
  return { kind: 'respond', status, physicalResourceId, reason, ...(counts ? { counts } : {}) };
}
