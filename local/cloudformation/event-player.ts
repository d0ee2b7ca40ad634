import { randomUUID } from 'crypto';
import { DeployedTeardown, TemplateResource } from './cloud-assembly';
import { CfnResponseEndpoint, ReceivedResponse } from './response-endpoint';
import { InvocationResult } from '../lambda/lambda-process';
import { LocalLambdaService } from '../lambda/local-lambda-service';

/**
 * Plays CloudFormation's side of the custom-resource protocol: sends Create, Update and Delete
 * events for a template's resource to its function (asynchronously, as CloudFormation does),
 * then waits, up to the resource's ServiceTimeout, for the response PUT to the ResponseURL.
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
  /** Every ResponseURL signature handed out so far. */
  public readonly signatures: string[] = [];

  constructor(
    private readonly deployed: DeployedTeardown,
    private readonly lambda: LocalLambdaService,
    private readonly responses: CfnResponseEndpoint,
  ) {
    const [, , , region, account] = deployed.function.functionArn.split(':');
    this.stackId = `arn:aws:cloudformation:${region}:${account}:stack/${deployed.stackName}/${randomUUID()}`;
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
    for (let i = 0; i < deliveries; i++) {
      this.lambda.invoke(this.deployed.function, event, 'Event');
    }
    const response = await this.responses.waitFor(String(event.RequestId), resource.serviceTimeoutSeconds * 1000);
    const ownRuns = () => this.lambda.invocations.filter((i) => (i.payload as { RequestId?: string }).RequestId === event.RequestId);
    await this.lambda.idle();
    return { event, response, signature, runs: await Promise.all(ownRuns().map((i) => i.result)) };
  }

  private play(resource: TemplateResource, fields: Record<string, unknown>): Promise<PlayedRequest> {
    const { event, signature } = this.event(resource, fields);
    return this.send(resource, event, signature);
  }
}

/** CloudFormation hands a custom resource every scalar property as a string. */
function cfnStrings(value: unknown): unknown {
  if (Array.isArray(value)) {
    return value.map(cfnStrings);
  }
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, cfnStrings(v)]));
  }
  return value === undefined || value === null ? value : String(value);
}
