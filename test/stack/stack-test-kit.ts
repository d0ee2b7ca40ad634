import { Stack } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { formatEvents, StackEvent } from '../../local/cloudformation/stack-state';
import { logicalIdOf } from '../../local/cloudformation/synthesized-stack';
import { LOCAL_ENV, LOCAL_REGION, LocalAws, modelArn as localModelArn, StackOperationReport } from '../../local/local-aws';
import { CallRecord } from '../../local/rekognition';

/** What the stack-operation tests share: stacks in the local AWS, model ARNs, and readings of reports. */

/** A model version ARN of the local account and region. */
export function modelArn(version: string, project = 'birds'): string {
  return localModelArn(version, LOCAL_REGION, project);
}

/** Adds a RUNNING model that stops and deletes quickly. */
export function addRunningModel(aws: LocalAws, arn: string): void {
  aws.sim.addModel(arn, { status: 'RUNNING', stopDurationMs: 200, deleteDurationMs: 100 });
}

/** A stack named `name` in a fresh app of `aws`, built by `build`. */
export function stackOf(aws: LocalAws, name: string, build: (stack: Stack) => void): Stack {
  const stack = new Stack(aws.newApp(), name, { env: LOCAL_ENV });
  build(stack);
  return stack;
}

/** The logical id of a model construct's custom resource. */
export function modelResourceId(model: IConstruct): string {
  return logicalIdOf(model.node.findChild('Resource'));
}

/** The statuses one resource went through in the report's events, in order. */
export function statusesOf(report: StackOperationReport, logicalId: string): string[] {
  return report.events.filter((e) => e.logicalResourceId === logicalId).map((e) => e.resourceStatus);
}

/** The last event of `logicalId` with `status`. */
export function eventOf(report: StackOperationReport, logicalId: string, status: string): StackEvent | undefined {
  return [...report.events].reverse().find((e) => e.logicalResourceId === logicalId && e.resourceStatus === status);
}

/** The index of the first event of `logicalId` with `status` (to compare orders). */
export function indexOf(report: StackOperationReport, logicalId: string, status: string): number {
  const index = report.events.findIndex((e) => e.logicalResourceId === logicalId && e.resourceStatus === status);
  if (index < 0) {
    throw new Error(`no ${status} event for ${logicalId} in:\n${formatEvents(report.events)}`);
  }
  return index;
}

/**
 * The update replaced the model of resource `modelId` of stack `stackName`: the new one adopted
 * (and not touched), the old one torn down in the cleanup phase.
 */
export function expectReplacedInCleanup(
  aws: LocalAws, update: StackOperationReport, stackName: string, modelId: string, oldArn: string, newArn: string,
): void {
  expect(update.status).toBe('UPDATE_COMPLETE');
  expect(eventOf(update, modelId, 'UPDATE_COMPLETE')?.physicalResourceId).toBe(newArn);
  const cleanup = indexOf(update, stackName, 'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS');
  expect(indexOf(update, modelId, 'DELETE_COMPLETE')).toBeGreaterThan(cleanup);
  expect(eventOf(update, modelId, 'DELETE_COMPLETE')?.physicalResourceId).toBe(oldArn);
  expect(aws.sim.status(oldArn)).toBeUndefined();
  expect(aws.sim.status(newArn)).toBe('RUNNING');
  expect(teardownCalls(update, newArn)).toEqual([]);
}

/**
 * IAM applies a deploy's policies at once in the tests whose function runs are cut to a few
 * seconds: such a run leaves the Create no room to wait for them (a real run has 15 minutes), and
 * test/stack/strict-iam.test.ts plays that wait.
 */
export const SHORT_RUNS_IAM_DELAY_MS = 0;

/** The Stop and Delete calls of the report that named `arn`. */
export function teardownCalls(report: StackOperationReport, arn: string): CallRecord[] {
  return report.rekognitionCalls.filter((c) => c.arn === arn && (c.operation === 'StopProjectVersion' || c.operation === 'DeleteProjectVersion'));
}
