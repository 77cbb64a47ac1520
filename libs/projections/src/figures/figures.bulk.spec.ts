/**
 * The figures bulk writer: applying a log through `openBulk('rebuild')` (one
 * writer for the whole log, its memory carried from batch to batch, never
 * reading the table) or through `openBulk('live')` (a writer per batch,
 * reading rows back from the table), in batches of random sizes, must leave
 * the table exactly as `apply` event by event does — row by row, column by
 * column. And the runner's rebuild (one pass, indexes dropped and created at
 * the end) must give the table the live runner gives.
 *
 * The log: the bench generator's task and issue lifecycles (real deciders:
 * rejections, extensions, reopenings, closures), then amendments that drop,
 * add and re-add responsible units, through the real task decider.
 */
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import type { RecordedEvent } from '@duban/eventstore';
import { SqliteEventStore } from '@duban/eventstore';
import type { TaskCommand } from '@duban/domain/task';
import { generateLog } from '../../../../bench/support/log-generator';
import type { ProjectionTx, SqlParams } from '../runner/projection';
import { ProjectionRunner } from '../runner/projection-runner';
import { openReadModelDatabase } from '../runner/read-model-db';
import { acknowledgeShare, AIRPORT_ZONE, approveShare, assignShare, command, registerTask, reportShare, submitShare, supervisor, ZHENGDONG, ZHONGMU } from '../testing/fixtures';
import { Ledger } from '../testing/ledger';
import { FiguresProjection } from './figures.projection';

const EVENTS = 2500;
let dir: string;
let logFile: string;
let events: RecordedEvent[];

const amend = (taskId: string, responsibleUnits: string[], at: string): TaskCommand =>
  command('AmendTask', supervisor, at, { taskId, reason: '郑政办〔2021〕40号 修订', responsibleUnits });

beforeAll(async () => {
  dir = mkdtempSync(join(os.tmpdir(), 'duban-figures-bulk-'));
  logFile = join(dir, 'log.db');
  await generateLog(logFile, EVENTS, () => undefined);
  const store = new SqliteEventStore({ file: logFile });
  try {
    const ledger = new Ledger(store);
    const at = (mmdd: string) => `2023-${mmdd}T09:00:00+08:00`;
    await ledger.runAll([
      registerTask('amend-1', { responsibleUnits: [AIRPORT_ZONE, ZHENGDONG], deadline: at('12-31') }, at('01-02')),
      assignShare('amend-1', AIRPORT_ZONE, at('01-03'), at('03-31')),
      assignShare('amend-1', ZHENGDONG, at('01-03'), at('03-31')),
      amend('amend-1', [AIRPORT_ZONE, ZHONGMU], at('01-10')), // drops an assigned share, adds one
      assignShare('amend-1', ZHONGMU, at('01-11'), at('04-30')),
      amend('amend-1', [AIRPORT_ZONE, ZHONGMU, ZHENGDONG], at('01-20')), // adds the dropped unit back
      assignShare('amend-1', ZHENGDONG, at('01-21'), at('05-31')),
      acknowledgeShare('amend-1', ZHENGDONG, at('01-22')),
      reportShare('amend-1', ZHENGDONG, at('01-23'), 100),
      submitShare('amend-1', ZHENGDONG, at('02-01')),
      approveShare('amend-1', ZHENGDONG, at('02-02')),
    ]);
    events = await store.readAll({ fromPosition: 0n, limit: 1_000_000 });
  } finally {
    await store.close();
  }
}, 120_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A ProjectionTx over a plain connection (what the runner hands `apply`, without the runner). */
function txOf(db: Database.Database): ProjectionTx {
  const cache = new Map<string, Database.Statement>();
  const statement = (sql: string) => {
    let s = cache.get(sql);
    if (!s) cache.set(sql, (s = db.prepare(sql)));
    return s;
  };
  const bind = (params: SqlParams | undefined) => (params === undefined ? [] : [params]);
  return {
    run: (sql, params) => statement(sql).run(...bind(params)).changes,
    get: <T>(sql: string, params?: SqlParams) => statement(sql).get(...bind(params)) as T | undefined,
    all: <T>(sql: string, params?: SqlParams) => statement(sql).all(...bind(params)) as T[],
  };
}

function freshDb(projection: FiguresProjection): Database.Database {
  const db = new Database(':memory:');
  db.exec(projection.schema);
  return db;
}

/** Every row, every column, in key order. */
function table(db: Database.Database): string[] {
  return (db.prepare('SELECT * FROM figures_items ORDER BY key').safeIntegers(true).all() as object[]).map((r) =>
    JSON.stringify(r, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)),
  );
}

