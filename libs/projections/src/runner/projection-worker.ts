import type Database from 'better-sqlite3';
import type { EventStore, RecordedEvent, Subscription } from '@duban/eventstore';
import type { Checkpoint, CheckpointEvent, CheckpointTable } from './checkpoints';
import { quoteIdent, ZERO } from './checkpoints';
import { CheckpointConflictError, InvalidProjectionError, ProjectionVersionConflictError } from './errors';
import type { BulkWriter, Projection, ProjectionTx, SqlParams } from './projection';

export interface RunnerLogger {
  log(message: string): void;
  warn(message: string): void;
  error(message: string, stack?: string): void;
}

export const SILENT_LOGGER: RunnerLogger = { log: () => undefined, warn: () => undefined, error: () => undefined };

/**
 * 'running': subscribed and applying; 'failed': the last batch failed and a
 * retry is scheduled; 'stopped': not running in this process.
 */
export type WorkerState = 'stopped' | 'running' | 'failed';

export interface WorkerContext {
  db: Database.Database;
  store: EventStore;
  checkpoints: CheckpointTable;
  /** Tables of this projection, and tables owned by the other projections (never dropped here). */
  tables: readonly string[];
  foreignTables: ReadonlySet<string>;
  batchSize: number;
  /** 0: flush as soon as the subscription has nothing more at hand (setImmediate). */
  flushDelayMs: number;
  retryDelayMs: { initial: number; max: number };
  clock: () => Date;
  logger: RunnerLogger;
  onCommit(worker: ProjectionWorker, checkpoint: Checkpoint, events: number): void;
  onFailure(worker: ProjectionWorker, error: Error): void;
}

interface Run {
  readonly sub: Subscription;
  batch: RecordedEvent[];
  cancelFlush: (() => void) | null;
  /** No more commits from this run (it failed, or its subscription ended). */
  ended: boolean;
  failed: boolean;
  done: Promise<void>;
}

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/** The transaction handle: statements are cached per SQL text and refused outside `apply`. */
export class TxHandle implements ProjectionTx {
  open = false;
  private readonly cache = new Map<string, Database.Statement>();

  constructor(
    private readonly db: Database.Database,
    private readonly projection: string,
  ) {}

  run(sql: string, params?: SqlParams): number {
    return this.statement(sql).run(...bind(params)).changes;
  }

  get<T>(sql: string, params?: SqlParams): T | undefined {
    return this.statement(sql).get(...bind(params)) as T | undefined;
  }

  all<T>(sql: string, params?: SqlParams): T[] {
    return this.statement(sql).all(...bind(params)) as T[];
  }

  private statement(sql: string): Database.Statement {
    if (!this.open) {
      throw new InvalidProjectionError(`projection ${this.projection} used its transaction handle outside apply()`);
    }
    let s = this.cache.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      this.cache.set(sql, s);
    }
    return s;
  }
}

function bind(params: SqlParams | undefined): unknown[] {
  if (params === undefined) return [];
  return Array.isArray(params) ? [...params] : [params];
}

function isThenable(value: unknown): boolean {
  return typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';
}

/** Applies handled events (in order) through the projection's bulk writer when it has one, else one by one. */
export function applyEvents(projection: Projection, writer: BulkWriter | null, events: readonly RecordedEvent[], tx: ProjectionTx): void {
  if (events.length === 0) return;
  const result: unknown = writer ? writer.applyBatch(events, tx) : undefined;
  if (writer) {
    if (isThenable(result)) throw new InvalidProjectionError(`projection ${projection.name}: applyBatch() returned a promise; it must be synchronous`);
    return;
  }
  for (const event of events) {
    const r: unknown = projection.apply(event, tx);
    if (isThenable(r)) throw new InvalidProjectionError(`projection ${projection.name}: apply() returned a promise; it must be synchronous`);
  }
}

/**
 * Runs one projection: a catch-up subscription from its committed checkpoint,
 * events gathered into batches, each batch applied and checkpointed in one
 * SQLite transaction. One worker per projection, so a failing projection
 * holds back only itself.
 */
export class ProjectionWorker {
  state: WorkerState = 'stopped';
  /** The committed checkpoint, as this worker last read or wrote it. */
  checkpoint: Checkpoint = ZERO;
  lastError: Error | null = null;
  /** Consecutive failed batches (drives the retry backoff). */
  failures = 0;
  /**
   * Most events per transaction while set (a rebuild raises it); null: ctx.batchSize.
   * Each batch is still applied and checkpointed in one transaction.
   */
  batchSizeOverride: number | null = null;

