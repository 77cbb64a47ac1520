import type { RecordedEvent } from '@duban/eventstore';
import { assertNever } from '@duban/domain/decider';
import type { ClosureLoopState } from '@duban/domain/closure-loop';
import type { IssueEvent } from '@duban/domain/issue';
import { ISSUE_EVENT_PREFIX } from '@duban/domain/issue';
import type { TaskEvent, TaskStatus } from '@duban/domain/task';
import { SHARE_EVENT_PREFIX } from '@duban/domain/task';
import { issueItemKey, taskItemKey } from '../items/item';
import {
  foldItemLoop,
  instantMs,
  isTaskEventType,
  issueStatics,
  ITEM_EVENT_TYPES,
  loopColumns,
  openIssueLoop,
  openShareLoop,
  taskShareStatics,
} from '../items/item-fold';
import type { Projection, ProjectionTx } from '../runner/projection';

/**
 * The temporal items model (the ledger's history). Four tables:
 *
 * - `ledger_items`: one narrow row per task share / issue with what never
 *   changes (文号, path, title, lead units …) and its ledger order (`id`, the
 *   order in which the log opened the items: 序号), plus what the queries use
 *   to skip items that did not exist yet: `first_position` (the event that
 *   opened it) and `min_occurred_ms` (the earliest effective time among its
 *   versions), and `unit_id` / `unit_position` (the unit it was assigned to
 *   and the event that assigned it: the unit and group filters read them by
 *   index — the loop assigns once, from registered/reported only, so from
 *   `unit_position` on the item's unit is `unit_id`).
 * - `ledger_heads`: per item, the fold state after its last event — the
 *   domain loop state (`loop`), task status and latest narrative's version — from which
 *   the next version is folded, and `current_from` (its current version).
 * - `ledger_versions`: every version of every row, valid from the global
 *   position of the event that produced it (inclusive) to the position of the
 *   item's next version (exclusive; NULL while current), with that event's
 *   type, recordedAt and occurredAt. The loop columns are exactly the items
 *   model's (`loopColumns`), plus the latest narrative (进展情况): the version
 *   a progress report produced holds its text (`narrative`), and it and every
 *   later version name that version in `narrative_from` (so a long 进展情况 is
 *   stored once, not copied into every version until the next report; its
 *   effective time is that version's occurred_at).
 *   `ledger_versions_at (item_id, valid_from_position, occurred_ms)` is the
 *   time-travel index: small (three integers and the rowid per version) and
 *   covering for the search, so "the version of item i valid at P" is ONE
 *   descending seek in it (the last entry of i with valid_from ≤ P) and one
 *   rowid fetch of the row — never a scan of the history.
 * - `ledger_positions`: one row per applied event: its recordedAt and the
 *   running maximum of recordedAt up to it (`known_ms`, non-decreasing by
 *   construction), indexed, so "the ledger as recorded at T" maps T to the
 *   last position whose whole prefix of the log was recorded by T in one seek.
 *
 * Not versioned: `streamVersion` (a concurrency token that every event of a
 * task moves on all its shares; versioning it would multiply the history by
 * the number of shares, and it says nothing about the ledger).
 */
export const LEDGER_SCHEMA = `
CREATE TABLE IF NOT EXISTS ledger_items (
  id                 INTEGER PRIMARY KEY,
  key                TEXT    NOT NULL UNIQUE,
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
  lead_units         TEXT    NOT NULL,
  cooperating_units  TEXT    NOT NULL,
  task_deadline      TEXT,
  first_position     INTEGER NOT NULL,
  min_occurred_ms    INTEGER NOT NULL,
  unit_id            TEXT,
  unit_position      INTEGER
);
CREATE INDEX IF NOT EXISTS ledger_items_first ON ledger_items (first_position);
CREATE INDEX IF NOT EXISTS ledger_items_occurred ON ledger_items (min_occurred_ms);
CREATE INDEX IF NOT EXISTS ledger_items_unit ON ledger_items (unit_id, unit_position);
CREATE INDEX IF NOT EXISTS ledger_items_doc ON ledger_items (doc_number);
CREATE INDEX IF NOT EXISTS ledger_items_task ON ledger_items (task_id);

CREATE TABLE IF NOT EXISTS ledger_heads (
  item_id      INTEGER PRIMARY KEY,
  loop         TEXT    NOT NULL,
  task_status    TEXT,
  narrative_from INTEGER,
  current_from   INTEGER NOT NULL
);

CREATE TABLE IF NOT EXISTS ledger_versions (
  item_id             INTEGER NOT NULL,
  valid_from_position INTEGER NOT NULL,
  valid_to_position   INTEGER,
  status              TEXT    NOT NULL,
  task_status         TEXT,
  unit_id             TEXT,
  deadline            TEXT,
  deadline_ms         INTEGER,
  percent             REAL,
  progress_reports    INTEGER NOT NULL,
  notes               INTEGER NOT NULL,
  rework_count        INTEGER NOT NULL,
  extension_count     INTEGER NOT NULL,
  reopen_count        INTEGER NOT NULL,
  pending_extension   INTEGER NOT NULL,
  requested_deadline  TEXT,
  submitted_by_unit   TEXT,
  submitted_at        TEXT,
  closed_at           TEXT,
  narrative           TEXT,
  narrative_from      INTEGER,
  event_type          TEXT    NOT NULL,
  recorded_at         TEXT    NOT NULL,
  occurred_at         TEXT    NOT NULL,
  occurred_ms         INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS ledger_versions_at ON ledger_versions (item_id, valid_from_position, occurred_ms);

CREATE TABLE IF NOT EXISTS ledger_positions (
  position    INTEGER PRIMARY KEY,
  recorded_at TEXT    NOT NULL,
  recorded_ms INTEGER NOT NULL,
  known_ms    INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS ledger_positions_known ON ledger_positions (known_ms, position);
`;

