import { ErrorAnswer, isTransient, ModelAnswer, THROTTLE_ERRORS } from './model-api';
import { isSettled, isStopping, mayRun } from './model-status';
import { ModelVersion, TeardownAction } from './properties';
import {
  afterAdmittedCall,
  afterThrottledCall,
  backoff,
  INITIAL_PACING_STATE,
  nextPollMs,
  Pacing,
  PacingState,
  pollDelayMs,
  stopBackoff,
} from './schedule';
import { doneSummaries, failureReason } from './teardown-reasons';
import { onTurnMs, Turns, untilTurnMs } from './turns';

/**
 * The teardown of one model as a state machine, learned from what StopProjectVersion and
 * DeleteProjectVersion answer (the role may call nothing else, and DescribeProjectVersions needs
 * the project ARN, which a version ARN does not give). `step` is pure: from what the teardown
 * knows and what its last call answered, it gives the next call and the pause before it, or the
 * end; the loop in teardown.ts makes the calls and watches the deadlines.
 */

/**
 * What the teardown knows of the model: a status Rekognition returned, `BUSY` when Delete
 * refused it as in use without saying why, `GONE` once it is, or `UNKNOWN` before any answer.
 */
export type ObservedState = string;

/** The call the teardown makes next. */
export type Operation = 'StopProjectVersion' | 'DeleteProjectVersion';

/** What the teardown learned of each operation's limit: Rekognition limits each on its own. */
export type OperationPacing = Readonly<Record<Operation, PacingState>>;

/** What a run learned about the model and the shared limit, for the run that goes on with the wait. */
export interface TeardownProgress {
  /** The model's state as last seen, and since when (epoch ms). */
  readonly state: ObservedState;
  readonly stateSince: number;
  readonly next: Operation;
  /** False once Stop said the model is stopping or in a state that never runs on its own. */
  readonly stopMayBeNeeded: boolean;
  readonly deleteAccepted: boolean;
  readonly pacing: OperationPacing;
}

/** What the steps of one run carry from call to call: the progress it may hand on, and what only this run keeps. */
export interface StepMemory extends TeardownProgress {
  /** For STOP: whether the model was seen stopping, by this run or the one before. */
  readonly sawStopping: boolean;
  /** How many calls in a row failed in a way worth retrying (the loop logs the first). */
  readonly transientStreak: number;
  /** When this run last sent each operation (epoch ms): the rate a throttled call was sent at. */
  readonly lastCallAt: Readonly<Partial<Record<Operation, number>>>;
  /** Whether a throttled call before the Stop has waited for the model's turn (it waits once; see turns.ts). */
  readonly turnTaken: boolean;
}

/** What stays the same over the steps of a teardown. */
export interface StepContext {
  readonly model: ModelVersion;
  readonly action: TeardownAction;
  readonly pacing: Pacing;
  readonly random: () => number;
  /** When the overall wait began (epoch ms), perhaps in an earlier run. */
  readonly waitStartedAt: number;
  /** The model's turns among those its stack deletes at once; undefined when deleted alone. */
  readonly turns?: Turns;
}

/** What the last call, of the operation `memory.next`, answered, and when it was sent (epoch ms). */
export interface Reply {
  readonly answer: ModelAnswer;
  readonly sentAt: number;
}

/** How a teardown ends, unless its run's time is up first. */
export type Finished =
  /**
   * The model is gone (DELETE) or not running (STOP); `tornDown` when this teardown made it so
   * (its Delete, or for STOP its Stop, was accepted, or the model it saw is gone since), not when
   * it found the model so already.
   */
  | { readonly result: 'DONE'; readonly summary: string; readonly tornDown: boolean }
  /** The teardown cannot finish; `lastState` is what it last saw of the model. */
  | { readonly result: 'FAILED'; readonly reason: string; readonly lastState: ObservedState };

/** What to do next: call `call` after `afterMs` (at once, without a pause, when absent), or stop. */
export type StepAction =
  | { readonly call: Operation; readonly afterMs?: number }
  | { readonly done: Finished };

/** One step of the state machine: what the teardown knows now, and what it does next. */
export interface Step {
  readonly memory: StepMemory;
  readonly action: StepAction;
}

/** Errors with which Rekognition may answer Stop for a model that is not running (undocumented). */
const NOT_RUNNING_ERRORS = new Set(['ResourceInUseException', 'InvalidParameterException']);

/**
 * What a run knows before its first call: what an earlier run handed on, or nothing, and whether
 * the claims read before it already waited for the model's turn; its first call is `next`, at once.
 */
