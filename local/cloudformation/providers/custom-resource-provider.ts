import { randomUUID } from 'crypto';
import { FunctionNotFoundError, LocalLambdaService } from '../../lambda/local-lambda-service';
import { CfnResponseEndpoint } from '../response-endpoint';
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

  private async send(context: ResourceContext, properties: Properties, fields: Properties): Promise<Provisioned> {
    const serviceToken = properties.ServiceToken;
    if (typeof serviceToken !== 'string') {
      throw new ResourceFailure('Properties validation failed: required key [ServiceToken] not found');
    }
    const requestId = randomUUID();
    const event: Properties = {
      ServiceToken: serviceToken,
      ResponseURL: this.responses.presignedUrl(requestId).url,
      StackId: context.stackId,
      RequestId: requestId,
      LogicalResourceId: context.logicalId,
      ResourceType: context.type,
      ...fields,
      ResourceProperties: cfnStrings(fields.ResourceProperties),
      ...(fields.OldResourceProperties ? { OldResourceProperties: cfnStrings(fields.OldResourceProperties) } : {}),
    };
    const request: { event: Properties; response?: CustomResourceRequest['response'] } = { event };
    this.requests.push(request);
    try {
      this.lambda.invokeAsync(serviceToken, event);
    } catch (err) {
      // AWS documents no wording for this; the console shows the Lambda error.
      const code = err instanceof FunctionNotFoundError ? err.name : 'ServiceException';
      throw new ResourceFailure(`Failed to invoke the ServiceToken ${serviceToken} (Service: Lambda, Error Code: ${code}): ${(err as Error).message}`);
    }
    const timeoutSeconds = Number(properties.ServiceTimeout ?? 3600);
    let body;
    try {
      body = (await this.responses.waitFor(requestId, timeoutSeconds * 1000)).body;
    } catch {
      throw new ResourceFailure(`CloudFormation did not receive a response from your Custom Resource within ${timeoutSeconds} seconds. Please check your logs for requestId [${requestId}].`);
    }
    request.response = body as CustomResourceRequest['response'];
    if (body.Status !== 'SUCCESS') {
      throw new ResourceFailure(`Received response status [FAILED] from custom resource. Message returned: ${body.Reason ?? ''} (RequestId: ${requestId})`, body.PhysicalResourceId);
    }
    return { physicalId: body.PhysicalResourceId, attributes: (body.Data as Properties | undefined) ?? {} };
  }
}

/** CloudFormation hands a custom resource every scalar property as a string. */
export function cfnStrings(value: unknown): unknown {
  if (Array.isArray(value)) {
    return value.map(cfnStrings);
  }
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, cfnStrings(v)]));
  }
  return value === undefined || value === null ? value : String(value);
}
