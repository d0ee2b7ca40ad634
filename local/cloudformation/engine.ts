import { randomUUID } from 'crypto';
import { EventEmitter } from 'events';
import { CloudFormationError } from './cloudformation-error';
import { DependencyGraph, runInOrder } from './dependency-graph';
import { evaluateCondition, resolve, ResolutionContext } from './intrinsics';
import { Provisioned, RequestRefused, ResourceContext, ResourceFailure, ResourceProvider } from './providers/resource-provider';
import { ResourceFaults } from './resource-faults';
import { parameterValues } from './stack-parameters';
import { LiveStack, ResourceStatus, StackEvent, StackResource, StackStatus } from './stack-state';
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
 *   ROLLBACK_COMPLETE (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/stack-failure-options.html).
 *   Resources already in progress when another fails are awaited here; CloudFormation may
 *   cancel them ("Resource creation cancelled"), which AWS does not document precisely.
 * - Update: added resources are created and changed ones updated in the new template's
 *   dependency order; a new physical id is a replacement whose old resource is deleted in
 *   UPDATE_COMPLETE_CLEANUP_IN_PROGRESS, with removed resources, in the reverse dependency order
 *   of the old template; cleanup failures leave the stack UPDATE_COMPLETE
 *   (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/using-cfn-updating-stacks-update-behaviors.html,
 *   https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/view-stack-events.html status codes).
 *   A failure before cleanup rolls back: UPDATE_ROLLBACK_IN_PROGRESS updates changed resources
 *   back (custom resources get an Update with the old properties,
 *   https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/crpg-ref-requesttypes-update.html;
 *   replaced native resources return to the old one), then
 *   UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS deletes what the failed update created.
 *   Whether rollback-cleanup failures are ignored like cleanup failures AWS does not document;
 *   they are here.
 * - Delete: a resource whose delete fails ends DELETE_FAILED and the resources it depends on are
 *   deleted anyway (https://github.com/aws-cloudformation/cloudformation-coverage-roadmap/issues/852);
 *   a second delete retries what failed, and RetainResources (only for a DELETE_FAILED stack)
 *   skips it (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DeleteStack.html).
 * - DeletionPolicy Retain (on a rollback too) and RetainExceptOnCreate (except on the rollback of
 *   its creation), and UpdateReplacePolicy Retain skip the Delete (DELETE_SKIPPED)
 *   (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-attribute-deletionpolicy.html,
 *   https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-attribute-updatereplacepolicy.html).
 */

/** How the engine reaches resources and what it answers pseudo parameters with. */
export interface EngineOptions {
  readonly region: string;
  readonly account: string;
  /** The provider of a resource type. */
  readonly providerFor: (type: string) => ResourceProvider;
  /** SSM parameters for `AWS::SSM::Parameter::Value` parameters. @default - CDK's bootstrap version */
  readonly ssmParameters?: Record<string, string>;
}

/** What a stack operation came to. */
export interface OperationResult {
  readonly stackId: string;
  readonly stackName: string;
  /** The stack's status at the end. */
  readonly status: StackStatus;
  /** The events of this operation, oldest first. */
  readonly events: StackEvent[];
}

/** One resource to delete: a stack resource, or the old physical resource of a replaced one. */
interface Removal {
  readonly logicalId: string;
  readonly type: string;
  readonly physicalId?: string;
  readonly properties: Record<string, unknown>;
  readonly retain: boolean;
  /** The stack resource whose status the delete shows (absent for a replaced resource's old physical id). */
  readonly entry?: StackResource;
}

/** An update of an existing resource, kept to roll it back. */
interface Change {
  readonly logicalId: string;
  readonly before: Provisioned & { readonly properties: Record<string, unknown>; readonly status: ResourceStatus };
  /** What the update was asked for and, if it got one, its physical id. */
  after?: { readonly physicalId: string; readonly properties: Record<string, unknown> };
}

const STABLE: StackStatus[] = ['CREATE_COMPLETE', 'UPDATE_COMPLETE', 'UPDATE_ROLLBACK_COMPLETE'];
const DEFAULT_SSM = { '/cdk-bootstrap/hnb659fds/version': '30' };

export class CloudFormationEngine extends EventEmitter {
  /** Injected failures, by logical id and action. */
  public readonly faults = new ResourceFaults();
  private readonly stacks: LiveStack[] = [];

  constructor(private readonly options: EngineOptions) {
    super();
  }

  /** `listener` hears each stack event as it happens. */
  public on(event: 'event', listener: (stackEvent: StackEvent) => void): this {
    return super.on(event, listener);
  }

  /** Every stack ever created, deleted ones included. */
  public allStacks(): readonly LiveStack[] {
    return this.stacks;
  }

  /** The stack named `nameOrId`: by name only while it exists, by stack id also once deleted (as DescribeStacks). */
  public stack(nameOrId: string): LiveStack | undefined {
    return this.stacks.find((s) => s.stackId === nameOrId)
      ?? this.stacks.find((s) => s.stackName === nameOrId && s.status !== 'DELETE_COMPLETE');
  }

  /** create-stack: resolves when the stack is CREATE_COMPLETE or rolled back. */
  public async createStack(input: { stackName: string; template: Template; parameters?: Record<string, string> }): Promise<OperationResult> {
    validateTemplate(input.template);
    if (!/^[A-Za-z][A-Za-z0-9-]{0,127}$/.test(input.stackName)) {
      throw new CloudFormationError('ValidationError', `1 validation error detected: Value '${input.stackName}' at 'stackName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z][-a-zA-Z0-9]*`);
    }
    if (this.stack(input.stackName)) {
      throw new CloudFormationError('AlreadyExistsException', `Stack [${input.stackName}] already exists`);
    }
    const parameters = parameterValues(input.template, input.parameters ?? {}, {}, this.ssm);
    const graph = DependencyGraph.of(input.template);
    const stack: LiveStack = {
      stackId: `arn:aws:cloudformation:${this.options.region}:${this.options.account}:stack/${input.stackName}/${randomUUID()}`,
      stackName: input.stackName,
      status: 'CREATE_IN_PROGRESS',
      template: input.template,
      parameters,
      resources: new Map(),
      events: [],
      createdAt: new Date(),
    };
    this.stacks.push(stack);
    const firstEvent = stack.events.length;
    this.setStackStatus(stack, 'CREATE_IN_PROGRESS', 'User Initiated');

    const ids = this.includedIds(stack, input.template, parameters);
    const { failed } = await runInOrder(ids, (id) => graph.dependenciesOf(id),
      (id) => this.createResource(stack, input.template, parameters, id), { stopOnFailure: true });
    if (failed.length === 0) {
      this.setStackStatus(stack, 'CREATE_COMPLETE');
    } else {
      this.setStackStatus(stack, 'ROLLBACK_IN_PROGRESS', `The following resource(s) failed to create: [${failed.join(', ')}]. Rollback requested by user.`);
      const removals = [...stack.resources.values()].map((r) => this.removalOf(r, retainedOnDelete(input.template, r.logicalId, true)));
      const deleteFailed = await this.remove(stack, removals, graph);
      this.pruneDeleted(stack);
      this.setStackStatus(stack, deleteFailed.length === 0 ? 'ROLLBACK_COMPLETE' : 'ROLLBACK_FAILED');
    }
    return this.result(stack, firstEvent);
  }

  /** update-stack: resolves when the stack is UPDATE_COMPLETE or UPDATE_ROLLBACK_COMPLETE. */
  public async updateStack(input: { stackName: string; template: Template; parameters?: Record<string, string> }): Promise<OperationResult> {
    validateTemplate(input.template);
    const stack = this.existing(input.stackName);
    if (!STABLE.includes(stack.status)) {
      throw new CloudFormationError('ValidationError', `Stack:${stack.stackId} is in ${stack.status} state and can not be updated.`);
    }
    const oldTemplate = stack.template;
    const oldParameters = stack.parameters;
    const parameters = parameterValues(input.template, input.parameters ?? {}, oldParameters, this.ssm);
    if (JSON.stringify(oldTemplate) === JSON.stringify(input.template) && JSON.stringify(oldParameters) === JSON.stringify(parameters)) {
      throw new CloudFormationError('ValidationError', 'No updates are to be performed.');
    }
    const retyped = Object.keys(input.template.Resources)
      .filter((id) => stack.resources.has(id) && stack.resources.get(id)!.type !== input.template.Resources[id].Type);
    if (retyped.length > 0) {
      throw new CloudFormationError('ValidationError', `Update of resource type is not permitted. The new template modifies resource type of the following resources: [${retyped.join(', ')}]`);
    }
    const oldGraph = DependencyGraph.of(oldTemplate);
    const newGraph = DependencyGraph.of(input.template);
    const firstEvent = stack.events.length;
    this.setStackStatus(stack, 'UPDATE_IN_PROGRESS', 'User Initiated');

    const ids = this.includedIds(stack, input.template, parameters);
    const created: string[] = [];
    const changes = new Map<string, Change>();
    const { failed } = await runInOrder(ids, (id) => newGraph.dependenciesOf(id), async (id) => {
      if (!stack.resources.has(id)) {
        created.push(id);
        return this.createResource(stack, input.template, parameters, id);
      }
      return this.updateResource(stack, input.template, parameters, id, changes);
    }, { stopOnFailure: true });

    if (failed.length === 0) {
      stack.template = input.template;
      stack.parameters = parameters;
      this.setStackStatus(stack, 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS');
      const removed = [...stack.resources.values()].filter((r) => !ids.includes(r.logicalId))
        .map((r) => this.removalOf(r, retainedOnDelete(oldTemplate, r.logicalId, false)));
      const replaced = [...changes.values()].filter((c) => c.after && c.after.physicalId !== c.before.physicalId)
        .map((c) => this.replacedRemoval(stack, c, c.before, oldTemplate.Resources[c.logicalId]?.UpdateReplacePolicy === 'Retain'));
      await this.remove(stack, [...removed, ...replaced], oldGraph);
      for (const r of removed) stack.resources.delete(r.logicalId);
      this.setStackStatus(stack, 'UPDATE_COMPLETE');
      return this.result(stack, firstEvent);
    }

    const verb = failed.every((id) => created.includes(id)) ? 'create' : 'update';
    this.setStackStatus(stack, 'UPDATE_ROLLBACK_IN_PROGRESS', `The following resource(s) failed to ${verb}: [${failed.join(', ')}].`);
    const rolledBack = await this.rollBackChanges(stack, [...changes.values()], oldGraph);
    this.setStackStatus(stack, 'UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS');
    const createdRemovals = created.filter((id) => stack.resources.has(id))
      .map((id) => this.removalOf(stack.resources.get(id)!, retainedOnDelete(input.template, id, true)));
    await this.remove(stack, [...createdRemovals, ...rolledBack.leftovers], newGraph);
    for (const id of created) stack.resources.delete(id);
    this.setStackStatus(stack, rolledBack.ok ? 'UPDATE_ROLLBACK_COMPLETE' : 'UPDATE_ROLLBACK_FAILED');
    return this.result(stack, firstEvent);
  }

  /** delete-stack: resolves when the stack is DELETE_COMPLETE or DELETE_FAILED. */
  public async deleteStack(input: { stackName: string; retainResources?: string[] }): Promise<OperationResult> {
    const stack = this.existing(input.stackName);
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
    const firstEvent = stack.events.length;
    this.setStackStatus(stack, 'DELETE_IN_PROGRESS', 'User Initiated');
    const removals = [...stack.resources.values()]
      .map((r) => this.removalOf(r, retain.includes(r.logicalId) || retainedOnDelete(stack.template, r.logicalId, false)));
    const failed = await this.remove(stack, removals, DependencyGraph.of(stack.template));
    this.pruneDeleted(stack);
    if (failed.length > 0) {
      this.setStackStatus(stack, 'DELETE_FAILED', `The following resource(s) failed to delete: [${failed.join(', ')}]. `);
    } else {
      stack.deletedAt = new Date();
      this.setStackStatus(stack, 'DELETE_COMPLETE');
    }
    return this.result(stack, firstEvent);
  }

  private get ssm(): Record<string, string> {
    return this.options.ssmParameters ?? DEFAULT_SSM;
  }

  private existing(nameOrId: string): LiveStack {
    const stack = this.stack(nameOrId);
    if (!stack || stack.status === 'DELETE_COMPLETE') {
      throw new CloudFormationError('ValidationError', `Stack with id ${nameOrId} does not exist`);
    }
    return stack;
  }

  /** The resources of `template` whose Condition (if any) holds. */
  private includedIds(stack: LiveStack, template: Template, parameters: Record<string, string>): string[] {
    const context = this.resolution(stack, template, parameters);
    return Object.entries(template.Resources).filter(([, r]) => r.Condition === undefined || context.condition(r.Condition)).map(([id]) => id);
  }

  private resolution(stack: LiveStack, template: Template, parameters: Record<string, string>): ResolutionContext {
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
          ?? (this.options.providerFor(resource.type).placeholderAttributes ? `${resource.physicalId}.${attribute}` : undefined);
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

  private resourceContext(stack: LiveStack, logicalId: string, type: string): ResourceContext {
    return { stackId: stack.stackId, stackName: stack.stackName, logicalId, type, region: this.options.region, account: this.options.account };
  }

  private async createResource(stack: LiveStack, template: Template, parameters: Record<string, string>, logicalId: string): Promise<boolean> {
    const definition = template.Resources[logicalId];
    const entry: StackResource = { logicalId, type: definition.Type, status: 'CREATE_IN_PROGRESS', properties: {}, attributes: {}, lastUpdated: new Date() };
    stack.resources.set(logicalId, entry);
    this.setResourceStatus(stack, entry, 'CREATE_IN_PROGRESS');
    try {
      entry.properties = this.resolveProperties(stack, template, parameters, logicalId);
      this.injectedFailure(logicalId, 'create');
      const provider = this.options.providerFor(definition.Type);
      const provisioned = await provider.create(this.resourceContext(stack, logicalId, definition.Type), entry.properties);
      entry.physicalId = provisioned.physicalId;
      entry.attributes = provisioned.attributes;
      this.setResourceStatus(stack, entry, 'CREATE_COMPLETE');
      return true;
    } catch (err) {
      entry.physicalId = err instanceof ResourceFailure ? err.physicalId ?? entry.physicalId : entry.physicalId;
      this.setResourceStatus(stack, entry, 'CREATE_FAILED', reasonOf(err));
      return false;
    }
  }

  private async updateResource(
    stack: LiveStack,
    template: Template,
    parameters: Record<string, string>,
    logicalId: string,
    changes: Map<string, Change>,
  ): Promise<boolean> {
    const entry = stack.resources.get(logicalId)!;
    let properties: Record<string, unknown>;
    try {
      properties = this.resolveProperties(stack, template, parameters, logicalId);
    } catch (err) {
      this.setResourceStatus(stack, entry, 'UPDATE_FAILED', reasonOf(err));
      return false;
    }
    if (JSON.stringify(properties) === JSON.stringify(entry.properties)) {
      return true;
    }
    const change: Change = {
      logicalId,
      before: { physicalId: entry.physicalId!, attributes: entry.attributes, properties: entry.properties, status: entry.status },
    };
    changes.set(logicalId, change);
    this.setResourceStatus(stack, entry, 'UPDATE_IN_PROGRESS');
    try {
      this.injectedFailure(logicalId, 'update');
      change.after = { physicalId: entry.physicalId!, properties };
      const current = { physicalId: entry.physicalId!, attributes: entry.attributes };
      const provider = this.options.providerFor(entry.type);
      const provisioned = await provider.update(this.resourceContext(stack, logicalId, entry.type), current, properties, entry.properties);
      change.after = { physicalId: provisioned.physicalId, properties };
      entry.physicalId = provisioned.physicalId;
      entry.attributes = provisioned.attributes;
      entry.properties = properties;
      this.setResourceStatus(stack, entry, 'UPDATE_COMPLETE');
      return true;
    } catch (err) {
      if (err instanceof RequestRefused) {
        change.after = undefined;
      }
      this.setResourceStatus(stack, entry, 'UPDATE_FAILED', reasonOf(err));
      return false;
    }
  }

  /**
   * Updates changed resources back, in the old template's dependency order. Returns the physical
   * resources the failed update created that are no longer the resource's (to delete in the
   * rollback cleanup), and whether every resource came back.
   */
  private async rollBackChanges(stack: LiveStack, changes: Change[], oldGraph: DependencyGraph): Promise<{ ok: boolean; leftovers: Removal[] }> {
    const leftovers: Removal[] = [];
    const byId = new Map(changes.map((c) => [c.logicalId, c]));
    const { failed } = await runInOrder([...byId.keys()], (id) => oldGraph.dependenciesOf(id), async (id) => {
      const change = byId.get(id)!;
      const entry = stack.resources.get(id)!;
      const provider = this.options.providerFor(entry.type);
      const after = change.after;
      this.setResourceStatus(stack, entry, 'UPDATE_IN_PROGRESS');
      try {
        if (!after) {
          // The update failed before reaching the resource (an injected fault, a refused request): nothing to undo.
        } else if (!provider.updatesBackOnRollback && after.physicalId !== change.before.physicalId) {
          // A replaced resource: the old one still exists; the new one goes in the rollback cleanup.
          leftovers.push(this.replacedRemoval(stack, change, after, false));
          entry.physicalId = change.before.physicalId;
          entry.attributes = change.before.attributes;
        } else {
          const provisioned = await provider.update(this.resourceContext(stack, id, entry.type),
            { physicalId: after.physicalId, attributes: entry.attributes }, change.before.properties, after.properties);
          if (provisioned.physicalId !== after.physicalId) {
            leftovers.push(this.replacedRemoval(stack, change, after, false));
          }
          entry.physicalId = provisioned.physicalId;
          entry.attributes = provisioned.attributes;
        }
        entry.properties = change.before.properties;
        this.setResourceStatus(stack, entry, 'UPDATE_COMPLETE');
        return true;
      } catch (err) {
        this.setResourceStatus(stack, entry, 'UPDATE_FAILED', reasonOf(err));
        return false;
      }
    }, { stopOnFailure: false });
    return { ok: failed.length === 0, leftovers };
  }

  /**
   * Deletes `removals`, each once every removal of a resource that depends on it (in `graph`)
   * has finished, whether or not it succeeded (#852). Returns the logical ids that failed.
   */
  private async remove(stack: LiveStack, removals: Removal[], graph: DependencyGraph): Promise<string[]> {
    const byId = new Map(removals.map((r) => [r.logicalId, r]));
    const { failed } = await runInOrder([...byId.keys()], (id) => graph.dependentsOf(id).filter((d) => byId.has(d)),
      (id) => this.removeOne(stack, byId.get(id)!), { stopOnFailure: false });
    return failed;
  }

  private async removeOne(stack: LiveStack, removal: Removal): Promise<boolean> {
    const show = (status: ResourceStatus, reason?: string) => {
      if (removal.entry) {
        this.setResourceStatus(stack, removal.entry, status, reason);
      } else {
        this.record(stack, removal.logicalId, removal.type, removal.physicalId, status, reason);
      }
    };
    if (removal.retain) {
      show('DELETE_SKIPPED');
      return true;
    }
    show('DELETE_IN_PROGRESS');
    if (removal.physicalId === undefined) {
      // Never created: nothing to ask the provider.
      show('DELETE_COMPLETE');
      return true;
    }
    try {
      this.injectedFailure(removal.logicalId, 'delete');
      const context = this.resourceContext(stack, removal.logicalId, removal.type);
      await this.options.providerFor(removal.type).delete(context, removal.physicalId, removal.properties);
      show('DELETE_COMPLETE');
      return true;
    } catch (err) {
      show('DELETE_FAILED', reasonOf(err));
      return false;
    }
  }

  private removalOf(entry: StackResource, retain: boolean): Removal {
    return { logicalId: entry.logicalId, type: entry.type, physicalId: entry.physicalId, properties: entry.properties, retain, entry };
  }

  private replacedRemoval(stack: LiveStack, change: Change, old: NonNullable<Change['after']>, retain: boolean): Removal {
    const type = stack.resources.get(change.logicalId)!.type;
    return { logicalId: change.logicalId, type, physicalId: old.physicalId, properties: old.properties, retain };
  }

  private resolveProperties(stack: LiveStack, template: Template, parameters: Record<string, string>, logicalId: string): Record<string, unknown> {
    return resolve(template.Resources[logicalId].Properties ?? {}, this.resolution(stack, template, parameters)) as Record<string, unknown>;
  }

  private injectedFailure(logicalId: string, action: 'create' | 'update' | 'delete'): void {
    const reason = this.faults.take(logicalId, action);
    if (reason !== undefined) {
      throw new ResourceFailure(reason);
    }
  }

  /** Forgets resources that are gone; DELETE_FAILED ones stay for the next delete. */
  private pruneDeleted(stack: LiveStack): void {
    for (const [id, r] of stack.resources) {
      if (r.status === 'DELETE_COMPLETE' || r.status === 'DELETE_SKIPPED') {
        stack.resources.delete(id);
      }
    }
  }

  private setStackStatus(stack: LiveStack, status: StackStatus, reason?: string): void {
    stack.status = status;
    stack.statusReason = reason;
    if (status.startsWith('UPDATE')) {
      stack.lastUpdatedAt = new Date();
    }
    this.record(stack, stack.stackName, 'AWS::CloudFormation::Stack', stack.stackId, status, reason);
  }

  private setResourceStatus(stack: LiveStack, entry: StackResource, status: ResourceStatus, reason?: string): void {
    entry.status = status;
    entry.statusReason = reason;
    entry.lastUpdated = new Date();
    this.record(stack, entry.logicalId, entry.type, entry.physicalId, status, reason);
  }

  private record(stack: LiveStack, logicalResourceId: string, resourceType: string, physicalResourceId: string | undefined, resourceStatus: StackEvent['resourceStatus'], resourceStatusReason?: string): void {
    const event: StackEvent = {
      timestamp: new Date(),
      stackName: stack.stackName,
      logicalResourceId,
      resourceType,
      ...(physicalResourceId !== undefined ? { physicalResourceId } : {}),
      resourceStatus,
      ...(resourceStatusReason !== undefined ? { resourceStatusReason } : {}),
    };
    stack.events.push(event);
    this.emit('event', event);
  }

  private result(stack: LiveStack, firstEvent: number): OperationResult {
    return { stackId: stack.stackId, stackName: stack.stackName, status: stack.status, events: stack.events.slice(firstEvent) };
  }
}

/**
 * Whether the resource's DeletionPolicy keeps it: Retain always; RetainExceptOnCreate except when
 * a failed create (of the stack, or of the resource in a failed update) is rolled back.
 */
function retainedOnDelete(template: Template, logicalId: string, rollingBackCreate: boolean): boolean {
  const policy = template.Resources[logicalId]?.DeletionPolicy;
  return policy === 'Retain' || (policy === 'RetainExceptOnCreate' && !rollingBackCreate);
}

function reasonOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
