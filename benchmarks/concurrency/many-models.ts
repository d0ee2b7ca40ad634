import { bundleFleet, FleetCase, FleetRun } from './bundle-fleet';
import { idealTeardown } from './ideal-teardown';
import { percent, ratio, seconds, verdict } from '../support/format';
import { table } from '../support/markdown';
import { Section } from '../support/report';
import { median, quantile } from '../support/stats';

/**
 * Benchmark 6: 100 models torn down at once against a Rekognition that admits 5 calls per second
 * per operation, as a ratio to the ideal (ideal-teardown.ts), with the real bundle.
 */

const CASE: FleetCase = { models: 100, tps: 5, stopMs: 60_000, deleteMs: 10_000 };
const TARGET = 1.3;

export async function manyModels(log: (message: string) => void): Promise<Section[]> {
  const ideal = idealTeardown(CASE);
  log(`100 models: the real bundle, 100 processes at once (about ${Math.round(ideal.totalMs * 1.7 / 1000)} s)`);
  const bundle = await bundleFleet(CASE);
  const row = (how: string, run: FleetRun) => {
    const admitted = run.calls.filter((c) => c.fault === undefined);
    const deletes = admitted.filter((c) => c.operation === 'DeleteProjectVersion');
    const r = run.totalMs / ideal.totalMs;
    return [
      how,
      seconds(run.totalMs, 1),
      ratio(r),
      verdict(r <= TARGET),
      seconds(median(run.doneAfterMs), 1),
      seconds(quantile(run.doneAfterMs, 0.9), 1),
      `${seconds(median(run.firstCallAfterMs), 1)} / ${seconds(Math.max(...run.firstCallAfterMs), 1)}`,
      String(run.calls.length),
      percent((run.calls.length - admitted.length) / run.calls.length, 0),
      `${deletes.length} (${deletes.filter((c) => c.error === 'ResourceInUseException').length} refused: STOPPING)`,
    ];
  };
  const bundleRatio = bundle.totalMs / ideal.totalMs;
  const markdown = `
${CASE.models} RUNNING models, each stopping for ${seconds(CASE.stopMs, 0)} and deleting for ${seconds(CASE.deleteMs, 0)}, torn down at once (as
CloudFormation deletes them in parallel) against the simulator limited to ${CASE.tps} calls per second
per operation (a rolling second; throttled calls are answered \`ThrottlingException\` and do not count).

**Ideal** (\`benchmarks/concurrency/ideal-teardown.ts\`): an oracle that knows when each model changes
state makes only the ${ideal.unavoidableCalls} calls no teardown can avoid (per model one Stop, one Delete that is
accepted, one Delete that finds the model gone, since the role may call nothing else), each as
soon as the limit admits it, in batches of ${CASE.tps} one second apart. The last Stop goes at
${seconds((Math.ceil(CASE.models / CASE.tps) - 1) * 1000, 0)}, so the stop-bound is that + stop + delete = ${seconds(ideal.stopBoundMs, 0)}; no Delete is useful before the first
model stopped, and the ${2 * CASE.models} Deletes take until stop + ${seconds((Math.ceil((2 * CASE.models) / CASE.tps) - 1) * 1000, 0)} = ${seconds(ideal.deleteBoundMs, 0)}. Ideal = the larger = **${seconds(ideal.totalMs, 0)}**.

Every Delete event is sent at once, each run in its own Node.js process (local/), timed from the
events to the last response CloudFormation received. Starting 100 processes at once on this
machine's few cores delays their first calls (*first call* column) far more than 100 Lambda runs,
each with its own CPU, would be delayed.

One run (it lasts minutes): a total is the slowest of 100 models, so it varies from run to
run far more than the median or the 90th percentile of the models.

${table(['How', 'Total', 'vs ideal', '', 'Median model done', '90th percentile', 'First call (median / last)', 'Calls', 'Throttled', 'Deletes admitted'],
  [row('real bundle, 100 processes', bundle)])}

${bundleRatio <= TARGET ? '' : `**Missed** (target ${ratio(TARGET)}). Two causes. The limit is on the operation, not the model: while a model is
STOPPING the teardown polls with Delete (the only call that can tell STOPPING from STOPPED), and every
such poll the limit admits takes a slot from another model's accepted or final Delete; the last
column counts them. And the slowest models fall behind the median: after throttled calls the
teardown stretches its next polls (up to \`maxThrottleSlowdown\`, 8 times, but never past
\`maxPollMs\`), so a model that stopped may wait up to one longest poll before its next call.`}

The last run that also measured the same teardowns in one process (2026-11-23: no process
start-up) had 1.40x against 1.48x for the real bundle: process start-up on this machine explains a
small part of the gap to the ideal. The same run's virtual-clock model of 100 models put the old
default at 1.38x and a sparser schedule at 1.30x for a 60 s stop, and both near 1.1x for a 5-minute
stop: no fixed schedule reaches the target here, which is why pacing must adapt to the limit.
`;
  return [{
    title: `6. ${CASE.models} models at once, ${CASE.tps} TPS per operation`,
    markdown,
    verdicts: [{
      claim: `6. ${CASE.models} models at ${CASE.tps} TPS, ${seconds(CASE.stopMs, 0)} stop: total vs ideal (real bundle)`,
      measured: ratio(bundleRatio),
      target: `≤ ${ratio(TARGET)}`,
      met: bundleRatio <= TARGET,
    }],
  }];
}
