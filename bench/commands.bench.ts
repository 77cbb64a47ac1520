/**
 * Command-path benchmark: `npm run bench:commands` (BENCH_QUICK=1 for a ~10x shorter smoke run).
 * Run with ts-node (Nest DI needs the decorator metadata that esbuild/tsx do not emit):
 *   node -r ts-node/register/transpile-only -r tsconfig-paths/register bench/commands.bench.ts
 *
 * One run, one machine, the embedded SQLite store in a fresh temp dir (removed afterwards):
 *   raw        the limit: better-sqlite3 single-event INSERTs in autocommit into a table shaped like our `events`
 *              (support/raw-sqlite.ts, the same case as store.bench.ts), measured in cells interleaved with the
 *              phases below so drift of the disk hits them alike;
 *   in-process the whole write path with the real modules (createApi() + init(), not listening):
 *              CommandBus → IssueCommandHandler → CommandExecutor (read stream, fold, decide) → SqliteEventStore,
 *              issue lifecycles report → assign (explicit deadline) → acknowledge → progress → submit → approve,
 *              1 and 8 lifecycles in flight, one event-loop turn between a lifecycle's commands. Measured as the api
 *              runs (its ProjectionRunner follows the log in the same event loop) and with the runner stopped;
 *   http       the same lifecycles over loopback HTTP with autocannon (in a child process, its own event loop),
 *              1 and 8 connections, each connection one lifecycle in flight.
 * Every command appends exactly one event, so commands/s compares directly with raw single-event appends/s.
 * synchronous=FULL (the product default) for everything; NORMAL again for raw and in-process.
 */
