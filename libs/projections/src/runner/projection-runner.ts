import type Database from 'better-sqlite3';
import type { EventStore } from '@duban/eventstore';
import type { Checkpoint } from './checkpoints';
import { CheckpointTable, validateProjections, ZERO } from './checkpoints';
import type { LaggingProjection } from './errors';
import { ProjectionRunnerStoppedError, ProjectionWaitTimeoutError, UnknownProjectionError } from './errors';
import { HeadTracker } from './head-tracker';
import type { Projection } from './projection';
import type { RunnerLogger, WorkerState } from './projection-worker';
import { ProjectionWorker, SILENT_LOGGER } from './projection-worker';
import type { RebuildProgress, RebuildResult } from './rebuild-session';
import { rebuildTogether } from './rebuild-session';

export interface ProjectionRunnerOptions {
  store: EventStore;
  /** The read-model database (see openReadModelDatabase). The runner does not close it. */
  db: Database.Database;
  projections: readonly Projection[];
  /** Most events per transaction. Default 500. */
  batchSize?: number;
  /** Most events per transaction during rebuild() (never below batchSize). Default: batchSize when given, else 5000. */
  rebuildBatchSize?: number;
  /**
   * How long a partial batch may wait for more events before it is committed.
   * Default 0: as soon as the subscription has nothing more at hand (it is idle).
   */
  flushDelayMs?: number;
  /** Backoff after a failed batch: initial, doubling up to max. Default 500 ms … 30 s. */
  retryDelayMs?: { initial: number; max: number };
  /**
   * How a projection at position zero catches up with a log that already holds events when start() runs
   * (new, new version, reset): 'rebuild' (default) in one rebuild pass for all of them; 'live' in live
   * batches, as it follows the log afterwards (specs that compare the two paths).
   */
  catchUpFromZero?: 'rebuild' | 'live';
  /** Most events one lag()/rebuild() head scan reads before it answers with `exact: false`. Default 100 000. */
  headScanBudget?: number;
  /** How often waitFor re-reads the stored checkpoints (besides every local commit). Default 100 ms. */
  waitPollMs?: number;
  clock?: () => Date;
  logger?: RunnerLogger;
}

export interface ProjectionStatus {
  name: string;
  version: number;
  /** In this process. */
  state: WorkerState;
  /** Committed (read from the read-model database). */
  checkpoint: bigint;
  eventsSeen: number;
  checkpointRecordedAt: string | null;
  lastError: string | null;
  failures: number;
}

export interface ProjectionLag extends ProjectionStatus {
  /** Global position of the last event in the log (0n: empty log). */
  head: bigint;
  headRecordedAt: string | null;
  /** Events in the log after the checkpoint (all types, handled or not). */
  eventsBehind: number;
  /**
   * How far the read model's "as of" time trails the log: headRecordedAt minus
   * the recordedAt of the last applied event (of the log's first event when
   * nothing is applied yet); 0 when caught up. Both times come from the store's clock.
   */
  secondsBehind: number;
  /** False when the head scan hit its budget: the numbers are lower bounds. */
  exact: boolean;
}

export type { RebuildProgress, RebuildResult } from './rebuild-session';

interface Waiter {
  position: bigint;
  workers: readonly ProjectionWorker[];
  resolve(): void;
  reject(err: Error): void;
  timer: NodeJS.Timeout | null;
  /** Rejected on the first failed batch of one of its workers (rebuild). */
  failFast: boolean;
}

/**
 * Feeds the read models from the global log. Each projection runs its own
 * checkpointed catch-up subscription (never from the end); each batch of up to
 * `batchSize` events is applied and checkpointed in one transaction on the
 * read-model database. See projection-worker.ts for the loop and README.md for
 * the guarantees.
 */
export class ProjectionRunner {
  private readonly workers = new Map<string, ProjectionWorker>();
  private readonly checkpoints: CheckpointTable;
  private tracker: HeadTracker;
  private readonly waiters = new Set<Waiter>();
  private readonly logger: RunnerLogger;
  private readonly clock: () => Date;
  private readonly headScanBudget: number;
  private readonly waitPollMs: number;
  private prepared = false;
  private running = false;
  private pollTimer: NodeJS.Timeout | null = null;
  private rebuildQueue: Promise<unknown> = Promise.resolve();
  /** The rebuild pass start() runs for projections at zero on a non-empty log, while it runs. */
  private catchUp: { cancelled: boolean; done: Promise<unknown> } | null = null;