/** The projection's name (its checkpoint's key). */
export const LEDGER_PROJECTION = 'ledger';

interface Provenance {
  position: bigint;
  event_type: string;
  recorded_at: string;
  occurred_at: string;
  occurred_ms: number;
}

interface Head {
  item_id: number;
  loop: string;
  task_status: TaskStatus | null;
}

const INSERT_ITEM = `
INSERT INTO ledger_items (
  key, kind, task_id, issue_id, doc_number, doc_title, item_path, title, category, urgency, reporting_unit, park_id,
  supervising_office, lead_units, cooperating_units, task_deadline, first_position, min_occurred_ms, unit_id, unit_position
) VALUES (
  @key, @kind, @task_id, @issue_id, @doc_number, @doc_title, @item_path, @title, @category, @urgency, @reporting_unit, @park_id,
  @supervising_office, @lead_units, @cooperating_units, @task_deadline, @position, @occurred_ms, @unit_id,
  CASE WHEN @unit_id IS NULL THEN NULL ELSE @position END
)`;

const INSERT_HEAD = `
INSERT INTO ledger_heads (item_id, loop, task_status, narrative_from, current_from)
VALUES (@id, @loop, @task_status, NULL, @position)`;

const INSERT_VERSION = `
INSERT INTO ledger_versions (
  item_id, valid_from_position, valid_to_position, status, task_status, unit_id, deadline, deadline_ms, percent,
  progress_reports, notes, rework_count, extension_count, reopen_count, pending_extension, requested_deadline,
  submitted_by_unit, submitted_at, closed_at, narrative, narrative_from, event_type, recorded_at, occurred_at, occurred_ms
) VALUES (
  @id, @position, NULL, @status, @task_status, @unit_id, @deadline, @deadline_ms, @percent,
  @progress_reports, @notes, @rework_count, @extension_count, @reopen_count, @pending_extension, @requested_deadline,
  @submitted_by_unit, @submitted_at, @closed_at, @narrative, (SELECT narrative_from FROM ledger_heads WHERE item_id = @id),
  @event_type, @recorded_at, @occurred_at, @occurred_ms
)`;

const CLOSE_CURRENT = `
UPDATE ledger_versions SET valid_to_position = @position
WHERE item_id = @id AND valid_from_position = (SELECT current_from FROM ledger_heads WHERE item_id = @id)`;

const MOVE_HEAD = `
UPDATE ledger_heads SET loop = @loop, task_status = @task_status,
  narrative_from = CASE WHEN @narrative IS NULL THEN narrative_from ELSE @position END, current_from = @position
WHERE item_id = @id`;

const TOUCH_ITEM = `
UPDATE ledger_items SET
  unit_position = CASE WHEN unit_id IS NULL AND @unit_id IS NOT NULL THEN @position ELSE unit_position END,
  unit_id = COALESCE(@unit_id, unit_id),
  min_occurred_ms = min(min_occurred_ms, @occurred_ms)
WHERE id = @id AND (unit_id IS NOT @unit_id OR min_occurred_ms > @occurred_ms)`;

const RECORD_POSITION = `
INSERT INTO ledger_positions (position, recorded_at, recorded_ms, known_ms)
VALUES (@position, @recorded_at, @recorded_ms,
  max(@recorded_ms, COALESCE((SELECT known_ms FROM ledger_positions ORDER BY position DESC LIMIT 1), @recorded_ms)))`;

const HEAD_BY_KEY = `
SELECT h.item_id, h.loop, h.task_status
FROM ledger_items i JOIN ledger_heads h ON h.item_id = i.id WHERE i.key = ?`;
const HEADS_OF_TASK = `
SELECT h.item_id, h.loop, h.task_status
FROM ledger_items i JOIN ledger_heads h ON h.item_id = i.id WHERE i.task_id = ? AND i.kind = 'task' ORDER BY i.id`;

/**
 * The ledger's temporal read model: every version of every items row, with
 * its validity interval in global log positions. It folds with the items
 * model's own functions (../items/item-fold: the domain's evolveLoop), so the
 * version valid at position P is, column for column, the items row a fresh
 * items projection fed the events up to P would hold (the property test in
 * ledger.model.spec.ts checks it), plus the latest narrative (进展情况).
 */
