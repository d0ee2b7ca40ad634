import { randomBytes } from 'crypto';
import { evaluate, PolicyDocument, wildcardMatch } from './policy-evaluation';

/**
 * IAM as it is at each moment: roles, their inline policies keyed by name, an access key per
 * role (the credentials a function with that role runs with), and an SCP-like deny list. The
 * local Rekognition, Lambda and CloudFormation APIs ask it at the moment of each call.
 *
 * Modelled: inline role policies (PutRolePolicy overwrites by name, DeleteRolePolicy removes the
 * name), the 10,240-character quota on a role's inline policies together, whitespace not counted,
 * customer managed policies attached to roles (6,144 characters each; they do not count toward
 * the inline quota; a policy still attached cannot be deleted, nor a role with attached policies)
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html), explicit Allow
 * needed and explicit Deny wins. Not modelled: AWS managed policies, trust policies, permission
 * boundaries, sessions (a role's key works from the role's creation until its deletion),
 * eventual consistency (AWS documents that IAM changes can take time to propagate; here they
 * apply at once).
 */

/** The quota on the size of all inline policies of one role, whitespace not counted. */
export const ROLE_INLINE_POLICIES_MAX_CHARS = 10_240;
/** The quota on the size of one customer managed policy, whitespace not counted. */
const MANAGED_POLICY_MAX_CHARS = 6_144;

/** The access key of the administrator who runs the stack operations and tests: allowed everything. */
export const ADMIN_ACCESS_KEY_ID = 'AKIALOCALADMIN000000';

/** A failure as IAM reports it. */
export class IamError extends Error {
  constructor(public readonly code: 'LimitExceeded' | 'NoSuchEntity' | 'EntityAlreadyExists' | 'DeleteConflict', message: string) {
    super(message);
    this.name = code;
  }
}

/** Credentials a process signs its calls with. */
export interface Credentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

/** The answer to "may this caller do this now?". */
export interface Authorization {
  readonly allowed: boolean;
  /** The caller's ARN (a role's ARN, or the administrator). */
  readonly principal: string;
  /** Why not, worded as AWS's AccessDenied messages are. */
  readonly message?: string;
}

interface Role {
  readonly name: string;
  readonly arn: string;
  readonly accessKeyId: string;
  readonly policies: Map<string, PolicyDocument>;
  /** ARNs of the customer managed policies attached to it. */
  readonly attached: Set<string>;
}

export class LocalIam {
  /** Actions (patterns such as `cloudformation:DescribeStacks` or `rekognition:*`) denied to every role, as an SCP would. */
  public readonly deniedActions: string[] = [];
  private readonly roles = new Map<string, Role>();
  /** Customer managed policies, by ARN. */
  private readonly managedPolicies = new Map<string, PolicyDocument>();

  constructor(private readonly account: string, private readonly partition = 'aws') {}

  /** Creates a role with no policies and an access key of its own. */
  public createRole(name: string): { arn: string } {
    if (this.roles.has(name)) {
      throw new IamError('EntityAlreadyExists', `Role with name ${name} already exists.`);
    }
    const role: Role = {
      name,
      arn: `arn:${this.partition}:iam::${this.account}:role/${name}`,
      accessKeyId: `ASIA${randomBytes(8).toString('hex').toUpperCase()}`,
      policies: new Map(),
      attached: new Set(),
    };
    this.roles.set(name, role);
    return { arn: role.arn };
  }

  /** Deletes a role; its key stops working at once. Refused while managed policies are attached. */
  public deleteRole(name: string): void {
    const role = this.role(name);
    if (role.attached.size > 0) {
      throw new IamError('DeleteConflict', 'Cannot delete entity, must detach all policies first.');
    }
    this.roles.delete(name);
  }

  /** CreatePolicy: a customer managed policy named `name`; LimitExceeded past its size quota. */
  public createPolicy(name: string, document: PolicyDocument): { arn: string } {
    const arn = `arn:${this.partition}:iam::${this.account}:policy/${name}`;
    if (this.managedPolicies.has(arn)) {
      throw new IamError('EntityAlreadyExists', `A policy called ${name} already exists. Duplicate names are not allowed.`);
    }
    this.managedPolicies.set(arn, checkedManagedDocument(document));
    return { arn };
  }

  /** CreatePolicyVersion as the default version: the policy's document from now on. */
  public setPolicyDocument(arn: string, document: PolicyDocument): void {
    this.managedPolicy(arn);
    this.managedPolicies.set(arn, checkedManagedDocument(document));
  }

  /** DeletePolicy: refused while the policy is attached to a role. */
  public deletePolicy(arn: string): void {
    this.managedPolicy(arn);
    if ([...this.roles.values()].some((r) => r.attached.has(arn))) {
      throw new IamError('DeleteConflict', 'Cannot delete a policy attached to entities.');
    }
    this.managedPolicies.delete(arn);
  }

