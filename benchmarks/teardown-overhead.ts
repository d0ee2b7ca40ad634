import { monitorEventLoopDelay } from 'perf_hooks';
import {
  duration, epochNow, iqr, median, millis, modelArn, ownClientApi, percent, pointSdkAt, seconds, Section, sleep, table, verdict, Verdict,
} from './support';
import { readModelVersion } from '../lambda/teardown/properties';
import { DEFAULT_PACING, Pacing } from '../lambda/teardown/schedule';
import { tearDown } from '../lambda/teardown/teardown';
import { seededRandom } from '../local/random';
import { RekognitionSimulator, TransitionEvent } from '../local/rekognition';

/**
 * Sections 1 and 2: how much longer than the model itself the teardown takes, and how many calls
 * it makes, against the Rekognition simulator over HTTP with the real SDK.
 */

/** Real-time runs per row; they poll at most once a second, so many fit at once. */
const REAL_TIME_RUNS = 51;
/** Scaled runs per row: at time / 10 they poll ten times as often, so fewer at once keep the event loop free. */
const SCALED_RUNS = 21;
const SCALE = 10;
const FIVE_MINUTES = 300_000;
const MAX_CALLS = 40;

/** The overhead target: at most 1.5 s, or 10% of the model's own stop and delete time where that is more. */
const overheadTargetMs = (stopMs: number) => Math.max(1_500, 0.1 * (stopMs + DELETE_MS));

interface Row { readonly stopMs: number; readonly scale: number; readonly runs: TeardownMeasurement[] }

export async function teardownOverhead(log: (message: string) => void): Promise<Section[]> {
  const random = seededRandom(1);
  const scaledStops = [30_000, 60_000, 120_000, FIVE_MINUTES];
  log(`teardown overhead: ${scaledStops.length * SCALED_RUNS} in-process teardowns at time / ${SCALE}, at once (about 40 s)`);
  const scaled = await inProcessRows(scaledStops.map((stopMs) => ({ stopMs, scale: SCALE })), SCALED_RUNS, 100, random);
  log(`teardown overhead: ${2 * REAL_TIME_RUNS} in-process teardowns in real time, at once (about 50 s)`);
  const realTime = await inProcessRows([10_000, 30_000].map((stopMs) => ({ stopMs, scale: 1 })), REAL_TIME_RUNS, 40, random);
  const rows = [...scaled.rows, ...realTime.rows].sort((a, b) => a.stopMs - b.stopMs || a.scale - b.scale);
  return [
    overheadSection(rows, scaled.loopDelayP99Ms, realTime.loopDelayP99Ms),
    callsSection(rows.filter((r) => r.stopMs === FIVE_MINUTES)),
  ];
}

/** Runs every row's teardowns at once in this process against one simulator, their starts `staggerMs` apart. */
async function inProcessRows(
  specs: ReadonlyArray<{ stopMs: number; scale: number }>, runs: number, staggerMs: number, random: () => number,
): Promise<{ rows: Row[]; loopDelayP99Ms: number }> {
  const sim = await RekognitionSimulator.start();
  pointSdkAt(sim.endpoint);
  const timeline = modelTimeline(sim);
  const loopDelay = monitorEventLoopDelay({ resolution: 5 });
  loopDelay.enable();
  try {
    const rows = await Promise.all(specs.map(async ({ stopMs, scale }, r) => ({
      stopMs,
      scale,
      runs: await Promise.all(Array.from({ length: runs }, async (_, i) => {
        const stop = spread(stopMs, random);
        const del = spread(DELETE_MS, random);
        // Starts spread out, so that set-ups and first polls do not queue on one event loop.
        await sleep((r * runs + i) * staggerMs);
        return scaledTeardown(sim, timeline, modelArn(`bench-${scale}-${r}-${i}`), {
          stopMs: stop, deleteMs: del, scale, pacing: DEFAULT_PACING, random: seededRandom(1_000 * scale + 100 * r + i),
        });
      })),
    })));
    return { rows, loopDelayP99Ms: loopDelay.percentile(99) / 1e6 };
  } finally {
    loopDelay.disable();
    await sim.close();
  }
}

const how = (row: Row) => `in-process${row.scale > 1 ? `, time / ${row.scale}` : ''}`;

