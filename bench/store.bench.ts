/**
 * Event store benchmark: `npm run bench:store` (BENCH_QUICK=1 for a ~10x smaller smoke run).
 *
 * Side by side, same machine, same run, WAL journal everywhere:
 *   raw          better-sqlite3 on a table shaped like SqliteEventStore's `events`, pre-serialised JSON,
 *                constant hashes: the "limit" for what SQLite itself costs;
 *   duban        our SqliteEventStore adapter;
 *   emmett       @event-driven-io/emmett-sqlite through its exported functions on one held connection
 *                (so the same PRAGMAs can be set);
 *   emmett-store its getSQLiteEventStore() as shipped (a new sqlite3 connection per call; no PRAGMAs).
 * Each store of each workload gets a fresh temp dir; the stores of a workload are warmed up, then run in
 * ROUNDS interleaved rounds so drift of the disk hits them all alike. Throughput = events / time spent inside
 * the operations (event generation and raw's JSON serialisation happen outside the timed region).
 */
import Database from 'better-sqlite3';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import type { Event as EmmettEvent } from '@event-driven-io/emmett';
import * as emmett from '@event-driven-io/emmett-sqlite';
import { ExpectedVersion, NewEvent, NO_STREAM, SqliteEventStore } from '@duban/eventstore';
import { Case, makeEvent, mountOf, openRaw, rawAppendCase, streams, Sync, timed } from './support/raw-sqlite';

const QUICK = process.env.BENCH_QUICK === '1';
const SCALE = QUICK ? 0.1 : 1;
const CELL_MS = 3000 * SCALE; // measured time per store and workload
const WARMUP_MS = 400 * SCALE;
const ROUNDS = 10; // interleaved rounds: background load and disk hiccups hit every store alike
const APPEND_STREAMS = 100; // appends go round-robin over this many streams
const STREAM_LEN = 200; // read workloads: every stream holds 200 events
const READ_EVENTS = QUICK ? 10_000 : 100_000; // size of the log that is read and replayed
const PAGE = 1000; // replay page size
const GOAL_APPEND_VS_RAW = 0.6;
const GOAL_REPLAY = 250_000;

type StoreName = 'raw' | 'duban' | 'emmett' | 'emmett-store';

const root = mkdtempSync(join(os.tmpdir(), 'duban-bench-'));
const freshDir = (name: string) => mkdtempSync(join(root, `${name}-`));

// ---------------------------------------------------------------- events (shaped like the contract's newEvent(), see support/raw-sqlite.ts)

let counter = 0;
const EVENT_BYTES = ((e: NewEvent) => ({
  data: Buffer.byteLength(JSON.stringify(e.data)),
  metadata: Buffer.byteLength(JSON.stringify({ ...e.metadata, recordedAt: new Date().toISOString() })),
}))(makeEvent(0));
const makeEvents = (n: number) => Array.from({ length: n }, () => makeEvent(counter++));
const toEmmett = (e: NewEvent): EmmettEvent<string, Record<string, unknown>, Record<string, unknown>> => ({
  type: e.type,
  data: e.data as Record<string, unknown>,
  metadata: e.metadata,
});

// ---------------------------------------------------------------- raw better-sqlite3 (the limit)

// the table, the INSERT and the append case live in support/raw-sqlite.ts (shared with commands.bench.ts)
const rawAppend = (sync: Sync, batch: number): Case => rawAppendCase(join(freshDir('raw'), 'events.db'), sync, batch, makeEvents, APPEND_STREAMS);

const parsed = (r: unknown[]) => [r[0], r[2], r[3], JSON.parse(r[5] as string), JSON.parse(r[6] as string)];

function rawReadCase(template: string, kind: 'stream' | 'replay', stream: string): Case {
  const dir = freshDir('raw');
  cpSync(template, dir, { recursive: true });
  const db = new Database(join(dir, 'events.db'), { readonly: true });
  const cols = 'position, id, stream, version, type, data, metadata, hash';
  const byStream = db.prepare(`SELECT ${cols} FROM events WHERE stream = ? ORDER BY version`).raw(true);
  // the scan is read a page at a time: on this machine that beats one .iterate() over the table (per-row calls)
  const scan = db.prepare(`SELECT ${cols} FROM events WHERE position > ? ORDER BY position LIMIT ${PAGE}`).raw(true);
  let after = 0;
  const page = () => {
    const rows = (scan.all(after) as unknown[][]).map(parsed);
    after = rows.length < PAGE ? 0 : (rows[rows.length - 1][0] as number); // short page: log exhausted
    return rows.length;
  };
  return {
    next: () => (kind === 'stream' ? () => (byStream.all(stream) as unknown[][]).map(parsed).length : page),
    close: () => void db.close(),
  };
}

