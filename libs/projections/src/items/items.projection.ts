import type { RecordedEvent } from '@duban/eventstore';
import { assertNever } from '@duban/domain/decider';
import type { ClosureLoopState } from '@duban/domain/closure-loop';
import type { IssueEvent, IssueLoopEvent, IssueReported } from '@duban/domain/issue';
import { ISSUE_EVENT_PREFIX } from '@duban/domain/issue';
import type { TaskEvent, TaskRegistered, TaskShareEvent } from '@duban/domain/task';
import { SHARE_EVENT_PREFIX } from '@duban/domain/task';
import type { Projection, ProjectionTx } from '../runner/projection';
import { issueItemKey, taskItemKey } from './item';
import {
  foldItemLoop,
  isTaskEventType,
  issueStatics,
  ITEM_EVENT_TYPES,
  loopColumns,
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
`;

// The handled types, how rows open and how loop events fold live in ./item-fold (shared with the ledger).

/** The provenance columns every write sets. */
interface Provenance {
  last_event_type: string;
  last_position: bigint;
  updated_at: string;
  occurred_at: string;
}

const INSERT = `
INSERT INTO items (
  key, kind, task_id, issue_id, doc_number, doc_title, item_path, title, category, urgency, reporting_unit, park_id,
  supervising_office, unit_id, lead_units, cooperating_units, status, task_status, deadline, deadline_ms,
  task_deadline, task_deadline_ms, due_ms, percent, progress_reports, notes, rework_count, extension_count,
  reopen_count, pending_extension, requested_deadline, submitted_by_unit, submitted_at, closed_at, loop,
  last_event_type, last_position, stream_version, updated_at, occurred_at
) VALUES (
  @key, @kind, @task_id, @issue_id, @doc_number, @doc_title, @item_path, @title, @category, @urgency, @reporting_unit, @park_id,
  @supervising_office, @unit_id, @lead_units, @cooperating_units, @status, @task_status, @deadline, @deadline_ms,
  @task_deadline, @task_deadline_ms, COALESCE(@deadline_ms, @task_deadline_ms), @percent, @progress_reports, @notes, @rework_count, @extension_count,
  @reopen_count, @pending_extension, @requested_deadline, @submitted_by_unit, @submitted_at, @closed_at, @loop,
  @last_event_type, @last_position, @stream_version, @updated_at, @occurred_at
)`;

const UPDATE_LOOP = `
UPDATE items SET
  status = @status, unit_id = @unit_id, deadline = @deadline, deadline_ms = @deadline_ms,
  due_ms = COALESCE(@deadline_ms, task_deadline_ms), percent = @percent, progress_reports = @progress_reports,
  notes = @notes, rework_count = @rework_count, extension_count = @extension_count, reopen_count = @reopen_count,
  pending_extension = @pending_extension, requested_deadline = @requested_deadline,
  submitted_by_unit = @submitted_by_unit, submitted_at = @submitted_at, closed_at = @closed_at, loop = @loop,
  last_event_type = @last_event_type, last_position = @last_position, updated_at = @updated_at, occurred_at = @occurred_at
WHERE key = @key`;

/**
 * The items read model: one row per task share (`task:<taskId>:<unitId>`) and
 * per issue (`issue:<issueId>`).
 *
 * Exactness: the rows are not a second copy of the state machine. Each row
 * keeps the domain's ClosureLoopState and every loop event is folded with the
 * domain's own `evolveLoop(state, fromLoopEvent(prefix, event))`, which is
 * exactly what `evolveTask` does for a share and `evolveIssue` for an issue;
 * shares are opened as `evolveTask` opens them on `task.registered.v1`.
 */
export class ItemsProjection implements Projection {
  readonly name = 'items';
  readonly version = 1;
  readonly schema = ITEMS_SCHEMA;

  handles(type: string): boolean {
    return ITEM_EVENT_TYPES.has(type);
  }

  apply(event: RecordedEvent, tx: ProjectionTx): void {
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
        this.registerTask(event, streamVersion, provenance, tx);
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
        this.evolveRow(tx, taskItemKey(event.data.taskId, event.data.unitId), event, SHARE_EVENT_PREFIX, provenance);
        break;
      case 'task.closed.v1':
        tx.run(`UPDATE items SET task_status = 'closed', ${PROVENANCE_SET} WHERE task_id = @task_id AND kind = 'task'`, {
          task_id: event.data.taskId,
          ...provenance,
        });
        break;
      case 'task.reopened.v1':
        tx.run(`UPDATE items SET task_status = 'open', ${PROVENANCE_SET} WHERE task_id = @task_id AND kind = 'task'`, {
          task_id: event.data.taskId,
          ...provenance,
        });
        break;
      default:
        assertNever(event, 'task event');
    }
    // Every task event moves the stream's version on all its shares.
    tx.run(`UPDATE items SET stream_version = @v WHERE task_id = @task_id AND kind = 'task'`, {
      v: streamVersion,
      task_id: event.data.taskId,
    });
  }

  private applyIssue(event: IssueEvent, streamVersion: bigint, provenance: Provenance, tx: ProjectionTx): void {
    const key = issueItemKey(event.data.issueId);
    switch (event.type) {
      case 'issue.reported.v1':
        this.reportIssue(event, streamVersion, provenance, tx);
        return;
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
        this.evolveRow(tx, key, event, ISSUE_EVENT_PREFIX, provenance);
        tx.run('UPDATE items SET stream_version = @v WHERE key = @key', { v: streamVersion, key });
        return;
      default:
        assertNever(event, 'issue event');
    }
  }

  /** task.registered.v1 opens one share per responsible unit, as evolveTask does. */
  private registerTask(event: TaskRegistered, streamVersion: bigint, provenance: Provenance, tx: ProjectionTx): void {
    const d = event.data;
    for (const unitId of d.responsibleUnits) {
      const loop = openShareLoop(unitId);
      tx.run(INSERT, {
        ...taskShareStatics(d, unitId),
        task_status: 'open',
        stream_version: streamVersion,
        ...loopColumns(loop),
        ...provenance,
      });
    }
  }

  private reportIssue(event: IssueReported, streamVersion: bigint, provenance: Provenance, tx: ProjectionTx): void {
    const loop = openIssueLoop();
    tx.run(INSERT, {
      ...issueStatics(event.data),
      task_status: null,
      stream_version: streamVersion,
      ...loopColumns(loop),
      ...provenance,
    });
  }

  /** Folds one loop event into the row's ClosureLoopState with the domain's evolveLoop. */
  private evolveRow(
    tx: ProjectionTx,
    key: string,
    event: TaskShareEvent | IssueLoopEvent,
    prefix: string,
    provenance: Provenance,
  ): void {
    const row = tx.get<{ loop: string }>('SELECT loop FROM items WHERE key = ?', [key]);
    if (!row) throw new Error(`${event.type}: the items read model holds no row ${key} (its stream did not open it)`);
    const state = JSON.parse(row.loop) as ClosureLoopState;
    const next = foldItemLoop(state, event, prefix);
    tx.run(UPDATE_LOOP, { key, ...loopColumns(next), ...provenance });
  }
}

const PROVENANCE_SET =
  'last_event_type = @last_event_type, last_position = @last_position, updated_at = @updated_at, occurred_at = @occurred_at';
