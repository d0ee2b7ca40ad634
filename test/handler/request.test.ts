import { NOW, OTHER_STACK_ID, STACK_ID } from './decision-deps';
import { ARN, PROPERTIES, RESPONSE_URL, teardownEvent } from './teardown-events';
import { readModelVersion } from '../../lambda/teardown/properties';
import { readRequest, requestSentAt, TeardownEvent } from '../../lambda/teardown/request';

const SENT_AT = Date.UTC(2026, 10, 23, 12, 0, 0);
const OLD_ARN = ARN.replace('v1', 'v0');

describe('readRequest', () => {
  test('reads a Create into the model to adopt, its properties checked, and a FAILED id that is no ARN', () => {
    expect(readRequest(teardownEvent('Create', STACK_ID), STACK_ID, NOW)).toEqual({
      kind: 'adopt',
      stackId: STACK_ID,
      logicalId: 'Model',
      properties: { model: readModelVersion(ARN), action: 'DELETE', maxWaitMs: 600_000, teardownPolicyLogicalId: 'ModelTeardownPolicyAAAA', recordsClaim: false },
      failedId: 'invalid-model-arn-req-1',
    });
  });

  test('gives a Create a FAILED id that is no ARN even when the event carries a physical id', () => {
    const request = readRequest(teardownEvent('Create', STACK_ID, { PhysicalResourceId: ARN }), STACK_ID, NOW);
    expect(request).toMatchObject({ kind: 'adopt', failedId: 'invalid-model-arn-req-1' });
  });

  test('reads an Update\'s previous model and old properties, and answers its failures with its own physical id', () => {
    const request = readRequest(teardownEvent('Update', STACK_ID, {
      PhysicalResourceId: OLD_ARN,
      OldResourceProperties: { ...PROPERTIES, ProjectVersionArn: OLD_ARN, RecordsClaim: 'true' },
    }), STACK_ID, NOW);
    expect(request).toMatchObject({ kind: 'adopt', failedId: OLD_ARN, previous: readModelVersion(OLD_ARN) });
    expect(request).toMatchObject({ oldProperties: { model: readModelVersion(OLD_ARN), recordsClaim: true } });
  });

  test('leaves out the old properties of an Update when they are not valid', () => {
    const request = readRequest(teardownEvent('Update', STACK_ID, { PhysicalResourceId: OLD_ARN, OldResourceProperties: { TeardownAction: 'ARCHIVE' } }), STACK_ID, NOW);
    expect(request).toMatchObject({ kind: 'adopt', previous: readModelVersion(OLD_ARN) });
    expect(request).not.toHaveProperty('oldProperties');
  });

  test('reads a Delete into the physical id\'s model, the properties choosing only how, with its hand-off and the time it was sent', () => {
    const handoff = { waitStartedAt: SENT_AT, run: 2 };
    const request = readRequest(teardownEvent('Delete', STACK_ID, {
      PhysicalResourceId: ARN,
      ResourceProperties: { ...PROPERTIES, ProjectVersionArn: OLD_ARN, TeardownAction: 'STOP' },
      TeardownHandoff: handoff,
    }), STACK_ID, NOW);
    expect(request).toEqual({
      kind: 'delete',
      stackId: STACK_ID,
      logicalId: 'Model',
      properties: { model: readModelVersion(ARN), action: 'STOP', maxWaitMs: 600_000, teardownPolicyLogicalId: 'ModelTeardownPolicyAAAA', recordsClaim: false },
      handoff,
      sentAt: SENT_AT,
    });
  });

  test('drops a malformed hand-off, and takes a response URL without a date as sent when read', () => {
    const request = readRequest(teardownEvent('Delete', STACK_ID, { PhysicalResourceId: ARN, ResponseURL: 'not a url', TeardownHandoff: { run: 'two' } }), STACK_ID, NOW);
    expect(request).toMatchObject({ kind: 'delete', sentAt: NOW });
    expect(request).not.toHaveProperty('handoff');
  });

  test('reads a Delete whose physical id is no model ARN as nothing to delete, whatever its properties', () => {
    const request = readRequest(teardownEvent('Delete', STACK_ID, { PhysicalResourceId: 'invalid-model-arn-req-0', ResourceProperties: {} }), STACK_ID, NOW);
    expect(request).toEqual({ kind: 'nothingToDelete', physicalResourceId: 'invalid-model-arn-req-0' });
  });

  test('answers a Delete with properties it cannot use FAILED, counted as a failed teardown', () => {
    const request = readRequest(teardownEvent('Delete', STACK_ID, { PhysicalResourceId: ARN, ResourceProperties: { ...PROPERTIES, MaxWaitSeconds: '0' } }), STACK_ID, NOW);
    expect(request).toMatchObject({ kind: 'respond', status: 'FAILED', physicalResourceId: ARN, counts: 'FAILED_TEARDOWN' });
    expect((request as { reason: string }).reason).toMatch(/^MaxWaitSeconds must be a number from 1 to 3540; got '0'\.$/);
  });

  test('refuses an event of another stack before reading its properties', () => {
    const request = readRequest({ ...teardownEvent('Delete', OTHER_STACK_ID, { PhysicalResourceId: ARN }), ResourceProperties: {} } as TeardownEvent, STACK_ID, NOW);
    expect(request).toMatchObject({ kind: 'respond', status: 'FAILED', physicalResourceId: ARN });
    expect((request as { reason: string }).reason).toMatch(/^This teardown function serves only the resources of stack .*Birds.*, not of .*Prod.*No model was touched\.$/);
  });

  test('reads events of any stack when the function does not know its own', () => {
    expect(readRequest(teardownEvent('Create', OTHER_STACK_ID), undefined, NOW)).toMatchObject({ kind: 'adopt', stackId: OTHER_STACK_ID });
  });
});

describe('requestSentAt', () => {
  test('reads X-Amz-Date of the presigned URL, so a redelivered event keeps the same deadline', () => {
    expect(requestSentAt(RESPONSE_URL, NOW)).toBe(Date.UTC(2026, 10, 23, 12, 0, 0));
  });

  test.each(['http://localhost/x', 'not a url', 'http://x/?X-Amz-Date=yesterday'])('falls back to now for %s', (url) => {
    expect(requestSentAt(url, NOW)).toBe(NOW);
  });

  test('never starts the wait in the future', () => {
    expect(requestSentAt('https://x/?X-Amz-Date=20991123T120000Z', NOW)).toBe(NOW);
  });
});
