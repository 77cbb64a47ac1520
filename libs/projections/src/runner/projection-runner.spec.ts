/**
 * The projection runner over a real SqliteEventStore and a real read-model
 * file: one transaction per batch (rows + checkpoint), resume without
 * duplicates or gaps, rebuild on a version bump, waitFor, lag, rebuild().
 */
import Database from 'better-sqlite3';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { SqliteEventStore } from '@duban/eventstore';
import { Harness } from '../testing/harness';
import { appendMany, fillerEvent, LogProjection } from '../testing/log-projection';
import { CHECKPOINT_TABLE } from './checkpoints';
import { InvalidProjectionError, ProjectionRunnerStoppedError, ProjectionWaitTimeoutError, UnknownProjectionError } from './errors';
import type { Projection } from './projection';
import { ProjectionRunner } from './projection-runner';
import type { RebuildProgress } from './projection-runner';

interface SeenRow {
  position: bigint;
  times: bigint;
  version: bigint;
}

/** What another process would see: a fresh connection to the read-model file. */
function peek(file: string, table = 'log_seen') {
  const db = new Database(file, { readonly: true });
  try {
    const rows = db.prepare(`SELECT position, times, version FROM ${table} ORDER BY position`).safeIntegers(true).all() as SeenRow[];
    const cp = db.prepare(`SELECT position, version, events_seen FROM ${CHECKPOINT_TABLE} WHERE name = 'log'`).safeIntegers(true).get() as
      | { position: bigint; version: bigint; events_seen: bigint }
      | undefined;
    return { rows, checkpoint: cp?.position ?? null, version: cp ? Number(cp.version) : null, eventsSeen: cp ? Number(cp.events_seen) : 0 };
  } finally {
    db.close();
  }
}

/** Exactly once and no gap: positions 1..n, each applied once. */
function expectExactlyOnce(rows: SeenRow[], n: number): void {
  expect(rows.length).toBe(n);
  expect(rows.filter((r) => r.times !== 1n)).toEqual([]);
  expect(rows.every((r, i) => r.position === BigInt(i + 1))).toBe(true);
}

