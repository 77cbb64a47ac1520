import type Database from 'better-sqlite3';
import type { EventStore } from '@duban/eventstore';
import type { Checkpoint } from './checkpoints';
import { quoteIdent } from './checkpoints';
import type { BulkWriter } from './projection';
import type { RunnerLogger } from './projection-worker';
import { ProjectionWorker } from './projection-worker';

export interface RebuildProgress {
  /** The projection, or the projections rebuilt together joined by '+' (e.g. "items+ledger"). */
  projection: string;
  /** Events passed since position zero. */
  done: number;
  /** Events in the log when the rebuild started, when known. */
  total: number | null;
  /** Events per second since the rebuild started. */
  rate: number;
  elapsedMs: number;
}

export interface RebuildResult {
  projection: string;
  events: number;
  position: bigint;
  elapsedMs: number;
}

export interface RebuildSessionOptions {
  db: Database.Database;
  store: EventStore;
  /** Stopped workers of the projections to rebuild. */
  workers: readonly ProjectionWorker[];
  /** Events read and applied per transaction. */
  batchSize: number;
  /** Events in the log when the rebuild started, when known (progress only). */
  total: number | null;
  clock: () => Date;
  logger: RunnerLogger;
  onCommit(worker: ProjectionWorker, checkpoint: Checkpoint): void;
  onProgress?: (progress: RebuildProgress) => void;
  /** Asked between pages: true ends the pass there (what was committed stays; the projections go on from it). */
  cancelled?: () => boolean;
}

interface Target {
  worker: ProjectionWorker;
  writer: BulkWriter | null;
}

interface DeferredIndex {
  name: string;
  sql: string;
}

/**
 * Rebuilds several projections from position zero in ONE pass over the log:
 * each page of the log is read and parsed once and applied to every
 * projection in one transaction, each projection's checkpoint moving with its
 * rows (so a crash mid-rebuild resumes each projection where it committed).
 *
 * Projections with a bulk writer get one 'rebuild' writer for the whole pass,
 * which keeps what it folded in memory between pages; it is dropped at the
 * first failed page. Projections that allow it (`deferIndexesOnRebuild`) have
 * their secondary indexes dropped first and created once at the end — one
 * sort instead of a million random index inserts. They are created again even
 * when the rebuild fails, and a start after a crash creates them (the runner
 * runs each schema again).
 */
export async function rebuildTogether(options: RebuildSessionOptions): Promise<RebuildResult[]> {
  const { db, store, workers, logger } = options;
  const startedAt = options.clock().getTime();
  for (const worker of workers) worker.reset('rebuild requested');
  const deferred = dropDeferredIndexes(db, workers);
  const targets: Target[] = workers.map((worker) => ({ worker, writer: worker.projection.openBulk?.('rebuild') ?? null }));
  const commit = db.transaction((page: Parameters<ProjectionWorker['applyBatch']>[0]) =>
    targets.map((t) => t.worker.applyBatch(page, t.worker.checkpoint, t.writer)),
  );
  // One report per page for the whole pass (every projection moves together): "items+ledger+audit".
  const passName = workers.map((w) => w.name).join('+');
  const progress = (cp: Checkpoint) => {
    if (!options.onProgress) return;
    const elapsedMs = Math.max(0, options.clock().getTime() - startedAt);
    options.onProgress({
      projection: passName,
      done: cp.eventsSeen,
      total: options.total,
      rate: elapsedMs > 0 ? Math.round((cp.eventsSeen / elapsedMs) * 1000) : 0,
      elapsedMs,
    });
  };
  try {
    let from = 0n;
    for (;;) {
      if (options.cancelled?.()) {
        logger.log(`rebuild of ${passName} ended after position ${from} (stopped); it goes on from there`);
        break;
      }
      const page = await store.readAll({ fromPosition: from, limit: options.batchSize });
      if (page.length === 0) break;
      let nexts: Checkpoint[];
      try {
        nexts = commit.immediate(page);
      } catch (err) {
        for (const t of targets) t.writer = null; // rolled back: their memory no longer matches the tables
        throw err;
      }
      targets.forEach((t, i) => {
        t.worker.checkpoint = nexts[i];
        options.onCommit(t.worker, nexts[i]);
      });
      progress(nexts[0]);
      from = page[page.length - 1].globalPosition;
      // Let timers and requests in between pages (a local read has no real I/O wait).
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  } finally {
    targets.length = 0;
    createDeferredIndexes(db, deferred, logger);
  }
  const elapsedMs = options.clock().getTime() - startedAt;
  const final = workers.map((w) => w.load());
  progress(final[0]);
  return workers.map((worker, i) => {
    const cp = final[i];
    logger.log(`projection ${worker.name}: rebuilt ${cp.eventsSeen} events up to position ${cp.position} in ${elapsedMs} ms`);
    return { projection: worker.name, events: cp.eventsSeen, position: cp.position, elapsedMs };
  });
}

function dropDeferredIndexes(db: Database.Database, workers: readonly ProjectionWorker[]): DeferredIndex[] {
  const tables = workers.filter((w) => w.projection.deferIndexesOnRebuild === true).flatMap((w) => w.tables);
  if (tables.length === 0) return [];
  const indexes = db
    .prepare(
      `SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN (${tables.map(() => '?').join(', ')}) ORDER BY name`,
    )
    .all(...tables) as DeferredIndex[];
  db.transaction(() => {
    for (const index of indexes) db.exec(`DROP INDEX ${quoteIdent(index.name)}`);
  }).immediate();
  return indexes;
}

function createDeferredIndexes(db: Database.Database, indexes: readonly DeferredIndex[], logger: RunnerLogger): void {
  if (indexes.length === 0 || !db.open) return;
  const t0 = Date.now();
  db.transaction(() => {
    for (const index of indexes) db.exec(index.sql);
  }).immediate();
  logger.log(`rebuild: created ${indexes.length} indexes in ${Date.now() - t0} ms`);
}