function overheadSection(rows: readonly Row[], scaledLoopDelayP99Ms: number, realTimeLoopDelayP99Ms: number): Section {
  const body = rows.map((row) => {
    const overhead = median(row.runs.map((r) => r.overheadMs));
    return [
      duration(row.stopMs), how(row), String(row.runs.length), seconds(overhead), seconds(overheadTargetMs(row.stopMs), 1),
      verdict(overhead <= overheadTargetMs(row.stopMs)), percent(overhead / (row.stopMs + DELETE_MS)),
      seconds(median(row.runs.map((r) => r.startMs))), seconds(median(row.runs.map((r) => r.stopLagMs))),
      seconds(median(row.runs.map((r) => r.deleteLagMs))), String(median(row.runs.map((r) => r.calls))),
    ];
  });
  const verdicts: Verdict[] = [...new Set(rows.map((r) => r.stopMs))].map((stopMs) => {
    // The row with the least scaling: the most runs, and no ×10 of fixed costs.
    const row = rows.filter((r) => r.stopMs === stopMs).sort((a, b) => a.scale - b.scale)[0];
    const overheads = row.runs.map((m) => m.overheadMs);
    const overhead = median(overheads);
    const met = overhead <= overheadTargetMs(stopMs);
    return {
      claim: `1. Teardown overhead, ${duration(stopMs)} stop (median, ${how(row)})`,
      measured: `${seconds(overhead)} (${percent(overhead / (stopMs + DELETE_MS))} of the model's own time)`,
      target: `≤ ${seconds(overheadTargetMs(stopMs), 1)}`,
      met,
      value: overhead / 1000,
      spread: iqr(overheads) / 1000,
    };
  });
  const markdown = `
The handler's total time minus the model's own STOPPING and DELETING time (as the simulator ran
them), with \`DEFAULT_PACING\`. Each model is RUNNING; DELETING lasts ${seconds(DELETE_MS, 0)}; every run's stop and
delete durations are drawn within ±${SPREAD * 100}% of the nominal ones. Median of the runs. The real \`tearDown\`
with the real SDK adapter (a client per teardown, as each Lambda run has, warmed by one call on another ARN:
section 7 measures the cold start) against the HTTP simulator, all runs at once in this process. With
**time / ${SCALE}**, the simulator's durations and every pause are divided by ${SCALE} and the measured times
multiplied by ${SCALE}; HTTP round trips and timer slack are multiplied too, so scaled rows err high.
The target is 1.5 s, or 10% of the model's own stop and delete time where that is more. *To STOPPING*
is from the start to the model STOPPING; *stop lag* from the model STOPPED to the accepted Delete;
*delete lag* from the model gone to the end. Event-loop delay of this process (p99), which delays
polls: ${millis(scaledLoopDelayP99Ms, 1)} during the scaled runs (×${SCALE} once scaled back), ${millis(realTimeLoopDelayP99Ms, 1)} during the real-time ones.

${table(['Stop', 'How', 'Runs', 'Overhead', 'Target', '', 'Of the own time', 'To STOPPING', 'Stop lag', 'Delete lag', 'Calls'], body)}

A model's end is seen only when the teardown looks, and looking often costs calls: the schedule
waits ${percent(DEFAULT_PACING.pollGrowth, 0)} of the state's age between looks (${seconds(DEFAULT_PACING.firstPollMs, 0)} to ${seconds(DEFAULT_PACING.maxPollMs, 0)}), and while the model deletes
at least ${percent(DEFAULT_PACING.deletingPollShare, 0)} of the whole wait: after a long stop, the delete's few seconds are a small share
of the wait and need few looks, which keeps a 5-minute stop within ${MAX_CALLS} calls.
`;
  return { title: '1. Teardown overhead', markdown, verdicts };
}

