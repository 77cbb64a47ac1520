/**
 * The periods endpoints over the real api: close a month that has ended, read
 * it back (a unit sees its own entries only), close again unchanged (nothing
 * written), what-if under duban-score-v1 (nothing written), and the refusals:
 * an unknown or malformed id (400 naming it), a period not yet ended (422
 * naming its end), a close by a unit or an auditor (403).
 */
import { startTestApp, smallParksTaskBody } from './support/test-app';
import type { TestApp } from './support/test-app';

const ZHONGMU = '中牟县';
const GONGYI = '巩义市';

let t: TestApp;
const supervisor = () => t.as('supervisor');

beforeAll(async () => {
  t = await startTestApp();
  const reg = await supervisor()
    .post('/api/v1/tasks')
    .send({ ...smallParksTaskBody({ responsibleUnits: [ZHONGMU, GONGYI], deadline: '2021-05-20T18:00:00+08:00' }), effectiveAt: '2021-05-01T09:00:00+08:00' })
    .expect(201);
  const taskId = reg.body.item.taskId as string;
  for (const unit of [ZHONGMU, GONGYI]) {
    await supervisor().post(`/api/v1/tasks/${taskId}/shares/${encodeURIComponent(unit)}/assign`).send({ effectiveAt: '2021-05-06T09:00:00+08:00' }).expect(200);
  }
}, 30_000);

afterAll(() => t.close());

const streamLength = async () => (await supervisor().get('/api/v1/periods/2021-05').expect(200)).body.revisions.length as number;

describe('periods api', () => {
  it('a supervisor closes an ended month; GET gives the close with rule, position and head hash', async () => {
    const closed = await supervisor().post('/api/v1/periods/2021-05/close').expect(200);
    expect(closed.body).toMatchObject({ periodId: '2021-05', events: ['period.closed.v1'], revision: 1 });
    const view = await supervisor().get('/api/v1/periods/2021-05').expect(200);
    expect(view.body.status).toBe('closed');
    expect(view.body.close).toMatchObject({ revision: 1, rule: { name: 'duban-score-v2' }, listRule: { name: 'duban-lists-v1' } });
    expect(view.body.close.headHash).toMatch(/^[0-9a-f]{64}$/);
    expect(view.body.close.position).toMatch(/^\d+$/);
    const units = view.body.close.units.filter((u: { score: number | null }) => u.score !== null).map((u: { unitId: string }) => u.unitId);
    expect(units.sort()).toEqual([GONGYI, ZHONGMU].sort());
  });

  it('closing again with nothing changed writes nothing', async () => {
    const again = await supervisor().post('/api/v1/periods/2021-05/close').expect(200);
    expect(again.body.events).toEqual([]);
    expect(await streamLength()).toBe(1);
  });

  it('lists the months of a year with their state', async () => {
    const res = await t.as('auditor', '市审计局').get('/api/v1/periods?kind=month&year=2021').expect(200);
    const states = Object.fromEntries(res.body.periods.map((p: { period: { id: string }; status: string }) => [p.period.id, p.status]));
    expect(states['2021-05']).toBe('closed');
    expect(states['2021-04']).toBe('ended-unclosed');
    expect(res.body.periods).toHaveLength(12);
  });

  it('a unit sees only its own entries', async () => {
    const res = await t.as('unit', ZHONGMU).get('/api/v1/periods/2021-05').expect(200);
    expect(res.body.close.units.map((u: { unitId: string }) => u.unitId)).toEqual([ZHONGMU]);
    expect(res.body.close.black.every((b: { unitId: string }) => b.unitId === ZHONGMU)).toBe(true);
  });

  it('what-if under duban-score-v1 writes nothing', async () => {
    const res = await supervisor().get('/api/v1/periods/2021-05?rule=duban-score-v1').expect(200);
    expect(res.body).toMatchObject({ whatIf: true, rule: { name: 'duban-score-v1' } });
    expect(await streamLength()).toBe(1);
  });

  it('refuses bad ids (400 naming them), unended periods (422 naming the end), units and auditors (403)', async () => {
    const bad = await supervisor().post('/api/v1/periods/2021-13/close').expect(400);
    expect(bad.body.message).toContain('2021-13');
    await supervisor().get('/api/v1/periods/2021-W3').expect(400);
    const unended = await supervisor().post('/api/v1/periods/2099-01/close').expect(422);
    expect(unended.body).toMatchObject({ refusal: 'PeriodNotEnded', end: '2099-02-01T00:00:00+08:00' });
    await t.as('unit', ZHONGMU).post('/api/v1/periods/2021-04/close').expect(403);
    await t.as('auditor', '市审计局').post('/api/v1/periods/2021-04/close').expect(403);
    await supervisor().get('/api/v1/periods/2021-05?rule=duban-score-v9').expect(400);
    expect((await supervisor().get('/api/v1/periods/2021-04').expect(200)).body.status).toBe('ended-unclosed');
  });
});
