/**
 * Where does one SqliteEventStore single-event append spend its time? `npx tsx bench/append-breakdown.ts [FULL|NORMAL]`
 *
 * Replays, step by step on the adapter's own schema, the statements and calls its appendToStream makes
 * (see libs/eventstore/src/sqlite/sqlite-event-store.ts; keep in sync), timing each step, next to the adapter
 * itself and to a raw autocommit INSERT. Diagnostic helper for store.bench.ts; not part of `npm run bench:store`.
 */
import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { canonicalJson, eventHash, GENESIS, globalHash, NewEvent, NO_STREAM, SqliteEventStore } from '@duban/eventstore';
import { validateNewEvents } from '@duban/eventstore/chain';

const SYNC = process.argv[2] === 'FULL' ? 'FULL' : 'NORMAL';
const N = Number(process.env.N ?? 20_000);
const STREAMS = 100;
const dir = mkdtempSync(join(os.tmpdir(), 'duban-breakdown-'));
let run = 0; // every pass writes its own streams, so passes can share one file

const event = (i: number): NewEvent => ({
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
});

async function adapterOnly(): Promise<number> {
  const store = new SqliteEventStore({ file: join(dir, 'adapter.db'), synchronous: SYNC });
  const versions = new Array<number>(STREAMS).fill(-1);
  const prefix = `adapter${run++}`;
  let ns = 0;
  for (let i = 0; i < N; i++) {
    const k = i % STREAMS;
    const e = [event(i)];
    const t0 = process.hrtime.bigint();
    await store.appendToStream(`${prefix}-${k}`, e, { expectedVersion: versions[k] < 0 ? NO_STREAM : BigInt(versions[k]) });
    ns += Number(process.hrtime.bigint() - t0);
    versions[k]++;
  }
  await store.close();
  return ns / N;
}

function rawOnly(): number {
  const db = new Database(join(dir, 'adapter.db')); // same schema, the adapter's file
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${SYNC}`);
  const insert = db.prepare('INSERT INTO events (id, stream, version, type, data, metadata, hash, global_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
  const prefix = `raw${run++}`;
  let ns = 0;
  for (let i = 0; i < N; i++) {
    const e = event(i);
    const args = [e.id, `${prefix}-${i % STREAMS}`, Math.floor(i / STREAMS), e.type, JSON.stringify(e.data), JSON.stringify(e.metadata), GENESIS, GENESIS];
    const t0 = process.hrtime.bigint();
    insert.run(...args);
    ns += Number(process.hrtime.bigint() - t0);
  }
  db.close();
  return ns / N;
}

/** The adapter's append, inlined, one clock reading between steps. */
function steps(): Map<string, number[]> {
  const db = new Database(join(dir, 'adapter.db'));
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${SYNC}`);
  const prep = (sql: string) => {
    const s = db.prepare(sql).safeIntegers(true);
    return s.reader ? s.raw(true) : s;
  };
  const streamHead = prep('SELECT version, hash FROM events WHERE stream = ? ORDER BY version DESC LIMIT 1');
  const sequence = prep("SELECT seq FROM sqlite_sequence WHERE name = 'events'");
  const lastRow = prep('SELECT global_hash FROM events ORDER BY position DESC LIMIT 1');
  const insert = prep('INSERT INTO events (position, id, stream, version, type, data, metadata, hash, global_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)');
  const begin = db.prepare('BEGIN IMMEDIATE');
  const commit = db.prepare('COMMIT');
  const signal = new EventEmitter();
  const took = new Map<string, number[]>();
  const prefix = `steps${run++}`;
  for (let i = 0; i < N; i++) {
    const stream = `${prefix}-${i % STREAMS}`;
    const events = [event(i)];
    let t = process.hrtime.bigint();
    const lap = (name: string) => {
      const now = process.hrtime.bigint();
      const list = took.get(name) ?? [];
      if (!list.length) took.set(name, list);
      list.push(Number(now - t));
      t = now;
    };
    validateNewEvents(stream, events);
    lap('validateNewEvents (regexes, Date.parse)');
    begin.run();
    lap('BEGIN IMMEDIATE');
    const head = streamHead.get(stream) as [bigint, string] | undefined;
    lap('SELECT stream head (version, hash)');
    const seq = sequence.get() as [bigint] | undefined;
    lap('SELECT seq FROM sqlite_sequence');
    const last = lastRow.get() as [string] | undefined;
    lap('SELECT last global_hash');
    const recordedAt = new Date().toISOString();
    const e = events[0];
    const version = head ? head[0] + 1n : 0n;
    const position = (seq ? seq[0] : 0n) + 1n;
    lap('clock + bookkeeping');
    const data = canonicalJson(e.data);
    const metadata = canonicalJson({ ...e.metadata, recordedAt });
    lap('canonicalJson data + metadata');
    const hash = eventHash(head ? head[1] : GENESIS, stream, version, e.id, e.type, data, metadata);
    lap('eventHash (sha256)');
    const chain = globalHash(last ? last[0] : GENESIS, position, hash);
    lap('globalHash (sha256)');
    insert.run(position, e.id, stream, version, e.type, data, metadata, hash, chain);
    lap('INSERT (9 params, bigints)');
    commit.run();
    lap(`COMMIT (${SYNC === 'FULL' ? 'WAL fsync' : 'no fsync'})`);
    signal.emit('append');
    lap('emit append');
  }
  db.close();
  return took;
}

async function main() {
  // warm up everything once, then measure
  await adapterOnly(); // creates the schema
  rawOnly();
  steps();
  const raw = rawOnly();
  const adapter = await adapterOnly();
  const took = steps();
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  const p50 = (xs: number[]) => Float64Array.from(xs).sort()[xs.length >> 1];
  const total = sum([...took.values()].map(sum)) / N;
  const us = (ns: number) => `${(ns / 1e3).toFixed(2).padStart(7)} µs`;
  console.log(`synchronous=${SYNC}, ${N} single-event appends over ${STREAMS} streams`);
  console.log(`${''.padEnd(44)}      mean     share        p50`);
  console.log(`  adapter.appendToStream (await)            ${us(adapter)}`);
  console.log(`  raw autocommit INSERT                     ${us(raw)}   (adapter = ${((raw / adapter) * 100).toFixed(0)}% of raw speed)`);
  console.log(`  adapter steps, inlined (sum)              ${us(total)}`);
  for (const [name, xs] of took)
    console.log(`    ${name.padEnd(40)} ${us(sum(xs) / N)}  ${((sum(xs) / N / total) * 100).toFixed(0).padStart(3)}%   ${us(p50(xs))}`);
  console.log(`  rest (promise, async fn, tx wrapper)      ${us(adapter - total)}`);
}

main().finally(() => rmSync(dir, { recursive: true, force: true }));
