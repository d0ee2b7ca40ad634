import { randomUUID } from 'crypto';
import { createServer, IncomingMessage, Server, ServerResponse } from 'http';
import { AddressInfo } from 'net';
import { CloudFormationError } from './cloudformation-error';
import { CloudFormationEngine } from './engine';
import { LiveStack, StackResource } from './stack-state';
import { seededRandom } from '../random';
import { signingScope } from '../sigv4';

/**
 * CloudFormation's read APIs for the engine's stacks, on 127.0.0.1, in the awsQuery protocol as
 * `@aws-sdk/client-cloudformation` and the AWS CLI send it (a form-encoded POST of
 * `Action=...&Version=2010-05-15&...`, XML answers, errors as `<ErrorResponse>`):
 * DescribeStacks (with Outputs, and ParentId and RootId for nested stacks), ListStackResources
 * (100 a page with NextToken, as AWS pages them), DescribeStackEvents (newest first, "in reverse
 * chronological order", with NextToken; the stack's own status changes are events whose
 * LogicalResourceId is the stack's name and ResourceType AWS::CloudFormation::Stack:
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DescribeStackEvents.html,
 * API_StackEvent.html), answering the live statuses
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DescribeStacks.html and
 * the pages of the other two actions): the three reads the teardown function makes. Each call is authorized, at the moment it is made, for
 * `cloudformation:<Action>` on the stack's ARN by the signer's policies.
 *
 * Tests can make it throttle or fail ({@link CloudFormationQueryApi.injectFaults}), answering as
 * CloudFormation does: `Throttling` / `Rate exceeded`, HTTP 400, type Sender (the awsQuery error
 * CloudFormation returns when throttled, quoted in
 * https://github.com/ansible/ansible-modules-core/pull/224), `InternalFailure` (HTTP 500) and
 * `ServiceUnavailable` (HTTP 503) with the messages of
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/CommonErrors.html, or a
 * connection closed with no answer.
 */

/** Decides a call by its signer. */
type QueryAuthorizer = (accessKeyId: string, action: string, resource: string) => { allowed: boolean; message?: string };

/** Faults of the read API, set by {@link CloudFormationQueryApi.injectFaults}; rates are shares of calls, 0..1. */
interface QueryApiFaults {
  /** Seed of the random draws (one per call), so that a run repeats exactly. @default 1 */
  readonly seed?: number;
  /** Share of calls answered `Throttling` (HTTP 400, `Rate exceeded`). @default 0 */
  readonly throttlingRate?: number;
  /** Share of calls answered `InternalFailure` (HTTP 500). @default 0 */
  readonly internalFailureRate?: number;
  /** Share of calls answered `ServiceUnavailable` (HTTP 503). @default 0 */
  readonly serviceUnavailableRate?: number;
  /** Share of calls whose connection is closed with no answer. @default 0 */
  readonly dropRate?: number;
  /**
   * At most this many calls a second, on average: a token bucket of `burst` tokens refilled at
   * this rate; a call finding it empty is answered `Throttling`. @default - no limit
   */
  readonly requestsPerSecond?: number;
  /** The bucket's size: calls allowed at once after a pause. @default - requestsPerSecond, at least 1 */
  readonly burst?: number;
  /** The actions the faults and the limit apply to (e.g. `['DescribeStacks']`). @default - every action */
  readonly actions?: string[];
}

/** A fault drawn for one call. */
type DrawnFault = CloudFormationError | 'drop';

const NAMESPACE = 'http://cloudformation.amazonaws.com/doc/2010-05-15/';
const PAGE_SIZE = 100;

export class CloudFormationQueryApi {
  /** Starts the API on a free port of 127.0.0.1. */
  /**
   * `statusLagMs`: how long a resource's new status takes to show (CloudFormationStrictness's
   * `resourceStatusLagMs`), read at each call. @default - at once
   */
  static async start(
    engine: CloudFormationEngine,
    authorizer?: QueryAuthorizer,
    statusLagMs: () => number = () => 0,
  ): Promise<CloudFormationQueryApi> {
    const api = new CloudFormationQueryApi(engine, authorizer, statusLagMs);
    await new Promise<void>((resolve) => api.server.listen(0, '127.0.0.1', resolve));
    return api;
  }

