import { Lunar, Solar } from 'lunar-typescript';
import officialData from './data/cn-official.json';
import { officialCalendar } from './official';
import { WorkingCalendar } from './working-calendar';
import { isWeekendEpochDay, toEpochDay } from './local-date';
import { MAKEUP_DAY_OFF_NOTE, statutoryHolidays } from './statutory-holidays';

const list = (year: number) => statutoryHolidays(year).map((e) => `${e.date} ${e.name}${e.note ? ' 补假' : ''}`);

describe('statutory holidays computed from the 放假办法 (2024 amendment, in force 2025)', () => {
  it('2027: 元旦, 春节 from 除夕, 清明, 劳动节, 端午, 中秋, 国庆, each weekend day made up on the next free weekday', () => {
    expect(list(2027)).toEqual([
      '2027-01-01 元旦', // Friday
      '2027-02-05 春节', // 除夕 (腊月廿九: the 12th month of 丙午 has 29 days), Friday
      '2027-02-06 春节', // 正月初一, Saturday
      '2027-02-07 春节', // 初二, Sunday
      '2027-02-08 春节', // 初三, Monday
      '2027-02-09 春节 补假', // for Saturday 02-06
      '2027-02-10 春节 补假', // for Sunday 02-07
      '2027-04-05 清明节', // the 清明 solar term, Monday
      '2027-05-01 劳动节', // Saturday
      '2027-05-02 劳动节', // Sunday
      '2027-05-03 劳动节 补假',
      '2027-05-04 劳动节 补假',
      '2027-06-09 端午节', // 五月初五, Wednesday
      '2027-09-15 中秋节', // 八月十五, Wednesday
      '2027-10-01 国庆节', // Friday
      '2027-10-02 国庆节', // Saturday
      '2027-10-03 国庆节', // Sunday
      '2027-10-04 国庆节 补假',
      '2027-10-05 国庆节 补假',
    ]);
    expect(statutoryHolidays(2027).find((e) => e.date === '2027-02-09')!.note).toBe(MAKEUP_DAY_OFF_NOTE);
  });

  it('the 2027 lunar dates, read back through the library', () => {
    const lunar = (date: string) => Solar.fromYmd(...(date.split('-').map(Number) as [number, number, number])).getLunar();
    const eve = lunar('2027-02-05');
    expect([eve.getMonth(), eve.getDay()]).toEqual([12, 29]); // the last day of 腊月 (no 三十 in 2027)
    expect([lunar('2027-02-06').getMonth(), lunar('2027-02-06').getDay()]).toEqual([1, 1]);
    expect([lunar('2027-06-09').getMonth(), lunar('2027-06-09').getDay()]).toEqual([5, 5]);
    expect([lunar('2027-09-15').getMonth(), lunar('2027-09-15').getDay()]).toEqual([8, 15]);
    expect(lunar('2027-04-05').getJieQi()).toBe('清明');
  });

  it('除夕 is the day before 正月初一, whether 腊月 has 29 or 30 days', () => {
    for (const [year, eve, lastDay] of [[2027, '2027-02-05', 29], [2030, '2030-02-02', 30], [2033, '2033-01-30', 30]] as const) {
      expect(statutoryHolidays(year).filter((e) => e.name === '春节')[0]!.date).toBe(eve);
      const lunar = Lunar.fromYmd(year, 1, 1).next(-1);
      expect([lunar.getMonth(), lunar.getDay()]).toEqual([12, lastDay]);
    }
  });

  it('a day holding two holidays gives one day back (中秋 on 10月3日, 2028)', () => {
    expect(list(2028).filter((d) => d.includes('-10-'))).toEqual([
      '2028-10-01 国庆节', // Sunday
      '2028-10-02 国庆节',
      '2028-10-03 中秋节、国庆节',
      '2028-10-04 国庆节 补假', // for Sunday 10-01
      '2028-10-05 国庆节 补假', // for the shared 10-03
    ]);
  });

  it('is computed only under the rules in force (2025–2100)', () => {
    expect(() => statutoryHolidays(2024)).toThrow(RangeError);
    expect(() => statutoryHolidays(2101)).toThrow(RangeError);
  });
});

/**
 * The provisional rules against the real notices: every provisional day off is
 * an official day off, and what the notice adds beyond them is 调休 only — each
 * break's extra weekdays off are paid for by as many 调休上班 weekend days. So a
 * provisional year has exactly the official number of working days; only their
 * placement around the breaks differs.
 */
describe.each([2025, 2026])('provisional %i against the official notice', (year) => {
  const official = new Map<string, string>();
  for (let d = toEpochDay(`${year}-01-01`); d <= toEpochDay(`${year}-12-31`); d++) {
    const info = officialCalendar.describe(new Date(d * 86_400_000).toISOString().slice(0, 10));
    if (info.kind === 'holiday' || info.kind === 'makeup-workday') official.set(info.date, `${info.kind} ${info.holiday}`);
  }
  const provisional = statutoryHolidays(year);

  it('every provisional day off (statutory and 补假) is an official 放假 day', () => {
    for (const { date } of provisional) expect([date, official.get(date)?.split(' ')[0]]).toEqual([date, 'holiday']);
  });

  it("the official break days beyond them fall on weekends or are paid for by the break's 调休上班 days", () => {
    const provisionalDates = new Set(provisional.map((e) => e.date));
    const extraWeekdays = new Map<string, number>();
    const makeups = new Map<string, number>();
    for (const [date, what] of official) {
      const [kind, name] = what.split(' ') as [string, string];
      if (kind === 'makeup-workday') makeups.set(name, (makeups.get(name) ?? 0) + 1);
      else if (!provisionalDates.has(date) && !isWeekendEpochDay(toEpochDay(date))) extraWeekdays.set(name, (extraWeekdays.get(name) ?? 0) + 1);
    }
    expect(extraWeekdays).toEqual(makeups);
  });

  it('so the year has as many working days provisionally as officially', () => {
    const provisionalCalendar = officialCalendarUpTo(year - 1);
    const from = `${year - 1}-12-31T12:00:00+08:00`;
    const to = `${year}-12-31T12:00:00+08:00`;
    expect(provisionalCalendar.workingDaysBetweenProvisional(from, to)).toEqual({
      days: officialCalendar.workingDaysBetween(from, to),
      provisional: true,
      provisionalYears: [year],
    });
  });
});

/** The shipped calendar cut after `lastYear`, so the following year is provisional. */
function officialCalendarUpTo(lastYear: number): WorkingCalendar {
  const data = structuredClone(officialData) as { years: number[]; calendar: Record<string, unknown> };
  data.years = data.years.filter((y) => y <= lastYear);
  for (const key of Object.keys(data.calendar)) if (Number(key) > lastYear) delete data.calendar[key];
  return WorkingCalendar.fromData(data);
}
