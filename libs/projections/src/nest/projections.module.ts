import type { BeforeApplicationShutdown, DynamicModule, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Global, Inject, Logger, Module } from '@nestjs/common';
import type Database from 'better-sqlite3';
import type { AppConfig } from '@duban/config';
import { APP_CONFIG, loadWorkingCalendar } from '@duban/config';
import type { WorkingCalendar } from '@duban/domain/calendar';
import type { EventStore } from '@duban/eventstore';
import { EVENT_STORE } from '@duban/eventstore/nest/event-store.module';
import { AuditProjection } from '../audit/audit.projection';
import { AuditQuery } from '../audit/audit.query';
import { FiguresProjection } from '../figures/figures.projection';
import { FiguresQuery } from '../figures/figures.query';
import { ItemsProjection } from '../items/items.projection';
import { LedgerProjection } from '../ledger/ledger.projection';
import { TargetsProjection } from '../targets/targets.projection';
import { TargetsQuery } from '../targets/targets.query';
import { LedgerQuery } from '../ledger/ledger.query';
import { ItemsQuery } from '../items/items.query';
import type { Projection } from '../runner/projection';
import type { ProjectionRunnerOptions } from '../runner/projection-runner';
import { ProjectionRunner } from '../runner/projection-runner';
import { openReadModelDatabase, readModelFile } from '../runner/read-model-db';

/** The read-model database (better-sqlite3), `${dataDir}/read-models.db` by default. */
export const READ_MODEL_DB = Symbol('READ_MODEL_DB');
/** The registered projections (Projection[]). */
export const PROJECTIONS = Symbol('PROJECTIONS');
export const PROJECTIONS_OPTIONS = Symbol('PROJECTIONS_OPTIONS');
/** The working-day calendar of the queries' nextStep and the ledger's working days (DUBAN_CALENDAR_FILE or the shipped one). */
export const READ_MODEL_CALENDAR = Symbol('READ_MODEL_CALENDAR');

export interface ProjectionsModuleOptions {
  /** Read-model file; default `${dataDir}/read-models.db`. */
  file?: string;
  /** Start the runner on application bootstrap (default true). A CLI that only rebuilds passes false. */
  autoStart?: boolean;
  /** Projections besides the built-in ones (items). */
  extraProjections?: readonly Projection[];
  runner?: Pick<ProjectionRunnerOptions, 'batchSize' | 'flushDelayMs' | 'retryDelayMs' | 'headScanBudget' | 'waitPollMs'>;
}

/** The projections Duban ships. Add a new read model here. */
export function builtInProjections(): Projection[] {
  return [new ItemsProjection(), new LedgerProjection(), new FiguresProjection(), new TargetsProjection(), new AuditProjection()];
}

/**
 * Opens the read-model database in the data dir, registers the projections,
 * starts the runner on application bootstrap and stops it on shutdown (before
 * the event store closes: beforeApplicationShutdown runs ahead of every
 * onApplicationShutdown). Exports the runner (waitFor, lag, rebuild, status)
 * and ItemsQuery. Needs APP_CONFIG and EVENT_STORE (both global modules).
 *
 * `ProjectionsModule` as is uses the defaults; `ProjectionsModule.forRoot({...})` overrides them.
 */
@Global()
@Module({
  providers: [
    { provide: PROJECTIONS_OPTIONS, useValue: {} },
    {
      provide: READ_MODEL_DB,
      inject: [APP_CONFIG, PROJECTIONS_OPTIONS],
      useFactory: (config: AppConfig, options: ProjectionsModuleOptions) =>
        openReadModelDatabase(options.file ?? readModelFile(config.dataDir)),
    },
    {
      provide: PROJECTIONS,
      inject: [PROJECTIONS_OPTIONS],
      useFactory: (options: ProjectionsModuleOptions) => [...builtInProjections(), ...(options.extraProjections ?? [])],
    },
    {
      provide: ProjectionRunner,
      inject: [EVENT_STORE, READ_MODEL_DB, PROJECTIONS, PROJECTIONS_OPTIONS],
      useFactory: (store: EventStore, db: Database.Database, projections: Projection[], options: ProjectionsModuleOptions) => {
        const runner = new ProjectionRunner({ ...options.runner, store, db, projections, logger: new Logger('Projections') });
        runner.prepare(); // tables exist (and outdated versions are reset) before anything queries them
        return runner;
      },
    },
    { provide: READ_MODEL_CALENDAR, inject: [APP_CONFIG], useFactory: (config: AppConfig) => loadWorkingCalendar(config) },
    // One ladder rule (DUBAN_LADDER_RULE) and one calendar per process: the items' and the ledger's nextStep, the ledger's colours.
    {
      provide: ItemsQuery,
      inject: [READ_MODEL_DB, APP_CONFIG, READ_MODEL_CALENDAR, ProjectionRunner],
      useFactory: (db: Database.Database, config: AppConfig, calendar: WorkingCalendar) => new ItemsQuery(db, { rule: config.ladderRule, calendar }),
    },
    {
      provide: LedgerQuery,
      inject: [READ_MODEL_DB, APP_CONFIG, READ_MODEL_CALENDAR, ProjectionRunner],
      useFactory: (db: Database.Database, config: AppConfig, calendar: WorkingCalendar) => new LedgerQuery(db, { rule: config.ladderRule, calendar }),
    },
    { provide: AuditQuery, inject: [READ_MODEL_DB, ProjectionRunner], useFactory: (db: Database.Database) => new AuditQuery(db) },
    { provide: FiguresQuery, inject: [READ_MODEL_DB, ProjectionRunner], useFactory: (db: Database.Database) => new FiguresQuery(db) },
    { provide: TargetsQuery, inject: [READ_MODEL_DB, ProjectionRunner], useFactory: (db: Database.Database) => new TargetsQuery(db) },
  ],
  exports: [ProjectionRunner, ItemsQuery, LedgerQuery, FiguresQuery, TargetsQuery, AuditQuery, READ_MODEL_DB, PROJECTIONS],
})
export class ProjectionsModule implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown {
  constructor(
    @Inject(ProjectionRunner) private readonly runner: ProjectionRunner,
    @Inject(READ_MODEL_DB) private readonly db: Database.Database,
    @Inject(PROJECTIONS_OPTIONS) private readonly options: ProjectionsModuleOptions,
  ) {}

  static forRoot(options: ProjectionsModuleOptions): DynamicModule {
    return { module: ProjectionsModule, providers: [{ provide: PROJECTIONS_OPTIONS, useValue: options }] };
  }

  async onApplicationBootstrap(): Promise<void> {
    if (this.options.autoStart !== false) await this.runner.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.runner.stop();
  }

  onApplicationShutdown(): void {
    if (this.db.open) this.db.close();
  }
}
