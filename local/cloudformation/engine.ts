import { randomUUID } from 'crypto';
import { EventEmitter } from 'events';
import { CloudFormationError } from './cloudformation-error';
import { DependencyGraph, runInOrder } from './dependency-graph';
import { evaluateCondition, resolve, ResolutionContext } from './intrinsics';
import { NestedStacks } from './nested-stacks';
import { SentRequest } from './providers/custom-resource-provider';
import { ResourceContext, ResourceFailure, ResourceProvider } from './providers/resource-provider';
import { NESTED_STACK_TYPE, reasonOf, ResourceActions, retainedOnDelete } from './resource-actions';
import { ResourceAction, ResourceFaults } from './resource-faults';
import { sendSingleEvent, SingleEvent } from './single-event';
import { StackHost } from './stack-host';
import { parameterInputs, parameterValues, withPreviousValues } from './stack-parameters';
import { LiveStack, ResourceStatus, StackEvent, StackResource, StackStatus } from './stack-state';
import { StackUpdate } from './stack-update';
import { CloudFormationStrictness, strictCloudFormation } from './strictness';
import { Template, validateTemplate } from './template';

/**
 * A local CloudFormation: plays create-stack, update-stack and delete-stack on templates against
 * resource providers, in dependency order, with CloudFormation's rollback, cleanup and
 * delete-failure behaviours, keeping each stack's live status, resources and events.
 *
 * Behaviours and their sources:
 * - Independent resources are provisioned concurrently, dependents after their dependencies
 *   (Ref, Fn::GetAtt, Fn::Sub, DependsOn), and deleted in the reverse order:
 *   https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-attribute-dependson.html
 * - A failed create rolls back: ROLLBACK_IN_PROGRESS deletes what was created, then
 *   ROLLBACK_COMPLETE (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/stack-failure-options.html);
 *   with OnFailure DELETE the stack is deleted instead (DELETE_IN_PROGRESS, then DELETE_COMPLETE),
 *   with DO_NOTHING it stays CREATE_FAILED (API_CreateStack.html, OnFailure).
 *   Resources already in progress when another fails are awaited here; CloudFormation may
 *   cancel them ("Resource creation cancelled"), which AWS does not document precisely.
 * - Update: added resources are created and changed ones updated in the new template's
 *   dependency order; a new physical id is a replacement whose old resource is deleted in
 *   UPDATE_COMPLETE_CLEANUP_IN_PROGRESS, with removed resources, in the reverse dependency order
 *   of the old template; a failed cleanup Delete is tried three times, then the resource is
 *   dropped and the stack ends UPDATE_COMPLETE, "Update successful. One or more resources could
 *   not be deleted." (see `stack-update.ts`;
 *   https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/using-cfn-updating-stacks-update-behaviors.html,
 *   https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/view-stack-events.html status codes).
 *   A failure before cleanup rolls back: UPDATE_ROLLBACK_IN_PROGRESS updates changed resources
 *   back (custom resources get an Update with the old properties,
 *   https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/crpg-ref-requesttypes-update.html;
 *   replaced native resources return to the old one), then
 *   UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS deletes what the failed update created.
 *   Whether rollback-cleanup failures are ignored like cleanup failures AWS does not document;
 *   they are here, after the same three attempts. A custom resource's FAILED Update adopts the
 *   PhysicalResourceId it returned (aws/aws-cdk#13527, #30012; see `resource-actions.ts`).
 * - Where the engine is as strict as CloudFormation is switchable per test: `strictness`.
 * - Delete: a resource whose delete fails ends DELETE_FAILED and the resources it depends on are
 *   deleted anyway (https://github.com/aws-cloudformation/cloudformation-coverage-roadmap/issues/852);
 *   a second delete retries what failed, and RetainResources (only for a DELETE_FAILED stack)
 *   skips it (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DeleteStack.html).
 * - DeletionPolicy Retain (on a rollback too) and RetainExceptOnCreate (except on the rollback of
 *   its creation), and UpdateReplacePolicy Retain skip the Delete (DELETE_SKIPPED)
 *   (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-attribute-deletionpolicy.html,
 *   https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-attribute-updatereplacepolicy.html).
 * - Nested stacks (AWS::CloudFormation::Stack) are stacks of the engine with a ParentId and a
 *   RootId (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_Stack.html),
 *   played in their parent's operations: see `nested-stacks.ts`, and `stack-update.ts` for how a
 *   root drives their update, cleanup and rollback phases. Their events carry their own stack id;
 *   an operation's result holds the events of every level.
 * - Stack operations are started on root stacks only. AWS documents that "certain stack
 *   operations, such as stack updates, should be initiated from the root stack rather than
 *   performed directly on nested stacks"
 *   (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/using-cfn-nested-stacks.html)
 *   and recommends against deleting them directly, but its API does not document a refusal: the
 *   local engine refuses with a ValidationError of its own wording.
 *
 * The parts: `resource-actions.ts` (one resource's create, update, update back, delete),
 * `stack-update.ts` (an update's phases), `nested-stacks.ts`, `resource-faults.ts`, `single-event.ts` (one request sent outside an operation).
 */
