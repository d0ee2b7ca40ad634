import { spawnSync } from 'child_process';

/**
 * The cold start of a module: a fresh Node.js process requires it and reports how long the
 * require took by its own clock, in wall time and in CPU time (user + system) of that process.
 * Node's own start-up is the same for every file and left out. CPU time is what a dedicated
 * Lambda CPU would spend; on a shared machine it is also less disturbed by other processes. The
 * environment is Lambda-like and minimal, as in local/lambda/lambda-process.ts.
 */
const PROBE = `
const cpu = process.cpuUsage();
const started = performance.now();
require(process.env.BENCH_MODULE);
const wallMs = performance.now() - started;
const used = process.cpuUsage(cpu);
process.stdout.write(JSON.stringify({ wallMs, cpuMs: (used.user + used.system) / 1000 }));
`;

export interface LoadTime {
  readonly wallMs: number;
  readonly cpuMs: number;
}

export function coldRequire(file: string): LoadTime {
  const result = spawnSync(process.execPath, ['-e', PROBE], {
    env: { PATH: process.env.PATH ?? '', BENCH_MODULE: file, AWS_REGION: 'us-east-1', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    encoding: 'utf8',
  });
  if (result.status !== 0) {
    throw new Error(`requiring ${file} failed: ${result.stderr}`);
  }
  return JSON.parse(result.stdout) as LoadTime;
}