  private run: Run | null = null;
  private wanted = false;
  private retryTimer: NodeJS.Timeout | null = null;
  private readonly tx: TxHandle;
  private readonly commitTx: Database.Transaction<(batch: RecordedEvent[], from: Checkpoint) => Checkpoint>;

  constructor(
    readonly projection: Projection,
    private readonly ctx: WorkerContext,
  ) {
    this.tx = new TxHandle(ctx.db, projection.name);
    this.commitTx = ctx.db.transaction((batch: RecordedEvent[], from: Checkpoint) => this.applyBatch(batch, from));
  }

  get name(): string {
    return this.projection.name;
  }

  /** The tables this projection's schema creates. */
  get tables(): readonly string[] {
    return this.ctx.tables;
  }

  /** Reads the committed checkpoint. */
  load(): Checkpoint {
    const stored = this.ctx.checkpoints.get(this.name);
    this.checkpoint = stored ?? ZERO;
    return this.checkpoint;
  }

  /**
   * True when the log still holds the event this projection's checkpoint
   * names (same id at the same position). False after the store was wiped,
   * restored from an older backup, or swapped for another log.
   */
  async checkpointInLog(): Promise<boolean> {
    const stored = this.ctx.checkpoints.get(this.name);
    if (!stored || stored.position === 0n) return true;
    if (!stored.event) return false;
    const [event] = await this.ctx.store.readAll({ fromPosition: stored.event.previousPosition, limit: 1 });
    return event !== undefined && event.globalPosition === stored.position && event.id === stored.event.eventId;
  }

  /** Starts (or keeps) the subscription from the committed checkpoint. */
  start(): void {
    this.wanted = true;
    this.clearRetry();
    if (!this.run) this.open();
  }

  /** Stops the subscription; the events already gathered are committed first. */
  async stop(): Promise<void> {
    this.wanted = false;
    this.clearRetry();
    const run = this.run;
    if (run) {
      await run.sub.stop();
      await run.done;
    }
    this.state = 'stopped';
  }

  /**
   * Drops the projection's tables (the current ones and those its stored
   * version had), recreates them and sets the checkpoint to zero, in one
   * transaction. The worker must be stopped.
   */
  reset(reason: string): void {
    if (this.run) throw new Error(`projection ${this.name}: reset while running`);
    const { db, checkpoints, tables, foreignTables } = this.ctx;
    const stored = checkpoints.get(this.name);
    const drop = new Set([...(stored?.tables ?? []), ...tables].filter((t) => !foreignTables.has(t)));
    db.transaction(() => {
      for (const t of drop) db.exec(`DROP TABLE IF EXISTS ${quoteIdent(t)}`);
      db.exec(this.projection.schema);
      checkpoints.reset(this.name, this.projection.version, tables, this.ctx.clock().toISOString());
    }).immediate();
    this.checkpoint = ZERO;
    this.lastError = null;
    this.failures = 0;
    this.ctx.logger.log(`projection ${this.name} v${this.projection.version}: rebuilding from position 0 (${reason})`);
  }

  private open(): void {
    this.load();
    let sub: Subscription;
    try {
      sub = this.ctx.store.subscribe({ fromPosition: this.checkpoint.position });
    } catch (err) {
      this.recordFailure(err as Error);
      this.scheduleRestart(Promise.resolve(), this.backoff());
      return;
    }
    const run: Run = { sub, batch: [], cancelFlush: null, ended: false, failed: false, done: Promise.resolve() };
    this.run = run;
    this.state = 'running';
    run.done = this.consume(run);
  }

  private async consume(run: Run): Promise<void> {
    let failure: unknown = null;
    try {
      for await (const event of run.sub) {
        if (run.ended) break;
        run.batch.push(event);
        if (run.batch.length >= (this.batchSizeOverride ?? this.ctx.batchSize)) {
          this.flush(run);
          // A long catch-up reads pages without real I/O waits: let timers and requests in between batches.
          await yieldToEventLoop();
        } else {
          this.armFlush(run);
        }
      }
      if (!run.ended) this.flush(run);
    } catch (err) {
      failure = err;
    } finally {
      run.cancelFlush?.();
      run.cancelFlush = null;
    }
    if (failure !== null) {
      this.fail(run, failure);
    } else if (!run.failed && this.wanted) {
      // The subscription ended without stop(): e.g. the store was closed under us.
      this.fail(run, new Error('the subscription ended unexpectedly'));
    }
    run.ended = true;
    if (this.run === run) this.run = null;
  }

