import { LocalIam } from '../../local/iam';
import { LocalScheduler, ScheduleDefinition } from '../../local/scheduler/local-scheduler';
import { parseScheduleExpression } from '../../local/scheduler/schedule-expression';

/** When the local EventBridge Scheduler fires, and what it refuses at creation. */

const DAY = 24 * 3_600_000;
const iso = (times: number[]) => times.map((t) => new Date(t).toISOString());

describe('schedule expressions', () => {
  test('a daily cron in a time zone follows its daylight-saving change (Paris, last Sunday of March 2027)', () => {
    const evening = parseScheduleExpression('cron(0 19 * * ? *)', 'Europe/Paris');

    expect(iso(evening.firings(Date.UTC(2027, 2, 27, 0, 0), Date.UTC(2027, 2, 27, 0, 0) + 2 * DAY)))
      .toEqual(['2027-03-27T18:00:00.000Z', '2027-03-28T17:00:00.000Z']);
  });

  test('a local time that occurs twice when clocks go back fires once; one that does not exist when they go forward, never', () => {
    const halfPastTwo = parseScheduleExpression('cron(30 2 * * ? *)', 'Europe/Paris');

    // 25 October 2026: 03:00 CEST becomes 02:00 CET, so 02:30 comes at 00:30 and 01:30 UTC.
    expect(iso(halfPastTwo.firings(Date.UTC(2026, 9, 24, 12, 0), Date.UTC(2026, 9, 25, 12, 0)))).toEqual(['2026-10-25T00:30:00.000Z']);
    // 28 March 2027: 02:00 CET becomes 03:00 CEST, so there is no 02:30.
    expect(iso(halfPastTwo.firings(Date.UTC(2027, 2, 27, 12, 0), Date.UTC(2027, 2, 28, 12, 0)))).toEqual([]);
  });

  test('a weekday cron skips the weekend', () => {
    const mornings = parseScheduleExpression('cron(0 7 ? * MON-FRI *)', 'UTC');

    // Friday 11 to Tuesday 15 December 2026.
    expect(iso(mornings.firings(Date.UTC(2026, 11, 11, 0, 0), Date.UTC(2026, 11, 15, 23, 0))))
      .toEqual(['2026-12-11T07:00:00.000Z', '2026-12-14T07:00:00.000Z', '2026-12-15T07:00:00.000Z']);
  });

  test('lists, ranges and steps', () => {
    const expression = parseScheduleExpression('cron(0/20 8,9 1-2 JAN ? 2027)');

    expect(expression.firings(Date.UTC(2026, 11, 31), Date.UTC(2027, 0, 3))).toHaveLength(2 * 2 * 3);
  });

  test('a rate counts from the schedule\'s creation; at() fires once', () => {
    const created = Date.UTC(2026, 11, 7, 12, 30);
    expect(iso(parseScheduleExpression('rate(2 hours)', 'UTC', created).firings(created, created + 5 * 3_600_000)))
      .toEqual(['2026-12-07T14:30:00.000Z', '2026-12-07T16:30:00.000Z']);
    expect(iso(parseScheduleExpression('at(2026-12-24T18:00:00)', 'Europe/Paris').firings(created, created + 30 * DAY)))
      .toEqual(['2026-12-24T17:00:00.000Z']);
  });

  test.each([
    ['cron(0 19 * * * *)', /exactly one of day-of-month and day-of-week must be '\?'/],
    ['cron(0 19 L * ? *)', /L, W and # are not modelled/],
    ['cron(0 25 * * ? *)', /Invalid Schedule Expression/],
    ['every evening', /Invalid Schedule Expression/],
  ])('refuses %s', (expression, message) => {
    expect(() => parseScheduleExpression(expression)).toThrow(message);
  });
});

describe('schedules', () => {
  const base: ScheduleDefinition = {
    name: 'stop',
    region: 'us-east-1',
    expression: 'cron(0 19 * * ? *)',
    enabled: true,
    targetArn: 'arn:aws:scheduler:::aws-sdk:rekognition:stopProjectVersion',
    roleArn: 'arn:aws:iam::123456789012:role/stop',
    input: '{}',
    maximumRetryAttempts: 2,
  };
  const scheduler = new LocalScheduler(new LocalIam('123456789012'), 'http://127.0.0.1:1');

  test.each<[string, Partial<ScheduleDefinition>, RegExp]>([
    ['another service', { targetArn: 'arn:aws:scheduler:::aws-sdk:sqs:sendMessage' }, /only universal targets of Rekognition/],
    ['a read-only action', { targetArn: 'arn:aws:scheduler:::aws-sdk:rekognition:describeProjectVersions' }, /does not support read-only API actions/],
    ['an action Rekognition does not have', { targetArn: 'arn:aws:scheduler:::aws-sdk:rekognition:pauseProjectVersion' }, /rekognition has no action pauseProjectVersion/],
    ['an Input that is not JSON', { input: 'stop it' }, /Target.Input must be well-formed JSON/],
    ['186 retries', { maximumRetryAttempts: 186 }, /MaximumRetryAttempts must be between 0 and 185/],
    ['an unknown time zone', { timeZone: 'Mars/Olympus' }, /Invalid ScheduleExpressionTimezone Mars\/Olympus/],
  ])('refuses %s at creation', (_name, change, message) => {
    expect(() => scheduler.put({ ...base, ...change })).toThrow(message);
  });

  test('a disabled schedule does not fire, and a deleted one is gone', async () => {
    scheduler.put({ ...base, enabled: false });
    expect(await scheduler.advance(DAY)).toEqual([]);
    scheduler.delete('stop');
    expect(scheduler.names()).toEqual([]);
  });
});
