import { readFileSync } from 'node:fs';
import { officialCalendar, WorkingCalendar } from '@duban/domain/calendar';
import type { AppConfig } from './config';
import { ConfigError } from './config';

/**
 * What is wrong with the calendar file DUBAN_CALENDAR_FILE names, or null when
 * it is a valid calendar: unreadable, not JSON, or the validator's message,
 * which names the field and year (e.g. `calendar.2027.holidays[3]`). loadConfig
 * calls it so a bad file stops every process at start, before anything runs.
 */
export function calendarFileProblem(file: string): string | null {
  try {
    readCalendarFile(file);
    return null;
  } catch (err) {
    return (err as Error).message;
  }
}

/**
 * The working calendar to use: the shipped official one, or the file's
 * (its years official, the years after its last provisional; see the calendar
 * README). A bad file throws ConfigError naming the variable, file and field.
 */
export function loadWorkingCalendar(config: Pick<AppConfig, 'calendarFile'>): WorkingCalendar {
  if (!config.calendarFile) return officialCalendar;
  try {
    return readCalendarFile(config.calendarFile);
  } catch (err) {
    throw new ConfigError([(err as Error).message]);
  }
}

function readCalendarFile(file: string): WorkingCalendar {
  const at = `DUBAN_CALENDAR_FILE=${file}`;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new Error(`${at} cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new Error(`${at} is not JSON (${(err as Error).message})`);
  }
  try {
    return WorkingCalendar.fromData(json);
  } catch (err) {
    throw new Error(`${at}: ${(err as Error).message}`);
  }
}
