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
