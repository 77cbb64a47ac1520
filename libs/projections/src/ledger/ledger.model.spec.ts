/**
 * Model check of time travel: for random command sequences (run through the
 * real deciders; refused commands dropped, as the application layer would),
 * the ledger as of ANY position P equals — row for row, field for field — the
 * items read model built from scratch by a fresh ItemsProjection fed only the
 * events up to P. Also: the recorded axis maps an instant to the last
 * position recorded at or before it, and a runner restart in the middle
 * changes nothing.
 */
import type Database from 'better-sqlite3';
import fc from 'fast-check';
import { DomainError } from '@duban/domain/decider';
import type { LoopStatus, LoopStepKind } from '@duban/domain/closure-loop';
import { ALLOWED_FROM } from '@duban/domain/closure-loop';
import type { IssueCommand } from '@duban/domain/issue';
import type { TaskCommand, TaskState } from '@duban/domain/task';
import { isTaskRegistered } from '@duban/domain/task';
import type { RecordedEvent } from '@duban/eventstore';
import type { Item } from '../items/item';
import { ItemsProjection } from '../items/items.projection';
import { ItemsQuery } from '../items/items.query';
import type { ProjectionTx, SqlParams } from '../runner/projection';
import { openReadModelDatabase } from '../runner/read-model-db';
import { Harness } from '../testing/harness';
import { AIRPORT_ZONE, command, EVIDENCE, NDRC, registerTask, reportIssue, staffOf, supervisor, ZHENGDONG, ZHONGMU } from '../testing/fixtures';
import { LedgerProjection } from './ledger.projection';
import { LedgerQuery } from './ledger.query';
import type { LedgerItem } from './ledger-row';

const TASK = 'model-task';
const LATE_TASK = 'model-task-2';
const ISSUE = 'model-issue';
const UNITS = [AIRPORT_ZONE, ZHENGDONG, ZHONGMU];
const ISSUE_UNIT = '市城乡建设局';
const BASE = Date.parse('2021-05-01T00:00:00+08:00');
const DAY = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString();

interface Intent {
  /** 0..2: a share of the first task, 3: the issue, 4: the late task's share of 中牟县. */
  target: number;
  choice: number;
  percent: number;
  withDeadline: boolean;
}

const intent = fc.record({
  target: fc.integer({ min: 0, max: 4 }),
  choice: fc.nat(),
  percent: fc.integer({ min: 0, max: 100 }),
  withDeadline: fc.boolean(),
});

function allowedSteps(status: LoopStatus, isIssue: boolean): LoopStepKind[] {
  return (Object.keys(ALLOWED_FROM) as LoopStepKind[]).filter((k) => ALLOWED_FROM[k].includes(status) && !(isIssue && k === 'add_note'));
}

