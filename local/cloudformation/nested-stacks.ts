import { CloudFormationError } from './cloudformation-error';
import { DependencyGraph } from './dependency-graph';
import { generatedName, Properties, Provisioned, ResourceFailure } from './providers/resource-provider';
import { NESTED_STACK_TYPE, reasonOf } from './resource-actions';
import type { StackHost } from './stack-host';
import { parameterValues } from './stack-parameters';
import { LiveStack, StackResource } from './stack-state';
import { StackUpdate } from './stack-update';
import { Template } from './template';

/**
 * AWS::CloudFormation::Stack: a nested stack, a full stack of the engine (its own events,
 * statuses and resources) that its parent's operations create, update and delete
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/using-cfn-nested-stacks.html,
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-cloudformation-stack.html):
 * - TemplateURL names the template (for CDK, the `<id>.nested.template.json` file asset); the
 *   Parameters property gives the nested stack's parameters (a map of strings).
 * - Ref returns the nested stack's id; `Fn::GetAtt [Nested, Outputs.Name]` its output `Name`.
 * - Its name is generated as other resources' names are: `<parent>-<logicalId>-<RANDOM>`
 *   (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-name.html).
 * - Create: a nested stack whose create fails rolls back on its own (ROLLBACK_COMPLETE) and fails
 *   its resource ("Embedded stack <id> was not successfully created: <reason>", the wording
 *   CloudFormation's events show); the parent's rollback then deletes it.
 * - Update: a changed TemplateURL or Parameters updates the nested stack in place, in the
 *   parent's update; its cleanup and rollback phases are driven by the root (see `StackUpdate`).
 * - Delete: deletes the nested stack's resources; if one fails, the nested stack ends
 *   DELETE_FAILED and so does its resource in the parent.
 */
export class NestedStacks {
  constructor(private readonly host: StackHost) {}

  /** Creates the nested stack of `parent`'s resource `logicalId`. */
  public async create(parent: LiveStack, logicalId: string, properties: Properties): Promise<Provisioned> {
    const template = this.templateOf(properties);
    const parameters = this.parametersOf(template, properties, {});
    const name = generatedName(this.host.resourceContext(parent, logicalId, NESTED_STACK_TYPE), 128);
    const child = this.host.newStack(name, template, parameters, { stack: parent, logicalId });
    const failure = await this.host.runCreate(child);
    if (failure !== undefined) {
      throw new ResourceFailure(`Embedded stack ${child.stackId} was not successfully created: ${failure}`, child.stackId);
    }
    return { physicalId: child.stackId, attributes: outputAttributes(child) };
  }

  /**
   * Updates the nested stack of `entry` (a resource of `update`'s stack) in place to the new
   * TemplateURL and Parameters. Its update is registered with the parent's, which drives its
   * cleanup or rollback.
   */
  public async update(update: StackUpdate, entry: StackResource, properties: Properties): Promise<Provisioned> {
    const child = this.existing(entry.physicalId!);
    const template = this.templateOf(properties);
    const parameters = this.parametersOf(template, properties, child.parameters);
    const childUpdate = new StackUpdate(this.host, child, template, parameters);
    if (childUpdate.changesNothing) {
      // Only the parent's view of it changed (a TemplateURL to the same content): nothing to update.
      return { physicalId: child.stackId, attributes: outputAttributes(child) };
    }
    const retyped = childUpdate.retyped;
    if (retyped.length > 0) {
      throw new ResourceFailure(`Update of resource type is not permitted. The new template modifies resource type of the following resources: [${retyped.join(', ')}]`);
    }
    update.nested.set(entry.logicalId, childUpdate);
    if (!(await childUpdate.apply())) {
      throw new ResourceFailure(`Embedded stack ${child.stackId} was not successfully updated. Currently in ${child.status} with reason: ${child.statusReason ?? ''}`);
    }
    return { physicalId: child.stackId, attributes: outputAttributes(child) };
  }

  /** Deletes the nested stack `stackId`; a nested stack already gone is nothing to delete. */
  public async delete(stackId: string): Promise<void> {
    const child = this.host.stack(stackId);
    if (!child || child.status === 'DELETE_COMPLETE') {
      return;
    }
    const failed = await this.host.runDelete(child, []);
    if (failed.length > 0) {
      throw new ResourceFailure(`Embedded stack ${child.stackId} was not successfully deleted: The following resource(s) failed to delete: [${failed.join(', ')}]. `);
    }
  }

  private existing(stackId: string): LiveStack {
    const child = this.host.stack(stackId);
    if (!child || child.status === 'DELETE_COMPLETE') {
      throw new ResourceFailure(`Stack with id ${stackId} does not exist`);
    }
    return child;
  }

  private templateOf(properties: Properties): Template {
    const url = properties.TemplateURL;
    if (typeof url !== 'string') {
      throw new ResourceFailure('Properties validation failed for resource: required key [TemplateURL] not found');
    }
    try {
      const template = this.host.templateAt(url);
      DependencyGraph.of(template);
      return template;
    } catch (err) {
      throw new ResourceFailure(reasonOf(err));
    }
  }

  private parametersOf(template: Template, properties: Properties, previous: Record<string, string>): Record<string, string> {
    const given = Object.fromEntries(Object.entries((properties.Parameters ?? {}) as Record<string, unknown>)
      .map(([name, value]) => [name, Array.isArray(value) ? value.join(',') : String(value)]));
    try {
      return parameterValues(template, given, previous, this.host.ssm);
    } catch (err) {
      throw new ResourceFailure(err instanceof CloudFormationError ? err.message : reasonOf(err));
    }
  }
}

/** A nested stack's Fn::GetAtt attributes: `Outputs.<Name>` for each output. */
function outputAttributes(stack: LiveStack): Record<string, unknown> {
  return Object.fromEntries(Object.entries(stack.outputs ?? {}).map(([name, value]) => [`Outputs.${name}`, value]));
}
