/**
 * Model check of the audit trail: for random logs (events of task, share,
 * issue and other types, random actors and correlation ids, effective times
 * all over the place, and a store clock that sometimes steps back) and random
 * filters, paging through AuditQuery with a random page size gives exactly
 * the events a plain filter over the store's own log gives, in log order.
 * This checks the index each filter chooses, the keyset cursor and the
 * recorded-time shortcut (the clock_back rows) against the obvious answer.
 * With amendments in the logs, it also checks that the projection gives every
 * event the units AuditItemTracker gives it (the units a task's amendments
 * added and removed, taken over by later task-level events).
 */
import fc from 'fast-check';
import { randomUUID } from 'node:crypto';
import type { NewEvent, RecordedEvent } from '@duban/eventstore';
import { ANY } from '@duban/eventstore';
import { Harness } from '../testing/harness';
import type { AuditFilter, AuditTimeAxis } from './audit-entry';
import { AuditItemTracker, belongsToShare } from './audit-item';
import { AuditProjection } from './audit.projection';
import { AuditQuery } from './audit.query';

const BASE = Date.parse('2021-05-01T00:00:00Z');
const HOUR = 3_600_000;
const UNITS = ['中牟县', '郑东新区', '市城乡建设局'];
const GONGYI = '巩义市'; // only ever added by an amendment
const MIIT = '市工信局';
const SCIENCE = '市科技局';
const TASKS = ['t1', 'a:b', 'a']; // 'a:b' is a task id with a colon: task:a:b is that task, not a's share b
const ISSUES = ['i1', 'i2'];

interface Gen {
  kind: Kind;
  task: number;
  issue: number;
  unit: number;
  units: boolean[];
  actor: number;
  actorUnit: number; // 3 = none
  correlation: number;
  occurredHours: number;
  clockStepHours: number;
}

type Kind = 'register' | 'amend' | 'share' | 'close' | 'reopen' | 'report' | 'assign' | 'ack' | 'other';
const KINDS: Kind[] = ['register', 'share', 'close', 'reopen', 'report', 'assign', 'ack', 'other'];

/**
 * The audit projection takes over the units a task's amendments added and
 * removed (AuditItemRef.inheritShares) from its version 2 on; until
 * audit.projection.ts has that change, the check with amendments is skipped.
 */

const gen = (kinds: Kind[]): fc.Arbitrary<Gen> =>
  fc.record({
    kind: fc.constantFrom(...kinds),
    task: fc.nat({ max: TASKS.length - 1 }),
    issue: fc.nat({ max: ISSUES.length - 1 }),
    unit: fc.nat({ max: UNITS.length - 1 }),
    units: fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }),
    actor: fc.nat({ max: 2 }),
    actorUnit: fc.nat({ max: 3 }),
    correlation: fc.nat({ max: 3 }),
    occurredHours: fc.integer({ min: -2000, max: 2000 }),
    // mostly forwards; one step in four goes back, sometimes by days
    clockStepHours: fc.oneof({ weight: 3, arbitrary: fc.integer({ min: 0, max: 30 }) }, { weight: 1, arbitrary: fc.integer({ min: -100, max: -1 }) }),
  });