import 'reflect-metadata';
import Database from 'better-sqlite3';
import { ChildProcess, fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import { join } from 'node:path';
import { CommandBus } from '@nestjs/cqrs';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { mintToken } from '@duban/access';
import { CommandEnvelope, ExecuteIssueCommand } from '@duban/application';
import type { Actor } from '@duban/domain/decider';
import type { IssueCommand } from '@duban/domain/issue';
import type { EventStoreSettings } from '@duban/eventstore';
import { EVENT_STORE_SETTINGS } from '@duban/eventstore/nest/event-store.module';
import { ProjectionRunner } from '@duban/projections';
import { createApi } from '../apps/api/src/bootstrap';
import type { LoadRequest, LoadResult } from './support/http-load';
import { Case, makeEvent, mountOf, rawAppendCase, Sync, timed } from './support/raw-sqlite';

const QUICK = process.env.BENCH_QUICK === '1';
const SCALE = QUICK ? 0.1 : 1;
const ROUNDS = 10; // interleaved rounds of raw and the in-process rows: disk hiccups hit them alike
const CELL_MS = 4000 * SCALE; // measured time per row, split over the rounds
const WARMUP_MS = 500 * SCALE;
const HTTP_S = 8 * SCALE; // per HTTP row
const HTTP_WARMUP_S = 1 * SCALE;
const RAW_STREAMS = 100;
const CONCURRENCY = [1, 8];
const GOAL_VS_RAW = 0.4;

const SECRET = `bench-secret-${randomUUID()}`; // ≥ 32 characters
const UNIT = '中牟县';
const OFFICE = '市政府办公厅四处';
const unitActor: Actor = { userId: `${UNIT}-联络员`, unitId: UNIT, role: 'unit' };
const supervisor: Actor = { userId: '张督查', unitId: OFFICE, role: 'supervisor' };
// explicit, so the working-day calendar stays out of the path; always in the future
const DEADLINE = `${new Date().getUTCFullYear() + 1}-12-31T23:59:59+08:00`;
const STEPS = ['report', 'assign', 'acknowledge', 'progress', 'submit', 'approve'] as const;

const root = mkdtempSync(join(os.tmpdir(), 'duban-cmd-bench-'));
const freshDir = (name: string) => mkdtempSync(join(root, `${name}-`));
const out = (line = '') => process.stdout.write(`${line}\n`);
const note = (line: string) => process.stderr.write(`  ${line}\n`);
const now = () => Number(process.hrtime.bigint());
const int = (n: number) => Math.round(n).toLocaleString('en-US');
const dur = (ns: number) => (ns >= 1e6 ? `${(ns / 1e6).toFixed(2)} ms` : `${(ns / 1e3).toFixed(1)} µs`);
const pct = (x: number) => `${(x * 100).toFixed(0)}%`;

// ---------------------------------------------------------------- the lifecycle, as domain commands

function commandFor(step: number, issueId: string, at: string): IssueCommand {
  switch (STEPS[step]) {
    case 'report':
      return {
        type: 'ReportIssue',
        at,
        actor: unitActor,
        data: { issueId, title: '园区施工许可证办理滞后', description: '建规证、施工许可证办理等问题影响园区按期开工。', category: '施工许可', urgency: 'normal', reportingUnit: UNIT },
      };
    case 'assign':
      return { type: 'AssignIssue', at, actor: supervisor, data: { issueId, unitId: UNIT, deadline: DEADLINE } };
    case 'acknowledge':
      return { type: 'AcknowledgeIssue', at, actor: unitActor, data: { issueId } };
    case 'progress':
      return { type: 'ReportIssueProgress', at, actor: unitActor, data: { issueId, percent: 100, narrative: '已取得施工许可证，园区已开工建设。' } };
    case 'submit':
      return { type: 'SubmitIssueCompletion', at, actor: unitActor, data: { issueId, summary: '已办结', evidence: [{ ref: 'archive://2026/11/施工许可证.pdf', title: '施工许可证' }] } };
    case 'approve':
      return { type: 'ApproveIssueCompletion', at, actor: supervisor, data: { issueId } };
  }
}

/** One lifecycle in flight: each next() sends its next command through the bus; after approve a new issue starts. */
class Lifecycle {
  private step = 0;
  private issueId = '';
  constructor(private readonly bus: CommandBus) {}

  /** Runs one command; returns its latency in ns (bus.execute only). */
  async next(): Promise<number> {
    if (this.step === 0) this.issueId = randomUUID();
    const received = new Date().toISOString();
    const command = commandFor(this.step, this.issueId, received);
    const requestId = randomUUID();
    const envelope: CommandEnvelope = { commandId: randomUUID(), correlationId: requestId, causationId: requestId, actor: command.actor, receivedAt: received };
    const t0 = now();
    const result = await this.bus.execute(new ExecuteIssueCommand(command, envelope));
    const dt = now() - t0;
    if (result.replayed || result.events.length !== 1) {
      throw new Error(`${command.type} on ${this.issueId}: expected one new event, got ${JSON.stringify(result.events)} (replayed ${result.replayed})`);
    }
    this.step = (this.step + 1) % STEPS.length;
    if (result.position > logHead) logHead = result.position;
    return dt;
  }
}

// ---------------------------------------------------------------- measurement

interface Row {
  phase: string;
  sync: Sync;
  conc: string;
  ops: number;
  ns: number; // raw: time inside the inserts; others: wall time of the cells
  lat: number[]; // ns
  non2xx?: number;
  errors?: number;
}
const rows: Row[] = [];
const row = (phase: string, sync: Sync, conc: string): Row => {
  const r: Row = { phase, sync, conc, ops: 0, ns: 0, lat: [] };
  rows.push(r);
  return r;
};
let commandsSent = 0; // every command acknowledged, warm-ups included, to check against the store at the end
let logHead = 0n; // the highest global position a command wrote in the current app's store
const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * k lifecycles in flight until `ms` have passed; a lifecycle cut off mid-way resumes in the next cell. After each
 * command a lifecycle waits one turn of the event loop (setImmediate), as a command arriving over I/O would: the whole
 * path settles in microtasks, so back-to-back commands would starve everything else in the process (timers, and the
 * projection runner, whose flushes are setImmediate callbacks).
 */
async function inProcessCell(workers: Lifecycle[], ms: number, into?: Row): Promise<void> {
  const t0 = now();
  const end = t0 + ms * 1e6;
  let n = 0;
  await Promise.all(
    workers.map(async (w) => {
      while (now() < end) {
        const dt = await w.next();
        n++;
        into?.lat.push(dt);
        await turn();
      }
    }),
  );
  commandsSent += n;
  if (into) {
    into.ops += n;
    into.ns += now() - t0;
  }
}

async function rawCell(c: Case, ms: number, into?: Row): Promise<void> {
  const lat: number[] = [];
  const events = await timed(c, ms * 1e6, 1, lat);
  if (!into) return;
  into.ops += events;
  into.ns += lat.reduce((a, b) => a + b, 0);
  into.lat.push(...lat);
}

let counter = 0;
const makeEvents = (n: number) => Array.from({ length: n }, () => makeEvent(counter++));

async function startApp(sync: Sync): Promise<{ app: NestExpressApplication; bus: CommandBus; file: string }> {
  Object.assign(process.env, { DUBAN_DATA_DIR: freshDir(`app-${sync}`), JWT_SECRET: SECRET, LOG_LEVEL: 'silent', DUBAN_SQLITE_SYNCHRONOUS: sync });
  delete process.env.KURRENTDB_URL;
  delete process.env.REDIS_URL;
  const app = await createApi();
  await app.init();
  const settings = app.get<EventStoreSettings>(EVENT_STORE_SETTINGS);
  if (settings.kurrentDbUrl || settings.sqliteSynchronous !== sync) throw new Error(`the app did not pick up the bench settings: ${JSON.stringify(settings)}`);
  return { app, bus: app.get(CommandBus), file: settings.sqliteFile };
}

function startLoadGenerator(): ChildProcess {
  return fork(join(__dirname, 'support', 'http-load.ts'), [], { execArgv: ['-r', 'ts-node/register/transpile-only'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
}

function load(child: ChildProcess, req: LoadRequest): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const died = (code: number | null) => reject(new Error(`the load generator exited (code ${code})`));
    child.once('exit', died);
    child.once('message', (m: LoadResult | { error: string }) => {
      child.off('exit', died);
      if ('error' in m) reject(new Error(m.error));
      else resolve(m);
    });
    child.send(req);
  });
}

/** Events in the store file (read on a second connection while the app is still open). */
function storedEvents(file: string): number {
  const db = new Database(file, { readonly: true });
  try {
    return (db.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n;
  } finally {
    db.close();
  }
}

interface Phase {
  sync: Sync;
  app: NestExpressApplication;
  bus: CommandBus;
  raw: Case;
  rawRow: Row;
  checks: string[];
}

/** Events the slowest projection is behind the log. */
async function projectionLag(runner: ProjectionRunner): Promise<number> {
  return Math.max(0, ...(await runner.lag()).map((l) => l.eventsBehind));
}

/**
 * Warm-up, then raw and in-process with 1 and 8 lifecycles in flight, interleaved in rounds: once as the api runs
 * (the projection runner following the log in the same event loop), once with the runner stopped (the command path
 * alone). After a cell with the runner on, what it is still behind is noted and then drained off the clock, so every
 * cell starts with the read model current.
 */
async function inProcess({ sync, app, bus, raw, rawRow, checks }: Phase): Promise<void> {
  const runner = app.get(ProjectionRunner);
  const drain = async () => {
    if (logHead > 0n) await runner.waitFor(logHead, 120_000);
  };
  const pools = CONCURRENCY.map((k) => Array.from({ length: k }, () => new Lifecycle(bus)));
  note(`${sync}: warm-up …`);
  await rawCell(raw, WARMUP_MS);
  for (const p of pools) await inProcessCell(p, WARMUP_MS);
  await drain();
  const withProjections = CONCURRENCY.map((k) => row('in-process', sync, String(k)));
  const alone = CONCURRENCY.map((k) => row('  no projections', sync, String(k)));
  const behind = CONCURRENCY.map(() => 0);
  note(`${sync}: raw and in-process, ${ROUNDS} interleaved rounds …`);
  for (let round = 0; round < ROUNDS; round++) {
    await rawCell(raw, CELL_MS / ROUNDS, rawRow);
    for (let i = 0; i < pools.length; i++) {
      await inProcessCell(pools[i], CELL_MS / ROUNDS, withProjections[i]);
      behind[i] = Math.max(behind[i], await projectionLag(runner));
      await drain();
    }
    await runner.stop();
    for (let i = 0; i < pools.length; i++) await inProcessCell(pools[i], CELL_MS / ROUNDS, alone[i]);
    await runner.start();
    await drain();
  }
  checks.push(
    `${sync}: projections at the end of an in-process cell were at most ${CONCURRENCY.map((k, i) => `${int(behind[i])} events behind (${k} in flight)`).join(', ')}`,
  );
}

/** The same lifecycles over loopback HTTP; returns the 2xx count and how many requests may have been cut off. */
async function overHttp({ sync, app, raw, rawRow, checks }: Phase): Promise<{ ok: number; cut: number }> {
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  const child = startLoadGenerator();
  const base = {
    url: `http://127.0.0.1:${port}`,
    unitId: UNIT,
    deadline: DEADLINE,
    tokens: { unit: mintToken(unitActor, SECRET), supervisor: mintToken(supervisor, SECRET) },
  };
  const total = { ok: 0, cut: 0 };
  try {
    note(`${sync}: http warm-up …`);
    const warm = await load(child, { ...base, connections: 8, durationS: HTTP_WARMUP_S });
    total.ok += warm.ok;
    total.cut += 8;
    for (const k of CONCURRENCY) {
      note(`${sync}: http, ${k} connection(s), ${HTTP_S} s …`);
      const r = await load(child, { ...base, connections: k, durationS: HTTP_S });
      const h = row('http', sync, String(k));
      h.ops = r.ok;
      h.ns = r.durationS * 1e9;
      h.lat = r.latenciesMs.map((ms) => ms * 1e6);
      h.non2xx = r.non2xx;
      h.errors = r.errors + r.timeouts;
      total.ok += r.ok;
      total.cut += k; // autocannon stops with up to one request per connection in flight
      if (r.non2xx || r.errors || r.timeouts) {
        checks.push(`http ${k}: ${r.non2xx} non-2xx, ${r.errors} errors, ${r.timeouts} timeouts; by step ${JSON.stringify(r.byStep)}; first: ${r.firstFailure}`);
      }
      await rawCell(raw, CELL_MS / ROUNDS, rawRow); // the limit is sampled around the http phases too
    }
  } finally {
    child.send({ exit: true });
  }
  return total;
}

async function runSync(sync: Sync, withHttp: boolean, checks: string[]): Promise<void> {
  note(`${sync}: starting the api …`);
  const { app, bus, file } = await startApp(sync);
  logHead = 0n;
  const raw = rawAppendCase(join(freshDir(`raw-${sync}`), 'events.db'), sync, 1, makeEvents, RAW_STREAMS);
  const phase: Phase = { sync, app, bus, raw, rawRow: row('raw', sync, '1'), checks };
  try {
    const sentBefore = commandsSent;
    await inProcess(phase);
    const http = withHttp ? await overHttp(phase) : { ok: 0, cut: 0 };
    // every acknowledged command is one event in the store; requests cut off by autocannon's stop may still land
    await new Promise((r) => setTimeout(r, 200));
    const stored = storedEvents(file);
    const acked = commandsSent - sentBefore + http.ok;
    const ok = stored >= acked && stored <= acked + http.cut;
    checks.push(
      `${sync}: store holds ${int(stored)} events for ${int(acked)} acknowledged commands` +
        (withHttp ? ` (+ up to ${http.cut} http requests cut off at the end of a run)` : '') +
        ` → ${ok ? 'ok' : 'MISMATCH'}`,
    );
  } finally {
    raw.close();
    await app.close();
  }
}

// ---------------------------------------------------------------- report

const rate = (r: Row) => (r.ops * 1e9) / r.ns;
function quantiles(lat: number[]) {
  const sorted = Float64Array.from(lat).sort();
  const q = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? NaN;
  return { p50: q(0.5), p99: q(0.99) };
}

async function main() {
  const started = now();
  const loadBefore = os.loadavg();
  const checks: string[] = [];
  await runSync('FULL', true, checks);
  await runSync('NORMAL', false, checks);
  const seconds = (now() - started) / 1e9;
  const loadAfter = os.loadavg();

  const head = ['sync', 'path', 'in flight', 'commands', 'commands/s', 'p50/cmd', 'p99/cmd', 'non-2xx/err', '÷ raw'];
  const lines: string[][] = [head];
  const goals: string[] = [];
  for (const r of rows) {
    const raw = rows.find((x) => x.phase === 'raw' && x.sync === r.sync)!;
    const { p50, p99 } = quantiles(r.lat);
    const vs = rate(r) / rate(raw);
    lines.push([
      r.sync,
      r.phase === 'raw' ? 'raw insert' : r.phase,
      r.conc,
      int(r.ops),
      int(rate(r)),
      dur(p50),
      dur(p99),
      r.non2xx === undefined ? '' : `${r.non2xx}/${r.errors ?? 0}`,
      r === raw ? '(limit)' : pct(vs),
    ]);
    if (r.sync === 'FULL' && r.phase !== 'raw' && r.phase !== 'http') {
      goals.push(
        `GOAL ${r.sync} ${r.phase.trim()}, ${r.conc} in flight: ≥ ${pct(GOAL_VS_RAW)} of raw single-event appends/s → ${pct(vs)} ${vs >= GOAL_VS_RAW ? 'PASS' : 'MISS'}`,
      );
    }
    if (r.phase === 'http') goals.push(`CHECK ${r.sync} http, ${r.conc} connection(s): non-2xx + errors = 0 → ${(r.non2xx ?? 0) + (r.errors ?? 0) === 0 ? 'PASS' : 'FAIL'}`);
  }
  const widths = head.map((_, c) => Math.max(...lines.map((l) => l[c].length)));
  const right = new Set([2, 3, 4, 5, 6, 7, 8]);
  const fmt = (l: string[]) => l.map((v, c) => (right.has(c) ? v.padStart(widths[c]) : v.padEnd(widths[c]))).join('  ').trimEnd();

  out(`\nCommand-path benchmark${QUICK ? ' (BENCH_QUICK=1: ~10x shorter)' : ''}: issue lifecycles of 6 commands (report → assign → acknowledge → progress → submit → approve), one event each`);
  out(`raw and in-process: ${CELL_MS} ms per row in ${ROUNDS} interleaved rounds after ${WARMUP_MS} ms warm-up; http: ${HTTP_S} s per row after ${HTTP_WARMUP_S} s warm-up`);
  out(fmt(lines[0]));
  out(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const l of lines.slice(1)) out(fmt(l));
  out();
  for (const g of goals) out(g);
  for (const c of checks) out(`CHECK ${c}`);
  out(`
raw insert: better-sqlite3 prepared INSERT of one pre-serialised event in autocommit (WAL), as in bench:store; events/s over the
            time inside the inserts; the same process, its own file; sampled between all other phases.
in-process: app.get(CommandBus).execute(new ExecuteIssueCommand(command, envelope)) on createApi() + init() (all real modules,
            including the projection runner that follows the log in the same event loop); commands/s over wall time with k
            lifecycles in flight, each waiting one event-loop turn (setImmediate) between its commands as a request would;
            latency = bus.execute() alone. "no projections": the same with the ProjectionRunner stopped (the command path alone).
http:       autocannon (child process) on 127.0.0.1, pipelining 1, k connections each driving lifecycles in sequence
            (Bearer tokens for unit ${UNIT} and supervisor ${OFFICE}); commands/s = requests/s = 2xx responses / run time;
            latency = request to response on the client. Server and load generator share this machine's ${os.cpus().length} CPUs.`);
  out(
    `\nmachine: node ${process.version} | ${os.cpus()[0]?.model.trim()} x${os.cpus().length} | ${os.platform()} ${os.release()} ${os.arch()}` +
      ` | disk: ${root} on ${mountOf(root)} | run ${seconds.toFixed(0)} s` +
      ` | load avg 1/5/15 min ${loadBefore.map((l) => l.toFixed(2)).join('/')} → ${loadAfter.map((l) => l.toFixed(2)).join('/')}`,
  );
}

main()
  .catch((err) => {
    process.exitCode = 1;
    console.error(err);
  })
  .finally(() => rmSync(root, { recursive: true, force: true }));
