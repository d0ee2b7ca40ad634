/**
 * The parts of a CloudFormation template the local engine reads, and a check that a template has
 * them in the expected shape, so that bad input fails with a clear error rather than halfway
 * through an operation.
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/template-anatomy.html
 */

/** One resource of a template. */
interface TemplateResourceDefinition {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
  readonly DependsOn?: string | string[];
  readonly Condition?: string;
  readonly DeletionPolicy?: 'Delete' | 'Retain' | 'RetainExceptOnCreate' | 'Snapshot';
  readonly UpdateReplacePolicy?: 'Delete' | 'Retain' | 'Snapshot';
  readonly Metadata?: Record<string, unknown>;
}

/** One parameter of a template. */
interface TemplateParameter {
  readonly Type: string;
  readonly Default?: string | number;
  readonly Description?: string;
}

/** A template, as synthesized. */
export interface Template {
  readonly Description?: string;
  readonly Parameters?: Record<string, TemplateParameter>;
  readonly Conditions?: Record<string, unknown>;
  readonly Rules?: Record<string, unknown>;
  readonly Resources: Record<string, TemplateResourceDefinition>;
  readonly Outputs?: Record<string, unknown>;
  readonly [section: string]: unknown;
}

/** Throws a clear error unless `value` is a template the engine can play. */
export function validateTemplate(value: unknown): asserts value is Template {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new Error('Template format error: a template must be a JSON object');
  }
  const resources = (value as Template).Resources;
  if (typeof resources !== 'object' || resources === null || Object.keys(resources).length === 0) {
    throw new Error('Template format error: At least one Resources member must be defined.');
  }
  for (const [logicalId, resource] of Object.entries(resources)) {
    if (!/^[A-Za-z0-9]+$/.test(logicalId)) {
      throw new Error(`Template format error: Resource name ${logicalId} is non alphanumeric.`);
    }
    if (typeof resource?.Type !== 'string') {
      throw new Error(`Template format error: [/Resources/${logicalId}] Every Resources object must contain a Type member.`);
    }
    const dependsOn = resource.DependsOn === undefined ? [] : [resource.DependsOn].flat();
    for (const target of dependsOn) {
      if (typeof target !== 'string' || !(target in resources)) {
        throw new Error(`Template format error: Unresolved resource dependencies [${String(target)}] in the Resources block of the template`);
      }
    }
  }
}
