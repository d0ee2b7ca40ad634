import { ModelApi } from './model-api';
import { ModelVersion, TeardownAction } from './properties';
import { Pacing } from './schedule';
import { timeoutReason } from './teardown-reasons';
import { Finished, ObservedState, progressOf, startMemory, step, StepAction, StepContext, TeardownProgress } from './teardown-step';
import { pacingWithTurns, Turns } from './turns';

/**
 * The loop around the teardown's state machine (teardown-step.ts): it sleeps, makes the call the
 * machine asks for, feeds it the answer, logs what changed, and stops at the run's and the wait's
 * deadlines.
 */

/** The hand-off's payload is part of a teardown's request and outcome. */
export type { TeardownProgress };

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
  /** The model's turns among those its stack deletes at once (turns.ts); undefined when deleted alone. */
  readonly turns?: Turns;
  /** Whether the claims read before the teardown already waited for the model's turn. */
  readonly turnTaken?: boolean;
}

/** The calls a teardown makes: only Stop and Delete (the claims are read before it starts, and released after it ends). */
export type TeardownModelApi = Pick<ModelApi, 'maxCallMs' | 'stopProjectVersion' | 'deleteProjectVersion'>;

/** How the teardown reaches the world: injected, so tests run it on a virtual clock. */
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
  | Finished
  /** This run's time is up but the overall wait is not: hand the wait on. */
  | {
    readonly result: 'CONTINUE';
    readonly lastState: ObservedState;
    readonly calls: number;
    /** What the run learned, for the next one; without it the next run starts over. */
    readonly progress?: TeardownProgress;
  };

/**
 * Stops (and, for DELETE, deletes) the model, waiting while it is busy, until it is done, a call
 * fails in a way waiting cannot fix, the overall wait runs out, or this run's time is up.
 */
export async function tearDown(request: TeardownRequest, deps: TeardownDeps): Promise<TeardownOutcome> {
  const { model, progress } = request;
  const pacing = pacingWithTurns(deps.pacing, request.turns);
  const teardown: StepContext = {
    model, action: request.action, pacing, random: deps.random, waitStartedAt: request.waitStartedAt, turns: request.turns,
  };
  let memory = startMemory(progress, deps.now(), pacing, request.turnTaken);
  let action: StepAction = { call: memory.next };
  let calls = 0;
  const elapsedMs = () => deps.now() - request.waitStartedAt;
  const log = (message: string, fields: Record<string, unknown>) =>
    deps.log({ message, model: model.arn, ...fields, attempt: calls, elapsedMs: elapsedMs() });
  const end = (outcome: Finished): TeardownOutcome => {
    log(outcome.result === 'DONE' ? 'teardown done' : 'teardown failed',
      outcome.result === 'DONE' ? { summary: outcome.summary } : { status: outcome.lastState, reason: outcome.reason });
    return outcome;
  };
  if (progress) {
    deps.log({ message: 'resuming', model: model.arn, status: memory.state, next: memory.next, callGapMs: memory.pacing[memory.next].callGapMs, elapsedMs: elapsedMs() });
  }
  // No pause lasts past the point where this run must stop calling.
  const callWindowEnd = Math.min(request.runDeadline - deps.api.maxCallMs, request.waitDeadline);

  for (;;) {
    if ('done' in action) {
      return end(action.done);
    }
    if (action.afterMs !== undefined) {
      await deps.sleep(Math.max(0, Math.min(action.afterMs, callWindowEnd - deps.now())));
    }
    // Every run makes at least one call, so a late redelivery still looks at the model once.
    if (calls > 0 && deps.now() >= request.waitDeadline) {
      return end({ result: 'FAILED', reason: timeoutReason(model, memory.state, elapsedMs()), lastState: memory.state });
    }
    if (deps.now() + deps.api.maxCallMs >= request.runDeadline) {
      log('run time up', { status: memory.state });
      return { result: 'CONTINUE', lastState: memory.state, calls, progress: progressOf(memory) };
    }

    calls++;
    const sentAt = deps.now();
    const answer = action.call === 'StopProjectVersion' ? await deps.api.stopProjectVersion(model.arn) : await deps.api.deleteProjectVersion(model.arn);
    const before = memory;
    ({ memory, action } = step(teardown, memory, { answer, sentAt }, deps.now()));
    if (memory.state !== before.state) {
      log('model state', { status: memory.state });
    }
    if ('error' in answer && memory.transientStreak === 1) {
      log('retrying', { operation: before.next, error: answer.error });
    }
  }
}
