/**
 * The "limit" shared by the benches: raw better-sqlite3 on a table shaped like SqliteEventStore's `events`,
 * pre-serialised JSON and constant hashes, so it costs what SQLite itself costs. Also the event shape and the
 * timing loop the benches measure it with (used by store.bench.ts and commands.bench.ts).
 */
import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { NewEvent } from '@duban/eventstore';
import { EVENTS_TABLE } from '@duban/eventstore/sqlite/sqlite-event-store';

export type Sync = 'FULL' | 'NORMAL';

/** `next()` prepares one operation outside the clock; the returned thunk is timed and returns the events it handled. */
export interface Case {
  next(): () => number | Promise<number>;
  close(): void | Promise<void>;
}

/** An event shaped like the contract's newEvent(). */
export function makeEvent(i: number): NewEvent {
  return {
    id: randomUUID(),
    type: 'task.assigned.v1',
    data: { taskId: randomUUID(), unitId: '市政府办公厅四处', deadline: '2021-05-15T09:00:00.000Z', note: `请于期限内办结并反馈结果 #${i}` },
    metadata: {
      actorUserId: 'tester',
      actorUnitId: '市政府办公厅四处',
      actorRole: 'supervisor',
      commandId: randomUUID(),
      correlationId: randomUUID(),
      causationId: randomUUID(),
      occurredAt: '2021-04-30T15:59:59.000Z',
    },
  };
}

/** Round-robin stream picker that remembers how many events each stream holds. */
export function streams(prefix: string, n: number) {
  const counts = new Array<number>(n).fill(0);
  let i = 0;
  return {
    pick(batch: number) {
      const k = i++ % n;
      const before = counts[k];
      counts[k] += batch;
      return { name: `${prefix}-${k}`, before };
    },
  };
}

/** The raw table is the adapter's own `events` table. */
export const RAW_SCHEMA = EVENTS_TABLE;
const FAKE_HASH = 'ab'.repeat(32);

/** A new database file in WAL mode with the raw table, a prepared INSERT and its row builder. */
export function openRaw(file: string, sync: Sync) {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${sync}`);
  db.exec(RAW_SCHEMA);
  const insert = db.prepare(
    'INSERT INTO events (id, stream, version, type, data, metadata, hash, global_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
  );
  const rows = (stream: string, version: number, events: NewEvent[]) => {
    const recordedAt = new Date().toISOString();
    return events.map((e, j) => [e.id, stream, version + j, e.type, JSON.stringify(e.data), JSON.stringify({ ...e.metadata, recordedAt }), FAKE_HASH, FAKE_HASH]);
  };
  const insertMany = db.transaction((rs: unknown[][]) => {
    for (const r of rs) insert.run(...r);
  });
  return { db, insert, rows, insertMany };
}

/**
 * Appends of `batch` events round-robin over `streamCount` streams: a single insert in autocommit mode is its own
 * transaction; a batch is one transaction. Event generation and JSON serialisation happen in next(), off the clock.
 */
export function rawAppendCase(file: string, sync: Sync, batch: number, makeEvents: (n: number) => NewEvent[], streamCount: number): Case {
  const { db, insert, rows, insertMany } = openRaw(file, sync);
  const pick = streams('task', streamCount);
  return {
    next() {
      const s = pick.pick(batch);
      const rs = rows(s.name, s.before, makeEvents(batch));
      return batch === 1 ? () => (insert.run(...rs[0]), 1) : () => (insertMany(rs), batch);
    },
    close: () => void db.close(),
  };
}

/** Runs a case for at least `budgetNs` of time inside its operations and `minOps` operations; returns the events. */
export async function timed(c: Case, budgetNs: number, minOps: number, lat?: number[]): Promise<number> {
  let spent = 0;
  let events = 0;
  for (let ops = 0; spent < budgetNs || ops < minOps; ops++) {
    const run = c.next();
    const t0 = process.hrtime.bigint();
    let n = run();
    if (typeof n !== 'number') n = await n;
    const dt = Number(process.hrtime.bigint() - t0);
    spent += dt;
    events += n;
    lat?.push(dt);
  }
  return events;
}

/** The device, file system and mount point a path lives on, from /proc/mounts. */
export function mountOf(path: string): string {
  const mounts = readFileSync('/proc/mounts', 'utf8').split('\n').map((l) => l.split(' '));
  const best = mounts.filter((m) => m[1] && (path === m[1] || path.startsWith(m[1] === '/' ? '/' : `${m[1]}/`)));
  best.sort((a, b) => b[1].length - a[1].length);
  return best[0] ? `${best[0][0]} (${best[0][2]}, mounted at ${best[0][1]})` : 'unknown';
}
