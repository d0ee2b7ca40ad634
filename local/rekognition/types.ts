/**
 * The public vocabulary of the Rekognition simulator: statuses, error names, options and the
 * records it keeps. No behaviour lives here.
 */

/** Every status a model version can have (ProjectVersionStatus in the service model). */
export const MODEL_STATUSES = [
  'TRAINING_IN_PROGRESS',
  'TRAINING_COMPLETED',
  'TRAINING_FAILED',
  'STARTING',
  'RUNNING',
  'FAILED',
  'STOPPING',
  'STOPPED',
  'DELETING',
  'COPYING_IN_PROGRESS',
  'COPYING_COMPLETED',
  'COPYING_FAILED',
  'DEPRECATED',
  'EXPIRED',
] as const;

/** A model version status, as Stop, Start and Delete report it. */
export type ModelStatus = typeof MODEL_STATUSES[number];

/**
 * The errors the implemented operations are documented to return: the seven of StopProjectVersion
 * and DeleteProjectVersion, and TagResource's ServiceQuotaExceededException.
 */
export const REKOGNITION_ERRORS = [
  'AccessDeniedException',
  'InternalServerError',
  'InvalidParameterException',
  'ProvisionedThroughputExceededException',
  'ResourceInUseException',
  'ResourceNotFoundException',
  'ServiceQuotaExceededException',
  'ThrottlingException',
] as const;

/** One of the documented error names. */
type RekognitionErrorName = typeof REKOGNITION_ERRORS[number];

/** The operations the simulator implements. */
export const OPERATIONS = [
  'StopProjectVersion',
  'DeleteProjectVersion',
  'StartProjectVersion',
  'TagResource',
  'UntagResource',
  'ListTagsForResource',
] as const;

/** An operation the simulator implements (the part of `X-Amz-Target` after the dot). */
export type OperationName = typeof OPERATIONS[number];

/** What Stop answers for a model that is neither RUNNING nor STOPPING (undocumented). */
export type StopWhenNotRunning = 'ResourceInUseException' | 'InvalidParameterException' | 'status';

/** Whether Stop on a STARTING model stops it or is treated like any model that is not running (undocumented). */
export type StopWhenStarting = 'same-as-not-running' | 'stops';

/** What Delete answers for a model that is already DELETING (undocumented). */
export type DeleteWhenDeleting = 'status' | 'ResourceInUseException' | 'ResourceNotFoundException';

/** The error a throttled call gets. */
export type ThrottleErrorName = 'ThrottlingException' | 'ProvisionedThroughputExceededException';

/**
 * The error a request that breaks a length, pattern or range constraint gets. The brief and the
 * Rekognition references say InvalidParameterException; AWS's request validation layer may answer
 * ValidationException instead (undocumented), which the SDK does not model.
 */
export type ValidationErrorName = 'InvalidParameterException' | 'ValidationException';

/** The first `count` calls that match fail with `error` (an injected fault: no state change). */
export interface FailFirstRule {
  /** The operation whose calls fail; `'*'` for every operation. */
  readonly operation: OperationName | '*';
  readonly count: number;
  readonly error: RekognitionErrorName;
  /** Only calls naming this ARN (the call record's `arn`) count and fail. */
  readonly arn?: string;
  /** The error message; a generic one by default. */
  readonly message?: string;
}

/** How long each timed transition takes, in ms. */
export interface ModelDurations {
  /** STOPPING -> STOPPED. */
  readonly stopDurationMs: number;
  /** STARTING -> RUNNING (or FAILED). */
  readonly startDurationMs: number;
  /** TRAINING_IN_PROGRESS -> TRAINING_COMPLETED (or TRAINING_FAILED). */
  readonly trainingDurationMs: number;
  /** COPYING_IN_PROGRESS -> COPYING_COMPLETED (or COPYING_FAILED). */
  readonly copyDurationMs: number;
  /** DELETING -> gone. */
  readonly deleteDurationMs: number;
}

