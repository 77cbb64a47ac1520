import type { BeforeApplicationShutdown, DynamicModule, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Inject, Logger, Module, Optional } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type Database from 'better-sqlite3';
import type { AppConfig } from '@duban/config';
import { APP_CONFIG } from '@duban/config';
import type { EventStore } from '@duban/eventstore';
import { EVENT_STORE } from '@duban/eventstore/nest/event-store.module';
import type { WorkingCalendar } from '@duban/domain/calendar';
import type { IssueDeadlinePolicy } from '@duban/domain/issue';
import type { ParkRulePolicyOverrides } from '@duban/domain/park';
import { ApplicationModule } from '../nest/application.module';
import { WORKING_CALENDAR } from '../nest/handlers';
import { WRITE_GATE, WriteGate } from '../write-gate';
import { GetParkFindingsHandler, GetParkHandler, GetTargetHandler, PARK_RULE_POLICY, ParkCommandHandler, TargetCommandHandler } from './handlers';
import { ParkRulesProcessor } from './park-rules.processor';
import { openProcessorDatabase, processorFile } from '../processors/processor-store';
import { TaskProgressProcessor } from './task-progress.processor';
import type { ParkTargetMapping } from './target-progress';

/** The processors' database (better-sqlite3), `${dataDir}/processors.db` by default. */
export const PROCESSORS_DB = Symbol('PROCESSORS_DB');
export const PARKS_APPLICATION_OPTIONS = Symbol('PARKS_APPLICATION_OPTIONS');
const rulesLogger = new Logger('ParkRules');
const taskProgressLogger = new Logger('TaskProgressTargets');

export interface ParksApplicationModuleOptions {
  /** The processors' database file; default `${dataDir}/processors.db`. */
  readonly file?: string;
  /** Start the processors (park rules, task progress → targets) on application bootstrap (default true; never with DUBAN_PROCESSORS=off). A CLI passes false. */
  readonly autoStart?: boolean;
  /** Rule policy of the findings query and the processor (relaxed sizes, tax threshold reading, urgencies). */
  readonly policy?: ParkRulePolicyOverrides;
  /** Working days per urgency for the issues' deadlines (default 5 / 15 / 30). */
  readonly deadlinePolicy?: Partial<IssueDeadlinePolicy>;
  /** Which park figures feed which targets (default PARK_TARGET_MAPPINGS; [] turns it off). */
  readonly targetMappings?: readonly ParkTargetMapping[];
  readonly retryDelayMs?: { readonly initial: number; readonly max: number };
}

/**
 * Parks (小微企业园) and targets (目标任务) on the write path: the thin CQRS
 * handlers (ExecuteParkCommand, ExecuteTargetCommand, GetPark, GetTarget,
 * GetParkFindings) and two processors — the park rules processor and the task
 * progress → targets processor — started on application bootstrap (once the
 * write gate, when the host provides one, has judged the log) and stopped
 * before shutdown (before the event store closes).
 *
 * Needs APP_CONFIG, EVENT_STORE and UNIT_DIRECTORY (global in the api);
 * imports ApplicationModule for the CQRS buses and WORKING_CALENDAR.
 * `ParksApplicationModule` uses the defaults; `.forRoot({...})` overrides them.
 */
