import { MODEL_RESOURCE_TYPE } from './properties';
import { Pacing } from './schedule';
import { StackResource } from './stack-api';

/**
 * The turns that the models of one stack take when the stack deletes them at once: they share
 * Rekognition's limits, and none of their runs can see the others. Each model has a turn every
 * `count` × the pacing's `turnMs`, at its rank among them, on the wall clock (which the runs share
 * to within milliseconds), so that the calls of one stack never land on the same moment: a model
 * throttled before its Stop tries again on its turn, and its polls wait for their turns.
 */

/** This teardown's place among the models its stack deletes at once. */
export interface Turns {
  /** From 0, in the order of the resources' logical ids. */
  readonly rank: number;
  /** How many models the stack deletes at once (2 or more). */
  readonly count: number;
}

/**
 * The turns of resource `logicalId` among the stack's model resources being deleted, or undefined
 * when it is deleted alone (or is not listed, as the old resource of an update's replacement).
 */
export function turnsAmong(resources: readonly StackResource[], logicalId: string): Turns | undefined {
  const deleting = resources
    .filter((r) => r.resourceType === MODEL_RESOURCE_TYPE && r.resourceStatus === 'DELETE_IN_PROGRESS')
    .map((r) => r.logicalResourceId)
    .sort();
  const rank = deleting.indexOf(logicalId);
  return rank >= 0 && deleting.length > 1 ? { rank, count: deleting.length } : undefined;
}

/** How long from `at` (epoch ms) until the model's next turn begins: 0 when it begins at `at`. */
export function untilTurnMs(turns: Turns, turnMs: number, at: number): number {
  const cycle = turns.count * turnMs;
  const sinceCycle = ((at % cycle) + cycle) % cycle;
  return (turns.rank * turnMs - sinceCycle + cycle) % cycle;
}

/** `afterMs` from `at`, moved on to the start of the model's next turn (unchanged without turns). */
export function onTurnMs(turns: Turns | undefined, turnMs: number, at: number, afterMs: number): number {
  return turns ? afterMs + untilTurnMs(turns, turnMs, at + afterMs) : afterMs;
}

/**
 * The pacing of a teardown that takes turns: it learns no gap between calls longer than half a cycle of
 * its turns. The turns already keep the stack's own calls under the limit; a longer gap would only put
 * off the look that sees the model stopped, or gone.
 */
export function pacingWithTurns(pacing: Pacing, turns: Turns | undefined): Pacing {
  return turns ? { ...pacing, maxCallGapMs: Math.min(pacing.maxCallGapMs, (turns.count * pacing.turnMs) / 2) } : pacing;
}