export class LedgerProjection implements Projection {
  readonly name = LEDGER_PROJECTION;
  readonly version = 1;
  readonly schema = LEDGER_SCHEMA;

  handles(type: string): boolean {
    return ITEM_EVENT_TYPES.has(type);
  }

  apply(event: RecordedEvent, tx: ProjectionTx): void {
    const p: Provenance = {
      position: event.globalPosition,
      event_type: event.type,
      recorded_at: event.metadata.recordedAt,
      occurred_at: event.metadata.occurredAt,
      occurred_ms: instantMs(event.metadata.occurredAt),
    };
    tx.run(RECORD_POSITION, { position: p.position, recorded_at: p.recorded_at, recorded_ms: instantMs(p.recorded_at) });
    if (isTaskEventType(event.type)) this.applyTask({ type: event.type, data: event.data } as TaskEvent, p, tx);
    else this.applyIssue({ type: event.type, data: event.data } as IssueEvent, p, tx);
  }

  private applyTask(event: TaskEvent, p: Provenance, tx: ProjectionTx): void {
    switch (event.type) {
      case 'task.registered.v1':
        for (const unitId of event.data.responsibleUnits) {
          this.open(tx, { ...taskShareStatics(event.data, unitId), task_status: 'open' }, openShareLoop(unitId), p);
        }
        return;
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
      case 'task.share.extension_refused.v1': {
        const head = this.head(tx, taskItemKey(event.data.taskId, event.data.unitId), event.type);
        const loop = foldItemLoop(JSON.parse(head.loop) as ClosureLoopState, event, SHARE_EVENT_PREFIX);
        const narrative = event.type === 'task.share.progress_reported.v1' ? event.data.narrative : undefined;
        this.nextVersion(tx, head, loop, head.task_status, narrative, p);
        return;
      }
      case 'task.closed.v1':
      case 'task.reopened.v1': {
        // As in the items model: the task's status (and the provenance) changes on every share.
        const status: TaskStatus = event.type === 'task.closed.v1' ? 'closed' : 'open';
        for (const head of tx.all<Head>(HEADS_OF_TASK, [event.data.taskId])) {
          this.nextVersion(tx, head, JSON.parse(head.loop) as ClosureLoopState, status, undefined, p);
        }
        return;
      }
      default:
        assertNever(event, 'task event');
    }
  }

  private applyIssue(event: IssueEvent, p: Provenance, tx: ProjectionTx): void {
    switch (event.type) {
      case 'issue.reported.v1':
        this.open(tx, { ...issueStatics(event.data), task_status: null }, openIssueLoop(), p);
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
      case 'issue.extension_refused.v1': {
        const head = this.head(tx, issueItemKey(event.data.issueId), event.type);
        const loop = foldItemLoop(JSON.parse(head.loop) as ClosureLoopState, event, ISSUE_EVENT_PREFIX);
        const narrative = event.type === 'issue.progress_reported.v1' ? event.data.narrative : undefined;
        this.nextVersion(tx, head, loop, head.task_status, narrative, p);
        return;
      }
      default:
        assertNever(event, 'issue event');
    }
  }

  private head(tx: ProjectionTx, key: string, type: string): Head {
    const head = tx.get<Head>(HEAD_BY_KEY, [key]);
    if (!head) throw new Error(`${type}: the ledger holds no item ${key} (its stream did not open it)`);
    return head;
  }

  /** Opens an item: its static row, its head and its first version. */
  private open(
    tx: ProjectionTx,
    statics: ReturnType<typeof taskShareStatics | typeof issueStatics> & { task_status: TaskStatus | null },
    loop: ClosureLoopState,
    p: Provenance,
  ): void {
    const columns = loopColumns(loop);
    tx.run(INSERT_ITEM, { ...statics, ...columns, ...p });
    const { id } = tx.get<{ id: number }>('SELECT id FROM ledger_items WHERE key = ?', [statics.key])!;
    const first = { id, ...columns, task_status: statics.task_status, narrative: null, ...p };
    tx.run(INSERT_HEAD, first);
    tx.run(INSERT_VERSION, first);
  }

  /** Closes the item's current version at this event and starts the next one. `narrative` undefined: unchanged. */
  private nextVersion(
    tx: ProjectionTx,
    head: Head,
    loop: ClosureLoopState,
    taskStatus: TaskStatus | null,
    narrative: string | undefined,
    p: Provenance,
  ): void {
    const columns = loopColumns(loop);
    // A report's version carries its narrative; it and later versions refer to it (narrative_from, kept
    // in SQL so positions never pass through a JS number), instead of copying the text.
    const next = { id: head.item_id, ...columns, task_status: taskStatus, narrative: narrative ?? null, ...p };
    tx.run(CLOSE_CURRENT, { id: head.item_id, position: p.position });
    tx.run(MOVE_HEAD, next);
    tx.run(TOUCH_ITEM, { id: head.item_id, unit_id: columns.unit_id, occurred_ms: p.occurred_ms, position: p.position });
    tx.run(INSERT_VERSION, next);
  }
}
