/**
 * The physical limit for tearing down many models at once under a per-operation rate limit: an
 * oracle that knows when each model changes state and makes only the calls that cannot be
 * avoided, each one as soon as the limit admits it.
 *
 * Unavoidable per model: one Stop, one Delete that is accepted once the model is STOPPED, and one
 * Delete that finds it gone (the role may call nothing else, so only Delete can tell that the
 * model is gone). The simulator admits `tps` calls per operation in any rolling second, so calls
 * go in batches of `tps`, one second apart. Two bounds, of which the ideal is the larger:
 *
 * - Stop-bound: the last batch of Stops goes at ceil(N / tps) - 1 s; that model then stops and is
 *   deleted: + stop + delete.
 * - Delete-bound: no Delete is useful before the first model has stopped (at `stop`); 2N Deletes
 *   then take batches until stop + ceil(2N / tps) - 1 s. Accepts arrive at the rate Stops went
 *   out, so the batches can be kept full (accepts first, the confirmations after them).
 */
export interface IdealInput {
  readonly models: number;
  readonly tps: number;
  readonly stopMs: number;
  readonly deleteMs: number;
}

export interface Ideal {
  readonly totalMs: number;
  readonly stopBoundMs: number;
  readonly deleteBoundMs: number;
  readonly unavoidableCalls: number;
}

export function idealTeardown({ models, tps, stopMs, deleteMs }: IdealInput): Ideal {
  const stopBoundMs = (Math.ceil(models / tps) - 1) * 1_000 + stopMs + deleteMs;
  const deleteBoundMs = stopMs + (Math.ceil((2 * models) / tps) - 1) * 1_000;
  return { totalMs: Math.max(stopBoundMs, deleteBoundMs), stopBoundMs, deleteBoundMs, unavoidableCalls: 3 * models };
}
