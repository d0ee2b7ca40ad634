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
 * boundaries, sessions (a role's key works from the role's creation until its deletion).
 *
 * Eventual consistency: IAM changes take time to show everywhere
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_general.html#troubleshoot_general_eventual-consistency),
 * and a policy can deny for seconds after CloudFormation reports it CREATE_COMPLETE (aws/aws-cdk#7964,
 * #18237, #37675). A policy put, overwritten or attached takes effect after a propagation delay;
 * until then a call must be allowed both with and without the change. A removal applies at once
 * (a revocation may also lag on AWS, but a test gains nothing from that kindness).
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
interface Credentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

/** The answer to "may this caller do this now?". */
interface Authorization {
  readonly allowed: boolean;
  /** The caller's ARN (a role's ARN, or the administrator). */
  readonly principal: string;
  /** Why not, worded as AWS's AccessDenied messages are. */
  readonly message?: string;
}

/** A policy document as it is, and, until its last change takes effect everywhere, as it was. */
interface Propagating {
  readonly document: PolicyDocument;
  /** The document before the last change (undefined: there was none). */
  readonly previous?: PolicyDocument;
  readonly effectiveAt: number;
}

interface Role {
  readonly name: string;
  readonly arn: string;
  readonly accessKeyId: string;
  readonly policies: Map<string, Propagating>;
  /** The customer managed policies attached to it: ARN → when the attachment takes effect everywhere. */
  readonly attached: Map<string, number>;
}

/** How the local IAM behaves. */
interface LocalIamOptions {
  /** The partition of the ARNs it makes. @default 'aws' */
  readonly partition?: string;
  /** See {@link LocalIam.propagationDelayMs}. @default 0 */
  readonly propagationDelayMs?: number;
  /** The clock. @default Date.now */
  readonly now?: () => number;
}

export class LocalIam {
  /** Actions (patterns such as `cloudformation:DescribeStacks` or `rekognition:*`) denied to every role, as an SCP would. */
  public readonly deniedActions: string[] = [];
  /** How long a policy put, overwritten or attached takes to take effect everywhere; 0 is the kinder form (at once). */
  public propagationDelayMs: number;
  /**
   * The delay of a policy (by inline policy name, or managed policy name) whose changes take
   * longer or shorter than `propagationDelayMs`, as delays vary on AWS; undefined: the usual one.
   */
  public propagationDelayOf: (policyName: string) => number | undefined;
  private readonly roles = new Map<string, Role>();
  /** Customer managed policies, by ARN. */
  private readonly managedPolicies = new Map<string, Propagating>();
  private readonly partition: string;
  private readonly now: () => number;

  constructor(private readonly account: string, options: LocalIamOptions = {}) {
    this.partition = options.partition ?? 'aws';
    this.propagationDelayMs = options.propagationDelayMs ?? 0;
    this.now = options.now ?? Date.now;
    this.propagationDelayOf = () => undefined;
  }

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
      attached: new Map(),
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
    this.managedPolicies.set(arn, this.changed(name, undefined, checkedManagedDocument(document)));
    return { arn };
  }

  /** CreatePolicyVersion as the default version: the policy's document from now on. */
  public setPolicyDocument(arn: string, document: PolicyDocument): void {
    const before = this.managedPolicy(arn);
    this.managedPolicies.set(arn, this.changed(arn.split('/').pop()!, before, checkedManagedDocument(document)));
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
    this.role(roleName).attached.set(arn, this.now() + this.delayOf(arn.split('/').pop()!));
  }

  /** DetachRolePolicy. */
  public detachRolePolicy(roleName: string, arn: string): void {
    if (!this.role(roleName).attached.delete(arn)) {
      throw new IamError('NoSuchEntity', `Policy ${arn} was not found.`);
    }
  }

  /** The ARNs of the managed policies attached to the role (none if it does not exist). */
  public attachedPolicies(roleName: string): string[] {
    return [...this.roles.get(roleName)?.attached.keys() ?? []];
  }

  public roleExists(name: string): boolean {
    return this.roles.has(name);
  }

  /** PutRolePolicy: adds or overwrites the inline policy `policyName`; LimitExceeded past the quota. */
  public putRolePolicy(roleName: string, policyName: string, document: PolicyDocument): void {
    const role = this.role(roleName);
    const after = new Map([...role.policies].map(([name, policy]) => [name, policy.document])).set(policyName, document);
    const size = [...after.values()].reduce((sum, d) => sum + JSON.stringify(d).replace(/\s/g, '').length, 0);
    if (size > ROLE_INLINE_POLICIES_MAX_CHARS) {
      throw new IamError('LimitExceeded', `Maximum policy size of ${ROLE_INLINE_POLICIES_MAX_CHARS} bytes exceeded for role ${roleName}`);
    }
    role.policies.set(policyName, this.changed(policyName, role.policies.get(policyName), document));
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
    return this.roles.get(roleName)?.policies.get(policyName)?.document;
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
    const verdicts = [this.documentsOf(role, 'now'), this.documentsOf(role, 'before pending changes')].map((documents) => evaluate(documents, action, resource));
    if (verdicts.includes('ExplicitDeny')) {
      return denied('with an explicit deny in an identity-based policy');
    }
    if (verdicts.includes('ImplicitDeny')) {
      return denied(`because no identity-based policy allows the ${action} action`);
    }
    return { allowed: true, principal };
  }

  /** The role's policies as they are now, or as they were before every change that has not yet taken effect everywhere. */
  private documentsOf(role: Role, view: 'now' | 'before pending changes'): PolicyDocument[] {
    const now = this.now();
    const asSeen = (policy: Propagating) => view === 'now' || policy.effectiveAt <= now ? policy.document : policy.previous;
    const managed = [...role.attached].map(([arn, effectiveAt]) => view === 'now' || effectiveAt <= now ? this.managedPolicies.get(arn) : undefined);
    return [...role.policies.values(), ...managed.filter((p): p is Propagating => p !== undefined)]
      .map(asSeen).filter((d): d is PolicyDocument => d !== undefined);
  }

  /** A policy's new document, taking effect after the policy's propagation delay. */
  private changed(policyName: string, before: Propagating | undefined, document: PolicyDocument): Propagating {
    const now = this.now();
    const previous = before && before.effectiveAt > now ? before.previous : before?.document;
    return { document, previous, effectiveAt: now + this.delayOf(policyName) };
  }

  private delayOf(policyName: string): number {
    return this.propagationDelayOf(policyName) ?? this.propagationDelayMs;
  }

  private managedPolicy(arn: string): Propagating {
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
