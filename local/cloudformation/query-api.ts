import { randomUUID } from 'crypto';
import { createServer, IncomingMessage, Server, ServerResponse } from 'http';
import { AddressInfo } from 'net';
import { CloudFormationError } from './cloudformation-error';
import { CloudFormationEngine } from './engine';
import { LiveStack, StackResource } from './stack-state';

/**
 * CloudFormation's read APIs for the engine's stacks, on 127.0.0.1, in the awsQuery protocol as
 * `@aws-sdk/client-cloudformation` and the AWS CLI send it (a form-encoded POST of
 * `Action=...&Version=2010-05-15&...`, XML answers, errors as `<ErrorResponse>`):
 * DescribeStacks (with Outputs, and ParentId and RootId for nested stacks), ListStackResources
 * (100 a page with NextToken, as AWS pages them),
 * DescribeStackResource and DescribeStackResources, answering the live statuses
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_DescribeStacks.html and
 * the pages of the other three actions). Each call is authorized, at the moment it is made, for
 * `cloudformation:<Action>` on the stack's ARN by the signer's policies.
 */

/** The stacks the API answers for: the engine's, or a single-event player's. */
export type StackDirectory = Pick<CloudFormationEngine, 'stack' | 'allStacks'>;

/** Decides a call by its signer. */
export type QueryAuthorizer = (accessKeyId: string, action: string, resource: string) => { allowed: boolean; message?: string };

const NAMESPACE = 'http://cloudformation.amazonaws.com/doc/2010-05-15/';
const PAGE_SIZE = 100;

export class CloudFormationQueryApi {
  /** Starts the API on a free port of 127.0.0.1. */
  static async start(engine: StackDirectory, authorizer?: QueryAuthorizer): Promise<CloudFormationQueryApi> {
    const api = new CloudFormationQueryApi(engine, authorizer);
    await new Promise<void>((resolve) => api.server.listen(0, '127.0.0.1', resolve));
    return api;
  }

  /** Every call answered, in order: its action and error code, if any. */
  public readonly calls: Array<{ readonly action: string; readonly accessKeyId: string; readonly error?: string }> = [];
  private readonly server: Server;

  private constructor(private readonly engine: StackDirectory, private readonly authorizer?: QueryAuthorizer) {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((err) => this.sendError(res, new CloudFormationError('InternalFailure', String(err), 500)));
    });
  }

  /** The URL for `AWS_ENDPOINT_URL_CLOUDFORMATION` or the SDK's `endpoint`. */
  public get endpoint(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
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
    const accessKeyId = /Credential=([^/,\s]+)\/[^/]+\/[^/]+\/([^/]+)\//.exec(req.headers.authorization ?? '');
    try {
      if (!accessKeyId) {
        throw new CloudFormationError('MissingAuthenticationToken', 'Request is missing Authentication Token', 403);
      }
      if (accessKeyId[2] !== 'cloudformation') {
        throw new CloudFormationError('SignatureDoesNotMatch', 'Credential should be scoped to correct service: \'cloudformation\'.', 403);
      }
      if (req.method !== 'POST' || form.get('Version') !== '2010-05-15') {
        throw new CloudFormationError('InvalidAction', `Could not find operation ${action} for version ${form.get('Version')}`);
      }
      const result = this.answer(action, form, (resource) => this.authorize(accessKeyId[1], action, resource));
      this.calls.push({ action, accessKeyId: accessKeyId[1] });
      this.send(res, 200, `<${action}Response xmlns="${NAMESPACE}"><${action}Result>${result}</${action}Result>${metadata()}</${action}Response>`);
    } catch (err) {
      const error = err instanceof CloudFormationError ? err : new CloudFormationError('InternalFailure', String(err), 500);
      this.calls.push({ action, accessKeyId: accessKeyId?.[1] ?? '', error: error.code });
      this.sendError(res, error);
    }
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
        const resources = [...stack.resources.values()];
        const start = pageStart(form.get('NextToken'), stack);
        const page = resources.slice(start, start + PAGE_SIZE);
        const next = start + PAGE_SIZE < resources.length ? Buffer.from(JSON.stringify({ s: stack.stackId, o: start + PAGE_SIZE })).toString('base64') : undefined;
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
      case 'DescribeStackResource': {
        const stack = this.stackNamed(required(form, 'StackName'));
        authorize(stack.stackId);
        const logicalId = required(form, 'LogicalResourceId');
        const resource = stack.resources.get(logicalId);
        if (!resource) {
          throw new CloudFormationError('ValidationError', `Resource ${logicalId} does not exist for stack ${stack.stackName}`);
        }
        return node('StackResourceDetail', resourceXml(stack, resource, 'LastUpdatedTimestamp')
          + element('Metadata', JSON.stringify(stack.template.Resources[logicalId]?.Metadata ?? {})));
      }
      case 'DescribeStackResources': {
        const name = form.get('StackName');
        const physicalId = form.get('PhysicalResourceId');
        if (name === null && physicalId === null) {
          throw new CloudFormationError('ValidationError', 'Either StackName or PhysicalResourceId must be specified.');
        }
        const holds = (s: LiveStack) => [...s.resources.values()].some((r) => r.physicalId === physicalId);
        const stack = name !== null ? this.stackNamed(name) : this.engine.allStacks().find(holds);
        if (!stack) {
          throw new CloudFormationError('ValidationError', `Stack for ${physicalId} does not exist`);
        }
        authorize(stack.stackId);
        const logicalId = form.get('LogicalResourceId');
        const resources = [...stack.resources.values()].filter((r) => logicalId === null || r.logicalId === logicalId);
        return node('StackResources', resources.map((r) => member(resourceXml(stack, r, 'Timestamp'))).join(''));
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

function resourceXml(stack: LiveStack, r: StackResource, timestampName: string): string {
  return [
    element('StackName', stack.stackName),
    element('StackId', stack.stackId),
    element('LogicalResourceId', r.logicalId),
    element('PhysicalResourceId', r.physicalId),
    element('ResourceType', r.type),
    element(timestampName, r.lastUpdated.toISOString()),
    element('ResourceStatus', r.status),
    element('ResourceStatusReason', r.statusReason),
    node('DriftInformation', element('StackResourceDriftStatus', 'NOT_CHECKED')),
  ].join('');
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
