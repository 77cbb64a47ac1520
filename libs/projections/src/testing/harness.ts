import type Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore } from '@duban/eventstore';
import { ItemsProjection } from '../items/items.projection';
import { ItemsQuery } from '../items/items.query';
import type { Projection } from '../runner/projection';
import type { ProjectionRunnerOptions } from '../runner/projection-runner';
import { ProjectionRunner } from '../runner/projection-runner';
import { openReadModelDatabase, readModelFile } from '../runner/read-model-db';
import { Ledger } from './ledger';

/** A clock tests move by hand (the store's recordedAt and the runner's clock). */
export class ManualClock {
  constructor(private ms = Date.parse('2021-05-01T00:00:00Z')) {}
  now = (): Date => new Date(this.ms);
  set(iso: string): void {
    this.ms = Date.parse(iso);
  }
  advance(ms: number): void {
    this.ms += ms;
  }
}

export interface HarnessOptions {
  projections?: () => Projection[];
  runner?: Partial<Omit<ProjectionRunnerOptions, 'store' | 'db' | 'projections'>>;
  /** Start the runner at once (default true). */
  start?: boolean;
  /** Use the manual clock for the store's recordedAt (default: real time). */
  manualClock?: boolean;
}

/**
 * Test support: a real SqliteEventStore and a real read-model file in a temp
 * dir, a runner over them, ItemsQuery and a Ledger that runs domain commands.
 * `restart()` closes the runner and the read-model connection and opens new
 * ones on the same files (a process restart).
 */
export class Harness {
  readonly dir = mkdtempSync(join(tmpdir(), 'duban-projections-'));
  readonly clock = new ManualClock();
  store!: SqliteEventStore;
  db!: Database.Database;
  runner!: ProjectionRunner;
  query!: ItemsQuery;
  ledger!: Ledger;

  constructor(private options: HarnessOptions = {}) {}

  static async open(options: HarnessOptions = {}): Promise<Harness> {
    const h = new Harness(options);
    h.store = new SqliteEventStore({
      file: join(h.dir, 'duban.db'),
      synchronous: 'NORMAL',
      pollIntervalMs: 20,
      ...(options.manualClock ? { clock: h.clock.now } : {}),
    });
    h.ledger = new Ledger(h.store);
    await h.openReadSide();
    return h;
  }

  get file(): string {
    return readModelFile(this.dir);
  }

  /** Stops the runner, closes the read-model file, opens both again (optionally with other projections). */
  async restart(options: Partial<HarnessOptions> = {}): Promise<void> {
    await this.closeReadSide();
    this.options = { ...this.options, ...options };
    await this.openReadSide();
  }

  /** Waits until every projection has applied everything appended so far. */
  async settle(timeoutMs = 5000): Promise<void> {
    const [last] = await this.store.readAll({ fromPosition: 0n, limit: 1_000_000 }).then((all) => all.slice(-1));
    if (last) await this.runner.waitFor(last.globalPosition, timeoutMs);
  }

  async close(): Promise<void> {
    await this.closeReadSide();
    await this.store.close();
    rmSync(this.dir, { recursive: true, force: true });
  }

  private async openReadSide(): Promise<void> {
    this.db = openReadModelDatabase(this.file);
    const projections = this.options.projections?.() ?? [new ItemsProjection()];
    this.runner = new ProjectionRunner({
      retryDelayMs: { initial: 20, max: 200 },
      ...this.options.runner,
      store: this.store,
      db: this.db,
      projections,
    });
    this.runner.prepare();
    if (projections.some((p) => p.name === 'items')) this.query = new ItemsQuery(this.db);
    if (this.options.start !== false) await this.runner.start();
  }

  private async closeReadSide(): Promise<void> {
    await this.runner.stop();
    if (this.db.open) this.db.close();
  }
}