  constructor(private readonly options: ProjectionRunnerOptions) {
    const tables = validateProjections(options.projections);
    const allTables = new Map<string, string>();
    for (const [name, own] of tables) own.forEach((t) => allTables.set(t, name));
    this.logger = options.logger ?? SILENT_LOGGER;
    this.clock = options.clock ?? (() => new Date());
    this.headScanBudget = options.headScanBudget ?? 100_000;
    this.waitPollMs = options.waitPollMs ?? 100;
    this.checkpoints = new CheckpointTable(options.db);
    for (const projection of options.projections) {
      const own = tables.get(projection.name)!;
      const foreign = new Set([...allTables.keys()].filter((t) => allTables.get(t) !== projection.name));
      const worker = new ProjectionWorker(projection, {
        db: options.db,
        store: options.store,
        checkpoints: this.checkpoints,
        tables: own,
        foreignTables: foreign,
        batchSize: Math.max(1, options.batchSize ?? 500),
        flushDelayMs: options.flushDelayMs ?? 0,
        retryDelayMs: options.retryDelayMs ?? { initial: 500, max: 30_000 },
        clock: this.clock,
        logger: this.logger,
        onCommit: (w, cp) => this.committed(w, cp),
        onFailure: (w, err) => this.failed(w, err),
      });
      this.workers.set(projection.name, worker);
    }
    this.tracker = this.newTracker();
  }

  private newTracker(): HeadTracker {
    const furthest = this.checkpoints.all().reduce<Checkpoint>((a, c) => (c.position > a.position ? c : a), ZERO);
    return new HeadTracker(this.options.store, furthest);
  }

  /** Names of the registered projections. */
  get names(): string[] {
    return [...this.workers.keys()];
  }

  get isRunning(): boolean {
    return this.running;
  }

  /**
   * Creates the checkpoint table and every projection's tables (synchronous,
   * idempotent). A projection that is new, whose stored version differs, or
   * whose tables are missing is reset to position zero here.
   */
  prepare(): void {
    if (this.prepared) return;
    const { db } = this.options;
    const existing = new Set(
      db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all() as string[],
    );
    for (const worker of this.workers.values()) {
      const { projection } = worker;
      const stored = this.checkpoints.get(projection.name);
      const missing = worker.tables.filter((t) => !existing.has(t));
      if (!stored) {
        worker.reset('new projection');
      } else if (stored.version !== projection.version) {
        worker.reset(`version ${stored.version} → ${projection.version}`);
      } else if (missing.length > 0) {
        worker.reset(`tables missing: ${missing.join(', ')}`);
      } else {
        db.exec(projection.schema); // new indexes of the same version; harmless otherwise
        worker.load();
      }
    }
    this.prepared = true;
  }

  /**
   * Prepares and starts every projection; returns once they are subscribed
   * (not caught up). A projection whose checkpoint event is no longer in the
   * log (the store was wiped, restored from an older backup or replaced) is
   * rebuilt from zero rather than left showing rows the log does not hold.
   */
  async start(): Promise<void> {
    this.prepare();
    if (this.running) return;
    this.running = true;
    await this.verifyCheckpoints();
    if (!this.running) return; // stopped meanwhile
    const fromZero = await this.fromZeroOnALog();
    if (!this.running) return;
    for (const worker of this.workers.values()) if (!fromZero.includes(worker)) worker.start();
    if (fromZero.length > 0) {
      // A projection that is new, of a new version, or reset starts from zero on a log that already
      // holds events: it catches up through the rebuild pass (one read of the log for all of them,
      // bulk writers, indexes built once) instead of live batches of 500. It is started live when
      // the pass ends, or, should the pass fail, from whatever it committed.
      this.logger.log(`projections ${fromZero.map((w) => w.name).join(', ')}: from zero on a non-empty log: catching up in one rebuild pass`);
      const catchUp = { cancelled: false, done: Promise.resolve() as Promise<unknown> };
      catchUp.done = this.rebuildWorkers(fromZero, undefined, () => catchUp.cancelled)
        .catch((err: Error) =>
          this.logger.error(`catch-up rebuild of ${fromZero.map((w) => w.name).join(', ')} failed; they go on live from their checkpoints: ${err.message}`),
        )
        .finally(() => {
          if (this.catchUp === catchUp) this.catchUp = null;
        });
      this.catchUp = catchUp;
    }
    this.logger.log(
      `projections started: ${[...this.workers.values()]
        .map((w) => `${w.name} v${w.projection.version} at ${w.checkpoint.position}`)
        .join(', ')}`,
    );
  }