/** How the engine reaches resources and what it answers pseudo parameters with. */
interface EngineOptions {
  readonly region: string;
  readonly account: string;
  /** The provider of a resource type (AWS::CloudFormation::Stack is the engine's own). */
  readonly providerFor: (type: string) => ResourceProvider;
  /** SSM parameters for `AWS::SSM::Parameter::Value` parameters. @default - CDK's bootstrap version */
  readonly ssmParameters?: Record<string, string>;
  /**
   * The template a nested stack's TemplateURL names (parsed JSON); throws if there is none.
   * @default - nested stacks fail to create
   */
  readonly templateAt?: (url: string) => unknown;
}

/**
 * What create-stack does when the create fails: roll back (the default), delete the stack, or
 * leave it CREATE_FAILED (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_CreateStack.html,
 * OnFailure; `sam deploy --on-failure`, change sets' OnStackFailure).
 */
export type OnFailure = 'ROLLBACK' | 'DELETE' | 'DO_NOTHING';

/** What create-stack is given. */
interface CreateStackInput {
  readonly stackName: string;
  readonly template: Template;
  readonly parameters?: Record<string, string>;
  /** @default 'ROLLBACK' */
  readonly onFailure?: OnFailure;
}

/** What update-stack is given. */
interface UpdateStackInput {
  readonly stackName: string;
  readonly template: Template;
  readonly parameters?: Record<string, string>;
  /** Parameters sent with UsePreviousValue: true. @default - none */
  readonly usePreviousValue?: readonly string[];
}

/** What a stack operation came to. */
export interface OperationResult {
  readonly stackId: string;
  readonly stackName: string;
  /** The stack's status at the end. */
  readonly status: StackStatus;
  /** The events of this operation, oldest first: the stack's and its nested stacks' (each with its own stackId and stackName). */
  readonly events: StackEvent[];
}

const STABLE: StackStatus[] = ['CREATE_COMPLETE', 'UPDATE_COMPLETE', 'UPDATE_ROLLBACK_COMPLETE'];
const DEFAULT_SSM = { '/cdk-bootstrap/hnb659fds/version': '30' };

export class CloudFormationEngine extends EventEmitter implements StackHost {
  /** Injected failures, by logical id, `stackName/logicalId`, or logical-id path from the root (see `ResourceFaults`). */
  public readonly faults = new ResourceFaults();
  /** Where the engine is as strict as CloudFormation; a test may switch one behaviour to its kinder form (and say why). */
  public readonly strictness: CloudFormationStrictness = strictCloudFormation();
  /** @internal */
  public readonly resources: ResourceActions = new ResourceActions(this);
  /** @internal */
  public readonly nested: NestedStacks = new NestedStacks(this);
  private readonly stacks: LiveStack[] = [];
  /** Every event of every stack, in order, to answer an operation's events across levels. */
  private readonly log: StackEvent[] = [];

  constructor(private readonly options: EngineOptions) {
    super();
  }

