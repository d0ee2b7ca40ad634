/**
 * When to call Rekognition again. Two clocks: the wait for a model's state to change, and the
 * backoff after a call the service refused for load.
 */

/** How the teardown paces its calls. */
export interface Pacing {
  /** First pause after a state is seen, in ms. */
  readonly firstPollMs: number;
  /** Each pause is this fraction of the time the current state has lasted (bounded below and above). */
  readonly pollGrowth: number;
  /** Longest pause between two looks at a model's state, in ms. */
  readonly maxPollMs: number;
  /** First backoff after a throttled or failed call, in ms; doubles with each further one. */
  readonly firstBackoffMs: number;
  /** Longest backoff after throttled or failed calls, in ms. */
  readonly maxBackoffMs: number;
  /**
   * Most that throttling may stretch the polls: each throttled call doubles the stretch, each
   * call that gets through shrinks it by a third, so that many models share Rekognition's limit.
   */
  readonly maxThrottleSlowdown: number;
}

/**
 * Polls often while a state is young (a short stop ends soon after it begins), then at a pace
 * proportional to how long the state has lasted, so that the wasted time stays a small fraction
 * of the wait and a long wait costs few calls (BENCHMARKS.md measures the trade-off).
 */
export const DEFAULT_PACING: Pacing = {
  firstPollMs: 1_000,
  pollGrowth: 0.25,
  maxPollMs: 22_000,
  firstBackoffMs: 500,
  maxBackoffMs: 5_000,
  maxThrottleSlowdown: 8,
};

/** Pause before looking at a state again, with ±20% jitter so that many models spread out. */
export function pollDelayMs(pacing: Pacing, stateAgeMs: number, random: () => number): number {
  const base = Math.min(pacing.maxPollMs, Math.max(pacing.firstPollMs, stateAgeMs * pacing.pollGrowth));
  return Math.round(base * (0.8 + 0.4 * random()));
}

/** Capped exponential backoff with "equal jitter" (half fixed, half random) ("attempt" counts from 1). */
export function backoffDelayMs(pacing: Pacing, attempt: number, random: () => number): number {
  const cap = Math.min(pacing.maxBackoffMs, pacing.firstBackoffMs * 2 ** Math.min(attempt - 1, 30));
  return Math.round(cap / 2 + (cap / 2) * random());
}
