import { ErrorAnswer, isTransient, THROTTLE_ERRORS } from './model-api';
import { INITIAL_PACING_STATE, Pacing, PacingState, stopBackoff } from './schedule';

/**
 * Retries a read or a claim (CloudFormation's DescribeStacks and ListStackResources, Rekognition's
 * tag calls) while it answers throttling, a server fault or a network failure, until a deadline.
 * Throttled reads are common when many models go at once, and giving up on one would fail a stack
 * delete, or orphan a model in an update's cleanup. They retry with the Stop's backoff (full
 * jitter): a Delete's reads come before its Stop, and the model bills until then.
 */

/** What retrying needs from the run. */
export interface RetryDeps {
  readonly now: () => number;
  readonly sleep: (ms: number) => Promise<void>;
  readonly random: () => number;
  readonly pacing: Pacing;
  readonly log: (entry: Record<string, unknown>) => void;
}

/** How the calls ended: an answer that is no transient error, or the deadline with the last transient error. */
export type Retried<T> =
  | { readonly answered: T | ErrorAnswer }
  | { readonly outOfTime: ErrorAnswer; readonly throttled: boolean };

/** The answer the calls ended with: the last one, whether or not the deadline came first. */
export function lastAnswer<T>(retried: Retried<T>): T | ErrorAnswer {
  return 'outOfTime' in retried ? retried.outOfTime : retried.answered;
}

/**
 * Calls `call` until it answers anything but a transient error, or until another call could not
 * finish before `deadline` (every call may take up to `maxCallMs`). The first call is always made.
 * `turnWait`, asked after a throttled call, may give the pause until the model's turn instead of
 * the backoff (turns.ts).
 */
export async function retrying<T extends object>(
  operation: string,
  call: () => Promise<T | ErrorAnswer>,
  deps: RetryDeps,
  deadline: number,
  maxCallMs: number,
  turnWait?: () => number | undefined,
): Promise<Retried<T>> {
  let pacing: PacingState = INITIAL_PACING_STATE;
  let throttled = false;
  for (let attempt = 1; ; attempt++) {
    const answer = await call();
    if (!('error' in answer) || !isTransient(answer)) {
      return { answered: answer };
    }
    const throttledNow = THROTTLE_ERRORS.has(answer.error);
    throttled ||= throttledNow;
    if (attempt === 1) {
      deps.log({ message: 'retrying', operation, error: answer.error, attempt });
    }
    const untilTurn = throttledNow ? turnWait?.() : undefined;
    const retry = untilTurn === undefined ? stopBackoff(deps.pacing, pacing, deps.random) : { pauseMs: untilTurn, state: pacing };
    pacing = retry.state;
    if (deps.now() + retry.pauseMs + maxCallMs > deadline) {
      deps.log({ message: 'retries out of time', operation, error: answer.error, attempt });
      return { outOfTime: answer, throttled };
    }
    await deps.sleep(retry.pauseMs);
  }
}
