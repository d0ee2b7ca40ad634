import { Template } from './template';

/**
 * A stack as the local engine holds it: its status, its resources with their statuses, and its
 * events. Status names are CloudFormation's
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/view-stack-events.html#cfn-console-view-stack-data-resources-status-codes).
 */

export type StackStatus =
  | 'CREATE_IN_PROGRESS' | 'CREATE_COMPLETE' | 'CREATE_FAILED' | 'ROLLBACK_IN_PROGRESS' | 'ROLLBACK_COMPLETE' | 'ROLLBACK_FAILED'
  | 'UPDATE_IN_PROGRESS' | 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS' | 'UPDATE_COMPLETE'
  | 'UPDATE_ROLLBACK_IN_PROGRESS' | 'UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS' | 'UPDATE_ROLLBACK_COMPLETE' | 'UPDATE_ROLLBACK_FAILED'
  | 'DELETE_IN_PROGRESS' | 'DELETE_COMPLETE' | 'DELETE_FAILED';

export type ResourceStatus =
  | 'CREATE_IN_PROGRESS' | 'CREATE_COMPLETE' | 'CREATE_FAILED'
  | 'UPDATE_IN_PROGRESS' | 'UPDATE_COMPLETE' | 'UPDATE_FAILED'
  | 'DELETE_IN_PROGRESS' | 'DELETE_COMPLETE' | 'DELETE_FAILED' | 'DELETE_SKIPPED';

/** One line of the stack's Events tab. */
export interface StackEvent {
  readonly timestamp: Date;
  /** The id of the stack whose Events tab shows it (a nested stack's own id for its events). */
  readonly stackId: string;
  readonly stackName: string;
  readonly logicalResourceId: string;
  readonly resourceType: string;
  readonly physicalResourceId?: string;
  readonly resourceStatus: ResourceStatus | StackStatus;
  readonly resourceStatusReason?: string;
}

/** One resource of the stack, as it stands. */
export interface StackResource {
  readonly logicalId: string;
  readonly type: string;
  physicalId?: string;
  status: ResourceStatus;
  statusReason?: string;
  /** The resolved properties it was last provisioned with. */
  properties: Record<string, unknown>;
  /** What Fn::GetAtt returns for it. */
  attributes: Record<string, unknown>;
  lastUpdated: Date;
}

/** A stack the engine runs. */
export interface LiveStack {
  readonly stackId: string;
  readonly stackName: string;
  status: StackStatus;
  statusReason?: string;
  /** The template in force (the previous one again after an update rollback). */
  template: Template;
  /** Parameter values in force. */
  parameters: Record<string, string>;
  /** The parameters' inputs in force (an SSM parameter's name, not its value), which UsePreviousValue keeps. */
  parameterInputs?: Record<string, string>;
  readonly resources: Map<string, StackResource>;
  readonly events: StackEvent[];
  readonly createdAt: Date;
  lastUpdatedAt?: Date;
  deletedAt?: Date;
  /** The values of the template's Outputs, as of the last operation that succeeded or rolled back. */
  outputs?: Record<string, unknown>;
  /**
   * For a nested stack: the stack id of its direct parent (DescribeStacks' ParentId). Absent for
   * a root stack (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_Stack.html).
   */
  readonly parentId?: string;
  /** For a nested stack: the stack id of the top-level stack it belongs to (DescribeStacks' RootId). */
  readonly rootId?: string;
  /** For a nested stack: the logical id of the AWS::CloudFormation::Stack resource that holds it in its parent. */
  readonly logicalIdInParent?: string;
}

/** The events, oldest first, as a fixed-width table like the console's Events tab. */
export function formatEvents(events: readonly StackEvent[]): string {
  return events.map((e) => [
    e.timestamp.toISOString().slice(11, 23),
    e.logicalResourceId.padEnd(40),
    e.resourceStatus.padEnd(44),
    e.resourceType.padEnd(38),
    e.resourceStatusReason ?? '',
  ].join(' ')).join('\n');
}