/** Options of the simulator; every one can be changed later with `configure`. */
export interface SimulatorOptions {
  /** Default `'ResourceInUseException'`. */
  readonly stopWhenNotRunning?: StopWhenNotRunning;
  /** Default `'same-as-not-running'`. */
  readonly stopWhenStarting?: StopWhenStarting;
  /** Default `'status'` (200 `{Status: 'DELETING'}`). */
  readonly deleteWhenDeleting?: DeleteWhenDeleting;
  /** Default `'InvalidParameterException'`. */
  readonly validationError?: ValidationErrorName;
  /** Seed of the PRNG behind `throttleRate`, `serverErrorRate` and latency jitter. Default 1. */
  readonly seed?: number;
  /** Share of calls (0..1) that are throttled. Default 0. */
  readonly throttleRate?: number;
  /** The error throttled calls get (by `throttleRate` or `tpsLimit`). Default `'ThrottlingException'`. */
  readonly throttleError?: ThrottleErrorName;
  /**
   * Calls per rolling second each operation accepts; the excess is throttled. A number applies
   * to every operation. Default: no limit.
   */
  readonly tpsLimit?: number | Partial<Record<OperationName, number>>;
  /** Share of calls (0..1) that fail with 500 InternalServerError. Default 0. */
  readonly serverErrorRate?: number;
  /** Added before every response is sent, in ms. Default 0. */
  readonly latencyMs?: number;
  /** Up to this much more latency, drawn from the PRNG, in ms. Default 0. */
  readonly latencyJitterMs?: number;
  /** Setting this (again) restarts its counts. Default none. */
  readonly failFirst?: readonly FailFirstRule[];
  /** Durations of models that do not set their own. Defaults: stop 100, start 100, training 200, copy 150, delete 100. */
  readonly durations?: Partial<ModelDurations>;
}

/** A model version put into the simulator by a test. */
export interface ModelOptions extends Partial<ModelDurations> {
  readonly status: ModelStatus;
  /** A start ends in FAILED instead of RUNNING. */
  readonly startFails?: boolean;
  /** Training ends in TRAINING_FAILED instead of TRAINING_COMPLETED. */
  readonly trainingFails?: boolean;
  /** A copy ends in COPYING_FAILED instead of COPYING_COMPLETED. */
  readonly copyFails?: boolean;
  /** Inference units of a model added as RUNNING or STARTING. Default 1. */
  readonly minInferenceUnits?: number;
  /**
   * Tags the model already has, as if TagResource had put them there (say, another stack's claim).
   * They must be what TagResource accepts, and at most 50. Default none.
   */
  readonly tags?: Readonly<Record<string, string>>;
}

/** Which injected fault failed a call. */
export type FaultKind = 'failFirst' | 'tpsLimit' | 'throttleRate' | 'serverErrorRate';

/** One call the simulator answered. */
export interface CallRecord {
  /** When the call was handled, in ms since the simulator started. */
  readonly at: number;
  /** From `X-Amz-Target`, whatever it named (unknown operations are recorded too). */
  readonly operation: string;
  /** ProjectVersionArn, or ResourceArn for the tag operations, as sent. */
  readonly arn?: string;
  /** The region the request was signed for. */
  readonly region?: string;
  /** The model's status before the call, whatever region asked; undefined when there is no such model. */
  readonly statusBefore?: ModelStatus;
  readonly statusAfter?: ModelStatus;
  readonly httpStatus: number;
  /** The `Status` the response carried. */
  readonly status?: ModelStatus;
  /** The error name the response carried. */
  readonly error?: string;
  readonly message?: string;
  /** Set when the error was injected rather than earned. */
  readonly fault?: FaultKind;
  readonly requestId: string;
  /** The parsed request body. */
  readonly input?: unknown;
}

/** A model changed status; `to` is undefined when the model is gone. */
export interface TransitionEvent {
  readonly arn: string;
  readonly from: ModelStatus;
  readonly to: ModelStatus | undefined;
  /** In ms since the simulator started. */
  readonly at: number;
  /** `'timer'` for timed transitions, else the operation that caused it. */
  readonly cause: 'timer' | OperationName;
}

/** A model as `models()` lists it. */
export interface ModelSummary {
  readonly arn: string;
  readonly region: string;
  readonly projectName: string;
  readonly versionName: string;
  readonly status: ModelStatus;
  /** The timed transition under way, if any: its target (undefined = gone) and when it is due (ms since start). */
  readonly pending?: { readonly to: ModelStatus | undefined; readonly dueAt: number };
}
