import { randomUUID } from 'crypto';
import { FunctionNotFoundError, LocalLambdaService } from '../../lambda/local-lambda-service';
import { CfnResponseEndpoint, ReceivedResponse } from '../response-endpoint';
import { Properties, Provisioned, RequestRefused, ResourceContext, ResourceFailure, ResourceProvider } from './resource-provider';

/**
 * `Custom::*` and AWS::CloudFormation::CustomResource: the real custom-resource protocol.
 * CloudFormation invokes the ServiceToken function asynchronously with the request
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/crpg-ref-requests.html: RequestType,
 * ResponseURL, StackId, RequestId, ResourceType, LogicalResourceId, PhysicalResourceId on Update
 * and Delete, ResourceProperties, OldResourceProperties on Update), with every scalar property
 * as a string (the same page: property values are sent as strings), then waits up to the
 * resource's ServiceTimeout seconds (default 3600) for the response at the ResponseURL
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-cloudformation-customresource.html).
 * A response whose PhysicalResourceId differs from the one sent with an Update replaces the
 * resource: CloudFormation deletes the old one in the cleanup phase
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/crpg-ref-requesttypes-update.html).
 * A changed ServiceToken is refused: "Updates aren't supported" for ServiceToken (the
 * CustomResource page above); the message is the one CloudFormation shows.
 * Only Lambda ServiceTokens are modelled (no SNS).
 */

/** One request sent to a custom resource's function, and its response. */
export interface CustomResourceRequest {
  readonly event: Properties;
  readonly response?: {
    readonly Status: string;
    readonly Reason?: string;
    readonly PhysicalResourceId: string;
    readonly Data?: Properties;
  };
}

/** One request sent on its own (see `CloudFormationEngine.sendEvent`), and the response it got. */
export interface SentRequest {
  readonly event: Properties;
  readonly response: ReceivedResponse;
  /** The secret part of the ResponseURL given to the function. */
  readonly signature: string;
}

/** How {@link CustomResourceProvider.request} sends a request. */
interface RequestOptions {
  /** How many times Lambda delivers the event (it may deliver an asynchronous event twice). @default 1 */
  readonly deliveries?: number;
  /** Changes the event before it is sent (a forged request). @default - sent as built */
  readonly edit?: (event: Properties) => Properties;
}

export class CustomResourceProvider implements ResourceProvider {
  public readonly updatesBackOnRollback = true;
  /** Every request sent, in order. */
  public readonly requests: CustomResourceRequest[] = [];

  constructor(private readonly lambda: LocalLambdaService, private readonly responses: CfnResponseEndpoint) {}

  public async create(context: ResourceContext, properties: Properties): Promise<Provisioned> {
    return this.send(context, properties, { RequestType: 'Create', ResourceProperties: properties });
  }

  public async update(context: ResourceContext, current: Provisioned, properties: Properties, oldProperties: Properties): Promise<Provisioned> {
    if (properties.ServiceToken !== oldProperties.ServiceToken) {
      throw new RequestRefused('Modifying service token is not allowed.');
    }
    return this.send(context, properties, {
      RequestType: 'Update',
      PhysicalResourceId: current.physicalId,
      ResourceProperties: properties,
      OldResourceProperties: oldProperties,
    });
  }

  public async delete(context: ResourceContext, physicalId: string, properties: Properties): Promise<void> {
    await this.send(context, properties, { RequestType: 'Delete', PhysicalResourceId: physicalId, ResourceProperties: properties });
  }

  /**
   * Sends one request to the resource's function and waits for its response, FAILED ones too;
   * throws a `ResourceFailure` when the function cannot be invoked or never answers.
   */
  public async request(context: ResourceContext, properties: Properties, fields: Properties, options: RequestOptions = {}): Promise<SentRequest> {
    const serviceToken = properties.ServiceToken;
    if (typeof serviceToken !== 'string') {
      throw new ResourceFailure('Properties validation failed: required key [ServiceToken] not found');
    }
    const requestId = randomUUID();
    const { url, signature } = this.responses.presignedUrl(requestId);
    const built: Properties = {
      ServiceToken: serviceToken,
      ResponseURL: url,
      StackId: context.stackId,
      RequestId: requestId,
      LogicalResourceId: context.logicalId,
      ResourceType: context.type,
      ...fields,
      ResourceProperties: cfnStrings(fields.ResourceProperties),
      ...(fields.OldResourceProperties ? { OldResourceProperties: cfnStrings(fields.OldResourceProperties) } : {}),
    };
    const event = options.edit?.(built) ?? built;
    const request: { event: Properties; response?: CustomResourceRequest['response'] } = { event };
    this.requests.push(request);
    try {
      for (let i = 0; i < (options.deliveries ?? 1); i++) {
        this.lambda.invokeAsync(serviceToken, event);
      }
    } catch (err) {
      // AWS documents no wording for this; the console shows the Lambda error.
      const code = err instanceof FunctionNotFoundError ? err.name : 'ServiceException';
      throw new ResourceFailure(`Failed to invoke the ServiceToken ${serviceToken} (Service: Lambda, Error Code: ${code}): ${(err as Error).message}`);
    }
    const timeoutSeconds = Number(properties.ServiceTimeout ?? 3600);
    let response: ReceivedResponse;
    try {
      response = await this.responses.waitFor(requestId, timeoutSeconds * 1000);
    } catch {
      throw new ResourceFailure(`CloudFormation did not receive a response from your Custom Resource within ${timeoutSeconds} seconds. Please check your logs for requestId [${requestId}].`);
    }
    request.response = response.body as CustomResourceRequest['response'];
    return { event, response, signature };
  }

  private async send(context: ResourceContext, properties: Properties, fields: Properties): Promise<Provisioned> {
    const { event, response: { body } } = await this.request(context, properties, fields);
    if (body.Status !== 'SUCCESS') {
      throw new ResourceFailure(`Received response status [FAILED] from custom resource. Message returned: ${body.Reason ?? ''} (RequestId: ${String(event.RequestId)})`, body.PhysicalResourceId);
    }
    return { physicalId: body.PhysicalResourceId, attributes: (body.Data as Properties | undefined) ?? {} };
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
