import { Aws, Duration, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

/** Bounds of a schedule's RetryPolicy, as EventBridge Scheduler takes them. */
const MAX_RETRY_ATTEMPTS = 185;
const MIN_EVENT_AGE = Duration.minutes(1);
const MAX_EVENT_AGE = Duration.hours(24);
const DEFAULT_RETRY_ATTEMPTS = 2;
const DEFAULT_MAX_EVENT_AGE = Duration.minutes(15);

/**
 * When a model runs: a stop (every evening, say), and optionally a start (every morning), each an
 * EventBridge Scheduler schedule that calls Rekognition directly, with no function in between.
 *
 * @example
 * import { Stack, TimeZone } from 'aws-cdk-lib';
 * import { ScheduleExpression } from 'aws-cdk-lib/aws-scheduler';
 * import { CustomLabelsModelLifecycle, ModelRunSchedule } from 'cdk-rekognition-model-lifecycle';
 *
 * declare const stack: Stack;
 *
 * const runSchedule: ModelRunSchedule = {
 *   // Every evening at 19:00, Paris time, the model stops.
 *   stop: ScheduleExpression.cron({ hour: '19', minute: '0', timeZone: TimeZone.EUROPE_PARIS }),
 *   // Optional: on weekday mornings at 07:00 it starts on one inference unit, scaling up to 3.
 *   start: ScheduleExpression.cron({ hour: '7', minute: '0', weekDay: 'MON-FRI', timeZone: TimeZone.EUROPE_PARIS }),
 *   minInferenceUnits: 1,
 *   maxInferenceUnits: 3,
 * };
 * new CustomLabelsModelLifecycle(stack, 'Model', {
 *   projectVersionArn: 'arn:aws:rekognition:us-east-1:123456789012:project/birds/version/birds.2026-11-23/1763899200000',
 *   runSchedule,
 * });
 */
export interface ModelRunSchedule {
  /**
   * When to stop the model, with its time zone: for example
   * `ScheduleExpression.cron({ hour: '19', minute: '0', timeZone: TimeZone.EUROPE_PARIS })`.
   * A stop of a model that is not running changes nothing (Rekognition refuses it, or answers
   * the model's status).
   *
   * @see https://docs.aws.amazon.com/rekognition/latest/APIReference/API_StopProjectVersion.html
   */
  readonly stop: scheduler.ScheduleExpression;

  /**
   * When to start the model, with its time zone. Must differ from `stop`. The schedule's role may
   * then also start the model, and a started model bills for `minInferenceUnits` (or more, up to
   * `maxInferenceUnits`) until the next stop.
   *
   * @default - the schedule never starts the model
   * @see https://docs.aws.amazon.com/rekognition/latest/APIReference/API_StartProjectVersion.html
   */
  readonly start?: scheduler.ScheduleExpression;

  /**
   * The inference units the scheduled start provisions (`MinInferenceUnits`). An integer of at
   * least 1; only with `start`.
   *
   * @default 1
   */
  readonly minInferenceUnits?: number;

  /**
   * The most inference units Rekognition may scale the started model to (`MaxInferenceUnits`).
   * An integer, at least `minInferenceUnits`; only with `start`.
   *
   * @default - no auto-scaling: the model runs `minInferenceUnits`
   */
  readonly maxInferenceUnits?: number;

  /**
   * How many times Scheduler retries an invocation that failed, for each schedule. Between 0 and
   * 185. Kept low by default: a stop Rekognition refused because the model is not running only
   * fails again.
   *
   * @default 2
   */
  readonly retryAttempts?: number;

  /**
   * How long Scheduler keeps retrying an invocation. Between 1 minute and 24 hours.
   *
   * @default Duration.minutes(15)
   */
  readonly maxEventAge?: Duration;

  /**
   * The queue to which Scheduler sends an invocation it gave up on (after its retries). The
   * schedules' roles are allowed `sqs:SendMessage` on it (and the key's use, if it is encrypted
   * with a customer managed key).
   *
   * @default - no dead-letter queue: failed invocations show only in Scheduler's metrics
   */
  readonly deadLetterQueue?: sqs.IQueue;
}

/** Properties of a {@link ModelRunScheduler}. */
export interface ModelRunSchedulerProps {
  /** The ARN of the model version to stop (and start). */
  readonly projectVersionArn: string;
  /** When the model runs. */
  readonly schedule: ModelRunSchedule;
}

/**
 * The schedules of a {@link ModelRunSchedule}: one EventBridge Scheduler schedule per action whose
 * universal target (`arn:aws:scheduler:::aws-sdk:rekognition:<action>`) calls Rekognition, each
 * with a role of its own that trusts `scheduler.amazonaws.com` from the stack's account only and
 * may call only its action on the model's ARN. Flexible time window off; retries bounded.
 *
 * `CustomLabelsModelLifecycle` makes it from its `runSchedule` and orders it after the model's
 * resource, so that on destroy the schedules are deleted before the model is torn down.
 */
export class ModelRunScheduler extends Construct {
  /** The schedule that stops the model. */
  public readonly stopSchedule: scheduler.CfnSchedule;
  /** The role the stop schedule calls Rekognition with: `rekognition:StopProjectVersion` on the model only. */
  public readonly stopRole: iam.IRole;
  /** The schedule that starts the model, when a start is asked for. */
  public readonly startSchedule?: scheduler.CfnSchedule;
  /** The role the start schedule calls Rekognition with: `rekognition:StartProjectVersion` on the model only. */
  public readonly startRole?: iam.IRole;

  constructor(scope: Construct, id: string, props: ModelRunSchedulerProps) {
    super(scope, id);
    const schedule = props.schedule;
    validateSchedule(schedule);
    const retryPolicy = {
      maximumRetryAttempts: schedule.retryAttempts ?? DEFAULT_RETRY_ATTEMPTS,
      maximumEventAgeInSeconds: (schedule.maxEventAge ?? DEFAULT_MAX_EVENT_AGE).toSeconds(),
    };
    const target = (action: string, expression: scheduler.ScheduleExpression, input: Record<string, unknown>) => {
      const role = new iam.Role(this, `${action}Role`, {
        assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com').withConditions({
          // Only schedules of this account may use the role (the confused deputy).
          StringEquals: { 'aws:SourceAccount': Stack.of(this).account },
        }),
        description: `Lets EventBridge Scheduler ${action.toLowerCase()} one Rekognition Custom Labels model`,
        inlinePolicies: {
          [action]: new iam.PolicyDocument({
            statements: [
              new iam.PolicyStatement({ actions: [`rekognition:${action}ProjectVersion`], resources: [props.projectVersionArn] }),
              ...schedule.deadLetterQueue ? [new iam.PolicyStatement({ actions: ['sqs:SendMessage'], resources: [schedule.deadLetterQueue.queueArn] })] : [],
            ],
          }),
        },
      });
      schedule.deadLetterQueue?.encryptionMasterKey?.grant(role, 'kms:Decrypt', 'kms:GenerateDataKey');
      const cfnSchedule = new scheduler.CfnSchedule(this, action, {
        description: `${action}s a Rekognition Custom Labels model (cdk-rekognition-model-lifecycle)`,
        scheduleExpression: expression.expressionString,
        scheduleExpressionTimezone: expression.timeZone?.timezoneName,
        flexibleTimeWindow: { mode: 'OFF' },
        state: 'ENABLED',
        target: {
          arn: `arn:${Aws.PARTITION}:scheduler:::aws-sdk:rekognition:${action.charAt(0).toLowerCase()}${action.slice(1)}ProjectVersion`,
          roleArn: role.roleArn,
          input: Stack.of(this).toJsonString(input),
          retryPolicy,
          deadLetterConfig: schedule.deadLetterQueue ? { arn: schedule.deadLetterQueue.queueArn } : undefined,
        },
      });
      return { role, cfnSchedule };
    };

    const stop = target('Stop', schedule.stop, { ProjectVersionArn: props.projectVersionArn });
    this.stopSchedule = stop.cfnSchedule;
    this.stopRole = stop.role;
    if (schedule.start) {
      const start = target('Start', schedule.start, {
        ProjectVersionArn: props.projectVersionArn,
        MinInferenceUnits: schedule.minInferenceUnits ?? 1,
        ...schedule.maxInferenceUnits === undefined ? {} : { MaxInferenceUnits: schedule.maxInferenceUnits },
      });
      this.startSchedule = start.cfnSchedule;
      this.startRole = start.role;
    }
  }
}

