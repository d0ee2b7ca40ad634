import * as rekognition from '@aws-sdk/client-rekognition';
import { LocalIam } from '../iam';
import { ParsedExpression, parseScheduleExpression } from './schedule-expression';

/**
 * EventBridge Scheduler on a virtual clock: schedules fire only when a test moves the clock
 * ({@link LocalScheduler.advance}), each firing calling its universal target with the credentials
 * of the schedule's role, so the local IAM decides as it does for a function.
 *
 * Modelled: universal targets of Rekognition (`arn:aws:scheduler:::aws-sdk:rekognition:<action>`,
 * the Input being the API's request), State, the RetryPolicy's attempt count (every failure is
 * retried, at once on the virtual clock, until the attempts are spent), and the dead-letter
 * queue (a record kept here, if the role may `sqs:SendMessage` to it). Not modelled: the flexible
 * time window (required OFF), role assumption and its trust policy (the role's own key is used),
 * start and end dates, other targets (refused at creation).
 * https://docs.aws.amazon.com/scheduler/latest/UserGuide/managing-targets-universal.html
 */

/** A schedule as the engine creates it from AWS::Scheduler::Schedule. */
export interface ScheduleDefinition {
  readonly name: string;
  readonly region: string;
  readonly expression: string;
  readonly timeZone?: string;
  readonly enabled: boolean;
  readonly targetArn: string;
  readonly roleArn: string;
  readonly input: string;
  readonly maximumRetryAttempts: number;
  readonly deadLetterArn?: string;
}

/** One firing of a schedule and how its target answered. */
interface ScheduleInvocation {
  readonly scheduleName: string;
  /** The virtual time it fired at. */
  readonly at: number;
  /** The universal target's service and action, as `rekognition:stopProjectVersion`. */
  readonly action: string;
  /** How many calls it took (1 + retries). */
  readonly attempts: number;
  /** The target's answer to the last attempt: its output, or its error's name. */
  readonly outcome: { readonly output: Record<string, unknown> } | { readonly error: string; readonly message: string };
  /** Where the failed invocation went: the dead-letter queue's ARN, or why not. */
  readonly deadLetter?: string;
}

const UNIVERSAL_TARGET = /^arn:aws[a-z-]*:scheduler:::aws-sdk:rekognition:([a-z][A-Za-z]+)$/;
/** The prefixes of the read-only actions universal targets refuse (the page above, "Unsupported actions"). */
const READ_ONLY_PREFIXES = ['get', 'describe', 'list', 'poll', 'receive', 'search', 'scan', 'query', 'select', 'read', 'lookup', 'discover',
  'validate', 'batchGet', 'batchDescribe', 'batchRead', 'transactGet', 'adminGet', 'adminList', 'testMigration', 'retrieve', 'testConnection',
  'translateDocument', 'isAuthorized', 'invokeModel'];

interface Schedule extends ScheduleDefinition {
  readonly parsed: ParsedExpression;
  readonly action: string;
}

export class LocalScheduler {
  /** The virtual time, in milliseconds since the epoch. */
  public time = Date.UTC(2026, 11, 7, 12, 0);
  public readonly invocations: ScheduleInvocation[] = [];
  private readonly schedules = new Map<string, Schedule>();

  constructor(private readonly iam: LocalIam, private readonly rekognitionEndpoint: string) {}

  /** CreateSchedule (UpdateSchedule when the name exists): refuses what Scheduler would, and targets the local one does not play. */
  public put(definition: ScheduleDefinition): void {
    const action = UNIVERSAL_TARGET.exec(definition.targetArn)?.[1];
    if (action === undefined) {
      throw new Error(`Target.Arn ${definition.targetArn}: the local scheduler plays only universal targets of Rekognition (arn:aws:scheduler:::aws-sdk:rekognition:<action>).`);
    }
    if (READ_ONLY_PREFIXES.some((prefix) => action.startsWith(prefix))) {
      throw new Error(`Target.Arn ${definition.targetArn}: EventBridge Scheduler does not support read-only API actions as universal targets.`);
    }
    if (!(`${action.charAt(0).toUpperCase()}${action.slice(1)}Command` in rekognition)) {
      throw new Error(`Target.Arn ${definition.targetArn}: rekognition has no action ${action}.`);
    }
    try {
      JSON.parse(definition.input);
    } catch {
      throw new Error(`Target.Input must be well-formed JSON for a universal target; got ${definition.input}.`);
    }
    if (!Number.isInteger(definition.maximumRetryAttempts) || definition.maximumRetryAttempts < 0 || definition.maximumRetryAttempts > 185) {
      throw new Error(`Target.RetryPolicy.MaximumRetryAttempts must be between 0 and 185; got ${definition.maximumRetryAttempts}.`);
    }
    const parsed = parseScheduleExpression(definition.expression, definition.timeZone, this.time);
    this.schedules.set(definition.name, { ...definition, parsed, action });
  }