// ---------------------------------------------------------------- duban (our adapter)

function dubanAppendCase(sync: Sync, batch: number): Case {
  const store = new SqliteEventStore({ file: join(freshDir('duban'), 'events.db'), synchronous: sync });
  const pick = streams('task', APPEND_STREAMS);
  return {
    next() {
      const s = pick.pick(batch);
      const events = makeEvents(batch);
      const expectedVersion: ExpectedVersion = s.before === 0 ? NO_STREAM : BigInt(s.before - 1);
      return () => store.appendToStream(s.name, events, { expectedVersion }).then(() => batch);
    },
    close: () => store.close(),
  };
}

function dubanReadCase(template: string, kind: 'stream' | 'replay', stream: string): Case {
  const dir = freshDir('duban');
  cpSync(template, dir, { recursive: true });
  const store = new SqliteEventStore({ file: join(dir, 'events.db') });
  let after = 0n;
  const page = async () => {
    const events = await store.readAll({ fromPosition: after, limit: PAGE });
    after = events.length < PAGE ? 0n : events[events.length - 1].globalPosition; // short page: log exhausted
    return events.length;
  };
  return {
    next: () => (kind === 'stream' ? () => store.readStream(stream).then((e) => e.length) : page),
    close: () => store.close(),
  };
}

// ---------------------------------------------------------------- emmett (the peer)

/**
 * getSQLiteEventStore() intermittently fails a commit with "SQLITE_BUSY: cannot commit transaction - SQL
 * statements in progress" (about 1 append in 100 here; probably its fire-and-forget `PRAGMA journal_mode` on
 * each freshly opened connection is still unfinalised at COMMIT). Its transaction wrapper rolls back and
 * console.logs the error. The bench retries such operations (the retries stay inside the timed operation),
 * counts them, and keeps the peer's console.log lines out of the table.
 */
const peerRetries = new Map<StoreName, { count: number; message: string }>();
let peerLogLines = 0;
console.log = () => void peerLogLines++; // the bench prints through out()
const out = (line = '') => process.stdout.write(`${line}\n`);

async function retrying<T>(store: StoreName, f: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await f();
    } catch (err) {
      if ((err as { code?: string }).code !== 'SQLITE_BUSY' || attempt === 5) throw err;
      const seen = peerRetries.get(store) ?? { count: 0, message: (err as Error).message };
      seen.count++;
      peerRetries.set(store, seen);
    }
  }
}

async function openEmmett(file: string, sync: Sync) {
  const conn = emmett.sqliteConnection({ fileName: file }); // emmett itself issues PRAGMA journal_mode = WAL
  await conn.command('PRAGMA journal_mode = WAL');
  await conn.command(`PRAGMA synchronous = ${sync}`);
  await conn.command('PRAGMA cache_size = -16000'); // better-sqlite3's default, so both sides cache alike
  await emmett.createEventStoreSchema(conn);
  return conn;
}

async function emmettAppendCase(sync: Sync, batch: number): Promise<Case> {
  const conn = await openEmmett(join(freshDir('emmett'), 'events.db'), sync);
  const pick = streams('task', APPEND_STREAMS);
  return {
    next() {
      const s = pick.pick(batch);
      const events = makeEvents(batch).map(toEmmett);
      const options = { expectedStreamVersion: BigInt(s.before) }; // emmett counts events: 0 = new stream
      return async () => {
        const r = await retrying('emmett', () => emmett.appendToStream(conn, s.name, 'task', events, options));
        if (!r.success) throw new Error(`emmett append to ${s.name} failed`);
        return batch;
      };
    },
    close: () => conn.close(),
  };
}

function emmettStoreAppendCase(batch: number): Case {
  const store = emmett.getSQLiteEventStore({ fileName: join(freshDir('emmett-store'), 'events.db') });
  const pick = streams('task', APPEND_STREAMS);
  return {
    next() {
      const s = pick.pick(batch);
      const events = makeEvents(batch).map(toEmmett);
      const options = { expectedStreamVersion: BigInt(s.before) };
      return () => retrying('emmett-store', () => store.appendToStream(s.name, events, options)).then(() => batch);
    },
    close: () => undefined, // it closes its connection after every call
  };
}

