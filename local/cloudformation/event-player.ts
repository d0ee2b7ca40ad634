import { randomUUID } from 'crypto';
import { DeployedTeardown, TemplateResource } from './cloud-assembly';
import { cfnStrings } from './providers/custom-resource-provider';
import { CfnResponseEndpoint, ReceivedResponse } from './response-endpoint';
import { LiveStack } from './stack-state';
import { Template } from './template';
import { InvocationResult } from '../lambda/lambda-process';
import { LocalLambdaService } from '../lambda/local-lambda-service';

/**
 * Plays CloudFormation's side of the custom-resource protocol: sends Create, Update and Delete
 * events for a template's resource to its function (asynchronously, as CloudFormation does),
 * then waits, up to the resource's ServiceTimeout, for the response PUT to the ResponseURL.
 * While it does, its stack shows the operation that would send that event (served by
 * DescribeStacks and ListStackResources through `CloudFormationQueryApi`): a Delete of the
 * resource's current model comes from a stack delete, a Delete of a model the resource no longer
 * has from an update's cleanup phase.
 */

/** What one request came to. */
export interface PlayedRequest {
  readonly event: Record<string, unknown>;
  readonly response: ReceivedResponse;
  /** The secret part of the ResponseURL given to the function. */
  readonly signature: string;
  /** Every run of the function for this request, hand-offs included. */
  readonly runs: InvocationResult[];
}

export class LocalCloudFormation {
  public readonly stackId: string;
  /** The stack as CloudFormation shows it while it sends the current event. */
  public readonly live: LiveStack;
  /** Every ResponseURL signature handed out so far. */
  public readonly signatures: string[] = [];

  constructor(
    private readonly deployed: DeployedTeardown,
    private readonly lambda: LocalLambdaService,
    private readonly responses: CfnResponseEndpoint,
  ) {
    const [, , , region, account] = deployed.function.functionArn.split(':');
    this.stackId = `arn:aws:cloudformation:${region}:${account}:stack/${deployed.stackName}/${randomUUID()}`;
    this.live = {
      stackId: this.stackId,
      stackName: deployed.stackName,
      status: 'CREATE_COMPLETE',
      template: deployed.template as Template,
      parameters: {},
      resources: new Map(),
      events: [],
      createdAt: new Date(),
    };
  }

  /** For `CloudFormationQueryApi`: this player's one stack. */
  public stack(nameOrId: string): LiveStack | undefined {
    return nameOrId === this.stackId || nameOrId === this.live.stackName ? this.live : undefined;
  }

  public allStacks(): readonly LiveStack[] {
    return [this.live];
  }

  public create(resource: TemplateResource, properties = resource.properties): Promise<PlayedRequest> {
    return this.play(resource, { RequestType: 'Create', ResourceProperties: properties });
  }

  public update(
    resource: TemplateResource,
    physicalResourceId: string,
    properties: Record<string, unknown>,
    oldProperties = resource.properties,
  ): Promise<PlayedRequest> {
    return this.play(resource, { RequestType: 'Update', PhysicalResourceId: physicalResourceId, ResourceProperties: properties, OldResourceProperties: oldProperties });
  }

  public delete(resource: TemplateResource, physicalResourceId: string, properties = resource.properties): Promise<PlayedRequest> {
    return this.play(resource, { RequestType: 'Delete', PhysicalResourceId: physicalResourceId, ResourceProperties: properties });
  }

  /** Builds the event CloudFormation would send, without sending it. */
  public event(resource: TemplateResource, fields: Record<string, unknown>): { event: Record<string, unknown>; signature: string } {
    const requestId = randomUUID();
    const { url, signature } = this.responses.presignedUrl(requestId);
    this.signatures.push(signature);
    const serviceToken = this.deployed.function.functionArn;
    const withToken = (props: unknown) => props === undefined ? undefined : { ServiceToken: serviceToken, ...cfnStrings(props) as object };
    return {
      signature,
      event: {
        ServiceToken: serviceToken,
        ResponseURL: url,
        StackId: this.stackId,
        RequestId: requestId,
        LogicalResourceId: resource.logicalId,
        ResourceType: resource.type,
        ...fields,
        ResourceProperties: withToken(fields.ResourceProperties),
        OldResourceProperties: withToken(fields.OldResourceProperties),
      },
    };
  }

  /** Sends `event` (perhaps more than once) and waits for its response and every run it caused. */
  public async send(resource: TemplateResource, event: Record<string, unknown>, signature: string, deliveries = 1): Promise<PlayedRequest> {
    const finish = this.showOperation(resource, event);
    for (let i = 0; i < deliveries; i++) {
      this.lambda.invoke(this.deployed.function, event, 'Event');
    }
    const response = await this.responses.waitFor(String(event.RequestId), resource.serviceTimeoutSeconds * 1000);
    finish(response);
    const ownRuns = () => this.lambda.invocations.filter((i) => (i.payload as { RequestId?: string }).RequestId === event.RequestId);
    await this.lambda.idle();
    return { event, response, signature, runs: await Promise.all(ownRuns().map((i) => i.result)) };
  }

  /** Puts the stack and the resource in the state of the operation that sends `event`; returns what its response changes. */
  private showOperation(resource: TemplateResource, event: Record<string, unknown>): (response: ReceivedResponse) => void {
    const requestType = String(event.RequestType);
    const current = this.live.resources.get(resource.logicalId);
    const entry = current ?? {
      logicalId: resource.logicalId, type: resource.type, status: 'CREATE_IN_PROGRESS', properties: {}, attributes: {}, lastUpdated: new Date(),
    };
    this.live.resources.set(resource.logicalId, entry);
    const succeeded = (response: ReceivedResponse) => response.body.Status === 'SUCCESS';
    if (requestType === 'Delete') {
      const replaced = current?.physicalId !== undefined && current.physicalId !== event.PhysicalResourceId && current.status !== 'DELETE_COMPLETE';
      if (replaced) {
        this.live.status = 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS';
        return () => undefined;
      }
      this.live.status = 'DELETE_IN_PROGRESS';
      entry.physicalId = String(event.PhysicalResourceId);
      entry.status = 'DELETE_IN_PROGRESS';
      return (response) => (entry.status = succeeded(response) ? 'DELETE_COMPLETE' : 'DELETE_FAILED');
    }
    const operation = requestType === 'Create' ? 'CREATE' : 'UPDATE';
    this.live.status = `${operation}_IN_PROGRESS`;
    entry.status = `${operation}_IN_PROGRESS`;
    return (response) => {
      entry.status = succeeded(response) ? `${operation}_COMPLETE` : `${operation}_FAILED`;
      entry.physicalId = response.body.PhysicalResourceId;
      this.live.status = `${operation}_COMPLETE`;
    };
  }

  private play(resource: TemplateResource, fields: Record<string, unknown>): Promise<PlayedRequest> {
    const { event, signature } = this.event(resource, fields);
    return this.send(resource, event, signature);
  }
}