  /** Every call answered (or dropped), in order: its action, error code if any, and whether the error was injected. */
  public readonly calls: Array<{ readonly action: string; readonly accessKeyId: string; readonly error?: string; readonly injected?: boolean }> = [];
  private readonly server: Server;
  private faults?: { readonly options: QueryApiFaults; readonly random: () => number; tokens: number; refilledAt: number };

  private constructor(
    private readonly engine: CloudFormationEngine,
    private readonly authorizer?: QueryAuthorizer,
    private readonly statusLagMs: () => number = () => 0,
  ) {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((err) => this.sendError(res, new CloudFormationError('InternalFailure', String(err), 500)));
    });
  }

  /**
   * The resource as the read API shows it: a status newer than the lag shows as the status before
   * it, as CloudFormation's reads may lag the requests it sends (local/cloudformation/strictness.ts,
   * `resourceStatusLagMs`).
   */
  private visible(stack: LiveStack, resource: StackResource): StackResource {
    const shownBefore = Date.now() - this.statusLagMs();
    if (resource.lastUpdated.getTime() <= shownBefore) {
      return resource;
    }
    // The status before the latest change (a change newer than the lag has not shown yet).
    const own = stack.events.filter((e) => e.logicalResourceId === resource.logicalId);
    const shown = own.length >= 2 && own[own.length - 1].resourceStatus === resource.status ? own[own.length - 2] : undefined;
    return shown && shown.resourceStatus !== resource.status
      ? { ...resource, status: shown.resourceStatus as StackResource['status'], statusReason: shown.resourceStatusReason, physicalId: shown.physicalResourceId ?? resource.physicalId, lastUpdated: shown.timestamp }
      : resource;
  }

  /** The URL for `AWS_ENDPOINT_URL_CLOUDFORMATION` or the SDK's `endpoint`. */
  public get endpoint(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Makes calls throttle, fail or drop as `faults` says, from now on, in place of any earlier faults. */
  public injectFaults(faults: QueryApiFaults): void {
    const rates = [faults.throttlingRate, faults.internalFailureRate, faults.serviceUnavailableRate, faults.dropRate].map((r) => r ?? 0);
    if (rates.some((r) => !(r >= 0 && r <= 1)) || rates.reduce((a, b) => a + b, 0) > 1) {
      throw new Error(`fault rates must be within 0..1 and add up to at most 1, got ${rates.join(', ')}`);
    }
    if (faults.requestsPerSecond !== undefined && !(faults.requestsPerSecond > 0)) {
      throw new Error(`requestsPerSecond must be above 0, got ${faults.requestsPerSecond}`);
    }
    const burst = faults.burst ?? Math.max(1, faults.requestsPerSecond ?? 1);
    this.faults = { options: { ...faults, burst }, random: seededRandom(faults.seed ?? 1), tokens: burst, refilledAt: Date.now() };
  }

  /** Removes every injected fault and the rate limit. */
  public clearFaults(): void {
    this.faults = undefined;
  }

  public close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
    const action = form.get('Action') ?? '';
    const scope = signingScope(req.headers.authorization);
    const accessKeyId = scope?.accessKeyId ?? '';
    try {
      if (!scope) {
        throw new CloudFormationError('MissingAuthenticationToken', 'Request is missing Authentication Token', 403);
      }
      if (scope.service !== 'cloudformation') {
        throw new CloudFormationError('SignatureDoesNotMatch', 'Credential should be scoped to correct service: \'cloudformation\'.', 403);
      }
      if (req.method !== 'POST' || form.get('Version') !== '2010-05-15') {
        throw new CloudFormationError('InvalidAction', `Could not find operation ${action} for version ${form.get('Version')}`);
      }
      const fault = this.drawFault(action);
      if (fault === 'drop') {
        this.calls.push({ action, accessKeyId, error: 'ConnectionDropped', injected: true });
        req.socket.destroy();
        return;
      }
      if (fault) {
        this.calls.push({ action, accessKeyId, error: fault.code, injected: true });
        this.sendError(res, fault);
        return;
      }
      const result = this.answer(action, form, (resource) => this.authorize(accessKeyId, action, resource));
      this.calls.push({ action, accessKeyId });
      this.send(res, 200, `<${action}Response xmlns="${NAMESPACE}"><${action}Result>${result}</${action}Result>${metadata()}</${action}Response>`);
    } catch (err) {
      const error = err instanceof CloudFormationError ? err : new CloudFormationError('InternalFailure', String(err), 500);
      this.calls.push({ action, accessKeyId, error: error.code });
      this.sendError(res, error);
    }
  }

  /** The fault this call meets, if any: the rate limit first (it counts every call), then one random draw. */
  private drawFault(action: string): DrawnFault | undefined {
    const faults = this.faults;
    if (!faults || (faults.options.actions && !faults.options.actions.includes(action))) {
      return undefined;
    }
    const { requestsPerSecond, burst } = faults.options;
    if (requestsPerSecond !== undefined) {
      const now = Date.now();
      faults.tokens = Math.min(burst!, faults.tokens + (now - faults.refilledAt) / 1000 * requestsPerSecond);
      faults.refilledAt = now;
      if (faults.tokens < 1) {
        return throttling();
      }
      faults.tokens -= 1;
    }
    const draw = faults.random();
    let bound = 0;
    const within = (rate: number | undefined) => draw < (bound += rate ?? 0);
    if (within(faults.options.throttlingRate)) return throttling();
    if (within(faults.options.internalFailureRate)) {
      return new CloudFormationError('InternalFailure', 'The request processing has failed because of an unknown error, exception or failure.', 500);
    }
    if (within(faults.options.serviceUnavailableRate)) {
      return new CloudFormationError('ServiceUnavailable', 'The request has failed due to a temporary failure of the server.', 503);
    }
    return within(faults.options.dropRate) ? 'drop' : undefined;
  }

  private authorize(accessKeyId: string, action: string, resource: string): void {
    const verdict = this.authorizer?.(accessKeyId, `cloudformation:${action}`, resource);
    if (verdict && !verdict.allowed) {
      throw new CloudFormationError('AccessDenied', verdict.message ?? `not authorized to perform: cloudformation:${action}`, 403);
    }
  }

  /** The XML inside `<ActionResult>`. */
  private answer(action: string, form: URLSearchParams, authorize: (resource: string) => void): string {
    switch (action) {
      case 'DescribeStacks': {
        const name = form.get('StackName');
        if (name === null) {
          authorize('*');
          const live = this.engine.allStacks().filter((s) => s.status !== 'DELETE_COMPLETE');
          return node('Stacks', live.map((s) => member(stackXml(s))).join(''));
        }
        const stack = this.stackNamed(name);
        authorize(stack.stackId);
        return node('Stacks', member(stackXml(stack)));
      }
      case 'ListStackResources': {
        const stack = this.stackNamed(required(form, 'StackName'));
        authorize(stack.stackId);
        const resources = [...stack.resources.values()].map((r) => this.visible(stack, r));
        const { page, next } = pageOf(resources, form.get('NextToken'), stack);
        return node('StackResourceSummaries', page.map((r) => member([
          element('LogicalResourceId', r.logicalId),
          element('PhysicalResourceId', r.physicalId),
          element('ResourceType', r.type),
          element('LastUpdatedTimestamp', r.lastUpdated.toISOString()),
          element('ResourceStatus', r.status),
          element('ResourceStatusReason', r.statusReason),
          node('DriftInformation', element('StackResourceDriftStatus', 'NOT_CHECKED')),
        ].join(''))).join('')) + element('NextToken', next);
      }
      case 'DescribeStackEvents': {
        const stack = this.stackNamed(required(form, 'StackName'));
        authorize(stack.stackId);
        const events = [...stack.events].reverse();
        const { page, start, next } = pageOf(events, form.get('NextToken'), stack);
        return node('StackEvents', page.map((e, i) => member([
          element('StackId', e.stackId),
          element('EventId', `${e.logicalResourceId}-${events.length - start - i}`),
          element('StackName', e.stackName),
          element('LogicalResourceId', e.logicalResourceId),
          element('PhysicalResourceId', e.physicalResourceId),
          element('ResourceType', e.resourceType),
          element('Timestamp', e.timestamp.toISOString()),
          element('ResourceStatus', e.resourceStatus),
          element('ResourceStatusReason', e.resourceStatusReason),
        ].join(''))).join('')) + element('NextToken', next);
      }
      default:
        throw new CloudFormationError('InvalidAction', `The local CloudFormation does not answer ${action}`);
    }
  }

  private stackNamed(nameOrId: string): LiveStack {
    const stack = this.engine.stack(nameOrId);
    if (!stack) {
      throw new CloudFormationError('ValidationError', `Stack with id ${nameOrId} does not exist`);
    }
    return stack;
  }

  private send(res: ServerResponse, status: number, body: string): void {
    res.writeHead(status, { 'Content-Type': 'text/xml', 'x-amzn-RequestId': randomUUID(), 'Content-Length': Buffer.byteLength(body) });
    res.end(body);
  }

  private sendError(res: ServerResponse, error: CloudFormationError): void {
    const type = error.httpStatus >= 500 ? 'Receiver' : 'Sender';
    this.send(res, error.httpStatus, `<ErrorResponse xmlns="${NAMESPACE}"><Error><Type>${type}</Type><Code>${escape(error.code)}</Code><Message>${escape(error.message)}</Message></Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>`);
  }
}

