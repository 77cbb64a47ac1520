import { CalendarDataError, WorkingCalendar } from '@duban/domain/calendar';
import officialData from './data/cn-official.json';

type MutableYear = {
  notices?: unknown;
  holidays: Array<Record<string, unknown>>;
  makeupWorkdays: Array<Record<string, unknown>>;
};
type MutableData = { timeZone: unknown; years: unknown[]; calendar: Record<string, MutableYear> };

/** A deep copy of the shipped data, to break in one place. */
const copy = (): MutableData => structuredClone(officialData) as unknown as MutableData;

function expectDataError(data: unknown, path: string, message: RegExp): void {
  let error: unknown;
  try {
    WorkingCalendar.fromData(data);
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(CalendarDataError);
  expect((error as CalendarDataError).path).toBe(path);
  expect((error as Error).message).toMatch(message);
}

describe('WorkingCalendar.fromData validation', () => {
  it('accepts the shipped data', () => {
    expect(() => WorkingCalendar.fromData(officialData)).not.toThrow();
  });

  it('accepts a newer file without code changes (e.g. a 2027 added)', () => {
    const data = copy();
    data.years.push(2027);
    data.calendar['2027'] = {
      holidays: [{ date: '2027-01-01', name: '元旦' }],
      makeupWorkdays: [{ date: '2027-01-09', name: '测试' }], // a Saturday
    };
    const calendar = WorkingCalendar.fromData(data);
    expect(calendar.coveredYears).toContain(2027);
    expect(calendar.isWorkingDay('2027-01-01')).toBe(false);
    expect(calendar.isWorkingDay('2027-01-09')).toBe(true);
    expect(calendar.isWorkingDay('2027-01-04')).toBe(true);
  });

  it('rejects a non-object and a wrong time zone', () => {
    expectDataError(null, '(root)', /JSON object/);
    expectDataError([], '(root)', /JSON object/);
    const data = copy();
    data.timeZone = 'UTC';
    expectDataError(data, 'timeZone', /Asia\/Shanghai/);
  });

  it('rejects bad year lists', () => {
    const empty = copy();
    empty.years = [];
    expectDataError(empty, 'years', /non-empty/);
    const notANumber = copy();
    notANumber.years[2] = '2021';
    expectDataError(notANumber, 'years[2]', /four-digit year, got "2021"/);
    const twice = copy();
    twice.years.push(2021);
    expectDataError(twice, 'years[8]', /2021 is listed twice/);
    const dst = copy();
    dst.years.push(1991);
    dst.calendar['1991'] = { holidays: [], makeupWorkdays: [] };
    expectDataError(dst, 'years[8]', /1991.*DST/);
  });

  it('rejects a listed year without data, and data for an unlisted year', () => {
    const missing = copy();
    delete (missing.calendar as Record<string, unknown>)['2023'];
    expectDataError(missing, 'calendar.2023', /2023 is listed in "years" but has no entry/);
    const unlisted = copy();
    unlisted.calendar['2027'] = { holidays: [], makeupWorkdays: [] };
    expectDataError(unlisted, 'calendar.2027', /"years" does not list it/);
  });

  it('rejects malformed dates, naming the entry', () => {
    const data = copy();
    data.calendar['2021']!.holidays[3]!.date = '2021-02-30';
    expectDataError(data, 'calendar.2021.holidays[3]', /"2021-02-30" is not a real date/);
    const shape = copy();
    shape.calendar['2021']!.makeupWorkdays[0]!.date = '2021/02/07';
    expectDataError(shape, 'calendar.2021.makeupWorkdays[0]', /"2021\/02\/07"/);
  });

  it('rejects a date filed under the wrong year', () => {
    const data = copy();
    data.calendar['2021']!.holidays.push({ date: '2022-01-03', name: '元旦' });
    expectDataError(data, `calendar.2021.holidays[${data.calendar['2021']!.holidays.length - 1}]`, /not in 2021/);
  });

  it('rejects a date that is both holiday and makeup working day', () => {
    const data = copy();
    data.calendar['2021']!.makeupWorkdays.push({ date: '2021-10-02', name: '国庆节' }); // a Saturday holiday
    expectDataError(
      data,
      `calendar.2021.makeupWorkdays[${data.calendar['2021']!.makeupWorkdays.length - 1}]`,
      /2021-10-02 is listed both as a holiday and as a makeup working day/,
    );
  });

  it('rejects a makeup working day that is not a weekend day', () => {
    const data = copy();
    data.calendar['2021']!.makeupWorkdays[0]!.date = '2021-02-08';
    expectDataError(data, 'calendar.2021.makeupWorkdays[0]', /2021-02-08 is a Monday.*Saturday or Sunday/);
  });

  it('rejects duplicates, missing names and bad notes', () => {
    const dup = copy();
    dup.calendar['2022']!.holidays.push({ date: '2022-10-01', name: '国庆节' });
    expectDataError(dup, `calendar.2022.holidays[${dup.calendar['2022']!.holidays.length - 1}]`, /listed twice/);
    const noName = copy();
    noName.calendar['2022']!.holidays[0]!.name = ' ';
    expectDataError(noName, 'calendar.2022.holidays[0]', /non-empty holiday "name"/);
    const note = copy();
    note.calendar['2022']!.holidays[0]!.note = 42;
    expectDataError(note, 'calendar.2022.holidays[0]', /"note" must be a string/);
    const notices = copy();
    notices.calendar['2022']!.notices = 'x';
    expectDataError(notices, 'calendar.2022.notices', /array of strings/);
    const list = copy();
    (list.calendar['2022'] as unknown as Record<string, unknown>).holidays = undefined;
    expectDataError(list, 'calendar.2022.holidays', /expected an array/);
  });
});