@Module({
  imports: [ApplicationModule],
  providers: [
    { provide: PARKS_APPLICATION_OPTIONS, useValue: {} },
    { provide: PARK_RULE_POLICY, inject: [PARKS_APPLICATION_OPTIONS], useFactory: (o: ParksApplicationModuleOptions) => o.policy ?? {} },
    {
      provide: PROCESSORS_DB,
      inject: [APP_CONFIG, PARKS_APPLICATION_OPTIONS],
      useFactory: (config: AppConfig, o: ParksApplicationModuleOptions) => openProcessorDatabase(o.file ?? processorFile(config.dataDir)),
    },
    {
      provide: ParkRulesProcessor,
      inject: [EVENT_STORE, CommandBus, PROCESSORS_DB, WORKING_CALENDAR, PARKS_APPLICATION_OPTIONS, PARK_RULE_POLICY],
      useFactory: (
        store: EventStore,
        commands: CommandBus,
        db: Database.Database,
        calendar: WorkingCalendar,
        o: ParksApplicationModuleOptions,
        policy: ParkRulePolicyOverrides,
      ) =>
        new ParkRulesProcessor({
          store,
          commands,
          db,
          // the processor cannot stop to ask for a deadline: beyond the calendar's years it counts
          // Monday–Friday (provisional) rather than hold back every later finding
          addWorkingDays: (at, n) => {
            const { deadline, provisional } = calendar.addWorkingDaysProvisional(at, n);
            if (provisional) rulesLogger.warn(`deadline ${deadline.toISOString()} counted Monday–Friday: the working calendar does not cover its year yet (DUBAN_CALENDAR_FILE)`);
            return deadline;
          },
          policy,
          ...(o.deadlinePolicy ? { deadlinePolicy: o.deadlinePolicy } : {}),
          ...(o.targetMappings ? { targetMappings: o.targetMappings } : {}),
          ...(o.retryDelayMs ? { retryDelayMs: o.retryDelayMs } : {}),
          logger: rulesLogger,
        }),
    },
    {
      provide: TaskProgressProcessor,
      inject: [EVENT_STORE, CommandBus, PROCESSORS_DB, PARKS_APPLICATION_OPTIONS],
      useFactory: (store: EventStore, commands: CommandBus, db: Database.Database, o: ParksApplicationModuleOptions) =>
        new TaskProgressProcessor({
          store,
          commands,
          db,
          ...(o.retryDelayMs ? { retryDelayMs: o.retryDelayMs } : {}),
          logger: taskProgressLogger,
        }),
    },
    ParkCommandHandler,
    TargetCommandHandler,
    GetParkHandler,
    GetTargetHandler,
    GetParkFindingsHandler,
  ],
  exports: [ParkRulesProcessor, TaskProgressProcessor, PARK_RULE_POLICY],
})
export class ParksApplicationModule implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown {
  constructor(
    @Inject(ParkRulesProcessor) private readonly processor: ParkRulesProcessor,
    @Inject(TaskProgressProcessor) private readonly taskProgress: TaskProgressProcessor,
    @Inject(PROCESSORS_DB) private readonly db: Database.Database,
    @Inject(PARKS_APPLICATION_OPTIONS) private readonly options: ParksApplicationModuleOptions,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Optional() @Inject(WRITE_GATE) private readonly gate?: WriteGate,
  ) {}

  private starting: Promise<void> | null = null;
  private closing = false;

  static forRoot(options: ParksApplicationModuleOptions): DynamicModule {
    return { module: ParksApplicationModule, providers: [{ provide: PARKS_APPLICATION_OPTIONS, useValue: options }] };
  }

  async onApplicationBootstrap(): Promise<void> {
    // global modules (CqrsModule among them) bootstrap first: the command handlers are registered by now
    if (this.options.autoStart === false) return;
    // the process role: DUBAN_PROCESSORS=off (the api of the split deployment) leaves them to the worker
    if (!this.config.processors) return;
    const judged = this.gate?.judged?.();
    if (!judged) return this.startProcessors();
    // not before the write gate has judged the log (the api: its first verification pass): caught up after a restart,
    // they would act on events the walk has not reached. The start does not wait (the server listens, /ready is 503).
    this.starting = judged.then(() => (this.closing ? undefined : this.startProcessors()));
    this.starting.catch((err: Error) => rulesLogger.error(`the processors did not start: ${err.message}`, err.stack));
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.closing = true;
    await this.starting?.catch(() => undefined);
    await Promise.all([this.processor.stop(), this.taskProgress.stop()]);
  }

  private async startProcessors(): Promise<void> {
    await this.processor.start();
    await this.taskProgress.start();
  }

  onApplicationShutdown(): void {
    if (this.db.open) this.db.close();
  }
}
