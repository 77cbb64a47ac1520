import { indexCalendarData } from './calendar-data';
import { CURRENT_HOLIDAY_RULES, FIRST_YEAR_OF_CURRENT_HOLIDAY_RULES, statutoryHolidays } from './statutory-holidays';
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
 * A question the calendar will not answer for a year.
 *
 * Without the State Council notice for a year we do not know its 调休, so a
 * bare answer (a Date, a number, a boolean) that cannot say "provisional" is
 * refused for any year without official data, naming the year
 * (`provisionalAvailable` when the flag-carrying methods could answer it).
 * Years before the first official year and gaps between official years are
 * refused by every method: back-filling needs the official record. The fix is
 * newer data through `WorkingCalendar.fromData()` (DUBAN_CALENDAR_FILE).
 */
export class CalendarCoverageError extends Error {
  constructor(
    readonly year: number,
    readonly coveredYears: readonly number[],
    /** The year has a provisional calendar (statutory rules, no 调休), which this question may not use. */
    readonly provisionalAvailable = false,
  ) {
    super(
      `The working calendar has no official holiday data for ${year} ` +
        `(covered years: ${describeYears(coveredYears)}); ` +
        (provisionalAvailable ? `only a provisional calendar (statutory holidays, no 调休) exists for ${year}; ` : '') +
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
  /** Present (true) when the day is in a provisional year: statutory rules, no 调休 (see coverage). */
  readonly provisional?: true;
}

/** Which years a calendar answers for, and how. */
export interface CalendarCoverage {
  /** Years with the State Council notice (official data), ascending. */
  readonly officialYears: readonly number[];
  /**
   * Years answered from the statutory rules alone (weekends, 放假办法 holidays and
   * 补假, no 调休): from the year after the last official one (and not before
   * 2025, when the current rules took effect) through 2100. Null when none.
   */
  readonly provisionalYears: { readonly from: number; readonly through: number } | null;
  readonly provisionalRules: string;
}

/** A working-day count that may have crossed provisional years. */
export interface ProvisionalAnswer {
  /** True when a day of a provisional year was classified to reach the answer. */
  readonly provisional: boolean;
  /** The provisional years whose days were classified, ascending (empty when official). */
  readonly provisionalYears: readonly number[];
}

/** Years the provisional rules are computed for at most (the lunar tables reach far beyond). */
export const LAST_PROVISIONAL_YEAR = 2100;

/**
 * China's official working-day calendar (Asia/Shanghai), built from data.
 *
 * Conventions:
 * - A working day is a Monday-Friday that is not a holiday, or a makeup
 *   working day (调休上班). Only the local date matters, never the time of day.
 * - Instants (Date or ISO string with zone) are mapped to their Asia/Shanghai
 *   date with the fixed +08:00 offset (see local-date.ts).
 * - Deadlines end at 23:59:59(.000) Asia/Shanghai of their day.
 * - Official years are the years of the data (the State Council notices).
 *   Provisional years follow the last official year: weekends plus the
 *   statutory holidays of the 放假办法 and their 补假, no 调休 (statutory-holidays.ts).
 *   Years before the first official year, and gaps between official years, are
 *   never guessed: back-filling them needs the official record.
 * - Answers that are bare values (isWorkingDay, addWorkingDays,
 *   workingDaysBetween, nextWorkingDay, holidayName) cannot say they used a
 *   provisional year, so they answer for official years only and throw
 *   CalendarCoverageError otherwise (as before: the issue handler's 422 and the
 *   ledger's gap rely on it). Answers that carry the flag also answer for
 *   provisional years: describe (`provisional: true`), isProvisional,
 *   addWorkingDaysProvisional and workingDaysBetweenProvisional
 *   (`{ provisional, provisionalYears }`).
 */
export class WorkingCalendar {
  private readonly covered: ReadonlySet<number>;
  /** Provisional years' days off by day number, computed on first use. */
  private readonly provisionalDaysOff = new Map<number, ReadonlyMap<number, CalendarDayEntry>>();

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

  /**
   * This calendar as it was before the official data of the years after
   * `lastOfficialYear` arrived: those years are provisional again. How a
   * recount (recountDeadline) rebuilds the calendar a recorded deadline was
   * counted with, from the current one and the last official year then known.
   */
  officialThrough(lastOfficialYear: number): WorkingCalendar {
    const keep = (entries: ReadonlyMap<number, CalendarDayEntry>) =>
      new Map([...entries].filter(([epochDay]) => yearOfEpochDay(epochDay) <= lastOfficialYear));
    const years = this.data.years.filter((year) => year <= lastOfficialYear);
    if (years.length === 0) throw new RangeError(`no official year up to ${lastOfficialYear} (official: ${describeYears(this.data.years)})`);
    return new WorkingCalendar({
      years,
      holidays: keep(this.data.holidays),
      makeupWorkdays: keep(this.data.makeupWorkdays),
      notices: new Map([...this.data.notices].filter(([year]) => year <= lastOfficialYear)),
    });
  }

  /** The years with official data, ascending (provisional years not included: see coverage). */
  get coveredYears(): readonly number[] {
    return this.data.years;
  }

  /** Whether `year` has official data (a provisional year does not count). */
  coversYear(year: number): boolean {
    return this.covered.has(year);
  }

  /** Whether `year` is answered from the statutory rules alone (see {@link CalendarCoverage}). */
  isProvisionalYear(year: number): boolean {
    const range = this.coverage.provisionalYears;
    return range !== null && Number.isInteger(year) && year >= range.from && year <= range.through;
  }

  /** Whether the flag-carrying answers (describe, …Provisional) can answer for `year`. */
  answersYear(year: number): boolean {
    return this.covered.has(year) || this.isProvisionalYear(year);
  }

  get coverage(): CalendarCoverage {
    const years = this.data.years;
    const from = Math.max(years[years.length - 1]! + 1, FIRST_YEAR_OF_CURRENT_HOLIDAY_RULES);
    return {
      officialYears: years,
      provisionalYears: from <= LAST_PROVISIONAL_YEAR ? { from, through: LAST_PROVISIONAL_YEAR } : null,
      provisionalRules: CURRENT_HOLIDAY_RULES,
    };
  }

  /**
   * Whether a local date lies in a provisional year (true) or an official one
   * (false); a date the calendar cannot answer for throws CalendarCoverageError.
   */
  isProvisional(date: LocalDate): boolean {
    const year = yearOfEpochDay(toEpochDay(date));
    this.assertAnswers(year);
    return !this.covered.has(year);
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
    const year = yearOfEpochDay(epochDay);
    this.assertAnswers(year);
    const weekday = weekdayOfEpochDay(epochDay);
    const isoWeekday = weekday === 0 ? 7 : weekday;
    if (!this.covered.has(year)) {
      const dayOff = this.provisionalDaysOffOf(year).get(epochDay);
      const info: DayInfo = dayOff
        ? withEntry({ date, isoWeekday, kind: 'holiday', working: false }, dayOff)
        : isWeekendEpochDay(epochDay)
          ? { date, isoWeekday, kind: 'weekend', working: false }
          : { date, isoWeekday, kind: 'workday', working: true };
      return { ...info, provisional: true };
    }
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
    return walkWorkingDays(localEpochDayOf(instant), n, (epochDay) => this.isWorkingEpochDay(epochDay));
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
    return countWorkingDays(a, b, (epochDay) => this.isWorkingEpochDay(epochDay));
  }

  /**
   * addWorkingDays across provisional years, saying whether it used one: for
   * callers that record the flag with the deadline (and can have it recounted
   * when the official data arrives, see recountDeadline), or cannot stop and
   * ask (the park-rules processor). Same counting rules as addWorkingDays, which
   * it equals when `provisional` is false. A year the calendar cannot answer
   * for (before the first official year, a gap) still throws.
   */
  addWorkingDaysProvisional(instant: InstantInput, n: number): { deadline: Date } & ProvisionalAnswer {
    const used = new Set<number>();
    const deadline = walkWorkingDays(localEpochDayOf(instant), n, (epochDay) => this.isWorkingEpochDayAnyYear(epochDay, used));
    return { deadline, ...provisionalAnswer(used) };
  }

  /** workingDaysBetween across provisional years, saying whether it used one (see addWorkingDaysProvisional). */
  workingDaysBetweenProvisional(from: InstantInput, to: InstantInput): { days: number } & ProvisionalAnswer {
    const a = localEpochDayOf(from);
    const b = localEpochDayOf(to);
    const used = new Set<number>();
    for (const year of [yearOfEpochDay(a), yearOfEpochDay(b)]) {
      this.assertAnswers(year);
      if (!this.covered.has(year)) used.add(year); // the end days' years count even when no day between is classified
    }
    const days = countWorkingDays(a, b, (epochDay) => this.isWorkingEpochDayAnyYear(epochDay, used));
    return { days, ...provisionalAnswer(used) };
  }

  private isWorkingEpochDay(epochDay: number): boolean {
    this.assertCovered(yearOfEpochDay(epochDay));
    if (this.data.makeupWorkdays.has(epochDay)) return true;
    if (this.data.holidays.has(epochDay)) return false;
    return !isWeekendEpochDay(epochDay);
  }

  /** Official or provisional; records the provisional years it classified a day of into `used`. */
  private isWorkingEpochDayAnyYear(epochDay: number, used: Set<number>): boolean {
    const year = yearOfEpochDay(epochDay);
    if (this.covered.has(year)) return this.isWorkingEpochDay(epochDay);
    this.assertAnswers(year);
    used.add(year);
    return !isWeekendEpochDay(epochDay) && !this.provisionalDaysOffOf(year).has(epochDay);
  }

  private provisionalDaysOffOf(year: number): ReadonlyMap<number, CalendarDayEntry> {
    let daysOff = this.provisionalDaysOff.get(year);
    if (!daysOff) {
      daysOff = new Map(statutoryHolidays(year).map((entry) => [toEpochDay(entry.date), entry]));
      this.provisionalDaysOff.set(year, daysOff);
    }
    return daysOff;
  }

  private assertCovered(year: number): void {
    if (!this.covered.has(year)) throw new CalendarCoverageError(year, this.data.years, this.isProvisionalYear(year));
  }

  private assertAnswers(year: number): void {
    if (!this.answersYear(year)) throw new CalendarCoverageError(year, this.data.years);
  }
}

/**
 * The end of the n-th working day after `start` (n ≥ 1), or of the first working
 * day from `start` on (n = 0): the rule addWorkingDays documents.
 */
function walkWorkingDays(start: number, n: number, working: (epochDay: number) => boolean): Date {
  if (!Number.isSafeInteger(n) || n < 0) {
    throw new RangeError(`Invalid number of working days ${n}: expected a non-negative integer`);
  }
  let epochDay = start;
  if (n === 0) {
    while (!working(epochDay)) epochDay++;
    return endOfEpochDay(epochDay);
  }
  working(start); // the start day's year must be answerable too, though the day itself never counts
  let counted = 0;
  while (counted < n) {
    epochDay++;
    if (working(epochDay)) counted++;
  }
  return endOfEpochDay(epochDay);
}

/** Signed count of working days D with min < D ≤ max (see workingDaysBetween). */
function countWorkingDays(a: number, b: number, working: (epochDay: number) => boolean): number {
  const sign = b >= a ? 1 : -1;
  const [low, high] = b >= a ? [a, b] : [b, a];
  let count = 0;
  for (let day = low + 1; day <= high; day++) {
    if (working(day)) count++;
  }
  return count === 0 ? 0 : sign * count; // never -0
}

function provisionalAnswer(used: ReadonlySet<number>): ProvisionalAnswer {
  return { provisional: used.size > 0, provisionalYears: [...used].sort((x, y) => x - y) };
}

function withEntry(info: Omit<DayInfo, 'holiday' | 'note'>, entry: CalendarDayEntry): DayInfo {
  return { ...info, holiday: entry.name, ...(entry.note !== undefined ? { note: entry.note } : {}) };
}
