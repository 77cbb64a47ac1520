import Database from 'better-sqlite3';
import { InvalidProjectionError } from './errors';
import type { Projection } from './projection';

/** Where a projection stands in the global log. */
export interface Checkpoint {
  /** Global position of the last event committed (handled or skipped); 0n: none yet. */
  readonly position: bigint;
  /** How many events of the log lie at or before `position` (counted from zero, handled or not). */
  readonly eventsSeen: number;
  /** recordedAt of the event at `position`; null before the first event. */
  readonly recordedAt: string | null;
}

/** Identifies the event at a checkpoint, so a start can tell that the log still holds it. */
export interface CheckpointEvent {
  readonly eventId: string;
  /** The position just before it in the log (0n: it was the first): `readAll` from here returns it first. */
  readonly previousPosition: bigint;
}

export interface StoredCheckpoint extends Checkpoint {
  readonly name: string;
  /** Null at position zero. */
  readonly event: CheckpointEvent | null;
  readonly version: number;
  /** The tables the projection owned when it was last (re)built. */
  readonly tables: readonly string[];
  readonly rebuiltAt: string;
  readonly updatedAt: string;
}

export const ZERO: Checkpoint = { position: 0n, eventsSeen: 0, recordedAt: null };

export const CHECKPOINT_TABLE = 'projection_checkpoints';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS ${CHECKPOINT_TABLE} (
  name        TEXT    PRIMARY KEY,
  version     INTEGER NOT NULL,
  position    INTEGER NOT NULL,
  events_seen INTEGER NOT NULL,
  recorded_at TEXT,
  event_id    TEXT,
  previous_position INTEGER,
  tables      TEXT    NOT NULL,
  rebuilt_at  TEXT    NOT NULL,
  updated_at  TEXT    NOT NULL
);
`;

type Row = [string, bigint, bigint, bigint, string | null, string, string, string, string | null, bigint | null];

/**
 * The checkpoint table and the statements the runner uses on it. Positions
 * are read as bigint (safeIntegers): KurrentDB commit positions are 64-bit.
 */
export class CheckpointTable {
  private readonly select: Database.Statement;
  private readonly selectAll: Database.Statement;
  private readonly upsert: Database.Statement;
  private readonly advanceStmt: Database.Statement;

  constructor(private readonly db: Database.Database) {
    db.exec(SCHEMA);
    const cols = 'name, version, position, events_seen, recorded_at, tables, rebuilt_at, updated_at, event_id, previous_position';
    this.select = db.prepare(`SELECT ${cols} FROM ${CHECKPOINT_TABLE} WHERE name = ?`).safeIntegers(true).raw(true);
    this.selectAll = db.prepare(`SELECT ${cols} FROM ${CHECKPOINT_TABLE} ORDER BY name`).safeIntegers(true).raw(true);
    this.upsert = db.prepare(
      `INSERT INTO ${CHECKPOINT_TABLE} (${cols}) VALUES (@name, @version, 0, 0, NULL, @tables, @now, @now, NULL, NULL)
       ON CONFLICT (name) DO UPDATE SET version = excluded.version, position = 0, events_seen = 0, recorded_at = NULL,
         event_id = NULL, previous_position = NULL,
         tables = excluded.tables, rebuilt_at = excluded.rebuilt_at, updated_at = excluded.updated_at`,
    );
    this.advanceStmt = db.prepare(
      `UPDATE ${CHECKPOINT_TABLE} SET position = ?, events_seen = ?, recorded_at = ?, event_id = ?, previous_position = ?, updated_at = ?
       WHERE name = ?`,
    );
  }

  get(name: string): StoredCheckpoint | null {
    const row = this.select.get(name) as Row | undefined;
    return row ? toStored(row) : null;
  }

  all(): StoredCheckpoint[] {
    return (this.selectAll.all() as Row[]).map(toStored);
  }

  /** Position zero, the given version and tables. Call inside the transaction that drops the tables. */
  reset(name: string, version: number, tables: readonly string[], now: string): void {
    this.upsert.run({ name, version, tables: JSON.stringify(tables), now });
  }

  /** Moves the checkpoint. Call inside the batch's transaction. */
  advance(name: string, to: Checkpoint, event: CheckpointEvent, now: string): void {
    this.advanceStmt.run(to.position, to.eventsSeen, to.recordedAt, event.eventId, event.previousPosition, now, name);
  }
}

function toStored(r: Row): StoredCheckpoint {
  return {
    name: r[0],
    version: Number(r[1]),
    position: r[2],
    eventsSeen: Number(r[3]),
    recordedAt: r[4],
    tables: JSON.parse(r[5]) as string[],
    rebuiltAt: r[6],
    updatedAt: r[7],
    event: r[8] === null || r[9] === null ? null : { eventId: r[8], previousPosition: r[9] },
  };
}

const NAME = /^[a-z][a-z0-9_-]{0,62}$/;

/**
 * The tables a schema creates, found by running it on a scratch in-memory
 * database (so a projection does not have to list them by hand).
 */
export function tablesOf(projection: Projection): string[] {
  const scratch = new Database(':memory:');
  try {
    scratch.exec(projection.schema);
    const rows = scratch
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
      .pluck()
      .all() as string[];
    return rows;
  } catch (err) {
    throw new InvalidProjectionError(`projection ${projection.name}: its schema does not run: ${(err as Error).message}`);
  } finally {
    scratch.close();
  }
}

/** Checks a set of projections before the runner touches the database. Returns each one's tables. */
export function validateProjections(projections: readonly Projection[]): Map<string, string[]> {
  const owners = new Map<string, string>();
  const tables = new Map<string, string[]>();
  for (const p of projections) {
    if (!NAME.test(p.name)) {
      throw new InvalidProjectionError(`projection name ${JSON.stringify(p.name)} must match ${NAME}`);
    }
    if (tables.has(p.name)) throw new InvalidProjectionError(`two projections are named ${p.name}`);
    if (!Number.isSafeInteger(p.version) || p.version < 1) {
      throw new InvalidProjectionError(`projection ${p.name}: version must be a whole number ≥ 1, got ${p.version}`);
    }
    const own = tablesOf(p);
    if (own.length === 0) throw new InvalidProjectionError(`projection ${p.name}: its schema creates no table`);
    for (const t of own) {
      if (t === CHECKPOINT_TABLE) throw new InvalidProjectionError(`projection ${p.name}: table ${t} is the runner's`);
      const other = owners.get(t);
      if (other) throw new InvalidProjectionError(`projections ${other} and ${p.name} both create table ${t}`);
      owners.set(t, p.name);
    }
    tables.set(p.name, own);
  }
  return tables;
}

/** Double-quotes an SQL identifier. */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