function toCommand(i: Intent, step: LoopStepKind, n: number): TaskCommand | IssueCommand {
  const at = iso(BASE + DAY + n * 3_600_000);
  const assignDeadline = iso(BASE + 200 * DAY);
  const reopenDeadline = iso(BASE + 300 * DAY + n * DAY);
  const requested = iso(BASE + 400 * DAY + n * DAY);
  if (i.target === 3) {
    const ref = { issueId: ISSUE };
    const unit = staffOf(ISSUE_UNIT);
    switch (step) {
      case 'assign':
        return command('AssignIssue', supervisor, at, { ...ref, unitId: ISSUE_UNIT, deadline: assignDeadline });
      case 'acknowledge':
        return command('AcknowledgeIssue', unit, at, ref);
      case 'report_progress':
        return command('ReportIssueProgress', unit, at, { ...ref, percent: i.percent, narrative: `问题进展${n}` });
      case 'submit_completion':
        return command('SubmitIssueCompletion', unit, at, { ...ref, summary: '已办结', evidence: EVIDENCE });
      case 'approve_completion':
        return command('ApproveIssueCompletion', supervisor, at, ref);
      case 'reject_completion':
        return command('RejectIssueCompletion', supervisor, at, { ...ref, reason: '退回' });
      case 'reopen':
        return command('ReopenIssue', supervisor, at, { ...ref, reason: '复查', ...(i.withDeadline ? { deadline: reopenDeadline } : {}) });
      case 'request_extension':
        return command('RequestIssueExtension', unit, at, { ...ref, requestedDeadline: requested, reason: '延期' });
      case 'grant_extension':
        return command('GrantIssueExtension', supervisor, at, ref);
      case 'refuse_extension':
        return command('RefuseIssueExtension', supervisor, at, { ...ref, reason: '不同意' });
      case 'add_note':
        throw new Error('issues have no notes');
    }
  }
  const taskId = i.target === 4 ? LATE_TASK : TASK;
  const unitId = i.target === 4 ? ZHONGMU : UNITS[i.target];
  const ref = { taskId, unitId };
  const unit = staffOf(unitId);
  switch (step) {
    case 'assign':
      return command('AssignShare', supervisor, at, { ...ref, ...(i.withDeadline ? { deadline: assignDeadline } : {}) });
    case 'acknowledge':
      return command('AcknowledgeShare', unit, at, ref);
    case 'report_progress':
      return command('ReportShareProgress', unit, at, { ...ref, percent: i.percent, narrative: `进展${n}` });
    case 'add_note':
      return command('AddShareProgressNote', staffOf(NDRC), at, { ...ref, note: '配合单位意见' });
    case 'submit_completion':
      return command('SubmitShareCompletion', unit, at, { ...ref, summary: '已完成', evidence: EVIDENCE });
    case 'approve_completion':
      return command('ApproveShareCompletion', supervisor, at, ref);
    case 'reject_completion':
      return command('RejectShareCompletion', supervisor, at, { ...ref, reason: '退回' });
    case 'reopen':
      return command('ReopenShare', supervisor, at, { ...ref, reason: '复查', ...(i.withDeadline ? { deadline: reopenDeadline } : {}) });
    case 'request_extension':
      return command('RequestShareExtension', unit, at, { ...ref, requestedDeadline: requested, reason: '延期' });
    case 'grant_extension':
      return command('GrantShareExtension', supervisor, at, ref);
    case 'refuse_extension':
      return command('RefuseShareExtension', supervisor, at, { ...ref, reason: '不同意' });
  }
}

function shareStatus(task: TaskState, unitId: string): string {
  return isTaskRegistered(task) ? task.shares[unitId].status : 'none';
}

/** A throwaway ProjectionTx over a database (the runner's is internal). */
function txOver(db: Database.Database): ProjectionTx {
  const bind = (p?: SqlParams): unknown[] => (p === undefined ? [] : Array.isArray(p) ? [...p] : [p]);
  return {
    run: (sql, p) => db.prepare(sql).run(...bind(p)).changes,
    get: <T>(sql: string, p?: SqlParams) => db.prepare(sql).get(...bind(p)) as T | undefined,
    all: <T>(sql: string, p?: SqlParams) => db.prepare(sql).all(...bind(p)) as T[],
  };
}

/** The items read model a fresh ItemsProjection builds from exactly these events. */
function itemsFrom(events: readonly RecordedEvent[]): Map<string, Omit<Item, 'streamVersion' | 'nextStep'>> {
  const db = openReadModelDatabase(':memory:');
  try {
    const projection = new ItemsProjection();
    db.exec(projection.schema);
    const tx = txOver(db);
    db.transaction(() => events.filter((e) => projection.handles(e.type)).forEach((e) => projection.apply(e, tx)))();
    const rows = new ItemsQuery(db).list({ limit: 1000 }).rows;
    return new Map(rows.map(({ streamVersion: _v, nextStep: _next, ...item }) => [item.key, item]));
  } finally {
    db.close();
  }
}

/** A ledger version in the items model's shape (its provenance is the version's producing event). */
function asItem(l: LedgerItem): Omit<Item, 'streamVersion' | 'nextStep'> {
  const { validFromPosition, validToPosition: _to, recordedAt, narrative: _n, narrativeAt: _na, group: _g, seq: _s, ...rest } = l;
  return { ...rest, lastPosition: validFromPosition, updatedAt: recordedAt };
}

/** The latest progress narrative among these events for each item key. */
function narratives(events: readonly RecordedEvent[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const e of events) {
    const d = e.data as { taskId?: string; unitId?: string; issueId?: string; narrative?: string };
    if (e.type === 'task.share.progress_reported.v1') out.set(`task:${d.taskId}:${d.unitId}`, d.narrative!);
    if (e.type === 'issue.progress_reported.v1') out.set(`issue:${d.issueId}`, d.narrative!);
  }
  return out;
}

