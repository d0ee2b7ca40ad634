import { bundleFleet, FleetCase, FleetRun, modelCount } from './bundle-fleet';
import { idealTeardown } from './ideal-teardown';
import { inProcessFleet } from './in-process-fleet';
import { DEFAULT_PACING, Pacing } from '../../lambda/teardown/schedule';
import { percent, ratio, seconds } from '../support/format';
import { table } from '../support/markdown';
import { Section, Verdict } from '../support/report';
import { median, quantile } from '../support/stats';

/**
 * Benchmark 6: several stacks destroyed at once, their models sharing a Rekognition that admits 5
 * calls per second per operation and fails 10% of calls with HTTP 500: wall time as a ratio to the
 * ideal (ideal-teardown.ts) and the share of throttled calls, with the real bundle; and the
 * trade-off between the two along the pacing's patience, in this process.
 */

const CASE: FleetCase = { stacks: 4, modelsPerStack: 25, tps: 5, serverErrorRate: 0.1, stopMs: 60_000, deleteMs: 10_000 };
const WALL_TARGET = 1.3;
const THROTTLED_TARGET = 0.25;

/** Points of the trade-off curve: how patient a teardown is once it has been throttled. */
const CURVE: ReadonlyArray<readonly [string, Pacing]> = [
  ['**default**: retries after a backoff alone (`retryGapShare` 0)', DEFAULT_PACING],
  ['retries after half the learned gap (`retryGapShare` 0.5)', { ...DEFAULT_PACING, retryGapShare: 0.5 }],
  ['retries after the whole gap (`retryGapShare` 1), gap up to 45 s', { ...DEFAULT_PACING, retryGapShare: 1, maxCallGapMs: 45_000 }],
];

interface Measured {
  readonly how: string;
  readonly run: FleetRun;
  readonly wallRatio: number;
  readonly throttledShare: number;
}

export async function manyModels(log: (message: string) => void): Promise<Section[]> {
  const models = modelCount(CASE);
  const ideal = idealTeardown({ ...CASE, models });
  const measure = (how: string, run: FleetRun): Measured => ({
    how,
    run,
    wallRatio: run.totalMs / ideal.totalMs,
    throttledShare: run.calls.filter((c) => c.fault === 'tpsLimit').length / run.calls.length,
  });
  log(`many models: the real bundle, ${CASE.stacks} stacks of ${CASE.modelsPerStack}, ${models} processes at once (about 3 min)`);
  const bundle = measure('real bundle, default pacing', await bundleFleet(CASE, 7));
  log(`many models: ${CURVE.length} pacings side by side in this process, each against its own simulator (about 5 min)`);
  const curve = await Promise.all(CURVE.map(async ([name, pacing], i) => measure(`in-process, ${name}`, await inProcessFleet(CASE, pacing, 11 + i))));

  const row = (m: Measured) => {
    const admitted = m.run.calls.filter((c) => c.fault !== 'tpsLimit');
    const deletes = admitted.filter((c) => c.operation === 'DeleteProjectVersion');
    return [
      m.how,
      seconds(m.run.totalMs, 1),
      ratio(m.wallRatio),
      seconds(median(m.run.doneAfterMs), 1),
      seconds(quantile(m.run.doneAfterMs, 0.9), 1),
      `${seconds(median(m.run.firstCallAfterMs), 1)} / ${seconds(Math.max(...m.run.firstCallAfterMs), 1)}`,
      String(m.run.calls.length),
      percent(m.throttledShare, 0),
      `${deletes.length} (${deletes.filter((c) => c.error === 'ResourceInUseException').length} refused: in use)`,
    ];
  };
  const verdicts = fleetVerdicts(bundle, curve);
  const markdown = `
${CASE.stacks} stacks of ${CASE.modelsPerStack} RUNNING models destroyed at the same time, as a pipeline that tears down many
environments does: each stack has its own teardown function (every run a fresh Node.js process of
the real bundle, through its own local Lambda service), and all share one simulator that admits
${CASE.tps} calls per second per operation (a rolling second; throttled calls are answered
\`ThrottlingException\` and do not count) and answers ${percent(CASE.serverErrorRate, 0)} of the calls it admits with HTTP 500.
Each model stops for ${seconds(CASE.stopMs, 0)} and deletes for ${seconds(CASE.deleteMs, 0)}.

**Ideal** (\`benchmarks/concurrency/ideal-teardown.ts\`): an oracle that knows when each model changes
state makes only the calls no teardown can avoid (per model one Stop, one accepted Delete, one
Delete that finds it gone; the role may call nothing else), ${ideal.neededCalls} with the failed ones made again,
each as soon as the limit admits it. Stop-bound ${seconds(ideal.stopBoundMs, 0)}, Delete-bound ${seconds(ideal.deleteBoundMs, 0)}: ideal **${seconds(ideal.totalMs, 0)}**.

**Pacing** (\`lambda/teardown/schedule.ts\`). The AWS SDKs' adaptive retry mode keeps a client-side
token bucket whose rate falls to 0.7 times the measured sending rate on a throttled call and grows
back along a CUBIC curve; its floor is 0.5 calls per second per client (\`DefaultRateLimiter\` in
\`@smithy/core\`'s retry module) and its state lives in one SDK client. Here ${models} teardowns, each
with its own client in its own process, share ${CASE.tps} calls per second: at that floor they would
send ${models * 0.5} per second, so the SDK's limiter cannot be used as it is, and a hand-off would lose its
state. The teardown takes the idea, not the limiter: each teardown keeps its own call rate (as a
shortest gap between its calls), cuts it to \`throttleRateFactor\` (a quarter) of the rate it actually
called at on each throttled call, and raises it by \`admittedRateGrowth\` (a fifth) on each call that
gets through. The increase is multiplicative rather than additive: with an additive increase the
share of throttled calls at the limit grows with the number of teardowns sharing it, which none of
them knows. Retries follow the AWS Architecture Blog's "Exponential Backoff And Jitter", which found
"full" and "decorrelated" jitter far better than none or "equal jitter" (half of every pause
fixed, which the handler used before), full jitter doing slightly less work and decorrelated
finishing slightly sooner: the teardown takes decorrelated jitter (a random pause between a floor
and three times the last pause, capped), since each pause grows from the last one, which the
hand-off can carry, and its floor is where the learned gap comes in (\`retryGapShare\`). The SDK itself makes one attempt per
call, so the pacing sees every throttled call. The learned rate and backoff travel in the hand-off.

A run of ${models} teardowns lasts minutes, so each row is one run, and a total is the slowest of ${models}
models: it varies from run to run more than the median. Starting ${models} processes at once on this
machine's few cores delays their first calls (*first call* column) more than ${models} Lambda runs, each
with its own CPU, would be.

${table(['How', 'Total', 'vs ideal', 'Median model done', '90th percentile', 'First call (median / last)', 'Calls', 'Throttled', 'Deletes admitted'],
  [row(bundle), ...curve.map(row)])}

**Finishing sooner against fewer throttled calls.** The in-process rows are one curve along how
long a teardown waits before retrying a throttled call: retrying after a backoff alone finishes
sooner and is throttled more often; waiting out the learned gap is throttled less and finishes
later. Every teardown calls at times none of the others can see, so near the limit calls collide
by chance even when their sum stays under it: a share of throttled calls is the price of using the
limit fully, which the ideal does from the first stopped model on. The default takes the sooner
end: a running model bills until it stops, so a Stop that goes through sooner saves money, while
a throttled call costs a request and nothing else.${neitherTarget(curve)}
The last run of the previous pacing (2026-11-23, one stack of 100 models, no HTTP 500s, throttling
stretching polls up to 8 times but never past 22 s, the SDK retrying each throttled call once)
measured 1.48x the ideal with 84% of 4497 calls throttled.
`;
  return [{ title: `6. ${models} models across ${CASE.stacks} stacks, ${CASE.tps} TPS per operation`, markdown, verdicts }];
}