  /** AttachRolePolicy. */
  public attachRolePolicy(roleName: string, arn: string): void {
    this.managedPolicy(arn);
    this.role(roleName).attached.add(arn);
  }

  /** DetachRolePolicy. */
  public detachRolePolicy(roleName: string, arn: string): void {
    if (!this.role(roleName).attached.delete(arn)) {
      throw new IamError('NoSuchEntity', `Policy ${arn} was not found.`);
    }
  }

  /** The ARNs of the managed policies attached to the role (none if it does not exist). */
  public attachedPolicies(roleName: string): string[] {
    return [...this.roles.get(roleName)?.attached ?? []];
  }

  public roleExists(name: string): boolean {
    return this.roles.has(name);
  }

  /** PutRolePolicy: adds or overwrites the inline policy `policyName`; LimitExceeded past the quota. */
  public putRolePolicy(roleName: string, policyName: string, document: PolicyDocument): void {
    const role = this.role(roleName);
    const after = new Map(role.policies).set(policyName, document);
    const size = [...after.values()].reduce((sum, d) => sum + JSON.stringify(d).replace(/\s/g, '').length, 0);
    if (size > ROLE_INLINE_POLICIES_MAX_CHARS) {
      throw new IamError('LimitExceeded', `Maximum policy size of ${ROLE_INLINE_POLICIES_MAX_CHARS} bytes exceeded for role ${roleName}`);
    }
    role.policies.set(policyName, document);
  }

  /** DeleteRolePolicy: removes the inline policy `policyName`. */
  public deleteRolePolicy(roleName: string, policyName: string): void {
    const role = this.role(roleName);
    if (!role.policies.delete(policyName)) {
      throw new IamError('NoSuchEntity', `The role policy with name ${policyName} cannot be found.`);
    }
  }

  /** The names of the role's inline policies. */
  public rolePolicyNames(roleName: string): string[] {
    return [...this.role(roleName).policies.keys()];
  }

  /** The role's inline policy `policyName`, if it has one. */
  public rolePolicy(roleName: string, policyName: string): PolicyDocument | undefined {
    return this.roles.get(roleName)?.policies.get(policyName);
  }

  /** The credentials a function running with the role gets. */
  public credentialsFor(roleName: string): Credentials {
    return { accessKeyId: this.role(roleName).accessKeyId, secretAccessKey: `local-secret-${roleName}` };
  }

  /** Whether the caller signing with `accessKeyId` may do `action` on `resource` now. */
  public authorize(accessKeyId: string, action: string, resource: string): Authorization {
    if (accessKeyId === ADMIN_ACCESS_KEY_ID) {
      return { allowed: true, principal: `arn:${this.partition}:iam::${this.account}:root` };
    }
    const role = [...this.roles.values()].find((r) => r.accessKeyId === accessKeyId);
    const principal = role ? `arn:${this.partition}:sts::${this.account}:assumed-role/${role.name}/local` : `unknown key ${accessKeyId}`;
    const denied = (how: string) => ({
      allowed: false,
      principal,
      message: `User: ${principal} is not authorized to perform: ${action} on resource: ${resource} ${how}`,
    });
    if (this.deniedActions.some((pattern) => wildcardMatch(pattern, action, true))) {
      return denied('with an explicit deny in a service control policy');
    }
    if (!role) {
      return denied('because no identity-based policy allows the action');
    }
    const documents = [...role.policies.values(), ...[...role.attached].map((arn) => this.managedPolicies.get(arn)!)];
    switch (evaluate(documents, action, resource)) {
      case 'Allow': return { allowed: true, principal };
      case 'ExplicitDeny': return denied('with an explicit deny in an identity-based policy');
      case 'ImplicitDeny': return denied('because no identity-based policy allows the action');
    }
  }

  private managedPolicy(arn: string): PolicyDocument {
    const document = this.managedPolicies.get(arn);
    if (!document) {
      throw new IamError('NoSuchEntity', `Policy ${arn} does not exist or is not attachable.`);
    }
    return document;
  }

  private role(name: string): Role {
    const role = this.roles.get(name);
    if (!role) {
      throw new IamError('NoSuchEntity', `The role with name ${name} cannot be found.`);
    }
    return role;
  }
}

function checkedManagedDocument(document: PolicyDocument): PolicyDocument {
  const size = JSON.stringify(document).replace(/\s/g, '').length;
  if (size > MANAGED_POLICY_MAX_CHARS) {
    throw new IamError('LimitExceeded', `Cannot exceed quota for PolicySize: ${MANAGED_POLICY_MAX_CHARS}`);
  }
  return document;
}
