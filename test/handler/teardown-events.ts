import { TeardownEvent } from '../../lambda/teardown/request';

/** CloudFormation events as the construct's resource receives them, for the handler's unit tests. */

export const ARN = 'arn:aws:rekognition:eu-west-1:123456789012:project/birds/version/v1/1700000000000';
export const RESPONSE_URL = 'https://cfn-responses.s3.amazonaws.com/x?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Date=20261123T120000Z&X-Amz-Signature=abc';
/** The properties the construct writes for {@link ARN}. */
export const PROPERTIES = { ServiceToken: 'x', ProjectVersionArn: ARN, TeardownAction: 'DELETE', MaxWaitSeconds: '600', TeardownPolicyLogicalId: 'ModelTeardownPolicyAAAA' };

/** An event of `requestType` for the model resource of `stackId`, with `extra` fields on top. */
export function teardownEvent(requestType: 'Create' | 'Update' | 'Delete', stackId: string, extra: Record<string, unknown> = {}): TeardownEvent {
  return {
    RequestType: requestType,
    ServiceToken: 'arn:aws:lambda:eu-west-1:123456789012:function:teardown',
    ResponseURL: RESPONSE_URL,
    StackId: stackId,
    RequestId: 'req-1',
    LogicalResourceId: 'Model',
    ResourceType: 'Custom::RekognitionCustomLabelsModel',
    ResourceProperties: PROPERTIES,
    ...extra,
  } as unknown as TeardownEvent;
}
