import type { RecordedEvent } from '@duban/eventstore';
import { assertNever } from '@duban/domain/decider';
import type { ClosureLoopState } from '@duban/domain/closure-loop';
import type { IssueEvent, IssueLoopEvent } from '@duban/domain/issue';
import { ISSUE_EVENT_PREFIX } from '@duban/domain/issue';
import type { TaskAmended, TaskEvent, TaskRegistered, TaskShareEvent } from '@duban/domain/task';
import { SHARE_EVENT_PREFIX } from '@duban/domain/task';
import type { BulkMode, BulkWriter, Projection, ProjectionTx, SqlValue } from '../runner/projection';
import { issueItemKey, taskItemKey } from './item';
import { currentLadderStep } from './item-ladder';
import type { AmendableStatics } from './item-fold';
import {
  amendedStatics,
  foldItemLoop,
  instantMs,
  isTaskEventType,
  issueStatics,
  ITEM_EVENT_TYPES,
  loopColumns,
  loopFields,
  openIssueLoop,
  openShareLoop,
  taskShareStatics,
} from './item-fold';

/**
 * The table. `loop` keeps the item's whole ClosureLoopState (JSON) as the
 * domain's `evolveLoop` returns it; the other loop columns are derived from it
 * for filtering and sorting. Times are kept as recorded (ISO with offset) and,
 * for comparisons, as epoch milliseconds (`*_ms`): ISO strings with different
 * offsets do not sort as instants.
 */
export const ITEMS_SCHEMA = `
CREATE TABLE IF NOT EXISTS items (
  key                TEXT    PRIMARY KEY,
  kind               TEXT    NOT NULL CHECK (kind IN ('task', 'issue')),
  task_id            TEXT,
  issue_id           TEXT,
  doc_number         TEXT,
  doc_title          TEXT,
  item_path          TEXT,
  title              TEXT    NOT NULL,
  category           TEXT,
  urgency            TEXT,
  reporting_unit     TEXT,
  park_id            TEXT,
  supervising_office TEXT,
  unit_id            TEXT,
  lead_units         TEXT    NOT NULL DEFAULT '[]',
  cooperating_units  TEXT    NOT NULL DEFAULT '[]',
  status             TEXT    NOT NULL,
  task_status        TEXT,
  deadline           TEXT,
  deadline_ms        INTEGER,
  task_deadline      TEXT,
  task_deadline_ms   INTEGER,
  due_ms             INTEGER,
  percent            REAL,
  progress_reports   INTEGER NOT NULL DEFAULT 0,
  notes              INTEGER NOT NULL DEFAULT 0,
  rework_count       INTEGER NOT NULL DEFAULT 0,
  extension_count    INTEGER NOT NULL DEFAULT 0,
  reopen_count       INTEGER NOT NULL DEFAULT 0,
  pending_extension  INTEGER NOT NULL DEFAULT 0,
  requested_deadline TEXT,
  submitted_by_unit  TEXT,
  submitted_at       TEXT,
  closed_at          TEXT,
  ladder             TEXT    NOT NULL,
  ladder_step        TEXT,
  loop               TEXT    NOT NULL,
  last_event_type    TEXT    NOT NULL,
  last_position      INTEGER NOT NULL,
  stream_version     INTEGER NOT NULL,
  updated_at         TEXT    NOT NULL,
  occurred_at        TEXT    NOT NULL
);
CREATE INDEX IF NOT EXISTS items_unit_status ON items (unit_id, status, due_ms);
CREATE INDEX IF NOT EXISTS items_status_due ON items (status, due_ms);
CREATE INDEX IF NOT EXISTS items_deadline ON items (deadline_ms);
CREATE INDEX IF NOT EXISTS items_doc ON items (doc_number, item_path);
CREATE INDEX IF NOT EXISTS items_task ON items (task_id);
CREATE INDEX IF NOT EXISTS items_pending_extension ON items (due_ms) WHERE pending_extension = 1;
-- The two inboxes, already in their order (soonest deadline first): a page is a walk of the index, no sort.
-- Their WHERE clauses are the very terms ItemsQuery writes, so SQLite can tell they apply.
CREATE INDEX IF NOT EXISTS items_unit_inbox ON items (unit_id, due_ms IS NULL, due_ms, key)
  WHERE status IN ('assigned', 'acknowledged', 'in_progress');
-- The office's: to assign, to verify, extensions to decide, and open items the ladder escalated (督办) or listed (通报批评).
CREATE INDEX IF NOT EXISTS items_office_inbox ON items (due_ms IS NULL, due_ms, key)
  WHERE status IN ('registered', 'reported', 'submitted') OR pending_extension = 1
    OR (ladder_step IN ('escalation', 'listing') AND status IN ('assigned', 'acknowledged', 'in_progress'));
`;

