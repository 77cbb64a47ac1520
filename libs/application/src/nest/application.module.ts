import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { readFileSync } from 'node:fs';
import { APP_CONFIG, AppConfig } from '@duban/config';
import { officialCalendar, WorkingCalendar } from '@duban/domain/calendar';
import type { EventStore } from '@duban/eventstore';
import { EVENT_STORE } from '@duban/eventstore/nest/event-store.module';
import { CommandExecutor } from '../command-executor';
import { OPEN_WRITE_GATE, WRITE_GATE, WriteGate } from '../write-gate';
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
 * The CommandBus/QueryBus, the thin handlers of the write path and THE
 * CommandExecutor of the process: every handler (here and in
 * ParksApplicationModule) and the unit registry's service inject this one
 * instance, so its write gate (WRITE_GATE, when the host provides one — the
 * api binds it to the IntegrityMonitor; open otherwise) covers every write.
 * The unit directory (UNIT_DIRECTORY) is provided by the host module.
 */
@Module({
  imports: [CqrsModule.forRoot()],
  providers: [
    { provide: WORKING_CALENDAR, inject: [APP_CONFIG], useFactory: workingCalendar },
    {
      provide: CommandExecutor,
      inject: [EVENT_STORE, { token: WRITE_GATE, optional: true }],
      useFactory: (store: EventStore, gate: WriteGate | undefined) => new CommandExecutor(store, gate ?? OPEN_WRITE_GATE),
    },
    TaskCommandHandler, IssueCommandHandler, GetTaskHandler, GetIssueHandler, GetHistoryHandler,
  ],
  exports: [WORKING_CALENDAR, CommandExecutor],
})
export class ApplicationModule {}
