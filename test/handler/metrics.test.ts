import { ARN, teardownEvent } from './teardown-events';
import { Response } from '../../lambda/teardown/event-decision';
import { emitTeardownMetrics, teardownMetrics, UNKNOWN_STACK } from '../../lambda/teardown/metrics';
import { stackNameOfStackId } from '../../src/teardown-contract';

const SENT_AT = Date.UTC(2026, 10, 23, 12, 0, 0);
const NOW = SENT_AT + 90_000;
const STACK_ID = 'arn:aws:cloudformation:eu-west-1:123456789012:stack/Birds-prod/4d3f5a10-8c1e-11f0-9b5a-0a1b2c3d4e5f';

const event = (requestType: 'Create' | 'Update' | 'Delete', extra: Record<string, unknown> = {}) =>
  teardownEvent(requestType, STACK_ID, { ...(requestType === 'Create' ? {} : { PhysicalResourceId: ARN }), ...extra });

const success: Response = { kind: 'respond', status: 'SUCCESS', physicalResourceId: ARN, reason: 'done', counts: 'TORN_DOWN' };
const failure: Response = { kind: 'respond', status: 'FAILED', physicalResourceId: ARN, reason: 'still TRAINING_IN_PROGRESS', counts: 'FAILED_TEARDOWN' };
const left: Response = { kind: 'respond', status: 'SUCCESS', physicalResourceId: ARN, reason: 'Model birds/v1 was left as it is: the stack is rolling back' };

describe('teardownMetrics', () => {
  test('a successful Delete counts one teardown, no failure, and its duration since CloudFormation sent the request', () => {
    expect(teardownMetrics(event('Delete'), success, NOW - 5_000, NOW, STACK_ID)).toEqual({
      _aws: {
        Timestamp: NOW,
        CloudWatchMetrics: [{
          Namespace: 'RekognitionCustomLabelsModelLifecycle',
          Dimensions: [['StackName']],
          Metrics: [
            { Name: 'TeardownFailures', Unit: 'Count' },
            { Name: 'Teardowns', Unit: 'Count' },
            { Name: 'TeardownDuration', Unit: 'Milliseconds' },
          ],
        }],
      },
      StackName: 'Birds-prod',
      TeardownFailures: 0,
      Teardowns: 1,
      TeardownDuration: 90_000,
      message: 'teardown metrics',
      model: ARN,
      status: 'SUCCESS',
    });
  });

  test('a FAILED Delete counts one failure and no teardown, and reports no duration', () => {
    const document = teardownMetrics(event('Delete'), failure, NOW, NOW, STACK_ID) as any;

    expect(document).toMatchObject({ StackName: 'Birds-prod', TeardownFailures: 1, Teardowns: 0, status: 'FAILED' });
    expect(document).not.toHaveProperty('TeardownDuration');
    expect(document._aws.CloudWatchMetrics[0].Metrics.map((m: any) => m.Name)).toEqual(['TeardownFailures', 'Teardowns']);
  });

  test('a FAILED Delete counts even for a physical id that is no model ARN', () => {
    const document = teardownMetrics(event('Delete', { PhysicalResourceId: 'invalid-model-arn-1' }), { ...failure, physicalResourceId: 'invalid-model-arn-1' }, NOW, NOW, STACK_ID);
    expect(document).toMatchObject({ TeardownFailures: 1, model: 'invalid-model-arn-1' });
  });

  test('the duration of a handed-on wait runs from when the first run began it', () => {
    const handedOn = event('Delete', { TeardownHandoff: { waitStartedAt: SENT_AT - 600_000, run: 3 } });
    expect(teardownMetrics(handedOn, success, NOW - 1_000, NOW, STACK_ID)).toMatchObject({ TeardownDuration: 690_000 });
  });

  test('without a signed date in the ResponseURL, the duration runs from the start of this run', () => {
    const unsigned = event('Delete', { ResponseURL: 'http://127.0.0.1:1/response' });
    expect(teardownMetrics(unsigned, success, NOW - 2_500, NOW, STACK_ID)).toMatchObject({ TeardownDuration: 2_500 });
  });

  test('Create and Update answers, and a Delete that left the model (rollback, forged, claimed elsewhere), report nothing', () => {
    expect(teardownMetrics(event('Create'), success, NOW, NOW, STACK_ID)).toBeUndefined();
    expect(teardownMetrics(event('Create'), failure, NOW, NOW, STACK_ID)).toBeUndefined();
    expect(teardownMetrics(event('Update'), failure, NOW, NOW, STACK_ID)).toBeUndefined();
    expect(teardownMetrics(event('Delete'), left, NOW, NOW, STACK_ID)).toBeUndefined();
  });

  test('the dimension is the function\'s own stack, never the event\'s, so no event sets off another stack\'s alarm', () => {
    const forged = event('Delete', { StackId: 'arn:aws:cloudformation:eu-west-1:123456789012:stack/Someone-else/1' });
    expect(teardownMetrics(forged, failure, NOW, NOW, STACK_ID)).toMatchObject({ StackName: 'Birds-prod', TeardownFailures: 1 });
    expect(teardownMetrics(event('Delete'), failure, NOW, NOW, undefined)).toMatchObject({ StackName: UNKNOWN_STACK, TeardownFailures: 1 });
  });
});

describe('emitTeardownMetrics', () => {
  test('writes the document as one JSON line, straight to the writer (not through console.log)', () => {
    const lines: string[] = [];
    const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      emitTeardownMetrics(event('Delete'), failure, NOW, STACK_ID, (line) => lines.push(line));
      expect(log).not.toHaveBeenCalled();
    } finally {
      log.mockRestore();
    }
    expect(lines).toHaveLength(1);
    expect(lines[0].endsWith('\n')).toBe(true);
    expect(lines[0].trimEnd()).not.toContain('\n');
    expect(JSON.parse(lines[0])).toMatchObject({ TeardownFailures: 1, StackName: 'Birds-prod' });
  });

  test('never throws: a failed write is logged, and the answer goes on', () => {
    const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      expect(() => emitTeardownMetrics(event('Delete'), failure, NOW, STACK_ID, () => {
        throw new Error('EPIPE: broken pipe, write');
      })).not.toThrow();
      expect(log.mock.calls.map(([line]) => JSON.parse(line))).toEqual([{ message: 'metrics not written', error: 'EPIPE: broken pipe, write' }]);
    } finally {
      log.mockRestore();
    }
  });

  test('writes nothing for an answer that is no teardown\'s', () => {
    const lines: string[] = [];
    emitTeardownMetrics(event('Create'), success, NOW, STACK_ID, (line) => lines.push(line));
    expect(lines).toEqual([]);
  });
});

describe('stackNameOfStackId', () => {
  test('reads the stack name of a stack id in any partition', () => {
    expect(stackNameOfStackId(STACK_ID)).toBe('Birds-prod');
    expect(stackNameOfStackId('arn:aws-us-gov:cloudformation:us-gov-west-1:123456789012:stack/a/1')).toBe('a');
  });

  test('is undefined for what is no stack id', () => {
    expect(stackNameOfStackId(undefined)).toBeUndefined();
    expect(stackNameOfStackId(42)).toBeUndefined();
    expect(stackNameOfStackId('arn:aws:cloudformation:eu-west-1:123456789012:stack/')).toBeUndefined();
    expect(stackNameOfStackId('arn:aws:s3:::bucket')).toBeUndefined();
  });
});
