import { indexCalendarData } from './calendar-data';
import type { CalendarDayEntry, IndexedCalendarData } from './calendar-data';
import {
  endOfEpochDay,
  fromEpochDay,
  isWeekendEpochDay,
  localEpochDayOf,
  toEpochDay,
  weekdayOfEpochDay,
  yearOfEpochDay,
} from './local-date';
import type { InstantInput, LocalDate } from './local-date';

/**
 * A date outside the years the calendar data covers.
 *
 * Deliberate choice: without the State Council notice for a year we do not know
 * its holidays and 调休 weekends, and silently treating it as plain Monday-Friday
 * weeks would produce wrong deadlines (off by a week around 春节/国庆). So every
 * question touching an uncovered year throws this error, naming the year; the
 * fix is to supply newer data through `WorkingCalendar.fromData()`.
 */
export class CalendarCoverageError extends Error {
  constructor(
    readonly year: number,
    readonly coveredYears: readonly number[],
  ) {
    super(
      `The working calendar has no official holiday data for ${year} ` +
        `(covered years: ${describeYears(coveredYears)}); ` +
        `supply calendar data that includes ${year} via WorkingCalendar.fromData()`,
    );
    this.name = 'CalendarCoverageError';
  }
}

function describeYears(years: readonly number[]): string {
  const ranges: string[] = [];
  let start = years[0]!;
  let end = start;
  for (const year of years.slice(1)) {
    if (year === end + 1) {
      end = year;
    } else {
      ranges.push(start === end ? `${start}` : `${start}–${end}`);
      start = end = year;
    }
  }
  ranges.push(start === end ? `${start}` : `${start}–${end}`);
  return ranges.join(', ');
}

export type DayKind =
  /** Monday-Friday, not a holiday. */
  | 'workday'
  /** Saturday or Sunday, neither holiday nor makeup working day. */
  | 'weekend'
  /** 放假: a day off of an official holiday break (may fall on a weekend). */
  | 'holiday'
  /** 调休上班: a Saturday or Sunday that is a working day. */
  | 'makeup-workday';

export interface DayInfo {
  readonly date: LocalDate;
  /** ISO weekday: 1 = Monday ... 7 = Sunday. */
  readonly isoWeekday: number;
  readonly kind: DayKind;
  readonly working: boolean;
  /** Holiday name for 'holiday' (e.g. 春节) and 'makeup-workday' (the holiday it pays for). */
  readonly holiday?: string;
  readonly note?: string;
}

/**
 * China's official working-day calendar (Asia/Shanghai), built from data.
 *
 * Conventions:
 * - A working day is a Monday-Friday that is not a holiday, or a makeup
 *   working day (调休上班). Only the local date matters, never the time of day.
 * - Instants (Date or ISO string with zone) are mapped to their Asia/Shanghai
 *   date with the fixed +08:00 offset (see local-date.ts).
 * - Deadlines end at 23:59:59(.000) Asia/Shanghai of their day.
 * - Any question touching a year outside the data throws CalendarCoverageError.
 */
export class WorkingCalendar {
  private readonly covered: ReadonlySet<number>;

  private constructor(private readonly data: IndexedCalendarData) {
    this.covered = new Set(data.years);
  }

  /**
   * Builds a calendar from calendar data (see calendar-data.ts for the format),
   * typically a parsed JSON file. The data is validated first; a malformed entry
   * throws CalendarDataError naming it (e.g. `calendar.2021.holidays[3]`).
   */
  static fromData(data: unknown): WorkingCalendar {
    return new WorkingCalendar(indexCalendarData(data));
  }

  /** The years this calendar can answer for, ascending. */
  get coveredYears(): readonly number[] {
    return this.data.years;
  }

  coversYear(year: number): boolean {
    return this.covered.has(year);
  }

  /** The notices the data for `year` was taken from (empty if none recorded). */
  noticesFor(year: number): readonly string[] {
    this.assertCovered(year);
    return this.data.notices.get(year) ?? [];
  }

  /** Whether a local date (`YYYY-MM-DD`, Asia/Shanghai) is a working day. */
  isWorkingDay(date: LocalDate): boolean {
    return this.isWorkingEpochDay(toEpochDay(date));
  }

  /** Whether the Asia/Shanghai date of an instant is a working day. */
  isWorkingInstant(instant: InstantInput): boolean {
    return this.isWorkingEpochDay(localEpochDayOf(instant));
  }

  /** Full classification of a local date. */
  describe(date: LocalDate): DayInfo {
    const epochDay = toEpochDay(date);
    this.assertCovered(yearOfEpochDay(epochDay));
    const weekday = weekdayOfEpochDay(epochDay);
    const isoWeekday = weekday === 0 ? 7 : weekday;
    const holiday = this.data.holidays.get(epochDay);
    if (holiday) return withEntry({ date, isoWeekday, kind: 'holiday', working: false }, holiday);
    const makeup = this.data.makeupWorkdays.get(epochDay);
    if (makeup) return withEntry({ date, isoWeekday, kind: 'makeup-workday', working: true }, makeup);
    return isWeekendEpochDay(epochDay)
      ? { date, isoWeekday, kind: 'weekend', working: false }
      : { date, isoWeekday, kind: 'workday', working: true };
  }

