import { ErrorAnswer } from './model-api';
import { humanDuration } from './teardown-reasons';

/**
 * IAM applies a new policy everywhere only after a while
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_general.html#troubleshoot_general_eventual-consistency):
 * a function whose policy CloudFormation has just created may be denied for seconds after the
 * policy is CREATE_COMPLETE (aws/aws-cdk#7964, #18237, #37675). That is when a first deploy records
 * its claim, and when the rollback of a deploy that failed early reads the stack: failing there
 * would fail the deploy, or leave the stack in ROLLBACK_FAILED. So a denial that names no explicit
 * deny is made again for a bounded time, counted from the run's first such denial; an explicit
 * deny, or a denial after that time, is the answer.
 */

/** How long a denial may still be IAM applying a policy: as long as terraform-provider-aws waits for IAM changes (its PropagationTimeout). */
export const IAM_PROPAGATION_MS = 120_000;
const FIRST_PAUSE_MS = 500;
const MAX_PAUSE_MS = 8_000;

/** What the retries need from the run. */
export interface PropagationDeps {
  readonly now: () => number;
  readonly sleep: (ms: number) => Promise<void>;
  readonly random: () => number;
  readonly log: (entry: Record<string, unknown>) => void;
  /** No call is made again if it could not end before this time (the run's own deadline). */
  readonly deadline: number;
}

/** The time one run of the function grants denials to turn into grants, shared by every API it calls. */
export class PropagationAllowance {
  private firstDeniedAt?: number;
  /** Set once a denial outlasted the allowance: later ones are answers at once. */
  private spent = false;

  constructor(private readonly deps: PropagationDeps) {}

  /** `api` with every call that answers a denial IAM may still be applying made again, within the allowance. */
  public applyTo<T extends { readonly maxCallMs: number }>(api: T): T {
    const tolerant: Record<string, unknown> = { ...api };
    for (const [name, member] of Object.entries(api) as [string, unknown][]) {
      if (typeof member === 'function') {
        tolerant[name] = (...args: unknown[]) => this.call(name, () => member.apply(api, args) as Promise<unknown>, api.maxCallMs);
      }
    }
    return tolerant as T;
  }

  private async call<A>(operation: string, call: () => Promise<A>, maxCallMs: number): Promise<A> {
    for (let attempt = 1; ; attempt++) {
      const answer = await call();
      if (!mayBePropagating(answer)) {
        return answer;
      }
      const now = this.deps.now();
      this.firstDeniedAt ??= now;
      const pauseMs = Math.min(MAX_PAUSE_MS, FIRST_PAUSE_MS * 2 ** (attempt - 1)) * (0.5 + this.deps.random() / 2);
      const resumeAt = now + pauseMs;
      this.spent ||= resumeAt - this.firstDeniedAt > IAM_PROPAGATION_MS;
      if (this.spent || resumeAt + maxCallMs > this.deps.deadline) {
        const deniedForMs = now - this.firstDeniedAt;
        this.deps.log({ message: 'access denied', operation, attempt, deniedForMs });
        return (attempt === 1 ? answer : {
          ...answer,
          message: `still denied after ${humanDuration(deniedForMs)} of retries, longer than IAM takes to apply a new policy: ${answer.message}`,
        });
      }
      if (attempt === 1) {
        this.deps.log({ message: 'access denied; retrying while IAM may still be applying a new policy', operation, error: answer.error });
      }
      await this.deps.sleep(pauseMs);
    }
  }
}

/** A denial for want of an allow: what a policy not yet applied answers. An explicit deny is never that. */
function mayBePropagating(answer: unknown): answer is ErrorAnswer {
  const error = answer as Partial<ErrorAnswer>;
  return typeof error?.error === 'string' && /AccessDenied/.test(error.error) && !/explicit deny/i.test(error.message ?? '');
}
