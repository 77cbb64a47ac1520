import type { RecordedEvent } from '@duban/eventstore';
import { assertNever } from '@duban/domain/decider';
import type { ClosureLoopState, LoopFact } from '@duban/domain/closure-loop';
import { evolveLoop, fromLoopEvent, initialLoopState } from '@duban/domain/closure-loop';
import type { IssueEventType, IssueReported } from '@duban/domain/issue';
import { ISSUE_EVENT_PREFIX } from '@duban/domain/issue';
import type { ShareState, TaskAmended, TaskEventType, TaskRegistered } from '@duban/domain/task';
import { SHARE_EVENT_PREFIX } from '@duban/domain/task';
import type { ItemKind } from '../items/item';
import { issueItemKey, taskItemKey } from '../items/item';
import type { BulkMode, BulkWriter, Projection, ProjectionTx, SqlValue } from '../runner/projection';
import type { ClosureFact, DeadlineFact, ExtensionFact, MembershipFact, ReopenFact, TimedFact } from './figures';

/**
 * One row per closure-loop item (task share `task:<taskId>:<unitId>`, issue
 * `issue:<issueId>`, the same keys as the items read model) with the facts the
 * figures are computed from. The timelines (JSON arrays, oldest first, in log
 * order) carry each fact's effective time and global position, so the query
 * can take the item as it stood at any instant AND any log position: that is
 * what lets a bulletin be recomputed exactly later.
 *
 * Summary columns (status, first/latest closure, counters, current deadline)
 * are the item as it stands now; `max_deadline_ms`, `last_fact_ms` and
 * `last_position` let the query skip items that cannot matter for a period,
 * and the index on `last_position` lets it find the items an event moved
 * since a position (to bring a cached answer forward). `membership` records
 * the drops and re-adds of a task share by amendments (task.amended.v1).
 */
export const FIGURES_SCHEMA = `
CREATE TABLE IF NOT EXISTS figures_items (
  key                  TEXT    PRIMARY KEY,
  kind                 TEXT    NOT NULL CHECK (kind IN ('task', 'issue')),
  unit_id              TEXT,
  status               TEXT    NOT NULL,
  assigned_at          TEXT,
  assigned_ms          INTEGER,
  deadline             TEXT,
  deadline_ms          INTEGER,
  max_deadline_ms      INTEGER,
  first_closed_at      TEXT,
  first_closed_on_time INTEGER,
  last_closed_at       TEXT,
  last_closed_on_time  INTEGER,
  submission_count     INTEGER NOT NULL DEFAULT 0,
  rework_count         INTEGER NOT NULL DEFAULT 0,
  extension_count      INTEGER NOT NULL DEFAULT 0,
  reopen_count         INTEGER NOT NULL DEFAULT 0,
  deadlines            TEXT    NOT NULL DEFAULT '[]',
  submissions          TEXT    NOT NULL DEFAULT '[]',
  closures             TEXT    NOT NULL DEFAULT '[]',
  reworks              TEXT    NOT NULL DEFAULT '[]',
  extensions           TEXT    NOT NULL DEFAULT '[]',
  reopens              TEXT    NOT NULL DEFAULT '[]',
  membership           TEXT    NOT NULL DEFAULT '[]',
  removed              INTEGER NOT NULL DEFAULT 0,
  last_fact_ms         INTEGER,
  loop                 TEXT    NOT NULL,
  last_position        INTEGER NOT NULL,
  updated_at           TEXT    NOT NULL
);
CREATE INDEX IF NOT EXISTS figures_items_unit ON figures_items (unit_id);
CREATE INDEX IF NOT EXISTS figures_items_assigned ON figures_items (assigned_ms);
CREATE INDEX IF NOT EXISTS figures_items_position ON figures_items (last_position);
`;

/**
 * Record<…, boolean>: when the domain adds an event type this file stops
 * compiling until it is classified here (and the version is bumped).
 * true = the event opens, moves or drops an item.
 */
