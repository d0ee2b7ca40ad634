import { randomBytes } from 'crypto';

/**
 * What the engine asks of a resource type: create, update and delete, each resolving once the
 * resource is in its new state, or rejecting with the reason CloudFormation would show.
 */

/** A resource's resolved properties. */
export type Properties = Record<string, unknown>;

/** Where a resource lives. */
export interface ResourceContext {
  readonly stackId: string;
  readonly stackName: string;
  readonly logicalId: string;
  readonly type: string;
  readonly region: string;
  readonly account: string;
}

/** A provisioned resource: its physical id (what Ref returns) and its Fn::GetAtt attributes. */
export interface Provisioned {
  readonly physicalId: string;
  readonly attributes: Properties;
}

/** Provisions one resource type for the engine. */
export interface ResourceProvider {
  /** Whether a rollback of an update sends the resource an Update back (custom resources) rather than keeping the old one. */
  readonly updatesBackOnRollback?: boolean;
  /** Whether any Fn::GetAtt attribute is answered with a placeholder (types the engine does not model). */
  readonly placeholderAttributes?: boolean;

  create(context: ResourceContext, properties: Properties): Promise<Provisioned>;
  /**
   * Updates the resource to `properties`. Returning another physical id means the resource was
   * replaced: the engine deletes the old one in the cleanup phase.
   */
  update(context: ResourceContext, current: Provisioned, properties: Properties, oldProperties: Properties): Promise<Provisioned>;
  delete(context: ResourceContext, physicalId: string, properties: Properties): Promise<void>;
}

/**
 * A resource's provisioning failed: `message` is the status reason CloudFormation shows;
 * `physicalId`, when the failed attempt named one (a custom resource's FAILED response), is what
 * the rollback's Delete is sent for.
 */
export class ResourceFailure extends Error {
  constructor(message: string, public readonly physicalId?: string) {
    super(message);
  }
}

/** A request refused before it reached the resource (nothing changed, so a rollback has nothing to undo). */
export class RequestRefused extends ResourceFailure {}

/**
 * A generated name as CloudFormation makes them: `stack-logicalId-RANDOM`, shortened to `maxLength`
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-name.html).
 */
export function generatedName(context: ResourceContext, maxLength: number): string {
  const suffix = randomBytes(6).toString('hex').toUpperCase();
  const room = maxLength - suffix.length - 2;
  const stack = context.stackName.slice(0, Math.ceil(room / 2));
  const logical = context.logicalId.slice(0, room - stack.length);
  return `${stack}-${logical}-${suffix}`;
}

/** Whether the two property sets differ in any of `names`. */
export function changed(a: Properties, b: Properties, names: string[]): boolean {
  return names.some((n) => JSON.stringify(a[n]) !== JSON.stringify(b[n]));
}
