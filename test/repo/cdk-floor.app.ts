/**
 * The app test/repo/cdk-floor.test.ts synthesizes with the lowest aws-cdk-lib of the peer range
 * (with `../../src` replaced by the package name) and with the development version, to compare:
 * several models in one stack (DELETE with and without a project, STOP, the longest wait, a token
 * ARN of literals and pseudo parameters, a retained model, a run schedule), one in a nested stack, one named by two
 * stacks (a warning), alarms on the metrics, and an environment-agnostic stack, whose runtime is
 * the region-independent choice.
 */
import { App, Duration, NestedStack, RemovalPolicy, Stack, TimeZone } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as rekognition from 'aws-cdk-lib/aws-rekognition';
import { ScheduleExpression } from 'aws-cdk-lib/aws-scheduler';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { CustomLabelsModelLifecycle, ModelTeardownAction } from '../../src';

const app = new App();
const env = { account: '123456789012', region: 'eu-west-1' };
const arn = (project: string, version: string) =>
  `arn:aws:rekognition:eu-west-1:123456789012:project/${project}/version/${version}/1700000000000`;

const stack = new Stack(app, 'FloorModels', { env });
const birds = new rekognition.CfnProject(stack, 'Birds', { projectName: 'birds' });
const withProject = new CustomLabelsModelLifecycle(stack, 'WithProject', { projectVersionArn: arn('birds', 'v1'), project: birds });
new CustomLabelsModelLifecycle(stack, 'LongestWait', { projectVersionArn: arn('fish', 'v1'), maxWait: Duration.minutes(59) });
new CustomLabelsModelLifecycle(stack, 'Stopped', {
  projectVersionArn: arn('fish', 'v2'),
  teardownAction: ModelTeardownAction.STOP,
  maxWait: Duration.minutes(1),
});
new CustomLabelsModelLifecycle(stack, 'TokenArn', {
  projectVersionArn: stack.formatArn({ service: 'rekognition', resource: 'project', resourceName: 'fish/version/v3/1700000000000' }),
});
new CustomLabelsModelLifecycle(stack, 'Retained', { projectVersionArn: arn('fish', 'v4'), removalPolicy: RemovalPolicy.RETAIN });
new CustomLabelsModelLifecycle(stack, 'Scheduled', {
  projectVersionArn: arn('fish', 'v6'),
  runSchedule: {
    stop: ScheduleExpression.cron({ hour: '19', minute: '0', timeZone: TimeZone.EUROPE_DUBLIN }),
    start: ScheduleExpression.cron({ hour: '7', minute: '0', weekDay: 'MON-FRI', timeZone: TimeZone.EUROPE_DUBLIN }),
    maxInferenceUnits: 2,
    deadLetterQueue: sqs.Queue.fromQueueArn(stack, 'ScheduleDeadLetters', 'arn:aws:sqs:eu-west-1:123456789012:model-schedule-dead-letters'),
  },
});
new CustomLabelsModelLifecycle(new NestedStack(stack, 'Nested'), 'InNestedStack', { projectVersionArn: arn('fish', 'v5') });
new cloudwatch.Alarm(stack, 'TeardownFailed', {
  metric: withProject.metricTeardownFailures(),
  threshold: 1,
  evaluationPeriods: 1,
  treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
});
new cloudwatch.Alarm(stack, 'TeardownSlow', {
  metric: withProject.metricTeardownDuration({ statistic: 'Maximum' }),
  threshold: Duration.minutes(20).toMilliseconds(),
  evaluationPeriods: 1,
});

// The same model in a second stack: allowed, with a warning.
const second = new Stack(app, 'FloorSecondStage', { env });
new CustomLabelsModelLifecycle(second, 'SameModel', { projectVersionArn: arn('birds', 'v1') });

const agnostic = new Stack(app, 'FloorAgnostic');
new CustomLabelsModelLifecycle(agnostic, 'Model', {
  projectVersionArn: agnostic.formatArn({ service: 'rekognition', resource: 'project', resourceName: 'birds/version/v1/1700000000000' }),
});

app.synth();
