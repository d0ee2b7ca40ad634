import {
  epochNow, iqr, median, modelArn, ownClientApi, percent, pointSdkAt, quantile, ratio, seconds, Section, sleep, table, Verdict,
} from './support';
import { readModelVersion } from '../lambda/teardown/properties';
import { DEFAULT_PACING } from '../lambda/teardown/schedule';
import { tearDown } from '../lambda/teardown/teardown';
import { seededRandom } from '../local/random';
import { CallRecord, RekognitionSimulator } from '../local/rekognition';
import { StackFleet } from '../local/stack-fleet';

/**
 * Section 6: many models deleted at once, sharing a Rekognition that admits 5 calls per second per
 * operation and fails 10% of calls with HTTP 500. When each model's billing stopped (its Stop
 * accepted), when all were gone, and the share of throttled calls, against the ideal; with the
 * real bundle, and in this process beside the SDK's own adaptive retry mode.
 */

const BASE = { tps: 5, serverErrorRate: 0.1, stopMs: 60_000, deleteMs: 10_000 };
const CASES: readonly FleetCase[] = [{ ...BASE, stacks: 1, modelsPerStack: 30 }, { ...BASE, stacks: 4, modelsPerStack: 25 }];
const BILLING_TARGET = 1.2;
const TOTAL_TARGET = 1.3;
const THROTTLED_TARGET = 0.25;

interface Measured {
  readonly how: string;
  readonly c: FleetCase;
  readonly run: FleetRun;
  readonly billingRatio: number;
  readonly totalRatio: number;
  readonly throttledShare: number;
}

const describeCase = (c: FleetCase) => (c.stacks === 1 ? `${modelCount(c)} models in one stack` : `${modelCount(c)} models across ${c.stacks} stacks`);

function measure(how: string, c: FleetCase, run: FleetRun): Measured {
  // One cold start: the earliest any teardown of this run could call.
  const best = ideal(c, Math.min(...run.firstCallAfterMs));
  return {
    how,
    c,
    run,
    billingRatio: Math.max(...run.stopAcceptedAfterMs) / best.lastStopMs,
    totalRatio: Math.max(...run.doneAfterMs) / best.totalMs,
    throttledShare: run.calls.filter((call) => call.fault === 'tpsLimit').length / run.calls.length,
  };
}

/**
 * Runs of the real bundle per case, one after the other: a single run of a fleet varies by more than a
 * target's margin, so the verdicts take the median of the runs, with their spread. A run of 100 models
 * takes 3 minutes, so that case runs once.
 */
const bundleRuns = (c: FleetCase) => (c.stacks === 1 ? 3 : 1);

