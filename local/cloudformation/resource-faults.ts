/**
 * Fault injection by resource: makes a logical id's create, update or delete fail with a given
 * reason, without asking its provider, so that tests can force rollbacks and DELETE_FAILED.
 */

export type ResourceAction = 'create' | 'update' | 'delete';

interface Fault {
  readonly logicalId: string;
  readonly action: ResourceAction;
  readonly reason: string;
  remaining: number;
}

export class ResourceFaults {
  private readonly faults: Fault[] = [];

  /** Fails the next `times` (default: every) `action` of `logicalId` with `reason`. */
  public fail(logicalId: string, action: ResourceAction, options: { reason?: string; times?: number } = {}): void {
    const reason = options.reason ?? `Injected ${action} failure of ${logicalId}`;
    this.faults.push({ logicalId, action, reason, remaining: options.times ?? Infinity });
  }

  /** Removes every fault. */
  public clear(): void {
    this.faults.length = 0;
  }

  /** The reason the `action` of `logicalId` fails now, if a fault says so (counting it). */
  public take(logicalId: string, action: ResourceAction): string | undefined {
    const fault = this.faults.find((f) => f.logicalId === logicalId && f.action === action && f.remaining > 0);
    if (!fault) {
      return undefined;
    }
    fault.remaining--;
    return fault.reason;
  }
}
