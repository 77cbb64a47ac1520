import fc from 'fast-check';
import officialData from './data/cn-official.json';
import { officialCalendar } from './official';
import { CURRENT_HOLIDAY_RULES } from './statutory-holidays';
import { CalendarCoverageError, WorkingCalendar } from './working-calendar';

type Data = { years: number[]; calendar: Record<string, unknown> };
const eod = (date: string) => `${date}T23:59:59+08:00`;
const iso = (d: Date) => d.toISOString();

/** The shipped data with some years kept, and maybe a made-up 2027 notice added. */
function calendarOf(years: number[], with2027?: unknown): WorkingCalendar {
  const data = structuredClone(officialData) as Data;
  data.calendar = Object.fromEntries(years.map((y) => [String(y), data.calendar[String(y)]]));
  data.years = [...years];
  if (with2027) {
    data.years.push(2027);
    data.calendar['2027'] = with2027;
  }
  return WorkingCalendar.fromData(data);
}

describe('provisional years: after the last official year, statutory holidays, no 调休', () => {
  it('coverage names the official years, the provisional range and the rules', () => {
    expect(officialCalendar.coverage).toEqual({
      officialYears: [2019, 2020, 2021, 2022, 2023, 2024, 2025, 2026],
      provisionalYears: { from: 2027, through: 2100 },
      provisionalRules: CURRENT_HOLIDAY_RULES,
    });
    expect([2018, 2026, 2027, 2100, 2101].map((y) => officialCalendar.isProvisionalYear(y))).toEqual([false, false, true, true, false]);
    expect(officialCalendar.isProvisional('2026-12-31')).toBe(false);
    expect(officialCalendar.isProvisional('2027-01-01')).toBe(true);
  });

  it('describe answers for a provisional day and flags it; official days carry no flag', () => {
    expect(officialCalendar.describe('2027-02-05')).toEqual({ date: '2027-02-05', isoWeekday: 5, kind: 'holiday', working: false, holiday: '春节', provisional: true });
    expect(officialCalendar.describe('2027-02-10')).toMatchObject({ kind: 'holiday', holiday: '春节', note: expect.stringContaining('补假'), provisional: true });
    expect(officialCalendar.describe('2027-02-20')).toEqual({ date: '2027-02-20', isoWeekday: 6, kind: 'weekend', working: false, provisional: true }); // no 调休上班 guessed
    expect(officialCalendar.describe('2027-02-11')).toEqual({ date: '2027-02-11', isoWeekday: 4, kind: 'workday', working: true, provisional: true });
    expect(officialCalendar.describe('2026-02-14')).toEqual({ date: '2026-02-14', isoWeekday: 6, kind: 'makeup-workday', working: true, holiday: '春节' });
  });

  it('a deadline in 2027 is no longer refused: counted across the provisional year, and flagged', () => {
    // 30 working days from Sunday 2026-12-20: Dec 21–31 has 9; 元旦 Friday 2027-01-01 is off; 21 more from Jan 4 → Monday Feb 1
    expect(officialCalendar.addWorkingDaysProvisional('2026-12-20T09:00:00+08:00', 30)).toEqual({
      deadline: new Date(eod('2027-02-01')),
      provisional: true,
      provisionalYears: [2027],
    });
    // across 春节 2027 (02-05..02-10 off): 5 working days from Wednesday 02-03 are 02-04, 02-11, 02-12, 02-15, 02-16
    expect(iso(officialCalendar.addWorkingDaysProvisional('2027-02-03T09:00:00+08:00', 5).deadline)).toBe(iso(new Date(eod('2027-02-16'))));
    expect(officialCalendar.workingDaysBetweenProvisional('2027-02-03', '2027-02-16')).toEqual({ days: 5, provisional: true, provisionalYears: [2027] });
    // an end day in a provisional year flags the answer even when no day between is classified
    expect(officialCalendar.workingDaysBetweenProvisional('2027-01-01', '2027-01-01')).toEqual({ days: 0, provisional: true, provisionalYears: [2027] });
  });

  it('inside the official years the flagged answers equal the strict ones, unflagged', () => {
    for (const [at, n] of [['2021-09-20T09:00:00+08:00', 30], ['2026-02-10T09:00:00+08:00', 5], ['2024-12-30T09:00:00+08:00', 0]] as const) {
      expect(officialCalendar.addWorkingDaysProvisional(at, n)).toEqual({ deadline: officialCalendar.addWorkingDays(at, n), provisional: false, provisionalYears: [] });
    }
    expect(officialCalendar.workingDaysBetweenProvisional('2026-01-01', '2026-12-31')).toEqual({ days: officialCalendar.workingDaysBetween('2026-01-01', '2026-12-31'), provisional: false, provisionalYears: [] });
  });

  it('the bare answers still refuse a provisional year, saying a provisional calendar exists', () => {
    let error: unknown;
    try {
      officialCalendar.addWorkingDays('2026-12-20T09:00:00+08:00', 30);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(CalendarCoverageError);
    expect(error).toMatchObject({ year: 2027, provisionalAvailable: true });
    expect((error as Error).message).toContain('only a provisional calendar (statutory holidays, no 调休) exists for 2027');
    expect(() => officialCalendar.workingDaysBetween('2026-12-01', '2027-01-05')).toThrow(CalendarCoverageError);
    expect(() => officialCalendar.isWorkingDay('2027-01-04')).toThrow(CalendarCoverageError);
  });

  it('never guesses a year before the first official one, a gap, or past 2100', () => {
    expect(() => officialCalendar.addWorkingDaysProvisional('2018-12-28T09:00:00+08:00', 1)).toThrow(/for 2018/);
    expect(() => officialCalendar.describe('2018-06-01')).toThrow(CalendarCoverageError);
    expect(() => officialCalendar.isProvisional('2101-01-01')).toThrow(/for 2101/);
    const gap = calendarOf([2019, 2021, 2022, 2023, 2024, 2025, 2026]);
    expect(() => gap.workingDaysBetweenProvisional('2019-12-01', '2021-01-05')).toThrow(/for 2020/);
  });

  it('provisional years start where the current rules do (2025), not right after an older last official year', () => {
    const upTo2021 = calendarOf([2019, 2020, 2021]);
    expect(upTo2021.coverage.provisionalYears).toEqual({ from: 2025, through: 2100 });
    expect(() => upTo2021.addWorkingDaysProvisional('2021-12-20T09:00:00+08:00', 30)).toThrow(/for 2022/);
  });

  it('a year added to the data (DUBAN_CALENDAR_FILE) turns from provisional to official', () => {
    const notice2027 = {
      notices: ['测试用：2027年通知'],
      holidays: ['05', '06', '07', '08', '09', '10', '11'].map((d) => ({ date: `2027-02-${d}`, name: '春节' })),
      makeupWorkdays: [{ date: '2027-02-20', name: '春节' }],
    };
    const with2027 = calendarOf([2019, 2020, 2021, 2022, 2023, 2024, 2025, 2026], notice2027);
    expect(with2027.isProvisionalYear(2027)).toBe(false);
    expect(with2027.coverage.provisionalYears).toEqual({ from: 2028, through: 2100 });
    expect(with2027.describe('2027-02-20')).toEqual({ date: '2027-02-20', isoWeekday: 6, kind: 'makeup-workday', working: true, holiday: '春节' });
    expect(with2027.addWorkingDaysProvisional('2027-02-03T09:00:00+08:00', 5)).toEqual({ deadline: with2027.addWorkingDays('2027-02-03T09:00:00+08:00', 5), provisional: false, provisionalYears: [] });
    expect(with2027.isWorkingDay('2027-02-11')).toBe(false); // official: the notice's day, not the provisional rules'
  });

  it('properties across official and provisional years: on a working day, inverse of the count, additive', () => {
    const ms = fc.integer({ min: Date.parse('2026-06-01T00:00:00+08:00'), max: Date.parse('2028-06-30T00:00:00+08:00') }).map((m) => new Date(m));
    fc.assert(
      fc.property(ms, ms, fc.integer({ min: 1, max: 60 }), (a, b, n) => {
        const { deadline, provisional } = officialCalendar.addWorkingDaysProvisional(a, n);
        const date = new Date(deadline.getTime() + 8 * 3600_000).toISOString().slice(0, 10);
        expect(officialCalendar.describe(date).working).toBe(true);
        expect(officialCalendar.workingDaysBetweenProvisional(a, deadline)).toMatchObject({ days: n, provisional });
        const there = officialCalendar.workingDaysBetweenProvisional(a, b).days;
        expect(officialCalendar.workingDaysBetweenProvisional(b, a).days).toBe(there === 0 ? 0 : -there); // the count never answers -0
        expect(officialCalendar.workingDaysBetweenProvisional(a, deadline).days + officialCalendar.workingDaysBetweenProvisional(deadline, b).days).toBe(there);
      }),
      { numRuns: 300 },
    );
  });
});
