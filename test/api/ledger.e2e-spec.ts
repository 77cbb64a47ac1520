import { enc, OFFICE, startTestApp, TestApp } from './support/test-app';

/** Lists and inboxes come from the read models; a query naming a position waits for them (read-your-writes). */
describe('items and inboxes over HTTP', () => {
  let t: TestApp;
  let taskId: string;
  let last: string;
  beforeAll(async () => {
    t = await startTestApp();
    const sup = t.as('supervisor', OFFICE);
    const reg = await sup
      .post('/api/v1/tasks')
      .send({
        docNumber: '郑政办〔2021〕34号',
        itemPath: '四/2',
        title: '完善园区配套',
        text: '完善园区配套设施。',
        leadUnits: ['市工信局'],
        responsibleUnits: ['荥阳市', '新密市'],
        cooperatingUnits: ['市人社局'],
        deadline: '2026-12-15T23:59:59+08:00',
      })
      .expect(201);
    taskId = reg.body.item.taskId;
    await sup.post(`/api/v1/tasks/${taskId}/shares/${enc('荥阳市')}/assign`).send({}).expect(200);
    const late = await sup
      .post('/api/v1/issues')
      .send({ title: '逾期问题', description: '补录的逾期问题', category: '其他', urgency: 'normal', reportingUnit: '荥阳市', effectiveAt: '2021-03-01T09:00:00+08:00' })
      .expect(201);
    const assigned = await sup
      .post(`/api/v1/issues/${late.body.item.issueId}/assign`)
      .send({ unitId: '荥阳市', deadline: '2021-03-31T23:59:59+08:00', effectiveAt: '2021-03-02T09:00:00+08:00' })
      .expect(200);
    last = assigned.body.position;
  });
  afterAll(() => t.close());

  it("lists a unit's items after waiting for its own last write, overdue first in its inbox", async () => {
    const list = await t.as('unit', '荥阳市').get(`/api/v1/items?minPosition=${last}`).expect(200);
    expect(list.body.total).toBe(2);
    const inbox = await t.as('unit', '荥阳市').get(`/api/v1/inbox?minPosition=${last}`).expect(200);
    expect(inbox.body.rows.map((e: { item: { kind: string }; overdue: boolean }) => [e.item.kind, e.overdue])).toEqual([
      ['issue', true],
      ['task', false],
    ]);
    const page = await t.as('unit', '荥阳市').get(`/api/v1/inbox?minPosition=${last}&limit=1`).expect(200);
    expect(page.body).toMatchObject({ total: 2, limit: 1, offset: 0 });
    expect(page.body.rows).toHaveLength(1);
    const next = await t.as('unit', '荥阳市').get(`/api/v1/inbox?minPosition=${last}&limit=1&offset=1`).expect(200);
    expect(next.body.rows.map((e: { item: { kind: string } }) => e.item.kind)).toEqual(['task']);
    await t.as('unit', '荥阳市').get('/api/v1/inbox?limit=0').expect(400);
    await t.as('unit', '荥阳市').get('/api/v1/inbox?limit=1001').expect(400);
    await t.as('unit', '荥阳市').get('/api/v1/inbox?offset=-1').expect(400);
    const overdue = await t.as('auditor', '市审计局').get(`/api/v1/items?overdue=true&minPosition=${last}`).expect(200);
    expect(overdue.body.rows.map((r: { unitId: string }) => r.unitId)).toEqual(['荥阳市']);
    // 新密市's share is registered but not assigned: nothing in its inbox yet; the supervisor must assign it
    expect((await t.as('unit', '新密市').get(`/api/v1/inbox?minPosition=${last}`).expect(200)).body.rows).toEqual([]);
    const sup = await t.as('supervisor', OFFICE).get(`/api/v1/inbox?minPosition=${last}`).expect(200);
    expect(sup.body.rows.some((e: { item: { unitId: string }; needs: string[] }) => e.item.unitId === '新密市' && e.needs.includes('assign'))).toBe(true);
  });

  it('filters by document and status, and refuses bad filters with 400', async () => {
    const byDoc = await t.as('supervisor', OFFICE).get(`/api/v1/items?document=${enc('郑政办〔2021〕34号')}&minPosition=${last}`).expect(200);
    expect(byDoc.body.total).toBe(2);
    const registered = await t.as('supervisor', OFFICE).get(`/api/v1/items?status=registered&minPosition=${last}`).expect(200);
    expect(registered.body.rows.map((r: { unitId: string }) => r.unitId)).toEqual(['新密市']);
    await t.as('supervisor', OFFICE).get('/api/v1/items?status=done').expect(400);
    await t.as('supervisor', OFFICE).get('/api/v1/items?overdue=maybe').expect(400);
    await t.as('supervisor', OFFICE).get('/api/v1/items?minPosition=abc').expect(400);
    await t.as('auditor', '市审计局').get('/api/v1/inbox').expect(403);
  });

  it('a cooperating unit sees the task it cooperates on, an uninvolved unit sees nothing', async () => {
    expect((await t.as('unit', '市人社局').get(`/api/v1/items?minPosition=${last}`).expect(200)).body.total).toBe(2);
    expect((await t.as('unit', '巩义市').get(`/api/v1/items?minPosition=${last}`).expect(200)).body.total).toBe(0);
  });

  it('serves the unit registry', async () => {
    const units = await t.as('unit', '荥阳市').get('/api/v1/units').expect(200);
    expect(units.body.find((u: { id: string }) => u.id === '荥阳市')).toMatchObject({ group: '县市' });
  });
});