function throttling(): CloudFormationError {
  return new CloudFormationError('Throttling', 'Rate exceeded', 400);
}

function required(form: URLSearchParams, name: string): string {
  const value = form.get(name);
  if (value === null) {
    throw new CloudFormationError('ValidationError', `1 validation error detected: Value null at '${name.charAt(0).toLowerCase()}${name.slice(1)}' failed to satisfy constraint: Member must not be null`);
  }
  return value;
}

function pageStart(token: string | null, stack: LiveStack): number {
  if (token === null) return 0;
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64').toString('utf8'));
    if (parsed.s === stack.stackId && Number.isInteger(parsed.o)) return parsed.o;
  } catch {
    // falls through to the error
  }
  throw new CloudFormationError('ValidationError', 'Invalid NextToken');
}

/** The page of `items` that `token` names (the first without one), where it starts, and the token of the next page if there is one. */
function pageOf<T>(items: readonly T[], token: string | null, stack: LiveStack): { page: T[]; start: number; next?: string } {
  const start = pageStart(token, stack);
  const next = start + PAGE_SIZE < items.length ? Buffer.from(JSON.stringify({ s: stack.stackId, o: start + PAGE_SIZE })).toString('base64') : undefined;
  return { page: items.slice(start, start + PAGE_SIZE), start, next };
}

