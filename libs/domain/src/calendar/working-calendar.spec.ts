import {
  CalendarCoverageError,
  WorkingCalendar,
  addWorkingDays,
  isWorkingDay,
  officialCalendar,
  workingDaysBetween,
} from '@duban/domain/calendar';
import officialData from './data/cn-official.json';

/** Every local date from `from` to `to`, inclusive. */
function datesFrom(from: string, to: string): string[] {
  const out: string[] = [];
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.parse(`${to}T00:00:00Z`); t += 86_400_000) {
    out.push(new Date(t).toISOString().slice(0, 10));
  }
  return out;
}

/** Deadline instant at 23:59:59 Beijing time of a local date. */
const eod = (date: string): string => new Date(`${date}T23:59:59+08:00`).toISOString();

describe('official calendar: known dates from the State Council notices', () => {
  it('covers 2019-2026', () => {
    expect(officialCalendar.coveredYears).toEqual([2019, 2020, 2021, 2022, 2023, 2024, 2025, 2026]);
  });

  it('plain weeks: Monday-Friday work, Saturday-Sunday rest', () => {
    expect(isWorkingDay('2021-03-08')).toBe(true); // Monday
    expect(isWorkingDay('2021-03-12')).toBe(true); // Friday
    expect(isWorkingDay('2021-03-13')).toBe(false); // Saturday
    expect(isWorkingDay('2021-03-14')).toBe(false); // Sunday
    expect(officialCalendar.describe('2021-03-14')).toEqual({
      date: '2021-03-14',
      isoWeekday: 7,
      kind: 'weekend',
      working: false,
    });
  });

  it('2021 Spring Festival: 2021-02-11..17 off, Sunday 02-07 and Saturday 02-20 worked', () => {
    for (const date of datesFrom('2021-02-11', '2021-02-17')) {
      expect([date, isWorkingDay(date), officialCalendar.holidayName(date)]).toEqual([date, false, '春节']);
    }
    expect(isWorkingDay('2021-02-07')).toBe(true);
    expect(isWorkingDay('2021-02-20')).toBe(true);
    expect(officialCalendar.describe('2021-02-07')).toEqual({
      date: '2021-02-07',
      isoWeekday: 7,
      kind: 'makeup-workday',
      working: true,
      holiday: '春节',
    });
    expect(isWorkingDay('2021-02-10')).toBe(true); // 除夕 eve Wednesday, a working day in 2021
    expect(isWorkingDay('2021-02-18')).toBe(true);
  });

  it('2021 National Day: 10-01..07 off, Sunday 09-26 and Saturday 10-09 worked', () => {
    for (const date of datesFrom('2021-10-01', '2021-10-07')) {
      expect([date, isWorkingDay(date), officialCalendar.holidayName(date)]).toEqual([date, false, '国庆节']);
    }
    expect(isWorkingDay('2021-09-26')).toBe(true);
    expect(isWorkingDay('2021-10-09')).toBe(true);
    expect(isWorkingDay('2021-10-10')).toBe(false); // the Sunday after stays a rest day
    expect(isWorkingDay('2021-10-08')).toBe(true);
  });

  it('2021 Mid-Autumn: Saturday 09-18 worked, 09-19..21 off', () => {
    expect(isWorkingDay('2021-09-18')).toBe(true);
    for (const date of datesFrom('2021-09-19', '2021-09-21')) expect(isWorkingDay(date)).toBe(false);
  });

  it('2020 Spring Festival: 01-24..02-02 off, incl. the COVID extension (国办发明电〔2020〕1号)', () => {
    for (const date of datesFrom('2020-01-24', '2020-02-02')) {
      expect([date, isWorkingDay(date), officialCalendar.holidayName(date)]).toEqual([date, false, '春节']);
    }
    // The original notice ended the break on 01-30 with Saturday 02-01 as a working day;
    // the separate extension notice made 01-31..02-02 days off and cancelled that 调休.
    expect(officialCalendar.describe('2020-02-01')).toMatchObject({ kind: 'holiday', working: false });
    expect(officialCalendar.describe('2020-01-31').note).toMatch(/国办发明电〔2020〕1号/);
    expect(isWorkingDay('2020-01-19')).toBe(true); // the Sunday 调休 before the festival still applied
    expect(isWorkingDay('2020-02-03')).toBe(true);
    expect(officialCalendar.noticesFor(2020).join('\n')).toMatch(/延长2020年春节假期/);
  });

  it('2019 Labour Day follows the amending notice: 05-01..04 off, 04-28 and 05-05 worked', () => {
    for (const date of datesFrom('2019-05-01', '2019-05-04')) expect(isWorkingDay(date)).toBe(false);
    expect(isWorkingDay('2019-04-28')).toBe(true);
    expect(isWorkingDay('2019-05-05')).toBe(true);
  });

  it('2024: Sundays 02-04 and 02-18 worked, 02-10..17 off, 除夕 02-09 a working day', () => {
    expect(officialCalendar.describe('2024-02-04')).toMatchObject({ isoWeekday: 7, kind: 'makeup-workday' });
    expect(officialCalendar.describe('2024-02-18')).toMatchObject({ isoWeekday: 7, kind: 'makeup-workday' });
    for (const date of datesFrom('2024-02-10', '2024-02-17')) expect(isWorkingDay(date)).toBe(false);
    expect(isWorkingDay('2024-02-09')).toBe(true); // the notice only "encourages" leave on 除夕
  });

  it('2025: 01-26 (Sunday) and 02-08 (Saturday) worked, 01-28..02-04 off', () => {
    expect(isWorkingDay('2025-01-26')).toBe(true);
    expect(isWorkingDay('2025-02-08')).toBe(true);
    for (const date of datesFrom('2025-01-28', '2025-02-04')) expect(isWorkingDay(date)).toBe(false);
    expect(isWorkingDay('2025-01-27')).toBe(true);
    expect(isWorkingDay('2025-02-05')).toBe(true);
    expect(isWorkingDay('2025-01-01')).toBe(false);
    expect(isWorkingDay('2025-04-27')).toBe(true); // Labour Day 调休
    expect(isWorkingDay('2025-05-05')).toBe(false);
  });

  it('2026 per the notice of 2025-11-04', () => {
    for (const date of datesFrom('2026-01-01', '2026-01-03')) expect(isWorkingDay(date)).toBe(false);
    expect(isWorkingDay('2026-01-04')).toBe(true); // Sunday
    for (const date of datesFrom('2026-02-15', '2026-02-23')) expect(officialCalendar.holidayName(date)).toBe('春节');
    expect(isWorkingDay('2026-02-14')).toBe(true); // Saturday
    expect(isWorkingDay('2026-02-28')).toBe(true); // Saturday
    expect(isWorkingDay('2026-02-24')).toBe(true);
    for (const date of datesFrom('2026-04-04', '2026-04-06')) expect(isWorkingDay(date)).toBe(false);
    for (const date of datesFrom('2026-05-01', '2026-05-05')) expect(isWorkingDay(date)).toBe(false);
    expect(isWorkingDay('2026-05-09')).toBe(true);
    for (const date of datesFrom('2026-06-19', '2026-06-21')) expect(isWorkingDay(date)).toBe(false);
    for (const date of datesFrom('2026-09-25', '2026-09-27')) expect(isWorkingDay(date)).toBe(false);
    expect(isWorkingDay('2026-09-20')).toBe(true);
    for (const date of datesFrom('2026-10-01', '2026-10-07')) expect(isWorkingDay(date)).toBe(false);
    expect(isWorkingDay('2026-10-08')).toBe(true);
    expect(isWorkingDay('2026-10-10')).toBe(true);
  });

  it('Spring Festival break lengths match the notices (共N天)', () => {
    const lengths = officialCalendar.coveredYears.map((year) => {
      const days = datesFrom(`${year}-01-01`, `${year}-12-31`);
      return [year, days.filter((d) => officialCalendar.holidayName(d) === '春节').length];
    });
    expect(lengths).toEqual([
      [2019, 7],
      [2020, 10], // 7 + 3 days of the COVID extension
      [2021, 7],
      [2022, 7],
      [2023, 7],
      [2024, 8],
      [2025, 8],
      [2026, 9],
    ]);
  });

  it('weekdays lost per year equal the statutory holidays (11 days; 13 from 2025; 2020 +2 by the extension)', () => {
    // Independent invariant of the 调休 system: each statutory holiday that falls on a
    // weekend is given back on a weekday, and every 调休 break is paid back by worked weekends.
    const lost = officialCalendar.coveredYears.map((year) => {
      const days = datesFrom(`${year}-01-01`, `${year}-12-31`);
      const weekdays = days.filter((d) => ![0, 6].includes(new Date(`${d}T00:00:00Z`).getUTCDay())).length;
      return [year, weekdays - days.filter((d) => isWorkingDay(d)).length];
    });
    expect(lost).toEqual([
      [2019, 11],
      [2020, 13],
      [2021, 11],
      [2022, 11],
      [2023, 11],
      [2024, 11],
      [2025, 13],
      [2026, 13],
    ]);
  });

  it('a 元旦 break starting in late December is recorded under the December year', () => {
    expect(officialCalendar.holidayName('2022-12-31')).toBe('元旦'); // from the 2023 notice
    expect(officialCalendar.holidayName('2023-01-02')).toBe('元旦'); // Monday given back for Sunday 01-01
    expect(isWorkingDay('2023-01-02')).toBe(false);
  });
});

