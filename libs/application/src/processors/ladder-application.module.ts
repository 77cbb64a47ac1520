import type { BeforeApplicationShutdown, DynamicModule, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Global, Inject, Logger, Module, Optional } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type Database from 'better-sqlite3';
import type { AppConfig } from '@duban/config';
import { APP_CONFIG } from '@duban/config';
import type { EventStore } from '@duban/eventstore';
import { EVENT_STORE } from '@duban/eventstore/nest/event-store.module';
import type { WorkingCalendar } from '@duban/domain/calendar';
import type { LadderRule } from '@duban/domain/ladder';
import type { Clock, Scheduler } from '@duban/scheduler';
import { createScheduler, describeScheduler, SystemClock } from '@duban/scheduler';
import { ApplicationModule } from '../nest/application.module';
import { WORKING_CALENDAR } from '../nest/handlers';
import { WRITE_GATE, WriteGate } from '../write-gate';
import type { LadderTimerPayload } from './ladder-due-table';
import { LadderProcessor } from './ladder.processor';
import { openProcessorDatabase, processorFile } from './processor-store';

/** The clock of the ladder and its scheduler (SystemClock; a test may provide a ManualClock through forRoot). */
export const LADDER_CLOCK = Symbol('LADDER_CLOCK');
/** The process's scheduler (BullMQ with REDIS_URL, in-process otherwise): /ready asks its health, bull-board shows its queue. */
export const LADDER_SCHEDULER = Symbol('LADDER_SCHEDULER');
export const LADDER_OPTIONS = Symbol('LADDER_OPTIONS');
const LADDER_DB = Symbol('LADDER_DB');
const logger = new Logger('Ladder');
const SCHEDULER_GRACE_MS = 5_000;

/** Waits for the promise at most SCHEDULER_GRACE_MS. */
async function withinGrace(promise: Promise<unknown> | undefined): Promise<'done' | 'timeout'> {
  let timer: NodeJS.Timeout | undefined;
  const gaveUp = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), SCHEDULER_GRACE_MS)));
  try {
    return await Promise.race([Promise.resolve(promise).then(() => 'done' as const), gaveUp]);
  } finally {
    clearTimeout(timer);
  }
}

export interface LadderApplicationModuleOptions {
  readonly clock?: Clock;
  /** Default: the configured rule (DUBAN_LADDER_RULE, AppConfig.ladderRule). */
  readonly rule?: LadderRule;
  /** The processors' database file; default `${dataDir}/processors.db` (shared with the park processors). */
  readonly file?: string;
  /** BullMQ queue name and Redis key prefix (defaults 'timers', 'duban'). */
  readonly queueName?: string;
  readonly prefix?: string;
}

/**
 * The lateness ladder's processor and the process's scheduler. The scheduler
 * exists in every process (the api's /ready and bull-board use it); its worker
 * and the processor run only where DUBAN_PROCESSORS is on, once the write gate
 * has judged the log, like the park processors. Needs APP_CONFIG, EVENT_STORE
 * and UNIT_DIRECTORY (global in the api and the worker). Global, so the
 * api's health checks and bull-board find the one scheduler of the process.
 */
@Global()
@Module({
  imports: [ApplicationModule],
  providers: [
    { provide: LADDER_OPTIONS, useValue: {} },
    { provide: LADDER_CLOCK, inject: [LADDER_OPTIONS], useFactory: (o: LadderApplicationModuleOptions) => o.clock ?? new SystemClock() },
    {
      provide: LADDER_SCHEDULER,
      inject: [APP_CONFIG, LADDER_CLOCK, LADDER_OPTIONS],
      useFactory: (config: AppConfig, clock: Clock, o: LadderApplicationModuleOptions) =>
        createScheduler<LadderTimerPayload>({ redisUrl: config.redisUrl, clock, queueName: o.queueName, prefix: o.prefix, logger }),
    },
    {
      provide: LADDER_DB,
      inject: [APP_CONFIG, LADDER_OPTIONS],
      useFactory: (config: AppConfig, o: LadderApplicationModuleOptions) => openProcessorDatabase(o.file ?? processorFile(config.dataDir)),
    },
    {
      provide: LadderProcessor,
      inject: [EVENT_STORE, CommandBus, LADDER_DB, LADDER_SCHEDULER, LADDER_CLOCK, WORKING_CALENDAR, LADDER_OPTIONS, APP_CONFIG],
      useFactory: (
        store: EventStore,
        commands: CommandBus,
        db: Database.Database,
        scheduler: Scheduler<LadderTimerPayload>,
        clock: Clock,
        calendar: WorkingCalendar,
        o: LadderApplicationModuleOptions,
        config: AppConfig,
        // the process's one rule (DUBAN_LADDER_RULE, validated with the configuration): the views' nextStep and the ledger read it too
      ) => new LadderProcessor({ store, commands, db, scheduler, clock, calendar, rule: o.rule ?? config.ladderRule, logger }),
    },
  ],
  exports: [LadderProcessor, LADDER_SCHEDULER, LADDER_CLOCK],
})
export class LadderApplicationModule implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown {
  private starting: Promise<void> | null = null;
  private closing = false;

  constructor(
    @Inject(LadderProcessor) private readonly processor: LadderProcessor,
    @Inject(LADDER_SCHEDULER) private readonly scheduler: Scheduler<LadderTimerPayload>,
    @Inject(LADDER_DB) private readonly db: Database.Database,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Optional() @Inject(WRITE_GATE) private readonly gate?: WriteGate,
  ) {}

  static forRoot(options: LadderApplicationModuleOptions): DynamicModule {
    return { module: LadderApplicationModule, providers: [{ provide: LADDER_OPTIONS, useValue: options }] };
  }

  onApplicationBootstrap(): void {
    const where = describeScheduler(this.config);
    if (!this.config.processors) {
      logger.log(`scheduler: ${where}; the ladder runs in another process (DUBAN_PROCESSORS=off)`);
      return;
    }
    logger.log(`scheduler: ${where}; the ladder processor starts once the log is verified (reconcile every ${this.config.reconcileIntervalSeconds || '—'} s)`);
    // not before the write gate has judged the log (see ParksApplicationModule); the start does not hold the boot
    const judged = this.gate?.judged?.() ?? Promise.resolve();
    this.starting = judged.then(() => (this.closing ? undefined : this.processor.startAll(this.config.reconcileIntervalSeconds * 1000)));
    this.starting.catch((err: Error) => logger.error(`the ladder processor did not start: ${err.message}`, err.stack));
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.closing = true;
    // a Redis that cannot be reached must not hold the shutdown (the scheduler's start, its arms and its close
    // wait for Redis): the due table is written, nothing is lost
    await withinGrace(this.starting?.catch(() => undefined));
    await this.processor.stopAll(SCHEDULER_GRACE_MS);
    if ((await withinGrace(this.scheduler.close())) === 'timeout') {
      logger.warn(`scheduler: not closed within ${SCHEDULER_GRACE_MS / 1000} s (Redis unreachable?); shutting down without it`);
    }
  }

  onApplicationShutdown(): void {
    if (this.db.open) this.db.close();
  }
}