async function emmettReadCase(template: string, kind: 'stream' | 'replay', stream: string): Promise<Case> {
  const dir = freshDir('emmett');
  cpSync(template, dir, { recursive: true });
  const conn = await openEmmett(join(dir, 'events.db'), 'FULL');
  let after = 0n;
  const page = async () => {
    const r = await emmett.readMessagesBatch(conn, { after, batchSize: PAGE });
    after = r.areEventsLeft ? r.currentGlobalPosition : 0n;
    return r.messages.length;
  };
  return {
    next: () => (kind === 'stream' ? () => emmett.readStream(conn, stream).then((r) => r.events.length) : page),
    close: () => conn.close(),
  };
}

function emmettStoreReadCase(template: string, stream: string): Case {
  const dir = freshDir('emmett-store');
  cpSync(template, dir, { recursive: true });
  const store = emmett.getSQLiteEventStore({ fileName: join(dir, 'events.db') });
  const read = () => retrying('emmett-store', () => store.readStream(stream)).then((r) => r.events.length);
  return { next: () => read, close: () => undefined };
}

// ---------------------------------------------------------------- read datasets (built once per store, copied per case)

async function buildTemplates() {
  const nStreams = READ_EVENTS / STREAM_LEN;
  const batch = 50; // streams are filled 50 events at a time, round-robin, so the log interleaves them
  const rounds: { stream: string; before: number; events: NewEvent[] }[] = [];
  for (let before = 0; before < STREAM_LEN; before += batch)
    for (let k = 0; k < nStreams; k++) rounds.push({ stream: `task-${k}`, before, events: makeEvents(batch) });

  const raw = freshDir('tpl-raw');
  const r = openRaw(join(raw, 'events.db'), 'NORMAL');
  r.db.transaction(() => rounds.forEach((x) => r.insertMany(r.rows(x.stream, x.before, x.events))))();
  r.db.close();

  const duban = freshDir('tpl-duban');
  const store = new SqliteEventStore({ file: join(duban, 'events.db'), synchronous: 'NORMAL' });
  for (const x of rounds)
    await store.appendToStream(x.stream, x.events, { expectedVersion: x.before === 0 ? NO_STREAM : BigInt(x.before - 1) });
  await store.close();

  const em = freshDir('tpl-emmett');
  const conn = await openEmmett(join(em, 'events.db'), 'NORMAL');
  for (const x of rounds)
    await emmett.appendToStream(conn, x.stream, 'task', x.events.map(toEmmett), { expectedStreamVersion: BigInt(x.before) });
  conn.close();
  await new Promise((res) => setTimeout(res, 100)); // sqlite3 closes asynchronously
  return { raw, duban, emmett: em, stream: `task-${Math.floor(nStreams / 2)}` };
}

// ---------------------------------------------------------------- runner

interface Result {
  store: StoreName;
  events: number;
  ops: number;
  ns: number;
  p50: number;
  p99: number;
}

async function runWorkload(stores: [StoreName, () => Case | Promise<Case>][], minWarmupOps = 1): Promise<Result[]> {
  const cases: Case[] = [];
  for (const [, open] of stores) cases.push(await open());
  for (const c of cases) await timed(c, WARMUP_MS * 1e6, minWarmupOps);
  const lat = cases.map(() => [] as number[]);
  const events = cases.map(() => 0);
  for (let round = 0; round < ROUNDS; round++)
    for (let i = 0; i < cases.length; i++) events[i] += await timed(cases[i], (CELL_MS / ROUNDS) * 1e6, 1, lat[i]);
  for (const c of cases) await c.close();
  return stores.map(([store], i) => {
    const sorted = Float64Array.from(lat[i]).sort();
    const q = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
    return { store, events: events[i], ops: sorted.length, ns: sorted.reduce((a, b) => a + b, 0), p50: q(0.5), p99: q(0.99) };
  });
}

// ---------------------------------------------------------------- report

const rate = (r: Result) => (r.events * 1e9) / r.ns;
const int = (n: number) => Math.round(n).toLocaleString('en-US');
const dur = (ns: number) => (ns >= 1e6 ? `${(ns / 1e6).toFixed(2)} ms` : `${(ns / 1e3).toFixed(1)} µs`);
const pct = (x: number) => `${(x * 100).toFixed(0)}%`;

