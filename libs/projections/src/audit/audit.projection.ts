import type { RecordedEvent } from '@duban/eventstore';
import type { Projection, ProjectionTx } from '../runner/projection';
import { auditItemRef, mergeUnits } from './audit-item';

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

const INSERT_EVENT = `
INSERT INTO audit_events (
  position, event_id, stream, stream_version, type, item_key, item_root, units, actor_user, actor_unit, actor_role,
  command_id, correlation_id, causation_id, occurred_at, occurred_ms, recorded_at, recorded_ms, recorded_seq_ms, clock_back
) VALUES (
  @position, @event_id, @stream, @stream_version, @type, @item_key, @item_root, @units, @actor_user, @actor_unit, @actor_role,
  @command_id, @correlation_id, @causation_id, @occurred_at, @occurred_ms, @recorded_at, @recorded_ms, @recorded_seq_ms, @clock_back
)`;

/**
 * The audit trail: every event of the log, whatever its type, with its item
 * key, the units it concerns, who caused it (user, unit, role), through which
 * command and request (command, correlation and causation ids), when it took
 * effect and when it was recorded, its data and its hash. Rows are only ever
 * inserted: the trail is the log, indexed for the auditors' questions.
 */
export class AuditProjection implements Projection {
  readonly name = 'audit';
  readonly version = 1;
  readonly schema = AUDIT_SCHEMA;

  handles(): boolean {
    return true;
  }

  apply(event: RecordedEvent, tx: ProjectionTx): void {
    const m = event.metadata;
    const ref = auditItemRef(event.type, event.data);
    let inherited: string[] | null = null;
    if (ref.root !== null && ref.inherit !== null) {
      const order = ref.inherit === 'first' ? 'ASC' : 'DESC';
      const row = tx.get<{ units: string }>(
        `SELECT units FROM audit_events INDEXED BY audit_events_item WHERE item_root = ? ORDER BY position ${order} LIMIT 1`,
        [ref.root],
      );
      inherited = row ? (JSON.parse(row.units) as string[]) : null;
    }
    const units = mergeUnits(ref.units, inherited);

    const recordedMs = epochMs(m.recordedAt) ?? 0;
    const last = tx.get<{ seq: number }>('SELECT recorded_seq_ms AS seq FROM audit_events ORDER BY position DESC LIMIT 1');
    const seq = last === undefined ? recordedMs : Math.max(last.seq, recordedMs);

    tx.run(INSERT_EVENT, {
      position: event.globalPosition,
      event_id: event.id,
      stream: event.stream,
      stream_version: event.streamVersion,
      type: event.type,
      item_key: ref.key,
      item_root: ref.root,
      units: JSON.stringify(units),
      actor_user: text(m.actorUserId),
      actor_unit: typeof m.actorUnitId === 'string' ? m.actorUnitId : null,
      actor_role: text(m.actorRole),
      command_id: text(m.commandId),
      correlation_id: text(m.correlationId),
      causation_id: text(m.causationId),
      occurred_at: text(m.occurredAt),
      occurred_ms: epochMs(m.occurredAt),
      recorded_at: text(m.recordedAt),
      recorded_ms: recordedMs,
      recorded_seq_ms: seq,
      clock_back: recordedMs < seq ? 1 : 0,
    });
    const extra = Object.fromEntries(Object.entries(m).filter(([k]) => !STANDARD_METADATA.has(k)));
    tx.run('INSERT INTO audit_event_bodies (position, data, extra, hash) VALUES (?, ?, ?, ?)', [
      event.globalPosition,
      JSON.stringify(event.data ?? null),
      Object.keys(extra).length > 0 ? JSON.stringify(extra) : null,
      event.hash,
    ]);
    const involved = new Set(units);
    if (typeof m.actorUnitId === 'string' && m.actorUnitId.length > 0) involved.add(m.actorUnitId);
    for (const unit of involved) tx.run('INSERT INTO audit_units (unit, position) VALUES (?, ?)', [unit, event.globalPosition]);
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