// The handled types, how rows open and how loop events fold live in ./item-fold (shared with the ledger).

/**
 * Every column, in the order UPSERT binds them. Derived on write: `due_ms` (the share's deadline, else the
 * task's) and `ladder_step` (the highest ladder step taken for the current deadline: the office's inbox).
 */
const COLUMNS = [
  'key', 'kind', 'task_id', 'issue_id', 'doc_number', 'doc_title', 'item_path', 'title', 'category', 'urgency',
  'reporting_unit', 'park_id', 'supervising_office', 'unit_id', 'lead_units', 'cooperating_units', 'status',
  'task_status', 'deadline', 'deadline_ms', 'task_deadline', 'task_deadline_ms', 'due_ms', 'percent',
  'progress_reports', 'notes', 'rework_count', 'extension_count', 'reopen_count', 'pending_extension',
  'requested_deadline', 'submitted_by_unit', 'submitted_at', 'closed_at', 'ladder', 'ladder_step', 'loop', 'last_event_type',
  'last_position', 'stream_version', 'updated_at', 'occurred_at',
] as const;
type Column = (typeof COLUMNS)[number];
type Row = Record<Column, SqlValue>;

const UPSERT = `INSERT INTO items (${COLUMNS.join(', ')}) VALUES (${COLUMNS.map(() => '?').join(', ')})
ON CONFLICT (key) DO UPDATE SET ${COLUMNS.filter((c) => c !== 'key').map((c) => `${c} = excluded.${c}`).join(', ')}`;

/** A row being folded: its columns as stored, and its loop state (the columns derived from it are set on write). */
interface Entry {
  row: Row;
  loop: ClosureLoopState;
}

/** The provenance columns every write sets. */
interface Provenance {
  last_event_type: string;
  last_position: bigint;
  updated_at: string;
  occurred_at: string;
}

/**
 * The items read model: one row per task share (`task:<taskId>:<unitId>`) and
 * per issue (`issue:<issueId>`).
 *
 * Exactness: the rows are not a second copy of the state machine. Each row
 * keeps the domain's ClosureLoopState and every loop event is folded with the
 * domain's own `evolveLoop(state, fromLoopEvent(prefix, event))`, which is
 * exactly what `evolveTask` does for a share and `evolveIssue` for an issue;
 * shares are opened as `evolveTask` opens them on `task.registered.v1`.
 *
 * One folding path: `apply` is a batch of one through the bulk writer, which
 * folds a batch in memory and writes each touched row once.
 */
export class ItemsProjection implements Projection {
  readonly name = 'items';
  // 2: folds task.amended.v1 (read models built by 1 skipped it)
  // 3: the ladder's steps (task.share.reminded.v1 …) and the `ladder` column; loops folded with their effective times
  // 4: the `ladder_step` column; escalated and listed items in the office's inbox index
  readonly version = 4;
  readonly schema = ITEMS_SCHEMA;
  readonly deferIndexesOnRebuild = true;

  handles(type: string): boolean {
    return ITEM_EVENT_TYPES.has(type);
  }

  apply(event: RecordedEvent, tx: ProjectionTx): void {
    this.openBulk('live').applyBatch([event], tx);
  }

  openBulk(mode: BulkMode): BulkWriter {
    return new ItemsWriter(mode);
  }
}

/**
 * Folds batches of item events. 'live': rows are read from the table on first
 * touch and forgotten after the batch. 'rebuild': the writer has seen every
 * event since position zero, so its memory is the whole table and it never
 * reads it (the table's indexes can be created at the end).
 */
class ItemsWriter implements BulkWriter {
  private readonly rows = new Map<string, Entry>();
  /** Share keys per task: complete in 'rebuild' mode; in 'live' mode, for the tasks registered in this batch. */
  private readonly shares = new Map<string, string[]>();
  private readonly dirty = new Set<Entry>();
  /** Shares an amendment removed, to delete at the end of the batch. */
  private readonly deleted = new Set<string>();

  constructor(private readonly mode: BulkMode) {}

