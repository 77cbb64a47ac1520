/**
 * Quick local measurement of the ledger's time travel at scale (not a spec):
 * generates ~1,000,000 legal item events (≈125k items: 5,000 tasks × 16 shares
 * + 45,000 issues, their loops interleaved over 2021–2026), folds them through
 * the real LedgerProjection into a read-model file, then times LedgerQuery on
 * each axis.
 *
 *   node --import tsx libs/projections/src/ledger/ledger.bench.ts [events=1000000] [file]
 *
 * A file that already holds the ledger is reused (delete it to regenerate).
 */
import type Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RecordedEvent } from '@duban/eventstore';
import type { Projection, ProjectionTx, SqlParams } from '../runner/projection';
import { openReadModelDatabase } from '../runner/read-model-db';
import { LedgerProjection } from './ledger.projection';
import { LedgerQuery } from './ledger.query';
import type { AsOf, LedgerQueryOptions } from './ledger-row';

const EVENTS = Number(process.argv[2] ?? 1_000_000);
const FILE = process.argv[3] ?? join(tmpdir(), `duban-ledger-bench-${EVENTS}.db`);
const DAY = 86_400_000;
const START = Date.parse('2021-01-04T01:00:00Z');
const SPAN = Date.parse('2026-06-30T00:00:00Z') - START;
const UNITS = [
  '郑州航空港区', '郑东新区', '郑州高新区', '郑州经开区', '巩义市', '新郑市', '登封市', '荥阳市',
  '新密市', '中牟县', '二七区', '管城回族区', '惠济区', '金水区', '中原区', '上街区',
];

