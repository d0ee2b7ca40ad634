import { execFileSync } from 'child_process';
import * as os from 'os';

/** The machine the numbers were measured on, for the head of BENCHMARKS.md. */
export function describeMachine(): string {
  const cpus = os.cpus();
  let nproc = String(cpus.length);
  try {
    // nproc honours the CPU affinity and cgroup limits the benchmark actually runs under.
    nproc = execFileSync('nproc', { encoding: 'utf8' }).trim();
  } catch {
    // os.cpus() is the fallback.
  }
  return [
    `- Machine: ${os.type()} ${os.release()} ${os.arch()}, nproc ${nproc}, ${cpus[0]?.model ?? 'unknown CPU'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB RAM`,
    `- Node.js ${process.version}`,
  ].join('\n');
}

/**
 * The machine's load before the benchmarks started: other work running on it then (other
 * people's test runs on a shared machine) disturbs every timing of the run.
 */
export function describeLoadAtStart(loadAverage: number, cpus: number): string {
  const shared = loadAverage >= 0.5;
  return `- Load average (1 min) before the run: ${loadAverage.toFixed(1)} on ${cpus} CPUs: ${shared
    ? 'the machine was shared with other work during this run, so timings are noisier than on an idle machine'
    : 'the machine was idle when the run began'}`;
}
