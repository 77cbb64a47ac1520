import Database from 'better-sqlite3';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Response } from 'supertest';
import { VERIFIED_HEAD_FILE } from '../../apps/api/src/health/integrity.monitor';
import { RestartableApp } from './support/restartable-app';
import { smallParksTaskBody } from './support/test-app';

/**
 * An event changed behind the store's back: the api must not call itself ready, must refuse writes and
 * must mark what it still serves. Before, it started, /ready said ok and served the altered value.
 */
describe('a broken hash chain is not served as if intact', () => {
  let api: RestartableApp;
  afterEach(() => api.close());

  const task = () => smallParksTaskBody({ responsibleUnits: ['郑东新区'], deadline: '2030-12-31T00:00:00+08:00' });
  /** /ready once the chain has been walked (it is 503 'verifying' until then). */
  const readyAfterVerification = async (): Promise<Response> => {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const r = await api.as(null).get('/ready');
      if (r.body.details?.integrity?.chain !== 'verifying' || Date.now() > deadline) return r;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  const tamperTitle = () => {
    const db = new Database(join(api.dataDir, 'duban.db'));
    const changed = db.prepare(`UPDATE events SET data = replace(data, '20个以上', '2个以上') WHERE position = 1`).run().changes;
    db.close();
    expect(changed).toBe(1);
  };
  const expectBroken = async (taskId: string) => {
    const ready = await readyAfterVerification();
    expect(ready.status).toBe(503);
    expect(ready.body.details.integrity).toMatchObject({
      status: 'down',
      chain: 'broken',
      brokenEvent: { kind: 'altered', stream: expect.stringContaining('task-'), streamVersion: '0', globalPosition: '1' },
    });

    const write = await api.as('supervisor').post('/api/v1/tasks').send({ ...task(), itemPath: '三/2' });
    expect(write.status).toBe(503);
    expect(write.body).toMatchObject({ statusCode: 503, brokenEvent: { globalPosition: '1', streamVersion: '0' } });
    expect(write.body.message).toMatch(/^the event log failed verification at stream task-.*, version 0 \(global position 1\)/);

    const read = await api.as('supervisor').get(`/api/v1/tasks/${encodeURIComponent(taskId)}`);
    expect(read.status).toBe(200);
    expect(read.headers['x-duban-integrity']).toBe('broken');
    const health = await api.as(null).get('/health');
    expect(health.status).toBe(200);
    expect(health.body.info.integrity).toMatchObject({ chain: 'broken', brokenEvent: { globalPosition: '1' } });
  };

  it('found by the walk at start: /ready 503 naming the event, writes 503, reads marked', async () => {
    api = await new RestartableApp().start();
    const created = await api.as('supervisor').post('/api/v1/tasks').send(task()).expect(201);
    await api.app.close();
    tamperTitle();
    await api.start();
    await expectBroken(created.body.item.taskId);
  });

  it('found behind a kept verified head too (the complete walk after the incremental one)', async () => {
    api = await new RestartableApp({ DUBAN_VERIFY_INTERVAL_SECONDS: '1' }).start();
    const created = await api.as('supervisor').post('/api/v1/tasks').send(task()).expect(201);
    const file = join(api.dataDir, VERIFIED_HEAD_FILE);
    const deadline = Date.now() + 10_000;
    while (!(existsSync(file) && JSON.parse(readFileSync(file, 'utf8')).position !== undefined) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ store: 'sqlite', position: expect.stringMatching(/^\d+$/) });
    await api.app.close();
    tamperTitle();
    await api.start();
    await expectBroken(created.body.item.taskId);
  });

  it('a kept head the log no longer reaches is a break, not a licence to skip', async () => {
    api = await new RestartableApp().start();
    await api.as('supervisor').post('/api/v1/tasks').send(task()).expect(201);
    await api.app.close();
    writeFileSync(join(api.dataDir, VERIFIED_HEAD_FILE), JSON.stringify({ store: 'sqlite', position: '99', hash: 'a'.repeat(64) }));
    await api.start();
    const ready = await readyAfterVerification();
    expect(ready.status).toBe(503);
    expect(ready.body.details.integrity.brokenEvent).toMatchObject({ kind: 'removed', globalPosition: '99' });
  });

  it('an intact log: /ready 200 once verified, no integrity header', async () => {
    api = await new RestartableApp().start();
    await api.as('supervisor').post('/api/v1/tasks').send(task()).expect(201);
    await api.restart();
    const ready = await readyAfterVerification();
    expect(ready.status).toBe(200);
    expect(ready.body.info.integrity).toMatchObject({ chain: 'ok', verifiedUpTo: expect.stringMatching(/^[0-9a-f]{64}@\d+$/) });
    const read = await api.as('supervisor').get('/api/v1/items');
    expect(read.headers['x-duban-integrity']).toBeUndefined();
  });
});
