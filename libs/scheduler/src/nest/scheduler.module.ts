import { DynamicModule, Global, Inject, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@duban/config';
import { Clock, SystemClock } from '../clock';
import { createScheduler } from '../create-scheduler';
import type { Scheduler } from '../scheduler.port';

export const SCHEDULER = Symbol('SCHEDULER');
export const CLOCK = Symbol('CLOCK');

/**
 * Provides CLOCK (the system clock unless one is given) and SCHEDULER from configuration: REDIS_URL set → BullMQ,
 * unset → in-process. The scheduler is closed on shutdown (runs under way finish first). Nothing starts delivering
 * timers until the ladder processor calls scheduler.start(handler) after reconciling.
 */
@Global()
@Module({})
export class SchedulerModule implements OnApplicationShutdown {
  constructor(@Inject(SCHEDULER) private readonly scheduler: Scheduler) {}

  /** `clock`: e.g. a ManualClock for tests or a simulated-year demo; queueName and prefix: BullMQ's (default timers, duban). */
  static register(options: { clock?: Clock; queueName?: string; prefix?: string } = {}): DynamicModule {
    return {
      module: SchedulerModule,
      providers: [
        { provide: CLOCK, useValue: options.clock ?? new SystemClock() },
        {
          provide: SCHEDULER,
          inject: [APP_CONFIG, CLOCK],
          useFactory: (config: AppConfig, clock: Clock) => createScheduler({
            redisUrl: config.redisUrl,
            clock,
            queueName: options.queueName,
            prefix: options.prefix,
            logger: new Logger('Scheduler'),
          }),
        },
      ],
      exports: [SCHEDULER, CLOCK],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.scheduler.close();
  }
}