function toEvent(g: Gen): { stream: string; event: NewEvent } {
  const taskId = TASKS[g.task];
  const issueId = ISSUES[g.issue];
  const unitId = UNITS[g.unit];
  const [type, stream, data]: [string, string, Record<string, unknown>] = (() => {
    switch (g.kind) {
      case 'register':
        return ['task.registered.v1', `task-${taskId}`, { taskId, responsibleUnits: UNITS.filter((_, i) => g.units[i]) }];
      case 'amend': {
        // not necessarily what the task holds: the check compares the projection with AuditItemTracker, whatever the data
        const from = UNITS.filter((_, i) => g.units[i]);
        const toggled = from.includes(unitId) ? from.filter((u) => u !== unitId) : [...from, unitId];
        const to = g.actor === 0 ? [...toggled, GONGYI] : toggled;
        const changes: unknown[] = [g.correlation % 2 === 1 ? { field: 'leadUnits', from: [MIIT], to: [SCIENCE] } : { field: 'title', from: '甲', to: '乙' }];
        if (g.actorUnit !== 3) changes.push({ field: 'responsibleUnits', from, to });
        const [added, removed] = g.actorUnit !== 3 ? [to.filter((u) => !from.includes(u)), from.filter((u) => !to.includes(u))] : [[], []];
        return ['task.amended.v1', `task-${taskId}`, { taskId, changes, addedResponsibleUnits: added, removedResponsibleUnits: removed, reason: '修订' }];
      }
      case 'share':
        return ['task.share.progress_reported.v1', `task-${taskId}`, { taskId, unitId, percent: 10 }];
      case 'close':
        return ['task.closed.v1', `task-${taskId}`, { taskId }];
      case 'reopen':
        return ['task.reopened.v1', `task-${taskId}`, { taskId, unitId }];
      case 'report':
        return ['issue.reported.v1', `issue-${issueId}`, { issueId, reportingUnit: unitId }];
      case 'assign':
        return ['issue.assigned.v1', `issue-${issueId}`, { issueId, unitId }];
      case 'ack':
        return ['issue.acknowledged.v1', `issue-${issueId}`, { issueId }];
      default:
        return ['park.reported.v1', 'park-1', { unitId }];
    }
  })();
  return {
    stream,
    event: {
      id: randomUUID(),
      type,
      data,
      metadata: {
        actorUserId: `user-${g.actor}`,
        actorUnitId: g.actorUnit < 3 ? UNITS[g.actorUnit] : null,
        actorRole: g.actorUnit < 3 ? 'unit' : 'system',
        commandId: randomUUID(),
        correlationId: `corr-${g.correlation}`,
        causationId: randomUUID(),
        occurredAt: new Date(BASE + g.occurredHours * HOUR).toISOString(),
      },
    },
  };
}

const FIELDS = {
  item: fc.constantFrom(
    'task:t1',
    'task:t1:中牟县',
    `task:t1:${GONGYI}`,
    'task:a',
    'task:a:b',
    'task:a:郑东新区',
    `task:a:${GONGYI}`,
    'issue:i1',
    'issue:i2',
    'task:none',
  ),
  unit: fc.constantFrom(...UNITS, '市政府办公厅四处', GONGYI, SCIENCE),
  actor: fc.constantFrom('user-0', 'user-1', 'user-2'),
  correlationId: fc.constantFrom('corr-0', 'corr-1', 'corr-3'),
  type: fc.constantFrom('task.registered.v1', 'task.share.progress_reported.v1', 'issue.assigned.v1', 'park.reported.v1'),
  from: fc.integer({ min: -50, max: 250 }),
  to: fc.integer({ min: -50, max: 250 }),
  axis: fc.constantFrom<AuditTimeAxis>('recorded', 'effective'),
  afterPosition: fc.integer({ min: 0, max: 30 }),
};
type FieldName = keyof typeof FIELDS;

/** A few fields at a time (so single-field filters are common), then their values; time alone half the time. */
const TIME_ONLY: FieldName[] = ['from', 'to', 'axis', 'afterPosition'];
const filterArb: fc.Arbitrary<AuditFilter> = fc
  .oneof(
    fc.subarray(Object.keys(FIELDS) as FieldName[], { minLength: 0, maxLength: 3 }),
    fc.subarray(TIME_ONLY, { minLength: 1 }),
  )
  .chain((names) => fc.record(Object.fromEntries(names.map((n) => [n, FIELDS[n]])) as { [K in FieldName]?: (typeof FIELDS)[K] }))
  .map((raw) => {
    const f = raw as Partial<Record<FieldName, unknown>>;
    const out = { ...f } as AuditFilter;
    const from = f.from as number | undefined;
    const to = f.to as number | undefined;
    if (from !== undefined) out.from = new Date(BASE + from * HOUR).toISOString();
    if (to !== undefined) out.to = new Date(BASE + Math.max(to, from ?? to) * HOUR).toISOString();
    if (f.afterPosition !== undefined) out.afterPosition = BigInt(f.afterPosition as number);
    return out;
  });