describe('ledger as of P = the items model built from the events up to P', () => {
  it('for random command sequences and random positions, on the position and recorded axes', async () => {
    let checked = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(intent, { minLength: 15, maxLength: 60 }),
        fc.nat(),
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 3, maxLength: 6 }),
        async (intents, cut, picks) => {
          const h = await Harness.open({ manualClock: true, projections: () => [new ItemsProjection(), new LedgerProjection()] });
          try {
            h.clock.set('2021-05-01T00:00:00Z');
            await h.ledger.run(registerTask(TASK, { deadline: iso(BASE + 180 * DAY) }, iso(BASE)));
            await h.ledger.run(reportIssue(ISSUE));
            const midway = cut % intents.length;
            let lateRegistered = false;
            for (const [n, i] of intents.entries()) {
              // the store's clock moves by a minute per command, twice in the same minute now and then
              if (n % 4 !== 3) h.clock.advance(60_000);
              if (n === midway) {
                await h.restart();
                await h.ledger.run(registerTask(LATE_TASK, { responsibleUnits: [ZHONGMU], deadline: iso(BASE + 250 * DAY) }, iso(BASE + DAY)));
                lateRegistered = true;
              }
              if (i.target === 4 && !lateRegistered) continue;
              const status =
                i.target === 3
                  ? (await h.ledger.issueState(ISSUE)).status
                  : shareStatus(await h.ledger.taskState(i.target === 4 ? LATE_TASK : TASK), i.target === 4 ? ZHONGMU : UNITS[i.target]);
              const steps = allowedSteps(status as LoopStatus, i.target === 3);
              try {
                await h.ledger.run(toCommand(i, steps[i.choice % steps.length], n));
              } catch (err) {
                if (!(err instanceof DomainError)) throw err;
              }
            }
            await h.settle();
            const ledger = new LedgerQuery(h.db);
            const log = await h.store.readAll({ fromPosition: 0n, limit: 100_000 });
            const last = log[log.length - 1].globalPosition;

            const positions = [0n, last, ...picks.map((f) => BigInt(Math.floor(f * Number(last + 1n))))];
            for (const p of positions) {
              const upTo = log.filter((e) => e.globalPosition <= p);
              const expected = itemsFrom(upTo);
              const snapshot = ledger.asOf({ position: p }, { limit: 10_000 });
              expect(snapshot.total).toBe(expected.size);
              expect(snapshot.rows).toHaveLength(expected.size);
              const said = narratives(upTo);
              for (const { item } of snapshot.rows) {
                expect(asItem(item)).toEqual(expected.get(item.key));
                expect(item.validFromPosition <= p).toBe(true);
                expect(item.validToPosition === null || item.validToPosition > p).toBe(true);
                expect(item.narrative).toBe(said.get(item.key) ?? null);
              }
              // the unit and group filters agree with the rows' own units at P
              for (const unit of [ZHONGMU, ISSUE_UNIT]) {
                const mine = [...expected.values()].filter((i) => i.unitId === unit).map((i) => i.key);
                expect(ledger.asOf({ position: p }, { unitId: unit, limit: 10_000 }).rows.map((r) => r.item.key).sort()).toEqual(mine.sort());
              }
              const zones = [...expected.values()].filter((i) => i.unitId === AIRPORT_ZONE || i.unitId === ZHENGDONG).map((i) => i.key);
              expect(ledger.asOf({ position: p }, { group: '开发区', limit: 10_000 }).rows.map((r) => r.item.key).sort()).toEqual(zones.sort());
              // scanning page by page gives the same ledger
              const scanned = [...ledger.scan({ position: p }, { pageSize: 2 }).rows].map((r) => r.item);
              expect(scanned).toEqual(snapshot.rows.map((r) => r.item));
              checked++;
            }

            // recorded axis: an event's recordedAt maps to the last position recorded at or before it
            for (const f of picks) {
              const e = log[Math.floor(f * (log.length - 1))];
              const t = Date.parse(e.metadata.recordedAt);
              const expectedPosition = log.filter((x) => Date.parse(x.metadata.recordedAt) <= t).at(-1)!.globalPosition;
              const byTime = ledger.asOf({ recordedAt: e.metadata.recordedAt }, { limit: 10_000 });
              expect(byTime.position).toBe(expectedPosition);
              expect(byTime.rows.map((r) => r.item)).toEqual(ledger.asOf({ position: expectedPosition }, { limit: 10_000 }).rows.map((r) => r.item));
            }
          } finally {
            await h.close();
          }
        },
      ),
      { numRuns: 30 },
    );
    expect(checked).toBeGreaterThan(100);
  });
});
