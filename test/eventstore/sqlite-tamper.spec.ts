import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NO_STREAM, SqliteEventStore } from '@duban/eventstore';
import { newEvent } from '@duban/eventstore/testing/event-store.contract';

/**
 * Tamper evidence of the SQLite store: rows are edited, deleted and swapped
 * behind the store's back with a plain SQLite connection, and verify() must
 * name the first bad event by stream and version.
 */
describe('SQLite store: verify() detects tampering behind its back', () => {
  let dir: string;
  let file: string;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'duban-tamper-'));
    file = join(dir, 'events.db');
    const store = new SqliteEventStore({ file });
    // positions 1..12: three streams of four events, interleaved
    for (let v = 0; v < 4; v++) {
      for (const s of ['task-a', 'task-b', 'issue-c']) {
        await store.appendToStream(s, [newEvent('test.happened.v1', { s, v, 标题: '全年新开工20个以上小微企业园' })], {
          expectedVersion: v === 0 ? NO_STREAM : BigInt(v - 1),
        });
      }
    }
    expect((await store.verify()).ok).toBe(true);
    await store.close();
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const tamper = (sql: string, ...params: unknown[]) => {
    const db = new Database(file);
    db.prepare(sql).run(...params);
    db.close();
  };
  const verify = async () => {
    const store = new SqliteEventStore({ file });
    try {
      return await store.verify();
    } finally {
      await store.close();
    }
  };

  it('reports an edited payload as altered, naming stream and version', async () => {
    tamper(`UPDATE events SET data = replace(data, '20个以上', '2个以上') WHERE stream = 'task-b' AND version = 2`);
    const r = await verify();
    expect(r.ok).toBe(false);
    expect(r.failure).toMatchObject({ kind: 'altered', stream: 'task-b', streamVersion: 2n, globalPosition: 8n });
    expect(r.eventsChecked).toBe(7);
  });

  it('reports edited metadata (who acted) as altered', async () => {
    tamper(`UPDATE events SET metadata = replace(metadata, '"tester"', '"someone-else"') WHERE position = 4`);
    expect((await verify()).failure).toMatchObject({ kind: 'altered', stream: 'task-a', streamVersion: 1n });
  });

  it('reports an edited event type as altered', async () => {
    tamper(`UPDATE events SET type = 'test.other.v1' WHERE position = 12`);
    expect((await verify()).failure).toMatchObject({ kind: 'altered', stream: 'issue-c', streamVersion: 3n });
  });

  it('reports a deleted event in the middle as removed', async () => {
    tamper(`DELETE FROM events WHERE position = 5`); // task-b version 1
    const r = await verify();
    expect(r.failure).toMatchObject({ kind: 'removed', globalPosition: 6n });
    expect(r.failure!.detail).toContain('positions 5..5 are missing');
  });

  it('reports a deleted event whose gap in positions was closed up', async () => {
    // the attacker renumbers the rows after the deleted one: the next row is intact but no longer linked
    const db = new Database(file);
    db.exec(`DELETE FROM events WHERE position = 5;
             UPDATE events SET position = position - 1 WHERE position > 5;`);
    db.close();
    const r = await verify();
    expect(r.failure).toMatchObject({ kind: 'reordered', stream: 'issue-c', streamVersion: 1n, globalPosition: 5n });
    expect(r.failure!.detail).toContain('removed');
  });

  it('reports the last events removed as removed', async () => {
    tamper(`DELETE FROM events WHERE position > 10`);
    const r = await verify();
    expect(r.failure).toMatchObject({ kind: 'removed', globalPosition: 11n });
    expect(r.failure!.detail).toContain('once reached position 12');
  });

  it('reports two events of different streams swapped in global order as reordered', async () => {
    const db = new Database(file);
    db.exec(`UPDATE events SET position = -1 WHERE position = 4;
             UPDATE events SET position = 4 WHERE position = 5;
             UPDATE events SET position = 5 WHERE position = -1;`);
    db.close();
    expect((await verify()).failure).toMatchObject({ kind: 'reordered', globalPosition: 4n });
  });

  it('reports two events of one stream swapped as reordered', async () => {
    const db = new Database(file);
    db.exec(`UPDATE events SET version = -1 WHERE stream = 'task-a' AND version = 1;
             UPDATE events SET version = 1 WHERE stream = 'task-a' AND version = 2;
             UPDATE events SET version = 2 WHERE stream = 'task-a' AND version = -1;`);
    db.close();
    const r = await verify();
    expect(r.ok).toBe(false);
    expect(r.failure).toMatchObject({ stream: 'task-a' });
    expect(['reordered', 'altered', 'removed']).toContain(r.failure!.kind);
  });

  it('reports a forged event inserted into the log', async () => {
    const db = new Database(file);
    const row = db.prepare('SELECT * FROM events WHERE position = 3').get() as Record<string, unknown>;
    db.prepare(
      `INSERT INTO events (position, id, stream, version, type, data, metadata, hash, global_hash)
       VALUES (13, '00000000-0000-4000-8000-000000000000', 'issue-c', 4, 'test.happened.v1', ?, ?, ?, ?)`,
    ).run(row.data, row.metadata, row.hash, row.global_hash);
    db.close();
    expect((await verify()).failure).toMatchObject({ kind: 'altered', stream: 'issue-c', streamVersion: 4n, globalPosition: 13n });
  });

  it('keeps verifying after further appends to an untouched store, and reports the head', async () => {
    const store = new SqliteEventStore({ file });
    await store.appendToStream('task-a', [newEvent()], { expectedVersion: 3n });
    const r = await store.verify();
    await store.close();
    expect(r).toMatchObject({ ok: true, eventsChecked: 13, streamsChecked: 3 });
    expect(r.head!.position).toBe(13n);
    expect(r.head!.hash).toMatch(/^[0-9a-f]{64}$/);
  });
});
