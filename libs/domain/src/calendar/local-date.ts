/**
 * Local dates and instants in Asia/Shanghai.
 *
 * China Standard Time is a fixed UTC+08:00: the PRC observed daylight saving
 * time only from 1986 to 1991, so since 1992 the offset has never changed. We
 * therefore use the constant offset below instead of the host's TZ setting or
 * ICU time-zone data: results are identical on every machine, and exact for
 * every date a working calendar may cover (the data loader rejects years
 * before 1992).
 */

/** A calendar date in Asia/Shanghai, written `YYYY-MM-DD`. */
export type LocalDate = string;

/** A point in time: a `Date`, or an ISO-8601 string (see {@link toInstant}). */
export type InstantInput = Date | string;

/** Asia/Shanghai is UTC+08:00 all year (no DST since 1991). */
export const SHANGHAI_UTC_OFFSET_MS = 8 * 60 * 60 * 1000;

/** First year for which the fixed +08:00 offset is exact (DST ended in 1991). */
export const FIRST_YEAR_WITHOUT_DST = 1992;

export const MS_PER_DAY = 24 * 60 * 60 * 1000;

const LOCAL_DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
/** Date and time with a mandatory zone designator (Z or ±hh:mm). */
const ZONED_DATE_TIME_RE =
  /^(\d{4}-\d{2}-\d{2})T([01]\d|2[0-3]):[0-5]\d(?::[0-5]\d(?:\.\d{1,9})?)?(?:Z|[+-](?:[01]\d|2[0-3]):[0-5]\d)$/i;

const WEEKDAY_NAMES = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'] as const;

/**
 * True for a date-time with a zone that names a real instant: a real calendar
 * date (no 2026-02-30), hours 00–23 (no 24:00), minutes and seconds 00–59, at
 * most 9 fractional digits, an offset within ±23:59. `Date.parse` alone rolls
 * 02-30 over into March and accepts 24:00, so it cannot be the check.
 */
export function isZonedDateTime(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const match = ZONED_DATE_TIME_RE.exec(value);
  return match !== null && tryEpochDay(match[1]) !== undefined && !Number.isNaN(Date.parse(value));
}

/**
 * Days since 1970-01-01 of a `YYYY-MM-DD` date, or `undefined` when the text is
 * not a real calendar date (wrong shape, month 13, 2021-02-29...).
 */
export function tryEpochDay(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const match = LOCAL_DATE_RE.exec(value);
  if (!match) return undefined;
  const year = Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  if (month < 1 || month > 12 || day < 1 || day > 31) return undefined;
  const d = new Date(0);
  // setUTCFullYear, unlike Date.UTC, does not map years 0-99 onto 1900-1999.
  d.setUTCFullYear(year, month - 1, day);
  if (d.getUTCFullYear() !== year || d.getUTCMonth() !== month - 1 || d.getUTCDate() !== day) return undefined;
  return Math.round(d.getTime() / MS_PER_DAY);
}

/** Days since 1970-01-01 of a `YYYY-MM-DD` date; throws a RangeError naming a malformed value. */
export function toEpochDay(date: LocalDate): number {
  const epochDay = tryEpochDay(date);
  if (epochDay === undefined) {
    throw new RangeError(`Invalid local date ${JSON.stringify(date)}: expected a real date written YYYY-MM-DD`);
  }
  return epochDay;
}

/** The `YYYY-MM-DD` date of a day number (days since 1970-01-01). */
export function fromEpochDay(epochDay: number): LocalDate {
  const d = new Date(epochDay * MS_PER_DAY);
  const year = String(d.getUTCFullYear()).padStart(4, '0');
  const month = String(d.getUTCMonth() + 1).padStart(2, '0');
  const day = String(d.getUTCDate()).padStart(2, '0');
  return `${year}-${month}-${day}`;
}

/** Gregorian year of a day number. */
export function yearOfEpochDay(epochDay: number): number {
  return new Date(epochDay * MS_PER_DAY).getUTCFullYear();
}

/** Day of week of a day number: 0 = Sunday ... 6 = Saturday (1970-01-01 was a Thursday). */
export function weekdayOfEpochDay(epochDay: number): number {
  return (((epochDay + 4) % 7) + 7) % 7;
}

export function weekdayName(epochDay: number): string {
  return WEEKDAY_NAMES[weekdayOfEpochDay(epochDay)]!;
}

export function isWeekendEpochDay(epochDay: number): boolean {
  const weekday = weekdayOfEpochDay(epochDay);
  return weekday === 0 || weekday === 6;
}

/**
 * Milliseconds since the epoch of an instant.
 *
 * Accepted inputs:
 * - a valid `Date`;
 * - an ISO-8601 date-time WITH a zone designator (`2021-02-07T10:00:00Z`,
 *   `2021-02-07T18:00+08:00`). A date-time without one is rejected: JavaScript
 *   would read it in the host's time zone, which is exactly the bug to avoid;
 * - a bare `YYYY-MM-DD`, read as the start (00:00) of that date in Asia/Shanghai
 *   (not UTC midnight, as `new Date('YYYY-MM-DD')` would).
 */