/** A sentence for when no point of the curve meets either target. */
function neitherTarget(curve: readonly Measured[]): string {
  if (curve.some((m) => m.wallRatio <= WALL_TARGET || m.throttledShare <= THROTTLED_TARGET)) {
    return '';
  }
  const soonest = [...curve].sort((a, b) => a.wallRatio - b.wallRatio)[0];
  const fewest = [...curve].sort((a, b) => a.throttledShare - b.throttledShare)[0];
  return `\nNo point of the curve meets either target in this run: the soonest, ${ratio(soonest.wallRatio)} of the ideal, had
${percent(soonest.throttledShare, 0)} of its calls throttled; the fewest throttled, ${percent(fewest.throttledShare, 0)}, took ${ratio(fewest.wallRatio)}.`;
}

/**
 * The two targets, for the real bundle. A missed target counts as a trade-off when a point of the
 * curve meets it but misses the other target by more than the default does.
 */
function fleetVerdicts(bundle: Measured, curve: readonly Measured[]): Verdict[] {
  const wallMet = (m: Measured) => m.wallRatio <= WALL_TARGET;
  const throttledMet = (m: Measured) => m.throttledShare <= THROTTLED_TARGET;
  const defaultPoint = curve[0];
  const tradedWall = curve.some((m) => wallMet(m) && m.throttledShare > defaultPoint.throttledShare);
  const tradedThrottled = curve.some((m) => throttledMet(m) && m.wallRatio > defaultPoint.wallRatio);
  const models = modelCount(CASE);
  return [
    {
      claim: `6. ${models} models across ${CASE.stacks} stacks at ${CASE.tps} TPS, 10% HTTP 500, ${seconds(CASE.stopMs, 0)} stop: total vs ideal (real bundle)`,
      measured: ratio(bundle.wallRatio),
      target: `≤ ${ratio(WALL_TARGET)}`,
      met: wallMet(bundle),
      tradedFor: tradedWall ? 'fewer throttled calls (section 6)' : undefined,
    },
    {
      claim: '6. Throttled share of all calls in that run (real bundle)',
      measured: `${percent(bundle.throttledShare, 0)} of ${bundle.run.calls.length}`,
      target: `≤ ${percent(THROTTLED_TARGET, 0)}`,
      met: throttledMet(bundle),
      tradedFor: tradedThrottled ? 'a shorter teardown (section 6)' : undefined,
    },
  ];
}

