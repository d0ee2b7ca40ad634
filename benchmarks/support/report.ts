/** What each benchmark hands back to run-all: its part of BENCHMARKS.md and its verdicts. */

/** One claim against its target, for the summary at the top of BENCHMARKS.md. */
export interface Verdict {
  readonly claim: string;
  readonly measured: string;
  readonly target: string;
  readonly met: boolean;
  /**
   * Set when the target is missed because meeting it would miss another target (named here):
   * a trade-off the section shows, not a miss.
   */
  readonly tradedFor?: string;
}

export interface Section {
  readonly title: string;
  /** The section's body: method, tables, findings. */
  readonly markdown: string;
  readonly verdicts: readonly Verdict[];
}

/** A benchmark: run it, get its section. `log` reports progress on stderr while it runs. */
export type Benchmark = (log: (message: string) => void) => Promise<Section>;
