import type { RecordedEvent } from '@duban/eventstore';
import type { BulkMode, BulkWriter, Projection, ProjectionTx } from '../runner/projection';
import { auditItemRef, mergeUnits, shareUnits } from './audit-item';

/**
 * Three tables.
 *
 * `audit_events` — one narrow row per event of the log (every type): the
 * columns the queries filter on. `position` is the rowid, so the trail is
 * stored in log order and a position range is a range scan.
 *
 * `audit_event_bodies` — the bulky part (data, extra metadata, hash), by
 * position. Filtering never reads it; only the rows a page returns are joined.
 * A scan over the narrow table reads a few hundred bytes per event instead of
 * the whole narrative of every progress report.
 *
 * `audit_units` — (unit, position) for the actor unit and every unit
 * concerned: the `unit` filter walks it in position order.
 *
 * Times are kept as recorded (ISO) and as epoch milliseconds. `recorded_seq_ms`
 * is the running maximum of `recorded_ms` up to the row: it never decreases
 * along the log, so "the first event recorded at or after T" is one index seek.
 * `clock_back` marks the rare events recorded earlier than an event before
 * them (the store's clock was set back); a recorded-time range reads the log
 * between two seeks plus those marked rows beyond — exact even when the clock
 * went backwards.
 */
export const AUDIT_SCHEMA = `
CREATE TABLE IF NOT EXISTS audit_events (
  position        INTEGER PRIMARY KEY,
  event_id        TEXT    NOT NULL,
  stream          TEXT    NOT NULL,
  stream_version  INTEGER NOT NULL,
  type            TEXT    NOT NULL,
  item_key        TEXT,
  item_root       TEXT,
  units           TEXT    NOT NULL DEFAULT '[]',
  actor_user      TEXT    NOT NULL,
  actor_unit      TEXT,
  actor_role      TEXT    NOT NULL,
  command_id      TEXT    NOT NULL,
  correlation_id  TEXT    NOT NULL,
  causation_id    TEXT    NOT NULL,
  occurred_at     TEXT    NOT NULL,
  occurred_ms     INTEGER,
  recorded_at     TEXT    NOT NULL,
  recorded_ms     INTEGER NOT NULL,
  recorded_seq_ms INTEGER NOT NULL,
  clock_back      INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS audit_event_bodies (
  position INTEGER PRIMARY KEY,
  data     TEXT    NOT NULL,
  extra    TEXT,
  hash     TEXT    NOT NULL
);
CREATE TABLE IF NOT EXISTS audit_units (
  unit     TEXT    NOT NULL,
  position INTEGER NOT NULL,
  PRIMARY KEY (unit, position)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS audit_events_item ON audit_events (item_root, position);
CREATE INDEX IF NOT EXISTS audit_events_actor ON audit_events (actor_user, position);
CREATE INDEX IF NOT EXISTS audit_events_correlation ON audit_events (correlation_id, position);
CREATE INDEX IF NOT EXISTS audit_events_type ON audit_events (type, position);
CREATE INDEX IF NOT EXISTS audit_events_recorded_seq ON audit_events (recorded_seq_ms, position);
CREATE INDEX IF NOT EXISTS audit_events_clock_back ON audit_events (position) WHERE clock_back = 1;
`;

/** The metadata keys with columns of their own; any other key is kept in `extra`. */
const STANDARD_METADATA = new Set([
  'actorUserId',
  'actorUnitId',
  'actorRole',
  'commandId',
  'correlationId',
  'causationId',
  'occurredAt',
  'recordedAt',
]);

const EVENT_COLUMNS = [
  'position', 'event_id', 'stream', 'stream_version', 'type', 'item_key', 'item_root', 'units', 'actor_user', 'actor_unit',
  'actor_role', 'command_id', 'correlation_id', 'causation_id', 'occurred_at', 'occurred_ms', 'recorded_at', 'recorded_ms',
  'recorded_seq_ms', 'clock_back',
] as const;
const INSERT_EVENT = `INSERT INTO audit_events (${EVENT_COLUMNS.join(', ')}) VALUES (${EVENT_COLUMNS.map(() => '?').join(', ')})`;
const INSERT_BODY = 'INSERT INTO audit_event_bodies (position, data, extra, hash) VALUES (?, ?, ?, ?)';
const INSERT_UNIT = 'INSERT INTO audit_units (unit, position) VALUES (?, ?)';

/**
 * The audit trail: every event of the log, whatever its type, with its item
 * key, the units it concerns, who caused it (user, unit, role), through which
 * command and request (command, correlation and causation ids), when it took
 * effect and when it was recorded, its data and its hash. Rows are only ever
 * inserted: the trail is the log, indexed for the auditors' questions.
 */
export class AuditProjection implements Projection {
  readonly name = 'audit';
  readonly version = 2;
  readonly schema = AUDIT_SCHEMA;
  readonly deferIndexesOnRebuild = true;

  handles(): boolean {
    return true;
  }

