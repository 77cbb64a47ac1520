import request from 'supertest';
import { mintToken } from '@duban/access';
import { enc, OFFICE, SECRET, smallParksTaskBody, startTestApp, TestApp } from './support/test-app';

/**
 * Effective time over HTTP (issue 12, part 3): an act never takes effect
 * before the act it answers (decided in the deciders), nor before the floor
 * (DUBAN_EFFECTIVE_TIME_FLOOR), nor after it was received. Each refusal is a
 * 422 naming both instants, and nothing is written.
 */
describe('effective time cannot run backwards', () => {
  let t: TestApp;
  beforeAll(async () => (t = await startTestApp()));
  afterAll(() => t.close());

  const supervisor = () => t.as('supervisor', OFFICE, '张督查');
  const unit = (u: string) => t.as('unit', u, `${u}-联络员`);
  const ZHONGMU = '中牟县';
  const evidence = [{ ref: 'archive://2026/开工照片.jpg' }];

  it('refuses a 销号 dated 2021-06-01 of a completion submitted now, naming both instants; nothing is written', async () => {
    const reg = await supervisor()
      .post('/api/v1/tasks')
      .send({ ...smallParksTaskBody({ responsibleUnits: [ZHONGMU], deadline: '2026-12-31T23:59:59+08:00' }), effectiveAt: '2021-05-01T09:00:00+08:00' })
      .expect(201);
    const id = reg.body.item.taskId;
    const share = `/api/v1/tasks/${id}/shares/${enc(ZHONGMU)}`;
    await supervisor().post(`${share}/assign`).send({ effectiveAt: '2021-05-06T09:00:00+08:00' }).expect(200);
    await unit(ZHONGMU).post(`${share}/acknowledge`).send({}).expect(200);
    await unit(ZHONGMU).post(`${share}/progress`).send({ percent: 100, narrative: '已完成' }).expect(200);
    const submitted = await unit(ZHONGMU).post(`${share}/submit`).send({ summary: '已完成', evidence }).expect(200);
    const submittedAt = submitted.body.item.shares[ZHONGMU].submission.at;

    const refused = await supervisor().post(`${share}/approve`).send({ effectiveAt: '2021-06-01T10:00:00+08:00' }).expect(422);
    expect(refused.body).toMatchObject({
      statusCode: 422,
      refusal: 'EffectiveTimeBeforeEarlierAct',
      command: 'ApproveShareCompletion',
      at: '2021-06-01T10:00:00+08:00',
      earlierAct: 'task.share.completion_submitted.v1',
      earlierAt: submittedAt,
    });
    expect(refused.body.message).toContain('2021-06-01T10:00:00+08:00');
    expect(refused.body.message).toContain(submittedAt);

    const after = await supervisor().get(`/api/v1/tasks/${id}`).expect(200);
    expect(after.body.version).toBe(submitted.body.version);
    expect(after.body.item.shares[ZHONGMU].status).toBe('submitted');
    // approved now, it closes
    await supervisor().post(`${share}/approve`).send({}).expect(200);
  });

  it('refuses an issue assigned before it was reported, naming both instants', async () => {
    const reported = await supervisor()
      .post('/api/v1/issues')
      .send({ title: '用地指标不足', description: '园区三期缺用地指标', category: '用地', urgency: 'normal', reportingUnit: ZHONGMU, effectiveAt: '2026-03-01T09:00:00+08:00' })
      .expect(201);
    const refused = await supervisor()
      .post(`/api/v1/issues/${reported.body.item.issueId}/assign`)
      .send({ unitId: ZHONGMU, deadline: '2026-12-31T18:00:00+08:00', effectiveAt: '2026-02-28T09:00:00+08:00' })
      .expect(422);
    expect(refused.body).toMatchObject({
      refusal: 'EffectiveTimeBeforeEarlierAct',
      at: '2026-02-28T09:00:00+08:00',
      earlierAct: 'issue.reported.v1',
      earlierAt: '2026-03-01T09:00:00+08:00',
    });
  });

  it('an issue deadline defaulted from its urgency, and an act taking effect now, come back in Beijing time (+08:00)', async () => {
    const reported = await supervisor()
      .post('/api/v1/issues')
      .send({ title: '施工许可滞后', description: '施工许可证未办结', category: '施工许可', urgency: 'urgent', reportingUnit: ZHONGMU })
      .expect(201);
    const id = reported.body.item.issueId;
    await supervisor().post(`/api/v1/issues/${id}/assign`).send({ unitId: ZHONGMU }).expect(200);
    const got = await supervisor().get(`/api/v1/issues/${id}`).expect(200);
    expect(got.body.item.deadline).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+08:00$/);
    expect(got.body.item.deadlineHistory[0].at).toMatch(/\+08:00$/);
  });

  const FLOOR = '2000-01-01T00:00:00+08:00';
  const YEAR_ZERO = '0000-01-01T00:00:00+08:00';
  const task = `/api/v1/tasks/t-none/shares/${enc(ZHONGMU)}`;
  const issue = '/api/v1/issues/i-none';
  const park = '/api/v1/parks/p-none';
  const figures = { cumulativeInvestmentWan: 1, enterpriseCount: 1, specializedCount: 0, techCount: 0, taxPerMuWan: 1 };
  type Row = [method: 'post' | 'put', path: string, role: 'supervisor' | 'unit' | 'admin', body: Record<string, unknown>];
  // every endpoint that takes effectiveAt (grep effectiveTime( in apps/api/src)
  const endpoints: Row[] = [
    ['post', '/api/v1/tasks', 'supervisor', smallParksTaskBody({ responsibleUnits: [ZHONGMU], deadline: '2026-12-31T23:59:59+08:00' })],
    ['post', '/api/v1/tasks/t-none/amend', 'supervisor', { reason: '修订' }],
    ['post', `${task}/assign`, 'supervisor', {}],
    ['post', `${task}/acknowledge`, 'unit', {}],
    ['post', `${task}/progress`, 'unit', { percent: 10, narrative: '推进中' }],
    ['post', `${task}/notes`, 'unit', { note: '已协调' }],
    ['post', `${task}/submit`, 'unit', { summary: '完成', evidence }],
    ['post', `${task}/approve`, 'supervisor', {}],
    ['post', `${task}/reject`, 'supervisor', { reason: '材料不全' }],
    ['post', `${task}/reopen`, 'supervisor', { reason: '复查' }],
    ['post', `${task}/extension-requests`, 'unit', { requestedDeadline: '2027-03-31T23:59:59+08:00', reason: '延后' }],
    ['post', `${task}/extension-requests/grant`, 'supervisor', {}],
    ['post', `${task}/extension-requests/refuse`, 'supervisor', { reason: '理由不充分' }],
    ['post', '/api/v1/issues', 'supervisor', { title: '问题', description: '描述', category: '类别', urgency: 'normal', reportingUnit: ZHONGMU }],
    ['post', `${issue}/assign`, 'supervisor', { unitId: ZHONGMU }],
    ['post', `${issue}/acknowledge`, 'unit', {}],
    ['post', `${issue}/progress`, 'unit', { percent: 10, narrative: '推进中' }],
    ['post', `${issue}/submit`, 'unit', { summary: '完成', evidence }],
    ['post', `${issue}/approve`, 'supervisor', {}],
    ['post', `${issue}/reject`, 'supervisor', { reason: '材料不全' }],
    ['post', `${issue}/reopen`, 'supervisor', { reason: '复查' }],
    ['post', `${issue}/extension-requests`, 'unit', { requestedDeadline: '2027-03-31T23:59:59+08:00', reason: '延后' }],
    ['post', `${issue}/extension-requests/grant`, 'supervisor', {}],
    ['post', `${issue}/extension-requests/refuse`, 'supervisor', { reason: '理由不充分' }],
    [
      'post',
      '/api/v1/parks',
      'supervisor',
      { name: '园区', district: '郑州航空港区', type: 'manufacturing', landUse: 'industrial', landAreaMu: 100, floorAreaM2: 100_000, leadIndustry: '智能终端', nonProductionLandPercent: 5, nonProductionFloorPercent: 10 },
    ],
    ['post', `${park}/milestones`, 'supervisor', { milestone: 'land_supplied', date: '2021-01-01' }],
    ['post', `${park}/monthly-reports`, 'supervisor', { year: 2021, month: 6, ...figures }],
    ['post', `${park}/monthly-reports/${enc("p-none:2021-06:r1")}/corrections`, 'supervisor', { reason: '更正', ...figures }],
    ['post', `${park}/certification`, 'supervisor', {}],
    ['post', `${park}/stars`, 'supervisor', { stars: 1 }],
    ['post', '/api/v1/targets', 'supervisor', { unitId: ZHONGMU, year: 2021, metric: '集聚入园企业', value: 10, unitOfMeasure: '家', sourceDocument: { docNumber: '郑政办〔2021〕34号' } }],
    ['post', '/api/v1/targets/tg-none/progress', 'supervisor', { value: 3 }],
    ['post', '/api/v1/units', 'admin', { id: '市新设局', kind: 'department', parent: '郑州市人民政府' }],
    ['post', `/api/v1/units/${enc(ZHONGMU)}/aliases`, 'admin', { alias: '牟县' }],
    ['put', `/api/v1/units/groups/${enc('各产业集聚区')}/members`, 'admin', { members: ['郑州高新区'] }],
    ['post', '/api/v1/imports/preview', 'supervisor', { text: '郑政办〔2021〕34号' }],
    ['post', '/api/v1/imports/commit', 'supervisor', { text: '郑政办〔2021〕34号', confirm: true }],
  ];

  it.each(endpoints)('%s %s: effectiveAt 0000-01-01 is refused with 422 naming it and the floor', async (method, path, role, body) => {
    const unitId = role === 'unit' ? ZHONGMU : OFFICE;
    const res = await send(method, path, role, unitId, { ...body, effectiveAt: YEAR_ZERO });
    expect({ status: res.status, body: res.body }).toMatchObject({
      status: 422,
      body: { refusal: 'EffectiveTimeBeforeFloor', effectiveAt: YEAR_ZERO, floor: FLOOR },
    });
    expect(res.body.message).toContain(FLOOR);
  });

  it('a day before the floor is refused, the floor itself is not (as far as the floor goes)', async () => {
    const before = await supervisor().post('/api/v1/issues').send({ ...endpoints[13][3], effectiveAt: '1999-12-31T23:59:59+08:00' }).expect(422);
    expect(before.body).toMatchObject({ refusal: 'EffectiveTimeBeforeFloor', floor: FLOOR });
    await supervisor().post('/api/v1/issues').send({ ...endpoints[13][3], effectiveAt: FLOOR }).expect(201);
  });

  it('a time after the receipt (beyond a minute of clock skew) is refused, naming both instants', async () => {
    const res = await supervisor().post('/api/v1/issues').send({ ...endpoints[13][3], effectiveAt: '2099-01-01T00:00:00+08:00' }).expect(422);
    expect(res.body).toMatchObject({ refusal: 'EffectiveTimeInFuture', effectiveAt: '2099-01-01T00:00:00+08:00' });
    expect(Date.parse(res.body.receivedAt)).toBeLessThanOrEqual(Date.now());
  });

  async function send(method: 'post' | 'put', path: string, role: 'supervisor' | 'unit' | 'admin', unitId: string, body: Record<string, unknown>) {
    if (method === 'post') return t.as(role, unitId).post(path).send(body);
    return request(t.app.getHttpServer()).put(path).set('Authorization', `Bearer ${mintToken({ role, unitId, userId: 'e2e' }, SECRET)}`).send(body);
  }
});

describe('the floor is configurable: DUBAN_EFFECTIVE_TIME_FLOOR', () => {
  let t: TestApp;
  beforeAll(async () => (t = await startTestApp({ DUBAN_EFFECTIVE_TIME_FLOOR: '2019-01-01T00:00:00+08:00' })));
  afterAll(() => t.close());

  it('refuses 2018 under a 2019 floor, naming the configured floor', async () => {
    const res = await t
      .as('supervisor', OFFICE)
      .post('/api/v1/issues')
      .send({ title: '问题', description: '描述', category: '类别', urgency: 'normal', reportingUnit: '中牟县', effectiveAt: '2018-06-01T09:00:00+08:00' })
      .expect(422);
    expect(res.body).toMatchObject({ refusal: 'EffectiveTimeBeforeFloor', effectiveAt: '2018-06-01T09:00:00+08:00', floor: '2019-01-01T00:00:00+08:00' });
  });
});
