import { changed, generatedName, Properties, Provisioned, ResourceContext, ResourceFailure, ResourceProvider } from './resource-provider';
import { LocalScheduler } from '../../scheduler/local-scheduler';

/**
 * AWS::Scheduler::Schedule against the local scheduler: Ref is the schedule's name (generated when
 * Name is not given), Arn its ARN in the default group. Name and GroupName require replacement;
 * the rest updates in place. Only the flexible window OFF is played.
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-scheduler-schedule.html
 */
export class SchedulerScheduleProvider implements ResourceProvider {
  constructor(private readonly scheduler: LocalScheduler) {}

  public async create(context: ResourceContext, properties: Properties): Promise<Provisioned> {
    const name = typeof properties.Name === 'string' ? properties.Name : generatedName(context, 64);
    this.put(context, name, properties);
    const group = typeof properties.GroupName === 'string' ? properties.GroupName : 'default';
    return { physicalId: name, attributes: { Arn: `arn:aws:scheduler:${context.region}:${context.account}:schedule/${group}/${name}` } };
  }

  public async update(context: ResourceContext, current: Provisioned, properties: Properties, oldProperties: Properties): Promise<Provisioned> {
    if (changed(properties, oldProperties, ['Name', 'GroupName'])) {
      return this.create(context, properties);
    }
    this.put(context, current.physicalId, properties);
    return current;
  }

  public async delete(_context: ResourceContext, physicalId: string): Promise<void> {
    this.scheduler.delete(physicalId);
  }

  private put(context: ResourceContext, name: string, properties: Properties): void {
    const target = (properties.Target ?? {}) as Record<string, unknown>;
    const window = (properties.FlexibleTimeWindow ?? {}) as Record<string, unknown>;
    const retryPolicy = (target.RetryPolicy ?? {}) as Record<string, unknown>;
    const deadLetter = (target.DeadLetterConfig ?? {}) as Record<string, unknown>;
    if (typeof properties.ScheduleExpression !== 'string' || typeof target.Arn !== 'string' || typeof target.RoleArn !== 'string') {
      throw new ResourceFailure('Properties validation failed: required key [ScheduleExpression], [Target.Arn] or [Target.RoleArn] not found');
    }
    if (window.Mode !== 'OFF') {
      throw new ResourceFailure(`FlexibleTimeWindow.Mode ${String(window.Mode)}: the local scheduler plays only OFF.`);
    }
    try {
      this.scheduler.put({
        name,
        region: context.region,
        expression: properties.ScheduleExpression,
        timeZone: typeof properties.ScheduleExpressionTimezone === 'string' ? properties.ScheduleExpressionTimezone : undefined,
        enabled: properties.State !== 'DISABLED',
        targetArn: target.Arn,
        roleArn: target.RoleArn,
        input: typeof target.Input === 'string' ? target.Input : '{}',
        // Scheduler's default when the policy leaves it out.
        maximumRetryAttempts: retryPolicy.MaximumRetryAttempts === undefined ? 185 : Number(retryPolicy.MaximumRetryAttempts),
        deadLetterArn: typeof deadLetter.Arn === 'string' ? deadLetter.Arn : undefined,
      });
    } catch (err) {
      throw new ResourceFailure(`${(err as Error).message} (Service: Scheduler, Status Code: 400, Error Code: ValidationException)`);
    }
  }
}