/** A small deterministic PRNG (mulberry32). */
function rng(seed: number): () => number {
  return () => {
    seed |= 0;
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Gen {
  at: number;
  type: string;
  data: Record<string, unknown>;
}

const iso = (ms: number) => new Date(ms).toISOString();

/** One item's loop as a legal sequence of (time, type, data) from `t0`. */
function loop(random: () => number, prefix: string, key: Record<string, unknown>, t0: number, budget: number, unit: string): Gen[] {
  const out: Gen[] = [];
  let t = t0;
  const step = () => (t += Math.floor((0.5 + random() * 6) * DAY));
  const push = (kind: string, data: Record<string, unknown> = {}) => out.push({ at: step(), type: `${prefix}.${kind}.v1`, data: { ...key, ...data } });
  let deadline = t0 + Math.floor((20 + random() * 200) * DAY);
  push('assigned', { unitId: unit, deadline: iso(deadline), at: iso(t) });
  if (out.length >= budget) return out;
  push('acknowledged');
  let percent = 0;
  while (out.length < budget) {
    const r = random();
    if (r < 0.55 || percent === 0) {
      percent = Math.min(100, percent + 10 + Math.floor(random() * 30));
      push('progress_reported', { percent, narrative: `已完成${percent}%，园区建设按计划推进，已协调用地指标和施工许可。`, metricValues: [], evidence: [] });
    } else if (r < 0.62 && out.length + 2 <= budget) {
      deadline += 30 * DAY;
      push('extension_requested', { requestedDeadline: iso(deadline), reason: '用地报批' });
      push('extension_granted', { deadline: iso(deadline), at: iso(t) });
    } else if (out.length + 2 <= budget) {
      push('completion_submitted', { submittedByUnit: unit, summary: '已完成', evidence: [{ ref: 'x' }], at: iso(t) });
      if (random() < 0.2) {
        push('completion_rejected', { reason: '材料不全' });
      } else {
        push('completion_approved', { at: iso(t) });
        if (out.length < budget && random() < 0.5) push('reopened', { reason: '复查', at: iso(t) });
        else break;
      }
    } else break;
  }
  return out;
}

function generate(): Gen[] {
  const random = rng(42);
  const all: Gen[] = [];
  const tasks = Math.round(EVENTS / 200);
  const issues = Math.round(EVENTS * 0.045);
  const items = tasks * 16 + issues;
  const perItem = (1.24 * (EVENTS - tasks - issues)) / items;
  for (let n = 0; n < tasks; n++) {
    const taskId = `bench-task-${n}`;
    const t0 = START + Math.floor(random() * SPAN * 0.8);
    all.push({
      at: t0,
      type: 'task.registered.v1',
      data: {
        taskId,
        sourceDocument: { docNumber: `郑政办〔${2021 + (n % 5)}〕${(n % 97) + 1}号`, title: '郑州市小微企业园高质量发展工作要点' },
        itemPath: `${(n % 9) + 1}/${(n % 7) + 1}`,
        title: `全年新开工${n % 40}个以上小微企业园`,
        text: '…',
        leadUnits: ['市工信局', '市人社局'],
        responsibleUnits: UNITS,
        cooperatingUnits: ['市发展改革委'],
        deadline: iso(t0 + 300 * DAY),
        supervisingOffice: '市政府办公厅四处',
      },
    });
    for (const unitId of UNITS) {
      const budget = Math.max(1, Math.round(perItem * (0.5 + random())));
      all.push(...loop(random, 'task.share', { taskId, unitId }, t0 + Math.floor(random() * 10 * DAY), budget, unitId));
    }
  }
  for (let n = 0; n < issues; n++) {
    const issueId = `bench-issue-${n}`;
    const t0 = START + Math.floor(random() * SPAN * 0.8);
    const unit = UNITS[n % 16];
    all.push({
      at: t0,
      type: 'issue.reported.v1',
      data: { issueId, title: `某小微企业园施工许可证办理滞后${n}`, description: '…', category: '施工许可', urgency: 'normal', reportingUnit: unit },
    });
    const budget = Math.max(1, Math.round(perItem * (0.5 + random())));
    all.push(...loop(random, 'issue', { issueId }, t0 + DAY, budget, unit));
  }
  all.sort((a, b) => a.at - b.at);
  return all;
}

class Tx implements ProjectionTx {
  private readonly cache = new Map<string, Database.Statement>();
  constructor(private readonly db: Database.Database) {}
  run(sql: string, params?: SqlParams): number {
    return this.s(sql).run(...bind(params)).changes;
  }
  get<T>(sql: string, params?: SqlParams): T | undefined {
    return this.s(sql).get(...bind(params)) as T | undefined;
  }
  all<T>(sql: string, params?: SqlParams): T[] {
    return this.s(sql).all(...bind(params)) as T[];
  }
  private s(sql: string): Database.Statement {
    let s = this.cache.get(sql);
    if (!s) this.cache.set(sql, (s = this.db.prepare(sql)));
    return s;
  }
}
const bind = (p: SqlParams | undefined): unknown[] => (p === undefined ? [] : Array.isArray(p) ? [...p] : [p]);

function fill(db: Database.Database, projection: Projection): void {
  const started = Date.now();
  const events = generate();
  process.stdout.write(`generated ${events.length} events in ${Date.now() - started} ms\n`);
  db.exec(projection.schema);
  const tx = new Tx(db);
  const batch = db.transaction((slice: Gen[], base: number) => {
    slice.forEach((g, n) => {
      const occurred = iso(g.at);
      // one event in 50 is back-filled: recorded up to 20 days after it took effect
      const recorded = (base + n) % 50 === 0 ? iso(g.at + 20 * DAY) : occurred;
      const event: RecordedEvent = {
        id: `e${base + n}`,
        stream: 'bench',
        type: g.type,
        data: g.data,
        metadata: { actorUserId: 'bench', actorUnitId: null, actorRole: 'system', commandId: 'c', correlationId: 'c', causationId: 'c', occurredAt: occurred, recordedAt: recorded },
        streamVersion: 0n,
        globalPosition: BigInt(base + n + 1),
        hash: '',
      };
      projection.apply(event, tx);
    });
  });
  for (let n = 0; n < events.length; n += 5000) batch(events.slice(n, n + 5000), n);
  db.exec('ANALYZE');
  process.stdout.write(`applied in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
}

function measure(label: string, run: () => { rows: number; total: number }): void {
  const ms: number[] = [];
  let result = { rows: 0, total: 0 };
  for (let n = 0; n < 5; n++) {
    const t = process.hrtime.bigint();
    result = run();
    ms.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  ms.sort((a, b) => a - b);
  process.stdout.write(
    `${label.padEnd(60)} ${String(result.rows).padStart(7)} rows of ${String(result.total).padStart(7)}   median ${ms[2].toFixed(0).padStart(5)} ms   min ${ms[0].toFixed(0).padStart(5)} ms\n`,
  );
}

const page = (query: LedgerQuery, at: AsOf, options: LedgerQueryOptions = {}) => () => {
  const s = query.asOf(at, options);
  return { rows: s.rows.length, total: s.total };
};
const everything = (query: LedgerQuery, at: AsOf, options: LedgerQueryOptions = {}) => () => {
  const { header, rows } = query.scan(at, options);
  let n = 0;
  for (const _ of rows) n++;
  return { rows: n, total: header.total };
};

function main(): void {
  const fresh = !existsSync(FILE);
  const db = openReadModelDatabase(FILE);
  if (fresh) fill(db, new LedgerProjection());
  const count = (sql: string) => (db.prepare(sql).get() as { n: number }).n;
  process.stdout.write(
    `${FILE}: ${count('SELECT count(*) AS n FROM ledger_positions')} events, ${count('SELECT count(*) AS n FROM ledger_items')} items, ` +
      `${count('SELECT count(*) AS n FROM ledger_versions')} versions\n`,
  );
  const query = new LedgerQuery(db);
  const mid = { recordedAt: '2023-12-31T18:00:00+08:00' };
  const end = { recordedAt: '2026-06-30T18:00:00+08:00' };
  measure('page: recordedAt 2021-06-30T18:00+08:00', page(query, { recordedAt: '2021-06-30T18:00:00+08:00' }));
  measure('page: recordedAt 2023-12-31T18:00+08:00', page(query, mid));
  measure('page: recordedAt 2026-06-30T18:00+08:00', page(query, end));
  measure('page: recordedAt 2023-12-31, offset 50,000', page(query, mid, { offset: 50_000 }));
  measure('page: effectiveAt 2023-12-31T18:00+08:00', page(query, { effectiveAt: '2023-12-31T18:00:00+08:00' }));
  measure('page: position = half the log', page(query, { position: BigInt(Math.floor(EVENTS / 2)) }));
  measure('page of 1,000: recordedAt 2023-12-31', page(query, mid, { limit: 1000 }));
  measure('page: recordedAt 2023-12-31, status in_progress', page(query, mid, { status: 'in_progress' }));
  measure('page: recordedAt 2023-12-31, group 开发区', page(query, mid, { group: '开发区' }));
  measure('all rows: recordedAt 2023-12-31, unit 中牟县', everything(query, mid, { unitId: '中牟县' }));
  measure('all rows: recordedAt 2023-12-31, document 郑政办〔2023〕3号', everything(query, mid, { docNumber: '郑政办〔2023〕3号' }));
  measure('all rows: recordedAt 2023-12-31, status submitted', everything(query, mid, { status: 'submitted' }));
  measure('all rows: recordedAt 2023-12-31 (whole ledger)', everything(query, mid));
  measure('all rows: recordedAt 2026-06-30 (whole ledger)', everything(query, end));
  measure('all rows: effectiveAt 2023-12-31 (whole ledger)', everything(query, { effectiveAt: '2023-12-31T18:00:00+08:00' }));
  db.close();
}

main();
