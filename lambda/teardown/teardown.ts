import { isTransient, ModelAnswer, ModelApi, THROTTLE_ERRORS } from './model-api';
import { isSettled, mayRun } from './model-status';
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
import { failureReason, timeoutReason } from './teardown-reasons';

/**
 * The teardown of one model, learned from what StopProjectVersion and DeleteProjectVersion
 * answer (the role may call nothing else, and DescribeProjectVersions needs the project ARN,
 * which a version ARN does not give).
 */

/**
 * What the teardown knows of the model: a status Rekognition returned, `BUSY` when Delete
 * refused it as in use without saying why, or `UNKNOWN` before any answer.
 */
export type ObservedState = string;

/** One teardown, possibly spread over several runs of the function. */
export interface TeardownRequest {
  readonly model: ModelVersion;
  readonly action: TeardownAction;
  /** When the overall wait began (epoch ms), perhaps in an earlier run. */
  readonly waitStartedAt: number;
  /** The overall wait ends then (epoch ms): past it the teardown fails. */
  readonly waitDeadline: number;
  /** This run must return by then (epoch ms): past it the wait is handed on. */
  readonly runDeadline: number;
  /** What an earlier run of this teardown learned, to go on from there. */
  readonly progress?: TeardownProgress;
}

/** The call the teardown makes next. */
export type Operation = 'StopProjectVersion' | 'DeleteProjectVersion';

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

/** What the teardown learned of each operation's limit: Rekognition limits each on its own. */
export type OperationPacing = Readonly<Record<Operation, PacingState>>;

const INITIAL_OPERATION_PACING: OperationPacing = { StopProjectVersion: INITIAL_PACING_STATE, DeleteProjectVersion: INITIAL_PACING_STATE };

/** How the teardown reaches the world: injected, so tests run it on a virtual clock. */
/** The calls a teardown makes: only Stop and Delete, since the claims are settled before it starts. */
export type TeardownModelApi = Pick<ModelApi, 'maxCallMs' | 'stopProjectVersion' | 'deleteProjectVersion'>;

export interface TeardownDeps {
  readonly api: TeardownModelApi;
  readonly now: () => number;
  readonly sleep: (ms: number) => Promise<void>;
  readonly random: () => number;
  readonly pacing: Pacing;
  readonly log: (entry: Record<string, unknown>) => void;
}

/** How a run of the teardown ended. */
export type TeardownOutcome =
  /**
   * The model is gone (DELETE) or not running (STOP); `tornDown` when this teardown made it so
   * (its Delete, or for STOP its Stop, was accepted, or the model it saw is gone since), not when
   * it found the model so already.
   */
  | { readonly result: 'DONE'; readonly summary: string; readonly tornDown: boolean }
  /** The teardown cannot finish; `lastState` is what it last saw of the model. */
  | { readonly result: 'FAILED'; readonly reason: string; readonly lastState: ObservedState }
  /** This run's time is up but the overall wait is not: hand the wait on. */
  | {
    readonly result: 'CONTINUE';
    readonly lastState: ObservedState;
    readonly calls: number;
    /** What the run learned, for the next one; without it the next run starts over. */
    readonly progress?: TeardownProgress;
  };

/** Errors with which Rekognition may answer Stop for a model that is not running (undocumented). */
const NOT_RUNNING_ERRORS = new Set(['ResourceInUseException', 'InvalidParameterException']);
/**
 * Stops (and, for DELETE, deletes) the model, waiting while it is busy, until it is done, a call
 * fails in a way waiting cannot fix, the overall wait runs out, or this run's time is up.
 */
