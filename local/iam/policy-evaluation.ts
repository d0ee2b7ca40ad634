/**
 * IAM policy evaluation as far as the local stand-ins need it: a request is allowed only by an
 * explicit Allow, and an explicit Deny wins over any Allow
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html).
 * Actions match as `service:Action`, case-insensitively, with `*` and `?` wildcards; resources
 * match by ARN with the same wildcards, case-sensitively
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html,
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html).
 * Not modelled: NotAction, NotResource, Condition, Principal, policy variables.
 */

/** One statement of a policy document. */
interface PolicyStatement {
  readonly Effect: 'Allow' | 'Deny';
  readonly Action?: string | string[];
  readonly Resource?: string | string[];
  readonly [key: string]: unknown;
}

/** A policy document, as a template or PutRolePolicy gives it. */
export interface PolicyDocument {
  readonly Version?: string;
  readonly Statement: PolicyStatement | PolicyStatement[];
}

/** The outcome of evaluating policies for one request. */
export type Decision = 'Allow' | 'ExplicitDeny' | 'ImplicitDeny';

/** Whether `value` matches an IAM pattern with `*` (any run) and `?` (any one character). */
export function wildcardMatch(pattern: string, value: string, ignoreCase = false): boolean {
  const source = pattern.split('').map((c) => c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&')).join('');
  return new RegExp(`^${source}$`, ignoreCase ? 'is' : 's').test(value);
}

function list(value: string | string[] | undefined): string[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

function statements(document: PolicyDocument): PolicyStatement[] {
  return Array.isArray(document.Statement) ? document.Statement : [document.Statement];
}

function matches(statement: PolicyStatement, action: string, resource: string): boolean {
  return list(statement.Action).some((a) => wildcardMatch(a, action, true))
    && list(statement.Resource).some((r) => wildcardMatch(r, resource));
}

/** Evaluates `documents` for `action` on `resource`: explicit Deny, else explicit Allow, else implicit deny. */
export function evaluate(documents: PolicyDocument[], action: string, resource: string): Decision {
  const all = documents.flatMap(statements).filter((s) => matches(s, action, resource));
  if (all.some((s) => s.Effect === 'Deny')) {
    return 'ExplicitDeny';
  }
  return all.some((s) => s.Effect === 'Allow') ? 'Allow' : 'ImplicitDeny';
}