describe('years outside the data throw, naming the year', () => {
  it.each([
    ['2018-12-31', 2018],
    ['2027-01-04', 2027],
    ['1999-06-01', 1999],
  ])('isWorkingDay(%s)', (date, year) => {
    expect(() => isWorkingDay(date)).toThrow(CalendarCoverageError);
    expect(() => isWorkingDay(date)).toThrow(`no official holiday data for ${year} (covered years: 2019–2026)`);
  });

  it('addWorkingDays running past 2026 throws for 2027', () => {
    expect(addWorkingDays('2026-12-30T10:00:00+08:00', 1).toISOString()).toBe('2026-12-31T15:59:59.000Z');
    expect(() => addWorkingDays('2026-12-30T10:00:00+08:00', 2)).toThrow(/for 2027/);
    expect(() => addWorkingDays('2027-01-04T10:00:00+08:00', 0)).toThrow(/for 2027/);
  });

  it('workingDaysBetween with an end in an uncovered year throws, even for the same day', () => {
    expect(() => workingDaysBetween('2018-12-28', '2019-01-02')).toThrow(/for 2018/);
    expect(() => workingDaysBetween('2026-12-01', '2027-01-05')).toThrow(/for 2027/);
    expect(() => workingDaysBetween('2030-05-01', '2030-05-01')).toThrow(/for 2030/);
    try {
      isWorkingDay('2027-03-01');
      throw new Error('expected a throw');
    } catch (error) {
      expect(error).toBeInstanceOf(CalendarCoverageError);
      expect((error as CalendarCoverageError).year).toBe(2027);
    }
  });

  it('a calendar with non-contiguous years names the gap', () => {
    const data = structuredClone(officialData) as { years: number[]; calendar: Record<string, unknown> };
    data.years = [2019, 2021];
    data.calendar = { 2019: data.calendar['2019'], 2021: data.calendar['2021'] };
    const calendar = WorkingCalendar.fromData(data);
    expect(calendar.isWorkingDay('2021-02-07')).toBe(true);
    expect(() => workingDaysBetween('2019-12-01', '2021-01-05')).not.toThrow();
    expect(() => calendar.workingDaysBetween('2019-12-01', '2021-01-05')).toThrow(
      'no official holiday data for 2020 (covered years: 2019, 2021)',
    );
  });
});

