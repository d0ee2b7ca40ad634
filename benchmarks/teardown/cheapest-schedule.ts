import { virtualTeardown } from './virtual-model';
import { DELETE_MS, overheadTargetMs, spread } from './workload';
import { DEFAULT_PACING, Pacing } from '../../lambda/teardown/schedule';
import { randomStream } from '../support/random';
import { median } from '../support/stats';

/**
 * The fewest calls any schedule of the handler's form (first pause, growth with the state's age,
 * longest pause) needs to meet every overhead target, found by a grid search on the virtual
 * clock: how far apart the overhead and calls targets are.
 */

const FIRST_PAUSES = [500, 750, 1_000, 1_250, 1_500];
const GROWTHS = [0.02, 0.03, 0.04, 0.05, 0.06, 0.07, 0.08, 0.1];
const LONGEST_PAUSES = [10_000, 15_000, 20_000, 25_000, 30_000];
const SEEDS = 101;

export interface Cheapest {
  readonly pacing: Pacing;
  readonly medianCalls: number;
  readonly searched: number;
}

export async function cheapestScheduleMeetingOverheadTargets(stops: readonly number[]): Promise<Cheapest | undefined> {
  let best: Cheapest | undefined;
  let searched = 0;
  for (const firstPollMs of FIRST_PAUSES) {
    for (const pollGrowth of GROWTHS) {
      for (const maxPollMs of LONGEST_PAUSES) {
        searched++;
        const pacing = { ...DEFAULT_PACING, firstPollMs, pollGrowth, maxPollMs };
        let calls: number[] = [];
        let meets = true;
        for (const stopMs of stops) {
          const runs = [];
          for (let i = 0; i < SEEDS; i++) {
            const durations = randomStream(50_000 + i);
            runs.push(await virtualTeardown(pacing, spread(stopMs, durations), spread(DELETE_MS, durations), i));
          }
          calls = runs.map((r) => r.calls);
          if (median(runs.map((r) => r.overheadMs)) > overheadTargetMs(stopMs)) {
            meets = false;
            break;
          }
        }
        // The calls are those of the last (longest) stop.
        if (meets && (best === undefined || median(calls) < best.medianCalls)) {
          best = { pacing, medianCalls: median(calls), searched: 0 };
        }
      }
    }
  }
  return best && { ...best, searched };
}
