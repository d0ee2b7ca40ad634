/**
 * The physical limit for tearing down many models at once under a per-operation rate limit: an
 * oracle that knows when each model changes state and makes only the calls that cannot be
 * avoided, each one as soon as the limit admits it.
 *
 * Unavoidable per model: one Stop, one Delete that is accepted once the model is STOPPED, and one
 * Delete that finds it gone (the role may call nothing else, so only Delete can tell that the
 * model is gone). A share `serverErrorRate` of admitted calls fails with HTTP 500 and must be made
 * again, so each operation needs its calls / (1 - serverErrorRate) admitted. The simulator admits
 * `tps` calls per operation in any rolling second, so calls go in batches of `tps`, one second
 * apart. Two bounds, of which the ideal is the larger:
 *
 * - Stop-bound: the last batch of Stops goes at ceil(stops / tps) - 1 s; that model then stops
 *   and is deleted: + stop + delete.
 * - Delete-bound: no Delete is useful before the first model has stopped (at `stop`); the Deletes
 *   then take batches until stop + ceil(deletes / tps) - 1 s. Accepts arrive at the rate Stops
 *   went out, so the batches can be kept full (accepts first, the confirmations after them).
 */
export interface IdealInput {
  readonly models: number;
  readonly tps: number;
  readonly serverErrorRate: number;
  readonly stopMs: number;
  readonly deleteMs: number;
}

export interface Ideal {
  readonly totalMs: number;
  readonly stopBoundMs: number;
  readonly deleteBoundMs: number;
  /** Admitted calls the oracle needs, failed ones included. */
  readonly neededCalls: number;
}

export function idealTeardown({ models, tps, serverErrorRate, stopMs, deleteMs }: IdealInput): Ideal {
  const stops = Math.ceil(models / (1 - serverErrorRate));
  const deletes = Math.ceil((2 * models) / (1 - serverErrorRate));
  const stopBoundMs = (Math.ceil(stops / tps) - 1) * 1_000 + stopMs + deleteMs;
  const deleteBoundMs = stopMs + (Math.ceil(deletes / tps) - 1) * 1_000;
  return { totalMs: Math.max(stopBoundMs, deleteBoundMs), stopBoundMs, deleteBoundMs, neededCalls: stops + deletes };
}
