/** A local IAM: roles, inline policies at each moment, per-role credentials, and policy evaluation. */
export * from './local-iam';
export * from './policy-evaluation';