  /** DeleteSchedule: it never fires again. */
  public delete(name: string): void {
    this.schedules.delete(name);
  }

  /** The names of the schedules that exist. */
  public names(): string[] {
    return [...this.schedules.keys()];
  }

  /**
   * Moves the clock forward by `ms`, firing every enabled schedule due on the way, in time order
   * (each call answered before the next firing), and returns those firings.
   */
  public async advance(ms: number): Promise<ScheduleInvocation[]> {
    const until = this.time + ms;
    const due = [...this.schedules.values()].filter((s) => s.enabled)
      .flatMap((schedule) => schedule.parsed.firings(this.time, until).map((at) => ({ schedule, at })))
      .sort((a, b) => a.at - b.at);
    const fired: ScheduleInvocation[] = [];
    for (const { schedule, at } of due) {
      this.time = at;
      // A schedule deleted by an earlier firing's consequences no longer fires.
      if (this.schedules.get(schedule.name) === schedule) {
        fired.push(await this.invoke(schedule, at));
      }
    }
    this.time = until;
    this.invocations.push(...fired);
    return fired;
  }

  private async invoke(schedule: Schedule, at: number): Promise<ScheduleInvocation> {
    let outcome: ScheduleInvocation['outcome'] = { error: 'NotInvoked', message: '' };
    let attempts = 0;
    while (attempts <= schedule.maximumRetryAttempts) {
      attempts++;
      outcome = await this.call(schedule);
      if ('output' in outcome) {
        return { scheduleName: schedule.name, at, action: `rekognition:${schedule.action}`, attempts, outcome };
      }
    }
    return { scheduleName: schedule.name, at, action: `rekognition:${schedule.action}`, attempts, outcome, deadLetter: this.deadLetter(schedule) };
  }

  private async call(schedule: Schedule): Promise<ScheduleInvocation['outcome']> {
    const roleName = schedule.roleArn.split('/').pop()!;
    if (!this.iam.roleExists(roleName)) {
      return { error: 'AccessDeniedException', message: `Scheduler cannot assume role ${schedule.roleArn}: it does not exist.` };
    }
    const client = new rekognition.RekognitionClient({
      region: schedule.region,
      endpoint: this.rekognitionEndpoint,
      credentials: this.iam.credentialsFor(roleName),
      maxAttempts: 1,
    });
    const Command = (rekognition as unknown as Record<string, new (input: unknown) => rekognition.StopProjectVersionCommand>)[
      `${schedule.action.charAt(0).toUpperCase()}${schedule.action.slice(1)}Command`];
    try {
      const { $metadata: _, ...output } = await client.send(new Command(JSON.parse(schedule.input)));
      return { output };
    } catch (err) {
      const error = err as Error;
      return { error: error.name, message: error.message };
    } finally {
      client.destroy();
    }
  }

  private deadLetter(schedule: Schedule): string | undefined {
    if (schedule.deadLetterArn === undefined) {
      return undefined;
    }
    const roleName = schedule.roleArn.split('/').pop()!;
    if (!this.iam.roleExists(roleName)) {
      return `not delivered: role ${roleName} does not exist`;
    }
    const verdict = this.iam.authorize(this.iam.credentialsFor(roleName).accessKeyId, 'sqs:SendMessage', schedule.deadLetterArn);
    return verdict.allowed ? schedule.deadLetterArn : `not delivered: ${verdict.message}`;
  }
}