describe('addWorkingDays (deadline = 23:59:59 Beijing time of the n-th working day after the start day)', () => {
  it('counts from the day after, ending at 23:59:59 +08:00', () => {
    // Monday 2021-03-08 10:00 → Wednesday 03-10 23:59:59
    expect(addWorkingDays('2021-03-08T10:00:00+08:00', 2).toISOString()).toBe(eod('2021-03-10'));
    expect(eod('2021-03-10')).toBe('2021-03-10T15:59:59.000Z');
  });

  it('uses the Beijing date of the instant, not the UTC date', () => {
    // 2021-03-07T17:00Z is Monday 01:00 in Beijing (Sunday in UTC)
    expect(addWorkingDays('2021-03-07T17:00:00Z', 1).toISOString()).toBe(eod('2021-03-09'));
    expect(addWorkingDays(new Date('2021-03-07T15:59:59.999Z'), 1).toISOString()).toBe(eod('2021-03-08'));
  });

  it('skips weekends: Friday + 1 = Monday; Saturday + 1 = Monday', () => {
    expect(addWorkingDays('2021-03-12T09:00:00+08:00', 1).toISOString()).toBe(eod('2021-03-15'));
    expect(addWorkingDays('2021-03-13T09:00:00+08:00', 1).toISOString()).toBe(eod('2021-03-15'));
  });

  it('counts 调休 working weekends: Friday 2021-02-05 + 1 = Sunday 02-07', () => {
    expect(addWorkingDays('2021-02-05T09:00:00+08:00', 1).toISOString()).toBe(eod('2021-02-07'));
  });

  it('across the 2021 Spring Festival: 02-10 + 1 = 02-18, + 2 = 02-19, + 3 = Saturday 02-20', () => {
    expect(addWorkingDays('2021-02-10T09:00:00+08:00', 1).toISOString()).toBe(eod('2021-02-18'));
    expect(addWorkingDays('2021-02-10T09:00:00+08:00', 2).toISOString()).toBe(eod('2021-02-19'));
    expect(addWorkingDays('2021-02-10T09:00:00+08:00', 3).toISOString()).toBe(eod('2021-02-20'));
    expect(addWorkingDays('2021-02-10T09:00:00+08:00', 4).toISOString()).toBe(eod('2021-02-22'));
  });

  it('across the 2020 extended Spring Festival: 2020-01-23 + 1 = 2020-02-03', () => {
    expect(addWorkingDays('2020-01-23T18:00:00+08:00', 1).toISOString()).toBe(eod('2020-02-03'));
  });

  it('across National Day 2021: 09-30 + 1 = 10-08, + 2 = Saturday 10-09', () => {
    expect(addWorkingDays('2021-09-30T12:00:00+08:00', 1).toISOString()).toBe(eod('2021-10-08'));
    expect(addWorkingDays('2021-09-30T12:00:00+08:00', 2).toISOString()).toBe(eod('2021-10-09'));
  });

  it('"10 working days" from Monday 2021-03-01 is Monday 03-15 (two full weeks after)', () => {
    expect(addWorkingDays('2021-03-01T08:30:00+08:00', 10).toISOString()).toBe(eod('2021-03-15'));
  });

  it('across a year boundary: 2021-12-30 + 2 = 2022-01-04 (元旦 01-01..03)', () => {
    expect(addWorkingDays('2021-12-30T09:00:00+08:00', 2).toISOString()).toBe(eod('2022-01-04'));
  });

  it('n = 0: end of the same day if working, else of the next working day', () => {
    expect(addWorkingDays('2021-03-08T10:00:00+08:00', 0).toISOString()).toBe(eod('2021-03-08'));
    expect(addWorkingDays('2021-02-07T10:00:00+08:00', 0).toISOString()).toBe(eod('2021-02-07')); // 调休 Sunday
    expect(addWorkingDays('2021-03-13T10:00:00+08:00', 0).toISOString()).toBe(eod('2021-03-15')); // Saturday
    expect(addWorkingDays('2021-10-01T10:00:00+08:00', 0).toISOString()).toBe(eod('2021-10-08'));
  });

  it('accepts a Date and a bare local date', () => {
    expect(addWorkingDays(new Date('2021-03-08T02:00:00Z'), 1).toISOString()).toBe(eod('2021-03-09'));
    expect(addWorkingDays('2021-03-08', 1).toISOString()).toBe(eod('2021-03-09'));
  });

  it.each([-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY])('rejects n = %p', (n) => {
    expect(() => addWorkingDays('2021-03-08T10:00:00+08:00', n)).toThrow(RangeError);
  });

  it('rejects invalid instants', () => {
    expect(() => addWorkingDays(new Date(Number.NaN), 1)).toThrow(/Invalid instant/);
    expect(() => addWorkingDays('2021-03-08T10:00:00', 1)).toThrow(/with a zone/); // no offset: ambiguous
    expect(() => addWorkingDays('next monday', 1)).toThrow(/Invalid instant/);
    expect(() => addWorkingDays('2021-02-30T10:00:00Z', 1)).toThrow(/Invalid instant/);
  });
});

