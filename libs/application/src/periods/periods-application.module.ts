import { Module } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type Database from 'better-sqlite3';
import type { WorkingCalendar } from '@duban/domain/calendar';
import type { EventStore } from '@duban/eventstore';
import { EVENT_STORE } from '@duban/eventstore/nest/event-store.module';
import { FiguresQuery, ItemsQuery, ProjectionRunner, READ_MODEL_DB } from '@duban/projections';
import { resolveListRule } from '@duban/projections/periods/list-rule';
import { ApplicationModule } from '../nest/application.module';
import { WORKING_CALENDAR } from '../nest/handlers';
import { PeriodCommandHandler } from './handlers';
import { ExecutePeriodCommand } from './messages';
import { PeriodCloser } from './period-closer';
import { PeriodSchedule } from './period-schedule';

/**
 * Periods on the write path: the ExecutePeriodCommand handler (the one
 * CommandExecutor of ApplicationModule) and the PeriodCloser, which sends its
 * closes through the CommandBus. Needs EVENT_STORE, APP_CONFIG (ApplicationModule) and the
 * projections (ProjectionsModule, global). The list rule comes from
 * DUBAN_LIST_RULE (unset: duban-lists-v1; a bad value stops the start).
 *
 * Catch-up and the monthly cron: PeriodSchedule (where DUBAN_PROCESSORS is on)
 * calls `closer.closeDuePeriods(new Date())` once the log is verified at start,
 * and from the recurring schedule '0 1 1 * *' (Asia/Shanghai) of the process's
 * scheduler (docs/periods.md).
 */
@Module({
  imports: [ApplicationModule],
  providers: [
    PeriodCommandHandler,
    PeriodSchedule,
    {
      provide: PeriodCloser,
      inject: [EVENT_STORE, CommandBus, FiguresQuery, ItemsQuery, ProjectionRunner, READ_MODEL_DB, WORKING_CALENDAR],
      useFactory: (
        store: EventStore,
        bus: CommandBus,
        figures: FiguresQuery,
        items: ItemsQuery,
        runner: ProjectionRunner,
        db: Database.Database,
        calendar: WorkingCalendar,
      ) =>
        new PeriodCloser({
          store,
          send: (command, envelope) => bus.execute(new ExecutePeriodCommand(command, envelope)),
          figures,
          items,
          runner,
          db,
          calendar,
          listRule: resolveListRule(process.env.DUBAN_LIST_RULE),
        }),
    },
  ],
  exports: [PeriodCloser],
})
export class PeriodsApplicationModule {}