export async function tearDown(request: TeardownRequest, deps: TeardownDeps): Promise<TeardownOutcome> {
  const { model, action, progress } = request;
  const arn = model.arn;
  let state: ObservedState = progress?.state ?? 'UNKNOWN';
  // A clock that runs behind the last run's must not make the state look younger than it is.
  let stateSince = Math.min(progress?.stateSince ?? deps.now(), deps.now());
  let calls = 0;
  let transientStreak = 0;
  const capped = (learned: PacingState): PacingState => ({ ...learned, callGapMs: Math.min(learned.callGapMs, deps.pacing.maxCallGapMs) });
  const pacing: Record<Operation, PacingState> = progress?.pacing
    ? { StopProjectVersion: capped(progress.pacing.StopProjectVersion), DeleteProjectVersion: capped(progress.pacing.DeleteProjectVersion) }
    : { ...INITIAL_OPERATION_PACING };
  const lastCallAt: Partial<Record<Operation, number>> = {};
  /** False once Stop said the model is stopping or in a state that never runs on its own. */
  let stopMayBeNeeded = progress?.stopMayBeNeeded ?? true;
  let deleteAccepted = progress?.deleteAccepted ?? false;
  let next: Operation = progress?.next ?? 'StopProjectVersion';
  /** For STOP: whether the model was seen stopping, by this run or the one before. */
  let sawStopping = state === 'STOPPING';
  if (progress) {
    deps.log({ message: 'resuming', model: arn, status: state, next, callGapMs: pacing[next].callGapMs, elapsedMs: deps.now() - request.waitStartedAt });
  }

  const elapsedMs = () => deps.now() - request.waitStartedAt;
  const see = (observed: ObservedState) => {
    if (observed !== state) {
      state = observed;
      stateSince = deps.now();
      deps.log({ message: 'model state', model: arn, status: state, attempt: calls, elapsedMs: elapsedMs() });
    }
  };
  const done = (summary: string, tornDown: boolean): TeardownOutcome => {
    deps.log({ message: 'teardown done', model: arn, summary, attempt: calls, elapsedMs: elapsedMs() });
    return { result: 'DONE', summary, tornDown };
  };
  const fail = (reason: string): TeardownOutcome => {
    deps.log({ message: 'teardown failed', model: arn, status: state, reason, attempt: calls, elapsedMs: elapsedMs() });
    return { result: 'FAILED', reason, lastState: state };
  };
  /** Sleeps, but never past the point where this run must stop calling. */
  const pause = (ms: number) => deps.sleep(Math.max(0, Math.min(ms, callWindowEnd() - deps.now())));
  const callWindowEnd = () => Math.min(request.runDeadline - deps.api.maxCallMs, request.waitDeadline);
  /**
   * Pause before retrying a throttled or failed call. A Stop, which ends the billing, retries
   * after a short backoff of its own and never waits for a gap; a poll waits at least the gap
   * learned for its operation, since it only looked too soon, but no longer than the schedule
   * would wait at the state's age, so that throttling unrelated to the rate cannot stall a wait.
   */
  const retryPause = (operation: Operation): number => {
    const stop = operation === 'StopProjectVersion' && stopMayBeNeeded;
    const retry = (stop ? stopBackoff : backoff)(deps.pacing, pacing[operation], deps.random);
    pacing[operation] = retry.state;
    if (stop) {
      return retry.pauseMs;
    }
    const gapMs = Math.min(pacing[operation].callGapMs, pollDelayMs(deps.pacing, deps.now() - stateSince, deps.random));
    return Math.max(retry.pauseMs, Math.round(gapMs * (0.8 + 0.4 * deps.random())));
  };
  /** Waits before looking at the model again with `operation`, at least that operation's learned gap. */
  const pollBefore = (operation: Operation) => pause(nextPollMs(deps.pacing, pacing[operation], deps.now() - stateSince, deps.random));

  for (;;) {
    // Every run makes at least one call, so a late redelivery still looks at the model once.
    if (calls > 0 && deps.now() >= request.waitDeadline) {
      return fail(timeoutReason(model, state, elapsedMs()));
    }
    if (deps.now() + deps.api.maxCallMs >= request.runDeadline) {
      deps.log({ message: 'run time up', model: arn, status: state, attempt: calls, elapsedMs: elapsedMs() });
      return {
        result: 'CONTINUE',
        lastState: state,
        calls,
        progress: { state, stateSince, next, stopMayBeNeeded, deleteAccepted, pacing: { ...pacing } },
      };
    }

    calls++;
    const previousCallAt = lastCallAt[next];
    lastCallAt[next] = deps.now();
    const answer: ModelAnswer = next === 'StopProjectVersion'
      ? await deps.api.stopProjectVersion(arn)
      : await deps.api.deleteProjectVersion(arn);

    if ('error' in answer && isTransient(answer)) {
      transientStreak++;
      if (THROTTLE_ERRORS.has(answer.error)) {
        pacing[next] = afterThrottledCall(deps.pacing, pacing[next], previousCallAt === undefined ? 0 : deps.now() - previousCallAt);
      }
      if (transientStreak === 1) {
        deps.log({ message: 'retrying', model: arn, operation: next, error: answer.error, attempt: calls, elapsedMs: elapsedMs() });
      }
      await pause(retryPause(next));
      continue;
    }
    transientStreak = 0;
    pacing[next] = afterAdmittedCall(deps.pacing, pacing[next]);

    if ('error' in answer && answer.error === 'ResourceNotFoundException') {
      // A model this teardown saw (in this run or an earlier one) that is gone now was deleted by
      // it, or by a twin delivery of the same event (Lambda may deliver one twice): counted once,
      // by whichever run answers first.
      const sawModel = state !== 'UNKNOWN' && state !== 'GONE';
      see('GONE');
      return done(deleteAccepted ? 'the model is deleted' : 'the model no longer exists', deleteAccepted || sawModel);
    }

    if (next === 'StopProjectVersion') {
      if ('status' in answer) {
        see(answer.status);
        sawStopping ||= answer.status === 'STOPPING';
        stopMayBeNeeded = mayRun(answer.status);
        if (!stopMayBeNeeded) {
          // How often this Stop was throttled tells how many teardowns go at once, all of which
          // will poll with Delete: the polls start at the gap the Stop learned.
          const callGapMs = Math.max(pacing.DeleteProjectVersion.callGapMs, pacing.StopProjectVersion.callGapMs);
          pacing.DeleteProjectVersion = { ...pacing.DeleteProjectVersion, callGapMs };
        }
      } else if (NOT_RUNNING_ERRORS.has(answer.error)) {
        // Undocumented: the model is not running (it may still be starting).
        stopMayBeNeeded = true;
      } else {
        return fail(failureReason(model, next, answer));
      }
      const notYetStopped = 'status' in answer && (answer.status === 'STOPPING' || mayRun(answer.status));
      if (action === 'STOP') {
        if (!notYetStopped) {
          // A model this teardown saw stopping was stopped by it (or by its earlier run).
          return done(`the model is not running (${'status' in answer ? answer.status : answer.error})`, sawStopping);
        }
        await pollBefore('StopProjectVersion');
        continue;
      }
      if (notYetStopped) {
        // Delete would only be refused while the model stops or starts.
        next = stopMayBeNeeded ? 'StopProjectVersion' : 'DeleteProjectVersion';
        await pollBefore(next);
        continue;
      }
      next = 'DeleteProjectVersion';
      continue;
    }

    // DeleteProjectVersion
    if ('status' in answer) {
      // Accepted: the version is being deleted; wait until it is gone.
      see(answer.status);
      deleteAccepted = true;
      stopMayBeNeeded = false;
      await pollBefore(next);
      continue;
    }
    if (deleteAccepted && answer.error !== 'AccessDeniedException') {
      // Delete was accepted: whatever it answers now (undocumented), the model is going.
      await pollBefore(next);
      continue;
    }
    if (answer.error === 'ResourceInUseException') {
      if (state === 'UNKNOWN') {
        see('BUSY');
      }
      stopMayBeNeeded ||= isSettled(state);
      next = stopMayBeNeeded ? 'StopProjectVersion' : 'DeleteProjectVersion';
      await pollBefore(next);
      continue;
    }
    return fail(failureReason(model, next, answer));
  }
}