/** Splits the log into consecutive batches of the sizes given (cycled). */
function batches<T>(xs: readonly T[], sizes: readonly number[]): T[][] {
  const out: T[][] = [];
  for (let i = 0, k = 0; i < xs.length; k++) {
    const n = sizes[k % sizes.length];
    out.push(xs.slice(i, i + n));
    i += n;
  }
  return out;
}

describe('figures bulk writer == apply event by event', () => {
  let expected: string[];

  beforeAll(() => {
    const projection = new FiguresProjection();
    const db = freshDb(projection);
    const tx = txOf(db);
    for (const event of events) if (projection.handles(event.type)) db.transaction(() => projection.apply(event, tx))();
    expected = table(db);
    db.close();
  });

  it('the log exercises the model: many rows, closures, reworks, extensions, reopenings, a drop and a re-add', () => {
    expect(expected.length).toBeGreaterThan(200);
    const joined = expected.join('\n').replace(/\\"/g, '"'); // the timelines are JSON inside the row's JSON
    for (const fragment of ['"onTime":true', '"onTime":false', '"cause":"extension"', '"cause":"reopened"', '"member":false', '"member":true']) {
      expect(joined).toContain(fragment);
    }
  });

  it.each(['rebuild', 'live'] as const)('%s writer, batches of random sizes', async (mode) => {
    await fc.assert(
      fc.property(fc.array(fc.oneof(fc.integer({ min: 1, max: 7 }), fc.integer({ min: 8, max: 3000 })), { minLength: 1, maxLength: 12 }), (sizes) => {
        const projection = new FiguresProjection();
        const db = freshDb(projection);
        const tx = txOf(db);
        const rebuild = mode === 'rebuild' ? projection.openBulk('rebuild') : null;
        for (const batch of batches(events, sizes)) {
          const handled = batch.filter((e) => projection.handles(e.type));
          db.transaction(() => (rebuild ?? projection.openBulk('live')).applyBatch(handled, tx))();
        }
        expect(table(db)).toEqual(expected);
        db.close();
      }),
      { numRuns: 12 },
    );
  }, 120_000);

  it('the rebuild writer never reads the table', () => {
    const projection = new FiguresProjection();
    const db = freshDb(projection);
    const tx = txOf(db);
    const reads: string[] = [];
    const spy: ProjectionTx = { run: tx.run, get: (sql, p) => (reads.push(sql), tx.get(sql, p)), all: (sql, p) => (reads.push(sql), tx.all(sql, p)) };
    const writer = projection.openBulk('rebuild');
    for (const batch of batches(events, [500])) db.transaction(() => writer.applyBatch(batch.filter((e) => projection.handles(e.type)), spy))();
    expect(reads).toEqual([]);
    expect(projection.deferIndexesOnRebuild).toBe(true);
    expect(table(db)).toEqual(expected);
    db.close();
  });

  it('a broken log (an event for an item never opened) fails the batch', () => {
    const projection = new FiguresProjection();
    const db = freshDb(projection);
    const orphan = events.find((e) => e.type === 'task.share.acknowledged.v1')!;
    for (const writer of [projection.openBulk('rebuild'), projection.openBulk('live')]) {
      expect(() => db.transaction(() => writer.applyBatch([orphan], txOf(db)))()).toThrow(/holds no row/);
    }
    expect(table(db)).toEqual([]);
    db.close();
  });

  it('the runner: a rebuild (one pass, indexes created at the end) == the live runner, rows and indexes', async () => {
    const snapshot = (db: Database.Database) => ({
      rows: table(db),
      indexes: db.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'figures_items' ORDER BY name").all(),
    });
    const run = async (name: string, how: (runner: ProjectionRunner) => Promise<void>) => {
      const store = new SqliteEventStore({ file: logFile });
      const db = openReadModelDatabase(join(dir, `${name}.db`));
      const runner = new ProjectionRunner({ store, db, projections: [new FiguresProjection()], batchSize: 37, rebuildBatchSize: 211, catchUpFromZero: 'live' });
      try {
        runner.prepare();
        await how(runner);
        return snapshot(db);
      } finally {
        await runner.stop();
        db.close();
        await store.close();
      }
    };
    const last = events[events.length - 1].globalPosition;
    const live = await run('live', async (r) => {
      await r.start();
      await r.waitFor(last, 60_000);
    });
    const rebuilt = await run('rebuilt', async (r) => {
      await r.rebuild('figures');
    });
    expect(live.rows).toEqual(expected);
    expect(rebuilt).toEqual(live);
    expect(live.indexes.map((i) => (i as { name: string }).name)).toEqual([
      'figures_items_assigned',
      'figures_items_position',
      'figures_items_unit',
      'sqlite_autoindex_figures_items_1', // the primary key: never dropped
    ]);
  }, 120_000);
});
