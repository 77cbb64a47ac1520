/**
 * The statutory holidays of a year computed from their rules, for years the
 * State Council has not yet published its notice for (the provisional years of
 * WorkingCalendar).
 *
 * Rules: 《全国年节及纪念日放假办法》 as amended by 国务院令第795号 (2024-11-10),
 * in force from 2025-01-01:
 * - 第二条 (全体公民放假的节日): 元旦 1 day (1月1日); 春节 4 days (农历除夕、
 *   正月初一至初三); 清明节 1 day (农历清明当日); 劳动节 2 days (5月1日、2日);
 *   端午节 1 day (农历端午当日); 中秋节 1 day (农历中秋当日); 国庆节 3 days
 *   (10月1日至3日).
 * - 第六条: a holiday of all citizens that falls on a Saturday or Sunday is
 *   made up on a working day (补假). We give it on the first weekday after it
 *   that is not already a day off — where every notice has put it — and treat a
 *   day holding two holidays (中秋 on 10月1–3日) the same way.
 * - NOT applied: the 调休 the annual notice arranges (第七条: swapping weekend days
 *   to make longer breaks). Those are the notice's choice, unknowable in advance;
 *   a provisional year has no 调休上班 day.
 *
 * Lunar dates and the 清明 solar term come from the maintained `lunar-typescript`
 * library (its tables follow the Purple Mountain Observatory's 农历).
 */
import { Lunar, Solar } from 'lunar-typescript';
import { fromEpochDay, isWeekendEpochDay, toEpochDay } from './local-date';
import type { CalendarDayEntry } from './calendar-data';

/** The first year the rules above govern (the 2024 amendment's entry into force). */
export const FIRST_YEAR_OF_CURRENT_HOLIDAY_RULES = 2025;

/** Where the rules come from, for the docs and the `coverage` answer. */
export const CURRENT_HOLIDAY_RULES = '《全国年节及纪念日放假办法》（2024年11月10日国务院令第795号修订，2025年1月1日起施行）第二条、第六条';

export const MAKEUP_DAY_OFF_NOTE = '补假（放假办法第六条：节日适逢周六、周日，在工作日补假）';

/**
 * The days off of `year` under the current rules, ascending: the statutory
 * days (named 元旦, 春节, 清明节, 劳动节, 端午节, 中秋节, 国庆节) and the 补假 days
 * (named after the holiday they make up, with a note). Weekends are not listed.
 */
export function statutoryHolidays(year: number): CalendarDayEntry[] {
  if (!Number.isInteger(year) || year < FIRST_YEAR_OF_CURRENT_HOLIDAY_RULES || year > 2100) {
    throw new RangeError(
      `statutory holidays are computed for ${FIRST_YEAR_OF_CURRENT_HOLIDAY_RULES}–2100 (the rules in force since 2025), not ${year}`,
    );
  }
  const festivals: Array<[string, number[]]> = [
    ['元旦', [day(year, 1, 1)]],
    ['春节', springFestival(year)],
    ['清明节', [qingming(year)]],
    ['劳动节', [day(year, 5, 1), day(year, 5, 2)]],
    ['端午节', [lunarDay(year, 5, 5)]],
    ['中秋节', [lunarDay(year, 8, 15)]],
    ['国庆节', [day(year, 10, 1), day(year, 10, 2), day(year, 10, 3)]],
  ];

  /** Day → the holidays falling on it, in the order of the 办法. */
  const names = new Map<number, string[]>();
  for (const [name, days] of festivals) for (const d of days) names.set(d, [...(names.get(d) ?? []), name]);

  const entries = new Map<number, CalendarDayEntry>();
  for (const [d, onDay] of names) entries.set(d, { date: fromEpochDay(d), name: onDay.join('、') });

  // 补假, in date order so an earlier holiday's make-up day is taken first.
  for (const d of [...names.keys()].sort((a, b) => a - b)) {
    const onDay = names.get(d)!;
    const lost = isWeekendEpochDay(d) ? onDay : onDay.slice(1); // a weekend loses every holiday on it; a shared weekday all but one
    for (const name of lost) {
      let free = d + 1;
      while (isWeekendEpochDay(free) || entries.has(free)) free++;
      entries.set(free, { date: fromEpochDay(free), name, note: MAKEUP_DAY_OFF_NOTE });
    }
  }
  return [...entries.entries()].sort(([a], [b]) => a - b).map(([, entry]) => entry);
}

function day(year: number, month: number, dayOfMonth: number): number {
  return toEpochDay(`${year}-${pad(month)}-${pad(dayOfMonth)}`);
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

function solarDay(solar: Solar): number {
  return day(solar.getYear(), solar.getMonth(), solar.getDay());
}

/** A day of the (non-leap) lunar month `month` of the lunar year starting in `year`. */
function lunarDay(year: number, month: number, dayOfMonth: number): number {
  return solarDay(Lunar.fromYmd(year, month, dayOfMonth).getSolar());
}

/** 除夕 (the last day of the 12th lunar month: 29th or 30th) through 正月初三. */
function springFestival(year: number): number[] {
  const newYear = lunarDay(year, 1, 1);
  return [newYear - 1, newYear, newYear + 1, newYear + 2];
}

/** The day of the 清明 solar term (4, 5 or 6 April). */
function qingming(year: number): number {
  const table = Solar.fromYmd(year, 4, 15).getLunar().getJieQiTable();
  const solar = table['清明'];
  if (!solar || solar.getYear() !== year) throw new Error(`lunar-typescript has no 清明 for ${year}`);
  return solarDay(solar);
}