describe('workingDaysBetween (signed; start day excluded, end day included)', () => {
  it('same local date is 0, whatever the times', () => {
    expect(workingDaysBetween('2021-03-08T00:00:00+08:00', '2021-03-08T23:59:59+08:00')).toBe(0);
    expect(workingDaysBetween('2021-03-08T23:00:00+08:00', '2021-03-08T01:00:00+08:00')).toBe(0);
    expect(workingDaysBetween('2021-03-13', '2021-03-13')).toBe(0); // a Saturday
  });

  it('next day: 1 if it is a working day, else 0', () => {
    expect(workingDaysBetween('2021-03-08T23:00:00+08:00', '2021-03-09T01:00:00+08:00')).toBe(1);
    expect(workingDaysBetween('2021-03-12', '2021-03-13')).toBe(0); // Friday → Saturday
  });

  it('over a weekend: Friday → Monday is 1; Saturday → Sunday is 0', () => {
    expect(workingDaysBetween('2021-03-12', '2021-03-15')).toBe(1);
    expect(workingDaysBetween('2021-03-13', '2021-03-14')).toBe(0);
  });

  it('is signed: reversed arguments give the negative', () => {
    expect(workingDaysBetween('2021-03-15', '2021-03-12')).toBe(-1);
    expect(workingDaysBetween('2021-03-01', '2021-03-12')).toBe(9);
    expect(workingDaysBetween('2021-03-12', '2021-03-01')).toBe(-9);
  });

  it('counts 调休 weekend days: 2021-02-05 (Fri) → 02-08 (Mon) is 2 (Sunday 02-07 worked)', () => {
    expect(workingDaysBetween('2021-02-05', '2021-02-08')).toBe(2);
    expect(workingDaysBetween('2021-10-08', '2021-10-11')).toBe(2); // Saturday 10-09 worked
  });

  it('across the Spring Festival: 2021-02-10 → 02-22 is 4 (02-18, 19, Saturday 20, 22)', () => {
    expect(workingDaysBetween('2021-02-10', '2021-02-22')).toBe(4);
    expect(workingDaysBetween('2021-02-10', '2021-02-17')).toBe(0); // entirely inside the break
    expect(workingDaysBetween('2020-01-23', '2020-02-03')).toBe(1); // 2020 with the extension
    expect(workingDaysBetween('2026-02-13', '2026-03-02')).toBe(7); // 02-14, 24..27, 28, 03-02
  });

  it('"3 working days before the deadline": deadline Wednesday 2021-03-10', () => {
    const deadline = eod('2021-03-10');
    expect(workingDaysBetween('2021-03-07T09:00:00+08:00', deadline)).toBe(3); // Sunday
    expect(workingDaysBetween('2021-03-05T09:00:00+08:00', deadline)).toBe(3); // Friday: Mon, Tue, Wed
    expect(workingDaysBetween('2021-03-10T09:00:00+08:00', deadline)).toBe(0); // deadline day
  });

  it('"N working days overdue": deadline Thursday 2021-09-30, before National Day', () => {
    const deadline = eod('2021-09-30');
    expect(workingDaysBetween(deadline, '2021-10-03T10:00:00+08:00')).toBe(0);
    expect(workingDaysBetween(deadline, '2021-10-08T10:00:00+08:00')).toBe(1);
    expect(workingDaysBetween(deadline, '2021-10-09T10:00:00+08:00')).toBe(2);
  });

  it('uses Beijing dates: 15:59:59Z and 16:00:00Z are different days', () => {
    expect(workingDaysBetween('2021-03-08T15:59:59Z', '2021-03-08T16:00:00Z')).toBe(1);
  });

  it('a full year: working days of 2021 = 250', () => {
    expect(workingDaysBetween('2020-12-31', '2021-12-31')).toBe(250);
    expect(workingDaysBetween('2024-12-31', '2025-12-31')).toBe(248); // 13 statutory days from 2025
  });
});

describe('nextWorkingDay', () => {
  it('is strictly after the date and skips holidays', () => {
    expect(officialCalendar.nextWorkingDay('2021-02-05')).toBe('2021-02-07');
    expect(officialCalendar.nextWorkingDay('2021-10-01')).toBe('2021-10-08');
    expect(officialCalendar.nextWorkingDay('2021-03-08')).toBe('2021-03-09');
  });
});
