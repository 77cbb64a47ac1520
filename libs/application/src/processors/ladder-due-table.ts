import { createHash } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { LadderStepName } from '@duban/domain/ladder';

/**
 * The ladder's due table, in the processors' SQLite file: for every item whose
 * clock runs, the next step and when it falls due. It is derived from the log
 * (the ladder processor rewrites an item's row from the item's folded state),
 * and it is the truth the scheduler is reconciled with: Redis (or the embedded
 * scheduler's memory) is only the alarm clock, so losing it loses nothing.
 *
 * An item is a stream plus, for a task, the share's unit (issues: unit '').
 */

/** What a ladder timer carries: enough to reload the item and ask what is due. */
export interface LadderTimerPayload {
  readonly stream: string;
  /** The share's unit id (task); null for an issue. */
  readonly unit: string | null;
  readonly step: LadderStepName;
  readonly deadline: string;
}

export interface DueRow {
  readonly stream: string;
  readonly unit: string | null;
  readonly step: LadderStepName;
  /** Epoch ms. */
  readonly dueAt: number;
  readonly deadline: string;
  /** How many times the item's deadline was set (交办 = 1, each extension + 1). */
  readonly deadlineVersion: number;
  readonly timerId: string;
}

/**
 * `ladder-<hash of stream + unit>-<step>-<deadline ms>`: deterministic (every
 * process arms the same id for the same step), without ':' (BullMQ's key
 * separator), and a new id when the deadline moves, so the old alarm and the
 * new one never overwrite each other.
 */
export function ladderTimerId(stream: string, unit: string | null, step: LadderStepName, deadline: string): string {
  const item = createHash('sha256').update(`${stream}\u0000${unit ?? ''}`).digest('hex').slice(0, 24);
  return `ladder-${item}-${step}-${Date.parse(deadline)}`;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS ladder_due (
  stream           TEXT    NOT NULL,
  unit_id          TEXT    NOT NULL,
  step             TEXT    NOT NULL,
  due_at           INTEGER NOT NULL,
  deadline         TEXT    NOT NULL,
  deadline_version INTEGER NOT NULL,
  timer_id         TEXT    NOT NULL,
  PRIMARY KEY (stream, unit_id)
);
CREATE INDEX IF NOT EXISTS ladder_due_at ON ladder_due (due_at);
`;

interface SqlRow {
  stream: string;
  unit_id: string;
  step: LadderStepName;
  due_at: number;
  deadline: string;
  deadline_version: number;
  timer_id: string;
}

const toRow = (r: SqlRow): DueRow => ({
  stream: r.stream,
  unit: r.unit_id === '' ? null : r.unit_id,
  step: r.step,
  dueAt: r.due_at,
  deadline: r.deadline,
  deadlineVersion: r.deadline_version,
  timerId: r.timer_id,
});

export class LadderDueTable {
  private readonly ofStream: Database.Statement;
  private readonly upsertStmt: Database.Statement;
  private readonly deleteStmt: Database.Statement;
  private readonly allStmt: Database.Statement;
  private readonly countStmt: Database.Statement;

  constructor(private readonly db: Database.Database) {
    db.exec(SCHEMA);
    this.ofStream = db.prepare('SELECT * FROM ladder_due WHERE stream = ?');
    this.upsertStmt = db.prepare(
      `INSERT INTO ladder_due (stream, unit_id, step, due_at, deadline, deadline_version, timer_id) VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (stream, unit_id) DO UPDATE SET step = excluded.step, due_at = excluded.due_at, deadline = excluded.deadline,
         deadline_version = excluded.deadline_version, timer_id = excluded.timer_id`,
    );
    this.deleteStmt = db.prepare('DELETE FROM ladder_due WHERE stream = ? AND unit_id = ?');
    this.allStmt = db.prepare('SELECT * FROM ladder_due ORDER BY due_at, stream, unit_id');
    this.countStmt = db.prepare('SELECT count(*) FROM ladder_due').pluck();
  }

  rowsOf(stream: string): DueRow[] {
    return (this.ofStream.all(stream) as SqlRow[]).map(toRow);
  }

  /** Replaces the rows of one stream in one transaction: `wanted` holds the rows the stream should have. */
  replace(stream: string, wanted: readonly DueRow[]): void {
    this.db.transaction(() => {
      const keep = new Set(wanted.map((r) => r.unit ?? ''));
      for (const old of this.rowsOf(stream)) if (!keep.has(old.unit ?? '')) this.deleteStmt.run(stream, old.unit ?? '');
      for (const r of wanted) this.upsertStmt.run(stream, r.unit ?? '', r.step, r.dueAt, r.deadline, r.deadlineVersion, r.timerId);
    })();
  }

  /** Every row, oldest due first (iterated lazily: the table may be large). */
  *all(): IterableIterator<DueRow> {
    for (const r of this.allStmt.iterate() as IterableIterator<SqlRow>) yield toRow(r);
  }

  get size(): number {
    return this.countStmt.get() as number;
  }
}

export const payloadOf = (r: DueRow): LadderTimerPayload => ({ stream: r.stream, unit: r.unit, step: r.step, deadline: r.deadline });
