import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NO_STREAM, SqliteEventStore } from '@duban/eventstore';
import type { LogHead } from '@duban/eventstore';
import { newEvent } from '@duban/eventstore/testing/event-store.contract';

/** verify({ from }) resumes after a verified head, and the head itself is not a way around the walk. */
describe('SQLite store: incremental verify from a verified head', () => {
  let dir: string;
  let file: string;
  let store: SqliteEventStore;
  let checkpoint: LogHead;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'duban-incremental-'));
    file = join(dir, 'events.db');
    store = new SqliteEventStore({ file });
    await store.appendToStream('task-a', [newEvent(), newEvent()], { expectedVersion: NO_STREAM });
    await store.appendToStream('task-b', [newEvent()], { expectedVersion: NO_STREAM });
    checkpoint = (await store.verify()).head!;
    // after the checkpoint: task-a goes on from version 1, task-c is new
    await store.appendToStream('task-a', [newEvent('test.happened.v1', { 进展: '已开工' })], { expectedVersion: 1n });
    await store.appendToStream('task-c', [newEvent()], { expectedVersion: NO_STREAM });
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const tamper = (sql: string) => {
    const db = new Database(file);
    db.exec(sql);
    db.close();
  };

  it('walks only the events after the checkpoint and ends on the same head as a full walk', async () => {
    const full = await store.verify();
    const resumed = await store.verify({ from: checkpoint });
    expect(resumed).toMatchObject({ ok: true, eventsChecked: 2, head: full.head });
  });

  it('still checks a stream that continues across the checkpoint', async () => {
    tamper(`UPDATE events SET data = '{"进展":"已完成"}' WHERE position = 4`);
    expect((await store.verify({ from: checkpoint })).failure).toMatchObject({ kind: 'altered', stream: 'task-a', streamVersion: 2n, globalPosition: 4n });
  });

  it('fails when the log no longer reaches the checkpoint (a checkpoint ahead of the log)', async () => {
    const r = await store.verify({ from: { position: 9n, hash: checkpoint.hash } });
    expect(r.ok).toBe(false);
    expect(r.failure).toMatchObject({ kind: 'removed', globalPosition: 9n });
    expect(r.failure!.detail).toContain('verified up to position 9, but holds no event there now (it ends at 5)');
  });

  it('fails when the head hash at the checkpoint is not the one verified there', async () => {
    const r = await store.verify({ from: { position: checkpoint.position, hash: 'f'.repeat(64) } });
    expect(r.failure).toMatchObject({ kind: 'altered', stream: 'task-b', globalPosition: 3n });
  });

  it('reports the head hash at an anchor position', async () => {
    const r = await store.verify({ anchorAt: checkpoint.position });
    expect(r.anchor).toEqual(checkpoint);
  });
});
