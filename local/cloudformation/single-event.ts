import type { CloudFormationEngine } from './engine';
import { CustomResourceProvider, SentRequest } from './providers/custom-resource-provider';
import { Properties } from './providers/resource-provider';
import { ResourceStatus, StackStatus } from './stack-state';

/**
 * One custom-resource request sent on its own to a resource of a deployed stack, as CloudFormation
 * sends it during an operation, for tests of what the function does with one request (a chosen
 * request type, properties, stack status, a delivery twice, a forged request). While it runs, the
 * stack and the resource show the operation that would send it, and the read API serves them so.
 */
export interface SingleEvent {
  readonly stackName: string;
  readonly logicalId: string;
  readonly requestType: 'Create' | 'Update' | 'Delete';
  /** The PhysicalResourceId sent with an Update or a Delete. @default - the resource's own */
  readonly physicalResourceId?: string;
  /** ResourceProperties. @default - the properties the resource was provisioned with */
  readonly properties?: Properties;
  /** OldResourceProperties of an Update. @default - the properties the resource was provisioned with */
  readonly oldProperties?: Properties;
  /**
   * The stack's status while the function runs; `'unchanged'` shows no operation at all (the stack
   * and the resource stay as they are: a request CloudFormation did not send).
   * @default - CREATE_IN_PROGRESS, UPDATE_IN_PROGRESS or DELETE_IN_PROGRESS by request type; for a
   * Delete of a physical id the resource no longer has, UPDATE_COMPLETE_CLEANUP_IN_PROGRESS (the
   * cleanup of a replacement, where the resource itself stays as it is)
   */
  readonly stackStatus?: StackStatus | 'unchanged';
  /** How many times Lambda delivers the event. @default 1 */
  readonly deliveries?: number;
  /** Changes the event before it is sent (a forged request). @default - sent as built */
  readonly edit?: (event: Properties) => Properties;
}

export async function sendSingleEvent(engine: CloudFormationEngine, input: SingleEvent): Promise<SentRequest> {
  const stack = engine.stack(input.stackName);
  const entry = stack?.resources.get(input.logicalId);
  if (!stack || !entry) {
    throw new Error(`sendEvent names ${input.stackName}/${input.logicalId}, which is not a resource of a deployed stack`);
  }
  const provider = engine.providerFor(entry.type);
  if (!(provider instanceof CustomResourceProvider)) {
    throw new Error(`sendEvent sends custom-resource requests only: ${input.logicalId} is a ${entry.type}`);
  }
  const { requestType } = input;
  const properties = input.properties ?? entry.properties;
  const physicalId = input.physicalResourceId ?? entry.physicalId;
  const fields: Properties = {
    RequestType: requestType,
    ...(requestType !== 'Create' ? { PhysicalResourceId: physicalId } : {}),
    ResourceProperties: properties,
    ...(requestType === 'Update' ? { OldResourceProperties: input.oldProperties ?? entry.properties } : {}),
  };
  const cleanup = requestType === 'Delete' && physicalId !== entry.physicalId;
  const operation = requestType.toUpperCase() as 'CREATE' | 'UPDATE' | 'DELETE';
  const shows = input.stackStatus !== 'unchanged' && !cleanup;
  if (input.stackStatus !== 'unchanged') {
    const status = input.stackStatus ?? (cleanup ? 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS' : `${operation}_IN_PROGRESS` as StackStatus);
    engine.setStackStatus(stack, status);
  }
  if (shows) {
    engine.setResourceStatus(stack, entry, `${operation}_IN_PROGRESS`);
  }
  const sent = await provider.request(engine.resourceContext(stack, entry.logicalId, entry.type), properties, fields,
    { deliveries: input.deliveries, edit: input.edit });
  if (shows) {
    const succeeded = sent.response.body.Status === 'SUCCESS';
    if (succeeded && requestType !== 'Delete') {
      entry.physicalId = sent.response.body.PhysicalResourceId;
      entry.properties = properties;
    }
    engine.setResourceStatus(stack, entry, `${operation}_${succeeded ? 'COMPLETE' : 'FAILED'}` as ResourceStatus);
  }
  return sent;
}
