import { join } from 'node:path';
import { SqliteEventStore } from '@duban/eventstore';
import { RestartableApp } from './support/restartable-app';
import { smallParksTaskBody } from './support/test-app';

/**
 * An Idempotency-Key belongs to one request. Before, the same key with another body answered with the
 * first result and dropped the new body — and with another 文号 or item path (another stream) it wrote a
 * second task under the same key.
 */
describe('Idempotency-Key: one key, one request', () => {
  let api: RestartableApp;
  beforeEach(async () => {
    api = await new RestartableApp().start();
  });
  afterEach(() => api.close());

  const body = smallParksTaskBody({ responsibleUnits: ['郑东新区'], deadline: '2030-12-31T00:00:00+08:00' });
  const post = (url: string, key: string, payload: unknown, user = 'supervisor-user') =>
    api.as('supervisor', undefined, user).post(url).set('Idempotency-Key', key).send(payload as object);
  const head = async () => {
    const store = new SqliteEventStore({ file: join(api.dataDir, 'duban.db') });
    try {
      return await store.headPosition();
    } finally {
      await store.close();
    }
  };
  const expectReused = (res: { status: number; body: Record<string, unknown> }, key: string, firstUsedFor: string) => {
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ statusCode: 422, error: 'Unprocessable Entity', refusal: 'IdempotencyKeyReused', idempotencyKey: key, firstUsedFor });
    expect(res.body.message).toContain(`Idempotency-Key "${key}" was first used for another request (${firstUsedFor}`);
  };

  it('the same key and the same body (re-serialised) answer as the first time, with one effect', async () => {
    const first = await post('/api/v1/tasks', 'k-1', body).expect(201);
    const reordered = Object.fromEntries(Object.entries(body).reverse());
    const again = await post('/api/v1/tasks', 'k-1', JSON.stringify(reordered, null, 2)).set('Content-Type', 'application/json');
    expect(again.status).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body).toMatchObject({ position: first.body.position, version: first.body.version, replayed: true });
    expect(await head()).toBe(BigInt(first.body.position));
  });

  it('the same key with another body: 422 and nothing written, even when it would create another stream', async () => {
    await post('/api/v1/tasks', 'k-2', body).expect(201);
    const before = await head();
    expectReused(await post('/api/v1/tasks', 'k-2', { ...body, title: '全年新开工30个以上小微企业园' }), 'k-2', 'POST /api/v1/tasks');
    // another item path is another task, another stream: still the same key for another request
    expectReused(await post('/api/v1/tasks', 'k-2', { ...body, itemPath: '三/2' }), 'k-2', 'POST /api/v1/tasks');
    expect(await head()).toBe(before);
    const items = await api.as('supervisor').get(`/api/v1/items?minPosition=${before}`).expect(200);
    expect(JSON.stringify(items.body)).not.toContain('三/2');
  });

  it('the same key on another path: 422, and the first command is not replayed in its place', async () => {
    const created = await post('/api/v1/tasks', 'k-3', body).expect(201);
    const before = await head();
    const amend = await post(`/api/v1/tasks/${encodeURIComponent(created.body.item.taskId)}/amend`, 'k-3', { reason: '文件修订', title: '改' });
    expectReused(amend, 'k-3', 'POST /api/v1/tasks');
    expect(amend.body.message).not.toContain('with another body');
    expect(await head()).toBe(before);
  });

  it('holds across a restart on the same data dir', async () => {
    const first = await post('/api/v1/tasks', 'k-4', body).expect(201);
    await api.restart();
    const again = await post('/api/v1/tasks', 'k-4', body).expect(201);
    expect(again.body).toMatchObject({ position: first.body.position, replayed: true });
    expectReused(await post('/api/v1/tasks', 'k-4', { ...body, itemPath: '三/3' }), 'k-4', 'POST /api/v1/tasks');
    expect(await head()).toBe(BigInt(first.body.position));
  });

  it("keys are per user: another user's same key is another command", async () => {
    await post('/api/v1/tasks', 'k-5', body).expect(201);
    // another item: another path and another title (the same title under another path is 409 DuplicateItem)
    const other = await post('/api/v1/tasks', 'k-5', { ...body, itemPath: '三/2', title: '全年新开工30个以上小微企业园' }, 'another-supervisor');
    expect(other.status).toBe(201);
  });

  it('a body refused by validation does not bind the key', async () => {
    await post('/api/v1/tasks', 'k-6', { ...body, color: 'red' }).expect(400);
    await post('/api/v1/tasks', 'k-6', body).expect(201);
  });
});