export async function manyModels(log: (message: string) => void): Promise<Section[]> {
  const bundle: Measured[][] = [];
  for (const [i, c] of CASES.entries()) {
    const runs: Measured[] = [];
    for (let r = 1; r <= bundleRuns(c); r++) {
      log(`many models: the real bundle, ${describeCase(c)}, a process per teardown, run ${r} of ${bundleRuns(c)} `
        + `(about ${c.stacks === 1 ? 2 : 3} min)`);
      const how = bundleRuns(c) === 1 ? 'real bundle' : `real bundle, run ${r} of ${bundleRuns(c)}`;
      runs.push(measure(how, c, await bundleFleet(c, 7 + 10 * i + r)));
    }
    bundle.push(runs);
  }
  log('many models: the handler\'s pacing and the SDK\'s adaptive retry mode, both cases side by side in this process (about 3 min)');
  const inProcess = await Promise.all(CASES.flatMap((c, i) => [false, true].map(async (adaptive) =>
    measure(adaptive ? 'in-process, SDK adaptive retry mode (token bucket per client, 3 attempts)' : 'in-process, the handler\'s pacing',
      c, await inProcessFleet(c, 11 + 2 * i + (adaptive ? 1 : 0), adaptive)))));

  const rows = [...bundle.flat(), ...inProcess].sort((a, b) => modelCount(a.c) - modelCount(b.c)).map((m) => {
    const best = ideal(m.c, Math.min(...m.run.firstCallAfterMs));
    return [
      describeCase(m.c), m.how,
      `${seconds(Math.max(...m.run.stopAcceptedAfterMs), 1)} / ${seconds(best.lastStopMs, 1)}`, ratio(m.billingRatio),
      `${seconds(median(m.run.stopAcceptedAfterMs), 1)} / ${seconds(quantile(m.run.stopAcceptedAfterMs, 0.9), 1)}`,
      `${seconds(Math.max(...m.run.doneAfterMs), 1)} / ${seconds(best.totalMs, 1)}`, ratio(m.totalRatio),
      `${seconds(Math.min(...m.run.firstCallAfterMs), 1)} / ${seconds(Math.max(...m.run.firstCallAfterMs), 1)}`,
      String(m.run.calls.length), percent(m.throttledShare, 0),
    ];
  });
  // The median of a case's runs, and their spread; one run measures none.
  const claim = (runs: readonly Measured[], what: string, figure: (m: Measured) => number, shown: (value: number) => string,
    target: number): Verdict => {
    const values = runs.map(figure);
    const value = median(values);
    return {
      claim: `6. ${describeCase(runs[0].c)}: ${what} (real bundle)`,
      measured: runs.length === 1 ? shown(value) : `${shown(value)} (median of ${runs.length} runs: ${values.map(shown).join(', ')})`,
      target: `≤ ${shown(target)}`,
      met: value <= target,
      value,
      spread: runs.length === 1 ? undefined : iqr(values),
    };
  };
  const verdicts: Verdict[] = bundle.flatMap((runs) => [
    claim(runs, 'last model\'s Stop accepted vs ideal', (m) => m.billingRatio, (v) => ratio(v), BILLING_TARGET),
    claim(runs, 'all gone vs ideal', (m) => m.totalRatio, (v) => ratio(v), TOTAL_TARGET),
    claim(runs, 'throttled share of all calls', (m) => 100 * m.throttledShare, (v) => `${v.toFixed(0)}%`, 100 * THROTTLED_TARGET),
  ]);
  const repeatedRuns = CASES.filter((c) => bundleRuns(c) > 1).map((c) => `${bundleRuns(c)} times for ${describeCase(c)}`).join(' and ');
  const markdown = `
Stacks destroyed at once, as a pipeline that tears down many environments does: each stack has its own
teardown function (every run a fresh Node.js process of the real bundle, through its own local Lambda
service), and all share one simulator that admits ${BASE.tps} calls per second per operation (a rolling second;
throttled calls are answered \`ThrottlingException\` and do not count) and answers ${percent(BASE.serverErrorRate, 0)} of the calls it
admits with HTTP 500. Each model stops for ${seconds(BASE.stopMs, 0)} and deletes for ${seconds(BASE.deleteMs, 0)}. A model bills until
its Stop is accepted: *billing* is the time from the Delete events to the last model's Stop accepted.

**Ideal** (\`ideal\` in \`benchmarks/fleet.ts\`): an oracle that makes only the calls no teardown can avoid
(per model one Stop, one accepted Delete, one Delete that finds it gone), the failed ones again, each as soon
as the limit admits it, after one cold start: the earliest first call of the run. Starting 100 processes at once
on the machine the run was on, with few cores, delays every first call (*first call* column) more than 100 Lambda
runs, each with its own CPU, would be; the ideal starts from the earliest of them.

**Pacing** (\`lambda/teardown/schedule.ts\`, \`lambda/teardown/turns.ts\`): the models a stack deletes at once
take turns of ${DEFAULT_PACING.turnMs} ms on the wall clock, in the order of their logical ids (each run reads them in
the stack's resources). Every teardown's first call goes at once; the first throttled call before its Stop
(the claims read, or the Stop) waits for its turn, later ones retry after a short backoff (full jitter, at most
${seconds(DEFAULT_PACING.maxStopBackoffMs, 0)}); once one of its calls was throttled, its polls wait for their turns. Each teardown also keeps a call rate per operation, since
Rekognition limits each operation on its own: a throttled call cuts that operation's rate to a quarter, an
admitted one raises it by a tenth; a throttled poll waits for the learned gap, which a model that takes turns
keeps under half a cycle of them. The stacks of one pipeline
cannot see each other: their turns fall on the same moments. The SDK makes one attempt per call, so the
pacing sees every throttled call; the learned rates travel in the hand-off. The in-process rows run the same
teardowns without the claims read; the comparison rows give each client the SDK's own adaptive retry mode
instead (a token bucket per client, whose rate falls to 0.7 times the measured rate on a throttle; its floor
is 0.5 calls per second per client), under the same teardown loop. Each row is one run; the real bundle runs
${repeatedRuns}, and the summary takes the median of those runs.

${table(['Models', 'How', 'Billing: last Stop / ideal', 'vs ideal', 'Stop accepted, median / p90', 'All gone / ideal', 'vs ideal',
  'First call, first / last', 'Calls', 'Throttled'], rows)}

Every model's first call arrives in the same second: with N teardowns, N − ${BASE.tps} of the first calls are throttled
whatever the design. The models of one stack then take turns, at the rate of a few calls per second that a turn
of ${DEFAULT_PACING.turnMs} ms allows, whatever the limit is; the models of other stacks take their turns at the same
moments, so that with several stacks the turns collide and the throttled ones retry without knowing how many
others there are.
`;
  return [{ title: '6. Many models at once, 5 TPS per operation', markdown, verdicts }];
}

/** Models torn down at once against a Rekognition admitting `tps` calls per operation in any rolling second, failing a share with HTTP 500. */
type FleetCase = Record<'stacks' | 'modelsPerStack' | 'tps' | 'serverErrorRate' | 'stopMs' | 'deleteMs', number>;

/** What one run measured, each time in ms from the moment every Delete was sent; `calls` holds throttled ones too. */
interface FleetRun {
  readonly doneAfterMs: number[]; readonly firstCallAfterMs: number[]; readonly stopAcceptedAfterMs: number[]; readonly calls: readonly CallRecord[];
}

const modelCount = (c: FleetCase) => c.stacks * c.modelsPerStack;

