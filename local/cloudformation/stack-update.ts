import { DependencyGraph, runInOrder } from './dependency-graph';
import { Change, Removal, reasonOf, retainedOnDelete } from './resource-actions';
import type { StackHost } from './stack-host';
import { LiveStack } from './stack-state';
import { Template } from './template';

/** The stack's status reason when an update completes with resources it could not delete. */
const CLEANUP_FAILED_REASON = 'Update successful. One or more resources could not be deleted.';

/**
 * One update of one stack, in the phases CloudFormation plays it, so that a root stack can drive
 * its nested stacks' updates through the same phases:
 * 1. {@link apply}: creates added and updates changed resources (nested stacks updated in place
 *    apply theirs now), then waits in UPDATE_COMPLETE_CLEANUP_IN_PROGRESS, or, on a failure,
 *    enters UPDATE_ROLLBACK_IN_PROGRESS;
 * 2. {@link cleanup}: deletes replaced and removed resources, its nested stacks' cleanups with
 *    its own, then UPDATE_COMPLETE. A nested stack's cleanup runs only when the root stack's
 *    does: "CloudFormation paused the resource cleanup because a sibling stack of a nested stack
 *    fails to update or roll back"
 *    (https://repost.aws/knowledge-center/cloudformation-stack-cleanup-stuck);
 * 3. or {@link rollback}: updates changed resources back (nested stacks roll their updates
 *    back), then waits in UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS, and
 *    {@link rollbackCleanup}: deletes what the update created (nested stacks it created too),
 *    then UPDATE_ROLLBACK_COMPLETE, or UPDATE_ROLLBACK_FAILED if something did not come back.
 * Status codes: https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/view-stack-events.html.
 */
export class StackUpdate {
  /** Logical ids created by this update. */
  public readonly created: string[] = [];
  /** Existing resources this update changed, by logical id. */
  public readonly changes = new Map<string, Change>();
  /** The updates of nested stacks updated in place, by the logical id of their resource. */
  public readonly nested = new Map<string, StackUpdate>();
  public readonly oldGraph: DependencyGraph;
  public readonly newGraph: DependencyGraph;
  private readonly oldTemplate: Template;
  private readonly oldParameters: Record<string, string>;
  private readonly oldOutputs?: Record<string, unknown>;
  private ids: string[] = [];
  private leftovers: Removal[] = [];
  private rolledBack = true;

  constructor(
    private readonly host: StackHost,
    public readonly stack: LiveStack,
    public readonly template: Template,
    public readonly parameters: Record<string, string>,
  ) {
    this.oldTemplate = stack.template;
    this.oldParameters = stack.parameters;
    this.oldOutputs = stack.outputs;
    this.oldGraph = DependencyGraph.of(stack.template);
    this.newGraph = DependencyGraph.of(template);
  }

  /** Whether the update changes nothing (same template, same parameter values). */
  public get changesNothing(): boolean {
    return JSON.stringify(this.oldTemplate) === JSON.stringify(this.template)
      && JSON.stringify(this.oldParameters) === JSON.stringify(this.parameters);
  }

  /** The logical ids whose type the new template changes (which CloudFormation refuses). */
  public get retyped(): string[] {
    return Object.keys(this.template.Resources)
      .filter((id) => this.stack.resources.has(id) && this.stack.resources.get(id)!.type !== this.template.Resources[id].Type);
  }