export function startMemory(progress: TeardownProgress | undefined, now: number, pacing: Pacing, turnTaken = false): StepMemory {
  const capped = (learned: PacingState): PacingState => ({ ...learned, callGapMs: Math.min(learned.callGapMs, pacing.maxCallGapMs) });
  return {
    state: progress?.state ?? 'UNKNOWN',
    // A clock that runs behind the last run's must not make the state look younger than it is.
    stateSince: Math.min(progress?.stateSince ?? now, now),
    next: progress?.next ?? 'StopProjectVersion',
    stopMayBeNeeded: progress?.stopMayBeNeeded ?? true,
    deleteAccepted: progress?.deleteAccepted ?? false,
    pacing: progress
      ? { StopProjectVersion: capped(progress.pacing.StopProjectVersion), DeleteProjectVersion: capped(progress.pacing.DeleteProjectVersion) }
      : { StopProjectVersion: INITIAL_PACING_STATE, DeleteProjectVersion: INITIAL_PACING_STATE },
    sawStopping: progress?.state === 'STOPPING',
    transientStreak: 0,
    lastCallAt: {},
    turnTaken,
  };
}

/** The part of `memory` the next run needs. */
export function progressOf(memory: StepMemory): TeardownProgress {
  const { state, stateSince, next, stopMayBeNeeded, deleteAccepted, pacing } = memory;
  return { state, stateSince, next, stopMayBeNeeded, deleteAccepted, pacing };
}

/** The next step after `reply` to the call of `memory.next`, received at `now` (epoch ms). */
export function step(teardown: StepContext, memory: StepMemory, reply: Reply, now: number): Step {
  const operation = memory.next;
  const { answer } = reply;
  const sent: StepMemory = { ...memory, lastCallAt: { ...memory.lastCallAt, [operation]: reply.sentAt } };
  if ('error' in answer && isTransient(answer)) {
    return retry(teardown, sent, answer, memory.lastCallAt[operation], now);
  }
  const admitted = withPacing({ ...sent, transientStreak: 0 }, operation, afterAdmittedCall(teardown.pacing, memory.pacing[operation]));
  if ('error' in answer && answer.error === 'ResourceNotFoundException') {
    // A model this teardown saw (in this run or an earlier one) that is gone now was deleted by
    // it, or by a twin delivery of the same event (Lambda may deliver one twice): counted once,
    // by whichever run answers first.
    const sawModel = admitted.state !== 'UNKNOWN' && admitted.state !== 'GONE';
    const summary = admitted.deleteAccepted ? doneSummaries.deleted : doneSummaries.gone;
    return finish(seen(admitted, 'GONE', now), { result: 'DONE', summary, tornDown: admitted.deleteAccepted || sawModel });
  }
  return operation === 'StopProjectVersion' ? afterStop(teardown, admitted, answer, now) : afterDelete(teardown, admitted, answer, now);
}

/**
 * After a throttled or failed call, the same call again. A Stop, which ends the billing, retries
 * after a short backoff of its own and never waits for a gap, but the first throttled call before
 * it waits for the model's turn, when its stack deletes several at once. A poll waits at least the
 * gap learned for its operation, since it only looked too soon, but no longer than the schedule
 * would wait at the state's age, so that throttling unrelated to the rate cannot stall a wait; and
 * then for the model's turn (see pollTurns).
 */
function retry(teardown: StepContext, memory: StepMemory, answer: ErrorAnswer, previousCallAt: number | undefined, now: number): Step {
  const { pacing, random, turns } = teardown;
  const operation = memory.next;
  const throttled = THROTTLE_ERRORS.has(answer.error);
  const learned = throttled
    ? afterThrottledCall(pacing, memory.pacing[operation], previousCallAt === undefined ? 0 : now - previousCallAt)
    : memory.pacing[operation];
  const retrying = { ...memory, transientStreak: memory.transientStreak + 1 };
  if (operation === 'StopProjectVersion' && memory.stopMayBeNeeded) {
    if (throttled && turns && !memory.turnTaken) {
      const onTurn = withPacing({ ...retrying, turnTaken: true }, operation, learned);
      return { memory: onTurn, action: { call: operation, afterMs: untilTurnMs(turns, pacing.turnMs, now) } };
    }
    const backedOff = stopBackoff(pacing, learned, random);
    return { memory: withPacing(retrying, operation, backedOff.state), action: { call: operation, afterMs: backedOff.pauseMs } };
  }
  const backedOff = backoff(pacing, learned, random);
  const gapMs = Math.min(backedOff.state.callGapMs, pollDelayMs(pacing, now - memory.stateSince, random));
  const afterMs = Math.max(backedOff.pauseMs, Math.round(gapMs * (0.8 + 0.4 * random())));
  const after = withPacing(retrying, operation, backedOff.state);
  return { memory: after, action: { call: operation, afterMs: onTurnMs(pollTurns(teardown, after), pacing.turnMs, now, afterMs) } };
}