  /** `listener` hears each stack event (of any stack, nested ones included) as it happens. */
  public on(event: 'event', listener: (stackEvent: StackEvent) => void): this {
    return super.on(event, listener);
  }

  /** Every stack ever created, nested and deleted ones included. */
  public allStacks(): readonly LiveStack[] {
    return this.stacks;
  }

  /** The stack named `nameOrId`: by name only while it exists, by stack id also once deleted (as DescribeStacks). */
  public stack(nameOrId: string): LiveStack | undefined {
    return this.stacks.find((s) => s.stackId === nameOrId)
      ?? this.stacks.find((s) => s.stackName === nameOrId && s.status !== 'DELETE_COMPLETE');
  }

  /** The stacks nested in `stack` at any depth (deleted ones included), parents before children. */
  public nestedStacksOf(stack: LiveStack): LiveStack[] {
    const children = this.stacks.filter((s) => s.parentId === stack.stackId);
    return children.flatMap((c) => [c, ...this.nestedStacksOf(c)]);
  }

  /** create-stack: resolves when the stack is CREATE_COMPLETE, or rolled back, deleted or CREATE_FAILED as `onFailure` says (default ROLLBACK). */
  public async createStack(input: CreateStackInput): Promise<OperationResult> {
    validateTemplate(input.template);
    if (!/^[A-Za-z][A-Za-z0-9-]{0,127}$/.test(input.stackName)) {
      throw new CloudFormationError('ValidationError', `1 validation error detected: Value '${input.stackName}' at 'stackName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z][-a-zA-Z0-9]*`);
    }
    if (this.stack(input.stackName)) {
      throw new CloudFormationError('AlreadyExistsException', `Stack [${input.stackName}] already exists`);
    }
    const parameters = parameterValues(input.template, input.parameters ?? {}, {}, this.ssm);
    DependencyGraph.of(input.template);
    const stack = this.newStack(input.stackName, input.template, parameters);
    stack.parameterInputs = parameterInputs(input.template, input.parameters ?? {});
    const firstEvent = this.log.length;
    await this.runCreate(stack, 'User Initiated', input.onFailure);
    return this.result(stack, firstEvent);
  }

  /**
   * update-stack: resolves when the stack is UPDATE_COMPLETE or UPDATE_ROLLBACK_COMPLETE (or _FAILED).
   * `usePreviousValue` names the parameters sent with UsePreviousValue: true (what `cdk deploy` sends
   * for every parameter of the deployed stack it is not given).
   */
  public async updateStack(input: UpdateStackInput): Promise<OperationResult> {
    validateTemplate(input.template);
    const stack = this.existing(input.stackName);
    this.refuseNested(stack, 'updated');
    if (!STABLE.includes(stack.status)) {
      throw new CloudFormationError('ValidationError', `Stack:${stack.stackId} is in ${stack.status} state and can not be updated.`);
    }
    const given = withPreviousValues(input.template, input.parameters ?? {}, input.usePreviousValue ?? [], stack.parameterInputs ?? {});
    const parameters = parameterValues(input.template, given, stack.parameters, this.ssm);
    const update = new StackUpdate(this, stack, input.template, parameters);
    if (update.changesNothing) {
      throw new CloudFormationError('ValidationError', 'No updates are to be performed.');
    }
    if (update.retyped.length > 0) {
      throw new CloudFormationError('ValidationError', `Update of resource type is not permitted. The new template modifies resource type of the following resources: [${update.retyped.join(', ')}]`);
    }
    const firstEvent = this.log.length;
    if (await update.apply('User Initiated')) {
      stack.parameterInputs = parameterInputs(input.template, given);
      await update.cleanup();
    } else {
      await update.rollback();
      await update.rollbackCleanup();
    }
    return this.result(stack, firstEvent);
  }

