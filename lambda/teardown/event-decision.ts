import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { ResponseStatus } from './cfn-response';
import { readHandoff } from './handoff';
import { readModelVersion, readProperties } from './properties';
import { TeardownOutcome, TeardownProgress, TeardownRequest } from './teardown';
import { humanDuration } from './teardown-reasons';

/**
 * What a CloudFormation event means for the model: Create and Update adopt a model ARN and touch
 * no model; Delete tears down the model named by the physical id.
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
export type LifecycleEvent = CloudFormationCustomResourceEvent & { readonly TeardownHandoff?: Handoff };

/** The answer to CloudFormation. */
export interface Response {
  readonly kind: 'respond';
  readonly status: ResponseStatus;
  readonly physicalResourceId: string;
  readonly reason: string;
}

/** What the run does next: answer, or hand the wait on to a fresh run. */
export type Decision = Response | { readonly kind: 'handoff'; readonly handoff: Handoff };

/** What deciding needs from the run. */
export interface LifecycleDeps {
  readonly now: () => number;
  /** This run must have decided by then (epoch ms). */
  readonly runDeadline: number;
  readonly tearDown: (request: TeardownRequest) => Promise<TeardownOutcome>;
}

/** Decides the answer to one event (or that the wait is handed on); tears the model down on Delete. */
export async function decide(event: LifecycleEvent, deps: LifecycleDeps): Promise<Decision> {
  if (event.RequestType === 'Delete') {
    return decideDelete(event, deps);
  }
  const previousId = event.RequestType === 'Update' ? event.PhysicalResourceId : undefined;
  const properties = readProperties(event.ResourceProperties);
  if (typeof properties === 'string') {
    // A failed Create gets an id that is no ARN, so its rollback Delete touches nothing.
    return respond('FAILED', previousId ?? `invalid-model-arn-${event.RequestId}`, properties);
  }
  const model = properties.model;
  // A new ARN becomes the physical id; CloudFormation then deletes the old model.
  const reason = previousId === undefined || previousId === model.arn
    ? `Model ${model.name} will be torn down when this resource is deleted.`
    : `Model ${model.name} replaces ${readModelVersion(previousId)?.name ?? previousId.slice(0, 100)}, which is torn down next.`;
  return respond('SUCCESS', model.arn, reason);
}

async function decideDelete(
  event: CloudFormationCustomResourceEvent & { RequestType: 'Delete' } & { TeardownHandoff?: Handoff },
  deps: LifecycleDeps,
): Promise<Decision> {
  const arn = event.PhysicalResourceId;
  if (!readModelVersion(arn)) {
    // Never issued by a successful Create (a rollback after a failed one): nothing to tear down.
    return respond('SUCCESS', arn, 'No model was adopted by this resource; nothing to tear down.');
  }
  // Delete acts on the physical id; the properties only choose how.
  const properties = readProperties({ ...event.ResourceProperties, ProjectVersionArn: arn });
  if (typeof properties === 'string') {
    return respond('FAILED', arn, properties);
  }
  const handoff = readHandoff(event.TeardownHandoff);
  const waitStartedAt = handoff?.waitStartedAt ?? requestSentAt(event.ResponseURL, deps.now());
  const outcome = await deps.tearDown({
    model: properties.model,
    action: properties.action,
    waitStartedAt,
    waitDeadline: waitStartedAt + properties.maxWaitMs,
    runDeadline: deps.runDeadline,
    progress: handoff?.progress,
  });
  switch (outcome.result) {
    case 'DONE':
      return respond('SUCCESS', arn,
        `Model ${properties.model.name}: ${outcome.summary} (after ${humanDuration(deps.now() - waitStartedAt)}).`);
    case 'FAILED':
      return respond('FAILED', arn, outcome.reason);
    case 'CONTINUE':
      if (outcome.calls === 0) {
        return respond('FAILED', arn,
          `The teardown function had no time left to call Rekognition for model ${properties.model.name} (its timeout is too short); give it more time, then delete the stack again.`);
      }
      return { kind: 'handoff', handoff: { waitStartedAt, run: (handoff?.run ?? 1) + 1, progress: outcome.progress } };
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

function respond(status: ResponseStatus, physicalResourceId: string, reason: string): Response {
  return { kind: 'respond', status, physicalResourceId, reason };
}
