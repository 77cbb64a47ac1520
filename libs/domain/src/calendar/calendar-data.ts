/**
 * The calendar data file format, and its validation.
 *
 * The official calendar is data, not code: data/cn-official.json lists, per
 * calendar year, the public-holiday days (放假) and the weekend days that are
 * working days (调休上班), as announced each year by the State Council General
 * Office (国务院办公厅关于XXXX年部分节假日安排的通知) and any later amending
 * notice. Supplying a newer file (e.g. with 2027 added) needs no code change.
 *
 * Shape:
 * {
 *   "timeZone": "Asia/Shanghai",
 *   "years": [2019, ..., 2026],               // the years the file fully covers
 *   "calendar": {
 *     "2021": {
 *       "notices": ["国务院办公厅关于2021年部分节假日安排的通知（国办发明电〔2020〕27号）"],
 *       "holidays":       [{ "date": "2021-02-11", "name": "春节" }, ...],
 *       "makeupWorkdays": [{ "date": "2021-02-07", "name": "春节" }, ...]
 *     }
 *   }
 * }
 *
 * Days are grouped by the calendar year of the date itself, not by the notice
 * that announced them: e.g. the 2023 notice's 元旦 break starting on 2022-12-31 is
 * listed under "2022". So when next year's notice touches late December, the
 * current year's entry is updated too.
 */
import {
  FIRST_YEAR_WITHOUT_DST,
  isWeekendEpochDay,
  tryEpochDay,
  weekdayName,
  yearOfEpochDay,
} from './local-date';
import type { LocalDate } from './local-date';

export interface CalendarDayEntry {
  readonly date: LocalDate;
  /** Chinese name of the holiday (元旦, 春节, 清明节, 劳动节, 端午节, 中秋节, 国庆节...). */
  readonly name: string;
  readonly note?: string;
}

export interface CalendarYearData {
  /** Titles / document numbers of the notices the year's data comes from. */
  readonly notices?: readonly string[];
  /** 放假: every day off of the announced breaks, weekend days inside a break included. */
  readonly holidays: readonly CalendarDayEntry[];
  /** 调休上班: Saturdays and Sundays that are working days; `name` = the holiday they pay for. */
  readonly makeupWorkdays: readonly CalendarDayEntry[];
}

export interface CalendarData {
  readonly description?: string;
  readonly timeZone: 'Asia/Shanghai';
  readonly years: readonly number[];
  readonly calendar: Readonly<Record<string, CalendarYearData>>;
}

/** Validated, indexed form of {@link CalendarData}, keyed by day number (days since 1970-01-01). */
export interface IndexedCalendarData {
  readonly years: readonly number[];
  readonly holidays: ReadonlyMap<number, CalendarDayEntry>;
  readonly makeupWorkdays: ReadonlyMap<number, CalendarDayEntry>;
  readonly notices: ReadonlyMap<number, readonly string[]>;
}

