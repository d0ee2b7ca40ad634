import { CallRecord } from '../../local/rekognition';

/** Many models torn down at once against a rate-limited Rekognition: the case, and what a run measured. */

export interface FleetCase {
  readonly models: number;
  /** Calls each operation admits in any rolling second. */
  readonly tps: number;
  readonly stopMs: number;
  readonly deleteMs: number;
}

export interface FleetRun {
  /** From the start to the last model done, in ms. */
  readonly totalMs: number;
  /** Each model's time from the start to done, in ms. */
  readonly doneAfterMs: number[];
  /** Each model's time from the start to its first call, in ms. */
  readonly firstCallAfterMs: number[];
  /** Every call the simulator answered, throttled ones included. */
  readonly calls: readonly CallRecord[];
}
