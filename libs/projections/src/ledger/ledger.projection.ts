import type { RecordedEvent } from '@duban/eventstore';
import { assertNever } from '@duban/domain/decider';
import type { ClosureLoopState } from '@duban/domain/closure-loop';
import type { IssueEvent } from '@duban/domain/issue';
import { ISSUE_EVENT_PREFIX } from '@duban/domain/issue';
import type { TaskAmended, TaskEvent, TaskStatus } from '@duban/domain/task';
import { SHARE_EVENT_PREFIX } from '@duban/domain/task';
import { issueItemKey, taskItemKey } from '../items/item';
import type { AmendableStatics } from '../items/item-fold';
import {
  amendedStatics,
  foldItemLoop,
  instantMs,
  isTaskEventType,
  issueStatics,
  ITEM_EVENT_TYPES,
  loopFields,
  openIssueLoop,
  openShareLoop,
  taskShareStatics,
} from '../items/item-fold';
import type { BulkMode, BulkWriter, Projection, ProjectionTx, SqlValue } from '../runner/projection';

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
 * - `ledger_amendments`: what an amendment (task.amended.v1) changed of a
 *   task share's columns (标题, document title, 牵头/配合 units, 完成时限), per
 *   item and position. The amendment gives every share of the task a new
 *   version whose `statics_from` names it (NULL: the columns as opened, in
 *   ledger_items), so the ledger as of a position before the amendment shows
 *   the columns as they were. A unit the amendment removes has its item
 *   closed (`removed_position`, `removed_ms`: it is not on the ledger from
 *   then on); a unit added opens a new item (a unit removed and added back
 *   opens a second item with the same key, so `key` is not unique).
 *
 * Not versioned: `streamVersion` (a concurrency token that every event of a
 * task moves on all its shares; versioning it would multiply the history by
 * the number of shares, and it says nothing about the ledger).
 */
