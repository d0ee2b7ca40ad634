/**
 * The Rekognition calls the teardown may make on its model, as plain answers: what the call
 * returned, or the name of the error it failed with.
 */

/** A call that failed: the error's name, its message, and what the transport said. */
export interface ErrorAnswer {
  readonly error: string;
  readonly message: string;
  readonly httpStatus?: number;
  readonly code?: string;
}

/** What Stop or Delete answered. */
export type ModelAnswer = { readonly status: string } | ErrorAnswer;

/** What TagResource or UntagResource answered. */
export type TagAnswer = { readonly tagged: true } | ErrorAnswer;

/** What ListTagsForResource answered. */
export type TagsAnswer = { readonly tags: Readonly<Record<string, string>> } | ErrorAnswer;

/** The calls the teardown's role is allowed to make on its model. */
export interface ModelApi {
  /** The longest one call can take, retries by the client included, in ms. */
  readonly maxCallMs: number;
  stopProjectVersion(arn: string): Promise<ModelAnswer>;
  deleteProjectVersion(arn: string): Promise<ModelAnswer>;
  /** Adds (or overwrites) tags on the model: how a resource records its claim. */
  tagResource(arn: string, tags: Readonly<Record<string, string>>): Promise<TagAnswer>;
  /** Removes tags from the model (keys that are not there are no error). */
  untagResource(arn: string, keys: readonly string[]): Promise<TagAnswer>;
  listTagsForResource(arn: string): Promise<TagsAnswer>;
}

/** Errors that say the caller exceeds its share of the service: slow down. */
export const THROTTLE_ERRORS: ReadonlySet<string> = new Set([
  'ThrottlingException',
  'ProvisionedThroughputExceededException',
  // CloudFormation's name for it.
  'Throttling',
]);

/** The network error of a host name that does not exist: a region with no endpoint, which waiting will not change. */
export const NO_SUCH_HOST = 'ENOTFOUND';

/** Errors that say the service could not take the call now: try it again later. */
export const TRANSIENT_ERRORS: ReadonlySet<string> = new Set([...THROTTLE_ERRORS, 'InternalServerError']);

/** Errors that say something about the request or the caller: never retried blindly. */
const MEANINGFUL_ERRORS = new Set([
  'AccessDeniedException',
  'AccessDenied',
  'InvalidParameterException',
  'ResourceInUseException',
  'ResourceNotFoundException',
  'ValidationError',
]);

/** Load and service faults, and failures below the service (network, timeouts): try again. */
export function isTransient(answer: ErrorAnswer): boolean {
  if (TRANSIENT_ERRORS.has(answer.error)) {
    return true;
  }
  if (answer.code === NO_SUCH_HOST) {
    return false;
  }
  return !MEANINGFUL_ERRORS.has(answer.error)
    && (answer.httpStatus === undefined || answer.httpStatus >= 500);
}

/** The answer of a call that threw, as the SDK reports it. */
export function errorAnswer(err: unknown): ErrorAnswer {
  const error = err as { name?: string; message?: string; code?: string; $metadata?: { httpStatusCode?: number } };
  return {
    error: error.name ?? 'Error',
    message: error.message ?? String(err),
    httpStatus: error.$metadata?.httpStatusCode,
    // The SDK wraps an error from another realm in one that keeps only its text.
    code: error.code ?? /\b(E[A-Z_]{3,})\b/.exec(error.message ?? '')?.[1],
  };
}
