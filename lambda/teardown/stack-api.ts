/**
 * The two CloudFormation reads the teardown's role may make, on its own stack only: the stack's
 * status and its resources, as plain answers (errors as values, like the model API).
 */

/** One resource of the stack, as ListStackResources lists it. */
export interface StackResource {
  readonly logicalResourceId: string;
  readonly physicalResourceId?: string;
  readonly resourceType: string;
  readonly resourceStatus: string;
}

/** What reading the stack answered. */
export type StackRead =
  | { readonly status: string; readonly resources: readonly StackResource[] }
  | { readonly error: string; readonly message: string };

/** Reads a stack's status and resources. */
export type StackApi = (stackId: string) => Promise<StackRead>;

const REQUEST_TIMEOUT_MS = 5_000;
/** The SDK's own attempts per call (it backs off between them). */
const SDK_MAX_ATTEMPTS = 3;

/** The real CloudFormation API, in the stack's own region (from its ARN). */
export const cloudFormationStackApi: StackApi = async (stackId) => {
  // Loaded only for a Delete: Create and Update never read the stack, and it adds to every cold start.
  const { CloudFormationClient, DescribeStacksCommand, ListStackResourcesCommand } = await import('@aws-sdk/client-cloudformation');
  const region = stackId.split(':')[3];
  const client = new CloudFormationClient({
    region,
    maxAttempts: SDK_MAX_ATTEMPTS,
    requestHandler: { requestTimeout: REQUEST_TIMEOUT_MS, connectionTimeout: REQUEST_TIMEOUT_MS },
  });
  try {
    const described = await client.send(new DescribeStacksCommand({ StackName: stackId }));
    const status = described.Stacks?.[0]?.StackStatus;
    if (!status) {
      return { error: 'ValidationError', message: `Stack ${stackId} does not exist` };
    }
    const resources: StackResource[] = [];
    let nextToken: string | undefined;
    do {
      const page = await client.send(new ListStackResourcesCommand({ StackName: stackId, NextToken: nextToken }));
      for (const summary of page.StackResourceSummaries ?? []) {
        resources.push({
          logicalResourceId: summary.LogicalResourceId ?? '',
          physicalResourceId: summary.PhysicalResourceId,
          resourceType: summary.ResourceType ?? '',
          resourceStatus: summary.ResourceStatus ?? '',
        });
      }
      nextToken = page.NextToken;
    } while (nextToken);
    return { status, resources };
  } catch (err) {
    const error = err as { name?: string; message?: string };
    return { error: error.name ?? 'Error', message: String(error.message ?? err).slice(0, 200) };
  } finally {
    client.destroy();
  }
};
