/**
 * An app for cfn-lint (`npx projen cfn-lint`): several models in one stack, DELETE and STOP, with
 * and without a project, literal and token ARNs, with an alarm on the teardown failures, with a
 * run schedule (stop, start, dead-letter queue); and one model in a stack without an environment.
 */
import { App, Duration, NestedStack, Stack, TimeZone } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as rekognition from 'aws-cdk-lib/aws-rekognition';
import { ScheduleExpression } from 'aws-cdk-lib/aws-scheduler';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { CustomLabelsModelLifecycle, ModelTeardownAction } from '../../src';

const app = new App();

const stack = new Stack(app, 'CfnLintModels', { env: { account: '123456789012', region: 'eu-west-1' } });
const literalArn = (project: string, version: string) =>
  `arn:aws:rekognition:eu-west-1:123456789012:project/${project}/version/${version}/1700000000000`;
const birds = new rekognition.CfnProject(stack, 'Birds', { projectName: 'birds' });
const deletedWithProject = new CustomLabelsModelLifecycle(stack, 'DeletedWithProject', {
  projectVersionArn: literalArn('birds', 'v1'),
  project: birds,
});
new CustomLabelsModelLifecycle(stack, 'DeletedWithoutProject', {
  projectVersionArn: literalArn('fish', 'v1'),
  maxWait: Duration.minutes(59),
});
new CustomLabelsModelLifecycle(stack, 'Stopped', {
  projectVersionArn: literalArn('fish', 'v2'),
  teardownAction: ModelTeardownAction.STOP,
  maxWait: Duration.minutes(1),
});
new CustomLabelsModelLifecycle(stack, 'StoppedTokenArn', {
  projectVersionArn: stack.formatArn({ service: 'rekognition', resource: 'project', resourceName: 'fish/version/v3/1700000000000' }),
  teardownAction: ModelTeardownAction.STOP,
});
new CustomLabelsModelLifecycle(stack, 'Scheduled', {
  projectVersionArn: literalArn('fish', 'v5'),
  runSchedule: {
    stop: ScheduleExpression.cron({ hour: '19', minute: '0', timeZone: TimeZone.EUROPE_DUBLIN }),
    start: ScheduleExpression.cron({ hour: '7', minute: '0', weekDay: 'MON-FRI', timeZone: TimeZone.EUROPE_DUBLIN }),
    minInferenceUnits: 1,
    maxInferenceUnits: 4,
    deadLetterQueue: new sqs.Queue(stack, 'ScheduleDeadLetters', { enforceSSL: true }),
  },
});
// A model in a nested stack: its function may also read the root stack, passed as a parameter.
new CustomLabelsModelLifecycle(new NestedStack(stack, 'Nested'), 'InNestedStack', { projectVersionArn: literalArn('fish', 'v4') });
const topic = new sns.Topic(stack, 'TeardownAlarms');
new cloudwatch.Alarm(stack, 'TeardownFailed', {
  metric: deletedWithProject.metricTeardownFailures(),
  threshold: 1,
  evaluationPeriods: 1,
  comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
  treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
}).addAlarmAction(new cloudwatchActions.SnsAction(topic));
new cloudwatch.Alarm(stack, 'TeardownSlow', {
  metric: deletedWithProject.metricTeardownDuration({ statistic: 'Maximum' }),
  threshold: Duration.minutes(20).toMilliseconds(),
  evaluationPeriods: 1,
});

const agnostic = new Stack(app, 'CfnLintAgnostic');
new CustomLabelsModelLifecycle(agnostic, 'Model', {
  projectVersionArn: agnostic.formatArn({ service: 'rekognition', resource: 'project', resourceName: 'birds/version/v1/1700000000000' }),
});

app.synth();