/** The calendar data is malformed; `path` points at the offending entry (e.g. `calendar.2021.holidays[3]`). */
export class CalendarDataError extends Error {
  constructor(
    readonly path: string,
    detail: string,
  ) {
    super(`Invalid working-calendar data at ${path}: ${detail}`);
    this.name = 'CalendarDataError';
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describeValue(value: unknown): string {
  return value === undefined ? 'undefined' : JSON.stringify(value);
}

/** Validates raw (parsed JSON) calendar data and indexes it; throws {@link CalendarDataError}. */
export function indexCalendarData(raw: unknown): IndexedCalendarData {
  if (!isPlainObject(raw)) throw new CalendarDataError('(root)', 'expected a JSON object');
  if (raw.timeZone !== 'Asia/Shanghai') {
    throw new CalendarDataError(
      'timeZone',
      `expected "Asia/Shanghai" (all dates are Beijing local dates), got ${describeValue(raw.timeZone)}`,
    );
  }

  const rawYears = raw.years;
  if (!Array.isArray(rawYears) || rawYears.length === 0) {
    throw new CalendarDataError('years', 'expected a non-empty array listing the covered years');
  }
  const years: number[] = [];
  rawYears.forEach((year: unknown, i) => {
    if (typeof year !== 'number' || !Number.isInteger(year) || year > 9999) {
      throw new CalendarDataError(`years[${i}]`, `expected a four-digit year, got ${describeValue(year)}`);
    }
    if (year < FIRST_YEAR_WITHOUT_DST) {
      throw new CalendarDataError(
        `years[${i}]`,
        `year ${year} is not supported: China observed DST until 1991, so the fixed +08:00 offset is only exact from ${FIRST_YEAR_WITHOUT_DST}`,
      );
    }
    if (years.includes(year)) throw new CalendarDataError(`years[${i}]`, `year ${year} is listed twice`);
    years.push(year);
  });
  years.sort((a, b) => a - b);

  const calendar = raw.calendar;
  if (!isPlainObject(calendar)) {
    throw new CalendarDataError('calendar', 'expected an object keyed by year ("2021": {...})');
  }
  for (const key of Object.keys(calendar)) {
    if (!years.includes(Number(key)) || String(Number(key)) !== key) {
      throw new CalendarDataError(
        `calendar.${key}`,
        `has data for "${key}" but "years" does not list it (listed: ${years.join(', ')})`,
      );
    }
  }

  const holidays = new Map<number, CalendarDayEntry>();
  const makeupWorkdays = new Map<number, CalendarDayEntry>();
  const notices = new Map<number, readonly string[]>();

  for (const year of years) {
    const path = `calendar.${year}`;
    const entry = calendar[String(year)];
    if (entry === undefined) {
      throw new CalendarDataError(path, `year ${year} is listed in "years" but has no entry in "calendar"`);
    }
    if (!isPlainObject(entry)) throw new CalendarDataError(path, 'expected an object with holidays and makeupWorkdays');

    if (entry.notices !== undefined) {
      if (!Array.isArray(entry.notices) || !entry.notices.every((n) => typeof n === 'string')) {
        throw new CalendarDataError(`${path}.notices`, 'expected an array of strings');
      }
      notices.set(year, [...(entry.notices as string[])]);
    }

    /** Reads one list into `into`; returns the day numbers read, in list order. */
    const readDays = (field: 'holidays' | 'makeupWorkdays', into: Map<number, CalendarDayEntry>): number[] => {
      const list = entry[field];
      if (!Array.isArray(list)) throw new CalendarDataError(`${path}.${field}`, 'expected an array (possibly empty)');
      return list.map((item: unknown, i): number => {
        const at = `${path}.${field}[${i}]`;
        if (!isPlainObject(item)) throw new CalendarDataError(at, `expected { "date": "YYYY-MM-DD", "name": "..." }`);
        const epochDay = tryEpochDay(item.date);
        if (epochDay === undefined) {
          throw new CalendarDataError(at, `date ${describeValue(item.date)} is not a real date written YYYY-MM-DD`);
        }
        const date = item.date as string;
        if (yearOfEpochDay(epochDay) !== year) {
          throw new CalendarDataError(at, `date ${date} is not in ${year} (days are grouped by their own calendar year)`);
        }
        if (typeof item.name !== 'string' || item.name.trim() === '') {
          throw new CalendarDataError(at, `date ${date} needs a non-empty holiday "name"`);
        }
        if (item.note !== undefined && typeof item.note !== 'string') {
          throw new CalendarDataError(at, `date ${date}: "note" must be a string`);
        }
        if (into.has(epochDay)) throw new CalendarDataError(at, `date ${date} is listed twice in ${field}`);
        into.set(epochDay, {
          date,
          name: item.name,
          ...(item.note !== undefined ? { note: item.note as string } : {}),
        });
        return epochDay;
      });
    };
    readDays('holidays', holidays);
    readDays('makeupWorkdays', makeupWorkdays).forEach((epochDay, i) => {
      const date = makeupWorkdays.get(epochDay)!.date;
      if (holidays.has(epochDay)) {
        throw new CalendarDataError(
          `${path}.makeupWorkdays[${i}]`,
          `date ${date} is listed both as a holiday and as a makeup working day`,
        );
      }
      if (!isWeekendEpochDay(epochDay)) {
        throw new CalendarDataError(
          `${path}.makeupWorkdays[${i}]`,
          `date ${date} is a ${weekdayName(epochDay)}; a makeup working day (调休上班) must be a Saturday or Sunday`,
        );
      }
    });
  }

  return { years, holidays, makeupWorkdays, notices };
}
