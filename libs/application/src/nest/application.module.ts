import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { readFileSync } from 'node:fs';
import { APP_CONFIG, AppConfig } from '@duban/config';
import { officialCalendar, WorkingCalendar } from '@duban/domain/calendar';
import { GetHistoryHandler, GetIssueHandler, GetTaskHandler, IssueCommandHandler, TaskCommandHandler, WORKING_CALENDAR } from './handlers';

/** The shipped official calendar, or the file named by DUBAN_CALENDAR_FILE (validated; a bad file stops the start). */
export function workingCalendar(config: AppConfig): WorkingCalendar {
  if (!config.calendarFile) return officialCalendar;
  try {
    return WorkingCalendar.fromData(JSON.parse(readFileSync(config.calendarFile, 'utf8')));
  } catch (err) {
    throw new Error(`DUBAN_CALENDAR_FILE=${config.calendarFile}: ${(err as Error).message}`);
  }
}

/**
 * The CommandBus/QueryBus and the thin handlers of the write path. The unit
 * directory (UNIT_DIRECTORY) is provided by the host module.
 */
@Module({
  imports: [CqrsModule.forRoot()],
  providers: [
    { provide: WORKING_CALENDAR, inject: [APP_CONFIG], useFactory: workingCalendar },
    TaskCommandHandler, IssueCommandHandler, GetTaskHandler, GetIssueHandler, GetHistoryHandler,
  ],
  exports: [WORKING_CALENDAR],
})
export class ApplicationModule {}
