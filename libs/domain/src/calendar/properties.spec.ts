import fc from 'fast-check';
import {
  addWorkingDays,
  endOfLocalDay,
  isWorkingDay,
  localDateOf,
  officialCalendar,
  workingDaysBetween,
} from '@duban/domain/calendar';

// Instants well inside the covered years, so that n ≤ 60 working days never leaves 2026.
const instant = fc
  .integer({ min: Date.parse('2019-01-01T00:00:00+08:00'), max: Date.parse('2026-09-30T23:59:59.999+08:00') })
  .map((ms) => new Date(ms));
const days = fc.integer({ min: 0, max: 60 });
const SECONDS_ONLY = 1000;

describe('calendar properties (fast-check)', () => {
  it('addWorkingDays lands on a working day at 23:59:59 Beijing time', () => {
    fc.assert(
      fc.property(instant, days, (start, n) => {
        const deadline = addWorkingDays(start, n);
        const date = localDateOf(deadline);
        expect(isWorkingDay(date)).toBe(true);
        expect(deadline.getTime()).toBe(endOfLocalDay(date).getTime());
        expect(deadline.getTime() % SECONDS_ONLY).toBe(0);
      }),
    );
  });

  it('workingDaysBetween(start, addWorkingDays(start, n)) === n for n ≥ 1, and the day before has n - 1', () => {
    fc.assert(
      fc.property(instant, fc.integer({ min: 1, max: 60 }), (start, n) => {
        const deadline = addWorkingDays(start, n);
        expect(workingDaysBetween(start, deadline)).toBe(n);
        // minimality: the deadline is the FIRST day reaching n
        const dayBefore = new Date(deadline.getTime() - 24 * 3600 * 1000);
        expect(workingDaysBetween(start, dayBefore)).toBe(n - 1);
      }),
    );
  });

  it('n = 0 gives the start day when it is a working day, otherwise the next working day', () => {
    fc.assert(
      fc.property(instant, (start) => {
        const deadline = addWorkingDays(start, 0);
        const startDate = localDateOf(start);
        if (isWorkingDay(startDate)) {
          expect(localDateOf(deadline)).toBe(startDate);
        } else {
          expect(localDateOf(deadline)).toBe(officialCalendar.nextWorkingDay(startDate));
          expect(workingDaysBetween(start, deadline)).toBe(1);
        }
      }),
    );
  });

  it('addWorkingDays is monotonic in n and consistent step by step', () => {
    fc.assert(
      fc.property(instant, fc.integer({ min: 1, max: 40 }), (start, n) => {
        const a = addWorkingDays(start, n);
        const b = addWorkingDays(start, n + 1);
        expect(b.getTime()).toBeGreaterThan(a.getTime());
        expect(localDateOf(b)).toBe(officialCalendar.nextWorkingDay(localDateOf(a)));
      }),
    );
  });

  it('workingDaysBetween is antisymmetric and additive', () => {
    fc.assert(
      fc.property(instant, instant, instant, (a, b, c) => {
        expect(workingDaysBetween(a, b)).toBe(-workingDaysBetween(b, a) || 0);
        expect(workingDaysBetween(a, b) + workingDaysBetween(b, c)).toBe(workingDaysBetween(a, c));
      }),
      { numRuns: 60 },
    );
  });

  it('workingDaysBetween counts exactly the working days after the start day, up to and including the end day', () => {
    fc.assert(
      fc.property(instant, fc.integer({ min: 0, max: 40 }), (start, span) => {
        const end = new Date(start.getTime() + span * 24 * 3600 * 1000);
        let expected = 0;
        for (let k = 1; k <= span; k++) {
          if (isWorkingDay(localDateOf(new Date(start.getTime() + k * 24 * 3600 * 1000)))) expected++;
        }
        expect(workingDaysBetween(start, end)).toBe(expected);
        expect(Math.abs(workingDaysBetween(start, end))).toBeLessThanOrEqual(span);
      }),
    );
  });

  it('time of day does not matter, only the Beijing date', () => {
    fc.assert(
      fc.property(instant, fc.integer({ min: 0, max: 86_399_999 }), days, (start, msOfDay, n) => {
        const midnight = Date.parse(`${localDateOf(start)}T00:00:00+08:00`);
        const sameDay = new Date(midnight + msOfDay);
        expect(addWorkingDays(sameDay, n).getTime()).toBe(addWorkingDays(start, n).getTime());
        expect(workingDaysBetween(sameDay, start)).toBe(0);
      }),
    );
  });
});