function validateSchedule(schedule: ModelRunSchedule): void {
  const { start, stop, minInferenceUnits, maxInferenceUnits, retryAttempts, maxEventAge } = schedule;
  if (start && !Token.isUnresolved(start.expressionString) && start.expressionString === stop.expressionString
    && start.timeZone?.timezoneName === stop.timeZone?.timezoneName) {
    throw new Error(`runSchedule.start must differ from runSchedule.stop; both are '${stop.expressionString}'.`);
  }
  if (!start && (minInferenceUnits !== undefined || maxInferenceUnits !== undefined)) {
    throw new Error('runSchedule.minInferenceUnits and runSchedule.maxInferenceUnits apply to a scheduled start only: give runSchedule.start, or leave them out.');
  }
  const isCount = (value: number, min: number) => Token.isUnresolved(value) || (Number.isInteger(value) && value >= min);
  if (minInferenceUnits !== undefined && !isCount(minInferenceUnits, 1)) {
    throw new Error(`runSchedule.minInferenceUnits must be an integer of at least 1; got ${minInferenceUnits}.`);
  }
  if (maxInferenceUnits !== undefined && !isCount(maxInferenceUnits, 1)) {
    throw new Error(`runSchedule.maxInferenceUnits must be an integer of at least 1; got ${maxInferenceUnits}.`);
  }
  const min = minInferenceUnits ?? 1;
  if (maxInferenceUnits !== undefined && !Token.isUnresolved(maxInferenceUnits) && !Token.isUnresolved(min) && maxInferenceUnits < min) {
    throw new Error(`runSchedule.maxInferenceUnits must be at least runSchedule.minInferenceUnits (${min}); got ${maxInferenceUnits}.`);
  }
  if (retryAttempts !== undefined && !(isCount(retryAttempts, 0) && (Token.isUnresolved(retryAttempts) || retryAttempts <= MAX_RETRY_ATTEMPTS))) {
    throw new Error(`runSchedule.retryAttempts must be an integer between 0 and ${MAX_RETRY_ATTEMPTS} (EventBridge Scheduler's bounds); got ${retryAttempts}.`);
  }
  if (maxEventAge !== undefined && !maxEventAge.isUnresolved()
    && (maxEventAge.toSeconds() < MIN_EVENT_AGE.toSeconds() || maxEventAge.toSeconds() > MAX_EVENT_AGE.toSeconds())) {
    throw new Error(`runSchedule.maxEventAge must be between ${MIN_EVENT_AGE.toHumanString()} and ${MAX_EVENT_AGE.toHumanString()} (EventBridge Scheduler's bounds); got ${maxEventAge.toHumanString()}.`);
  }
}
