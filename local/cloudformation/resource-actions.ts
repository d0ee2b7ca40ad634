import { DependencyGraph, runInOrder } from './dependency-graph';
import { resolve } from './intrinsics';
import { Provisioned, RequestRefused, ResourceFailure } from './providers/resource-provider';
import type { StackHost } from './stack-host';
import { LiveStack, ResourceStatus, StackResource } from './stack-state';
import type { StackUpdate } from './stack-update';
import { Template } from './template';

/**
 * The engine's actions on single resources: create, update, update back on a rollback, and
 * delete in reverse dependency order (#852: a failed delete does not stop the deletes of what it
 * depends on). Nested stacks (AWS::CloudFormation::Stack) go to `NestedStacks`, every other type
 * to its provider. Sources are in `engine.ts`.
 */

/** The type of a nested stack resource. */
export const NESTED_STACK_TYPE = 'AWS::CloudFormation::Stack';

/** One resource to delete: a stack resource, or the old physical resource of a replaced one. */
export interface Removal {
  readonly logicalId: string;
  readonly type: string;
  readonly physicalId?: string;
  readonly properties: Record<string, unknown>;
  readonly retain: boolean;
  /** The stack resource whose status the delete shows (absent for a replaced resource's old physical id). */
  readonly entry?: StackResource;
}

/** An update of an existing resource, kept to roll it back. */
export interface Change {
  readonly logicalId: string;
  readonly before: Provisioned & { readonly properties: Record<string, unknown>; readonly status: ResourceStatus };
  /** What the update was asked for and, if it got one, its physical id. */
  after?: { readonly physicalId: string; readonly properties: Record<string, unknown> };
}

export class ResourceActions {
  constructor(private readonly host: StackHost) {}

  /** Creates one resource of `template`; resolves to whether it is CREATE_COMPLETE. */
  public async create(stack: LiveStack, template: Template, parameters: Record<string, string>, logicalId: string): Promise<boolean> {
    const definition = template.Resources[logicalId];
    const entry: StackResource = { logicalId, type: definition.Type, status: 'CREATE_IN_PROGRESS', properties: {}, attributes: {}, lastUpdated: new Date() };
    stack.resources.set(logicalId, entry);
    this.host.setResourceStatus(stack, entry, 'CREATE_IN_PROGRESS');
    try {
      entry.properties = this.resolveProperties(stack, template, parameters, logicalId);
      this.host.injectedFailure(stack, logicalId, 'create');
      const provisioned = definition.Type === NESTED_STACK_TYPE
        ? await this.host.nested.create(stack, logicalId, entry.properties)
        : await this.host.providerFor(definition.Type).create(this.host.resourceContext(stack, logicalId, definition.Type), entry.properties);
      entry.physicalId = provisioned.physicalId;
      entry.attributes = provisioned.attributes;
      this.host.setResourceStatus(stack, entry, 'CREATE_COMPLETE');
      return true;
    } catch (err) {
      entry.physicalId = err instanceof ResourceFailure ? err.physicalId ?? entry.physicalId : entry.physicalId;
      this.host.setResourceStatus(stack, entry, 'CREATE_FAILED', reasonOf(err));
      return false;
    }
  }

