/**
 * The two Rekognition calls the teardown may make, as plain answers: the status the call
 * returned, or the name of the error it failed with.
 */

/** What one call answered. */
export type ModelAnswer =
  | { readonly status: string }
  | { readonly error: string; readonly message: string; readonly httpStatus?: number; readonly code?: string };

/** The calls the teardown's role is allowed to make on its model. */
export interface ModelApi {
  /** The longest one call can take, retries by the client included, in ms. */
  readonly maxCallMs: number;
  stopProjectVersion(arn: string): Promise<ModelAnswer>;
  deleteProjectVersion(arn: string): Promise<ModelAnswer>;
}

/** Errors that say the caller exceeds its share of the service: slow down. */
export const THROTTLE_ERRORS: ReadonlySet<string> = new Set([
  'ThrottlingException',
  'ProvisionedThroughputExceededException',
]);

/** The network error of a host name that does not exist: a region with no Rekognition endpoint, which waiting will not change. */
export const NO_SUCH_HOST = 'ENOTFOUND';

/** Errors that say the service could not take the call now: try it again later. */
export const TRANSIENT_ERRORS: ReadonlySet<string> = new Set([...THROTTLE_ERRORS, 'InternalServerError']);
