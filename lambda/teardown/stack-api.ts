import { errorAnswer, ErrorAnswer } from './model-api';

/**
 * The CloudFormation reads the teardown's role may make: its own stack's status and resources,
 * the status of its root stack when it is nested, and the events of the top-level stack (its own,
 * or its root), as plain answers (errors as values, like
 * the model API).
 */

/** A stack, as DescribeStacks describes it. */
export interface StackDescription {
  readonly stackId: string;
  readonly stackName: string;
  readonly status: string;
  /** The top-level stack's id, for a nested stack. */
  readonly rootId?: string;
}

/** One resource of the stack, as ListStackResources lists it. */
export interface StackResource {
  readonly logicalResourceId: string;
  readonly physicalResourceId?: string;
  readonly resourceType: string;
  readonly resourceStatus: string;
}

/** One event of the stack, as DescribeStackEvents lists it (newest first): the resource it is about, with its status then. */
export type StackEventSummary = StackResource;

/** What DescribeStacks answered. */
export type DescribeAnswer = StackDescription | ErrorAnswer;

/** The reads, each one call (one page) at a time: the caller paces and retries them. */
export interface StackApi {
  /** The longest one call can take, in ms. */
  readonly maxCallMs: number;
  describeStack(stackId: string): Promise<DescribeAnswer>;
  /** One page of the stack's resources, and the token of the next page if there is one. */
  listStackResources(stackId: string, nextToken?: string): Promise<{ resources: StackResource[]; nextToken?: string } | ErrorAnswer>;
  /** One page of the stack's events, newest first, and the token of the next page if there is one. */
  describeStackEvents(stackId: string, nextToken?: string): Promise<{ events: StackEventSummary[]; nextToken?: string } | ErrorAnswer>;
}

const REQUEST_TIMEOUT_MS = 5_000;
/** One attempt per call: the handler retries with its own pacing, which must see every throttled call. */
const SDK_MAX_ATTEMPTS = 1;

const apis = new Map<string, Promise<StackApi>>();

/** The real CloudFormation API in `region` (the stack's, from its ARN); kept across invocations of a warm function. */
export function cloudFormationStackApi(region: string): Promise<StackApi> {
  let api = apis.get(region);
  if (!api) {
    api = newStackApi(region);
    apis.set(region, api);
  }
  return api;
}

async function newStackApi(region: string): Promise<StackApi> {
  // Loaded only for a Delete: Create and Update never read the stack, and it adds to every cold start.
  const { CloudFormationClient, DescribeStackEventsCommand, DescribeStacksCommand, ListStackResourcesCommand } = await import('@aws-sdk/client-cloudformation');
  const client = new CloudFormationClient({
    region,
    maxAttempts: SDK_MAX_ATTEMPTS,
    requestHandler: { requestTimeout: REQUEST_TIMEOUT_MS, connectionTimeout: REQUEST_TIMEOUT_MS },
  });
  return {
    maxCallMs: SDK_MAX_ATTEMPTS * REQUEST_TIMEOUT_MS + 1_000,
    describeStack: (stackId) => answered(() => client.send(new DescribeStacksCommand({ StackName: stackId })), (output) => {
      const stack = output.Stacks?.[0];
      if (!stack?.StackStatus || !stack.StackName) {
        return { error: 'ValidationError', message: `Stack ${stackId} does not exist` };
      }
      return { stackId: stack.StackId ?? stackId, stackName: stack.StackName, status: stack.StackStatus, rootId: stack.RootId };
    }),
    listStackResources: (stackId, nextToken) => answered(
      () => client.send(new ListStackResourcesCommand({ StackName: stackId, NextToken: nextToken })),
      (page) => ({ resources: (page.StackResourceSummaries ?? []).map(summaryOf), nextToken: page.NextToken })),
    describeStackEvents: (stackId, nextToken) => answered(
      () => client.send(new DescribeStackEventsCommand({ StackName: stackId, NextToken: nextToken })),
      (page) => ({ events: (page.StackEvents ?? []).map(summaryOf), nextToken: page.NextToken })),
  };
}

/** The answer of one call: what `read` makes of its output, or the error it failed with. */
async function answered<O, T>(call: () => Promise<O>, read: (output: O) => T | ErrorAnswer): Promise<T | ErrorAnswer> {
  try {
    return read(await call());
  } catch (err) {
    return errorAnswer(err);
  }
}

/** A resource or event as the teardown reads it: who, of what type, in what status. */
function summaryOf(item: { LogicalResourceId?: string; PhysicalResourceId?: string; ResourceType?: string; ResourceStatus?: string }) {
  return {
    logicalResourceId: item.LogicalResourceId ?? '',
    physicalResourceId: item.PhysicalResourceId,
    resourceType: item.ResourceType ?? '',
    resourceStatus: item.ResourceStatus ?? '',
  };
}