  /** Phase 1; resolves to whether every resource was created or updated. */
  public async apply(reason?: string): Promise<boolean> {
    const stack = this.stack;
    this.host.setStackStatus(stack, 'UPDATE_IN_PROGRESS', reason);
    this.ids = this.host.includedIds(stack, this.template, this.parameters);
    const { failed } = await runInOrder(this.ids, (id) => this.newGraph.dependenciesOf(id), async (id) => {
      if (!stack.resources.has(id)) {
        this.created.push(id);
        return this.host.resources.create(stack, this.template, this.parameters, id);
      }
      return this.host.resources.update(this, id);
    }, { stopOnFailure: true });
    let failure: string | undefined;
    if (failed.length > 0) {
      const verb = failed.every((id) => this.created.includes(id)) ? 'create' : 'update';
      failure = `The following resource(s) failed to ${verb}: [${failed.join(', ')}].`;
    } else {
      try {
        stack.outputs = this.host.outputsOf(stack, this.template, this.parameters);
      } catch (err) {
        failure = reasonOf(err);
      }
    }
    if (failure !== undefined) {
      this.host.setStackStatus(stack, 'UPDATE_ROLLBACK_IN_PROGRESS', failure);
      return false;
    }
    stack.template = this.template;
    stack.parameters = this.parameters;
    this.host.setStackStatus(stack, 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS');
    return true;
  }

  /**
   * Phase 2 after a successful {@link apply}. A failed Delete is tried again (three attempts in
   * all), then the resource is dropped: the stack ends UPDATE_COMPLETE.
   */
  public async cleanup(): Promise<void> {
    const stack = this.stack;
    const actions = this.host.resources;
    const removed = [...stack.resources.values()].filter((r) => !this.ids.includes(r.logicalId))
      .map((r) => actions.removalOf(r, retainedOnDelete(this.oldTemplate, r.logicalId, false)));
    const replaced = [...this.changes.values()].filter((c) => c.after && c.after.physicalId !== c.before.physicalId)
      .map((c) => actions.replacedRemoval(stack, c, c.before, this.oldTemplate.Resources[c.logicalId]?.UpdateReplacePolicy === 'Retain'));
    const [failed] = await Promise.all([
      actions.remove(stack, [...removed, ...replaced], this.oldGraph, this.host.strictness.cleanupDeleteAttempts),
      ...[...this.nested.values()].map((n) => n.cleanup()),
    ]);
    // A resource that failed every attempt is dropped from the stack, not deleted, and the update
    // completes saying so: "CloudFormation attempts to delete the old resource three times. If
    // CloudFormation can't delete the old resource, it removes the old resource from the stack and
    // continues updating the stack ... issues an UPDATE_COMPLETE stack event, but includes a
    // StatusReason that states that one or more resources couldn't be deleted"
    // (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/troubleshooting.html); the
    // wording as CloudFormation shows it is quoted in
    // https://github.com/aws-cloudformation/cloudformation-coverage-roadmap/issues/744.
    for (const r of removed) stack.resources.delete(r.logicalId);
    this.host.setStackStatus(stack, 'UPDATE_COMPLETE', failed.length > 0 ? CLEANUP_FAILED_REASON : undefined);
  }

  /**
   * Phase 2 after a failed {@link apply}, or after a successful one when another part of the root
   * stack's update failed; resolves to whether every changed resource came back.
   */
  public async rollback(): Promise<boolean> {
    const stack = this.stack;
    if (stack.status !== 'UPDATE_ROLLBACK_IN_PROGRESS') {
      this.host.setStackStatus(stack, 'UPDATE_ROLLBACK_IN_PROGRESS');
    }
    const { ok, leftovers } = await this.host.resources.rollBack(this);
    this.leftovers = leftovers;
    this.rolledBack = ok;
    stack.template = this.oldTemplate;
    stack.parameters = this.oldParameters;
    stack.outputs = this.oldOutputs;
    this.host.setStackStatus(stack, 'UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS');
    return ok;
  }

  /** Phase 3 after {@link rollback}. Whether its delete failures count AWS does not document; they are ignored, as a cleanup's. */
  public async rollbackCleanup(): Promise<void> {
    const stack = this.stack;
    const actions = this.host.resources;
    const created = this.created.filter((id) => stack.resources.has(id))
      .map((id) => actions.removalOf(stack.resources.get(id)!, retainedOnDelete(this.template, id, true)));
    const nested = [...this.nested.values()].map((n) => n.rollbackCleanup());
    await Promise.all([actions.remove(stack, [...created, ...this.leftovers], this.newGraph, this.host.strictness.cleanupDeleteAttempts), ...nested]);
    for (const id of this.created) stack.resources.delete(id);
    this.host.setStackStatus(stack, this.rolledBack ? 'UPDATE_ROLLBACK_COMPLETE' : 'UPDATE_ROLLBACK_FAILED');
  }
}
