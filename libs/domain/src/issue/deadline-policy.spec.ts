import { officialCalendar } from '@duban/domain/calendar';
import { countedIssueDeadline, DEFAULT_ISSUE_DEADLINE_POLICY, defaultIssueDeadline } from '@duban/domain/issue';
import type { AddWorkingDays } from '@duban/domain/issue';

/**
 * A stand-in calendar for the spec: Monday–Friday in UTC+8, no holidays.
 * (The real calendar with 调休 is passed in by the caller.)
 */
const weekdaysOnly: AddWorkingDays = (at, n) => {
  const SHANGHAI = 8 * 3600_000;
  let local = new Date(new Date(at).getTime() + SHANGHAI);
  let left = n;
  while (left > 0) {
    local = new Date(local.getTime() + 24 * 3600_000);
    const day = local.getUTCDay();
    if (day !== 0 && day !== 6) left -= 1;
  }
  return new Date(local.getTime() - SHANGHAI);
};

const MONDAY = '2021-06-07T09:00:00+08:00';

describe('defaultIssueDeadline', () => {
  it('the default policy is urgent 5, normal 15, complex 30 working days', () => {
    expect(DEFAULT_ISSUE_DEADLINE_POLICY).toEqual({ urgent: 5, normal: 15, complex: 30 });
  });

  it.each([
    ['urgent', '2021-06-14T09:00:00+08:00'], // 5 working days after Mon 7 June → Mon 14 June 09:00, in Beijing time
    ['normal', '2021-06-28T09:00:00+08:00'],
    ['complex', '2021-07-19T09:00:00+08:00'],
  ] as const)('%s', (urgency, expected) => {
    expect(defaultIssueDeadline(urgency, MONDAY, weekdaysOnly)).toBe(expected);
  });

  it('hands the calendar the time and the number of working days', () => {
    const calls: Array<[Date | string, number]> = [];
    defaultIssueDeadline('complex', MONDAY, (at, n) => {
      calls.push([at, n]);
      return new Date('2021-07-19T01:00:00.000Z');
    });
    expect(calls).toEqual([[MONDAY, 30]]);
  });

  it('the policy is configurable (e.g. urgent items in 1 working day)', () => {
    expect(defaultIssueDeadline('urgent', MONDAY, weekdaysOnly, { urgent: 1 })).toBe('2021-06-08T09:00:00+08:00');
    expect(defaultIssueDeadline('normal', MONDAY, weekdaysOnly, { urgent: 1 })).toBe('2021-06-28T09:00:00+08:00');
  });

  it('refuses a policy with a negative or fractional number of days', () => {
    expect(() => defaultIssueDeadline('urgent', MONDAY, weekdaysOnly, { urgent: -1 })).toThrow(RangeError);
    expect(() => defaultIssueDeadline('urgent', MONDAY, weekdaysOnly, { urgent: 1.5 })).toThrow(RangeError);
  });
});

describe('countedIssueDeadline (the deadline with what a recount needs)', () => {
  it('records the start, the working days and the provisional years the real calendar used', () => {
    const count = (at: Date | string, n: number) => officialCalendar.addWorkingDaysProvisional(at, n);
    expect(countedIssueDeadline('complex', '2026-12-20T01:00:00Z', count)).toEqual({
      from: '2026-12-20T09:00:00+08:00',
      workingDays: 30,
      deadline: '2027-02-01T23:59:59+08:00', // 元旦 2027 (provisional) is off
      provisionalYears: [2027],
    });
    expect(countedIssueDeadline('urgent', MONDAY, count, { urgent: 1 })).toEqual({ from: MONDAY, workingDays: 1, deadline: '2021-06-08T23:59:59+08:00', provisionalYears: [] });
    expect(() => countedIssueDeadline('urgent', MONDAY, count, { urgent: -1 })).toThrow(RangeError);
  });
});