  /** Stops every projection; the batch each one is gathering is committed first. Pending waits are rejected. */
  async stop(): Promise<void> {
    this.running = false;
    if (this.catchUp) {
      // the start-up catch-up pass ends after the page in hand; what it committed stays
      this.catchUp.cancelled = true;
      await this.catchUp.done;
    }
    await Promise.all([...this.workers.values()].map((w) => w.stop()));
    for (const waiter of [...this.waiters]) this.settle(waiter, new ProjectionRunnerStoppedError(`position ${waiter.position} was reached`));
    this.stopPolling();
  }

  status(): ProjectionStatus[] {
    this.prepare();
    return [...this.workers.values()].map((w) => {
      const stored = this.checkpoints.get(w.name);
      return {
        name: w.name,
        version: w.projection.version,
        state: w.state,
        checkpoint: stored?.position ?? 0n,
        eventsSeen: stored?.eventsSeen ?? 0,
        checkpointRecordedAt: stored?.recordedAt ?? null,
        lastError: w.lastError?.message ?? null,
        failures: w.failures,
      };
    });
  }

  /** Per projection: events and seconds behind the head of the log. */
  async lag(): Promise<ProjectionLag[]> {
    const statuses = this.status();
    const head = await this.tracker.head(this.headScanBudget);
    const needFirst = statuses.some((s) => s.checkpointRecordedAt === null && head.eventsSeen > s.eventsSeen);
    const first = needFirst ? await this.tracker.firstEventRecordedAt() : null;
    return statuses.map((s) => {
      const eventsBehind = Math.max(0, head.eventsSeen - s.eventsSeen);
      const asOf = s.checkpointRecordedAt ?? first;
      const secondsBehind =
        eventsBehind === 0 || head.recordedAt === null || asOf === null
          ? 0
          : Math.max(0, (Date.parse(head.recordedAt) - Date.parse(asOf)) / 1000);
      return { ...s, head: head.position, headRecordedAt: head.recordedAt, eventsBehind, secondsBehind, exact: head.exact };
    });
  }

