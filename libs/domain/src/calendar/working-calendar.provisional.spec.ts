import { officialCalendar } from './official';

describe('addWorkingDaysProvisional', () => {
  it('agrees with addWorkingDays inside the covered years', () => {
    for (const [at, n] of [['2021-09-20T09:00:00+08:00', 30], ['2026-02-10T09:00:00+08:00', 5], ['2024-12-30T09:00:00+08:00', 0]] as const) {
      expect(officialCalendar.addWorkingDaysProvisional(at, n)).toEqual({ deadline: officialCalendar.addWorkingDays(at, n), provisional: false });
    }
  });

  it('counts Monday to Friday in a year the data does not cover, and says so', () => {
    expect(() => officialCalendar.addWorkingDays('2026-12-20T09:00:00+08:00', 30)).toThrow('2027');
    const r = officialCalendar.addWorkingDaysProvisional('2026-12-20T09:00:00+08:00', 30);
    expect(r.provisional).toBe(true);
    // Dec 21–31 2026: 9 weekdays (no 2026 holidays left); then 21 weekdays of 2027 → Friday 2027-01-29
    expect(r.deadline.toISOString()).toBe('2027-01-29T15:59:59.000Z');
  });
});
