import type { PacingState } from './schedule';
import type { Operation, TeardownProgress } from './teardown-step';

/**
 * The hand-off of a wait to a fresh run of the function: what it carries, how the next one is
 * made, and how a run reads it back from its event. The payload is the function's own, but it is
 * read as untrusted input: anything malformed is dropped, so the run starts over from what
 * CloudFormation sent (a fresh Stop is safe, only slower).
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

/** The event field that carries the hand-off. */
export const HANDOFF_FIELD = 'TeardownHandoff';

/** The hand-off to the run after this one (`previous` is this run's own, if it was handed one). */
export function nextHandoff(previous: Handoff | undefined, waitStartedAt: number, progress?: TeardownProgress): Handoff {
  return { waitStartedAt, run: (previous?.run ?? 1) + 1, ...(progress ? { progress } : {}) };
}

/** The event the next run receives: CloudFormation's, with the hand-off. */
export function handedOnEvent<E extends object>(event: E, handoff: Handoff): E & { readonly [HANDOFF_FIELD]: Handoff } {
  return { ...event, [HANDOFF_FIELD]: handoff };
}

const OPERATIONS: readonly Operation[] = ['StopProjectVersion', 'DeleteProjectVersion'];
/** A status Rekognition returns, or one of the teardown's own (BUSY, UNKNOWN, GONE). */
const STATE_PATTERN = /^[A-Z_]{1,40}$/;
/** No learned pause may exceed an hour, the longest Lambda-driven wait there is. */
const MAX_PAUSE_MS = 3_600_000;

/** The hand-off in `value`, or undefined when there is none or it is malformed. */
export function readHandoff(value: unknown): Handoff | undefined {
  if (!isRecord(value) || !isTime(value.waitStartedAt) || !Number.isInteger(value.run) || (value.run as number) < 2) {
    return undefined;
  }
  const progress = readProgress(value.progress);
  return { waitStartedAt: value.waitStartedAt, run: value.run as number, ...(progress ? { progress } : {}) };
}

/** What the last run learned, or undefined when it is missing or malformed (then the run starts over). */
export function readProgress(value: unknown): TeardownProgress | undefined {
  if (!isRecord(value) || !isRecord(value.pacing)) {
    return undefined;
  }
  const { state, stateSince, next, stopMayBeNeeded, deleteAccepted } = value;
  const stop = readPacing(value.pacing.StopProjectVersion);
  const del = readPacing(value.pacing.DeleteProjectVersion);
  if (typeof state !== 'string' || !STATE_PATTERN.test(state)
    || !isTime(stateSince)
    || !OPERATIONS.includes(next as Operation)
    || typeof stopMayBeNeeded !== 'boolean'
    || typeof deleteAccepted !== 'boolean'
    || !stop || !del) {
    return undefined;
  }
  const pacing = { StopProjectVersion: stop, DeleteProjectVersion: del };
  return { state, stateSince, next: next as Operation, stopMayBeNeeded, deleteAccepted, pacing };
}

/** One operation's learned pacing, or undefined when malformed. */
function readPacing(value: unknown): PacingState | undefined {
  if (!isRecord(value) || !isPause(value.callGapMs) || !isPause(value.backoffMs)) {
    return undefined;
  }
  return { callGapMs: value.callGapMs, backoffMs: value.backoffMs };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isTime(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0;
}

function isPause(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 && value <= MAX_PAUSE_MS;
}