  /** Name of the official holiday a local date belongs to (e.g. '春节'), or undefined. */
  holidayName(date: LocalDate): string | undefined {
    const epochDay = toEpochDay(date);
    this.assertCovered(yearOfEpochDay(epochDay));
    return this.data.holidays.get(epochDay)?.name;
  }

  /** The first working day strictly after a local date. */
  nextWorkingDay(date: LocalDate): LocalDate {
    let epochDay = toEpochDay(date);
    this.assertCovered(yearOfEpochDay(epochDay));
    do epochDay++;
    while (!this.isWorkingEpochDay(epochDay));
    return fromEpochDay(epochDay);
  }

  /**
   * Deadline `n` working days after an instant: 23:59:59 Asia/Shanghai at the
   * end of the n-th working day counted from the day AFTER the instant's local
   * date (the day of the instant itself never counts, whatever the time of day).
   *
   * - n ≥ 1: e.g. assigned on Friday 2021-02-05, n = 1 → Sunday 2021-02-07
   *   (a 调休 working day) 23:59:59; assigned on a Saturday, n = 1 → Monday.
   * - n = 0: "today": the end of the instant's own day if it is a working day,
   *   otherwise the end of the next working day.
   *
   * `n` must be a non-negative integer. Always consistent with
   * workingDaysBetween: for n ≥ 1, workingDaysBetween(instant, result) === n.
   */
  addWorkingDays(instant: InstantInput, n: number): Date {
    if (!Number.isSafeInteger(n) || n < 0) {
      throw new RangeError(`Invalid number of working days ${n}: expected a non-negative integer`);
    }
    let epochDay = localEpochDayOf(instant);
    this.assertCovered(yearOfEpochDay(epochDay));
    if (n === 0) {
      while (!this.isWorkingEpochDay(epochDay)) epochDay++;
      return endOfEpochDay(epochDay);
    }
    let counted = 0;
    while (counted < n) {
      epochDay++;
      if (this.isWorkingEpochDay(epochDay)) counted++;
    }
    return endOfEpochDay(epochDay);
  }

  /**
   * Signed number of whole working days from `from` to `to`, by local date only
   * (times of day are ignored):
   *
   * - to after from: the number of working days D with date(from) < D ≤ date(to)
   *   (the start day excluded, the end day included);
   * - to before from: minus the number of working days D with date(to) < D ≤ date(from);
   * - same local date: 0.
   *
   * So it is antisymmetric (between(a, b) = -between(b, a)), additive
   * (between(a, b) + between(b, c) = between(a, c)) and inverts addWorkingDays.
   * Typical uses:
   * - working days left: workingDaysBetween(now, deadline) — 3 on Sunday for a
   *   deadline on the following Wednesday (Mon, Tue, Wed); 0 on the deadline day;
   * - working days overdue: workingDaysBetween(deadline, now) — a Friday deadline
   *   is 0 working days overdue on Saturday/Sunday and 1 on Monday.
   */
  workingDaysBetween(from: InstantInput, to: InstantInput): number {
    const a = localEpochDayOf(from);
    const b = localEpochDayOf(to);
    this.assertCovered(yearOfEpochDay(a));
    this.assertCovered(yearOfEpochDay(b));
    const sign = b >= a ? 1 : -1;
    const [low, high] = b >= a ? [a, b] : [b, a];
    let count = 0;
    for (let day = low + 1; day <= high; day++) {
      if (this.isWorkingEpochDay(day)) count++;
    }
    return count === 0 ? 0 : sign * count; // never -0
  }

  /**
   * addWorkingDays for callers that cannot stop and ask (the park-rules
   * processor): days in a year the data does not cover count Monday–Friday,
   * and the answer says it is provisional. A person assigning by hand gets
   * addWorkingDays' refusal instead, and can give the deadline.
   */
  addWorkingDaysProvisional(instant: InstantInput, n: number): { deadline: Date; provisional: boolean } {
    if (!Number.isSafeInteger(n) || n < 0) {
      throw new RangeError(`Invalid number of working days ${n}: expected a non-negative integer`);
    }
    let provisional = false;
    const working = (epochDay: number) => {
      if (this.covered.has(yearOfEpochDay(epochDay))) return this.isWorkingEpochDay(epochDay);
      provisional = true;
      return !isWeekendEpochDay(epochDay);
    };
    let epochDay = localEpochDayOf(instant);
    if (n === 0) {
      while (!working(epochDay)) epochDay++;
      return { deadline: endOfEpochDay(epochDay), provisional };
    }
    let counted = 0;
    while (counted < n) {
      epochDay++;
      if (working(epochDay)) counted++;
    }
    return { deadline: endOfEpochDay(epochDay), provisional };
  }

  private isWorkingEpochDay(epochDay: number): boolean {
    this.assertCovered(yearOfEpochDay(epochDay));
    if (this.data.makeupWorkdays.has(epochDay)) return true;
    if (this.data.holidays.has(epochDay)) return false;
    return !isWeekendEpochDay(epochDay);
  }

  private assertCovered(year: number): void {
    if (!this.covered.has(year)) throw new CalendarCoverageError(year, this.data.years);
  }
}

function withEntry(info: Omit<DayInfo, 'holiday' | 'note'>, entry: CalendarDayEntry): DayInfo {
  return { ...info, holiday: entry.name, ...(entry.note !== undefined ? { note: entry.note } : {}) };
}