  /**
   * Updates one existing resource of `update`'s stack to the new template, if its resolved
   * properties changed, keeping the change in `update.changes` for a rollback.
   */
  public async update(update: StackUpdate, logicalId: string): Promise<boolean> {
    const stack = update.stack;
    const entry = stack.resources.get(logicalId)!;
    let properties: Record<string, unknown>;
    try {
      properties = this.resolveProperties(stack, update.template, update.parameters, logicalId);
    } catch (err) {
      this.host.setResourceStatus(stack, entry, 'UPDATE_FAILED', reasonOf(err));
      return false;
    }
    // "CloudFormation updates the resources of modified nested stacks, but doesn't update the
    // resources of unmodified nested stacks" (AWS::CloudFormation::Stack page): same for any type.
    if (JSON.stringify(properties) === JSON.stringify(entry.properties)) {
      return true;
    }
    const change: Change = {
      logicalId,
      before: { physicalId: entry.physicalId!, attributes: entry.attributes, properties: entry.properties, status: entry.status },
    };
    update.changes.set(logicalId, change);
    this.host.setResourceStatus(stack, entry, 'UPDATE_IN_PROGRESS');
    try {
      this.host.injectedFailure(stack, logicalId, 'update');
      change.after = { physicalId: entry.physicalId!, properties };
      const current = { physicalId: entry.physicalId!, attributes: entry.attributes };
      const provisioned = entry.type === NESTED_STACK_TYPE
        ? await this.host.nested.update(update, entry, properties)
        : await this.host.providerFor(entry.type)
          .update(this.host.resourceContext(stack, logicalId, entry.type), current, properties, entry.properties);
      change.after = { physicalId: provisioned.physicalId, properties };
      entry.physicalId = provisioned.physicalId;
      entry.attributes = provisioned.attributes;
      entry.properties = properties;
      this.host.setResourceStatus(stack, entry, 'UPDATE_COMPLETE');
      return true;
    } catch (err) {
      if (err instanceof RequestRefused) {
        change.after = undefined;
      } else if (err instanceof ResourceFailure && err.physicalId !== undefined && change.after && this.host.strictness.adoptFailedUpdatePhysicalId) {
        // CloudFormation adopts the PhysicalResourceId returned with FAILED on an Update: the
        // rollback's Update goes to that id, and, when it answers another, the adopted one is
        // deleted in the rollback cleanup (aws/aws-cdk#13527: "the physical id of the resource in
        // CloudFormation gets updated"; aws/aws-cdk#30012: "CFN then tries to call onDelete with
        // this log stream ID").
        change.after = { physicalId: err.physicalId, properties: change.after.properties };
        entry.physicalId = err.physicalId;
      }
      this.host.setResourceStatus(stack, entry, 'UPDATE_FAILED', reasonOf(err));
      return false;
    }
  }

  /**
   * Updates `update`'s changed resources back, in the old template's dependency order; a nested
   * stack updated in place rolls its own update back. Returns the physical resources the failed
   * update created that are no longer the resource's (to delete in the rollback cleanup), and
   * whether every resource came back.
   */
  public async rollBack(update: StackUpdate): Promise<{ ok: boolean; leftovers: Removal[] }> {
    const stack = update.stack;
    const leftovers: Removal[] = [];
    const byId = new Map([...update.changes.values()].map((c) => [c.logicalId, c]));
    const { failed } = await runInOrder([...byId.keys()], (id) => update.oldGraph.dependenciesOf(id), async (id) => {
      const change = byId.get(id)!;
      const entry = stack.resources.get(id)!;
      const provider = this.host.providerFor(entry.type);
      const after = change.after;
      this.host.setResourceStatus(stack, entry, 'UPDATE_IN_PROGRESS');
      try {
        const nested = update.nested.get(id);
        if (!after) {
          // The update failed before reaching the resource (an injected fault, a refused request): nothing to undo.
        } else if (entry.type === NESTED_STACK_TYPE) {
          if (nested && !(await nested.rollback())) {
            throw new ResourceFailure(`Embedded stack ${nested.stack.stackId} was not successfully rolled back: ${nested.stack.statusReason ?? 'see its events'}`);
          }
          entry.attributes = change.before.attributes;
        } else if (!provider.updatesBackOnRollback && after.physicalId !== change.before.physicalId) {
          // A replaced resource: the old one still exists; the new one goes in the rollback cleanup.
          leftovers.push(this.replacedRemoval(stack, change, after, false));
          entry.physicalId = change.before.physicalId;
          entry.attributes = change.before.attributes;
        } else {
          const provisioned = await provider.update(this.host.resourceContext(stack, id, entry.type),
            { physicalId: after.physicalId, attributes: entry.attributes }, change.before.properties, after.properties);
          if (provisioned.physicalId !== after.physicalId) {
            leftovers.push(this.replacedRemoval(stack, change, after, false));
          }
          entry.physicalId = provisioned.physicalId;
          entry.attributes = provisioned.attributes;
        }
        entry.properties = change.before.properties;
        this.host.setResourceStatus(stack, entry, 'UPDATE_COMPLETE');
        return true;
      } catch (err) {
        this.host.setResourceStatus(stack, entry, 'UPDATE_FAILED', reasonOf(err));
        return false;
      }
    }, { stopOnFailure: false });
    return { ok: failed.length === 0, leftovers };
  }

