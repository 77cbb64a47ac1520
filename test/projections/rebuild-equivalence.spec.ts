/**
 * A rebuild (one pass over the log, 'rebuild' bulk writers that keep their
 * state in memory between pages, secondary indexes dropped and created at the
 * end) must leave every read model exactly as the live path does (fresh
 * 'live' writers per batch, reading rows back from the tables), whatever the
 * batch sizes. Checked on a realistic log from the bench generator (real
 * deciders, task and issue lifecycles with rejections, extensions, reopenings
 * and task closures), table by table, row by row, and index by index.
 */
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore } from '@duban/eventstore';
import { builtInProjections, CHECKPOINT_TABLE, openReadModelDatabase, ProjectionRunner } from '@duban/projections';
import { generateLog } from '../../bench/support/log-generator';

const EVENTS = 3000;
let dir: string;
let logFile: string;

beforeAll(async () => {
  dir = mkdtempSync(join(os.tmpdir(), 'duban-rebuild-eq-'));
  logFile = join(dir, 'log.db');
  await generateLog(logFile, EVENTS, () => undefined);
}, 120_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

let n = 0;
async function readModels(mode: 'live' | 'rebuild', batchSize: number): Promise<Database.Database> {
  const run = `${mode}-${n++}`;
  copyFileSync(logFile, join(dir, `${run}.db`));
  const store = new SqliteEventStore({ file: join(dir, `${run}.db`) });
  const db = openReadModelDatabase(join(dir, `${run}-rm.db`));
  const runner = new ProjectionRunner({ store, db, projections: builtInProjections(), batchSize, rebuildBatchSize: batchSize, catchUpFromZero: mode === 'live' ? 'live' : 'rebuild' });
  try {
    if (mode === 'rebuild') {
      const results = await runner.rebuild();
      for (const r of results) expect(r.events).toBe(EVENTS);
    } else {
      await runner.start();
      await runner.waitFor(await lastPosition(store), 60_000);
      await runner.stop();
    }
  } finally {
    await store.close();
  }
  return db;
}

async function lastPosition(store: SqliteEventStore): Promise<bigint> {
  let pos = 0n;
  for (;;) {
    const page = await store.readAll({ fromPosition: pos, limit: 1000 });
    if (page.length === 0) return pos;
    pos = page[page.length - 1].globalPosition;
  }
}

/** Every read-model table (not the checkpoints) as sorted JSON rows, and every index's definition. */
function snapshot(db: Database.Database): { tables: Record<string, string[]>; indexes: string[] } {
  const tables: Record<string, string[]> = {};
  const names = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> ? ORDER BY name").pluck().all(CHECKPOINT_TABLE) as string[];
  for (const t of names) {
    tables[t] = (db.prepare(`SELECT * FROM "${t}"`).safeIntegers(true).all() as object[])
      .map((r) => JSON.stringify(r, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)))
      .sort();
  }
  const indexes = (db.prepare("SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'index' ORDER BY name").all() as object[]).map((r) => JSON.stringify(r));
  return { tables, indexes };
}

describe('rebuild == live, for every built-in read model', () => {
  it('holds for random batch sizes on a realistic log', async () => {
    const live = await readModels('live', 97);
    const expected = snapshot(live);
    live.close();
    // the log really exercises the models
    expect(expected.tables.items.length).toBeGreaterThan(100);
    expect(expected.tables.ledger_versions.length).toBeGreaterThan(1000);
    expect(expected.tables.audit_events).toHaveLength(EVENTS);

    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 41, max: 4000 })), fc.boolean(), async (batchSize, rebuild) => {
        const db = await readModels(rebuild ? 'rebuild' : 'live', batchSize);
        try {
          const got = snapshot(db);
          expect(Object.keys(got.tables)).toEqual(Object.keys(expected.tables));
          for (const t of Object.keys(expected.tables)) expect({ table: t, rows: got.tables[t] }).toEqual({ table: t, rows: expected.tables[t] });
          expect(got.indexes).toEqual(expected.indexes);
        } finally {
          db.close();
        }
      }),
      { numRuns: 6 },
    );
  }, 300_000);
});
