import { virtualTeardown } from './virtual-model';
import { DELETE_MS, spread } from './workload';
import { Pacing } from '../../lambda/teardown/schedule';
import { seededRandom } from '../../local/random';
import { median } from '../support/stats';

/**
 * The trade-off between overhead and calls, as one curve through the default: every pause of the
 * polling schedule (first pause, growth with the state's age, longest pause) multiplied by a
 * factor, on the virtual clock (the schedule alone, calls taking no time). A factor below 1 looks
 * more often (less overhead, more calls), above 1 less often.
 */

export const CURVE_FACTORS = [0.25, 0.5, 1, 2];
const SEEDS = 201;

export interface CurvePoint {
  readonly factor: number;
  /** Median overhead per stop duration, in ms, in the order of the stops asked for. */
  readonly overheadMs: number[];
  /** Median and largest calls for the longest stop asked for. */
  readonly medianCalls: number;
  readonly maxCalls: number;
}

/** The schedule with every pause multiplied by `factor`. */
export function scaledSchedule(pacing: Pacing, factor: number): Pacing {
  return { ...pacing, firstPollMs: pacing.firstPollMs * factor, pollGrowth: pacing.pollGrowth * factor, maxPollMs: pacing.maxPollMs * factor };
}

export async function scheduleCurve(pacing: Pacing, stops: readonly number[]): Promise<CurvePoint[]> {
  const points: CurvePoint[] = [];
  for (const factor of CURVE_FACTORS) {
    const overheadMs: number[] = [];
    let calls: number[] = [];
    for (const stopMs of stops) {
      const runs = [];
      for (let i = 0; i < SEEDS; i++) {
        // The same stop and delete durations at every point of the curve: the seed decides them.
        const durations = seededRandom(50_000 + i);
        runs.push(await virtualTeardown(scaledSchedule(pacing, factor), spread(stopMs, durations), spread(DELETE_MS, durations), i));
      }
      overheadMs.push(median(runs.map((r) => r.overheadMs)));
      calls = runs.map((r) => r.calls);
    }
    points.push({ factor, overheadMs, medianCalls: median(calls), maxCalls: Math.max(...calls) });
  }
  return points;
}
