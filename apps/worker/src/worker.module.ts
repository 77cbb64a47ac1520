import { Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { APP_CONFIG, AppConfig, DubanConfigModule } from '@duban/config';
import { EventStoreModule } from '@duban/eventstore/nest/event-store.module';
import { SealerService } from './sealing/sealer.service';

/** The worker: background work against the same store (sealing now; timers, cycles and projections as they land). */
@Module({
  imports: [
    DubanConfigModule,
    LoggerModule.forRootAsync({ inject: [APP_CONFIG], useFactory: (c: AppConfig) => ({ pinoHttp: { level: c.logLevel } }) }),
    EventStoreModule,
  ],
  providers: [SealerService],
})
export class WorkerModule {}
