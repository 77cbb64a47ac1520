/**
 * The default calendar: China's official calendar shipped in data/cn-official.json
 * (2019–2026, from the State Council General Office notices; 2027 on provisional,
 * see the README). To use newer data
 * (e.g. once the 2027 notice is out), update that file, or build another calendar
 * with WorkingCalendar.fromData(json) — no code change either way.
 */
import officialData from './data/cn-official.json';
import type { InstantInput, LocalDate } from './local-date';
import { WorkingCalendar } from './working-calendar';

/** China's official working calendar from the shipped data file (validated at load). */
export const officialCalendar: WorkingCalendar = WorkingCalendar.fromData(officialData);

/** {@link WorkingCalendar.isWorkingDay} on the official calendar. */
export function isWorkingDay(date: LocalDate): boolean {
  return officialCalendar.isWorkingDay(date);
}

/** {@link WorkingCalendar.addWorkingDays} on the official calendar. */
export function addWorkingDays(instant: InstantInput, n: number): Date {
  return officialCalendar.addWorkingDays(instant, n);
}

/** {@link WorkingCalendar.workingDaysBetween} on the official calendar. */
export function workingDaysBetween(from: InstantInput, to: InstantInput): number {
  return officialCalendar.workingDaysBetween(from, to);
}
