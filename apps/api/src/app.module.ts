import { Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { APP_CONFIG, AppConfig, DubanConfigModule } from '@duban/config';
import { EventStoreModule } from '@duban/eventstore/nest/event-store.module';
import { HealthModule } from './health/health.module';

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
    HealthModule,
  ],
})
export class AppModule {}