  applyBatch(events: readonly RecordedEvent[], tx: ProjectionTx): void {
    for (const event of events) this.applyOne(event, tx);
    for (const key of this.deleted) tx.run('DELETE FROM items WHERE key = ?', [key]);
    this.deleted.clear();
    for (const entry of this.dirty) tx.run(UPSERT, toParams(entry));
    this.dirty.clear();
    if (this.mode === 'live') {
      this.rows.clear();
      this.shares.clear();
    }
  }

  private applyOne(event: RecordedEvent, tx: ProjectionTx): void {
    const provenance: Provenance = {
      last_event_type: event.type,
      last_position: event.globalPosition,
      updated_at: event.metadata.recordedAt,
      occurred_at: event.metadata.occurredAt,
    };
    if (isTaskEventType(event.type)) {
      this.applyTask({ type: event.type, data: event.data } as TaskEvent, event.streamVersion, provenance, tx);
    } else {
      this.applyIssue({ type: event.type, data: event.data } as IssueEvent, event.streamVersion, provenance, tx);
    }
  }

  private applyTask(event: TaskEvent, streamVersion: bigint, provenance: Provenance, tx: ProjectionTx): void {
    switch (event.type) {
      case 'task.registered.v1':
        this.registerTask(event, provenance, tx);
        break;
      case 'task.amended.v1':
        this.amendTask(event, provenance, tx);
        break;
      case 'task.share.assigned.v1':
      case 'task.share.acknowledged.v1':
      case 'task.share.progress_reported.v1':
      case 'task.share.note_added.v1':
      case 'task.share.completion_submitted.v1':
      case 'task.share.completion_approved.v1':
      case 'task.share.completion_rejected.v1':
      case 'task.share.reopened.v1':
      case 'task.share.extension_requested.v1':
      case 'task.share.extension_granted.v1':
      case 'task.share.extension_refused.v1':
      case 'task.share.reminded.v1':
      case 'task.share.urged.v1':
      case 'task.share.escalated.v1':
      case 'task.share.listed_for_criticism.v1':
        this.evolveRow(tx, taskItemKey(event.data.taskId, event.data.unitId), event, SHARE_EVENT_PREFIX, provenance);
        break;
      case 'task.closed.v1':
      case 'task.reopened.v1': {
        const taskStatus = event.type === 'task.closed.v1' ? 'closed' : 'open';
        for (const entry of this.sharesOf(event.data.taskId, tx)) {
          entry.row.task_status = taskStatus;
          Object.assign(entry.row, provenance);
        }
        break;
      }
      default:
        assertNever(event, 'task event');
    }
    // Every task event moves the stream's version on all its shares.
    for (const entry of this.sharesOf(event.data.taskId, tx)) {
      entry.row.stream_version = streamVersion;
      this.dirty.add(entry);
    }
  }

  private applyIssue(event: IssueEvent, streamVersion: bigint, provenance: Provenance, tx: ProjectionTx): void {
    const key = issueItemKey(event.data.issueId);
    switch (event.type) {
      case 'issue.reported.v1': {
        const loop = openIssueLoop({ type: event.type, occurredAt: provenance.occurred_at });
        this.add({ ...issueStatics(event.data), task_status: null, stream_version: streamVersion, ...loopFields(loop), loop: '', ...provenance }, loop);
        return;
      }
      case 'issue.assigned.v1':
      case 'issue.acknowledged.v1':
      case 'issue.progress_reported.v1':
      case 'issue.completion_submitted.v1':
      case 'issue.completion_approved.v1':
      case 'issue.completion_rejected.v1':
      case 'issue.reopened.v1':
      case 'issue.extension_requested.v1':
      case 'issue.extension_granted.v1':
      case 'issue.extension_refused.v1':
      case 'issue.reminded.v1':
      case 'issue.urged.v1':
      case 'issue.escalated.v1':
      case 'issue.listed_for_criticism.v1':
      case 'issue.deadline_recounted.v1':
        this.evolveRow(tx, key, event, ISSUE_EVENT_PREFIX, provenance).row.stream_version = streamVersion;
        return;
      default:
        assertNever(event, 'issue event');
    }
  }