/** The obvious answer: filter the store's log, event by event. */
function expected(log: RecordedEvent[], f: AuditFilter): bigint[] {
  const tracker = new AuditItemTracker();
  const derived = log.map((e) => ({ e, ...tracker.next(e.type, e.data) }));
  const roots = new Set(derived.map((d) => d.root));
  const from = f.from === undefined ? null : Date.parse(String(f.from));
  const to = f.to === undefined ? null : Date.parse(String(f.to));
  return derived
    .filter(({ e, root, key, units }) => {
      if (f.item !== undefined) {
        const rest = f.item.slice('task:'.length);
        if (f.item.startsWith('issue:') || roots.has(f.item) || !rest.includes(':')) {
          if (root !== f.item) return false;
        } else {
          const cut = rest.lastIndexOf(':');
          if (!belongsToShare({ key, units }, rest.slice(0, cut), rest.slice(cut + 1))) return false;
        }
      }
      if (f.unit !== undefined && e.metadata.actorUnitId !== f.unit && !units.includes(f.unit)) return false;
      if (f.actor !== undefined && e.metadata.actorUserId !== f.actor) return false;
      if (f.correlationId !== undefined && e.metadata.correlationId !== f.correlationId) return false;
      if (f.type !== undefined && e.type !== f.type) return false;
      const t = Date.parse(f.axis === 'effective' ? e.metadata.occurredAt : e.metadata.recordedAt);
      if (from !== null && t < from) return false;
      if (to !== null && t >= to) return false;
      if (f.afterPosition !== undefined && e.globalPosition <= f.afterPosition) return false;
      return true;
    })
    .map(({ e }) => e.globalPosition);
}

/**
 * Appends a random log; each row's item and units are the tracker's, applied live and rebuilt; then pages
 * through AuditQuery with each filter and compares with the plain filter.
 */
async function check(gens: Gen[], filters: AuditFilter[], pageSize: number): Promise<void> {
  const h = await Harness.open({ manualClock: true, projections: () => [new AuditProjection()] });
  try {
    h.clock.set(new Date(BASE).toISOString());
    for (const g of gens) {
      h.clock.advance(g.clockStepHours * HOUR);
      const { stream, event } = toEvent(g);
      await h.store.appendToStream(stream, [event], { expectedVersion: ANY });
    }
    await h.settle();
    const log = await h.store.readAll({ fromPosition: 0n, limit: 10_000 });
    const q = new AuditQuery(h.db);
    const tracker = new AuditItemTracker();
    const rows = () => q.list({ limit: 1000 }).rows.map((r) => [r.position, r.itemKey, r.units]);
    const folded = log.map((e) => {
      const { key, units } = tracker.next(e.type, e.data);
      return [e.globalPosition, key, units];
    });
    expect(rows()).toEqual(folded);
    // the rebuild's writer folds in memory what the live one reads back: the same rows
    await h.runner.rebuild('audit');
    expect(rows()).toEqual(folded);
    for (const filter of filters) {
      const got: bigint[] = [];
      let after = filter.afterPosition;
      for (let pages = 0; pages < 100; pages++) {
        const page = q.list({ ...filter, limit: pageSize, ...(after !== undefined ? { afterPosition: after } : {}) });
        got.push(...page.rows.map((r) => r.position));
        if (!page.hasMore) break;
        after = page.nextAfterPosition!;
      }
      expect({ filter, got }).toEqual({ filter, got: expected(log, filter) });
    }
  } finally {
    await h.close();
  }
}

describe('audit trail (model check)', () => {
  it('paging through any filter gives exactly the events a plain filter over the log gives', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(gen(KINDS), { minLength: 0, maxLength: 30 }),
        fc.array(filterArb, { minLength: 1, maxLength: 8 }),
        fc.integer({ min: 1, max: 4 }),
        check,
      ),
      { numRuns: 100 },
    );
  });

  it('with amendments: the same, and every row has the units the tracker gives', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(gen([...KINDS, 'amend', 'amend']), { minLength: 0, maxLength: 30 }),
        fc.array(filterArb, { minLength: 1, maxLength: 8 }),
        fc.integer({ min: 1, max: 4 }),
        check,
      ),
      { numRuns: 100 },
    );
  });
});
