/**
 * The model every teardown benchmark tears down, and the overhead target it is held to, shared so
 * that the simulator, the real bundle and the virtual clock measure the same thing.
 */

/** How long DELETING lasts (the unit tests assume the same). */
export const DELETE_MS = 10_000;

/**
 * Each run's stop and delete durations vary by this share around the nominal ones: a fixed
 * duration would favour whichever schedule happens to poll right after it.
 */
export const SPREAD = 0.1;

/** A duration within ±SPREAD of `nominalMs`. */
export function spread(nominalMs: number, random: () => number): number {
  return Math.round(nominalMs * (1 - SPREAD + 2 * SPREAD * random()));
}

/** The target: at most 1.5 s, or 5% of the stop for stops long enough that 5% is more. */
export function overheadTargetMs(stopMs: number): number {
  return Math.max(1_500, 0.05 * stopMs);
}