export function toEpochMs(instant: InstantInput): number {
  if (instant instanceof Date) {
    const ms = instant.getTime();
    if (Number.isNaN(ms)) throw new RangeError('Invalid instant: the Date is invalid (NaN)');
    return ms;
  }
  if (typeof instant === 'string') {
    const localDay = tryEpochDay(instant);
    if (localDay !== undefined) return localDay * MS_PER_DAY - SHANGHAI_UTC_OFFSET_MS;
    const match = ZONED_DATE_TIME_RE.exec(instant);
    if (match && tryEpochDay(match[1]) !== undefined) {
      const ms = Date.parse(instant);
      if (!Number.isNaN(ms)) return ms;
    }
    throw new RangeError(
      `Invalid instant ${JSON.stringify(instant)}: expected an ISO-8601 date-time with a zone ` +
        `(e.g. 2021-02-07T10:00:00Z or 2021-02-07T18:00:00+08:00) or a local date YYYY-MM-DD`,
    );
  }
  throw new TypeError(`Invalid instant: expected a Date or an ISO-8601 string, got ${typeof instant}`);
}

/** The instant as a new `Date` (validated as in {@link toEpochMs}). */
export function toInstant(instant: InstantInput): Date {
  return new Date(toEpochMs(instant));
}

/** Day number (days since 1970-01-01) of the Asia/Shanghai date of an instant. */
export function localEpochDayOf(instant: InstantInput): number {
  return Math.floor((toEpochMs(instant) + SHANGHAI_UTC_OFFSET_MS) / MS_PER_DAY);
}

/**
 * The Asia/Shanghai calendar date of an instant.
 * Example: 2021-02-06T16:00:00Z (00:00 on the 7th in Beijing) → '2021-02-07'.
 */
export function localDateOf(instant: InstantInput): LocalDate {
  return fromEpochDay(localEpochDayOf(instant));
}

/** 00:00:00.000 Asia/Shanghai at the start of a local date. */
export function startOfLocalDay(date: LocalDate): Date {
  return new Date(toEpochDay(date) * MS_PER_DAY - SHANGHAI_UTC_OFFSET_MS);
}

/**
 * Deadline convention: a deadline that names a day ends at 23:59:59 Asia/Shanghai
 * on that day, with zero milliseconds (`YYYY-MM-DDT23:59:59+08:00`, i.e.
 * 15:59:59.000Z), which is how deadlines are written in 督办 documents. Whole
 * seconds keep the stored value round-trippable through second-precision ISO
 * strings. (An act in the very last second, 23:59:59.001–.999, therefore lies
 * after the deadline instant; callers deciding lateness at sub-second precision
 * should compare local dates instead.)
 */
export function endOfLocalDay(date: LocalDate): Date {
  return endOfEpochDay(toEpochDay(date));
}

export function endOfEpochDay(epochDay: number): Date {
  return new Date((epochDay + 1) * MS_PER_DAY - SHANGHAI_UTC_OFFSET_MS - 1000);
}

/**
 * Deadline of a task due "by <month>" (e.g. 2021年4月): 23:59:59 Asia/Shanghai on
 * the last calendar day of that month, e.g. (2021, 4) → 2021-04-30T23:59:59+08:00
 * = 2021-04-30T15:59:59.000Z.
 *
 * Purely calendar based: it needs no holiday data, and a month ending on a
 * holiday or weekend is NOT moved to a working day (a month deadline means the
 * month, as written). `month` is 1-12.
 */
export function endOfMonthDeadline(year: number, month: number): Date {
  if (!Number.isInteger(year) || year < 1 || year > 9999) {
    throw new RangeError(`Invalid year ${year}: expected an integer between 1 and 9999`);
  }
  if (!Number.isInteger(month) || month < 1 || month > 12) {
    throw new RangeError(`Invalid month ${month}: expected an integer from 1 (January) to 12 (December)`);
  }
  const firstOfNextMonth = new Date(0);
  firstOfNextMonth.setUTCFullYear(year, month, 1); // month index `month` = the following month
  const lastDay = Math.round(firstOfNextMonth.getTime() / MS_PER_DAY) - 1;
  return endOfEpochDay(lastDay);
}

/**
 * The instant written in Beijing time, the one form the users see:
 * 2021-11-05T15:59:59Z → '2021-11-05T23:59:59+08:00' (milliseconds only when
 * there are any). The same instant as the input, so comparisons are unchanged.
 */
export function toShanghaiIso(instant: InstantInput): string {
  const ms = toEpochMs(instant);
  const local = new Date(ms + SHANGHAI_UTC_OFFSET_MS).toISOString(); // the wall clock in Beijing, labelled Z
  const fraction = ms % 1000 === 0 ? '' : local.slice(19, 23);
  return `${local.slice(0, 19)}${fraction}+08:00`;
}
