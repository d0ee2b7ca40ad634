import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { iqr, kib, median, ratio, Section, shuffled, table } from './support';
import { seededRandom } from '../local/random';

/**
 * Section 5: the handler bundle's size and cold load against the bare Rekognition client built the same
 * way (the arguments of the projen bundle task, read from .projen/tasks.json), against the handler before
 * it was minified, and with a source map loaded (what readable stack traces would cost).
 */

const ROOT = path.join(__dirname, '..');
const TASK = 'bundle:lambda/teardown/index';
/** The handler bundle the construct ships, which the end-to-end benchmarks run. */
const SHIPPED_BUNDLE = path.join(ROOT, 'assets', 'lambda', 'teardown', 'index', 'index.js');
/** The SDK clients the handler carries, imported as it imports them: Rekognition at load, CloudFormation and Lambda when called. */
const BARE_CLIENT_SOURCE = `export { RekognitionClient, StopProjectVersionCommand, DeleteProjectVersionCommand } from '@aws-sdk/client-rekognition';
export const cloudFormation = () => import('@aws-sdk/client-cloudformation');
export const lambda = () => import('@aws-sdk/client-lambda');
`;
const ROUNDS = 24;
const TARGET = 1.2;

/** The task's esbuild arguments, the entry point and output file left out. */
function taskArguments(): string[] {
  const tasks = JSON.parse(fs.readFileSync(path.join(ROOT, '.projen', 'tasks.json'), 'utf8')).tasks;
  const args: string[] = tasks[TASK].steps[0].execArgs.slice(1);
  return args.filter((a) => a.startsWith('--') && !a.startsWith('--outfile='));
}

/** Builds `entry` (or the bare client, from stdin) with `args` into `outfile`. */
function esbuild(args: readonly string[], outfile: string, entry?: string): string {
  const result = spawnSync(path.join(ROOT, 'node_modules', '.bin', 'esbuild'),
    [...(entry ? [entry] : ['--loader=ts', '--sourcefile=bare-client.ts']), ...args, `--outfile=${outfile}`, '--log-level=error'],
    { cwd: ROOT, input: entry ? undefined : BARE_CLIENT_SOURCE, encoding: 'utf8' });
  if (result.status !== 0) {
    throw new Error(`esbuild failed: ${result.stderr}`);
  }
  return outfile;
}

