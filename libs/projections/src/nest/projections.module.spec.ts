/**
 * The Nest wiring, with the real config and event store modules: the runner
 * starts on bootstrap, the read-model file lives in the data dir, queries and
 * waitFor are injectable, and shutdown stops the runner before the store closes.
 */
import 'reflect-metadata';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Test } from '@nestjs/testing';
import type { TestingModule } from '@nestjs/testing';
import type Database from 'better-sqlite3';
import { DubanConfigModule } from '@duban/config';
import type { EventStore } from '@duban/eventstore';
import { EVENT_STORE, EventStoreModule } from '@duban/eventstore/nest/event-store.module';
import { taskItemKey } from '../items/item';
import { ItemsQuery } from '../items/items.query';
import { ProjectionRunner } from '../runner/projection-runner';
import { registerTask, ZHONGMU } from '../testing/fixtures';
import { Ledger } from '../testing/ledger';
import { LogProjection } from '../testing/log-projection';
import { ProjectionsModule, READ_MODEL_DB } from './projections.module';

describe('ProjectionsModule', () => {
  let dir: string;
  let app: TestingModule;
  const saved = process.env.DUBAN_DATA_DIR;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'duban-projections-nest-'));
    process.env.DUBAN_DATA_DIR = dir;
  });
  afterEach(async () => {
    if (saved === undefined) delete process.env.DUBAN_DATA_DIR;
    else process.env.DUBAN_DATA_DIR = saved;
    rmSync(dir, { recursive: true, force: true });
  });

  const boot = async (projections: typeof ProjectionsModule | ReturnType<typeof ProjectionsModule.forRoot>) => {
    app = await Test.createTestingModule({ imports: [DubanConfigModule, EventStoreModule, projections] }).compile();
    await app.init();
    return app;
  };

  it('opens read-models.db in the data dir, starts on bootstrap, serves queries, stops and closes on shutdown', async () => {
    await boot(ProjectionsModule);
    const runner = app.get(ProjectionRunner);
    const query = app.get(ItemsQuery);
    const db = app.get<Database.Database>(READ_MODEL_DB);
    expect(runner.isRunning).toBe(true);
    expect(runner.names).toEqual(['items', 'ledger', 'figures', 'targets', 'audit']);
    expect(existsSync(join(dir, 'read-models.db'))).toBe(true);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');

    const result = await new Ledger(app.get<EventStore>(EVENT_STORE)).run(registerTask('nest-1'));
    await runner.waitFor(result.position, 5000);
    expect(query.get(taskItemKey('nest-1', ZHONGMU))).toMatchObject({ status: 'registered', streamVersion: 0n });
    expect((await runner.lag())[0]).toMatchObject({ name: 'items', eventsBehind: 0 });

    await app.close();
    expect(runner.isRunning).toBe(false);
    expect(db.open).toBe(false);
  });

  it('forRoot: no auto-start, extra projections, another file', async () => {
    const file = join(dir, 'elsewhere', 'rm.db');
    await boot(ProjectionsModule.forRoot({ autoStart: false, file, extraProjections: [new LogProjection()] }));
    const runner = app.get(ProjectionRunner);
    expect(runner.isRunning).toBe(false);
    expect(runner.names).toEqual(['items', 'ledger', 'figures', 'targets', 'audit', 'log']);
    expect(existsSync(file)).toBe(true);
    // tables exist before the first start: queries answer (empty)
    expect(app.get(ItemsQuery).list().total).toBe(0);
    await app.close();
  });
});