  /** delete-stack: resolves when the stack is DELETE_COMPLETE or DELETE_FAILED. */
  public async deleteStack(input: { stackName: string; retainResources?: string[] }): Promise<OperationResult> {
    const stack = this.existing(input.stackName);
    this.refuseNested(stack, 'deleted');
    const retain = input.retainResources ?? [];
    if (retain.length > 0 && stack.status !== 'DELETE_FAILED') {
      throw new CloudFormationError('ValidationError', `Invalid operation on stack: ${stack.stackId}: RetainResources can only be specified when the stack is in the DELETE_FAILED state, not ${stack.status}`);
    }
    const unknown = retain.filter((id) => !stack.resources.has(id));
    if (unknown.length > 0) {
      throw new CloudFormationError('ValidationError', `The specified resources to retain must be in the stack: [${unknown.join(', ')}]`);
    }
    if (stack.status.endsWith('_IN_PROGRESS')) {
      throw new CloudFormationError('ValidationError', `Stack:${stack.stackId} is in ${stack.status} state and can not be deleted.`);
    }
    const firstEvent = this.log.length;
    await this.runDelete(stack, retain, 'User Initiated');
    return this.result(stack, firstEvent);
  }

  /** Sends one custom-resource request to a resource of a deployed stack, outside any operation (see `single-event.ts`). */
  public sendEvent(input: SingleEvent): Promise<SentRequest> {
    return sendSingleEvent(this, input);
  }

  /** @internal */
  public get ssm(): Record<string, string> {
    return this.options.ssmParameters ?? DEFAULT_SSM;
  }

  /** @internal */
  public providerFor(type: string): ResourceProvider {
    return this.options.providerFor(type);
  }

  /** @internal */
  public templateAt(url: string): Template {
    if (!this.options.templateAt) {
      throw new Error(`The local engine was given no way to read templates: cannot read TemplateURL ${url}`);
    }
    const template = this.options.templateAt(url);
    validateTemplate(template);
    return template;
  }

  /** @internal */
  public newStack(name: string, template: Template, parameters: Record<string, string>, parent?: { stack: LiveStack; logicalId: string }): LiveStack {
    const stack: LiveStack = {
      stackId: `arn:aws:cloudformation:${this.options.region}:${this.options.account}:stack/${name}/${randomUUID()}`,
      stackName: name,
      status: 'CREATE_IN_PROGRESS',
      template,
      parameters,
      resources: new Map(),
      events: [],
      createdAt: new Date(),
      ...(parent ? {
        parentId: parent.stack.stackId,
        rootId: parent.stack.rootId ?? parent.stack.stackId,
        logicalIdInParent: parent.logicalId,
      } : {}),
    };
    this.stacks.push(stack);
    return stack;
  }

  /** @internal */
  public async runCreate(stack: LiveStack, reason?: string, onFailure: OnFailure = 'ROLLBACK'): Promise<string | undefined> {
    this.setStackStatus(stack, 'CREATE_IN_PROGRESS', reason);
    const graph = DependencyGraph.of(stack.template);
    const ids = this.includedIds(stack, stack.template, stack.parameters);
    const { failed } = await runInOrder(ids, (id) => graph.dependenciesOf(id),
      (id) => this.resources.create(stack, stack.template, stack.parameters, id), { stopOnFailure: true });
    let failure = failed.length > 0 ? `The following resource(s) failed to create: [${failed.join(', ')}]. ` : undefined;
    if (failure === undefined) {
      try {
        stack.outputs = this.outputsOf(stack, stack.template, stack.parameters);
        this.setStackStatus(stack, 'CREATE_COMPLETE');
        return undefined;
      } catch (err) {
        failure = `${reasonOf(err)}. `;
      }
    }
    if (onFailure === 'DO_NOTHING') {
      this.setStackStatus(stack, 'CREATE_FAILED', failure.trim());
      return failure;
    }
    if (onFailure === 'DELETE') {
      // The stack is deleted, not rolled back: its resources get their Deletes while the stack is
      // DELETE_IN_PROGRESS, as in delete-stack (the status reason's wording is the local engine's,
      // after the rollback's). DeletionPolicy as on the rollback of a create.
      this.setStackStatus(stack, 'DELETE_IN_PROGRESS', `${failure}Delete requested by user.`);
      const removals = [...stack.resources.values()].map((r) => this.resources.removalOf(r, retainedOnDelete(stack.template, r.logicalId, true)));
      const deleteFailed = await this.resources.remove(stack, removals, graph);
      this.pruneDeleted(stack);
      if (deleteFailed.length > 0) {
        this.setStackStatus(stack, 'DELETE_FAILED', `The following resource(s) failed to delete: [${deleteFailed.join(', ')}]. `);
      } else {
        stack.deletedAt = new Date();
        this.setStackStatus(stack, 'DELETE_COMPLETE');
      }
      return failure;
    }
    this.setStackStatus(stack, 'ROLLBACK_IN_PROGRESS', `${failure}Rollback requested by user.`);
    const removals = [...stack.resources.values()].map((r) => this.resources.removalOf(r, retainedOnDelete(stack.template, r.logicalId, true)));
    const deleteFailed = await this.resources.remove(stack, removals, graph);
    this.pruneDeleted(stack);
    this.setStackStatus(stack, deleteFailed.length === 0 ? 'ROLLBACK_COMPLETE' : 'ROLLBACK_FAILED');
    return failure;
  }