/** After Stop answered with a status or a not-running error. */
function afterStop(teardown: StepContext, memory: StepMemory, answer: ModelAnswer, now: number): Step {
  if ('error' in answer && !NOT_RUNNING_ERRORS.has(answer.error)) {
    return fail(teardown, memory, answer);
  }
  // Undocumented errors say the model is not running (it may still be starting).
  const learned = 'status' in answer ? stopSaw(memory, answer.status, now) : { ...memory, stopMayBeNeeded: true };
  const notYetStopped = 'status' in answer && (isStopping(answer.status) || mayRun(answer.status));
  if (teardown.action === 'STOP') {
    // A model this teardown saw stopping was stopped by it (or by its earlier run).
    const summary = doneSummaries.notRunning('status' in answer ? answer.status : answer.error);
    return notYetStopped ? poll(teardown, learned, 'StopProjectVersion', now) : finish(learned, { result: 'DONE', summary, tornDown: learned.sawStopping });
  }
  if (notYetStopped) {
    // Delete would only be refused while the model stops or starts.
    return poll(teardown, learned, learned.stopMayBeNeeded ? 'StopProjectVersion' : 'DeleteProjectVersion', now);
  }
  return { memory: { ...learned, next: 'DeleteProjectVersion' }, action: { call: 'DeleteProjectVersion' } };
}

/** What a status Stop answered says: whether the model may still need a Stop, and whether it was seen stopping. */
function stopSaw(memory: StepMemory, status: string, now: number): StepMemory {
  return { ...seen(memory, status, now), sawStopping: memory.sawStopping || isStopping(status), stopMayBeNeeded: mayRun(status) };
}

/** After Delete answered with a status or an error other than not found. */
function afterDelete(teardown: StepContext, memory: StepMemory, answer: ModelAnswer, now: number): Step {
  if ('status' in answer) {
    // Accepted: the version is being deleted; wait until it is gone.
    return poll(teardown, { ...seen(memory, answer.status, now), deleteAccepted: true, stopMayBeNeeded: false }, 'DeleteProjectVersion', now);
  }
  if (memory.deleteAccepted && answer.error !== 'AccessDeniedException') {
    // Delete was accepted: whatever it answers now (undocumented), the model is going.
    return poll(teardown, memory, 'DeleteProjectVersion', now);
  }
  if (answer.error === 'ResourceInUseException') {
    const busy = memory.state === 'UNKNOWN' ? seen(memory, 'BUSY', now) : memory;
    // Refused after Stop saw a settled model: something started it since.
    const stopMayBeNeeded = busy.stopMayBeNeeded || isSettled(busy.state);
    return poll(teardown, { ...busy, stopMayBeNeeded }, stopMayBeNeeded ? 'StopProjectVersion' : 'DeleteProjectVersion', now);
  }
  return fail(teardown, memory, answer);
}

/**
 * Look at the model again with `operation`, after the schedule's pause (at least that operation's
 * learned gap, and while the model deletes a share of the whole wait), on the model's turn (see pollTurns).
 */
function poll(teardown: StepContext, memory: StepMemory, operation: Operation, now: number): Step {
  const { pacing, random } = teardown;
  const floorMs = memory.state === 'DELETING' ? pacing.deletingPollShare * (now - teardown.waitStartedAt) : 0;
  const scheduledMs = nextPollMs(pacing, memory.pacing[operation], now - memory.stateSince, random, floorMs);
  const afterMs = onTurnMs(pollTurns(teardown, memory), pacing.turnMs, now, scheduledMs);
  return { memory: { ...memory, next: operation }, action: { call: operation, afterMs } };
}

/**
 * The turns the polls wait for: once a throttled call has shown that the limits are shared (a model
 * whose calls all get through polls on its own schedule, however many its stack deletes).
 */
function pollTurns(teardown: StepContext, memory: StepMemory): Turns | undefined {
  const { StopProjectVersion: stop, DeleteProjectVersion: del } = memory.pacing;
  return memory.turnTaken || stop.callGapMs > 0 || del.callGapMs > 0 ? teardown.turns : undefined;
}

/** `memory` having seen the model in `state` at `now`: a new state starts its age. */
function seen(memory: StepMemory, state: ObservedState, now: number): StepMemory {
  return state === memory.state ? memory : { ...memory, state, stateSince: now };
}

function withPacing(memory: StepMemory, operation: Operation, learned: PacingState): StepMemory {
  return { ...memory, pacing: { ...memory.pacing, [operation]: learned } };
}

function fail(teardown: StepContext, memory: StepMemory, answer: ErrorAnswer): Step {
  return finish(memory, { result: 'FAILED', reason: failureReason(teardown.model, memory.next, answer), lastState: memory.state });
}

function finish(memory: StepMemory, done: Finished): Step {
  return { memory, action: { done } };
}
