import type { EventStore } from '@duban/eventstore';
import { EVENT_STORE } from '@duban/eventstore/nest/event-store.module';
import { enc, OFFICE, smallParksTaskBody, startTestApp, TestApp } from './support/test-app';

/**
 * Inputs a fuzzing pass over every endpoint found answered with a 500, or
 * silently ignored: each now gets a clear 4xx JSON error and writes nothing.
 */
describe('fuzzed input over HTTP', () => {
  let t: TestApp;
  let store: EventStore;
  let issueId: string;
  let taskId: string;
  const sup = () => t.as('supervisor', OFFICE);

  beforeAll(async () => {
    t = await startTestApp();
    store = t.app.get<EventStore>(EVENT_STORE);
    const reported = await t
      .as('unit', '中牟县')
      .post('/api/v1/issues')
      .send({ title: '园区施工许可证办理滞后', description: '建规证、施工许可证办理等问题', category: '施工许可', urgency: 'urgent' })
      .expect(201);
    issueId = reported.body.item.issueId;
    const task = await sup()
      .post('/api/v1/tasks')
      .send(smallParksTaskBody({ responsibleUnits: ['中牟县'], deadline: '2026-12-31T23:59:59+08:00' }))
      .expect(201);
    taskId = task.body.item.taskId;
  });
  afterAll(() => t.close());

  /** Runs `send` and checks that the log did not move. */
  const writesNothing = async (send: () => Promise<unknown>) => {
    const before = await store.headPosition();
    await send();
    expect(await store.headPosition()).toBe(before);
  };

  it('422 for instants that Date.parse accepts but no calendar has (02-30, 24:00, ten fractional digits)', async () => {
    for (const at of ['2026-02-30T10:00:00+08:00', '2026-11-20T24:00:00+08:00', '2026-04-31T10:00:00+08:00', '2026-11-20T10:00:00.1234567890+08:00']) {
      await writesNothing(async () => {
        const r = await sup().post(`/api/v1/issues/${issueId}/assign`).send({ unitId: '中牟县', effectiveAt: at }).expect(422);
        expect(r.body.message).toContain(at);
        await sup().post(`/api/v1/issues/${issueId}/assign`).send({ unitId: '中牟县', deadline: at }).expect(422);
      });
    }
  });

  it('400 for a target without its source document, or with an array for it', async () => {
    const target = { unitId: '中牟县', year: 2026, metric: '集聚入园企业', value: 10, unitOfMeasure: '家' };
    await writesNothing(async () => {
      const missing = await sup().post('/api/v1/targets').send(target).expect(400);
      expect(JSON.stringify(missing.body.message)).toContain('sourceDocument');
      await sup().post('/api/v1/targets').send({ ...target, sourceDocument: [] }).expect(400);
    });
  });

  it('400 for an offset no SQLite integer holds, and a position above 2^63 − 1', async () => {
    for (const path of ['/api/v1/items?offset=1e20', '/api/v1/inbox?offset=9999999999999999999', '/api/v1/ledger?offset=1e20']) {
      const r = await sup().get(path).expect(400);
      expect(JSON.stringify(r.body.message)).toContain('offset');
    }
    const r = await sup().get('/api/v1/ledger?position=9999999999999999999').expect(400);
    expect(JSON.stringify(r.body.message)).toContain('9223372036854775807');
    await sup().get('/api/v1/items?minPosition=9223372036854775808').expect(400);
  });

  it('400 for a body nested deeper than 32 levels (it overflowed the validation pipe)', async () => {
    const deep = `{"title":${'['.repeat(1500)}${']'.repeat(1500)}}`;
    await writesNothing(async () => {
      const r = await sup().post('/api/v1/issues').set('Content-Type', 'application/json').send(deep).expect(400);
      expect(r.body.message).toContain('32 levels');
    });
  });

  it('415 for a body that is not JSON: it used to reach the handler empty and the command ran on defaults', async () => {
    const body = JSON.stringify({ deadline: '2026-12-20T23:59:59+08:00' });
    const assign = `/api/v1/tasks/${taskId}/shares/${enc('中牟县')}/assign`;
    await writesNothing(async () => {
      for (const type of ['text/plain', 'application/x-www-form-urlencoded']) {
        const r = await sup().post(assign).set('Content-Type', type).send(body).expect(415);
        expect(r.body).toMatchObject({ statusCode: 415, error: 'Unsupported Media Type' });
        expect(r.body.message).toContain(type);
      }
    });
    const assigned = await sup().post(assign).set('Content-Type', 'application/json; charset=utf-8').send(body).expect(200);
    expect(JSON.stringify(assigned.body)).toContain('2026-12-20T23:59:59+08:00'); // the deadline sent, not the task's
  });

  it('400 for an empty or over-long X-Correlation-Id and an If-Match a JSON number cannot hold exactly', async () => {
    const acknowledge = `/api/v1/tasks/${taskId}/shares/${enc('中牟县')}/acknowledge`;
    await writesNothing(async () => {
      for (const id of ['', 'c'.repeat(201)]) {
        const r = await t.as('unit', '中牟县').post(acknowledge).set('X-Correlation-Id', id).send({}).expect(400);
        expect(r.body.message).toContain('X-Correlation-Id');
      }
      const r = await t.as('unit', '中牟县').post(acknowledge).set('If-Match', '"999999999999999999"').send({}).expect(400);
      expect(r.body.message).toContain('If-Match');
    });
  });

  it('400 for an id holding a lone surrogate (stored as invalid UTF-8 it made `duban verify` report the log as altered)', async () => {
    await writesNothing(async () => {
      const body = { ...smallParksTaskBody({ responsibleUnits: ['中牟县'], deadline: '2026-12-31T23:59:59+08:00' }), taskId: '\ud83d', itemPath: '三/9' };
      const r = await sup().post('/api/v1/tasks').send(body).expect(400);
      expect(JSON.stringify(r.body.message)).toContain('taskId');
    });
    const report = await store.verify();
    expect(report.ok).toBe(true);
  });
});
