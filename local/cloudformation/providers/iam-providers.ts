import { changed, generatedName, Properties, Provisioned, ResourceContext, ResourceFailure, ResourceProvider } from './resource-provider';
import { IamError, LocalIam, PolicyDocument } from '../../iam';

/**
 * AWS::IAM::Role and AWS::IAM::Policy against the local IAM, so that permissions take effect
 * when these resources are created or updated and stop when they are deleted.
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-iam-role.html
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-iam-policy.html
 */

/** AWS::IAM::Role: RoleName (replacement when changed) and inline Policies; ManagedPolicyArns and the trust policy are not modelled (attach with AWS::IAM::ManagedPolicy's Roles). */
export class RoleProvider implements ResourceProvider {
  constructor(private readonly iam: LocalIam) {}

  public async create(context: ResourceContext, properties: Properties): Promise<Provisioned> {
    const name = typeof properties.RoleName === 'string' ? properties.RoleName : generatedName(context, 64);
    const { arn } = iamCall(() => this.iam.createRole(name));
    this.putInlinePolicies(name, properties, {});
    return { physicalId: name, attributes: { Arn: arn, RoleId: `AROA${name.length}${name.slice(-8)}` } };
  }

  public async update(context: ResourceContext, current: Provisioned, properties: Properties, oldProperties: Properties): Promise<Provisioned> {
    // RoleName: "Update requires: Replacement" (the role resource page above).
    if (changed(properties, oldProperties, ['RoleName'])) {
      return this.create(context, properties);
    }
    this.putInlinePolicies(current.physicalId, properties, oldProperties);
    return current;
  }

  public async delete(_context: ResourceContext, physicalId: string, properties: Properties): Promise<void> {
    if (!this.iam.roleExists(physicalId)) {
      return;
    }
    for (const policy of inlinePolicies(properties)) {
      iamCall(() => this.iam.deleteRolePolicy(physicalId, policy.PolicyName));
    }
    // IAM refuses to delete a role that still has inline policies (DeleteConflict).
    const left = this.iam.rolePolicyNames(physicalId);
    if (left.length > 0) {
      throw new ResourceFailure(`Cannot delete entity, must delete policies first. (Service: Iam, Status Code: 409) [policies: ${left.join(', ')}]`);
    }
    iamCall(() => this.iam.deleteRole(physicalId));
  }

  private putInlinePolicies(roleName: string, properties: Properties, oldProperties: Properties): void {
    const next = inlinePolicies(properties);
    for (const old of inlinePolicies(oldProperties)) {
      if (!next.some((p) => p.PolicyName === old.PolicyName) && this.iam.rolePolicy(roleName, old.PolicyName)) {
        iamCall(() => this.iam.deleteRolePolicy(roleName, old.PolicyName));
      }
    }
    for (const policy of next) {
      iamCall(() => this.iam.putRolePolicy(roleName, policy.PolicyName, policy.PolicyDocument));
    }
  }
}

/**
 * AWS::IAM::Policy: an inline policy named PolicyName put on each role in Roles (PutRolePolicy:
 * a name already on the role is overwritten; deleting removes the name). Groups and Users are
 * not modelled. Every property updates in place (the policy resource page lists none as
 * requiring replacement): a changed name or role list removes the old name from the old roles,
 * then puts the new document.
 */
export class PolicyProvider implements ResourceProvider {
  constructor(private readonly iam: LocalIam) {}

  public async create(context: ResourceContext, properties: Properties): Promise<Provisioned> {
    const { name, roles, document } = policyProperties(properties);
    for (const role of roles) {
      iamCall(() => this.iam.putRolePolicy(role, name, document));
    }
    const shortened = { ...context, stackName: context.stackName.slice(0, 5), logicalId: context.logicalId.slice(0, 5) };
    return { physicalId: generatedName(shortened, 24), attributes: { Id: name } };
  }

  public async update(_context: ResourceContext, current: Provisioned, properties: Properties, oldProperties: Properties): Promise<Provisioned> {
    const next = policyProperties(properties);
    const old = policyProperties(oldProperties);
    for (const role of old.roles) {
      if ((old.name !== next.name || !next.roles.includes(role)) && this.iam.rolePolicy(role, old.name)) {
        iamCall(() => this.iam.deleteRolePolicy(role, old.name));
      }
    }
    for (const role of next.roles) {
      iamCall(() => this.iam.putRolePolicy(role, next.name, next.document));
    }
    return current;
  }

