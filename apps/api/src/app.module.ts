import { Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { LoggerModule } from 'nestjs-pino';
import { AccessModule } from '@duban/access';
import { ApplicationModule } from '@duban/application/nest/application.module';
import { APP_CONFIG, AppConfig, DubanConfigModule } from '@duban/config';
import { EventStoreModule } from '@duban/eventstore/nest/event-store.module';
import { HttpErrorsFilter } from './common/http-errors.filter';
import { HealthModule } from './health/health.module';
import { IssuesController } from './issues/issues.controller';
import { TasksController } from './tasks/tasks.controller';
import { UnitsModule } from './units/units.module';

@Module({
  imports: [
    DubanConfigModule,
    LoggerModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({
        pinoHttp: {
          level: config.logLevel,
          // health probes every few seconds would drown the log
          autoLogging: { ignore: (req) => req.url === '/health' || req.url === '/ready' },
          redact: ['req.headers.authorization'],
        },
      }),
    }),
    EventStoreModule,
    AccessModule,
    UnitsModule,
    ApplicationModule,
    HealthModule,
  ],
  controllers: [TasksController, IssuesController],
  providers: [{ provide: APP_FILTER, useClass: HttpErrorsFilter }],
})
export class AppModule {}
