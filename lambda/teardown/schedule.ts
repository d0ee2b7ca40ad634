/**
 * When to call Rekognition again. Two questions: when is it worth looking at the model again (the
 * polling schedule, from how long its state has lasted), and how often may this teardown make a
 * call of one operation (its call rate for that operation, learned from throttling, since other
 * teardowns share the same limit and none can see the others). Rekognition limits each operation
 * on its own, so the teardown learns one rate per operation: a throttled poll says nothing about
 * room for a Stop.
 */

/** How the teardown paces its calls. */
export interface Pacing {
  /** First pause after a state is seen, in ms. */
  readonly firstPollMs: number;
  /** Each pause is this fraction of the time the current state has lasted (bounded below and above). */
  readonly pollGrowth: number;
  /** Longest pause between two looks at a model's state while calls get through, in ms. */
  readonly maxPollMs: number;
  /**
   * While the model is deleting, no pause is shorter than this fraction of the whole wait so far: after a
   * long stop, a few seconds more of the delete are a small share of the wait, and cost no calls.
   */
  readonly deletingPollShare: number;
  /** Shortest backoff after a throttled or failed call, in ms. */
  readonly firstBackoffMs: number;
  /** Longest backoff after throttled or failed calls, in ms. */
  readonly maxBackoffMs: number;
  /** Longest backoff ceiling of a Stop, which stops the model's billing, in ms. */
  readonly maxStopBackoffMs: number;
  /** Each throttled call multiplies the teardown's call rate of that operation by this (0 to 1). */
  readonly throttleRateFactor: number;
  /** Each call that gets through raises the teardown's call rate of that operation by this fraction. */
  readonly admittedRateGrowth: number;
  /** Longest gap between two calls of one operation that throttling may impose (before jitter), in ms. */
  readonly maxCallGapMs: number;
  /** How long one model's turn lasts when the models of a stack take turns (turns.ts), in ms. */
  readonly turnMs: number;
}

/** What the teardown has learned about the shared limit of one operation; carried from run to run. */
export interface PacingState {
  /** Fewest ms between two calls of the operation (0 until one is throttled). */
  readonly callGapMs: number;
  /** The last backoff pause, which the next one grows from (0 after a call that got through). */
  readonly backoffMs: number;
}

/**
 * Polls often while a state is young (a short stop ends soon after it begins), then at a pace
 * proportional to how long the state has lasted, so that the wasted time stays a small fraction
 * of the wait and a long wait costs few calls (BENCHMARKS.md measures the trade-off). Each
 * throttled call cuts the operation's call rate to a quarter and each call that gets through
 * raises it by a tenth, so that teardowns sharing a limit slow down together. A throttled Stop
 * retries after its own short backoff ("full jitter", at most 2 s), which ignores the learned gap:
 * a running model bills until its Stop is accepted. A throttled poll waits for the gap: it only
 * looked too soon (a model that takes turns keeps it under half a cycle of them: turns.ts). Other
 * failed calls back off for at most 8 s. The models of one stack take turns of 220 ms (turns.ts), a
 * little over a fifth of a second: a stack's turns alone make at most about 4.5 calls a second of an
 * operation, which leaves room for the retries of server errors under a limit of 5. BENCHMARKS.md
 * (section 6) measures what this costs in time and throttled calls.
 */
export const DEFAULT_PACING: Pacing = {
  firstPollMs: 1_500,
  pollGrowth: 0.13,
  maxPollMs: 32_000,
  deletingPollShare: 0.03,
  firstBackoffMs: 1_000,
  maxBackoffMs: 8_000,
  maxStopBackoffMs: 2_000,
  throttleRateFactor: 0.25,
  admittedRateGrowth: 0.1,
  maxCallGapMs: 22_000,
  turnMs: 220,
};

/** Nothing learned yet: no limit seen. */
export const INITIAL_PACING_STATE: PacingState = { callGapMs: 0, backoffMs: 0 };

/**
 * Pause before looking at a state again, never shorter than `floorMs` (nor longer than the longest
 * pause), with ±20% jitter so that many models spread out.
 */
export function pollDelayMs(pacing: Pacing, stateAgeMs: number, random: () => number, floorMs = 0): number {
  const base = Math.min(pacing.maxPollMs, Math.max(pacing.firstPollMs, stateAgeMs * pacing.pollGrowth, floorMs));
  return Math.round(base * (0.8 + 0.4 * random()));
}

/**
 * A call got through: the rate rises by `admittedRateGrowth` (multiplicatively, so that the share
 * of throttled calls at the limit does not grow with the number of teardowns sharing it), and the
 * backoff starts over.
 */
export function afterAdmittedCall(pacing: Pacing, state: PacingState): PacingState {
  return { callGapMs: state.callGapMs / (1 + pacing.admittedRateGrowth), backoffMs: 0 };
}

/**
 * A call was throttled: the rate this teardown actually called the operation at (one call per
 * `sinceLastCallMs`, or the learned gap if that is longer) is multiplied by `throttleRateFactor`.
 */
export function afterThrottledCall(pacing: Pacing, state: PacingState, sinceLastCallMs: number): PacingState {
  const sendingGapMs = Math.max(state.callGapMs, sinceLastCallMs, pacing.firstBackoffMs);
  return { ...state, callGapMs: Math.min(pacing.maxCallGapMs, sendingGapMs / pacing.throttleRateFactor) };
}

/**
 * Pause after a throttled or failed call: "decorrelated jitter" (AWS Architecture Blog,
 * "Exponential Backoff And Jitter"), a random pause between the shortest backoff and three times
 * the last pause, capped. Returns the pause and the state that remembers it.
 */
export function backoff(pacing: Pacing, state: PacingState, random: () => number): { pauseMs: number; state: PacingState } {
  const floor = pacing.firstBackoffMs;
  const ceiling = 3 * Math.max(floor, state.backoffMs);
  const pauseMs = Math.round(Math.min(pacing.maxBackoffMs, floor + (ceiling - floor) * random()));
  return { pauseMs, state: { ...state, backoffMs: pauseMs } };
}

/**
 * Pause after a throttled or failed Stop: "full jitter" (same article), a random pause up to a
 * ceiling that doubles from the shortest backoff with each retry, to at most `maxStopBackoffMs`.
 * Shorter on average than the polls' backoff, and never held to a floor: every teardown's first
 * Stop arrives at once, and the sooner the retries spread over the limit the sooner billing ends.
 * The state remembers the ceiling.
 */
export function stopBackoff(pacing: Pacing, state: PacingState, random: () => number): { pauseMs: number; state: PacingState } {
  const ceiling = state.backoffMs === 0 ? pacing.firstBackoffMs : Math.min(pacing.maxStopBackoffMs, 2 * state.backoffMs);
  return { pauseMs: Math.round(ceiling * random()), state: { ...state, backoffMs: ceiling } };
}

/** Pause before the next look at the model: the schedule's, but never less than the operation's learned gap (jittered). */
export function nextPollMs(pacing: Pacing, state: PacingState, stateAgeMs: number, random: () => number, floorMs = 0): number {
  const scheduled = pollDelayMs(pacing, stateAgeMs, random, floorMs);
  return Math.max(scheduled, Math.round(state.callGapMs * (0.8 + 0.4 * random())));
}