function callsSection(rows: readonly Row[]): Section {
  const calls = rows.flatMap((r) => r.runs.map((m) => m.calls));
  const med = median(calls);
  const over = percent(calls.filter((c) => c > MAX_CALLS).length / calls.length, 0);
  const markdown = `
Calls the simulator answered for one model whose stop lasts 5 minutes (±${SPREAD * 100}%) and whose delete lasts
${seconds(DELETE_MS, 0)} (the 5-minute rows of section 1): one Stop, Deletes refused while STOPPING, the accepted
Delete, Deletes answered DELETING, and the Delete that finds the model gone. ${calls.length} runs: median ${med},
most ${Math.max(...calls)}, ${over} of the runs over ${MAX_CALLS}.
`;
  return {
    title: '2. Calls to Rekognition per model, 5-minute stop',
    markdown,
    verdicts: [{
      claim: '2. Calls per model, 5-minute stop (median)',
      measured: `${med} (most ${Math.max(...calls)} of ${calls.length} runs)`,
      target: `≤ ${MAX_CALLS}`,
      met: med <= MAX_CALLS,
      value: med,
      spread: iqr(calls),
    }],
  };
}

/** How long DELETING lasts (the unit tests assume the same). */
const DELETE_MS = 10_000;
/** Each run's durations vary by this share around the nominal ones: a fixed one would favour whichever schedule polls right after it. */
const SPREAD = 0.1;

/** A duration within ±SPREAD of `nominalMs`. */
function spread(nominalMs: number, random: () => number): number {
  return Math.round(nominalMs * (1 - SPREAD + 2 * SPREAD * random()));
}

/** When each model entered each status, on this process's wall clock (the simulator emits transitions synchronously). */
type ModelTimeline = Map<string, number>;

function modelTimeline(sim: RekognitionSimulator): ModelTimeline {
  const entered: ModelTimeline = new Map();
  sim.on('transition', (event: TransitionEvent) => entered.set(`${event.arn} ${event.to ?? 'GONE'}`, epochNow()));
  return entered;
}

/** One teardown, in real (scaled-back) ms: overhead is the total minus the model's own STOPPING and DELETING time. */
interface TeardownMeasurement {
  readonly overheadMs: number; readonly startMs: number; readonly stopLagMs: number; readonly deleteLagMs: number; readonly calls: number;
}

const WARM_UP_ARN = modelArn('warm-up');

/**
 * The real `tearDown` in this process, with time compressed by `scale`: the model's durations and
 * every pause of the pacing are divided by it, and the measured times multiplied back; what does
 * not scale (HTTP round trips, timer slack) is multiplied too, so scaled figures err high. The
 * client is warmed by one call on another ARN first: the cold start is section 7's.
 */
async function scaledTeardown(
  sim: RekognitionSimulator, timeline: ModelTimeline, arn: string,
  options: { stopMs: number; deleteMs: number; scale: number; pacing: Pacing; random: () => number },
): Promise<TeardownMeasurement> {
  const { scale } = options;
  const api = ownClientApi(sim.endpoint);
  await api.stopProjectVersion(WARM_UP_ARN);
  sim.addModel(arn, { status: 'RUNNING', stopDurationMs: options.stopMs / scale, deleteDurationMs: options.deleteMs / scale });
  // Every duration (a field in ms) shrinks; shares and factors do not.
  const pacing = Object.fromEntries(Object.entries(options.pacing).map(([name, value]) =>
    [name, name.endsWith('Ms') ? (value as number) / scale : value])) as unknown as Pacing;
  const startedAt = epochNow();
  const outcome = await tearDown(
    { model: readModelVersion(arn)!, action: 'DELETE', waitStartedAt: startedAt, waitDeadline: startedAt + 59 * 60_000, runDeadline: startedAt + 14 * 60_000 },
    { api, now: epochNow, sleep, random: options.random, pacing, log: () => {} },
  );
  const endedAt = epochNow();
  if (outcome.result !== 'DONE') {
    throw new Error(`teardown of ${arn} ended ${JSON.stringify(outcome)}`);
  }
  const at = (status: string) => timeline.get(`${arn} ${status}`)!;
  const ownMs = at('STOPPED') - at('STOPPING') + at('GONE') - at('DELETING');
  return {
    overheadMs: (endedAt - startedAt - ownMs) * scale,
    startMs: (at('STOPPING') - startedAt) * scale,
    stopLagMs: (at('DELETING') - at('STOPPED')) * scale,
    deleteLagMs: (endedAt - at('GONE')) * scale,
    calls: sim.callsFor(arn).length,
  };
}
