import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { SqliteEventStore } from '@duban/eventstore';
import { newEvent } from '@duban/eventstore/testing/event-store.contract';
import { RestartableApp } from './support/restartable-app';
import { smallParksTaskBody } from './support/test-app';

/**
 * A restart on a data dir whose read models are gone (deleted, or a new disk for them) while the log is
 * still there: the projections catch up in one rebuild pass and are 'stopped' until it ends. /ready said
 * 200 meanwhile, and queries answered from empty tables.
 */
describe('/ready after a restart on the same data dir', () => {
  let api: RestartableApp;
  beforeEach(async () => {
    api = await new RestartableApp().start();
  });
  afterEach(() => api.close());

  it('is 503 while a projection is stopped (catching up), 200 once every one runs', async () => {
    const created = await api
      .as('supervisor')
      .post('/api/v1/tasks')
      .send(smallParksTaskBody({ responsibleUnits: ['郑东新区'], deadline: '2030-12-31T00:00:00+08:00' }));
    expect(created.status).toBe(201);
    await api.app.close();
    // enough events that the catch-up pass is still running when the first /ready arrives
    const store = new SqliteEventStore({ file: join(api.dataDir, 'duban.db'), synchronous: 'NORMAL' });
    for (let i = 0; i < 40; i++) {
      await store.appendToStream(`noise-${i}`, Array.from({ length: 500 }, () => newEvent('test.noise.v1', { i })), { expectedVersion: 'no_stream' });
    }
    await store.close();
    for (const f of ['read-models.db', 'read-models.db-wal', 'read-models.db-shm']) rmSync(join(api.dataDir, f), { force: true });

    await api.start();
    const during = await api.as(null).get('/ready');
    expect(during.status).toBe(503);
    const states = Object.values(during.body.details.projections).filter((v): v is { state: string } => typeof v === 'object');
    expect(states.some((s) => s.state === 'stopped')).toBe(true);

    const deadline = Date.now() + 30_000;
    let after = await api.as(null).get('/ready');
    while (after.status !== 200 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      after = await api.as(null).get('/ready');
    }
    expect(after.status).toBe(200);
    expect(after.body.details.projections.items.state).toBe('running');
  }, 60_000);
});
