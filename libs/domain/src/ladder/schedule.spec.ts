import { officialCalendar } from '@duban/domain/calendar';
import { DUBAN_LADDER_V1, ladderSchedule, validateLadderRule } from '@duban/domain/ladder';

const calendar = officialCalendar;
const steps = (deadline: string, ...rest: Parameters<typeof ladderSchedule> extends [unknown, unknown, unknown, ...infer R] ? R : never) =>
  ladderSchedule(DUBAN_LADDER_V1, calendar, deadline, ...rest).map((s) => [s.step, s.dueAt]);

describe('ladderSchedule (duban-ladder-v1, the official calendar)', () => {
  it('a Monday deadline: reminder on the Wednesday before (3 working days left), urge at the deadline, 督办 and 通报批评 after 端午', () => {
    expect(steps('2021-06-07T18:00:00+08:00')).toEqual([
      ['reminder', '2021-06-02T09:00:00+08:00'], // Thu 3, Fri 4, Mon 7 left
      ['urge', '2021-06-07T18:00:00+08:00'],
      ['escalation', '2021-06-15T09:00:00+08:00'], // 8, 9, 10, 11, (14 端午) 15
      ['listing', '2021-06-22T09:00:00+08:00'], // 16, 17, 18, 21, 22
    ]);
  });

  it('before 春节 2021: the reminder falls on the 调休 Sunday 7 February, 督办 counts the 调休 Saturday 20 February', () => {
    expect(steps('2021-02-10T23:59:59+08:00')).toEqual([
      ['reminder', '2021-02-07T09:00:00+08:00'], // Mon 8, Tue 9, Wed 10 left; Sun 7 is a working day
      ['urge', '2021-02-10T23:59:59+08:00'],
      ['escalation', '2021-02-23T09:00:00+08:00'], // (11–17 春节) 18, 19, Sat 20, 22, 23
      ['listing', '2021-03-02T09:00:00+08:00'], // 24, 25, 26, Mar 1, 2
    ]);
  });

  it('2026: a deadline on the Saturday after 春节 (调休 working day 28 February)', () => {
    const schedule = ladderSchedule(DUBAN_LADDER_V1, calendar, '2026-02-28T23:59:59+08:00');
    for (const { step, dueAt } of schedule) {
      // each step falls on the day the ledger's own count (workingDaysBetween) reaches its threshold
      if (step === 'reminder') {
        expect(calendar.workingDaysBetween(dueAt, '2026-02-28T23:59:59+08:00')).toBe(3);
        expect(calendar.workingDaysBetween(new Date(Date.parse(dueAt) - 86_400_000), '2026-02-28T23:59:59+08:00')).toBe(4);
      }
      if (step === 'escalation') expect(calendar.workingDaysBetween('2026-02-28T23:59:59+08:00', dueAt)).toBe(5);
      if (step === 'listing') expect(calendar.workingDaysBetween('2026-02-28T23:59:59+08:00', dueAt)).toBe(10);
      if (step !== 'urge') expect(calendar.isWorkingInstant(dueAt)).toBe(true);
    }
    expect(schedule.map((s) => s.step)).toEqual(['reminder', 'urge', 'escalation', 'listing']);
  });

  it('across 2027 (no State Council notice yet): the provisional days, each counted step flagged, never refused', () => {
    const schedule = ladderSchedule(DUBAN_LADDER_V1, calendar, '2026-12-29T23:59:59+08:00');
    expect(schedule.map(({ step, dueAt, provisional }) => [step, dueAt, provisional ?? false])).toEqual([
      ['reminder', '2026-12-24T09:00:00+08:00', false], // Fri 25, Mon 28, Tue 29 left: all in official 2026
      ['urge', '2026-12-29T23:59:59+08:00', false],
      ['escalation', '2027-01-06T09:00:00+08:00', true], // 30, 31, (元旦 2027-01-01 provisional), Jan 4, 5, 6
      ['listing', '2027-01-13T09:00:00+08:00', true], // 7, 8, 11, 12, 13
    ]);
    // provisional 2027's 春节: 02-05 (除夕) to 02-08, 补假 02-09 and 02-10
    expect(ladderSchedule(DUBAN_LADDER_V1, calendar, '2027-02-04T23:59:59+08:00').map(({ step, dueAt, provisional }) => [step, dueAt, provisional ?? false])).toEqual([
      ['reminder', '2027-02-01T09:00:00+08:00', true],
      ['urge', '2027-02-04T23:59:59+08:00', false],
      ['escalation', '2027-02-17T09:00:00+08:00', true], // 11, 12, 15, 16, 17
      ['listing', '2027-02-24T09:00:00+08:00', true],
    ]);
    for (const { step, dueAt } of ladderSchedule(DUBAN_LADDER_V1, calendar, '2027-02-04T23:59:59+08:00')) {
      if (step === 'escalation') expect(calendar.workingDaysBetweenProvisional('2027-02-04T23:59:59+08:00', dueAt).days).toBe(5);
      if (step === 'listing') expect(calendar.workingDaysBetweenProvisional('2027-02-04T23:59:59+08:00', dueAt).days).toBe(10);
    }
  });

  it('the thresholds agree with the ledger count on every deadline day of 2021', () => {
    for (let day = 0; day < 350; day += 1) {
      const deadline = new Date(Date.UTC(2021, 0, 4, 10) + day * 86_400_000); // 18:00 Beijing time
      const [reminder, , escalation, listing] = ladderSchedule(DUBAN_LADDER_V1, calendar, deadline.toISOString());
      expect(reminder.step).toBe('reminder');
      expect(calendar.workingDaysBetween(reminder.dueAt, deadline)).toBeLessThanOrEqual(3);
      expect(calendar.workingDaysBetween(new Date(Date.parse(reminder.dueAt) - 86_400_000), deadline)).toBe(4);
      expect(calendar.workingDaysBetween(deadline, escalation.dueAt)).toBe(5);
      expect(calendar.workingDaysBetween(deadline, new Date(Date.parse(escalation.dueAt) - 86_400_000))).toBe(4);
      expect(calendar.workingDaysBetween(deadline, listing.dueAt)).toBe(10);
    }
  });

  it('a step that falls due while the clock stands still falls due when it restarts', () => {
    const stops = [{ from: '2021-06-07T10:00:00+08:00', to: '2021-06-16T15:30:00+08:00' }];
    expect(steps('2021-06-07T18:00:00+08:00', stops)).toEqual([
      ['reminder', '2021-06-02T09:00:00+08:00'],
      ['urge', '2021-06-16T15:30:00+08:00'], // the rejection's effective time
      ['escalation', '2021-06-16T15:30:00+08:00'],
      ['listing', '2021-06-22T09:00:00+08:00'], // after the restart: unchanged
    ]);
    const ms = ladderSchedule(DUBAN_LADDER_V1, calendar, '2021-06-07T18:00:00+08:00', stops).find((s) => s.step === 'urge')!;
    expect(ms.nominalDueAt).toBe('2021-06-07T18:00:00+08:00');
  });

  it('a clock still stopped (awaiting verification) holds every step that falls in it', () => {
    expect(steps('2021-06-07T18:00:00+08:00', [{ from: '2021-06-07T10:00:00+08:00', to: null }])).toEqual([
      ['reminder', '2021-06-02T09:00:00+08:00'],
    ]);
  });

  it('steps due before the deadline was set fall due when it was set', () => {
    expect(steps('2021-06-07T18:00:00+08:00', [], '2021-06-04T11:00:00+08:00')[0]).toEqual(['reminder', '2021-06-04T11:00:00+08:00']);
  });

  it('follows the rule: its time of day, thresholds and steps', () => {
    const rule = validateLadderRule({
      ...DUBAN_LADDER_V1,
      id: 'quick',
      timeOfDay: '08:30',
      thresholds: { yellowWithin: 1, escalateAt: 2, blackAt: 3 },
      steps: ['urge', 'listing'],
    });
    expect(ladderSchedule(rule, calendar, '2021-06-07T18:00:00+08:00').map((s) => [s.step, s.dueAt])).toEqual([
      ['urge', '2021-06-07T18:00:00+08:00'],
      ['listing', '2021-06-10T08:30:00+08:00'],
    ]);
  });

  it('leaves the reminder out when it would not come before the deadline', () => {
    const rule = validateLadderRule({ ...DUBAN_LADDER_V1, thresholds: { yellowWithin: 0, escalateAt: 5, blackAt: 10 } });
    expect(ladderSchedule(rule, calendar, '2021-06-07T08:00:00+08:00')[0].step).toBe('urge');
    expect(ladderSchedule(rule, calendar, '2021-06-07T18:00:00+08:00')[0].dueAt).toBe('2021-06-07T09:00:00+08:00');
  });
});
