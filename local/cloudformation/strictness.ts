/**
 * Where the local CloudFormation is as strict as the real one, each switchable to the kinder form
 * for a test that says why it needs it. Every behaviour cites its source where it is played.
 */
export interface CloudFormationStrictness {
  /**
   * Adopt the PhysicalResourceId a custom resource returns with FAILED on an Update, as
   * CloudFormation does (aws/aws-cdk#13527, #30012); false keeps the id it had (kinder: a handler
   * that returns another id goes unnoticed).
   */
  adoptFailedUpdatePhysicalId: boolean;
  /**
   * Attempts at a Delete that fails in an update's cleanup (or rollback cleanup) before the
   * resource is dropped from the stack: three in CloudFormation
   * (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/troubleshooting.html, "Resource
   * removed from stack but not deleted"; https://repost.aws/knowledge-center/cloudformation-stack-cleanup-stuck);
   * 1 is the kinder form.
   */
  cleanupDeleteAttempts: number;
  /**
   * How long a resource's new status takes to show in the read API (ListStackResources):
   * CloudFormation promises no ordering between a resource's status
   * and the request it sends to a custom resource (the request reaches the function through
   * Lambda's asynchronous queue, and DescribeStackResource reads CloudFormation's own store;
   * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/crpg-ref-requests.html names no
   * such guarantee), so a function may read its resource's status from before the request. 0 is
   * the kinder form: every status shows at once.
   */
  resourceStatusLagMs: number;
}

/** As strict as CloudFormation. */
export function strictCloudFormation(): CloudFormationStrictness {
  return { adoptFailedUpdatePhysicalId: true, cleanupDeleteAttempts: 3, resourceStatusLagMs: 1_500 };
}
