import { TimeZone } from 'aws-cdk-lib';
import { ScheduleExpression } from 'aws-cdk-lib/aws-scheduler';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { indexOf, modelArn, modelResourceId, stackOf, statusesOf } from './stack-test-kit';
import { logicalIdOf } from '../../local/cloudformation/synthesized-stack';
import { LocalAws } from '../../local/local-aws';
import { ModelStatus } from '../../local/rekognition';
import { CustomLabelsModelLifecycle, ModelRunSchedule } from '../../src';

/**
 * A model with a run schedule, played whole: `cdk deploy` provisions the schedules in the local
 * scheduler, moving its virtual clock fires them against the Rekognition simulator with the
 * schedule roles' credentials (the local IAM decides), and `cdk destroy` deletes the schedules
 * before the model is torn down.
 */

jest.setTimeout(120_000);

const HOUR = 3_600_000;
/** 19:00 in Paris every day, 07:00 on weekdays (UTC+1 in December: 18:00 and 06:00 UTC). */
const EVENINGS_AND_WEEKDAY_MORNINGS: ModelRunSchedule = {
  stop: ScheduleExpression.cron({ hour: '19', minute: '0', timeZone: TimeZone.EUROPE_PARIS }),
  start: ScheduleExpression.cron({ hour: '7', minute: '0', weekDay: 'MON-FRI', timeZone: TimeZone.EUROPE_PARIS }),
  minInferenceUnits: 2,
  maxInferenceUnits: 3,
};

let aws: LocalAws;
beforeAll(async () => {
  aws = await LocalAws.start();
});
afterAll(() => aws.close());

