import { Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { ApplicationModule } from '@duban/application/nest/application.module';
import { ParksApplicationModule } from '@duban/application/parks';
import { LadderApplicationModule } from '@duban/application/processors';
import { APP_CONFIG, AppConfig, DubanConfigModule } from '@duban/config';
import { EventStoreModule } from '@duban/eventstore/nest/event-store.module';
// shared with the api: the unit registry (UNIT_DIRECTORY for the write path) and the write gate (verification first)
import { IntegrityModule } from '../../api/src/health/integrity.module';
import { UnitsModule } from '../../api/src/units/units.module';
import { SealerService } from './sealing/sealer.service';

/**
 * The worker: background work against the same store, without HTTP. It seals
 * the KurrentDB chains and, with DUBAN_PROCESSORS=on (its default; docker
 * compose turns them off in the api), runs the processors — park rules, task
 * progress → targets, the lateness ladder with the scheduler's worker —
 * through its own CommandExecutor, whose write gate is its own
 * IntegrityMonitor: the processors start once the first verification pass
 * has judged the log, as in the api.
 */
@Module({
  imports: [
    DubanConfigModule,
    LoggerModule.forRootAsync({ inject: [APP_CONFIG], useFactory: (c: AppConfig) => ({ pinoHttp: { level: c.logLevel } }) }),
    EventStoreModule,
    IntegrityModule,
    UnitsModule,
    ApplicationModule,
    ParksApplicationModule,
    LadderApplicationModule,
  ],
  providers: [SealerService],
})
export class WorkerModule {}
