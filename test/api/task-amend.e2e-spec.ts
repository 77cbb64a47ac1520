import { enc, OFFICE, smallParksTaskBody, startTestApp, TestApp } from './support/test-app';

/**
 * POST /tasks/:taskId/amend on the real stack: the changed fields with their
 * old and new values, a share for an added responsible unit, refusals as JSON
 * naming the unit or the field, If-Match and Idempotency-Key as for every
 * other task command.
 */
describe('amending a task over HTTP', () => {
  let t: TestApp;
  beforeAll(async () => (t = await startTestApp()));
  afterAll(() => t.close());

  const supervisor = () => t.as('supervisor', OFFICE, '张督查');
  const unit = (u: string) => t.as('unit', u, `${u}-联络员`);
  const UNITS = ['郑州航空港区', '郑东新区', '中牟县'];
  let n = 0;

  /** A task with three shares; 中牟县's is assigned and signed for (签收). Version 2. Each in its own document: same title, another item. */
  async function registered(): Promise<string> {
    const reg = await supervisor()
      .post('/api/v1/tasks')
      .send(
        smallParksTaskBody({
          docNumber: `郑政办〔2021〕${34 + n}号`,
          documentTitle: '郑州市2021年小微企业园高质量发展工作要点',
          itemPath: `修订/${++n}`,
          responsibleUnits: UNITS,
          deadline: '2027-12-31T23:59:59+08:00',
          target: { value: 20, unit: '个', comparator: '>=' },
        }),
      )
      .expect(201);
    const id = reg.body.item.taskId as string;
    await supervisor().post(`/api/v1/tasks/${id}/shares/${enc('中牟县')}/assign`).send({}).expect(200);
    await unit('中牟县').post(`/api/v1/tasks/${id}/shares/${enc('中牟县')}/acknowledge`).send({}).expect(200);
    return id;
  }

  it('amends the registration: the changed fields, old and new; an added unit gets a share; retries and stale versions as for every command', async () => {
    const id = await registered();
    const body = {
      reason: '郑政办〔2021〕40号 修订',
      documentRef: '郑政办〔2021〕40号',
      title: '全年新开工25个以上小微企业园',
      deadline: '2027-11-30T23:59:59+08:00',
      responsibleUnits: [...UNITS, '巩义市'],
      target: { value: 25, unit: '个', comparator: '>=' },
      leadUnits: ['市工信局'], // unchanged: not in the changes
    };
    const r = await supervisor().post(`/api/v1/tasks/${id}/amend`).set('If-Match', '"2"').set('Idempotency-Key', `amend-${id}`).send(body);
    expect(r.status).toBe(200);
    expect(r.headers.etag).toBe('"3"');
    expect(r.body).toMatchObject({
      version: 3,
      events: ['task.amended.v1'],
      replayed: false,
      item: {
        title: '全年新开工25个以上小微企业园',
        deadline: '2027-11-30T23:59:59+08:00',
        responsibleUnits: [...UNITS, '巩义市'],
        target: { value: 25 },
        amendmentCount: 1,
        shares: { 巩义市: { status: 'registered', deadline: null }, 中牟县: { status: 'acknowledged', deadline: '2027-12-31T23:59:59+08:00' } },
      },
    });

    const history = await supervisor().get(`/api/v1/tasks/${id}/history`).expect(200);
    const amended = JSON.stringify(history.body);
    expect(amended).toContain('task.amended.v1');
    expect(amended).toContain('"field":"title","from":"全年新开工20个以上小微企业园","to":"全年新开工25个以上小微企业园"');
    expect(amended).toContain('"addedResponsibleUnits":["巩义市"]');
    expect(amended).toContain('"reason":"郑政办〔2021〕40号 修订"');

    // the same request again: the first answer, nothing new
    const retry = await supervisor().post(`/api/v1/tasks/${id}/amend`).set('If-Match', '"2"').set('Idempotency-Key', `amend-${id}`).send(body);
    expect(retry.status).toBe(200);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.body).toMatchObject({ version: 3, replayed: true });
    // another request on the version it saw before: 412
    const stale = await supervisor().post(`/api/v1/tasks/${id}/amend`).set('If-Match', '"2"').send({ reason: '再改', title: '又一个标题' });
    expect(stale.status).toBe(412);

    // the new share runs its own loop
    await supervisor().post(`/api/v1/tasks/${id}/shares/${enc('巩义市')}/assign`).send({}).expect(200);
    await unit('巩义市').post(`/api/v1/tasks/${id}/shares/${enc('巩义市')}/acknowledge`).send({}).expect(200);

    // nothing different: nothing written, the current version
    const same = await supervisor().post(`/api/v1/tasks/${id}/amend`).send({ reason: '重复', title: '全年新开工25个以上小微企业园', responsibleUnits: ['巩义市', ...UNITS] });
    expect(same.status).toBe(200);
    expect(same.body).toMatchObject({ version: 5, events: [], replayed: false });
    expect((await supervisor().get(`/api/v1/tasks/${id}`)).body.version).toBe(5);
  });

  it('refuses to drop a unit whose share has work on it (409, naming the unit); drops one that has none', async () => {
    const id = await registered();
    const refused = await supervisor().post(`/api/v1/tasks/${id}/amend`).send({ reason: '调整责任单位', responsibleUnits: ['郑州航空港区'] });
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({
      statusCode: 409,
      refusal: 'ShareHasWork',
      command: 'AmendTask',
      taskId: id,
      unitId: '中牟县',
      shareStatus: 'acknowledged',
      work: ['status acknowledged'],
    });
    expect(refused.body.message).toContain('responsible unit 中牟县 cannot be removed');

    const dropped = await supervisor().post(`/api/v1/tasks/${id}/amend`).send({ reason: '调整责任单位', responsibleUnits: ['郑州航空港区', '中牟县'] });
    expect(dropped.status).toBe(200);
    expect(Object.keys(dropped.body.item.shares)).toEqual(['郑州航空港区', '中牟县']);
    const gone = await supervisor().post(`/api/v1/tasks/${id}/shares/${enc('郑东新区')}/assign`).send({});
    expect(gone.status).toBe(404);
    expect(gone.body).toMatchObject({ refusal: 'UnknownShare', unitId: '郑东新区' });
  });

  it('answers bad input and the wrong roles as JSON: 400, 422 naming the field or the unit, 403, 404', async () => {
    const id = await registered();
    const amend = (body: Record<string, unknown>, who = supervisor()) => who.post(`/api/v1/tasks/${id}/amend`).send(body);
    expect((await amend({ title: '无理由' })).status).toBe(400); // reason is required
    expect((await amend({ reason: 'x', leadUnits: [] })).status).toBe(400);
    expect((await amend({ reason: 'x', colour: 'red' })).status).toBe(400);
    const deadline = await amend({ reason: 'x', deadline: '2027年11月' });
    expect(deadline.status).toBe(422);
    expect(deadline.body).toMatchObject({ refusal: 'InvalidCommandData', field: 'deadline' });
    const past = await amend({ reason: 'x', deadline: '2026-01-31T23:59:59+08:00' });
    expect(past.status).toBe(422);
    expect(past.body).toMatchObject({ refusal: 'DeadlineBeforeEffectiveTime', deadline: '2026-01-31T23:59:59+08:00' });
    const unknown = await amend({ reason: 'x', cooperatingUnits: ['市不存在局'] });
    expect(unknown.status).toBe(422);
    expect(unknown.body.unknownUnits).toEqual(['市不存在局']);
    expect((await amend({ reason: 'x', title: '改' }, unit('中牟县'))).status).toBe(403);
    expect((await amend({ reason: 'x', title: '改' }, t.as('auditor', '市审计局'))).status).toBe(403);
    expect((await supervisor().post('/api/v1/tasks/no-such-task/amend').send({ reason: 'x', title: '改' })).status).toBe(404);
    expect((await supervisor().get(`/api/v1/tasks/${id}`)).body).toMatchObject({ version: 2, item: { amendmentCount: 0 } });
  });
});
