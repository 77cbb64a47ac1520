/**
 * Time drives the loop, through the real api process: the embedded scheduler
 * and the ladder processor run inside it (npm start's default), so a share
 * whose deadline passes gets its 催办 (urge) on its history by itself. /ready
 * names the scheduler when Redis cannot be reached; bull-board at
 * /admin/queues is for admins only.
 */
import { enc, OFFICE, smallParksTaskBody, startTestApp, TestApp } from './support/test-app';

const eventually = async (check: () => Promise<void>, timeoutMs = 15_000) => {
  const until = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (err) {
      if (Date.now() > until) throw err;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
};

describe('the lateness ladder in the api process', () => {
  let t: TestApp | null = null;
  afterEach(async () => {
    await t?.close();
    t = null;
  });

  it('writes the 催办 on the task share by itself once the deadline passes', async () => {
    t = await startTestApp();
    const supervisor = t.as('supervisor', OFFICE, '张督查');
    const deadline = new Date(Date.now() + 3000).toISOString();
    const reg = await supervisor.post('/api/v1/tasks').send(smallParksTaskBody({ responsibleUnits: ['中牟县'], deadline })).expect(201);
    const id = reg.body.item.taskId;
    await supervisor.post(`/api/v1/tasks/${id}/shares/${enc('中牟县')}/assign`).send({ deadline }).expect(200);
    const history = async () => (await t!.as('unit', '中牟县', '中牟县-联络员').get(`/api/v1/tasks/${id}/history`).expect(200)).body as Array<{ type: string; actor: { role: string }; data: Record<string, unknown> }>;

    // the 临近提醒 fell due before the 交办 (3 working days before a deadline 3 s away): it is written at once
    await eventually(async () => expect((await history()).map((e) => e.type)).toContain('task.share.reminded.v1'));
    expect((await history()).map((e) => e.type)).not.toContain('task.share.urged.v1');

    await eventually(async () => expect((await history()).map((e) => e.type)).toContain('task.share.urged.v1'));
    const urged = (await history()).find((e) => e.type === 'task.share.urged.v1')!;
    expect(urged.actor.role).toBe('system');
    expect(urged.data).toMatchObject({ step: 'urge', workingDaysOverdue: 0 });
    expect(String(urged.data.notice)).toContain('催办');
    expect(Date.parse(String(urged.data.dueAt))).toBe(Date.parse(deadline));

    const ready = await t.as(null).get('/ready');
    expect(ready.body.info?.scheduler ?? ready.body.details?.scheduler).toMatchObject({ status: 'up', kind: 'in-process' });
  });

  it('/admin/queues: 401 without a token, 403 for a supervisor, 404 for the admin when the scheduler is in-process', async () => {
    t = await startTestApp();
    const none = await t.as(null).get('/admin/queues').expect(401);
    expect(none.body).toMatchObject({ statusCode: 401, error: 'Unauthorized' });
    const supervisor = await t.as('supervisor').get('/admin/queues').expect(403);
    expect(supervisor.body.message).toContain('admin');
    const admin = await t.as('admin').get('/admin/queues').expect(404);
    expect(admin.body.message).toContain('in-process scheduler');
  });

  it('/admin/queues shows the BullMQ board to the admin (REDIS_URL set, processors off as in the split deployment)', async () => {
    t = await startTestApp({ REDIS_URL: process.env.DUBAN_TEST_REDIS || 'redis://127.0.0.1:6379', DUBAN_PROCESSORS: 'off' });
    await t.as('unit', '中牟县').get('/admin/queues').expect(403);
    const page = await t.as('admin').get('/admin/queues').expect(200);
    expect(page.text).toContain('<html');
    const queues = await t.as('admin').get('/admin/queues/api/queues').expect(200);
    expect(JSON.stringify(queues.body)).toContain('timers');
    const ready = await t.as(null).get('/ready');
    expect(ready.body.details.processors).toMatchObject({ status: 'up', runIn: expect.stringContaining('DUBAN_PROCESSORS=off') });
    expect(ready.body.details.scheduler).toMatchObject({ status: 'up', kind: 'bullmq' });
  });

  it('/ready is 503 naming the scheduler when Redis cannot be reached, and the api keeps answering', async () => {
    t = await startTestApp({ REDIS_URL: 'redis://127.0.0.1:1' });
    const ready = await t.as(null).get('/ready').expect(503);
    expect(ready.body.details.scheduler).toMatchObject({ status: 'down', kind: 'bullmq' });
    expect(ready.body.details.scheduler.reason).toMatch(/Redis at redis:\/\/127\.0\.0\.1:1 .*unreachable.*REDIS_URL/);
    // writes go on: the due table keeps the ladder until Redis is back
    await t.as('supervisor').post('/api/v1/tasks').send(smallParksTaskBody({ responsibleUnits: ['中牟县'], deadline: '2026-12-31T23:59:59+08:00' })).expect(201);
    await t.as(null).get('/health').expect(200);
  });
});