/** Fails unless the shipped bundle is what the current sources bundle to, so no benchmark times stale code. */
export function assertShippedBundleCurrent(): void {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-bundle-'));
  try {
    const fresh = esbuild(taskArguments(), path.join(dir, 'index.js'), './lambda/teardown/index.ts');
    if (!fs.existsSync(SHIPPED_BUNDLE) || !fs.readFileSync(SHIPPED_BUNDLE).equals(fs.readFileSync(fresh))) {
      throw new Error(`${path.relative(process.cwd(), SHIPPED_BUNDLE)} is not what the sources bundle to: run \`npx projen bundle\` first`);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** A fresh Node.js process requires the file and reports how long that took by its own clock (Node's start-up left out). */
const PROBE = `const cpu = process.cpuUsage(); const started = performance.now(); require(process.env.BENCH_MODULE);
const wallMs = performance.now() - started; const used = process.cpuUsage(cpu);
process.stdout.write(JSON.stringify({ wallMs, cpuMs: (used.user + used.system) / 1000 }));`;

interface LoadTime { readonly wallMs: number; readonly cpuMs: number }
function coldRequire(file: string, nodeOptions: readonly string[] = []): LoadTime {
  const result = spawnSync(process.execPath, [...nodeOptions, '-e', PROBE], {
    env: { PATH: process.env.PATH ?? '', BENCH_MODULE: file, AWS_REGION: 'us-east-1', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    encoding: 'utf8',
  });
  if (result.status !== 0) {
    throw new Error(`requiring ${file} failed: ${result.stderr}`);
  }
  return JSON.parse(result.stdout) as LoadTime;
}

interface Pair { readonly name: string; readonly file: string; readonly options?: string[]; readonly baseline: string; readonly baselineName: string }

export async function bundleLoad(log: (message: string) => void): Promise<Section[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-bundle-'));
  try {
    log('bundle: building the handler three ways and the bare client');
    const args = taskArguments();
    const entry = './lambda/teardown/index.ts';
    const handler = esbuild(args, path.join(dir, 'handler', 'index.js'), entry);
    const bare = esbuild(args, path.join(dir, 'bare.js'));
    const unminified = esbuild(['--bundle', '--target=node20', '--platform=node'], path.join(dir, 'unminified', 'index.js'), entry);
    const mapped = esbuild([...args, '--sourcemap'], path.join(dir, 'mapped', 'index.js'), entry);
    const pairs: Pair[] = [
      { name: 'handler, as built', file: handler, baseline: bare, baselineName: 'bare SDK clients, same build' },
      { name: 'handler, as built', file: handler, baseline: unminified, baselineName: 'handler, `--bundle` only (before it was minified)' },
      { name: 'handler with `--sourcemap`, run with `--enable-source-maps`', file: mapped, options: ['--enable-source-maps'], baseline: handler, baselineName: 'handler, as built' },
    ];
    log(`bundle: ${ROUNDS} rounds of cold loads, each file next to its baseline, in a random order`);
    const times = pairs.map(() => ({ file: [] as LoadTime[], baseline: [] as LoadTime[] }));
    const random = seededRandom(5);
    for (let round = 0; round < ROUNDS; round++) {
      for (const i of shuffled(pairs.map((_, index) => index), random)) {
        // Back to back, in a random order, so both see the same machine.
        const fileFirst = random() < 0.5;
        const load = (baseline: boolean) => (baseline ? coldRequire(pairs[i].baseline) : coldRequire(pairs[i].file, pairs[i].options));
        const first = load(!fileFirst);
        const second = load(fileFirst);
        times[i].file.push(fileFirst ? first : second);
        times[i].baseline.push(fileFirst ? second : first);
      }
    }
    const ratios = (i: number, clock: keyof LoadTime = 'wallMs') => times[i].file.map((t, round) => t[clock] / times[i].baseline[round][clock]);
    const size = (file: string) => kib(fs.statSync(file).size);
    const mapSize = kib(fs.statSync(`${mapped}.map`).size);
    const shipped = median(ratios(0));
    const markdown = `
Cold load: the \`require()\` of the file in a fresh Node.js process (as a Lambda cold start loads the
handler), by the process's own clock, wall time and CPU time. ${ROUNDS} rounds; in each, a file is loaded right
before or after its baseline (in a random order); a ratio is the median of the per-pair ratios.
The handler is built by the projen bundle task: \`${args.join(' ')}\` (minified from the SDK's
ESM builds, names kept so that error names and stack frames stay readable).

${table(['Bundle', 'Size', 'Against', 'Its size', 'Load ratio', 'Same, CPU time'], pairs.map((p, i) => [
  p.name, size(p.file), p.baselineName, size(p.baseline), ratio(median(ratios(i))), ratio(median(ratios(i, 'cpuMs'))),
]))}

The baseline holds the SDK clients the handler carries, imported as it imports them: Rekognition at load,
CloudFormation (stack reads) and Lambda (hand-offs) by a dynamic \`import()\`, bundled but evaluated only when
called. A source map (${mapSize}) would turn minified stack frames back into source lines, at the load cost in
the last row on every cold start; the handler logs error names and messages, never stacks, so it ships none.
`;
    return [{
      title: '5. Handler bundle: size and cold load',
      markdown,
      verdicts: [{
        claim: '5. Handler bundle load vs its bare SDK clients (same build)',
        measured: `${ratio(shipped)} (${size(handler)}; ${ratio(median(ratios(1)))} of the unminified build)`,
        target: `≤ ${ratio(TARGET)}`,
        met: shipped <= TARGET,
        value: shipped,
        spread: iqr(ratios(0)),
      }],
    }];
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
