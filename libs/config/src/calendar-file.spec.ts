import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import officialData from '../../domain/src/calendar/data/cn-official.json';
import { officialCalendar } from '@duban/domain/calendar';
import { calendarFileProblem, ConfigError, loadConfig, loadWorkingCalendar } from '@duban/config';

/** DUBAN_CALENDAR_FILE: a bad file stops the start naming the field; a year it adds is official. */
describe('DUBAN_CALENDAR_FILE', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'duban-calendar-file-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** The shipped data with a 2027 entry (a made-up notice, test data only). */
  const withYear2027 = (entry: unknown) => {
    const data = structuredClone(officialData) as { years: number[]; calendar: Record<string, unknown> };
    data.years.push(2027);
    data.calendar['2027'] = entry;
    return data;
  };
  const write = (name: string, content: unknown) => {
    const file = join(dir, name);
    writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
    return file;
  };

  it('a year the file adds turns from provisional to official', () => {
    expect(loadWorkingCalendar({ calendarFile: null })).toBe(officialCalendar);
    expect(officialCalendar.isProvisional('2027-02-11')).toBe(true);
    const file = write('with-2027.json', withYear2027({
      notices: ['测试用：虚构的2027年节假日安排'],
      holidays: ['05', '06', '07', '08', '09', '10', '11'].map((d) => ({ date: `2027-02-${d}`, name: '春节' })),
      makeupWorkdays: [{ date: '2027-02-20', name: '春节' }],
    }));
    const calendar = loadWorkingCalendar(loadConfig({ DUBAN_CALENDAR_FILE: file }));
    expect(calendar.isProvisional('2027-02-11')).toBe(false);
    expect(calendar.describe('2027-02-11')).toMatchObject({ kind: 'holiday', holiday: '春节' });
    expect(calendar.noticesFor(2027)).toEqual(['测试用：虚构的2027年节假日安排']);
    expect(calendar.coverage.provisionalYears).toEqual({ from: 2028, through: 2100 });
  });

  it.each([
    ['a bad day of a year', withYear2027({ holidays: [{ date: '2027-02-30', name: '春节' }], makeupWorkdays: [] }), 'calendar.2027.holidays[0]: date "2027-02-30" is not a real date'],
    ['a year listed without data', { ...structuredClone(officialData), years: [...officialData.years, 2027] }, 'calendar.2027: year 2027 is listed in "years" but has no entry'],
    ['a 调休 day on a weekday', withYear2027({ holidays: [], makeupWorkdays: [{ date: '2027-02-22', name: '春节' }] }), 'calendar.2027.makeupWorkdays[0]: date 2027-02-22 is a Monday'],
    ['not JSON', '{ "years": [2027', 'is not JSON'],
  ])('%s stops the start (loadConfig), naming the variable, the file and the field', (_, content, detail) => {
    const file = write('bad.json', content);
    let error: unknown;
    try {
      loadConfig({ DUBAN_CALENDAR_FILE: file });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual([expect.stringContaining(`DUBAN_CALENDAR_FILE=${file}`)]);
    expect((error as ConfigError).message).toContain(detail);
    expect(() => loadWorkingCalendar({ calendarFile: file })).toThrow(detail);
  });

  it('a missing file is named too', () => {
    const file = join(dir, 'missing.json');
    expect(calendarFileProblem(file)).toBe(`DUBAN_CALENDAR_FILE=${file} cannot be read (ENOENT)`);
    expect(() => loadConfig({ DUBAN_CALENDAR_FILE: file })).toThrow(ConfigError);
  });
});
