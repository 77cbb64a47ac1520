import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * Durable state of the process managers (processors) that react to the log:
 * a checkpoint per processor and the park → district index the park rules
 * processor sums targets with. Its own SQLite file, `${dataDir}/processors.db`,
 * beside the event store (`duban.db`) and the read models (`read-models.db`):
 * the read models may be dropped and rebuilt at will, a processor's checkpoint
 * is what keeps it from re-running its reactions (which are idempotent anyway,
 * so losing this file costs a re-run, never a duplicate).
 */
export function processorFile(dataDir: string): string {
  return join(dataDir, 'processors.db');
}

/** Opens (and creates) the processors' database: WAL, synchronous FULL (what is committed survives power loss). */
export function openProcessorDatabase(file: string): Database.Database {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('busy_timeout = 10000');
  return db;
}

/** Where a processor stands in the global log (exclusive, as in the port). */
export interface ProcessorCheckpoint {
  /** Global position of the last event fully processed (0n: none). */
  readonly position: bigint;
  /** The event at `position` and the position before it, so a start can tell that the log still holds it. */
  readonly event: { readonly eventId: string; readonly previousPosition: bigint } | null;
}

export const ZERO_CHECKPOINT: ProcessorCheckpoint = { position: 0n, event: null };

/** Another process moved the checkpoint under us (two processors on one file): resume from the stored one. */
export class CheckpointMovedError extends Error {
  constructor(
    readonly processor: string,
    readonly expected: bigint,
    readonly actual: bigint,
  ) {
    super(`processor ${processor}: the checkpoint moved from ${expected} to ${actual} under this process`);
    this.name = 'CheckpointMovedError';
  }
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS processor_checkpoints (
  name              TEXT    PRIMARY KEY,
  position          INTEGER NOT NULL,
  event_id          TEXT,
  previous_position INTEGER,
  updated_at        TEXT    NOT NULL
);
CREATE TABLE IF NOT EXISTS processor_parks (
  processor TEXT NOT NULL,
  park_id   TEXT NOT NULL,
  district  TEXT NOT NULL,
  PRIMARY KEY (processor, park_id)
);
CREATE INDEX IF NOT EXISTS processor_parks_district ON processor_parks (processor, district);
`;

type Row = [bigint, string | null, bigint | null];

/** One processor's rows in the processors' database. Positions are bigint (KurrentDB commit positions are 64-bit). */
export class ProcessorStore {
  private readonly select: Database.Statement;
  private readonly insertZero: Database.Statement;
  private readonly update: Database.Statement;
  private readonly addParkStmt: Database.Statement;
  private readonly parksStmt: Database.Statement;
  private readonly clearParks: Database.Statement;

  constructor(
    private readonly db: Database.Database,
    readonly name: string,
    private readonly clock: () => Date = () => new Date(),
  ) {
    db.exec(SCHEMA);
    this.select = db.prepare('SELECT position, event_id, previous_position FROM processor_checkpoints WHERE name = ?').safeIntegers(true).raw(true);
    this.insertZero = db.prepare(
      `INSERT INTO processor_checkpoints (name, position, event_id, previous_position, updated_at) VALUES (?, 0, NULL, NULL, ?)
       ON CONFLICT (name) DO UPDATE SET position = 0, event_id = NULL, previous_position = NULL, updated_at = excluded.updated_at`,
    );
    this.update = db.prepare(
      'UPDATE processor_checkpoints SET position = ?, event_id = ?, previous_position = ?, updated_at = ? WHERE name = ? AND position = ?',
    );
    this.addParkStmt = db.prepare('INSERT OR IGNORE INTO processor_parks (processor, park_id, district) VALUES (?, ?, ?)');
    this.parksStmt = db.prepare('SELECT park_id FROM processor_parks WHERE processor = ? AND district = ? ORDER BY park_id').pluck();
    this.clearParks = db.prepare('DELETE FROM processor_parks WHERE processor = ?');
  }

  /** The stored checkpoint (zero when the processor never ran; the row is created then). */
  get(): ProcessorCheckpoint {
    const row = this.select.get(this.name) as Row | undefined;
    if (!row) {
      this.insertZero.run(this.name, this.clock().toISOString());
      return ZERO_CHECKPOINT;
    }
    const [position, eventId, previous] = row;
    return { position, event: eventId === null || previous === null ? null : { eventId, previousPosition: previous } };
  }

  /** Moves the checkpoint from `from` to `to`; throws CheckpointMovedError when the stored one is not `from`. */
  advance(from: bigint, to: ProcessorCheckpoint): void {
    const changes = this.update.run(to.position, to.event?.eventId ?? null, to.event?.previousPosition ?? null, this.clock().toISOString(), this.name, from).changes;
    if (changes === 0) throw new CheckpointMovedError(this.name, from, this.get().position);
  }

  /** Back to position zero, forgetting the park index too (one transaction). */
  reset(): void {
    this.db.transaction(() => {
      this.insertZero.run(this.name, this.clock().toISOString());
      this.clearParks.run(this.name);
    })();
  }

  /** Records a park's district (idempotent). */
  addPark(parkId: string, district: string): void {
    this.addParkStmt.run(this.name, parkId, district);
  }

  /** The parks known in a district, by id. */
  parksOf(district: string): string[] {
    return this.parksStmt.all(this.name, district) as string[];
  }
}