export const LEDGER_SCHEMA = `
CREATE TABLE IF NOT EXISTS ledger_items (
  id                 INTEGER PRIMARY KEY,
  key                TEXT    NOT NULL,
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
  unit_position      INTEGER,
  removed_position   INTEGER,
  removed_ms         INTEGER
);
CREATE INDEX IF NOT EXISTS ledger_items_key ON ledger_items (key, id);
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
  statics_from   INTEGER,
  current_from   INTEGER NOT NULL
);

CREATE TABLE IF NOT EXISTS ledger_amendments (
  item_id           INTEGER NOT NULL,
  position          INTEGER NOT NULL,
  title             TEXT    NOT NULL,
  doc_title         TEXT,
  lead_units        TEXT    NOT NULL,
  cooperating_units TEXT    NOT NULL,
  task_deadline     TEXT,
  PRIMARY KEY (item_id, position)
) WITHOUT ROWID;

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
  ladder              TEXT    NOT NULL,
  narrative           TEXT,
  narrative_from      INTEGER,
  statics_from        INTEGER,
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

/** An item's ledger_items columns as it opens (taskShareStatics / issueStatics). */
interface Statics extends AmendableStatics {
  key: string;
  kind: 'task' | 'issue';
  task_id: string | null;
  issue_id: string | null;
  doc_number: string | null;
  item_path: string | null;
  category: string | null;
  urgency: string | null;
  reporting_unit: string | null;
  park_id: string | null;
  supervising_office: string | null;
}
type Fields = ReturnType<typeof loopFields>;

/** One version of an item, as ledger_versions stores it (VERSION_COLUMNS order). */
interface Version extends Fields {
  item_id: number;
  statics_from: bigint | null;
  valid_from_position: bigint;
  valid_to_position: bigint | null;
  task_status: TaskStatus | null;
  narrative: string | null;
  narrative_from: bigint | null;
  event_type: string;
  recorded_at: string;
  occurred_at: string;
  occurred_ms: number;
}

const VERSION_COLUMNS = [
  'item_id', 'valid_from_position', 'valid_to_position', 'status', 'task_status', 'unit_id', 'deadline', 'deadline_ms',
  'percent', 'progress_reports', 'notes', 'rework_count', 'extension_count', 'reopen_count', 'pending_extension',
  'requested_deadline', 'submitted_by_unit', 'submitted_at', 'closed_at', 'ladder', 'narrative', 'narrative_from', 'statics_from',
  'event_type', 'recorded_at', 'occurred_at', 'occurred_ms',
] as const satisfies readonly (keyof Version)[];

const ITEM_COLUMNS = [
  'id', 'key', 'kind', 'task_id', 'issue_id', 'doc_number', 'doc_title', 'item_path', 'title', 'category', 'urgency',
  'reporting_unit', 'park_id', 'supervising_office', 'lead_units', 'cooperating_units', 'task_deadline',
  'first_position', 'min_occurred_ms', 'unit_id', 'unit_position', 'removed_position', 'removed_ms',
] as const;

const placeholders = (n: number) => Array.from({ length: n }, () => '?').join(', ');
const INSERT_VERSION = `INSERT INTO ledger_versions (rowid, ${VERSION_COLUMNS.join(', ')}) VALUES (?, ${placeholders(VERSION_COLUMNS.length)})`;
const CLOSE_VERSION = 'UPDATE ledger_versions SET valid_to_position = ? WHERE rowid = ?';
const INSERT_ITEM = `INSERT INTO ledger_items (${ITEM_COLUMNS.join(', ')}) VALUES (${placeholders(ITEM_COLUMNS.length)})`;
const TOUCH_ITEM =
  'UPDATE ledger_items SET unit_id = ?, unit_position = ?, min_occurred_ms = ?, removed_position = ?, removed_ms = ? WHERE id = ?';
const UPSERT_HEAD = `
INSERT INTO ledger_heads (item_id, loop, task_status, narrative_from, statics_from, current_from) VALUES (?, ?, ?, ?, ?, ?)
ON CONFLICT (item_id) DO UPDATE SET loop = excluded.loop, task_status = excluded.task_status,
  narrative_from = excluded.narrative_from, statics_from = excluded.statics_from, current_from = excluded.current_from`;
const INSERT_AMENDMENT = `INSERT INTO ledger_amendments (item_id, position, title, doc_title, lead_units, cooperating_units, task_deadline)
VALUES (?, ?, ?, ?, ?, ?, ?)`;
const RECORD_POSITION = 'INSERT INTO ledger_positions (position, recorded_at, recorded_ms, known_ms) VALUES (?, ?, ?, ?)';

/** Positions are read as text: a KurrentDB commit position may not fit a JS number. */
const LOAD_ENTRY = `
SELECT i.id, i.key, i.kind, i.task_id, i.issue_id, i.doc_number, i.doc_title, i.item_path, i.title, i.category, i.urgency,
  i.reporting_unit, i.park_id, i.supervising_office, i.lead_units, i.cooperating_units, i.task_deadline,
  i.unit_id, CAST(i.unit_position AS TEXT) AS unit_position, i.min_occurred_ms,
  h.loop, h.task_status, CAST(h.narrative_from AS TEXT) AS narrative_from, CAST(h.current_from AS TEXT) AS current_from,
  CAST(h.statics_from AS TEXT) AS statics_from, a.title AS a_title, a.doc_title AS a_doc_title, a.lead_units AS a_lead_units,
  a.cooperating_units AS a_cooperating_units, a.task_deadline AS a_task_deadline,
  (SELECT CAST(v.rowid AS TEXT) FROM ledger_versions v WHERE v.item_id = i.id AND v.valid_from_position = h.current_from) AS current_rowid