  private armFlush(run: Run): void {
    if (run.cancelFlush) return;
    const fire = () => {
      run.cancelFlush = null;
      try {
        this.flush(run);
      } catch (err) {
        this.fail(run, err);
      }
    };
    if (this.ctx.flushDelayMs <= 0) {
      const h = setImmediate(fire);
      run.cancelFlush = () => clearImmediate(h);
    } else {
      const h = setTimeout(fire, this.ctx.flushDelayMs);
      run.cancelFlush = () => clearTimeout(h);
    }
  }

  /** Commits the gathered events (synchronously). Throws when the batch was rolled back. */
  private flush(run: Run): void {
    run.cancelFlush?.();
    run.cancelFlush = null;
    if (run.ended || run.batch.length === 0) return;
    const batch = run.batch;
    run.batch = [];
    // IMMEDIATE: take the write lock before reading the checkpoint we are about to move.
    const next = this.commitTx.immediate(batch, this.checkpoint);
    const count = next.eventsSeen - this.checkpoint.eventsSeen;
    this.checkpoint = next;
    if (this.failures > 0) this.ctx.logger.log(`projection ${this.name}: recovered at position ${next.position}`);
    this.failures = 0;
    this.lastError = null;
    this.state = 'running';
    this.ctx.onCommit(this, next, count);
  }

  /**
   * The body of a batch transaction (the caller opens it): checkpoint guard,
   * apply (through `writer`, else a fresh 'live' bulk writer, else event by
   * event), advance. Returns the checkpoint the batch moves to once committed.
   */
  applyBatch(batch: readonly RecordedEvent[], from: Checkpoint, writer: BulkWriter | null = null): Checkpoint {
    const { projection } = this;
    const stored = this.ctx.checkpoints.get(projection.name);
    if (!stored || stored.version !== projection.version) {
      throw new ProjectionVersionConflictError(projection.name, projection.version, stored?.version ?? null);
    }
    if (stored.position !== from.position) throw new CheckpointConflictError(projection.name, from.position, stored.position);

    let { position, eventsSeen, recordedAt } = from;
    let last: CheckpointEvent | null = null;
    const handled: RecordedEvent[] = [];
    for (const event of batch) {
      // Never re-apply: a checkpoint is exclusive and positions only grow.
      if (event.globalPosition <= position) continue;
      if (projection.handles(event.type)) handled.push(event);
      last = { eventId: event.id, previousPosition: position };
      position = event.globalPosition;
      eventsSeen += 1;
      recordedAt = event.metadata.recordedAt;
    }
    this.tx.open = true;
    try {
      applyEvents(projection, writer ?? projection.openBulk?.('live') ?? null, handled, this.tx);
    } finally {
      this.tx.open = false;
    }
    const next: Checkpoint = { position, eventsSeen, recordedAt };
    if (last) this.ctx.checkpoints.advance(projection.name, next, last, this.ctx.clock().toISOString());
    return next;
  }

  private fail(run: Run, err: unknown): void {
    if (run.failed) return;
    run.failed = true;
    run.ended = true;
    run.batch = [];
    void run.sub.stop();
    const error = err instanceof Error ? err : new Error(String(err));
    if (error instanceof CheckpointConflictError) {
      // Not this projection's fault: resume from what is stored, at once.
      this.ctx.logger.warn(`${error.message}; resuming from the stored checkpoint`);
      this.scheduleRestart(run.done, 0);
      return;
    }
    this.recordFailure(error);
    this.scheduleRestart(run.done, this.backoff());
  }

  private recordFailure(error: Error): void {
    this.failures += 1;
    this.lastError = error;
    this.state = 'failed';
    this.ctx.logger.error(
      `projection ${this.name}: batch after position ${this.checkpoint.position} failed (attempt ${this.failures}), ` +
        `nothing of it was kept; retrying in ${this.backoff()} ms: ${error.message}`,
      error.stack,
    );
    this.ctx.onFailure(this, error);
  }

  private backoff(): number {
    const { initial, max } = this.ctx.retryDelayMs;
    return Math.min(max, initial * 2 ** Math.max(0, this.failures - 1));
  }

  private scheduleRestart(previous: Promise<void>, delayMs: number): void {
    if (!this.wanted) {
      this.state = this.lastError ? 'failed' : 'stopped';
      return;
    }
    this.clearRetry();
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      void previous.then(() => {
        if (this.wanted && !this.run) this.open();
      });
    }, delayMs);
    this.retryTimer.unref?.();
  }

  private clearRetry(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
  }
}
