import { readFileSync } from 'node:fs';
import { officialCalendar, WorkingCalendar } from '@duban/domain/calendar';
import type { AppConfig } from './config';

/**
 * The process's working-day calendar: the shipped official one, or the file
 * named by DUBAN_CALENDAR_FILE (validated; a bad file throws naming it). Every
 * part of one process that counts working days (issue deadlines, the ladder's
 * nextStep in the item views, the ledger) reads it from here, so they agree.
 */
export function configuredCalendar(config: Pick<AppConfig, 'calendarFile'>): WorkingCalendar {
  if (!config.calendarFile) return officialCalendar;
  try {
    return WorkingCalendar.fromData(JSON.parse(readFileSync(config.calendarFile, 'utf8')));
  } catch (err) {
    throw new Error(`DUBAN_CALENDAR_FILE=${config.calendarFile}: ${(err as Error).message}`);
  }
}