FROM ledger_items i JOIN ledger_heads h ON h.item_id = i.id
LEFT JOIN ledger_amendments a ON a.item_id = i.id AND a.position = h.statics_from
WHERE i.key = ? AND i.removed_position IS NULL ORDER BY i.id DESC LIMIT 1`;

/** An item being folded: its head, its current version, and what of its ledger_items row can change. */
interface Entry {
  id: number;
  taskId: string | null;
  /** Its ledger_items columns as opened (an added share copies its siblings'). */
  opened: Statics;
  /** True until its row is in ledger_items. */
  newItem: boolean;
  firstPosition: bigint;
  /** The columns an amendment changes, as in force, and the amendment's position (null: as opened). */
  statics: AmendableStatics;
  staticsFrom: bigint | null;
  removed: { position: bigint; ms: number } | null;
  unitId: string | null;
  unitPosition: bigint | null;
  minOccurredMs: number;
  itemChanged: boolean;
  loop: ClosureLoopState;
  taskStatus: TaskStatus | null;
  narrativeFrom: bigint | null;
  currentFrom: bigint;
  /** The current version while only in memory; null once written (then `currentRowid` names it). */
  current: Version | null;
  currentRowid: bigint | null;
  headChanged: boolean;
}

/**
 * The ledger's temporal read model: every version of every items row, with
 * its validity interval in global log positions. It folds with the items
 * model's own functions (../items/item-fold: the domain's evolveLoop), so the
 * version valid at position P is, column for column, the items row a fresh
 * items projection fed the events up to P would hold (the property test in
 * ledger.model.spec.ts checks it), plus the latest narrative (进展情况).
 *
 * One folding path: `apply` is a batch of one through the bulk writer.
 */
export class LedgerProjection implements Projection {
  readonly name = LEDGER_PROJECTION;
  // 2: task.amended.v1 (ledger_amendments, statics_from, removed items; key no longer unique)
  // 3: the ladder's steps (a version each) and the `ladder` column; loops folded with their effective times
  readonly version = 3;
  readonly schema = LEDGER_SCHEMA;
  readonly deferIndexesOnRebuild = true;

  handles(type: string): boolean {
    return ITEM_EVENT_TYPES.has(type);
  }

  apply(event: RecordedEvent, tx: ProjectionTx): void {
    this.openBulk('live').applyBatch([event], tx);
  }

  openBulk(mode: BulkMode): BulkWriter {
    return new LedgerWriter(mode);
  }
}

/**
 * Folds batches into versions. A version superseded within the batch is
 * written once, already closed; the versions still current at the end of the
 * batch are written open and closed later by rowid (assigned here, so no
 * index is needed to find them again). 'live': entries are read on first
 * touch and forgotten after the batch; 'rebuild': the writer's memory is the
 * whole model and it never reads the tables.
 */
class LedgerWriter implements BulkWriter {
  private readonly entries = new Map<string, Entry>();
  /** Item keys per task: complete in 'rebuild' mode; in 'live' mode, for tasks registered in this batch. */
  private readonly tasks = new Map<string, string[]>();
  private readonly touched = new Set<Entry>();
  private readonly closedVersions: Version[] = [];
  private readonly closedRowids: Array<[bigint, bigint]> = [];
  private readonly amendments: Array<[number, bigint, AmendableStatics]> = [];
  private readonly removedKeys = new Set<string>();
  private nextId: number | null;
  private nextRowid: bigint | null;
  private knownMs: number | null = null;

  constructor(private readonly mode: BulkMode) {
    this.nextId = mode === 'rebuild' ? 1 : null;
    this.nextRowid = mode === 'rebuild' ? 1n : null;
  }

  applyBatch(events: readonly RecordedEvent[], tx: ProjectionTx): void {
    if (this.mode === 'live' && this.knownMs === null) {
      this.knownMs = tx.get<{ k: number }>('SELECT known_ms AS k FROM ledger_positions ORDER BY position DESC LIMIT 1')?.k ?? null;
    }
    for (const event of events) this.applyOne(event, tx);
    this.flush(tx);
    this.removedKeys.clear();
    if (this.mode === 'live') {
      this.entries.clear();
      this.tasks.clear();
      this.knownMs = null;
      this.nextId = null;
      this.nextRowid = null;
    }
  }

  private applyOne(event: RecordedEvent, tx: ProjectionTx): void {
    const p: Provenance = {
      position: event.globalPosition,
      event_type: event.type,
      recorded_at: event.metadata.recordedAt,
      occurred_at: event.metadata.occurredAt,
      occurred_ms: instantMs(event.metadata.occurredAt),
    };
    const recordedMs = instantMs(p.recorded_at);
    this.knownMs = Math.max(recordedMs, this.knownMs ?? recordedMs);
    tx.run(RECORD_POSITION, [p.position, p.recorded_at, recordedMs, this.knownMs]);
    if (isTaskEventType(event.type)) this.applyTask({ type: event.type, data: event.data } as TaskEvent, p, tx);
    else this.applyIssue({ type: event.type, data: event.data } as IssueEvent, p, tx);
  }

  private applyTask(event: TaskEvent, p: Provenance, tx: ProjectionTx): void {
    switch (event.type) {
      case 'task.registered.v1': {
        const keys: string[] = [];
        for (const unitId of event.data.responsibleUnits) {
          keys.push(this.open(tx, taskShareStatics(event.data, unitId), 'open', openShareLoop(unitId, { type: event.type, occurredAt: p.occurred_at }), p).key);
        }
        this.tasks.set(event.data.taskId, keys);
        return;
      }
      case 'task.amended.v1':
        this.amend(tx, event, p);
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
      case 'task.share.extension_refused.v1':
      case 'task.share.reminded.v1':
      case 'task.share.urged.v1':
      case 'task.share.escalated.v1':
      case 'task.share.listed_for_criticism.v1': {
        const entry = this.entry(tx, taskItemKey(event.data.taskId, event.data.unitId), event.type);
        const loop = foldItemLoop(entry.loop, event, SHARE_EVENT_PREFIX, p.occurred_at);
        const narrative = event.type === 'task.share.progress_reported.v1' ? event.data.narrative : undefined;
        this.nextVersion(entry, loop, entry.taskStatus, narrative, p);
        return;
      }
      case 'task.closed.v1':
      case 'task.reopened.v1': {
        // As in the items model: the task's status (and the provenance) changes on every share.
        const status: TaskStatus = event.type === 'task.closed.v1' ? 'closed' : 'open';
        for (const entry of this.sharesOf(event.data.taskId, tx)) this.nextVersion(entry, entry.loop, status, undefined, p);
        return;
      }
      default:
        assertNever(event, 'task event');
    }
  }

  private applyIssue(event: IssueEvent, p: Provenance, tx: ProjectionTx): void {
    switch (event.type) {
      case 'issue.reported.v1':
        this.open(tx, issueStatics(event.data), null, openIssueLoop({ type: event.type, occurredAt: p.occurred_at }), p);
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
      case 'issue.reminded.v1':
      case 'issue.urged.v1':
      case 'issue.escalated.v1':
      case 'issue.listed_for_criticism.v1':
      case 'issue.deadline_recounted.v1': {
        const entry = this.entry(tx, issueItemKey(event.data.issueId), event.type);
        const loop = foldItemLoop(entry.loop, event, ISSUE_EVENT_PREFIX, p.occurred_at);
        const narrative = event.type === 'issue.progress_reported.v1' ? event.data.narrative : undefined;
        this.nextVersion(entry, loop, entry.taskStatus, narrative, p);
        return;
      }
      default:
        assertNever(event, 'issue event');
    }
  }

  /** Opens an item: its static row, its head and its first version (ledger order 序号 = the order items open). */
  private open(tx: ProjectionTx, statics: Statics, taskStatus: TaskStatus | null, loop: ClosureLoopState, p: Provenance): Statics {
    if (this.find(tx, statics.key)) throw new Error(`${p.event_type}: the ledger already holds an item ${statics.key}`);
    if (this.nextId === null) this.nextId = (tx.get<{ n: number }>('SELECT COALESCE(max(id), 0) AS n FROM ledger_items')?.n ?? 0) + 1;
    const fields = loopFields(loop);
    const entry: Entry = {
      id: this.nextId++,
      taskId: statics.task_id,
      opened: statics,
      newItem: true,
      firstPosition: p.position,
      statics: amendable(statics),
      staticsFrom: null,
      removed: null,
      unitId: fields.unit_id,
      unitPosition: fields.unit_id === null ? null : p.position,
      minOccurredMs: p.occurred_ms,
      itemChanged: false,
      loop,
      taskStatus,
      narrativeFrom: null,
      currentFrom: p.position,
      current: null,
      currentRowid: null,
      headChanged: true,
    };
    entry.current = this.version(entry, fields, null, p);
    this.entries.set(statics.key, entry);
    this.touched.add(entry);
    return statics;
  }

  /**
   * task.amended.v1, as evolveTask applies it: every remaining share gets a
   * version with the amended columns; a removed unit's item is closed here
   * and leaves the ledger; an added unit opens a new item (status registered).
   */
  private amend(tx: ProjectionTx, event: TaskAmended, p: Provenance): void {
    const d = event.data;
    const shares = this.sharesOf(d.taskId, tx);
    if (shares.length === 0) throw new Error(`${event.type}: the ledger holds no share of task ${d.taskId}`);
    const removed = new Set(d.removedResponsibleUnits);
    const sibling = shares[0];
    const amended = amendedStatics(sibling.statics, d.changes);
    const keys: string[] = [];
    for (const entry of shares) {
      if (removed.has(entry.loop.unitId ?? '')) {
        this.close(entry, p.position);
        entry.removed = { position: p.position, ms: p.occurred_ms };
        entry.itemChanged = true;
        this.entries.delete(entry.opened.key);
        this.removedKeys.add(entry.opened.key);
        this.touched.add(entry);
        continue;
      }
      entry.statics = amendedStatics(entry.statics, d.changes);
      entry.staticsFrom = p.position;
      this.amendments.push([entry.id, p.position, entry.statics]);
      this.nextVersion(entry, entry.loop, entry.taskStatus, undefined, p);
      keys.push(entry.opened.key);
    }
    for (const unitId of d.addedResponsibleUnits) {
      const statics: Statics = { ...sibling.opened, ...amended, key: taskItemKey(d.taskId, unitId) };
      keys.push(this.open(tx, statics, 'open', openShareLoop(unitId, { type: event.type, occurredAt: p.occurred_at }), p).key);
    }
    this.tasks.set(d.taskId, keys);
  }

  /** Closes the item's current version at this event and starts the next one. `narrative` undefined: unchanged. */
  private nextVersion(entry: Entry, loop: ClosureLoopState, taskStatus: TaskStatus | null, narrative: string | undefined, p: Provenance): void {
    this.close(entry, p.position);
    const fields = loopFields(loop);
    // A report's version carries its narrative; it and later versions refer to it (narrative_from) instead of copying the text.
    if (narrative !== undefined) entry.narrativeFrom = p.position;
    entry.loop = loop;
    entry.taskStatus = taskStatus;
    entry.currentFrom = p.position;
    entry.current = this.version(entry, fields, narrative ?? null, p);
    entry.headChanged = true;
    // The unit the item was first assigned to, and the earliest effective time among its versions.
    if (entry.unitId === null && fields.unit_id !== null) {
      entry.unitId = fields.unit_id;
      entry.unitPosition = p.position;
      entry.itemChanged = true;
    }
    if (p.occurred_ms < entry.minOccurredMs) {
      entry.minOccurredMs = p.occurred_ms;
      entry.itemChanged = true;
    }
    this.touched.add(entry);
  }

  /** Ends the item's current version at `position` (in memory, or by rowid once written). */
  private close(entry: Entry, position: bigint): void {
    if (entry.current) {
      entry.current.valid_to_position = position;
      this.closedVersions.push(entry.current);
      entry.current = null;
    } else {
      this.closedRowids.push([position, entry.currentRowid!]);
    }
  }

  private version(entry: Entry, fields: Fields, narrative: string | null, p: Provenance): Version {
    return {
      item_id: entry.id,
      statics_from: entry.staticsFrom,
      valid_from_position: p.position,
      valid_to_position: null,
      ...fields,
      task_status: entry.taskStatus,
      narrative,
      narrative_from: entry.narrativeFrom,
      event_type: p.event_type,
      recorded_at: p.recorded_at,
      occurred_at: p.occurred_at,
      occurred_ms: p.occurred_ms,
    };
  }

  private flush(tx: ProjectionTx): void {
    if (this.nextRowid === null && (this.touched.size > 0 || this.closedVersions.length > 0)) {
      this.nextRowid = BigInt(tx.get<{ n: string }>('SELECT CAST(COALESCE(max(rowid), 0) AS TEXT) AS n FROM ledger_versions')?.n ?? '0') + 1n;
    }
    for (const [position, rowid] of this.closedRowids) tx.run(CLOSE_VERSION, [position, rowid]);
    this.closedRowids.length = 0;
    for (const v of this.closedVersions) this.insertVersion(tx, v);
    this.closedVersions.length = 0;
    for (const [id, position, a] of this.amendments) {
      tx.run(INSERT_AMENDMENT, [id, position, a.title, a.doc_title, a.lead_units, a.cooperating_units, a.task_deadline]);
    }
    this.amendments.length = 0;
    for (const e of this.touched) {
      if (e.newItem) {
        const row: Record<(typeof ITEM_COLUMNS)[number], SqlValue> = {
          ...e.opened,
          id: e.id,
          first_position: e.firstPosition,
          min_occurred_ms: e.minOccurredMs,
          unit_id: e.unitId,
          unit_position: e.unitPosition,
          removed_position: e.removed?.position ?? null,
          removed_ms: e.removed?.ms ?? null,
        };
        tx.run(INSERT_ITEM, ITEM_COLUMNS.map((c) => row[c]));
        e.newItem = false;
      } else if (e.itemChanged) {
        tx.run(TOUCH_ITEM, [e.unitId, e.unitPosition, e.minOccurredMs, e.removed?.position ?? null, e.removed?.ms ?? null, e.id]);
      }
      e.itemChanged = false;
      if (e.headChanged) tx.run(UPSERT_HEAD, [e.id, JSON.stringify(e.loop), e.taskStatus, e.narrativeFrom, e.staticsFrom, e.currentFrom]);
      e.headChanged = false;
      if (e.current) {
        e.currentRowid = this.insertVersion(tx, e.current);
        e.current = null;
      }
    }
    this.touched.clear();
  }

  private insertVersion(tx: ProjectionTx, v: Version): bigint {
    const rowid = this.nextRowid!;
    this.nextRowid = rowid + 1n;
    tx.run(INSERT_VERSION, [rowid, ...VERSION_COLUMNS.map((c) => v[c])]);
    return rowid;
  }

  private entry(tx: ProjectionTx, key: string, type: string): Entry {
    const entry = this.find(tx, key);
    if (!entry) throw new Error(`${type}: the ledger holds no item ${key} (its stream did not open it)`);
    return entry;
  }

  private find(tx: ProjectionTx, key: string): Entry | undefined {
    const cached = this.entries.get(key);
    // Removed in this batch (not yet written as removed): gone, unless added back (then cached).
    if (cached || this.mode === 'rebuild' || this.removedKeys.has(key)) return cached;
    const r = tx.get<
      Statics & {
        id: number;
        unit_id: string | null;
        unit_position: string | null;
        min_occurred_ms: number;
        loop: string;
        task_status: TaskStatus | null;
        narrative_from: string | null;
        current_from: string;
        current_rowid: string;
        statics_from: string | null;
        a_title: string;
        a_doc_title: string | null;
        a_lead_units: string;
        a_cooperating_units: string;
        a_task_deadline: string | null;
      }
    >(LOAD_ENTRY, [key]);
    if (!r) return undefined;
    const opened = Object.fromEntries(STATIC_COLUMNS.map((c) => [c, r[c]])) as unknown as Statics;
    const entry: Entry = {
      id: r.id,
      taskId: r.task_id,
      opened,
      newItem: false,
      firstPosition: 0n, // only written for new items
      statics:
        r.statics_from === null
          ? amendable(opened)
          : { title: r.a_title, doc_title: r.a_doc_title, lead_units: r.a_lead_units, cooperating_units: r.a_cooperating_units, task_deadline: r.a_task_deadline },
      staticsFrom: r.statics_from === null ? null : BigInt(r.statics_from),
      removed: null,
      unitId: r.unit_id,
      unitPosition: r.unit_position === null ? null : BigInt(r.unit_position),
      minOccurredMs: r.min_occurred_ms,
      itemChanged: false,
      loop: JSON.parse(r.loop) as ClosureLoopState,
      taskStatus: r.task_status,
      narrativeFrom: r.narrative_from === null ? null : BigInt(r.narrative_from),
      currentFrom: BigInt(r.current_from),
      current: null,
      currentRowid: BigInt(r.current_rowid),
      headChanged: false,
    };
    this.entries.set(key, entry);
    return entry;
  }

  private sharesOf(taskId: string, tx: ProjectionTx): Entry[] {
    let keys = this.tasks.get(taskId);
    if (!keys) {
      keys =
        this.mode === 'rebuild'
          ? []
          : tx.all<{ key: string }>(`SELECT key FROM ledger_items WHERE task_id = ? AND kind = 'task' AND removed_position IS NULL ORDER BY id`, [taskId]).map((r) => r.key);
      this.tasks.set(taskId, keys);
    }
    return keys.map((k) => this.find(tx, k)!);
  }
}

/** The ledger_items columns an item opens with (its static row, without positions). */
const STATIC_COLUMNS = [
  'key', 'kind', 'task_id', 'issue_id', 'doc_number', 'doc_title', 'item_path', 'title', 'category', 'urgency',
  'reporting_unit', 'park_id', 'supervising_office', 'lead_units', 'cooperating_units', 'task_deadline',
] as const satisfies readonly (keyof Statics)[];

function amendable(s: Statics): AmendableStatics {
  return { title: s.title, doc_title: s.doc_title, lead_units: s.lead_units, cooperating_units: s.cooperating_units, task_deadline: s.task_deadline };
}