  /** @internal */
  public async runDelete(stack: LiveStack, retain: string[], reason?: string): Promise<string[]> {
    this.setStackStatus(stack, 'DELETE_IN_PROGRESS', reason);
    const removals = [...stack.resources.values()]
      .map((r) => this.resources.removalOf(r, retain.includes(r.logicalId) || retainedOnDelete(stack.template, r.logicalId, false)));
    const failed = await this.resources.remove(stack, removals, DependencyGraph.of(stack.template));
    this.pruneDeleted(stack);
    if (failed.length > 0) {
      this.setStackStatus(stack, 'DELETE_FAILED', `The following resource(s) failed to delete: [${failed.join(', ')}]. `);
    } else {
      stack.deletedAt = new Date();
      this.setStackStatus(stack, 'DELETE_COMPLETE');
    }
    return failed;
  }

  /** @internal */
  public outputsOf(stack: LiveStack, template: Template, parameters: Record<string, string>): Record<string, unknown> {
    const context = this.resolution(stack, template, parameters);
    const outputs: Record<string, unknown> = {};
    for (const [name, output] of Object.entries(template.Outputs ?? {})) {
      const { Value, Condition } = output as { Value: unknown; Condition?: string };
      if (Condition === undefined || context.condition(Condition)) {
        outputs[name] = resolve(Value, context);
      }
    }
    return outputs;
  }

  /** @internal The resources of `template` whose Condition (if any) holds. */
  public includedIds(stack: LiveStack, template: Template, parameters: Record<string, string>): string[] {
    const context = this.resolution(stack, template, parameters);
    return Object.entries(template.Resources).filter(([, r]) => r.Condition === undefined || context.condition(r.Condition)).map(([id]) => id);
  }

  /** @internal */
  public resolution(stack: LiveStack, template: Template, parameters: Record<string, string>): ResolutionContext {
    const conditions = new Map<string, boolean>();
    const context: ResolutionContext = {
      values: {
        ...parameters,
        'AWS::StackId': stack.stackId,
        'AWS::StackName': stack.stackName,
        'AWS::Region': this.options.region,
        'AWS::AccountId': this.options.account,
        'AWS::Partition': 'aws',
        'AWS::URLSuffix': 'amazonaws.com',
        'AWS::NotificationARNs': [],
      },
      ref: (id) => stack.resources.get(id)?.physicalId,
      getAtt: (id, attribute) => {
        const resource = stack.resources.get(id);
        if (!resource) return undefined;
        return resource.attributes[attribute]
          ?? (resource.type !== NESTED_STACK_TYPE && this.options.providerFor(resource.type).placeholderAttributes ? `${resource.physicalId}.${attribute}` : undefined);
      },
      condition: (name) => {
        if (!conditions.has(name)) {
          const expression = template.Conditions?.[name];
          if (expression === undefined) {
            throw new CloudFormationError('ValidationError', `Template format error: Unresolved condition dependency ${name}`);
          }
          conditions.set(name, evaluateCondition(expression, context));
        }
        return conditions.get(name)!;
      },
    };
    return context;
  }

