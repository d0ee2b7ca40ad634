/**
 * Fault injection by resource: makes a resource's create, update or delete fail with a given
 * reason, without asking its provider, so that tests can force rollbacks and DELETE_FAILED.
 *
 * A fault names its resource by one of:
 * - its logical id alone (`Topic`): that logical id in any stack, nested ones included;
 * - its stack's name and logical id (`Parent-ChildNestedStack...-1A2B3C/Topic`), for a stack
 *   that already exists (a nested stack's name is generated when it is created);
 * - its logical-id path from the root stack (`Parent/ChildNestedStackResourceC40294CA/Topic`,
 *   through each AWS::CloudFormation::Stack resource down to the resource), which is known before
 *   anything is deployed: {@link faultPath} builds it.
 */

export type ResourceAction = 'create' | 'update' | 'delete';

/** Where a resource is, for matching faults. */
interface ResourceAddress {
  /** The name of the stack that holds the resource. */
  readonly stackName: string;
  /** The root stack's name, then the logical id of each nested stack resource down to the stack, then the resource's logical id. */
  readonly path: readonly string[];
}

interface Fault {
  readonly key: string;
  readonly action: ResourceAction;
  readonly reason: string;
  remaining: number;
}

/** The fault key of a resource inside nested stacks: the root stack's name, the nested stack resources' logical ids down to it, and its logical id. */
export function faultPath(rootStackName: string, ...logicalIds: string[]): string {
  return [rootStackName, ...logicalIds].join('/');
}

export class ResourceFaults {
  private readonly faults: Fault[] = [];

  /**
   * Fails the next `times` (default: every) `action` of the resource named `key` (a logical id,
   * `stackName/logicalId`, or a logical-id path from the root) with `reason`.
   */
  public fail(key: string, action: ResourceAction, options: { reason?: string; times?: number } = {}): void {
    const logicalId = key.split('/').pop()!;
    const reason = options.reason ?? `Injected ${action} failure of ${logicalId}`;
    this.faults.push({ key, action, reason, remaining: options.times ?? Infinity });
  }

  /** Removes every fault. */
  public clear(): void {
    this.faults.length = 0;
  }

  /** The reason the `action` of the resource at `address` fails now, if a fault says so (counting it). */
  public take(address: ResourceAddress, action: ResourceAction): string | undefined {
    const logicalId = address.path[address.path.length - 1];
    const keys = [logicalId, `${address.stackName}/${logicalId}`, address.path.join('/')];
    const fault = this.faults.find((f) => keys.includes(f.key) && f.action === action && f.remaining > 0);
    if (!fault) {
      return undefined;
    }
    fault.remaining--;
    return fault.reason;
  }
}
