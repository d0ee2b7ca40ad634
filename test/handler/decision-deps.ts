import { ARN } from './teardown-events';
import { claimKey, claimValue } from '../../lambda/teardown/claims';
import { Decision, decide, DecisionDeps } from '../../lambda/teardown/event-decision';
import { ErrorAnswer, ModelApi } from '../../lambda/teardown/model-api';
import { readRequest, TeardownEvent } from '../../lambda/teardown/request';
import { DEFAULT_PACING } from '../../lambda/teardown/schedule';
import { StackApi, StackEventSummary, StackResource } from '../../lambda/teardown/stack-api';
import { TeardownOutcome, TeardownRequest } from '../../lambda/teardown/teardown';

/** The handler's decision with CloudFormation and Rekognition's tag calls in memory, for unit tests. */

export const NEW_ARN = 'arn:aws:rekognition:eu-west-1:123456789012:project/birds/version/v2/1700000000001';
export const STACK_ID = 'arn:aws:cloudformation:eu-west-1:123456789012:stack/Birds/0b5e9c40-0000-0000-0000-000000000000';
export const ROOT_ID = 'arn:aws:cloudformation:eu-west-1:123456789012:stack/App/1c6f0d51-0000-0000-0000-000000000000';
export const OTHER_STACK_ID = 'arn:aws:cloudformation:eu-west-1:123456789012:stack/Prod/2d7a1e62-0000-0000-0000-000000000000';
export const NOW = Date.UTC(2026, 10, 23, 12, 0, 30);
export const OWN_KEY = claimKey(STACK_ID, 'Model');

export function modelResource(logicalResourceId: string, physicalResourceId: string, resourceStatus: string): StackResource {
  return { logicalResourceId, physicalResourceId, resourceStatus, resourceType: 'Custom::RekognitionCustomLabelsModel' };
}

/** A stack as the fake CloudFormation shows it. */
export interface FakeStack {
  readonly status: string;
  readonly resources: StackResource[];
  readonly rootId?: string;
  /** Its events, newest first. @default - none */
  readonly events?: StackEventSummary[];
}

/** A stack being deleted, this model's resource among its resources. */
export const DELETING_STACK: FakeStack = { status: 'DELETE_IN_PROGRESS', resources: [modelResource('Model', ARN, 'DELETE_IN_PROGRESS')] };

/**
 * CloudFormation and Rekognition's tag calls in memory on a virtual clock, recording every call;
 * `failures` answers the next calls of an operation with errors, in order.
 */
export function deps(outcome: TeardownOutcome = { result: 'DONE', summary: 'the model is deleted', tornDown: true }, stack: FakeStack | ErrorAnswer = DELETING_STACK) {
  const requests: TeardownRequest[] = [];
  const calls: string[] = [];
  const stacks: Record<string, FakeStack | ErrorAnswer> = { [STACK_ID]: stack };
  const tags: Record<string, Record<string, string>> = { [ARN]: { [OWN_KEY]: claimValue(STACK_ID, 'Model') }, [NEW_ARN]: {} };
  const failures: Record<string, ErrorAnswer[]> = {};
  let time = NOW;
  const fail = (operation: string): ErrorAnswer | undefined => failures[operation]?.shift();
  const model = (arn: string): ErrorAnswer | undefined =>
    tags[arn] ? undefined : { error: 'ResourceNotFoundException', message: 'The resource does not exist', httpStatus: 400 };
  const stackApi: StackApi = {
    maxCallMs: 1_000,
    describeStack: async (stackId) => {
      calls.push(`DescribeStacks ${stackId}`);
      const found = fail('DescribeStacks') ?? stacks[stackId] ?? { error: 'ValidationError', message: `Stack with id ${stackId} does not exist`, httpStatus: 400 };
      return 'error' in found ? found : { stackId, stackName: stackId.split('/')[1], status: found.status, rootId: found.rootId };
    },
    listStackResources: async (stackId) => {
      calls.push(`ListStackResources ${stackId}`);
      const found = fail('ListStackResources') ?? stacks[stackId];
      return 'error' in found ? found : { resources: found.resources };
    },
    describeStackEvents: async (stackId, nextToken) => {
      calls.push(`DescribeStackEvents ${stackId}${nextToken ? ` ${nextToken}` : ''}`);
      const found = fail('DescribeStackEvents') ?? stacks[stackId];
      if ('error' in found) return found;
      // Two events a page, so that tests see paging.
      const start = Number(nextToken ?? 0);
      const events = found.events ?? [];
      return { events: events.slice(start, start + 2), nextToken: start + 2 < events.length ? String(start + 2) : undefined };
    },
  };
  const modelApi: ModelApi = {
    maxCallMs: 1_000,
    stopProjectVersion: async () => { throw new Error('the teardown is injected'); },
    deleteProjectVersion: async () => { throw new Error('the teardown is injected'); },
    tagResource: async (arn, added) => {
      calls.push(`TagResource ${Object.keys(added).join(',')}`);
      const failed = fail('TagResource') ?? model(arn);
      if (failed) return failed;
      Object.assign(tags[arn], added);
      return { tagged: true };
    },
    untagResource: async (arn, keys) => {
      calls.push(`UntagResource ${keys.join(',')}`);
      const failed = fail('UntagResource') ?? model(arn);
      if (failed) return failed;
      keys.forEach((key) => delete tags[arn][key]);
      return { tagged: true };
    },
    listTagsForResource: async (arn) => {
      calls.push('ListTagsForResource');
      return fail('ListTagsForResource') ?? model(arn) ?? { tags: { ...tags[arn] } };
    },
  };
  type Recorded = {
    requests: TeardownRequest[];
    calls: string[];
    stackTable: typeof stacks;
    tags: typeof tags;
    failures: typeof failures;
    /** The stack the function belongs to, as its environment says. */
    ownStackId?: string;
  };
  const d: DecisionDeps & Recorded = {
    requests,
    calls,
    stackTable: stacks,
    tags,
    failures,
    now: () => time,
    sleep: async (ms) => { time += ms; },
    random: () => 0.5,
    pacing: DEFAULT_PACING,
    log: () => undefined,
    runDeadline: NOW + 60_000,
    functionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:teardown',
    ownStackId: STACK_ID,
    stacks: async () => stackApi,
    models: () => modelApi,
    tearDown: async (request: TeardownRequest) => {
      requests.push(request);
      // In the calls too, so that tests see which tag calls come before the Stop and which after.
      calls.push(`tearDown ${request.action}`);
      return outcome;
    },
  };
  return d;
}

/** The handler's answer to a raw event, as index.ts gives it: the event read at the door, then decided. */
export async function decideEvent(event: TeardownEvent, d: DecisionDeps & { ownStackId?: string }): Promise<Decision> {
  const request = readRequest(event, d.ownStackId, d.now());
  return request.kind === 'respond' ? request : decide(request, d);
}

/** Only the CloudFormation reads among the calls. */
export const stackReads = (calls: string[]) => calls.filter((c) => /^(DescribeStacks|ListStackResources|DescribeStackEvents) /.test(c));
export const throttled: ErrorAnswer = { error: 'Throttling', message: 'Rate exceeded', httpStatus: 400 };

