import { CronExpressionParser } from 'cron-parser';
import type { RecurringSchedule } from './scheduler.port';

/**
 * Cron evaluation shared by both adapters: cron-parser, the parser BullMQ's job schedulers use (a dependency of
 * bullmq, same version), so the in-process adapter reads a pattern exactly as Redis-backed schedules do.
 */

export class InvalidScheduleError extends Error {
  constructor(readonly schedule: RecurringSchedule, reason: string) {
    super(`invalid recurring schedule ${JSON.stringify(schedule)}: ${reason}`);
    this.name = 'InvalidScheduleError';
  }
}

/** Refuses a pattern cron-parser cannot read, or a zone the runtime does not know. */
export function assertSchedule(schedule: RecurringSchedule): void {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: schedule.tz });
  } catch {
    throw new InvalidScheduleError(schedule, `unknown time zone ${JSON.stringify(schedule.tz)}`);
  }
  try {
    CronExpressionParser.parse(schedule.pattern, { tz: schedule.tz, strict: false });
  } catch (err) {
    throw new InvalidScheduleError(schedule, (err as Error).message);
  }
}

/** The first occurrence strictly after `after` (epoch ms), or null when the pattern has none. */
export function nextOccurrence(schedule: RecurringSchedule, after: number): number | null {
  const interval = CronExpressionParser.parse(schedule.pattern, { currentDate: new Date(after), tz: schedule.tz });
  try {
    return interval.next().getTime();
  } catch {
    return null;
  }
}
