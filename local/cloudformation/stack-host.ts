import { ResolutionContext } from './intrinsics';
import type { NestedStacks } from './nested-stacks';
import { ResourceContext, ResourceProvider } from './providers/resource-provider';
import type { ResourceActions } from './resource-actions';
import { ResourceAction } from './resource-faults';
import { LiveStack, ResourceStatus, StackResource, StackStatus } from './stack-state';
import { CloudFormationStrictness } from './strictness';
import { Template } from './template';

/**
 * What the parts of the engine (resource actions, update phases, nested stacks) ask of the
 * engine that holds the stacks: internal to `local/cloudformation`, not for tests.
 */
export interface StackHost {
  readonly resources: ResourceActions;
  readonly nested: NestedStacks;
  /** SSM parameters for `AWS::SSM::Parameter::Value` parameters. */
  readonly ssm: Record<string, string>;
  /** Where the engine is as strict as CloudFormation (switchable per test). */
  readonly strictness: CloudFormationStrictness;
  providerFor(type: string): ResourceProvider;
  /** The template a nested stack's TemplateURL names, validated. */
  templateAt(url: string): Template;
  stack(nameOrId: string): LiveStack | undefined;
  /** Registers a new stack (nested under `parent` when given), CREATE_IN_PROGRESS with no events yet. */
  newStack(name: string, template: Template, parameters: Record<string, string>, parent?: { stack: LiveStack; logicalId: string }): LiveStack;
  /** Plays a create of `stack` (with its rollback); resolves to the failure reason, or undefined once CREATE_COMPLETE. */
  runCreate(stack: LiveStack, reason?: string): Promise<string | undefined>;
  /** Plays a delete of `stack`; resolves to the logical ids that failed to delete. */
  runDelete(stack: LiveStack, retain: string[], reason?: string): Promise<string[]>;
  /** The resolved Outputs of `template` as `stack` stands. */
  outputsOf(stack: LiveStack, template: Template, parameters: Record<string, string>): Record<string, unknown>;
  includedIds(stack: LiveStack, template: Template, parameters: Record<string, string>): string[];
  resolution(stack: LiveStack, template: Template, parameters: Record<string, string>): ResolutionContext;
  resourceContext(stack: LiveStack, logicalId: string, type: string): ResourceContext;
  /** Throws the injected failure of `action` on the resource, if a fault names it. */
  injectedFailure(stack: LiveStack, logicalId: string, action: ResourceAction): void;
  setStackStatus(stack: LiveStack, status: StackStatus, reason?: string): void;
  setResourceStatus(stack: LiveStack, entry: StackResource, status: ResourceStatus, reason?: string): void;
  record(stack: LiveStack, logicalId: string, type: string, physicalId: string | undefined, status: ResourceStatus, reason?: string): void;
}
