import { Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { LoggerModule } from 'nestjs-pino';
import { AccessModule } from '@duban/access';
import { ApplicationModule } from '@duban/application/nest/application.module';
import { LadderApplicationModule } from '@duban/application/processors';
import { APP_CONFIG, AppConfig, DubanConfigModule } from '@duban/config';
import { EventStoreModule } from '@duban/eventstore/nest/event-store.module';
import { ProjectionsModule } from '@duban/projections';
import { AuditController } from './audit/audit.controller';
import { HttpErrorsFilter } from './common/http-errors.filter';
import { IdempotencyModule } from './common/idempotency-keys';
import { FiguresController } from './figures/figures.controller';
import { HealthModule } from './health/health.module';
import { IntegrityModule } from './health/integrity.module';
import { IssuesController } from './issues/issues.controller';
import { ItemsController } from './items/items.controller';
import { LedgerController } from './ledger/ledger.controller';
import { ImportsModule } from './imports/imports.module';
import { ParksModule } from './parks/parks.module';
import { PeriodsModule } from './periods/periods.module';
import { TasksController } from './tasks/tasks.controller';
import { UnitsModule } from './units/units.module';

@Module({
  imports: [
    DubanConfigModule,
    LoggerModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({
        // No per-request middleware (see common/request-log.ts, which writes the request lines): pinoHttp only
        // sets up the root logger that the Nest logger and the request lines write through.
        forRoutes: [],
        pinoHttp: { level: config.logLevel },
      }),
    }),
    EventStoreModule,
    // the api process runs the projections: its queries read the read models it keeps.
    // Read-model commits are grouped for up to 10 ms, one transaction for a burst of commands.
    ProjectionsModule.forRoot({ runner: { flushDelayMs: 10 } }),
    AccessModule,
    // the write gate (WRITE_GATE → IntegrityMonitor) of the one CommandExecutor that ApplicationModule provides
    IntegrityModule,
    UnitsModule,
    ApplicationModule,
    ParksModule,
    PeriodsModule,
    // the lateness ladder's processor and the process's scheduler (its worker and the processor only with DUBAN_PROCESSORS=on)
    LadderApplicationModule,
    ImportsModule,
    HealthModule,
    IdempotencyModule,
  ],
  controllers: [TasksController, IssuesController, ItemsController, LedgerController, FiguresController, AuditController],
  providers: [{ provide: APP_FILTER, useClass: HttpErrorsFilter }],
})
export class AppModule {}