const TASK_TYPES: Record<TaskEventType, boolean> = {
  'task.registered.v1': true,
  // adds shares (responsible units added) and drops shares (units removed)
  'task.amended.v1': true,
  'task.share.assigned.v1': true,
  'task.share.acknowledged.v1': true,
  'task.share.progress_reported.v1': true,
  'task.share.note_added.v1': true,
  'task.share.completion_submitted.v1': true,
  'task.share.completion_approved.v1': true,
  'task.share.completion_rejected.v1': true,
  'task.share.reopened.v1': true,
  'task.share.extension_requested.v1': true,
  'task.share.extension_granted.v1': true,
  'task.share.extension_refused.v1': true,
  // the ladder's steps (临近提醒 … 通报批评) are counted by the ledger, not by the figures
  'task.share.reminded.v1': false,
  'task.share.urged.v1': false,
  'task.share.escalated.v1': false,
  'task.share.listed_for_criticism.v1': false,
  // the task's own status follows its shares; the figures count shares
  'task.closed.v1': false,
  'task.reopened.v1': false,
};

const ISSUE_TYPES: Record<IssueEventType, boolean> = {
  'issue.reported.v1': true,
  'issue.assigned.v1': true,
  'issue.acknowledged.v1': true,
  'issue.progress_reported.v1': true,
  'issue.completion_submitted.v1': true,
  'issue.completion_approved.v1': true,
  'issue.completion_rejected.v1': true,
  'issue.reopened.v1': true,
  'issue.extension_requested.v1': true,
  'issue.reminded.v1': false,
  'issue.urged.v1': false,
  'issue.escalated.v1': false,
  'issue.listed_for_criticism.v1': false,
  'issue.extension_granted.v1': true,
  'issue.extension_refused.v1': true,
  // the recount moves the deadline in force (on-time judgements follow it)
  'issue.deadline_recounted.v1': true,
};

const HANDLED = new Set<string>(
  [...Object.entries(TASK_TYPES), ...Object.entries(ISSUE_TYPES)].filter(([, handled]) => handled).map(([type]) => type),
);

const COLUMNS = [
  'key',
  'kind',
  'unit_id',
  'status',
  'assigned_at',
  'assigned_ms',
  'deadline',
  'deadline_ms',
  'max_deadline_ms',
  'first_closed_at',
  'first_closed_on_time',
  'last_closed_at',
  'last_closed_on_time',
  'submission_count',
  'rework_count',
  'extension_count',
  'reopen_count',
  'deadlines',
  'submissions',
  'closures',
  'reworks',
  'extensions',
  'reopens',
  'membership',
  'removed',
  'last_fact_ms',
  'loop',
  'last_position',
  'updated_at',
] as const;

/** Writes a whole row: inserts it, or replaces every column of the row with its key. */
const UPSERT = `INSERT INTO figures_items (${COLUMNS.join(', ')}) VALUES (${COLUMNS.map(() => '?').join(', ')})
ON CONFLICT (key) DO UPDATE SET ${COLUMNS.filter((c) => c !== 'key').map((c) => `${c} = excluded.${c}`).join(', ')}`;

const SELECT_ROW = `SELECT key, kind, assigned_at, deadlines, submissions, closures, reworks, extensions, reopens, membership, loop, last_position, updated_at
FROM figures_items WHERE key = ?`;

interface StoredRow {
  key: string;
  kind: ItemKind;
  assigned_at: string | null;
  deadlines: string;
  submissions: string;
  closures: string;
  reworks: string;
  extensions: string;
  reopens: string;
  membership: string;
  loop: string;
  last_position: number | bigint;
  updated_at: string;
}

/** A row being folded: the item's loop state and its timelines (the summary columns are derived on write). */
interface Entry {
  readonly key: string;
  readonly kind: ItemKind;
  loop: ClosureLoopState;
  /** The first assignment (交办), whatever became of the share since: the query's earliest instant for the row. */
  assignedAt: string | null;
  readonly deadlines: DeadlineFact[];
  readonly submissions: TimedFact[];
  readonly closures: ClosureFact[];
  readonly reworks: TimedFact[];
  readonly extensions: ExtensionFact[];
  readonly reopens: ReopenFact[];
  readonly membership: MembershipFact[];
  lastPosition: bigint;
  updatedAt: string;
}