  /** task.registered.v1 opens one share per responsible unit, as evolveTask does. */
  private registerTask(event: TaskRegistered, provenance: Provenance, tx: ProjectionTx): void {
    const d = event.data;
    const keys: string[] = [];
    for (const unitId of d.responsibleUnits) {
      const loop = openShareLoop(unitId, { type: event.type, occurredAt: provenance.occurred_at });
      const statics = taskShareStatics(d, unitId);
      if (this.find(statics.key, tx)) throw new Error(`${event.type}: the items read model already holds ${statics.key}`);
      this.add({ ...statics, task_status: 'open', stream_version: 0, ...loopFields(loop), loop: '', ...provenance }, loop);
      keys.push(statics.key);
    }
    this.shares.set(d.taskId, keys);
  }

  /**
   * task.amended.v1, as evolveTask applies it: the changed columns on every
   * share, the removed units' shares gone, a fresh share (as registration
   * opens it) for each added unit.
   */
  private amendTask(event: TaskAmended, provenance: Provenance, tx: ProjectionTx): void {
    const d = event.data;
    const shares = this.sharesOf(d.taskId, tx);
    if (shares.length === 0) throw new Error(`${event.type}: the items read model holds no share of task ${d.taskId}`);
    for (const entry of shares) {
      const row = entry.row as Row & AmendableStatics;
      Object.assign(row, amendedStatics(row, d.changes), provenance);
      row.task_deadline_ms = row.task_deadline === null ? null : instantMs(row.task_deadline);
      this.dirty.add(entry);
    }
    const base = shares[0].row;
    const removed = new Set(d.removedResponsibleUnits);
    const keys = shares.map((e) => e.row.key as string).filter((k) => !removed.has(k.slice(`task:${d.taskId}:`.length)));
    for (const entry of shares.filter((e) => removed.has(e.loop.unitId ?? ''))) {
      const k = entry.row.key as string;
      this.dirty.delete(entry);
      this.rows.delete(k);
      this.deleted.add(k);
    }
    for (const unitId of d.addedResponsibleUnits) {
      const k = taskItemKey(d.taskId, unitId);
      const loop = openShareLoop(unitId, { type: event.type, occurredAt: provenance.occurred_at });
      this.deleted.delete(k); // removed and added back in one batch: the upsert replaces the row
      this.add({ ...base, key: k, ...loopFields(loop), loop: '', ...provenance }, loop);
      keys.push(k);
    }
    this.shares.set(d.taskId, keys);
  }

  private add(columns: Omit<Row, 'due_ms' | 'ladder_step'>, loop: ClosureLoopState): void {
    const entry: Entry = { row: { ...columns, due_ms: null, ladder_step: null }, loop };
    this.rows.set(entry.row.key as string, entry);
    this.dirty.add(entry);
  }

  /** Folds one loop event into the row's ClosureLoopState with the domain's evolveLoop. */
  private evolveRow(tx: ProjectionTx, key: string, event: TaskShareEvent | IssueLoopEvent, prefix: string, provenance: Provenance): Entry {
    const entry = this.find(key, tx);
    if (!entry) throw new Error(`${event.type}: the items read model holds no row ${key} (its stream did not open it)`);
    entry.loop = foldItemLoop(entry.loop, event, prefix, provenance.occurred_at);
    Object.assign(entry.row, provenance);
    this.dirty.add(entry);
    return entry;
  }

  private find(key: string, tx: ProjectionTx): Entry | undefined {
    let entry = this.rows.get(key);
    if (entry || this.mode === 'rebuild' || this.deleted.has(key)) return entry;
    const row = tx.get<Row>('SELECT * FROM items WHERE key = ?', [key]);
    if (!row) return undefined;
    entry = { row, loop: JSON.parse(row.loop as string) as ClosureLoopState };
    this.rows.set(key, entry);
    return entry;
  }

  private sharesOf(taskId: string, tx: ProjectionTx): Entry[] {
    let keys = this.shares.get(taskId);
    if (!keys) {
      keys = this.mode === 'rebuild' ? [] : tx.all<{ key: string }>(`SELECT key FROM items WHERE task_id = ? AND kind = 'task' ORDER BY key`, [taskId]).map((r) => r.key);
      this.shares.set(taskId, keys);
    }
    return keys.map((k) => this.find(k, tx)!);
  }
}

/** The row as UPSERT binds it, with the loop's columns derived from the folded state. */
function toParams(entry: Entry): SqlValue[] {
  const row = Object.assign(entry.row, loopColumns(entry.loop));
  row.due_ms = row.deadline_ms ?? row.task_deadline_ms;
  row.ladder_step = currentLadderStep(entry.loop.ladder?.taken ?? [], entry.loop.deadline);
  return COLUMNS.map((c) => row[c]);
}
