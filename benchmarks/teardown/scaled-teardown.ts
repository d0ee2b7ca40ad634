import { ModelTimeline } from './model-timeline';
import { readModelVersion } from '../../lambda/teardown/properties';
import { isolatedRekognitionModelApi } from '../../lambda/teardown/rekognition-model-api';
import { Pacing } from '../../lambda/teardown/schedule';
import { tearDown } from '../../lambda/teardown/teardown';
import { RekognitionSimulator } from '../../local/rekognition';
import { epochNow, sleep } from '../support/aws-env';

/**
 * The real teardown state machine and the real SDK adapter, in this process, against the HTTP
 * simulator, with time compressed by `scale`: the model's durations and every pause of the
 * pacing are divided by it, and the measured times multiplied back. What does not scale (HTTP
 * round trips, timer slack) is multiplied too, so scaled figures err high. The SDK client is
 * warmed by one call on another ARN before the clock starts: a cold start is not a matter of the
 * schedule, and the real-bundle runs measure it.
 */

const WARM_UP_ARN = 'arn:aws:rekognition:us-east-1:123456789012:project/warm-up/version/warm-up/1';

export interface ScaledTeardownOptions {
  readonly stopMs: number;
  readonly deleteMs: number;
  readonly scale: number;
  readonly pacing: Pacing;
  readonly random: () => number;
}

/** One teardown, in real (scaled-back) ms. */
export interface TeardownMeasurement {
  readonly totalMs: number;
  /** Total minus the model's own STOPPING and DELETING time. */
  readonly overheadMs: number;
  /** From the start to the model STOPPING (the first call; for the bundle, process start and load too). */
  readonly startMs: number;
  /** From the model STOPPED to the Delete that was accepted. */
  readonly stopLagMs: number;
  /** From the model gone to the teardown done. */
  readonly deleteLagMs: number;
  /** Calls the simulator answered for this model, throttled ones included. */
  readonly calls: number;
}

export async function scaledTeardown(
  sim: RekognitionSimulator,
  timeline: ModelTimeline,
  arn: string,
  options: ScaledTeardownOptions,
): Promise<TeardownMeasurement> {
  const { scale } = options;
  const api = isolatedRekognitionModelApi('us-east-1');
  await api.stopProjectVersion(WARM_UP_ARN);
  sim.addModel(arn, { status: 'RUNNING', stopDurationMs: options.stopMs / scale, deleteDurationMs: options.deleteMs / scale });
  const startedAt = epochNow();
  const outcome = await tearDown(
    { model: readModelVersion(arn)!, action: 'DELETE', waitStartedAt: startedAt, waitDeadline: startedAt + 59 * 60_000, runDeadline: startedAt + 14 * 60_000 },
    { api, now: epochNow, sleep, random: options.random, pacing: scalePacing(options.pacing, scale), log: () => {} },
  );
  const endedAt = epochNow();
  if (outcome.result !== 'DONE') {
    throw new Error(`teardown of ${arn} ended ${JSON.stringify(outcome)}`);
  }
  const totalMs = endedAt - startedAt;
  return {
    totalMs: totalMs * scale,
    overheadMs: (totalMs - timeline.ownTimeMs(arn)) * scale,
    startMs: (timeline.at(arn, 'STOPPING') - startedAt) * scale,
    stopLagMs: (timeline.at(arn, 'DELETING') - timeline.at(arn, 'STOPPED')) * scale,
    deleteLagMs: (endedAt - timeline.at(arn, 'GONE')) * scale,
    calls: sim.callsFor(arn).length,
  };
}

/** The same schedule on a clock `scale` times faster. */
export function scalePacing(pacing: Pacing, scale: number): Pacing {
  // Every duration (a field in ms) shrinks; shares and factors do not.
  return Object.fromEntries(Object.entries(pacing).map(([name, value]) =>
    [name, name.endsWith('Ms') ? (value as number) / scale : value])) as unknown as Pacing;
}