/**
 * The figures read model (name 'figures'): per closure-loop item, the facts
 * a unit is ranked on — unit, assignment, deadline history, submissions,
 * closures (each with the deadline in force and whether it was on time),
 * rejections (返工), granted extensions (延期), reopenings (重新打开) and the
 * drops / re-adds of a task share by amendments, each with its effective time
 * and global position.
 *
 * The loop state is the domain's: each row keeps its ClosureLoopState and
 * folds every loop event with `evolveLoop(state, fromLoopEvent(prefix, event))`
 * (as the items read model does), so "the deadline in force" and the status
 * are exactly the domain's. Shares open as evolveTask opens them: on
 * task.registered.v1, and on task.amended.v1 for the responsible units added.
 *
 * On time: a closure (销号, completion approved) is on time when its effective
 * time is at or before the deadline in force at that moment (the last deadline
 * set before it in the item's stream: assignment, granted extension, reopening
 * with a new deadline). The submission's time and whether IT was on time are
 * kept beside it.
 *
 * One folding path: `apply` is a batch of one through the bulk writer, which
 * folds a batch in memory and writes each touched row once.
 */
export class FiguresProjection implements Projection {
  readonly name = 'figures';
  /** 2: membership / removed columns (task.amended.v1), index on last_position, bulk writer. */
  readonly version = 2;
  readonly schema = FIGURES_SCHEMA;
  /** The rebuild writer never reads the table (its memory is the whole table). */
  readonly deferIndexesOnRebuild = true;

  handles(type: string): boolean {
    return HANDLED.has(type);
  }

  apply(event: RecordedEvent, tx: ProjectionTx): void {
    this.openBulk('live').applyBatch([event], tx);
  }

  openBulk(mode: BulkMode): BulkWriter {
    return new FiguresWriter(mode);
  }
}

/**
 * Folds batches of figures events. 'live': a row is read from the table on
 * first touch in the batch and forgotten after it. 'rebuild': the writer has
 * seen every event since position zero, so its memory is the whole table (a
 * miss means "no such row") and it never reads the table.
 */
class FiguresWriter implements BulkWriter {
  private readonly rows = new Map<string, Entry>();
  private readonly dirty = new Set<Entry>();

  constructor(private readonly mode: BulkMode) {}

  applyBatch(events: readonly RecordedEvent[], tx: ProjectionTx): void {
    try {
      for (const event of events) this.applyOne(event, tx);
      for (const entry of this.dirty) tx.run(UPSERT, toParams(entry));
    } finally {
      this.dirty.clear();
      if (this.mode === 'live') this.rows.clear();
    }
  }

  private applyOne(event: RecordedEvent, tx: ProjectionTx): void {
    switch (event.type) {
      case 'task.registered.v1':
        this.registerTask(event as RecordedEvent<'task.registered.v1', TaskRegistered['data']>, tx);
        return;
      case 'task.amended.v1':
        this.amendTask(event as RecordedEvent<'task.amended.v1', TaskAmended['data']>, tx);
        return;
      case 'issue.reported.v1': {
        const data = event.data as IssueReported['data'];
        this.open(issueItemKey(data.issueId), 'issue', initialLoopState('reported'), event, tx);
        return;
      }
    }
    const loopEvent = { type: event.type, data: event.data as object };
    if (event.type.startsWith(`${SHARE_EVENT_PREFIX}.`)) {
      const data = event.data as { taskId: string; unitId: string };
      this.evolveRow(tx, taskItemKey(data.taskId, data.unitId), fromLoopEvent(SHARE_EVENT_PREFIX, loopEvent), event);
    } else {
      const data = event.data as { issueId: string };
      this.evolveRow(tx, issueItemKey(data.issueId), fromLoopEvent(ISSUE_EVENT_PREFIX, loopEvent), event);
    }
  }

  /** task.registered.v1 opens one row per responsible unit, as evolveTask opens its shares. */
  private registerTask(event: RecordedEvent<'task.registered.v1', TaskRegistered['data']>, tx: ProjectionTx): void {
    for (const unitId of event.data.responsibleUnits) this.open(taskItemKey(event.data.taskId, unitId), 'task', openShare(unitId), event, tx);
  }

