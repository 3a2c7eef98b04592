import { CronExpressionParser } from 'cron-parser';

/**
 * Checks a 5-field crontab expression (minute hour day-of-month month day-of-week,
 * evaluated in UTC) and returns it normalised to single spaces. Throws an Error
 * naming the expression when it is not valid.
 *
 * @example
 * parseCron('*\/5 * * * *'); // '*\/5 * * * *'
 */
export function parseCron(expression: string): string {
  const fields = expression.trim().split(/\s+/);
  if (fields.length !== 5) {
    throw new Error(
      `Cron expression "${expression}" must have 5 fields (minute hour day-of-month month day-of-week), found ${fields.length}`,
    );
  }
  const normalised = fields.join(' ');
  try {
    CronExpressionParser.parse(normalised, { tz: 'UTC' });
  } catch (error) {
    throw new Error(`Cron expression "${expression}" is not valid: ${(error as Error).message}`);
  }
  return normalised;
}

/**
 * The most recent tick of `expression` at or before `now` (UTC). Schedulers run
 * only this tick, never the older ones they missed, so a long downtime causes one
 * run instead of a backfill storm.
 *
 * @example
 * latestTick('0 * * * *', new Date('2026-01-01T10:30:00Z')); // 2026-01-01T10:00:00.000Z
 */
export function latestTick(expression: string, now: Date): Date {
  // prev() is strictly before currentDate; one millisecond later makes "at" inclusive.
  const interval = CronExpressionParser.parse(expression, {
    tz: 'UTC',
    currentDate: new Date(now.getTime() + 1),
  });
  return interval.prev().toDate();
}

/**
 * The first tick of `expression` strictly after `now` (UTC).
 *
 * @example
 * nextTick('0 * * * *', new Date('2026-01-01T10:00:00Z')); // 2026-01-01T11:00:00.000Z
 */
export function nextTick(expression: string, now: Date): Date {
  return CronExpressionParser.parse(expression, { tz: 'UTC', currentDate: now }).next().toDate();
}
