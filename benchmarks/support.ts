import * as os from 'os';
import { RekognitionClient } from '@aws-sdk/client-rekognition';
import { CLIENT_OPTIONS, modelApiOf } from '../lambda/teardown/rekognition-model-api';

/**
 * What every benchmark shares: how a section and its verdicts are handed to run-all, how numbers
 * are written, the few statistics, and the SDK's environment for the local simulator.
 */

/** One claim against its target, for the summary at the top of BENCHMARKS.md. */
export interface Verdict {
  readonly claim: string;
  readonly measured: string;
  readonly target: string;
  readonly met: boolean;
  /** The figure compared with the committed BENCHMARKS.md: the first number of `measured`. */
  readonly value: number;
  /** The run-to-run spread this run measured for it (interquartile range of its runs), in its unit; undefined for one run. */
  readonly spread?: number;
}

/** A section of BENCHMARKS.md: its body (method, tables, findings) and its verdicts. */
export interface Section { readonly title: string; readonly markdown: string; readonly verdicts: readonly Verdict[] }

/** A benchmark: run it, get its sections. `log` reports progress on stderr while it runs. */
export type Benchmark = (log: (message: string) => void) => Promise<Section[]>;

export const seconds = (ms: number, digits = 2) => `${(ms / 1000).toFixed(digits)} s`;
export const millis = (ms: number, digits = 0) => `${ms.toFixed(digits)} ms`;
export const ratio = (value: number, digits = 2) => `${value.toFixed(digits)}x`;
export const percent = (fraction: number, digits = 1) => `${(fraction * 100).toFixed(digits)}%`;
export const kib = (bytes: number) => `${(bytes / 1024).toFixed(0)} KiB`;
/** A stop duration as people say it: "10 s", "5 min". */
export const duration = (ms: number) => (ms >= 60_000 && ms % 60_000 === 0 ? `${ms / 60_000} min` : `${ms / 1000} s`);
export const verdict = (met: boolean) => (met ? 'met' : '**missed**');

/** A Markdown table, the only structure BENCHMARKS.md needs beyond headings and prose. */
export function table(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const line = (cells: readonly string[]) => `| ${cells.map((c) => c.replace(/\|/g, '\\|')).join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

/** Linear-interpolated quantile (q in 0..1) of a non-empty sample. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) {
    throw new Error('quantile of an empty sample');
  }
  const sorted = [...values].sort((a, b) => a - b);
  const position = (sorted.length - 1) * q;
  const below = Math.floor(position);
  return sorted[below] + (sorted[Math.ceil(position)] - sorted[below]) * (position - below);
}

export const median = (values: readonly number[]) => quantile(values, 0.5);
/** The interquartile range: how much runs of the same thing differ. */
export const iqr = (values: readonly number[]) => quantile(values, 0.75) - quantile(values, 0.25);

/** A random permutation, so no variant is always measured first (or right after the same other one). */
export function shuffled<T>(items: readonly T[], random: () => number): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [copy[i], copy[j]] = [copy[j], copy[i]];
  }
  return copy;
}

/** Wall-clock ms with sub-millisecond resolution, comparable with Date.now(). */
export const epochNow = () => performance.timeOrigin + performance.now();
export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Points the AWS SDK of this process at the local simulator, with static fake credentials (it checks the scope, not the key). */
export function pointSdkAt(rekognitionEndpoint: string): void {
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_REKOGNITION: rekognitionEndpoint,
    AWS_ACCESS_KEY_ID: 'AKIALOCALBENCH',
    AWS_SECRET_ACCESS_KEY: 'local-secret',
    AWS_SESSION_TOKEN: 'local-session',
    AWS_REGION: 'us-east-1',
    // The SDK warns about Node 20 unless this is exactly 'true'.
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  });
}

/** The machine the run was on, and its load when the run began, for the head of BENCHMARKS.md. */
export function describeMachine(loadAverage: number): string {
  const cpus = os.cpus();
  const shared = loadAverage >= 0.5;
  return [
    `- Machine the run was on: ${os.type()} ${os.release()} ${os.arch()}, ${os.availableParallelism()} CPUs, ${cpus[0]?.model ?? 'unknown CPU'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB RAM`,
    `- Node.js ${process.version}`,
    `- Load average (1 min) when the run began: ${loadAverage.toFixed(1)} on ${os.availableParallelism()} CPUs: ${shared
      ? 'the machine was shared with other work, so timings are noisier than on an idle machine'
      : 'the machine was idle'}`,
  ].join('\n');
}

/** A model version ARN of the benchmarks' account. */
export function modelArn(version: string): string {
  return `arn:aws:rekognition:us-east-1:123456789012:project/birds/version/${version}/1700000000000`;
}

/** A Rekognition API with an SDK client of its own, as each Lambda run has, perhaps with client options of its own. */
export function ownClientApi(endpoint: string, options: { retryMode?: 'adaptive'; maxAttempts?: number } = {}) {
  const client = new RekognitionClient({ region: 'us-east-1', endpoint, ...CLIENT_OPTIONS, ...options });
  return modelApiOf(client, (options.maxAttempts ?? CLIENT_OPTIONS.maxAttempts) * CLIENT_OPTIONS.requestHandler.requestTimeout + 1_000);
}