  /**
   * task.amended.v1: a responsible unit dropped loses its share (a membership
   * fact `member: false`: the item no longer counts); a unit added gets a new
   * share — a new row, or, for a unit dropped before, a fresh loop on its row
   * with a membership fact `member: true` (only what follows counts).
   */
  private amendTask(event: RecordedEvent<'task.amended.v1', TaskAmended['data']>, tx: ProjectionTx): void {
    const d = event.data;
    const fact = timed(d.at, event.globalPosition.toString());
    for (const unitId of d.removedResponsibleUnits) {
      const key = taskItemKey(d.taskId, unitId);
      const entry = this.find(key, tx);
      if (!entry) throw new Error(`${event.type}: the figures read model holds no row ${key} to drop`);
      entry.membership.push({ ...fact, member: false });
      this.touch(entry, event);
    }
    for (const unitId of d.addedResponsibleUnits) {
      const key = taskItemKey(d.taskId, unitId);
      const entry = this.find(key, tx);
      if (!entry) {
        this.open(key, 'task', openShare(unitId), event, tx);
        continue;
      }
      if (!isRemoved(entry.membership)) throw new Error(`${event.type}: adds ${unitId}, which has a share in task ${d.taskId} already`);
      entry.loop = openShare(unitId);
      entry.membership.push({ ...fact, member: true });
      this.touch(entry, event);
    }
  }

  private open(key: string, kind: ItemKind, loop: ClosureLoopState, event: RecordedEvent, tx: ProjectionTx): void {
    if (this.find(key, tx)) throw new Error(`${event.type}: the figures read model already holds ${key}`);
    const entry: Entry = {
      key,
      kind,
      loop,
      assignedAt: null,
      deadlines: [],
      submissions: [],
      closures: [],
      reworks: [],
      extensions: [],
      reopens: [],
      membership: [],
      lastPosition: event.globalPosition,
      updatedAt: event.metadata.recordedAt,
    };
    this.rows.set(key, entry);
    this.dirty.add(entry);
  }

  private evolveRow(tx: ProjectionTx, key: string, fact: LoopFact, event: RecordedEvent): void {
    const entry = this.find(key, tx);
    if (!entry) throw new Error(`${event.type}: the figures read model holds no row ${key} (its stream did not open it)`);
    const before = entry.loop;
    const position = event.globalPosition.toString();
    switch (fact.kind) {
      case 'assigned':
        entry.assignedAt ??= fact.data.at;
        entry.deadlines.push(deadlineFact(fact.data.deadline, fact.data.at, 'assigned', position));
        break;
      case 'completion_submitted':
        entry.submissions.push(timed(fact.data.at, position));
        break;
      case 'completion_approved': {
        // approval does not move the deadline: the one in force is the state's before it
        const deadline = before.deadline;
        const at = timed(fact.data.at, position);
        const submittedAt = before.submission?.at ?? null;
        entry.closures.push({
          ...at,
          deadline,
          onTime: deadline !== null && at.atMs <= ms(deadline),
          submittedAt,
          submittedOnTime: deadline !== null && submittedAt !== null ? ms(submittedAt) <= ms(deadline) : null,
        });
        break;
      }
      case 'completion_rejected':
        // a rejection carries no time of its own: its effective time is the event's
        entry.reworks.push(timed(event.metadata.occurredAt, position));
        break;
      case 'reopened':
        entry.reopens.push({ ...timed(fact.data.at, position), deadline: fact.data.deadline ?? null });
        if (fact.data.deadline !== undefined) entry.deadlines.push(deadlineFact(fact.data.deadline, fact.data.at, 'reopened', position));
        break;
      case 'extension_granted':
        entry.extensions.push({ ...timed(fact.data.at, position), from: before.deadline, to: fact.data.deadline });
        entry.deadlines.push(deadlineFact(fact.data.deadline, fact.data.at, 'extension', position));
        break;
      case 'deadline_recounted':
        // an unmoved recount changes no figure (the domain's deadline history records moves only)
        if (fact.data.moved) entry.deadlines.push(deadlineFact(fact.data.deadline, fact.data.at, 'recounted', position));
        break;
      case 'acknowledged':
      case 'progress_reported':
      case 'note_added':
      case 'extension_requested':
      case 'extension_refused':
      // not handled (TASK_TYPES / ISSUE_TYPES): the ladder's steps change no figure
      case 'reminded':
      case 'urged':
      case 'escalated':
      case 'listed_for_criticism':
        break;
      default:
        assertNever(fact, 'loop fact');
    }
    entry.loop = evolveLoop(before, fact);
    this.touch(entry, event);
  }

