/** How numbers are written in BENCHMARKS.md: few digits, units spelled out. */

export function seconds(ms: number, digits = 2): string {
  return `${(ms / 1000).toFixed(digits)} s`;
}

export function millis(ms: number, digits = 0): string {
  return `${ms.toFixed(digits)} ms`;
}

export function ratio(value: number, digits = 2): string {
  return `${value.toFixed(digits)}x`;
}

export function percent(fraction: number, digits = 1): string {
  return `${(fraction * 100).toFixed(digits)}%`;
}

export function kib(bytes: number): string {
  return `${(bytes / 1024).toFixed(0)} KiB`;
}

/** A stop duration as people say it: "10 s", "5 min". */
export function duration(ms: number): string {
  return ms >= 60_000 && ms % 60_000 === 0 ? `${ms / 60_000} min` : `${ms / 1000} s`;
}

/** A pass/fail mark for a table cell. */
export function verdict(met: boolean): string {
  return met ? 'met' : '**missed**';
}