  /** @internal */
  public resourceContext(stack: LiveStack, logicalId: string, type: string): ResourceContext {
    return { stackId: stack.stackId, stackName: stack.stackName, logicalId, type, region: this.options.region, account: this.options.account };
  }

  /** @internal */
  public injectedFailure(stack: LiveStack, logicalId: string, action: ResourceAction): void {
    const reason = this.faults.take({ stackName: stack.stackName, path: [...this.pathOf(stack), logicalId] }, action);
    if (reason !== undefined) {
      throw new ResourceFailure(reason);
    }
  }

  /** @internal */
  public setStackStatus(stack: LiveStack, status: StackStatus, reason?: string): void {
    stack.status = status;
    stack.statusReason = reason;
    if (status.startsWith('UPDATE')) {
      stack.lastUpdatedAt = new Date();
    }
    this.record(stack, stack.stackName, 'AWS::CloudFormation::Stack', stack.stackId, status, reason);
  }

  /** @internal */
  public setResourceStatus(stack: LiveStack, entry: StackResource, status: ResourceStatus, reason?: string): void {
    entry.status = status;
    entry.statusReason = reason;
    entry.lastUpdated = new Date();
    this.record(stack, entry.logicalId, entry.type, entry.physicalId, status, reason);
  }

  /** @internal */
  public record(stack: LiveStack, logicalResourceId: string, resourceType: string, physicalResourceId: string | undefined, resourceStatus: StackEvent['resourceStatus'], resourceStatusReason?: string): void {
    const event: StackEvent = {
      timestamp: new Date(),
      stackId: stack.stackId,
      stackName: stack.stackName,
      logicalResourceId,
      resourceType,
      ...(physicalResourceId !== undefined ? { physicalResourceId } : {}),
      resourceStatus,
      ...(resourceStatusReason !== undefined ? { resourceStatusReason } : {}),
    };
    stack.events.push(event);
    this.log.push(event);
    this.emit('event', event);
  }

  private existing(nameOrId: string): LiveStack {
    const stack = this.stack(nameOrId);
    if (!stack || stack.status === 'DELETE_COMPLETE') {
      throw new CloudFormationError('ValidationError', `Stack with id ${nameOrId} does not exist`);
    }
    return stack;
  }

  /** See the header: operations start on root stacks only (a local choice; the wording is not AWS's). */
  private refuseNested(stack: LiveStack, verb: string): void {
    if (stack.parentId !== undefined) {
      throw new CloudFormationError('ValidationError', `Stack:${stack.stackId} is a nested stack (ParentId ${stack.parentId}) and can not be ${verb} directly: ${verb === 'updated' ? 'update' : 'delete'} its root stack ${stack.rootId}.`);
    }
  }

  /** The root stack's name, then the logical ids of the nested stack resources down to `stack`. */
  private pathOf(stack: LiveStack): string[] {
    const parent = stack.parentId !== undefined ? this.stack(stack.parentId) : undefined;
    return parent ? [...this.pathOf(parent), stack.logicalIdInParent!] : [stack.stackName];
  }

  /** Forgets resources that are gone; DELETE_FAILED ones stay for the next delete. */
  private pruneDeleted(stack: LiveStack): void {
    for (const [id, r] of stack.resources) {
      if (r.status === 'DELETE_COMPLETE' || r.status === 'DELETE_SKIPPED') {
        stack.resources.delete(id);
      }
    }
  }

  /** The result of the operation on `stack` whose first event was `firstEvent` of the log: its events and its nested stacks'. */
  private result(stack: LiveStack, firstEvent: number): OperationResult {
    const family = new Set([stack.stackId, ...this.nestedStacksOf(stack).map((s) => s.stackId)]);
    const events = this.log.slice(firstEvent).filter((e) => family.has(e.stackId));
    return { stackId: stack.stackId, stackName: stack.stackName, status: stack.status, events };
  }
}