  private touch(entry: Entry, event: RecordedEvent): void {
    entry.lastPosition = event.globalPosition;
    entry.updatedAt = event.metadata.recordedAt;
    this.dirty.add(entry);
  }

  private find(key: string, tx: ProjectionTx): Entry | undefined {
    let entry = this.rows.get(key);
    if (entry || this.mode === 'rebuild') return entry;
    const row = tx.get<StoredRow>(SELECT_ROW, [key]);
    if (!row) return undefined;
    entry = {
      key: row.key,
      kind: row.kind,
      loop: JSON.parse(row.loop) as ClosureLoopState,
      assignedAt: row.assigned_at,
      deadlines: JSON.parse(row.deadlines) as DeadlineFact[],
      submissions: JSON.parse(row.submissions) as TimedFact[],
      closures: JSON.parse(row.closures) as ClosureFact[],
      reworks: JSON.parse(row.reworks) as TimedFact[],
      extensions: JSON.parse(row.extensions) as ExtensionFact[],
      reopens: JSON.parse(row.reopens) as ReopenFact[],
      membership: JSON.parse(row.membership) as MembershipFact[],
      lastPosition: BigInt(row.last_position),
      updatedAt: row.updated_at,
    };
    this.rows.set(key, entry);
    return entry;
  }
}

/** The row as UPSERT binds it (COLUMNS order), with the summary columns derived from the entry. */
function toParams(e: Entry): SqlValue[] {
  const { loop } = e;
  const firstClosure = e.closures[0];
  const lastClosure = e.closures[e.closures.length - 1];
  let maxDeadline: number | null = null;
  for (const d of e.deadlines) if (maxDeadline === null || d.deadlineMs > maxDeadline) maxDeadline = d.deadlineMs;
  let lastFact: number | null = null;
  for (const list of [e.deadlines, e.submissions, e.closures, e.reworks, e.extensions, e.reopens, e.membership] as readonly (readonly TimedFact[])[]) {
    for (const f of list) if (lastFact === null || f.atMs > lastFact) lastFact = f.atMs;
  }
  return [
    e.key,
    e.kind,
    loop.unitId,
    loop.status,
    e.assignedAt,
    e.assignedAt === null ? null : ms(e.assignedAt),
    loop.deadline,
    loop.deadline === null ? null : ms(loop.deadline),
    maxDeadline,
    firstClosure?.at ?? null,
    firstClosure === undefined ? null : firstClosure.onTime ? 1 : 0,
    lastClosure?.at ?? null,
    lastClosure === undefined ? null : lastClosure.onTime ? 1 : 0,
    e.submissions.length,
    loop.reworkCount,
    loop.extensionCount,
    loop.reopenCount,
    JSON.stringify(e.deadlines),
    JSON.stringify(e.submissions),
    JSON.stringify(e.closures),
    JSON.stringify(e.reworks),
    JSON.stringify(e.extensions),
    JSON.stringify(e.reopens),
    JSON.stringify(e.membership),
    isRemoved(e.membership) ? 1 : 0,
    lastFact,
    JSON.stringify(loop),
    e.lastPosition,
    e.updatedAt,
  ];
}

/** A share opens as evolveTask opens it (registration, or a unit added by an amendment). */
function openShare(unitId: string): ShareState {
  return { ...initialLoopState('registered', unitId), unitId };
}

/** Dropped by an amendment and not added back. */
function isRemoved(membership: readonly MembershipFact[]): boolean {
  return membership.length > 0 && !membership[membership.length - 1].member;
}

function timed(at: string, position: string): TimedFact {
  return { at, atMs: ms(at), position };
}

function deadlineFact(deadline: string, at: string, cause: DeadlineFact['cause'], position: string): DeadlineFact {
  return { deadline, deadlineMs: ms(deadline), cause, ...timed(at, position) };
}

function ms(iso: string): number {
  const value = Date.parse(iso);
  if (Number.isNaN(value)) throw new Error(`not an ISO instant: ${iso}`);
  return value;
}
