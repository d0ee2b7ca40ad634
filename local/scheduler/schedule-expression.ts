/**
 * When an EventBridge Scheduler schedule fires: `cron(...)` and `at(...)` read in the schedule's
 * time zone, `rate(...)` counted from the schedule's creation.
 * https://docs.aws.amazon.com/scheduler/latest/UserGuide/schedule-types.html
 *
 * Modelled: cron's six fields (minutes hours day-of-month month day-of-week year) with `*`, `?`,
 * lists, ranges, `/` steps, and month and day names; one of day-of-month and day-of-week must be
 * `?`. Not modelled (refused at creation): `L`, `W` and `#`. Firings fall on whole minutes. At a
 * daylight-saving change, as Scheduler documents it, a local time that does not exist is skipped
 * and one that occurs twice fires once (the first time).
 */

const MINUTE_MS = 60_000;
/** The longest a local time can come back after clocks are set back. */
const DST_REPEAT_MS = 2 * 3_600_000;
const RATE_UNITS_MS: Record<string, number> = { minute: MINUTE_MS, hour: 60 * MINUTE_MS, day: 24 * 60 * MINUTE_MS };
const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

/** A wall-clock minute in a time zone; `weekday` 1 (Sunday) to 7, as cron numbers days. */
interface LocalMinute {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly weekday: number;
}

/** A schedule expression, parsed: which firings fall in a span of time. */
export interface ParsedExpression {
  /** The firings in (`afterMs`, `untilMs`], in order. */
  firings(afterMs: number, untilMs: number): number[];
}

/** Parses `expression` in `timeZone` (IANA, default UTC); `createdAtMs` anchors a rate. Throws with Scheduler's kind of message if invalid. */
export function parseScheduleExpression(expression: string, timeZone = 'UTC', createdAtMs = 0): ParsedExpression {
  const local = localMinuteIn(timeZone);
  const rate = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/.exec(expression);
  if (rate) {
    const periodMs = Number(rate[1]) * RATE_UNITS_MS[rate[2].replace(/s$/, '')];
    if (periodMs <= 0) {
      throw invalid(expression);
    }
    return {
      firings: (after, until) => {
        const first = createdAtMs + (Math.floor((after - createdAtMs) / periodMs) + 1) * periodMs;
        const out: number[] = [];
        for (let t = first; t <= until; t += periodMs) out.push(t);
        return out;
      },
    };
  }
  const at = /^at\((\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})\)$/.exec(expression);
  if (at) {
    const [year, month, day, hour, minute] = at.slice(1, 6).map(Number);
    return byMinute(local, (m) => m.year === year && m.month === month && m.day === day && m.hour === hour && m.minute === minute);
  }
  const cron = /^cron\((.*)\)$/.exec(expression);
  const fields = cron?.[1].trim().split(/\s+/);
  if (!fields || fields.length !== 6) {
    throw invalid(expression);
  }
  const [minutes, hours, daysOfMonth, months, daysOfWeek, years] = fields;
  if ((daysOfMonth === '?') === (daysOfWeek === '?')) {
    throw new Error(`Invalid Schedule Expression ${expression}: exactly one of day-of-month and day-of-week must be '?'.`);
  }
  const sets = {
    minute: field(minutes, 0, 59, [], expression),
    hour: field(hours, 0, 23, [], expression),
    day: field(daysOfMonth, 1, 31, [], expression),
    month: field(months, 1, 12, MONTHS, expression, 1),
    weekday: field(daysOfWeek, 1, 7, DAYS, expression, 1),
    year: field(years, 1970, 2199, [], expression),
  };
  return byMinute(local, (m) => (Object.keys(sets) as Array<keyof typeof sets>).every((k) => sets[k] === undefined || sets[k]!.has(m[k])));
}

/** Checks every whole minute of the span. */
function byMinute(local: (ms: number) => LocalMinute, matches: (m: LocalMinute) => boolean): ParsedExpression {
  /** When each local minute last fired, so that a local time that occurs twice (clocks set back) fires once. */
  const fired = new Map<string, number>();
  return {
    firings: (after, until) => {
      const out: number[] = [];
      for (let t = (Math.floor(after / MINUTE_MS) + 1) * MINUTE_MS; t <= until; t += MINUTE_MS) {
        const minute = local(t);
        const key = JSON.stringify(minute);
        if (matches(minute) && !(t - (fired.get(key) ?? -Infinity) < DST_REPEAT_MS)) {
          fired.set(key, t);
          out.push(t);
        }
      }
      return out;
    },
  };
}

/** The values a cron field allows; undefined for `*` and `?` (any). */
function field(text: string, min: number, max: number, names: string[], expression: string, nameBase = 0): Set<number> | undefined {
  if (text === '*' || text === '?') {
    return undefined;
  }
  if (/[LW#]/.test(text.toUpperCase().replace(/[A-Z]{3}/g, (n) => names.includes(n) ? '' : n))) {
    throw new Error(`Invalid Schedule Expression ${expression}: L, W and # are not modelled by the local scheduler.`);
  }
  const value = (v: string) => {
    const named = names.indexOf(v.toUpperCase());
    const n = named >= 0 ? named + nameBase : Number(v);
    if (!Number.isInteger(n) || n < min || n > max) {
      throw invalid(expression);
    }
    return n;
  };
  const out = new Set<number>();
  for (const part of text.split(',')) {
    const [range, step] = part.split('/');
    const [from, to] = range === '*' ? [min, max] : range.includes('-') ? range.split('-').map(value) : [value(range), step ? max : value(range)];
    const by = step === undefined ? 1 : Number(step);
    if (!Number.isInteger(by) || by < 1) {
      throw invalid(expression);
    }
    for (let n = from; n <= to; n += by) out.add(n);
  }
  return out;
}

/** The wall-clock minute of an instant in `timeZone`. */
function localMinuteIn(timeZone: string): (ms: number) => LocalMinute {
  let format: Intl.DateTimeFormat;
  try {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', weekday: 'short',
    });
  } catch {
    throw new Error(`Invalid ScheduleExpressionTimezone ${timeZone}.`);
  }
  return (ms) => {
    const parts = Object.fromEntries(format.formatToParts(new Date(ms)).map((p) => [p.type, p.value]));
    return {
      year: Number(parts.year),
      month: Number(parts.month),
      day: Number(parts.day),
      hour: Number(parts.hour),
      minute: Number(parts.minute),
      weekday: DAYS.indexOf(parts.weekday.toUpperCase()) + 1,
    };
  };
}

function invalid(expression: string): Error {
  return new Error(`Invalid Schedule Expression ${expression}.`);
}
