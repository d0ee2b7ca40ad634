import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { respond, Response } from './event-decision';
import { Handoff, HANDOFF_FIELD, readHandoff } from './handoff';
import { ModelProperties, ModelVersion, readModelVersion, readProperties } from './properties';
import { otherStackReason } from './teardown-reasons';

/**
 * The door of the handler: reads a raw CloudFormation event (or a hand-off) once, into a typed
 * request, or into the FAILED answer that a malformed one gets. Nothing after it reads the event.
 */

/** A CloudFormation event, or one handed on by an earlier run. */
export type TeardownEvent = CloudFormationCustomResourceEvent & { readonly [HANDOFF_FIELD]?: Handoff };

/** The resource an event is about. */
export interface ResourceRef {
  readonly stackId: string;
  readonly logicalId: string;
}

/** A Create or Update: adopt the model of the properties, recording the resource's claim on it. */
export interface AdoptRequest extends ResourceRef {
  readonly kind: 'adopt';
  readonly properties: ModelProperties;
  /** The physical id of a FAILED answer: the Update's own, or, for a Create, one that is no ARN, so that its rollback Delete touches nothing. */
  readonly failedId: string;
  /** The model an Update's resource adopted before. @default - none (a Create) */
  readonly previous?: ModelVersion;
  /** An Update's properties before it, when they are valid. @default - none */
  readonly oldProperties?: ModelProperties;
}

/** A Delete of a resource that adopted a model: the physical id's model, torn down as the properties say. */
export interface DeleteRequest extends ResourceRef {
  readonly kind: 'delete';
  /** The properties, with the model of the physical id (Delete acts on it; the properties only choose how). */
  readonly properties: ModelProperties;
  /** What the earlier run handed on. @default - none (the first run, or a malformed hand-off) */
  readonly handoff?: Handoff;
  /** When CloudFormation sent the request, from its response URL; the time it was read when the URL does not say. */
  readonly sentAt: number;
}

/** A Delete of a resource whose physical id is no model ARN (the rollback of a failed Create): nothing to tear down. */
export interface NothingToDelete {
  readonly kind: 'nothingToDelete';
  readonly physicalResourceId: string;
}

/** What an event asks for, checked. */
export type Request = AdoptRequest | DeleteRequest | NothingToDelete;

/**
 * The request in `event`, read at `now`, or the FAILED answer to it: an event of another stack than
 * `ownStackId` (when known), or properties the handler cannot use.
 */
export function readRequest(event: TeardownEvent, ownStackId: string | undefined, now: number): Request | Response {
  const resource = { stackId: event.StackId, logicalId: event.LogicalResourceId };
  if (ownStackId !== undefined && event.StackId !== ownStackId) {
    return respond('FAILED', failedIdOf(event), otherStackReason(ownStackId, event.StackId));
  }
  if (event.RequestType === 'Delete') {
    const arn = event.PhysicalResourceId;
    if (!readModelVersion(arn)) {
      return { kind: 'nothingToDelete', physicalResourceId: arn };
    }
    const properties = readProperties({ ...event.ResourceProperties, ProjectVersionArn: arn });
    if (typeof properties === 'string') {
      return respond('FAILED', arn, properties, 'FAILED_TEARDOWN');
    }
    const handoff = readHandoff(event.TeardownHandoff);
    return { kind: 'delete', ...resource, properties, ...(handoff ? { handoff } : {}), sentAt: requestSentAt(event.ResponseURL, now) };
  }
  // Not failedIdOf: a Create's own PhysicalResourceId, if an event had one, would be no id of ours.
  const failedId = event.RequestType === 'Update' ? event.PhysicalResourceId : `invalid-model-arn-${event.RequestId}`;
  const properties = readProperties(event.ResourceProperties);
  if (typeof properties === 'string') {
    return respond('FAILED', failedId, properties);
  }
  if (event.RequestType === 'Create') {
    return { kind: 'adopt', ...resource, properties, failedId };
  }
  const previous = readModelVersion(event.PhysicalResourceId);
  const oldProperties = readProperties(event.OldResourceProperties);
  return {
    kind: 'adopt',
    ...resource,
    properties,
    failedId,
    ...(previous ? { previous } : {}),
    ...(typeof oldProperties === 'object' ? { oldProperties } : {}),
  };
}

/** The physical id of a FAILED answer to an event refused whole: the event's own, or one that is no ARN. */
export function failedIdOf(event: TeardownEvent): string {
  return 'PhysicalResourceId' in event ? event.PhysicalResourceId : `invalid-model-arn-${event.RequestId}`;
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