function stackXml(stack: LiveStack): string {
  return [
    element('StackId', stack.stackId),
    element('StackName', stack.stackName),
    element('Description', stack.template.Description),
    node('Parameters', Object.entries(stack.parameters).map(([k, v]) => member(element('ParameterKey', k) + element('ParameterValue', v))).join('')),
    element('CreationTime', stack.createdAt.toISOString()),
    element('LastUpdatedTime', stack.lastUpdatedAt?.toISOString()),
    element('DeletionTime', stack.deletedAt?.toISOString()),
    element('StackStatus', stack.status),
    element('StackStatusReason', stack.statusReason),
    element('DisableRollback', 'false'),
    node('NotificationARNs', ''),
    node('Outputs', Object.entries(stack.outputs ?? {}).map(([k, v]) => member(element('OutputKey', k) + element('OutputValue', outputText(v)))).join('')),
    node('Tags', ''),
    element('EnableTerminationProtection', 'false'),
    // Nested stacks only: the direct parent's and the top-level stack's ids (API_Stack.html).
    element('ParentId', stack.parentId),
    element('RootId', stack.rootId),
    node('DriftInformation', element('StackDriftStatus', 'NOT_CHECKED')),
  ].join('');
}

/** An output's value as DescribeStacks shows it: a list joined with commas, as CommaDelimitedList. */
function outputText(value: unknown): string {
  return Array.isArray(value) ? value.join(',') : String(value);
}

/** An element holding text (escaped); nothing when the value is undefined. */
function element(name: string, text: string | undefined): string {
  return text === undefined ? '' : `<${name}>${escape(text)}</${name}>`;
}

/** An element holding other elements. */
function node(name: string, xml: string): string {
  return `<${name}>${xml}</${name}>`;
}

function member(content: string): string {
  return `<member>${content}</member>`;
}

function metadata(): string {
  return `<ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata>`;
}

function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}