  public async delete(_context: ResourceContext, _physicalId: string, properties: Properties): Promise<void> {
    const { name, roles } = policyProperties(properties);
    for (const role of roles) {
      // Already gone (the role, or the name deleted by another policy of the same name): nothing to do.
      if (this.iam.rolePolicy(role, name)) {
        iamCall(() => this.iam.deleteRolePolicy(role, name));
      }
    }
  }
}

/**
 * AWS::IAM::ManagedPolicy (customer managed): the document, attached to each role in Roles
 * (Groups and Users are not modelled). Ref is the policy's ARN. ManagedPolicyName and Path
 * require replacement; the document and the roles update in place.
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-iam-managedpolicy.html
 */
export class ManagedPolicyProvider implements ResourceProvider {
  constructor(private readonly iam: LocalIam) {}

  public async create(context: ResourceContext, properties: Properties): Promise<Provisioned> {
    const name = typeof properties.ManagedPolicyName === 'string' ? properties.ManagedPolicyName : generatedName(context, 128);
    const { arn } = iamCall(() => this.iam.createPolicy(name, managedDocument(properties)));
    for (const role of rolesOf(properties)) {
      iamCall(() => this.iam.attachRolePolicy(role, arn));
    }
    return { physicalId: arn, attributes: { PolicyArn: arn } };
  }

  public async update(context: ResourceContext, current: Provisioned, properties: Properties, oldProperties: Properties): Promise<Provisioned> {
    if (changed(properties, oldProperties, ['ManagedPolicyName', 'Path'])) {
      return this.create(context, properties);
    }
    iamCall(() => this.iam.setPolicyDocument(current.physicalId, managedDocument(properties)));
    const next = rolesOf(properties);
    for (const role of rolesOf(oldProperties).filter((r) => !next.includes(r))) {
      iamCall(() => this.iam.detachRolePolicy(role, current.physicalId));
    }
    for (const role of next) {
      iamCall(() => this.iam.attachRolePolicy(role, current.physicalId));
    }
    return current;
  }

  public async delete(_context: ResourceContext, physicalId: string, properties: Properties): Promise<void> {
    for (const role of rolesOf(properties)) {
      if (this.iam.attachedPolicies(role).includes(physicalId)) {
        iamCall(() => this.iam.detachRolePolicy(role, physicalId));
      }
    }
    iamCall(() => this.iam.deletePolicy(physicalId));
  }
}

function managedDocument(properties: Properties): PolicyDocument {
  const document = properties.PolicyDocument as PolicyDocument | undefined;
  if (typeof document !== 'object' || document === null) {
    throw new ResourceFailure('Properties validation failed: required key [PolicyDocument] not found');
  }
  return document;
}

function rolesOf(properties: Properties): string[] {
  return Array.isArray(properties.Roles) ? properties.Roles.map(String) : [];
}

function policyProperties(properties: Properties): { name: string; roles: string[]; document: PolicyDocument } {
  const name = properties.PolicyName;
  const document = properties.PolicyDocument as PolicyDocument | undefined;
  if (typeof name !== 'string' || typeof document !== 'object' || document === null) {
    throw new ResourceFailure('Properties validation failed: required key [PolicyName] or [PolicyDocument] not found');
  }
  return { name, roles: rolesOf(properties), document };
}

function inlinePolicies(properties: Properties): Array<{ PolicyName: string; PolicyDocument: PolicyDocument }> {
  return Array.isArray(properties.Policies) ? properties.Policies as Array<{ PolicyName: string; PolicyDocument: PolicyDocument }> : [];
}

/** Runs an IAM call, turning its error into the status reason CloudFormation shows. */
function iamCall<T>(call: () => T): T {
  try {
    return call();
  } catch (err) {
    if (err instanceof IamError) {
      const status = err.code === 'NoSuchEntity' ? 404 : 409;
      throw new ResourceFailure(`${err.message} (Service: Iam, Status Code: ${status}, Error Code: ${err.code})`);
    }
    throw err;
  }
}
