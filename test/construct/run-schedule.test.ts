import { App, Duration, RemovalPolicy, Stack, TimeZone, Token } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import { ScheduleExpression } from 'aws-cdk-lib/aws-scheduler';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { CustomLabelsModelLifecycle, ModelRunSchedule } from '../../src';

const ARN = 'arn:aws:rekognition:us-east-1:123456789012:project/birds/version/v1/1700000000000';
const EVENING = ScheduleExpression.cron({ hour: '19', minute: '0', timeZone: TimeZone.EUROPE_PARIS });
const MORNING = ScheduleExpression.cron({ hour: '7', minute: '0', weekDay: 'MON-FRI', timeZone: TimeZone.EUROPE_PARIS });

function stack(): Stack {
  return new Stack(new App(), 'Test', { env: { account: '123456789012', region: 'us-east-1' } });
}

function scheduled(runSchedule: ModelRunSchedule, s = stack()): { template: Template; model: CustomLabelsModelLifecycle } {
  const model = new CustomLabelsModelLifecycle(s, 'Model', { projectVersionArn: ARN, runSchedule });
  return { template: Template.fromStack(s), model };
}

/** The universal target of a Rekognition action, as the template writes it. */
const target = (action: string) => ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:scheduler:::aws-sdk:rekognition:${action}`]] });

describe('schedules', () => {
  test('a stop only: one schedule calling stopProjectVersion in its time zone, flexible window off, two retries within 15 minutes', () => {
    const { template } = scheduled({ stop: EVENING });

    template.resourceCountIs('AWS::Scheduler::Schedule', 1);
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'cron(0 19 * * ? *)',
      ScheduleExpressionTimezone: 'Europe/Paris',
      FlexibleTimeWindow: { Mode: 'OFF' },
      State: 'ENABLED',
      Target: {
        Arn: target('stopProjectVersion'),
        Input: JSON.stringify({ ProjectVersionArn: ARN }),
        RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 900 },
        DeadLetterConfig: Match.absent(),
      },
    });
  });

  test('a start calls startProjectVersion with the inference units', () => {
    const { template } = scheduled({
      stop: EVENING, start: MORNING, minInferenceUnits: 2, maxInferenceUnits: 5, retryAttempts: 0, maxEventAge: Duration.hours(1),
    });

    template.resourceCountIs('AWS::Scheduler::Schedule', 2);
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'cron(0 7 ? * MON-FRI *)',
      ScheduleExpressionTimezone: 'Europe/Paris',
      Target: {
        Arn: target('startProjectVersion'),
        Input: JSON.stringify({ ProjectVersionArn: ARN, MinInferenceUnits: 2, MaxInferenceUnits: 5 }),
        RetryPolicy: { MaximumRetryAttempts: 0, MaximumEventAgeInSeconds: 3600 },
      },
    });
  });

  test('a start provisions one inference unit and no auto-scaling by default', () => {
    const { template } = scheduled({ stop: EVENING, start: MORNING });

    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      Target: { Arn: target('startProjectVersion'), Input: JSON.stringify({ ProjectVersionArn: ARN, MinInferenceUnits: 1 }) },
    });
  });

  test('a cron expression without a time zone is read in UTC', () => {
    const { template } = scheduled({ stop: ScheduleExpression.cron({ hour: '19', minute: '0' }) });

    template.hasResourceProperties('AWS::Scheduler::Schedule', { ScheduleExpressionTimezone: 'Etc/UTC' });
  });

  test('the schedules and their roles depend on the model\'s resource, so destroy deletes them before the teardown', () => {
    const { template, model } = scheduled({ stop: EVENING, start: MORNING });
    const resourceId = Stack.of(model).getLogicalId(model.node.findChild('Resource').node.defaultChild as any);

    for (const type of ['AWS::Scheduler::Schedule', 'AWS::IAM::Role']) {
      const dependents = Object.values(template.findResources(type, { DependsOn: Match.arrayWith([resourceId]) }));
      expect(dependents).toHaveLength(2);
    }
  });

  test('a retained model keeps no schedule: the schedules and roles are deleted with the stack', () => {
    const s = stack();
    new CustomLabelsModelLifecycle(s, 'Model', { projectVersionArn: ARN, runSchedule: { stop: EVENING }, removalPolicy: RemovalPolicy.RETAIN });
    const template = Template.fromStack(s);

    template.hasResource('Custom::RekognitionCustomLabelsModel', { DeletionPolicy: 'Retain' });
    template.allResources('AWS::Scheduler::Schedule', { DeletionPolicy: Match.absent() });
    template.allResources('AWS::IAM::Role', { DeletionPolicy: Match.absent() });
  });

  test('exposes the schedules and their roles', () => {
    const { model } = scheduled({ stop: EVENING, start: MORNING });

    expect(model.runScheduler?.stopSchedule.scheduleExpression).toBe('cron(0 19 * * ? *)');
    expect(model.runScheduler?.startSchedule?.scheduleExpression).toBe('cron(0 7 ? * MON-FRI *)');
    expect(model.runScheduler?.stopRole).toBeDefined();
    expect(model.runScheduler?.startRole).toBeDefined();
    expect(scheduled({ stop: EVENING }).model.runScheduler?.startRole).toBeUndefined();
  });
});

describe('least privilege', () => {
  /** Each schedule role's trust and inline statements. */
  function roles(template: Template): Array<{ trust: unknown; statements: unknown[] }> {
    return Object.values(template.findResources('AWS::IAM::Role'))
      .filter((role) => JSON.stringify(role.Properties.AssumeRolePolicyDocument).includes('scheduler.amazonaws.com'))
      .map((role) => ({
        trust: role.Properties.AssumeRolePolicyDocument.Statement,
        statements: role.Properties.Policies.flatMap((p: { PolicyDocument: { Statement: unknown[] } }) => p.PolicyDocument.Statement),
      }));
  }

  test('one role per schedule, trusting scheduler.amazonaws.com from the stack\'s account only, allowed its own action on the model only', () => {
    const found = roles(scheduled({ stop: EVENING, start: MORNING }).template);

    const trust = [{
      Action: 'sts:AssumeRole',
      Effect: 'Allow',
      Principal: { Service: 'scheduler.amazonaws.com' },
      Condition: { StringEquals: { 'aws:SourceAccount': '123456789012' } },
    }];
    expect(found).toEqual([
      { trust, statements: [{ Action: 'rekognition:StopProjectVersion', Effect: 'Allow', Resource: ARN }] },
      { trust, statements: [{ Action: 'rekognition:StartProjectVersion', Effect: 'Allow', Resource: ARN }] },
    ]);
  });

  test('without a start, no role may start the model', () => {
    const template = scheduled({ stop: EVENING }).template;

    expect(JSON.stringify(template.toJSON())).not.toContain('StartProjectVersion');
    expect(roles(template)).toHaveLength(1);
  });

  test('the teardown role gains nothing from a schedule', () => {
    const without = new CustomLabelsModelLifecycle(stack(), 'Model', { projectVersionArn: ARN });
    const withSchedule = scheduled({ stop: EVENING, start: MORNING }).template;
    const policies = (template: Template) => Object.values(template.findResources('AWS::IAM::Policy')).map((p) => p.Properties.PolicyDocument);

    expect(policies(withSchedule)).toEqual(policies(Template.fromStack(Stack.of(without))));
  });

  test('a dead-letter queue: each role may also send to it (and use its key), and each schedule names it', () => {
    const s = stack();
    const key = new kms.Key(s, 'Key');
    const deadLetterQueue = new sqs.Queue(s, 'DeadLetters', { encryptionMasterKey: key });
    const { template } = scheduled({ stop: EVENING, start: MORNING, deadLetterQueue }, s);
    const queueArn = { 'Fn::GetAtt': [Stack.of(deadLetterQueue).getLogicalId(deadLetterQueue.node.defaultChild as sqs.CfnQueue), 'Arn'] };

    for (const { statements } of roles(template)) {
      expect(statements).toContainEqual({ Action: 'sqs:SendMessage', Effect: 'Allow', Resource: queueArn });
    }
    template.allResourcesProperties('AWS::Scheduler::Schedule', { Target: Match.objectLike({ DeadLetterConfig: { Arn: queueArn } }) });
    const keyStatements = Object.values(template.findResources('AWS::IAM::Policy')).flatMap((p) => p.Properties.PolicyDocument.Statement)
      .filter((statement) => JSON.stringify(statement.Action).includes('kms:'));
    expect(keyStatements.map((statement) => statement.Action)).toEqual([['kms:Decrypt', 'kms:GenerateDataKey'], ['kms:Decrypt', 'kms:GenerateDataKey']]);
  });
});

describe('a model without a schedule', () => {
  test('synthesizes no schedule, no schedule role and the same resources as runSchedule left out', () => {
    const a = stack();
    new CustomLabelsModelLifecycle(a, 'Model', { projectVersionArn: ARN });
    const b = stack();
    new CustomLabelsModelLifecycle(b, 'Model', { projectVersionArn: ARN, runSchedule: undefined });

    Template.fromStack(a).resourceCountIs('AWS::Scheduler::Schedule', 0);
    expect(Template.fromStack(b).toJSON()).toEqual(Template.fromStack(a).toJSON());
    expect(Object.keys(Template.fromStack(a).findResources('AWS::IAM::Role'))).toHaveLength(1);
  });
});

describe('validation at synth', () => {
  test.each<[string, ModelRunSchedule, RegExp]>([
    ['a start equal to the stop', { stop: EVENING, start: ScheduleExpression.cron({ hour: '19', minute: '0', timeZone: TimeZone.EUROPE_PARIS }) },
      /runSchedule.start must differ from runSchedule.stop; both are 'cron\(0 19 \* \* \? \*\)'/],
    ['inference units without a start', { stop: EVENING, minInferenceUnits: 2 }, /runSchedule.minInferenceUnits and runSchedule.maxInferenceUnits apply to a scheduled start only/],
    ['minInferenceUnits 0', { stop: EVENING, start: MORNING, minInferenceUnits: 0 }, /runSchedule.minInferenceUnits must be an integer of at least 1; got 0/],
    ['minInferenceUnits 1.5', { stop: EVENING, start: MORNING, minInferenceUnits: 1.5 }, /runSchedule.minInferenceUnits must be an integer of at least 1; got 1.5/],
    ['maxInferenceUnits 0', { stop: EVENING, start: MORNING, maxInferenceUnits: 0 }, /runSchedule.maxInferenceUnits must be an integer of at least 1; got 0/],
    ['maxInferenceUnits below minInferenceUnits', { stop: EVENING, start: MORNING, minInferenceUnits: 3, maxInferenceUnits: 2 },
      /runSchedule.maxInferenceUnits must be at least runSchedule.minInferenceUnits \(3\); got 2/],
    ['retryAttempts 186', { stop: EVENING, retryAttempts: 186 }, /runSchedule.retryAttempts must be an integer between 0 and 185 .*; got 186/],
    ['retryAttempts -1', { stop: EVENING, retryAttempts: -1 }, /runSchedule.retryAttempts must be an integer between 0 and 185 .*; got -1/],
    ['maxEventAge 30 seconds', { stop: EVENING, maxEventAge: Duration.seconds(30) }, /runSchedule.maxEventAge must be between 1 minute and 1 day .*; got 30 seconds/],
    ['maxEventAge 2 days', { stop: EVENING, maxEventAge: Duration.days(2) }, /runSchedule.maxEventAge must be between 1 minute and 1 day .*; got 2 days/],
  ])('rejects %s, naming the prop', (_name, runSchedule, message) => {
    expect(() => scheduled(runSchedule)).toThrow(message);
  });

  test('the same hour in two time zones is two different schedules', () => {
    expect(() => scheduled({ stop: EVENING, start: ScheduleExpression.cron({ hour: '19', minute: '0', timeZone: TimeZone.ASIA_TOKYO }) })).not.toThrow();
  });

  test('tokens pass synth', () => {
    const s = stack();
    const units = Token.asNumber({ Ref: 'Units' });
    const runSchedule = { stop: EVENING, start: MORNING, minInferenceUnits: units, maxInferenceUnits: units, retryAttempts: units };
    expect(() => scheduled(runSchedule, s)).not.toThrow();
  });
});
