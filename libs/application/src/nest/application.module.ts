import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { APP_CONFIG, AppConfig, loadWorkingCalendar } from '@duban/config';
import type { EventStore } from '@duban/eventstore';
import { EVENT_STORE } from '@duban/eventstore/nest/event-store.module';
import { CommandExecutor } from '../command-executor';
import { OPEN_WRITE_GATE, WRITE_GATE, WriteGate } from '../write-gate';
import { GetHistoryHandler, GetIssueHandler, GetTaskHandler, IssueCommandHandler, TaskCommandHandler, WORKING_CALENDAR } from './handlers';

/**
 * The CommandBus/QueryBus, the thin handlers of the write path and THE
 * CommandExecutor of the process: every handler (here and in
 * ParksApplicationModule) and the unit registry's service inject this one
 * instance, so its write gate (WRITE_GATE, when the host provides one — the
 * api binds it to the IntegrityMonitor; open otherwise) covers every write.
 * The unit directory (UNIT_DIRECTORY) is provided by the host module.
 * WORKING_CALENDAR: the shipped official calendar or DUBAN_CALENDAR_FILE's,
 * read once here (loadWorkingCalendar, which loadConfig already checked); inject
 * it wherever the process counts working days, so every count uses the same data.
 */
@Module({
  imports: [CqrsModule.forRoot()],
  providers: [
    { provide: WORKING_CALENDAR, inject: [APP_CONFIG], useFactory: (config: AppConfig) => loadWorkingCalendar(config) },
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