  /**
   * Resolves once every projection (or those named) has committed the event at
   * `position` (read-your-writes: pass the position an append returned).
   * Rejects with ProjectionWaitTimeoutError, naming the laggards, after `timeoutMs`.
   */
  waitFor(position: bigint, timeoutMs: number, names?: readonly string[]): Promise<void> {
    this.prepare();
    const workers = this.select(names);
    if (this.lagging(position, workers).length === 0) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = { position, workers, resolve, reject, timer: null, failFast: false };
      waiter.timer = setTimeout(() => {
        this.settle(waiter, new ProjectionWaitTimeoutError(position, timeoutMs, this.lagging(position, workers)));
      }, Math.max(0, timeoutMs));
      this.waiters.add(waiter);
      this.startPolling();
    });
  }

  /**
   * Rebuilds one projection (or all) from position zero: drops its tables,
   * resets its checkpoint, and replays the log — read once for all of them —
   * up to its end. Works whether or not the runner is running (a CLI can
   * rebuild offline); when running, the projections resume live afterwards.
   * The read model is incomplete until it finishes. Rejects on the first
   * failed batch (a running runner then retries from the committed checkpoints).
   */
  rebuild(name?: string, onProgress?: (progress: RebuildProgress) => void): Promise<RebuildResult[]> {
    this.prepare();
    return this.rebuildWorkers(this.select(name === undefined ? undefined : [name]), onProgress);
  }

  /** The workers at position zero while the log holds events (nothing to gain from a rebuild pass otherwise). */
  private async fromZeroOnALog(): Promise<ProjectionWorker[]> {
    const fresh = [...this.workers.values()].filter((w) => w.checkpoint.position === 0n);
    if (fresh.length === 0 || this.options.catchUpFromZero === 'live') return [];
    const [first] = await this.options.store.readAll({ fromPosition: 0n, limit: 1 });
    return first === undefined ? [] : fresh;
  }

  private rebuildWorkers(
    workers: ProjectionWorker[],
    onProgress?: (progress: RebuildProgress) => void,
    cancelled?: () => boolean,
  ): Promise<RebuildResult[]> {
    const run = this.rebuildQueue.then(async () => {
      const restore = this.rebuildPragmas();
      try {
        await Promise.all(workers.map((w) => w.stop()));
        const head = await this.tracker.head(this.headScanBudget);
        const batchSize = Math.max(1, this.options.batchSize ?? 500);
        return await rebuildTogether({
          db: this.options.db,
          store: this.options.store,
          workers,
          batchSize: Math.max(batchSize, this.options.rebuildBatchSize ?? this.options.batchSize ?? 5000),
          total: head.exact ? head.eventsSeen : null,
          clock: this.clock,
          logger: this.logger,
          onCommit: (w, cp) => this.committed(w, cp),
          onProgress,
          ...(cancelled ? { cancelled } : {}),
        });
      } finally {
        restore();
        if (this.running) for (const w of workers) w.start();
      }
    });
    this.rebuildQueue = run.catch(() => undefined);
    return run;
  }

  /**
   * During a rebuild: a larger page cache, rarer WAL checkpoints and temp
   * tables in memory (`duban rebuild` relies on this). `synchronous` is left as
   * openReadModelDatabase sets it. Returns a function that restores the values
   * found (the runner does not own the database).
   */
  private rebuildPragmas(): () => void {
    const { db } = this.options;
    if (!db.open) return () => undefined;
    const saved: Array<[string, unknown]> = [];
    const raise = (name: string, value: number, higher: (old: number) => boolean) => {
      const old = db.pragma(name, { simple: true }) as number;
      if (higher(old)) {
        saved.push([name, old]);
        db.pragma(`${name} = ${value}`);
      }
    };
    // cache_size: negative is KiB, positive is pages (compare as KiB with 4 KiB pages, roughly).
    raise('cache_size', -65536, (old) => (old < 0 ? -old : old * 4) < 65536);
    raise('wal_autocheckpoint', 10000, (old) => old > 0 && old < 10000);
    raise('temp_store', 2, (old) => old !== 2);
    return () => {
      if (!db.open) return;
      for (const [name, old] of saved) db.pragma(`${name} = ${Number(old)}`);
    };
  }

  private async verifyCheckpoints(): Promise<void> {
    let reset = false;
    for (const worker of this.workers.values()) {
      if (await worker.checkpointInLog()) continue;
      worker.reset(`the event log no longer holds the event at its checkpoint ${worker.checkpoint.position}`);
      reset = true;
    }
    if (reset) this.tracker = this.newTracker();
  }

  private select(names: readonly string[] | undefined): ProjectionWorker[] {
    if (names === undefined) return [...this.workers.values()];
    return names.map((n) => {
      const w = this.workers.get(n);
      if (!w) throw new UnknownProjectionError(n, this.names);
      return w;
    });
  }

  /** The projections (of `workers`) whose committed checkpoint is before `position`. */
  private lagging(position: bigint, workers: readonly ProjectionWorker[]): LaggingProjection[] {
    const out: LaggingProjection[] = [];
    for (const w of workers) {
      const checkpoint = this.checkpoints.get(w.name)?.position ?? 0n;
      if (checkpoint < position) {
        out.push({ name: w.name, checkpoint, state: w.state, lastError: w.lastError?.message ?? null });
      }
    }
    return out;
  }

  private committed(worker: ProjectionWorker, cp: Checkpoint): void {
    this.tracker.offer(cp);
    this.checkWaiters();
  }

  private failed(worker: ProjectionWorker, error: Error): void {
    for (const waiter of [...this.waiters]) {
      if (waiter.failFast && waiter.workers.includes(worker)) this.settle(waiter, error);
    }
  }

  private checkWaiters(): void {
    for (const waiter of [...this.waiters]) {
      if (this.lagging(waiter.position, waiter.workers).length === 0) this.settle(waiter, null);
    }
    if (this.waiters.size === 0) this.stopPolling();
  }

  private settle(waiter: Waiter, error: Error | null): void {
    if (!this.waiters.delete(waiter)) return;
    if (waiter.timer) clearTimeout(waiter.timer);
    if (error) waiter.reject(error);
    else waiter.resolve();
  }

  /** Another process may run the projections: re-read the stored checkpoints now and then while someone waits. */
  private startPolling(): void {
    if (this.pollTimer) return;
    this.pollTimer = setInterval(() => this.checkWaiters(), this.waitPollMs);
    this.pollTimer.unref?.();
  }

  private stopPolling(): void {
    if (this.pollTimer) clearInterval(this.pollTimer);
    this.pollTimer = null;
  }
}