  apply(event: RecordedEvent, tx: ProjectionTx): void {
    this.openBulk('live').applyBatch([event], tx);
  }

  openBulk(mode: BulkMode): BulkWriter {
    return new AuditWriter(mode);
  }
}

/**
 * Inserts the rows of each event as it comes. What an event inherits from
 * earlier ones (the units of its item's first or last event, the units its
 * task's amendments gave or took a share of, the running maximum of recorded
 * times) is read from the tables in 'live' mode and kept in memory in
 * 'rebuild' mode, where the writer has seen every earlier event.
 */
class AuditWriter implements BulkWriter {
  private readonly firstUnits = new Map<string, string[]>();
  private readonly lastUnits = new Map<string, string[]>();
  private readonly sharedUnits = new Map<string, string[]>();
  private seq: number | null = null;

  constructor(private readonly mode: BulkMode) {}

  applyBatch(events: readonly RecordedEvent[], tx: ProjectionTx): void {
    if (this.mode === 'live') {
      this.seq = tx.get<{ seq: number }>('SELECT recorded_seq_ms AS seq FROM audit_events ORDER BY position DESC LIMIT 1')?.seq ?? null;
    }
    for (const event of events) this.applyOne(event, tx);
  }

  private inherited(root: string, inherit: 'first' | 'previous', tx: ProjectionTx): string[] | null {
    if (this.mode === 'rebuild') return (inherit === 'first' ? this.firstUnits : this.lastUnits).get(root) ?? null;
    const order = inherit === 'first' ? 'ASC' : 'DESC';
    const row = tx.get<{ units: string }>(
      `SELECT units FROM audit_events INDEXED BY audit_events_item WHERE item_root = ? ORDER BY position ${order} LIMIT 1`,
      [root],
    );
    return row ? (JSON.parse(row.units) as string[]) : null;
  }

  /** The root's shares so far (AuditItemRef.shares): only task-level rows have any, so only their data is read. */
  private shared(root: string, tx: ProjectionTx): string[] {
    if (this.mode === 'rebuild') return this.sharedUnits.get(root) ?? [];
    const rows = tx.all<{ type: string; data: string }>(
      'SELECT e.type AS type, b.data AS data FROM audit_events e INDEXED BY audit_events_item ' +
        'CROSS JOIN audit_event_bodies b ON b.position = e.position WHERE e.item_root = ? AND e.item_key = e.item_root ORDER BY e.position',
      [root],
    );
    return shareUnits(rows.map((r) => ({ type: r.type, data: JSON.parse(r.data) as unknown })));
  }

  private applyOne(event: RecordedEvent, tx: ProjectionTx): void {
    const m = event.metadata;
    const ref = auditItemRef(event.type, event.data);
    const inherited = ref.root !== null && ref.inherit !== null ? this.inherited(ref.root, ref.inherit, tx) : null;
    const shared = ref.root !== null && ref.inheritShares ? this.shared(ref.root, tx) : null;
    const units = mergeUnits(ref.units, inherited, shared);
    if (this.mode === 'rebuild' && ref.root !== null) {
      if (!this.firstUnits.has(ref.root)) this.firstUnits.set(ref.root, units);
      this.lastUnits.set(ref.root, units);
      if (ref.shares.length > 0) this.sharedUnits.set(ref.root, mergeUnits(ref.shares, this.sharedUnits.get(ref.root) ?? null));
    }

    const recordedMs = epochMs(m.recordedAt) ?? 0;
    const seq = this.seq === null ? recordedMs : Math.max(this.seq, recordedMs);
    this.seq = seq;

    tx.run(INSERT_EVENT, [
      event.globalPosition,
      event.id,
      event.stream,
      event.streamVersion,
      event.type,
      ref.key,
      ref.root,
      JSON.stringify(units),
      text(m.actorUserId),
      typeof m.actorUnitId === 'string' ? m.actorUnitId : null,
      text(m.actorRole),
      text(m.commandId),
      text(m.correlationId),
      text(m.causationId),
      text(m.occurredAt),
      epochMs(m.occurredAt),
      text(m.recordedAt),
      recordedMs,
      seq,
      recordedMs < seq ? 1 : 0,
    ]);
    let extra: Record<string, unknown> | null = null;
    for (const k of Object.keys(m)) {
      if (STANDARD_METADATA.has(k)) continue;
      (extra ??= {})[k] = m[k];
    }
    tx.run(INSERT_BODY, [event.globalPosition, JSON.stringify(event.data ?? null), extra === null ? null : JSON.stringify(extra), event.hash]);
    const involved = new Set(units);
    if (typeof m.actorUnitId === 'string' && m.actorUnitId.length > 0) involved.add(m.actorUnitId);
    for (const unit of involved) tx.run(INSERT_UNIT, [unit, event.globalPosition]);
  }
}

function text(v: unknown): string {
  return typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v);
}

function epochMs(v: unknown): number | null {
  if (typeof v !== 'string') return null;
  const ms = Date.parse(v);
  return Number.isNaN(ms) ? null : ms;
}