/** Records each model's first call and accepted Stop, on this process's clock. */
function watch(sim: RekognitionSimulator, arns: readonly string[]): (startedAt: number) => Pick<FleetRun, 'firstCallAfterMs' | 'stopAcceptedAfterMs'> {
  const firstCallAt = new Map<string, number>();
  const stopAt = new Map<string, number>();
  sim.on('call', (call: CallRecord) => {
    if (call.arn === undefined) return;
    if (!firstCallAt.has(call.arn)) firstCallAt.set(call.arn, epochNow());
    if (call.operation === 'StopProjectVersion' && call.statusBefore === 'RUNNING' && call.statusAfter === 'STOPPING') stopAt.set(call.arn, epochNow());
  });
  return (startedAt) => ({
    firstCallAfterMs: arns.map((arn) => firstCallAt.get(arn)! - startedAt),
    stopAcceptedAfterMs: arns.map((arn) => stopAt.get(arn)! - startedAt),
  });
}

/** Every stack destroyed at once with the real bundle. */
async function bundleFleet(c: FleetCase, seed: number): Promise<FleetRun> {
  const fleet = await StackFleet.start({
    stacks: c.stacks,
    modelsPerStack: c.modelsPerStack,
    model: { status: 'RUNNING', stopDurationMs: c.stopMs, deleteDurationMs: c.deleteMs },
    simulator: { tpsLimit: c.tps, serverErrorRate: c.serverErrorRate, seed },
  });
  try {
    // The deploys' own calls (each Create records its claim) are not the teardown's.
    const callsBefore = fleet.sim.calls.length;
    const watched = watch(fleet.sim, fleet.arns);
    const startedAt = epochNow();
    const played = await fleet.destroyAll();
    const failed = played.filter((p) => p.response.body.Status !== 'SUCCESS');
    if (failed.length > 0) {
      throw new Error(`${failed.length} teardowns failed, e.g. ${failed[0].response.body.Reason}`);
    }
    return { doneAfterMs: played.map((p) => p.response.at - startedAt), ...watched(startedAt), calls: fleet.sim.calls.slice(callsBefore) };
  } finally {
    await fleet.close();
  }
}

/**
 * The same models torn down in this process: the real state machine and SDK adapter, a client per
 * model (as each Lambda run has its own), against a simulator of its own. `adaptive` gives each
 * client the SDK's adaptive retry mode (its token bucket, three attempts a call).
 */
async function inProcessFleet(c: FleetCase, seed: number, adaptive: boolean): Promise<FleetRun> {
  const arns = Array.from({ length: modelCount(c) }, (_, i) => modelArn(`fleet-${seed}-${i}`));
  const sim = await RekognitionSimulator.start({ seed });
  // Credentials from the environment; the endpoint per client, since fleets run side by side.
  pointSdkAt(sim.endpoint);
  try {
    const apis = arns.map(() => ownClientApi(sim.endpoint, adaptive ? { retryMode: 'adaptive', maxAttempts: 3 } : {}));
    arns.forEach((arn) => sim.addModel(arn, { status: 'RUNNING', stopDurationMs: c.stopMs, deleteDurationMs: c.deleteMs }));
    sim.configure({ tpsLimit: c.tps, serverErrorRate: c.serverErrorRate });
    const watched = watch(sim, arns);
    const startedAt = epochNow();
    const doneAfterMs = await Promise.all(arns.map(async (arn, i) => {
      // The turns each run reads in its stack's resources.
      const turns = { rank: i % c.modelsPerStack, count: c.modelsPerStack };
      const outcome = await tearDown(
        {
          model: readModelVersion(arn)!,
          action: 'DELETE',
          turns,
          waitStartedAt: startedAt,
          waitDeadline: startedAt + 30 * 60_000,
          runDeadline: startedAt + 14 * 60_000,
        },
        { api: apis[i], now: epochNow, sleep, random: seededRandom(seed * 1_000 + i), pacing: DEFAULT_PACING, log: () => {} },
      );
      if (outcome.result !== 'DONE') {
        throw new Error(`teardown of ${arn} ended ${JSON.stringify(outcome)}`);
      }
      return epochNow() - startedAt;
    }));
    return { doneAfterMs, ...watched(startedAt), calls: [...sim.calls] };
  } finally {
    await sim.close();
  }
}

/**
 * The physical limit (see the section): calls go in batches of `tps`, one second apart, after one cold start.
 * Billing ends with the last batch of Stops; the whole is the later of that model stopped and deleted, and
 * the Deletes' batches from the first model stopped on.
 */
function ideal(c: FleetCase, coldStartMs: number): { lastStopMs: number; totalMs: number } {
  const models = modelCount(c);
  const stops = Math.ceil(models / (1 - c.serverErrorRate));
  const deletes = Math.ceil((2 * models) / (1 - c.serverErrorRate));
  const lastStopMs = coldStartMs + (Math.ceil(stops / c.tps) - 1) * 1_000;
  const totalMs = Math.max(lastStopMs + c.stopMs + c.deleteMs, coldStartMs + c.stopMs + (Math.ceil(deletes / c.tps) - 1) * 1_000);
  return { lastStopMs, totalMs };
}
