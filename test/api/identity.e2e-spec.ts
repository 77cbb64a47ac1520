import jwt from 'jsonwebtoken';
import { mintToken } from '@duban/access';
import type { Role } from '@duban/domain/decider';
import { targetIdFor } from '@duban/domain/target';
import type { EventStore } from '@duban/eventstore';
import { EVENT_STORE } from '@duban/eventstore/nest/event-store.module';
import request from 'supertest';
import { enc, OFFICE, SECRET, smallParksTaskBody, startTestApp, TestApp } from './support/test-app';

/**
 * Who a token speaks for, over real HTTP: a token's unit is a unit of the
 * registry (resolved to its id when the request is authenticated), so the
 * own-unit rule cannot be dodged by writing the unit another way; tokens have a
 * bounded lifetime; and commands name units by any of their names, recording ids.
 */
describe('identity: a unit is a registry id (tokens and commands)', () => {
  let t: TestApp;
  let store: EventStore;
  const DEADLINE = '2026-12-31T23:59:59+08:00';
  const evidence = [{ ref: 'archive://identity-e2e' }];
  const sup = (unit = OFFICE) => t.as('supervisor', unit, '张督查');
  const unit = (u: string) => t.as('unit', u, `${u}-联络员`);
  /** A client with a hand-made bearer token. */
  const bearer = (token: string) => ({
    get: (url: string) => request(t.app.getHttpServer()).get(url).set('Authorization', `Bearer ${token}`),
    post: (url: string) => request(t.app.getHttpServer()).post(url).set('Authorization', `Bearer ${token}`),
  });
  const tokenOf = (role: Role, unitId: string) => mintToken({ role, unitId, userId: `${role}@${unitId}` }, SECRET);

  beforeAll(async () => {
    t = await startTestApp();
    store = t.app.get<EventStore>(EVENT_STORE);
  });
  afterAll(async () => {
    await t?.close();
  });

  describe('a token naming a unit the registry does not know', () => {
    it('is a 401 naming the unit, and writes nothing', async () => {
      const before = await store.headPosition();
      const stranger = sup('不存在的督查室');
      const reg = await stranger.post('/api/v1/tasks').send(smallParksTaskBody({ itemPath: '九/1', title: '身份核验事项1', responsibleUnits: ['中牟县'], deadline: DEADLINE })).expect(401);
      expect(reg.body).toEqual({
        statusCode: 401,
        error: 'Unauthorized',
        message: expect.stringContaining('token unit "不存在的督查室" is not a unit of the registry'),
        unknownUnit: '不存在的督查室',
      });
      await stranger.get('/api/v1/items').expect(401);
      expect(await store.headPosition()).toBe(before);
      await sup().get(`/api/v1/tasks/${enc('郑政办〔2021〕34号-九-1')}`).expect(404);
    });
  });

  it('a token refused for its unit is accepted once an admin adds the unit (no restart)', async () => {
    const newcomer = bearer(tokenOf('unit', '市数据局'));
    await newcomer.get('/api/v1/inbox').expect(401); // verified, remembered, and refused for its unit
    await t.as('admin', '市政府办公厅').post('/api/v1/units').send({ id: '市数据局', kind: 'department', parent: '郑州市人民政府', aliases: ['郑州市数据局'] }).expect(201);
    await newcomer.get('/api/v1/inbox').expect(200);
    await bearer(tokenOf('unit', '郑州市数据局')).get('/api/v1/inbox').expect(200);
  });

  describe('the own-unit rule compares registry ids, whatever the spelling of the token', () => {
    const taskId = 'identity-own-unit';
    const share = (rest: string) => `/api/v1/tasks/${taskId}/shares/${enc('市政府办公厅四处')}${rest}`;

    beforeAll(async () => {
      // 市政府办公厅四处 delivers this task itself and submits its completion
      await sup('市委督查室')
        .post('/api/v1/tasks')
        .send(smallParksTaskBody({ taskId, itemPath: '九/2', title: '身份核验事项2', leadUnits: ['市政府办公厅四处'], responsibleUnits: ['市政府办公厅四处'], deadline: DEADLINE }))
        .expect(201);
      await sup('市委督查室').post(share('/assign')).send({}).expect(200);
      const own = unit('市政府办公厅四处');
      await own.post(share('/acknowledge')).send({}).expect(200);
      await own.post(share('/progress')).send({ percent: 100, narrative: '已完成' }).expect(200);
      await own.post(share('/submit')).send({ summary: '完成', evidence }).expect(200);
    });

    it.each([
      ['its local alias 四处 (valid only inside a document of 市政府办公厅: a token has no scope)', '四处', 401],
      ['a long name that is no name of the registry (郑州市人民政府办公厅 is 市政府办公厅; 四处 under it is not a global name)', '郑州市人民政府办公厅四处', 401],
      ['its id with a zero-width space (normalised: the same unit)', '市政府办公厅四处\u200b', 403],
      ['its id', '市政府办公厅四处', 403],
    ])('a supervisor token of the submitting unit written as %s cannot approve it', async (_what, written, status) => {
      const before = await store.headPosition();
      const res = await sup(written).post(share('/approve')).send({}).expect(status);
      if (status === 403) expect(res.body).toMatchObject({ refusal: 'OwnUnitVerification', unitId: '市政府办公厅四处' });
      else expect(res.body.unknownUnit).toBe(written);
      expect(await store.headPosition()).toBe(before);
    });

    it('another office approves it', async () => {
      await sup('市委督查室').post(share('/approve')).send({}).expect(200);
    });
  });

  it('an accepted alias token acts as the unit: its events carry the id, and it sees what the unit sees', async () => {
    const taskId = 'identity-alias-actor';
    const share = (rest: string) => `/api/v1/tasks/${taskId}/shares/${enc('市自然资源规划局')}${rest}`;
    // 郑州市人民政府办公厅 is a global alias of 市政府办公厅
    await sup('郑州市人民政府办公厅')
      .post('/api/v1/tasks')
      .send(smallParksTaskBody({ taskId, itemPath: '九/3', title: '身份核验事项3', responsibleUnits: ['市自然资源规划局'], deadline: DEADLINE }))
      .expect(201);
    await sup().post(share('/assign')).send({}).expect(200);
    const planning = unit('市资源规划局'); // the name seeds 000/001 use
    await planning.get(`/api/v1/tasks/${taskId}`).expect(200); // visibility compares ids
    await planning.post(share('/acknowledge')).send({}).expect(200);
    const history = (await sup().get(`/api/v1/tasks/${taskId}/history`).expect(200)).body as Array<{ type: string; actor: { unitId: string } }>;
    expect(history.map((e) => [e.type, e.actor.unitId])).toEqual([
      ['task.registered.v1', '市政府办公厅'],
      ['task.share.assigned.v1', OFFICE],
      ['task.share.acknowledged.v1', '市自然资源规划局'],
    ]);
  });

  it('refuses a token that lives too long (exp 1e300) with a 401', async () => {
    const now = Math.floor(Date.now() / 1000);
    const forever = jwt.sign({ sub: 'x', unit: OFFICE, role: 'supervisor', iat: now, exp: 1e300 }, SECRET, { algorithm: 'HS256' });
    const res = await bearer(forever).get('/api/v1/items').expect(401);
    expect(res.body.message).toContain('longer than the maximum');
    const month = jwt.sign({ sub: 'x', unit: OFFICE, role: 'supervisor', iat: now, exp: now + 31 * 86400 }, SECRET, { algorithm: 'HS256' });
    await bearer(month).get('/api/v1/items').expect(401);
    await bearer(tokenOf('supervisor', OFFICE)).get('/api/v1/items').expect(200);
  });

  describe('commands name units by any of their names and record ids', () => {
    it('POST /tasks takes an alias (市资源规划局) and records the id', async () => {
      const res = await sup()
        .post('/api/v1/tasks')
        .send(smallParksTaskBody({ taskId: 'identity-alias-lead', itemPath: '九/4', title: '身份核验事项4', leadUnits: ['市资源规划局'], responsibleUnits: ['中牟县人民政府'], cooperatingUnits: ['市人力资源和社会保障局'], deadline: DEADLINE }))
        .expect(201);
      expect(res.body.item).toMatchObject({ leadUnits: ['市自然资源规划局'], responsibleUnits: ['中牟县'], cooperatingUnits: ['市人社局'] });
      const history = (await sup().get('/api/v1/tasks/identity-alias-lead/history').expect(200)).body;
      expect(history[0].data).toMatchObject({ leadUnits: ['市自然资源规划局'], responsibleUnits: ['中牟县'], supervisingOffice: OFFICE });
    });

    it('a name that names no unit stays a 422 naming it; a group name too (name its units)', async () => {
      const before = await store.headPosition();
      const unknown = await sup()
        .post('/api/v1/tasks')
        .send(smallParksTaskBody({ itemPath: '九/5', title: '身份核验事项5', leadUnits: ['市资源规划局', '市并无此局'], responsibleUnits: ['四处'], deadline: DEADLINE }))
        .expect(422);
      expect(unknown.body).toMatchObject({ unknownUnits: ['市并无此局', '四处'], message: 'unknown units: 市并无此局、四处' });
      const group = await sup()
        .post('/api/v1/tasks')
        .send(smallParksTaskBody({ itemPath: '九/6', title: '身份核验事项6', responsibleUnits: ['各开发区、区县(市)'], deadline: DEADLINE }))
        .expect(422);
      expect(group.body).toMatchObject({ unknownUnits: ['各开发区、区县(市)'] });
      // one unit under two names is one unit named twice
      const twice = await sup()
        .post('/api/v1/tasks')
        .send(smallParksTaskBody({ itemPath: '九/7', title: '身份核验事项7', leadUnits: ['市资源规划局', '市自然资源规划局'], responsibleUnits: ['中牟县'], deadline: DEADLINE }))
        .expect(422);
      expect(twice.body).toMatchObject({ refusal: 'InvalidCommandData', field: 'leadUnits' });
      expect(await store.headPosition()).toBe(before);
    });

    it('issues, parks and targets resolve their units the same way', async () => {
      const reported = await unit('中牟县').post('/api/v1/issues').send({ title: '问题', description: '描述', category: '其他', urgency: 'normal', reportingUnit: '中牟县人民政府' }).expect(201);
      const issueId = reported.body.item.issueId as string;
      expect(reported.body.item.reportingUnit).toBe('中牟县');
      const assigned = await sup().post(`/api/v1/issues/${issueId}/assign`).send({ unitId: '市资源规划局' }).expect(200);
      expect(assigned.body.item.unitId).toBe('市自然资源规划局');
      await unit('市自然资源规划局').post(`/api/v1/issues/${issueId}/acknowledge`).send({}).expect(200);
      await sup().post(`/api/v1/issues/${issueId}/assign`).send({ unitId: '市并无此局' }).expect(422, /市并无此局/);

      const park = await sup()
        .post('/api/v1/parks')
        .send({ parkId: 'identity-park', name: '新郑市智能终端小微企业园', district: '新郑市人民政府', type: 'manufacturing', landUse: 'industrial', landAreaMu: 120, floorAreaM2: 150_000, leadIndustry: '智能终端', nonProductionLandPercent: 6, nonProductionFloorPercent: 20 })
        .expect(201);
      expect(park.body.item.district).toBe('新郑市');

      const target = { unitId: '新郑市人民政府', year: 2021, metric: '科技型企业', value: 30, unitOfMeasure: '家', sourceDocument: { docNumber: '郑政办〔2021〕34号' } };
      const set = await sup().post('/api/v1/targets').send(target).expect(201);
      expect(set.body.item).toMatchObject({ unitId: '新郑市', targetId: targetIdFor('新郑市', 2021, '科技型企业') });
      // the same cell under its id: one stream, so a second SetTarget is refused as the cell exists
      await sup().post('/api/v1/targets').send({ ...target, unitId: '新郑市' }).expect(409);
    });
  });
});