async function until(check: () => boolean, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('ProjectionRunner', () => {
  let h: Harness;
  let log: LogProjection;
  const withLog = (extra: () => Projection[] = () => []) => () => {
    log = new LogProjection();
    return [log, ...extra()];
  };

  afterEach(async () => {
    await h?.close();
  });

  describe('one transaction per batch', () => {
    it('a failure inside apply mid-batch leaves none of the batch visible and the checkpoint where it was; the retry applies it once', async () => {
      h = await Harness.open({ projections: withLog(), runner: { batchSize: 100, retryDelayMs: { initial: 30, max: 30 } } });
      await appendMany(h.store, 3, { perAppend: 3 });
      await h.settle();
      expect(peek(h.file).checkpoint).toBe(3n);

      log.failWhen = (e) => e.globalPosition === 6n; // the third event of the next batch
      const last = await appendMany(h.store, 5, { perAppend: 5 }); // positions 4..8, one append, one batch
      expect(last).toBe(8n);
      await until(() => h.runner.status()[0].state === 'failed');

      const seen = peek(h.file);
      expect(seen.checkpoint).toBe(3n); // did not move
      expect(seen.rows.map((r) => r.position)).toEqual([1n, 2n, 3n]); // 4 and 5 were written, then rolled back
      expect(h.runner.status()[0]).toMatchObject({ checkpoint: 3n, lastError: 'poison event at position 6' });
      expect((await h.runner.lag())[0]).toMatchObject({ eventsBehind: 5, exact: true });

      log.failWhen = null; // the bug is fixed; the scheduled retry resumes from the checkpoint
      await h.runner.waitFor(8n, 5000);
      expectExactlyOnce(peek(h.file).rows, 8);
      expect(h.runner.status()[0]).toMatchObject({ state: 'running', lastError: null, failures: 0 });
    });

    it('batches commit separately: a failure only rolls back its own batch', async () => {
      h = await Harness.open({ projections: withLog(), runner: { batchSize: 2, retryDelayMs: { initial: 10_000, max: 10_000 } } });
      log.failWhen = (e) => e.globalPosition === 6n;
      await appendMany(h.store, 8, { perAppend: 8 });
      await until(() => h.runner.status()[0].state === 'failed');
      const seen = peek(h.file);
      expect(seen.checkpoint).toBe(4n); // [1,2] [3,4] committed, [5,6] rolled back
      expectExactlyOnce(seen.rows, 4);
    });

    it('refuses an asynchronous apply (it could not be part of the transaction)', async () => {
      const asyncProjection: Projection = {
        name: 'async',
        version: 1,
        schema: 'CREATE TABLE IF NOT EXISTS async_rows (x INTEGER);',
        handles: () => true,
        apply: (async () => undefined) as unknown as Projection['apply'],
      };
      h = await Harness.open({ projections: () => [asyncProjection], runner: { retryDelayMs: { initial: 10_000, max: 10_000 } } });
      await appendMany(h.store, 1);
      await until(() => h.runner.status()[0].state === 'failed');
      expect(h.runner.status()[0].lastError).toMatch(/must be synchronous/);
      expect(h.runner.status()[0].checkpoint).toBe(0n);
    });
  });

  describe('restart', () => {
    it('resumes from the committed checkpoint: no duplicate, no gap', async () => {
      h = await Harness.open({ projections: withLog(), runner: { batchSize: 37 } });
      await appendMany(h.store, 2000, { perAppend: 50 });
      await until(() => h.runner.status()[0].checkpoint > 300n);
      await h.runner.stop(); // in the middle of the catch-up
      const stopped = peek(h.file);
      expect(stopped.checkpoint).toBeLessThan(2000n);
      // what is committed is consistent: rows exactly up to the checkpoint
      expectExactlyOnce(stopped.rows, Number(stopped.checkpoint));

      await appendMany(h.store, 300, { perAppend: 7 }); // written while the read side is down
      await h.restart({ projections: withLog() });
      await h.settle();
      expectExactlyOnce(peek(h.file).rows, 2300);
      expect(peek(h.file).eventsSeen).toBe(2300);
    });

    it('stop() commits the batch it is gathering before it returns', async () => {
      h = await Harness.open({ projections: withLog(), runner: { flushDelayMs: 60_000 } });
      await appendMany(h.store, 3);
      await new Promise((r) => setTimeout(r, 100)); // delivered, gathered, not flushed (the delay is a minute)
      expect(peek(h.file).checkpoint).toBe(0n);
      await h.runner.stop();
      expectExactlyOnce(peek(h.file).rows, 3);
      expect(peek(h.file).checkpoint).toBe(3n);
    });

    it('rebuilds when the log no longer holds its checkpoint event (store wiped, or restored from an older backup)', async () => {
      h = await Harness.open({ projections: withLog() });
      await appendMany(h.store, 20);
      await h.settle();
      await h.runner.stop();

      // the event store is replaced by a shorter, different log
      await h.store.close();
      for (const f of ['duban.db', 'duban.db-wal', 'duban.db-shm']) rmSync(join(h.dir, f), { force: true });
      h.store = new SqliteEventStore({ file: join(h.dir, 'duban.db'), pollIntervalMs: 20 });
      await appendMany(h.store, 5);

      await h.restart({ projections: withLog() });
      await h.settle();
      expectExactlyOnce(peek(h.file).rows, 5);
      expect((await h.runner.lag())[0]).toMatchObject({ head: 5n, eventsBehind: 0 });

      // an intact log is left alone: a restart resumes
      await appendMany(h.store, 2);
      await h.restart({ projections: withLog() });
      await h.settle();
      expectExactlyOnce(peek(h.file).rows, 7);
    });

    it('two runners on the same read-model file never apply an event twice', async () => {
      h = await Harness.open({ projections: withLog(), runner: { batchSize: 13 } });
      const db2 = new Database(h.file);
      db2.pragma('busy_timeout = 10000');
      const second = new ProjectionRunner({ store: h.store, db: db2, projections: [new LogProjection()], batchSize: 17 });
      await second.start();
      try {
        for (let i = 0; i < 10; i++) await appendMany(h.store, 100, { perAppend: 9 });
        await h.settle(10_000);
        await second.waitFor(1000n, 10_000);
        expectExactlyOnce(peek(h.file).rows, 1000);
      } finally {
        await second.stop();
        db2.close();
      }
    });
  });

  describe('versions', () => {
    it('a projection whose version changed is dropped and rebuilt from zero on start, old tables included', async () => {
      h = await Harness.open({ projections: withLog() });
      await appendMany(h.store, 120);
      await h.settle();
      expectExactlyOnce(peek(h.file).rows, 120);

      // v2 keeps its rows in another table
      await h.restart({ projections: () => [new LogProjection('log', 2, 'log_seen_v2')] });
      await h.settle();
      const v2 = peek(h.file, 'log_seen_v2');
      expectExactlyOnce(v2.rows, 120);
      expect(v2.rows.every((r) => r.version === 2n)).toBe(true);
      expect(v2.version).toBe(2);
      const tables = h.db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all();
      expect(tables).not.toContain('log_seen'); // v1's table went with v1

      // same version again: no rebuild, it resumes
      await appendMany(h.store, 5);
      await h.restart({ projections: () => [new LogProjection('log', 2, 'log_seen_v2')] });
      await h.settle();
      expectExactlyOnce(peek(h.file, 'log_seen_v2').rows, 125);
    });

    it('a projection whose tables were dropped by hand is rebuilt', async () => {
      h = await Harness.open({ projections: withLog() });
      await appendMany(h.store, 10);
      await h.settle();
      await h.runner.stop();
      h.db.exec('DROP TABLE log_seen');
      await h.restart({ projections: withLog() });
      await h.settle();
      expectExactlyOnce(peek(h.file).rows, 10);
    });

    it('refuses bad definitions before touching the database', () => {
      const make = (projections: Projection[]) => () =>
        new ProjectionRunner({ store: null as never, db: new Database(':memory:'), projections });
      expect(make([new LogProjection('log'), new LogProjection('log', 1, 'other')])).toThrow(InvalidProjectionError);
      expect(make([new LogProjection('a', 1, 't'), new LogProjection('b', 1, 't')])).toThrow(/both create table t/);
      expect(make([new LogProjection('Bad Name')])).toThrow(InvalidProjectionError);
      expect(make([new LogProjection('log', 0)])).toThrow(/version/);
      expect(make([new LogProjection('log', 1, CHECKPOINT_TABLE)])).toThrow(/runner's/);
    });
  });

  describe('waitFor', () => {
    it('resolves once every projection has reached the position', async () => {
      h = await Harness.open({ projections: withLog(() => [new LogProjection('other')]) });
      const result = await h.store.appendToStream('s-1', [fillerEvent()], { expectedVersion: 'no_stream' });
      await h.runner.waitFor(result.position, 2000);
      expect(h.runner.status().map((s) => s.checkpoint)).toEqual([result.position, result.position]);
      await expect(h.runner.waitFor(0n, 0)).resolves.toBeUndefined(); // already there
    });

    it('times out with a typed error naming the lagging projection', async () => {
      h = await Harness.open({ projections: withLog(() => [new LogProjection('other')]) });
      log.failWhen = (e) => e.type === 'x.poison.v1';
      await appendMany(h.store, 2);
      await h.settle();
      const { position } = await h.store.appendToStream('s-p', [fillerEvent('x.poison.v1')], { expectedVersion: 'no_stream' });

      const error = await h.runner.waitFor(position, 300).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ProjectionWaitTimeoutError);
      const timeout = error as ProjectionWaitTimeoutError;
      expect(timeout.position).toBe(position);
      expect(timeout.lagging).toEqual([
        { name: 'log', checkpoint: 2n, state: 'failed', lastError: `poison event at position ${position}` },
      ]);
      expect(timeout.message).toMatch(/log is at 2 \(failed, last error: poison event/);
      // the healthy one can still be waited for on its own
      await expect(h.runner.waitFor(position, 2000, ['other'])).resolves.toBeUndefined();
      expect(() => h.runner.waitFor(position, 10, ['nope'])).toThrow(UnknownProjectionError);
    });

    it('rejects pending waits when the runner stops', async () => {
      h = await Harness.open({ projections: withLog(), start: false });
      const wait = h.runner.waitFor(99n, 10_000);
      await h.runner.stop();
      await expect(wait).rejects.toBeInstanceOf(ProjectionRunnerStoppedError);
    });
  });

  describe('lag', () => {
    it('counts events and seconds behind the head of the log', async () => {
      h = await Harness.open({ projections: withLog(), start: false, manualClock: true });
      expect((await h.runner.lag())[0]).toMatchObject({ eventsBehind: 0, secondsBehind: 0, head: 0n, exact: true });

      h.clock.set('2021-05-06T01:00:00Z');
      await appendMany(h.store, 5, { perAppend: 5 });
      h.clock.advance(90_000);
      await appendMany(h.store, 3, { perAppend: 3 });
      expect((await h.runner.lag())[0]).toMatchObject({
        checkpoint: 0n,
        head: 8n,
        headRecordedAt: '2021-05-06T01:01:30.000Z',
        eventsBehind: 8,
        secondsBehind: 90, // nothing applied: as of the first event
        exact: true,
      });

      await h.runner.start();
      await h.settle();
      expect((await h.runner.lag())[0]).toMatchObject({ checkpoint: 8n, eventsBehind: 0, secondsBehind: 0 });

      await h.runner.stop();
      h.clock.advance(30_000);
      await appendMany(h.store, 2, { perAppend: 1, type: 'ignored.by_log.v1' }); // not handled: still counted
      const lag = (await h.runner.lag())[0];
      expect(lag).toMatchObject({ checkpoint: 8n, checkpointRecordedAt: '2021-05-06T01:01:30.000Z', head: 10n, eventsBehind: 2, secondsBehind: 30 });
    });

    it('answers with lower bounds when the head scan hits its budget', async () => {
      h = await Harness.open({ projections: withLog(), start: false, runner: { headScanBudget: 4 } });
      await appendMany(h.store, 10);
      expect((await h.runner.lag())[0]).toMatchObject({ eventsBehind: 4, head: 4n, exact: false });
      expect((await h.runner.lag())[0]).toMatchObject({ eventsBehind: 8, head: 8n, exact: false }); // the scan goes on from there
      expect((await h.runner.lag())[0]).toMatchObject({ eventsBehind: 10, head: 10n, exact: true });
    });
  });

  describe('rebuild', () => {
    it('rebuilds a running projection from zero with progress, exactly once', async () => {
      h = await Harness.open({ projections: withLog(() => [new LogProjection('other')]), runner: { batchSize: 500 } });
      await appendMany(h.store, 1200, { perAppend: 40 });
      await h.settle();
      h.db.exec('UPDATE log_seen SET times = 99'); // damage the read model

      const progress: RebuildProgress[] = [];
      const [result] = await h.runner.rebuild('log', (p) => progress.push(p));
      expect(result).toMatchObject({ projection: 'log', events: 1200, position: 1200n });
      expectExactlyOnce(peek(h.file).rows, 1200);
      expect(progress.length).toBeGreaterThanOrEqual(3);
      expect(progress.every((p) => p.projection === 'log' && p.total === 1200)).toBe(true);
      expect(progress.map((p) => p.done)).toEqual([...progress.map((p) => p.done)].sort((a, b) => a - b));
      expect(progress[progress.length - 1].done).toBe(1200);
      expect(progress.every((p) => p.rate >= 0)).toBe(true);

      // still live afterwards
      const last = await appendMany(h.store, 3);
      await h.runner.waitFor(last, 2000);
      expect(peek(h.file).rows.length).toBe(1203);
    });

    it('rebuilds offline (runner not started) and leaves it stopped', async () => {
      h = await Harness.open({ projections: withLog(), start: false });
      await appendMany(h.store, 50);
      const results = await h.runner.rebuild();
      expect(results.map((r) => [r.projection, r.events])).toEqual([['log', 50]]);
      expectExactlyOnce(peek(h.file).rows, 50);
      expect(h.runner.status()[0].state).toBe('stopped');
      expect(() => h.runner.rebuild('nope')).toThrow(UnknownProjectionError);
    });

    it('raises the page cache and the checkpoint interval during a rebuild, and puts them back after', async () => {
      h = await Harness.open({ projections: withLog(), start: false });
      await appendMany(h.store, 50);
      const pragmas = () => ['cache_size', 'wal_autocheckpoint', 'temp_store'].map((p) => Number(h.db.pragma(p, { simple: true })));
      const before = pragmas();
      let during: number[] = [];
      await h.runner.rebuild(undefined, () => (during = pragmas()));
      expect(during).toEqual([-65536, 10000, 2]);
      expect(pragmas()).toEqual(before);
    });

    it('rejects when a batch fails during the rebuild', async () => {
      h = await Harness.open({ projections: withLog(), start: false, runner: { retryDelayMs: { initial: 10_000, max: 10_000 } } });
      await appendMany(h.store, 20);
      log.failWhen = (e) => e.globalPosition === 15n;
      await expect(h.runner.rebuild('log')).rejects.toThrow('poison event at position 15');
      expect(h.runner.status()[0].state).not.toBe('running');
    });
  });

  describe('start on a log that already holds events', () => {
    /** The log projection with a bulk writer that says which path fed it. */
    class PathProjection extends LogProjection {
      readonly modes: string[] = [];
      openBulk(mode: 'live' | 'rebuild') {
        this.modes.push(mode);
        return { applyBatch: (events: readonly import('@duban/eventstore').RecordedEvent[], tx: import('./projection').ProjectionTx) => events.forEach((e) => this.apply(e, tx)) };
      }
    }

    it('a projection at zero catches up in one rebuild pass, then follows the log live', async () => {
      let path!: PathProjection;
      h = await Harness.open({ projections: () => [(path = new PathProjection())], start: false, runner: { batchSize: 100, rebuildBatchSize: 400 } });
      await appendMany(h.store, 1000, { perAppend: 50 });
      await h.runner.start();
      await h.settle();
      expectExactlyOnce(peek(h.file).rows, 1000);
      expect(path.modes).toEqual(['rebuild']); // one writer for the whole pass, no live batch
      const last = await appendMany(h.store, 5);
      await h.runner.waitFor(last, 2000);
      expectExactlyOnce(peek(h.file).rows, 1005);
      expect(path.modes.slice(1).every((m) => m === 'live')).toBe(true);
    });

    it("catchUpFromZero: 'live' catches up in live batches", async () => {
      let path!: PathProjection;
      h = await Harness.open({ projections: () => [(path = new PathProjection())], start: false, runner: { batchSize: 100, catchUpFromZero: 'live' } });
      await appendMany(h.store, 1000, { perAppend: 50 });
      await h.runner.start();
      await h.settle();
      expectExactlyOnce(peek(h.file).rows, 1000);
      expect(path.modes.length).toBeGreaterThanOrEqual(10);
      expect(path.modes.every((m) => m === 'live')).toBe(true);
    });

    it('a stop during the pass ends it after the page in hand; the next start goes on from there, exactly once', async () => {
      h = await Harness.open({ projections: withLog(), start: false, runner: { batchSize: 50, rebuildBatchSize: 50 } });
      await appendMany(h.store, 3000, { perAppend: 100 });
      await h.runner.start();
      await until(() => h.runner.status()[0].checkpoint > 0n);
      await h.runner.stop(); // returns once the pass has ended
      const stopped = peek(h.file);
      expect(stopped.checkpoint).toBeGreaterThan(0n);
      expect(stopped.checkpoint).toBeLessThan(3000n);
      expectExactlyOnce(stopped.rows, Number(stopped.checkpoint));
      await h.restart({ start: true });
      await h.settle(10_000);
      expectExactlyOnce(peek(h.file).rows, 3000);
    });
  });
});
