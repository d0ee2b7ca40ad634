import { App, Aspects, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as rekognition from 'aws-cdk-lib/aws-rekognition';
import { ScheduleExpression } from 'aws-cdk-lib/aws-scheduler';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { AwsSolutionsChecks } from 'cdk-nag';
import { CustomLabelsModelLifecycle, ModelTeardownAction } from '../../src';

/**
 * The construct passes the AwsSolutions rules of cdk-nag with one finding suppressed, with its
 * reason: AwsSolutions-L1 on the function, whose runtime is aws-cdk-lib's regional choice. cdk-nag cannot
 * see into every resource (it skips what it does not model), so the properties that matter most
 * are also checked on the template itself.
 */

const arn = (version: string) =>
  `arn:aws:rekognition:us-east-1:123456789012:project/birds/version/${version}/1700000000000`;

/** Every feature that adds resources: a project, a DELETE model, a STOP-only model and a model with a run schedule (stop, start, dead-letter queue). */
function fullStack(): Stack {
  const stack = new Stack(new App(), 'Nag', { env: { account: '123456789012', region: 'us-east-1' } });
  const project = new rekognition.CfnProject(stack, 'Project', { projectName: 'birds' });
  new CustomLabelsModelLifecycle(stack, 'Deleted', { projectVersionArn: arn('deleted'), project });
  new CustomLabelsModelLifecycle(stack, 'Stopped', {
    projectVersionArn: arn('stopped'),
    teardownAction: ModelTeardownAction.STOP,
  });
  new CustomLabelsModelLifecycle(stack, 'Scheduled', {
    projectVersionArn: arn('scheduled'),
    runSchedule: {
      stop: ScheduleExpression.cron({ hour: '19', minute: '0' }),
      start: ScheduleExpression.cron({ hour: '7', minute: '0' }),
      deadLetterQueue: sqs.Queue.fromQueueArn(stack, 'DeadLetters', 'arn:aws:sqs:us-east-1:123456789012:model-schedule-dead-letters'),
    },
  });
  return stack;
}

/** The statements of every IAM policy and inline role policy in the template. */
function statements(template: Template): Array<{ Action: unknown; Resource: unknown }> {
  const fromPolicies = [...Object.values(template.findResources('AWS::IAM::Policy')), ...Object.values(template.findResources('AWS::IAM::ManagedPolicy'))]
    .flatMap((policy) => policy.Properties.PolicyDocument.Statement);
  const fromRoles = Object.values(template.findResources('AWS::IAM::Role'))
    .flatMap((role) => role.Properties.Policies ?? [])
    .flatMap((policy: { PolicyDocument: { Statement: unknown[] } }) => policy.PolicyDocument.Statement);
  return [...fromPolicies, ...fromRoles];
}

/** Every literal string inside a CloudFormation value (intrinsics included). */
function literals(value: unknown): string[] {
  if (typeof value === 'string') {
    return [value];
  }
  if (Array.isArray(value)) {
    return value.flatMap(literals);
  }
  if (value && typeof value === 'object') {
    return Object.values(value).flatMap(literals);
  }
  return [];
}

test('AwsSolutions reports no error and no warning', () => {
  const stack = fullStack();
  Aspects.of(stack).add(new AwsSolutionsChecks({ verbose: true, reports: false }));

  const annotations = Annotations.fromStack(stack);
  const findings = [
    ...annotations.findError('*', Match.stringLikeRegexp('AwsSolutions-')),
    ...annotations.findWarning('*', Match.stringLikeRegexp('AwsSolutions-')),
  ].map((finding) => `${finding.id}: ${String(finding.entry.data).split('\n')[0]}`);
  expect(findings).toEqual([]);
});

test('only the runtime finding on the function is suppressed, with its reason, so a clean nag run means clean resources', () => {
  const stack = fullStack();
  Aspects.of(stack).add(new AwsSolutionsChecks({ reports: false }));

  const resources = Template.fromStack(stack).toJSON().Resources as Record<string, { Metadata?: object }>;
  const suppressed = Object.entries(resources)
    .filter(([, resource]) => resource.Metadata && 'cdk_nag' in resource.Metadata)
    .map(([id, resource]) => [id, (resource.Metadata as any).cdk_nag.rules_to_suppress.map((rule: { id: string }) => rule.id)]);
  expect(suppressed).toEqual([[expect.stringMatching(/^RekognitionCustomLabelsModelLifecycleProviderHandler/), ['AwsSolutions-L1']]]);
});

test('no AWS managed policies: every permission is written by the construct, the function\'s own in one customer managed policy', () => {
  const template = Template.fromStack(fullStack());

  template.resourceCountIs('AWS::IAM::ManagedPolicy', 1);
  template.allResourcesProperties('AWS::IAM::Role', { ManagedPolicyArns: Match.absent() });
});

test('no wildcard in any action or resource of any policy', () => {
  const all = statements(Template.fromStack(fullStack()));

  expect(all.length).toBeGreaterThan(0);
  const wildcards = all.flatMap((statement) => [...literals(statement.Action), ...literals(statement.Resource)])
    .filter((value) => value.includes('*'));
  expect(wildcards).toEqual([]);
});

test('every function runs on the Node.js runtime aws-cdk-lib determines for the region, as its own custom resources do', () => {
  const stack = fullStack();
  const template = Template.fromStack(stack);

  template.resourceCountIs('AWS::Lambda::Function', 1);
  template.allResourcesProperties('AWS::Lambda::Function', { Runtime: lambda.determineLatestNodeRuntime(stack).name });
  expect(nodeMajor(lambda.determineLatestNodeRuntime(stack).name)).toBeGreaterThanOrEqual(22);
});

function nodeMajor(runtimeName: string): number {
  return Number(/^nodejs(\d+)/.exec(runtimeName)?.[1] ?? 0);
}
