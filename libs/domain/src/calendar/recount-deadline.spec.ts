import { countedIssueDeadline } from '../issue/deadline-policy';
import officialData from './data/cn-official.json';
import { officialCalendar } from './official';
import { recountDeadline } from './recount-deadline';
import type { WorkingDayDeadline } from './recount-deadline';
import { WorkingCalendar } from './working-calendar';

/**
 * The shipped calendar plus a MADE-UP 2027 notice (test data, not the real
 * notice): 春节 02-05..02-11 off (除夕 to 初六), Saturday 02-20 worked (调休上班).
 */
const with2027 = (() => {
  const data = structuredClone(officialData) as { years: number[]; calendar: Record<string, unknown> };
  data.years.push(2027);
  data.calendar['2027'] = {
    notices: ['测试用：虚构的2027年节假日安排'],
    holidays: ['05', '06', '07', '08', '09', '10', '11'].map((d) => ({ date: `2027-02-${d}`, name: '春节' })),
    makeupWorkdays: [{ date: '2027-02-20', name: '春节' }],
  };
  return WorkingCalendar.fromData(data);
})();

/** How the issue handler would count an urgency's deadline on the shipped calendar. */
const counted = (at: string, urgency: 'urgent' | 'normal' | 'complex') =>
  countedIssueDeadline(urgency, at, (from, n) => officialCalendar.addWorkingDaysProvisional(from, n));

describe('recountDeadline (official data replaces a provisional year)', () => {
  it('given a deadline counted across provisional 2027, when the notice moves a day it used, then it moves, naming the day', () => {
    const record = counted('2027-02-03T09:00:00+08:00', 'urgent'); // 5 working days
    expect(record).toEqual({ from: '2027-02-03T09:00:00+08:00', workingDays: 5, deadline: '2027-02-16T23:59:59+08:00', provisionalYears: [2027] });
    expect(recountDeadline(record, officialCalendar, with2027)).toEqual({
      kind: 'recounted',
      previousDeadline: '2027-02-16T23:59:59+08:00',
      deadline: '2027-02-17T23:59:59+08:00', // 02-11 is off now: 02-04, 02-12, 02-15, 02-16, 02-17
      moved: true,
      from: '2027-02-03T09:00:00+08:00',
      workingDays: 5,
      nowOfficialYears: [2027],
      provisionalYears: [],
      reclassifiedDays: [{ date: '2027-02-11', before: 'workday', after: 'holiday', holiday: '春节' }],
    });
  });

  it('given a span where the notice swaps days (a day off paid for by a 调休 Saturday), the deadline stays but is no longer provisional', () => {
    const record = counted('2027-01-27T09:00:00+08:00', 'normal'); // 15 working days, across 春节 and past 02-20
    expect(record.deadline).toBe('2027-02-23T23:59:59+08:00');
    const recount = recountDeadline(record, officialCalendar, with2027);
    expect(recount).toMatchObject({ kind: 'recounted', deadline: record.deadline, moved: false, provisionalYears: [] });
    expect(recount.kind === 'recounted' && recount.reclassifiedDays).toEqual([
      { date: '2027-02-11', before: 'workday', after: 'holiday', holiday: '春节' },
      { date: '2027-02-20', before: 'weekend', after: 'makeup-workday', holiday: '春节' },
    ]);
  });

  it('a count reaching into a year still provisional keeps that year flagged', () => {
    const record = counted('2027-12-10T09:00:00+08:00', 'complex');
    expect(record.provisionalYears).toEqual([2027, 2028]);
    expect(recountDeadline(record, officialCalendar, with2027)).toMatchObject({ kind: 'recounted', nowOfficialYears: [2027], provisionalYears: [2028] });
  });

  it('leaves official counts and counts whose provisional years are still provisional alone', () => {
    expect(recountDeadline(counted('2026-06-01T09:00:00+08:00', 'complex'), officialCalendar, with2027)).toEqual({ kind: 'unchanged', reason: 'official' });
    const only2028: WorkingDayDeadline = { from: '2028-03-01T09:00:00+08:00', workingDays: 5, deadline: '2028-03-08T23:59:59+08:00', provisionalYears: [2028] };
    expect(recountDeadline(only2028, officialCalendar, with2027)).toEqual({ kind: 'unchanged', reason: 'still-provisional' });
  });

  it('officialThrough rebuilds the calendar a recorded deadline was counted with', () => {
    const previous = with2027.officialThrough(2026);
    expect(previous.coverage).toEqual(officialCalendar.coverage);
    for (const [at, n] of [['2027-02-03T09:00:00+08:00', 5], ['2026-12-20T09:00:00+08:00', 30], ['2021-09-20T09:00:00+08:00', 30]] as const) {
      expect(previous.addWorkingDaysProvisional(at, n)).toEqual(officialCalendar.addWorkingDaysProvisional(at, n));
    }
    expect(recountDeadline(counted('2027-02-03T09:00:00+08:00', 'urgent'), previous, with2027)).toMatchObject({ deadline: '2027-02-17T23:59:59+08:00' });
    expect(() => with2027.officialThrough(2018)).toThrow(RangeError);
  });
});