  /**
   * Deletes `removals`, each once every removal of a resource that depends on it (in `graph`)
   * has finished, whether or not it succeeded (#852), making up to `attempts` attempts at each.
   * Returns the logical ids that failed every attempt.
   */
  public async remove(stack: LiveStack, removals: Removal[], graph: DependencyGraph, attempts = 1): Promise<string[]> {
    const byId = new Map(removals.map((r) => [r.logicalId, r]));
    const { failed } = await runInOrder([...byId.keys()], (id) => graph.dependentsOf(id).filter((d) => byId.has(d)),
      async (id) => {
        // Each attempt is a new Delete (a new request, for a custom resource), shown as its own
        // DELETE_IN_PROGRESS and DELETE_FAILED.
        for (let attempt = 1; ; attempt++) {
          const deleted = await this.removeOne(stack, byId.get(id)!);
          if (deleted || attempt >= attempts) {
            return deleted;
          }
        }
      }, { stopOnFailure: false });
    return failed;
  }

  public removalOf(entry: StackResource, retain: boolean): Removal {
    return { logicalId: entry.logicalId, type: entry.type, physicalId: entry.physicalId, properties: entry.properties, retain, entry };
  }

  public replacedRemoval(stack: LiveStack, change: Change, old: NonNullable<Change['after']>, retain: boolean): Removal {
    const type = stack.resources.get(change.logicalId)!.type;
    return { logicalId: change.logicalId, type, physicalId: old.physicalId, properties: old.properties, retain };
  }

  private async removeOne(stack: LiveStack, removal: Removal): Promise<boolean> {
    const show = (status: ResourceStatus, reason?: string) => {
      if (removal.entry) {
        this.host.setResourceStatus(stack, removal.entry, status, reason);
      } else {
        this.host.record(stack, removal.logicalId, removal.type, removal.physicalId, status, reason);
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
      this.host.injectedFailure(stack, removal.logicalId, 'delete');
      if (removal.type === NESTED_STACK_TYPE) {
        await this.host.nested.delete(removal.physicalId);
      } else {
        const context = this.host.resourceContext(stack, removal.logicalId, removal.type);
        await this.host.providerFor(removal.type).delete(context, removal.physicalId, removal.properties);
      }
      show('DELETE_COMPLETE');
      return true;
    } catch (err) {
      show('DELETE_FAILED', reasonOf(err));
      return false;
    }
  }

  private resolveProperties(stack: LiveStack, template: Template, parameters: Record<string, string>, logicalId: string): Record<string, unknown> {
    return resolve(template.Resources[logicalId].Properties ?? {}, this.host.resolution(stack, template, parameters)) as Record<string, unknown>;
  }
}

/**
 * Whether the resource's DeletionPolicy keeps it: Retain always; RetainExceptOnCreate except when
 * a failed create (of the stack, or of the resource in a failed update) is rolled back.
 */
export function retainedOnDelete(template: Template, logicalId: string, rollingBackCreate: boolean): boolean {
  const policy = template.Resources[logicalId]?.DeletionPolicy;
  return policy === 'Retain' || (policy === 'RetainExceptOnCreate' && !rollingBackCreate);
}

export function reasonOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