function pkgVersion(name: string): string {
  return JSON.parse(readFileSync(join(__dirname, '..', 'node_modules', name, 'package.json'), 'utf8')).version;
}

async function main() {
  const started = process.hrtime.bigint();
  const loadAtStart = os.loadavg()[0];
  const table: { workload: string; results: Result[] }[] = [];
  const run = async (workload: string, stores: [StoreName, () => Case | Promise<Case>][], minWarmupOps = 1) => {
    process.stderr.write(`  ${workload} …\n`);
    table.push({ workload, results: await runWorkload(stores, minWarmupOps) });
  };

  for (const sync of ['FULL', 'NORMAL'] as const) {
    const stores: [StoreName, () => Case | Promise<Case>][] = [
      ['raw', () => rawAppend(sync, 1)],
      ['duban', () => dubanAppendCase(sync, 1)],
      ['emmett', () => emmettAppendCase(sync, 1)],
    ];
    if (sync === 'FULL') stores.push(['emmett-store', () => emmettStoreAppendCase(1)]);
    await run(`append 1 ev  ${sync}`, stores, APPEND_STREAMS);
  }
  await run(
    'append 10 ev FULL',
    [
      ['raw', () => rawAppend('FULL', 10)],
      ['duban', () => dubanAppendCase('FULL', 10)],
      ['emmett', () => emmettAppendCase('FULL', 10)],
      ['emmett-store', () => emmettStoreAppendCase(10)],
    ],
    APPEND_STREAMS,
  );

  process.stderr.write(`  building read datasets (${int(READ_EVENTS)} events each) …\n`);
  const tpl = await buildTemplates();
  await run(`read stream ${STREAM_LEN}`, [
    ['raw', () => rawReadCase(tpl.raw, 'stream', tpl.stream)],
    ['duban', () => dubanReadCase(tpl.duban, 'stream', tpl.stream)],
    ['emmett', () => emmettReadCase(tpl.emmett, 'stream', tpl.stream)],
    ['emmett-store', () => emmettStoreReadCase(tpl.emmett, tpl.stream)],
  ]);
  await run(`replay all (page ${PAGE})`, [
    ['raw', () => rawReadCase(tpl.raw, 'replay', tpl.stream)],
    ['duban', () => dubanReadCase(tpl.duban, 'replay', tpl.stream)],
    ['emmett', () => emmettReadCase(tpl.emmett, 'replay', tpl.stream)],
  ]);

  // effective settings, read back from connections opened the way each store opens them
  const probe = new Database(join(freshDir('probe'), 'p.db'));
  probe.pragma('journal_mode = WAL');
  const bsqlVersion = (probe.prepare('SELECT sqlite_version() AS v').get() as { v: string }).v;
  const bsqlCache = probe.pragma('cache_size', { simple: true });
  probe.close();
  const econn = emmett.sqliteConnection({ fileName: join(freshDir('probe'), 'p.db') });
  const eVersion = (await econn.querySingle<{ v: string }>('SELECT sqlite_version() AS v'))?.v;
  const eJournal = (await econn.querySingle<{ journal_mode: string }>('PRAGMA journal_mode'))?.journal_mode;
  const eSync = (await econn.querySingle<{ synchronous: number }>('PRAGMA synchronous'))?.synchronous;
  const eCache = (await econn.querySingle<{ cache_size: number }>('PRAGMA cache_size'))?.cache_size;
  econn.close();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;

  // ---- print
  const head = ['workload', 'store', 'ops', 'events/s', 'p50/op', 'p99/op', 'duban÷raw', 'duban÷peer'];
  const lines: string[][] = [head];
  const goals: string[] = [];
  for (const { workload, results } of table) {
    const by = (s: StoreName) => results.find((r) => r.store === s);
    const raw = by('raw')!;
    const ours = by('duban')!;
    const peers = results.filter((r) => r.store.startsWith('emmett'));
    const peer = peers.reduce((a, b) => (rate(b) > rate(a) ? b : a));
    for (const r of results) {
      const mine = r === ours;
      lines.push([
        r === results[0] ? workload : '',
        r.store,
        int(r.ops),
        int(rate(r)),
        dur(r.p50),
        dur(r.p99),
        mine ? pct(rate(ours) / rate(raw)) : '',
        mine ? `${(rate(ours) / rate(peer)).toFixed(2)}x ${peer.store}` : '',
      ]);
    }
    if (workload.startsWith('append 1 ')) {
      const vsRaw = rate(ours) / rate(raw);
      const vsPeer = rate(ours) / rate(peer);
      goals.push(
        `GOAL ${workload}: duban ≥ ${pct(GOAL_APPEND_VS_RAW)} of raw → ${pct(vsRaw)} ${vsRaw >= GOAL_APPEND_VS_RAW ? 'PASS' : 'MISS'};` +
          ` ahead of the peer (${peer.store}) → ${vsPeer.toFixed(2)}x ${vsPeer > 1 ? 'PASS' : 'MISS'}`,
      );
    }
    if (workload.startsWith('replay')) {
      goals.push(`GOAL ${workload}: duban ≥ ${int(GOAL_REPLAY)} events/s → ${int(rate(ours))} ${rate(ours) >= GOAL_REPLAY ? 'PASS' : 'MISS'}`);
    }
  }
  const widths = head.map((_, c) => Math.max(...lines.map((l) => l[c].length)));
  const right = new Set([2, 3, 4, 5, 6]);
  const fmt = (l: string[]) => l.map((v, c) => (right.has(c) ? v.padStart(widths[c]) : v.padEnd(widths[c]))).join('  ').trimEnd();
  out(`\nEvent store benchmark${QUICK ? ' (BENCH_QUICK=1: ~10x smaller)' : ''}: ${CELL_MS} ms measured per cell in ${ROUNDS} interleaved rounds after ${WARMUP_MS} ms warm-up`);
  out(fmt(lines[0]));
  out(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const l of lines.slice(1)) out(fmt(l));
  out();
  for (const g of goals) out(g);
  out(`
Settings: every store runs journal_mode=WAL, page_size 4096, wal_autocheckpoint 1000.
  raw, duban   better-sqlite3 ${pkgVersion('better-sqlite3')} (SQLite ${bsqlVersion}), synchronous as the row says, cache_size ${bsqlCache};
               raw: one prepared INSERT per event, autocommit (1 event) or one transaction (10), JSON and hashes precomputed.
  emmett       @event-driven-io/emmett-sqlite ${pkgVersion('@event-driven-io/emmett-sqlite')} on sqlite3 ${pkgVersion('sqlite3')} (SQLite ${eVersion}): its exported
               sqliteConnection/appendToStream/readStream/readMessagesBatch on one held connection, where the bench sets
               synchronous as the row says and cache_size -16000 (= better-sqlite3's).
  emmett-store getSQLiteEventStore() as shipped: it opens and closes a sqlite3 connection per call and sets only
               journal_mode, so it ran with journal_mode=${eJournal}, synchronous=${eSync} (${eSync === 2 ? 'FULL' : eSync === 1 ? 'NORMAL' : '?'}), cache_size ${eCache};
               it cannot run NORMAL and has no read-all API (only polling consumers), so those cells are absent.
  Events are shaped like the contract's newEvent(): about ${EVENT_BYTES.data} B of data and ${EVENT_BYTES.metadata} B of metadata as JSON.
  Appends go round-robin over ${APPEND_STREAMS} streams with an exact expected version; reads use a log of ${int(READ_EVENTS)} events
  in ${READ_EVENTS / STREAM_LEN} interleaved streams of ${STREAM_LEN}; a replay op is one page of ${PAGE} events (raw: SELECT … WHERE position > ?
  ORDER BY position LIMIT ${PAGE}, JSON.parse of data and metadata), restarting at position 0 when the log is exhausted.`);
  for (const [store, r] of peerRetries)
    out(`  ${store}: ${r.count} operation(s) failed with "${r.message}" and were retried (counted in its time).`);
  if (peerLogLines) out(`  (${peerLogLines} console.log lines printed by the peer were suppressed.)`);
  out(
    `\nmachine: node ${process.version} | ${os.cpus()[0]?.model.trim()} x${os.cpus().length} | ${os.platform()} ${os.release()} ${os.arch()}` +
      ` | disk: ${root} on ${mountOf(root)} | run ${seconds.toFixed(0)} s | load avg 1 min ${loadAtStart.toFixed(2)} → ${os.loadavg()[0].toFixed(2)}`,
  );
}

main()
  .catch((err) => {
    process.exitCode = 1;
    console.error(err);
  })
  .finally(() => rmSync(root, { recursive: true, force: true }));
