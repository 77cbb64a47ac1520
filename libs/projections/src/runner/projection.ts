import type { RecordedEvent } from '@duban/eventstore';

/** A value better-sqlite3 can bind (no booleans: write 0/1; no Dates: write ISO strings). */
export type SqlValue = string | number | bigint | null | Uint8Array;

/** Positional (`?`) or named (`@name`, `:name`, `$name`) parameters. */
export type SqlParams = readonly SqlValue[] | Readonly<Record<string, SqlValue>>;

/**
 * The small handle a projection writes through. It is only valid during the
 * `apply` call that received it: every statement runs inside the batch's
 * transaction on the read-model database, together with the checkpoint.
 * Rows come back as plain objects; integers as numbers (never above 2^53 in
 * read models: counts, flags, epoch milliseconds; positions are written as
 * bigint and read back through the projection's own query class).
 */
export interface ProjectionTx {
  /** INSERT / UPDATE / DELETE; returns the number of rows changed. */
  run(sql: string, params?: SqlParams): number;
  get<T = Record<string, unknown>>(sql: string, params?: SqlParams): T | undefined;
  all<T = Record<string, unknown>>(sql: string, params?: SqlParams): T[];
}

/**
 * A read model fed from the global log.
 *
 * - `name` identifies the projection and its checkpoint (lowercase letters,
 *   digits, `_` and `-`).
 * - `version` is the version of its schema AND of its `apply` logic: bump it
 *   whenever either changes, and the runner drops its tables and rebuilds it
 *   from position zero on the next start.
 * - `schema` is the DDL that creates its tables and indexes (CREATE TABLE IF
 *   NOT EXISTS …). The runner finds the tables it creates by running it on a
 *   scratch in-memory database: those tables belong to the projection and are
 *   dropped on a rebuild.
 * - `apply` must be synchronous (better-sqlite3 transactions are): it is
 *   called only for events whose type `handles` accepts, in global order,
 *   exactly once per event across crashes and restarts. Throwing rolls back
 *   the whole batch, checkpoint included; the runner then retries from the
 *   last committed checkpoint with a backoff.
 */
export interface Projection {
  readonly name: string;
  readonly version: number;
  readonly schema: string;
  handles(type: string): boolean;
  apply(event: RecordedEvent, tx: ProjectionTx): void;
  /**
   * Optional, for speed: a writer that applies a whole batch at once (folding
   * rows in memory and writing each touched row once) and, during a rebuild,
   * keeps what it folded in memory from one batch to the next instead of
   * reading it back. See BulkWriter for the contract.
   */
  openBulk?(mode: BulkMode): BulkWriter;
  /**
   * True: a rebuild from zero may drop this projection's secondary indexes
   * (its CREATE INDEX statements) and create them once at the end, because its
   * rebuild BulkWriter never reads its tables. A crash mid-rebuild leaves them
   * missing until the next start, which runs the schema again.
   */
  readonly deferIndexesOnRebuild?: boolean;
}

/**
 * 'rebuild': the writer starts on empty tables at position zero and is the
 * only writer until it is discarded, so what it holds in memory is the whole
 * truth (a miss in its memory means "no such row"). 'live': one batch of a
 * running projection; rows must be read from the tables.
 */
export type BulkMode = 'rebuild' | 'live';

/**
 * Applies batches. `applyBatch(events, tx)` must leave the tables exactly as
 * calling the projection's `apply` on each event (in order) would, by the time
 * it returns; `events` holds only types the projection handles. The runner
 * opens a 'live' writer per batch, and one 'rebuild' writer per rebuild which
 * it discards as soon as a batch fails (the transaction rolled back, so the
 * writer's memory no longer matches the tables) or the rebuild ends.
 */
export interface BulkWriter {
  applyBatch(events: readonly RecordedEvent[], tx: ProjectionTx): void;
}