/** Waits (in real time) until the simulated model reaches `status`. */
async function statusReached(arn: string, status: ModelStatus | undefined): Promise<void> {
  for (let waited = 0; aws.sim.status(arn) !== status; waited += 20) {
    if (waited > 10_000) {
      throw new Error(`model ${arn} is ${aws.sim.status(arn)}, not ${status}, after 10 s`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * Waits (in real time) until IAM has applied the grants the deploy made: the local IAM takes them
 * into account after its propagation delay on the real clock, while the schedules fire hours
 * after the deploy on the scheduler's virtual one.
 */
async function grantsApplied(): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, aws.iam.propagationDelayMs + 50));
}

/** The Rekognition calls made while `action` runs. */
async function callsDuring<T>(action: () => Promise<T>): Promise<{ result: T; calls: Array<{ operation: string; input?: unknown }> }> {
  const before = aws.sim.calls.length;
  const result = await action();
  return { result, calls: aws.sim.calls.slice(before).map((c) => ({ operation: c.operation, input: c.input })) };
}

test('the evening stop stops the model, the weekday morning start starts it, and destroy deletes the schedules before the model', async () => {
  const arn = modelArn('run-schedule');
  aws.sim.addModel(arn, { status: 'RUNNING', stopDurationMs: 200, startDurationMs: 5_000, deleteDurationMs: 100 });
  aws.scheduler.time = Date.UTC(2026, 11, 7, 12, 0); // Monday 7 December 2026, 13:00 in Paris
  let model!: CustomLabelsModelLifecycle;
  const stack = stackOf(aws, 'RunSchedule', (s) => {
    model = new CustomLabelsModelLifecycle(s, 'Model', { projectVersionArn: arn, runSchedule: EVENINGS_AND_WEEKDAY_MORNINGS });
  });
  const modelId = modelResourceId(model);
  const stopId = logicalIdOf(model.runScheduler!.stopSchedule);
  const startId = logicalIdOf(model.runScheduler!.startSchedule!);

  const deploy = await aws.deploy(aws.synthesize(stack));
  expect(deploy.status).toBe('CREATE_COMPLETE');
  expect(indexOf(deploy, modelId, 'CREATE_COMPLETE')).toBeLessThan(indexOf(deploy, stopId, 'CREATE_IN_PROGRESS'));
  expect(aws.scheduler.names()).toHaveLength(2);
  await grantsApplied();

  // Nothing fires before 19:00 in Paris.
  const afternoon = await callsDuring(() => aws.scheduler.advance(4 * HOUR));
  expect(afternoon.result).toEqual([]);
  expect(afternoon.calls).toEqual([]);
  expect(aws.sim.status(arn)).toBe('RUNNING');

  const evening = await callsDuring(() => aws.scheduler.advance(2 * HOUR));
  expect(evening.result).toEqual([expect.objectContaining({
    at: Date.UTC(2026, 11, 7, 18, 0), action: 'rekognition:stopProjectVersion', attempts: 1, outcome: { output: { Status: 'STOPPING' } },
  })]);
  expect(evening.calls).toEqual([{ operation: 'StopProjectVersion', input: { ProjectVersionArn: arn } }]);
  await statusReached(arn, 'STOPPED');

  const morning = await callsDuring(() => aws.scheduler.advance(12 * HOUR));
  expect(morning.result).toEqual([expect.objectContaining({
    at: Date.UTC(2026, 11, 8, 6, 0), action: 'rekognition:startProjectVersion', attempts: 1, outcome: { output: { Status: 'STARTING' } },
  })]);
  expect(morning.calls).toEqual([{ operation: 'StartProjectVersion', input: { ProjectVersionArn: arn, MinInferenceUnits: 2, MaxInferenceUnits: 3 } }]);
  expect(aws.sim.status(arn)).toBe('STARTING');

  // Destroy while the scheduled start is still under way: the schedules go first, then the
  // teardown waits for the start to end, stops the model and deletes it.
  const destroy = await aws.destroy(stack.stackName);
  expect(destroy.status).toBe('DELETE_COMPLETE');
  for (const scheduleId of [stopId, startId]) {
    expect(statusesOf(destroy, scheduleId)).toEqual(['DELETE_IN_PROGRESS', 'DELETE_COMPLETE']);
    expect(indexOf(destroy, scheduleId, 'DELETE_COMPLETE')).toBeLessThan(indexOf(destroy, modelId, 'DELETE_IN_PROGRESS'));
  }
  expect(aws.scheduler.names()).toEqual([]);
  expect(aws.sim.status(arn)).toBeUndefined();
  const teardown = destroy.rekognitionCalls.filter((c) => c.arn === arn && c.operation !== 'ListTagsForResource' && c.operation !== 'UntagResource');
  expect(teardown[0]).toMatchObject({ operation: 'StopProjectVersion', statusBefore: 'STARTING' });
  expect(teardown.map((c) => c.statusBefore)).toContain('RUNNING');
  expect(teardown.filter((c) => c.operation === 'StartProjectVersion')).toEqual([]);

  // A schedule deleted with the stack never fires again.
  const nextEvening = await callsDuring(() => aws.scheduler.advance(24 * HOUR));
  expect(nextEvening.result).toEqual([]);
  expect(nextEvening.calls).toEqual([]);
});

test('a stop of a stopped model fails as many times as the retries allow, then goes to the dead-letter queue', async () => {
  const arn = modelArn('run-schedule-stopped');
  aws.sim.addModel(arn, { status: 'STOPPED' });
  aws.scheduler.time = Date.UTC(2026, 11, 7, 12, 0);
  let queueArn = '';
  const stack = stackOf(aws, 'RunScheduleStopped', (s) => {
    const deadLetterQueue = new sqs.Queue(s, 'DeadLetters');
    new CustomLabelsModelLifecycle(s, 'Model', {
      projectVersionArn: arn,
      runSchedule: { stop: ScheduleExpression.cron({ hour: '19', minute: '0' }), retryAttempts: 1, deadLetterQueue },
    });
    queueArn = logicalIdOf(deadLetterQueue);
  });
  expect((await aws.deploy(aws.synthesize(stack))).status).toBe('CREATE_COMPLETE');
  const queue = aws.stack(stack.stackName)!.resources.get(queueArn)!;
  await grantsApplied();

  const evening = await callsDuring(() => aws.scheduler.advance(8 * HOUR));
  expect(evening.result).toEqual([expect.objectContaining({ at: Date.UTC(2026, 11, 7, 19, 0), attempts: 2, deadLetter: `${queue.physicalId}.Arn` })]);
  expect(evening.calls.map((c) => c.operation)).toEqual(['StopProjectVersion', 'StopProjectVersion']);
  expect(aws.sim.status(arn)).toBe('STOPPED');

  expect((await aws.destroy(stack.stackName)).status).toBe('DELETE_COMPLETE');
  expect(aws.sim.status(arn)).toBeUndefined();
});

test('a schedule role may call only its own action: the stop role cannot start the model', async () => {
  const arn = modelArn('run-schedule-roles');
  aws.sim.addModel(arn, { status: 'STOPPED' });
  let model!: CustomLabelsModelLifecycle;
  const stack = stackOf(aws, 'RunScheduleRoles', (s) => {
    model = new CustomLabelsModelLifecycle(s, 'Model', { projectVersionArn: arn, runSchedule: { stop: ScheduleExpression.cron({ hour: '19', minute: '0' }) } });
  });
  expect((await aws.deploy(aws.synthesize(stack))).status).toBe('CREATE_COMPLETE');
  const stopRoleName = aws.stack(stack.stackName)!.resources.get(logicalIdOf(model.runScheduler!.stopRole.node.defaultChild!))!.physicalId!;
  expect(model.runScheduler!.startSchedule).toBeUndefined();
  await grantsApplied();

  aws.scheduler.put({
    name: 'forged-start',
    region: 'us-east-1',
    expression: 'rate(1 hour)',
    enabled: true,
    targetArn: 'arn:aws:scheduler:::aws-sdk:rekognition:startProjectVersion',
    roleArn: `arn:aws:iam::123456789012:role/${stopRoleName}`,
    input: JSON.stringify({ ProjectVersionArn: arn, MinInferenceUnits: 1 }),
    maximumRetryAttempts: 0,
  });
  try {
    const fired = await aws.scheduler.advance(HOUR);
    expect(fired).toEqual([expect.objectContaining({ scheduleName: 'forged-start', outcome: expect.objectContaining({ error: 'AccessDeniedException' }) })]);
    expect(aws.sim.status(arn)).toBe('STOPPED');
  } finally {
    aws.scheduler.delete('forged-start');
  }
  expect((await aws.destroy(stack.stackName)).status).toBe('DELETE_COMPLETE');
});
