/**
 * Recounting a deadline counted in working days once official data replaces a
 * provisional year (the State Council notice arrives through DUBAN_CALENDAR_FILE
 * or a release). Pure: both calendars and the record come in as arguments; the
 * caller (a processor at start, when the calendar's official years grew) turns
 * a 'recounted' answer into an event, so the change is on the record and never a
 * silent rewrite.
 */
import { fromEpochDay, localEpochDayOf, toShanghaiIso } from './local-date';
import type { DayKind, WorkingCalendar } from './working-calendar';

/** What a deadline counted in working days must record to be recountable. */
export interface WorkingDayDeadline {
  /** The instant counted from (e.g. the assignment's effective time), ISO 8601 with offset. */
  readonly from: string;
  /** The number of working days counted (e.g. the urgency's days). */
  readonly workingDays: number;
  /** The deadline the count gave, ISO 8601 with offset. */
  readonly deadline: string;
  /** The provisional years the count used (empty: official data only). */
  readonly provisionalYears: readonly number[];
}

/** A day whose classification the official data changed, inside the counted span. */
export interface ReclassifiedDay {
  readonly date: string;
  readonly before: DayKind;
  readonly after: DayKind;
  /** The official name of the day (e.g. 春节) when it is a holiday or 调休上班 day now. */
  readonly holiday?: string;
}

export type DeadlineRecount =
  /** Nothing to do: the count used no year that has become official. */
  | { readonly kind: 'unchanged'; readonly reason: 'official' | 'still-provisional' }
  /**
   * The count crossed a year that is official now: `deadline` is the count on
   * the current calendar (equal to `previousDeadline` when the notice moved no
   * day that mattered: still worth recording, the deadline is no longer
   * provisional). `provisionalYears` = the years still provisional.
   */
  | {
      readonly kind: 'recounted';
      readonly previousDeadline: string;
      readonly deadline: string;
      readonly moved: boolean;
      readonly from: string;
      readonly workingDays: number;
      readonly nowOfficialYears: readonly number[];
      readonly provisionalYears: readonly number[];
      /** The days between the start and the later of the two deadlines whose working status changed. */
      readonly reclassifiedDays: readonly ReclassifiedDay[];
    };

/**
 * Whether and how a deadline counted in working days changes when `current`
 * (with more official years) replaces `previous` (the calendar it was counted
 * with; rebuild it with `current.officialThrough(lastOfficialYearThen)`).
 *
 * The record is the authority: only the years it lists as provisional are
 * recounted (an official year's notice is not revisited). The recount is the
 * same count (`from` + `workingDays`) on `current`, so the new deadline is what
 * the assignment would have got had the notice been out. Throws
 * CalendarCoverageError if `current` cannot answer (it never refuses a year
 * `previous` answered, since official years only grow).
 */
export function recountDeadline(counted: WorkingDayDeadline, previous: WorkingCalendar, current: WorkingCalendar): DeadlineRecount {
  if (counted.provisionalYears.length === 0) return { kind: 'unchanged', reason: 'official' };
  const nowOfficialYears = counted.provisionalYears.filter((year) => current.coversYear(year));
  if (nowOfficialYears.length === 0) return { kind: 'unchanged', reason: 'still-provisional' };

  const recount = current.addWorkingDaysProvisional(counted.from, counted.workingDays);
  const deadline = toShanghaiIso(recount.deadline);
  const previousMs = Date.parse(counted.deadline);
  return {
    kind: 'recounted',
    previousDeadline: counted.deadline,
    deadline,
    moved: recount.deadline.getTime() !== previousMs,
    from: counted.from,
    workingDays: counted.workingDays,
    nowOfficialYears,
    provisionalYears: recount.provisionalYears,
    reclassifiedDays: reclassified(previous, current, counted.from, Math.max(previousMs, recount.deadline.getTime())),
  };
}

function reclassified(previous: WorkingCalendar, current: WorkingCalendar, from: string, untilMs: number): ReclassifiedDay[] {
  const days: ReclassifiedDay[] = [];
  const last = localEpochDayOf(new Date(untilMs));
  for (let epochDay = localEpochDayOf(from) + 1; epochDay <= last; epochDay++) {
    const date = fromEpochDay(epochDay);
    const before = previous.describe(date);
    const after = current.describe(date);
    if (before.working === after.working) continue;
    days.push({ date, before: before.kind, after: after.kind, ...(after.holiday !== undefined ? { holiday: after.holiday } : {}) });
  }
  return days;
}

