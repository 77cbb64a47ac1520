/**
 * Working-day calendar of mainland China (Asia/Shanghai): official holidays and
 * 调休 working weekends as data, deadline arithmetic in working days.
 * Pure code: no I/O beyond the bundled JSON, no clock (time is always an argument).
 */
export {
  SHANGHAI_UTC_OFFSET_MS,
  endOfLocalDay,
  endOfMonthDeadline,
  localDateOf,
  startOfLocalDay,
  toInstant,
  toShanghaiIso,
} from './local-date';
export type { InstantInput, LocalDate } from './local-date';
export { CalendarDataError } from './calendar-data';
export type { CalendarData, CalendarDayEntry, CalendarYearData } from './calendar-data';
export { CalendarCoverageError, LAST_PROVISIONAL_YEAR, WorkingCalendar } from './working-calendar';
export type { CalendarCoverage, DayInfo, DayKind, ProvisionalAnswer } from './working-calendar';
export { CURRENT_HOLIDAY_RULES, FIRST_YEAR_OF_CURRENT_HOLIDAY_RULES, statutoryHolidays } from './statutory-holidays';
export { addWorkingDays, isWorkingDay, officialCalendar, workingDaysBetween } from './official';
export { recountDeadline } from './recount-deadline';
export type { DeadlineRecount, ReclassifiedDay, WorkingDayDeadline } from './recount-deadline';
