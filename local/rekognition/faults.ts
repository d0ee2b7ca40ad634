/**
 * Fault injection: decides, before a call reaches the models, whether it fails anyway. Faults are
 * checked in a fixed order (failFirst, tpsLimit, throttleRate, serverErrorRate) and never touch
 * model state.
 */
import { ServiceError } from './errors';
import { seededRandom } from '../random';
import { FailFirstRule, FaultKind, OperationName, SimulatorOptions, ThrottleErrorName } from './types';

const WINDOW_MS = 1_000;

/** An injected failure: the error to answer with and which fault caused it. */
interface InjectedFault {
  readonly error: ServiceError;
  readonly kind: FaultKind;
}

/** Holds the fault settings and the counters they need. */
export class FaultInjector {
  private random: () => number = seededRandom(1);
  /** Separate from `random` so turning jitter on does not change which calls fail. */
  private jitterRandom: () => number = seededRandom(2);
  private throttleRate = 0;
  private throttleError: ThrottleErrorName = 'ThrottlingException';
  private serverErrorRate = 0;
  private tpsLimit: SimulatorOptions['tpsLimit'];
  private rules: { readonly rule: FailFirstRule; seen: number }[] = [];
  /** Accepted calls per operation within the last second, oldest first. */
  private readonly accepted = new Map<string, number[]>();
  private latencyMs = 0;
  private latencyJitterMs = 0;

  /** Applies the fault-related options that are present; the others keep their values. */
  configure(options: Partial<SimulatorOptions>): void {
    // Check before assigning anything, so a bad option leaves every setting as it was.
    if (options.throttleRate !== undefined) checkRate('throttleRate', options.throttleRate);
    if (options.serverErrorRate !== undefined) checkRate('serverErrorRate', options.serverErrorRate);
    if (options.seed !== undefined) {
      this.random = seededRandom(options.seed);
      this.jitterRandom = seededRandom(options.seed + 1);
    }
    if (options.throttleRate !== undefined) this.throttleRate = options.throttleRate;
    if (options.throttleError !== undefined) this.throttleError = options.throttleError;
    if (options.serverErrorRate !== undefined) this.serverErrorRate = options.serverErrorRate;
    if ('tpsLimit' in options) {
      this.tpsLimit = options.tpsLimit;
      this.accepted.clear();
    }
    if (options.failFirst !== undefined) this.rules = options.failFirst.map((rule) => ({ rule, seen: 0 }));
    if (options.latencyMs !== undefined) this.latencyMs = Math.max(0, options.latencyMs);
    if (options.latencyJitterMs !== undefined) this.latencyJitterMs = Math.max(0, options.latencyJitterMs);
  }

  /** The fault this call meets, if any. `now` is in ms. */
  check(operation: OperationName, arn: unknown, now: number): InjectedFault | undefined {
    // Always draw both numbers so the sequence of outcomes depends on the seed and the call count only.
    const throttleDraw = this.random();
    const serverDraw = this.random();

    let failFirst: FailFirstRule | undefined;
    for (const entry of this.rules) {
      if ((entry.rule.operation === '*' || entry.rule.operation === operation)
        && (entry.rule.arn === undefined || entry.rule.arn === arn)) {
        if (!failFirst && entry.seen < entry.rule.count) failFirst = entry.rule;
        entry.seen++;
      }
    }
    if (failFirst) {
      return {
        kind: 'failFirst',
        error: new ServiceError(failFirst.error, failFirst.message ?? injectedMessage(failFirst.error, operation)),
      };
    }
    if (!this.admitUnderTpsLimit(operation, now)) {
      return { kind: 'tpsLimit', error: this.throttle(`Rate exceeded for ${operation}.`) };
    }
    if (throttleDraw < this.throttleRate) {
      return { kind: 'throttleRate', error: this.throttle('Rate exceeded.') };
    }
    if (serverDraw < this.serverErrorRate) {
      return { kind: 'serverErrorRate', error: new ServiceError('InternalServerError', 'Amazon Rekognition experienced a service issue. Try your call again.') };
    }
    return undefined;
  }

  /** How long to hold the next response, in ms. */
  latency(): number {
    return this.latencyMs + (this.latencyJitterMs > 0 ? Math.floor(this.jitterRandom() * (this.latencyJitterMs + 1)) : 0);
  }

  private throttle(message: string): ServiceError {
    return new ServiceError(this.throttleError, message);
  }

  /**
   * Rolling one-second window per operation, as Rekognition sets its TPS quotas per API operation
   * ("Default quotas", https://docs.aws.amazon.com/rekognition/latest/dg/limits.html, and the
   * per-operation list at https://docs.aws.amazon.com/general/latest/gr/rekognition.html#limits_rekognition):
   * calls of one operation never use up another's room. Throttled calls do not count against it.
   */
  private admitUnderTpsLimit(operation: OperationName, now: number): boolean {
    const limit = typeof this.tpsLimit === 'number' ? this.tpsLimit : this.tpsLimit?.[operation];
    if (limit === undefined) return true;
    const times = this.accepted.get(operation) ?? [];
    while (times.length > 0 && times[0] <= now - WINDOW_MS) times.shift();
    this.accepted.set(operation, times);
    if (times.length >= limit) return false;
    times.push(now);
    return true;
  }
}

function checkRate(name: string, rate: number): void {
  if (!(rate >= 0 && rate <= 1)) {
    throw new RangeError(`${name} must be between 0 and 1, got ${rate}`);
  }
}

/**
 * An injected AccessDeniedException is an explicit deny (as an SCP gives), which no wait changes:
 * the denial for want of an allow, which IAM's propagation may lift, comes from the local IAM.
 */
function injectedMessage(error: string, operation: string): string {
  return error === 'AccessDeniedException'
    ? `Injected: not authorized to perform: rekognition:${operation} with an explicit deny in a service control policy.`
    : `Injected ${error} for ${operation}.`;
}
