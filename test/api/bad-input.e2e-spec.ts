import { enc, OFFICE, startTestApp, TestApp } from './support/test-app';

/** Bad input gets a clear JSON error and changes nothing. (Each task has its own title: one title is one item of a document.) */
describe('bad input over HTTP', () => {
  let t: TestApp;
  let taskId: string;
  let version: number;
  const sup = () => t.as('supervisor', OFFICE);
  const task = {
    docNumber: '郑政办〔2021〕34号',
    itemPath: '五/2',
    title: '建立问题清单',
    text: '建立问题清单、责任清单，实行台账式管理。',
    leadUnits: ['市工信局'],
    responsibleUnits: ['惠济区'],
    deadline: '2026-12-31T23:59:59+08:00',
  };

  beforeAll(async () => {
    t = await startTestApp();
    const reg = await sup().post('/api/v1/tasks').send(task).expect(201);
    taskId = reg.body.item.taskId;
    version = reg.body.version;
  });
  afterAll(() => t.close());

  const unchanged = async () => {
    const got = await sup().get(`/api/v1/tasks/${taskId}`).expect(200);
    expect(got.body.version).toBe(version);
  };

  it('422 naming an unknown unit', async () => {
    const r = await sup().post('/api/v1/tasks').send({ ...task, itemPath: '五/3', title: '未知单位的事项', responsibleUnits: ['惠济区', '火星区'] }).expect(422);
    expect(r.body).toMatchObject({ statusCode: 422, unknownUnits: ['火星区'] });
    expect(r.body.message).toContain('火星区');
  });

  it('422 for a deadline before the effective time', async () => {
    const r = await sup().post('/api/v1/tasks').send({ ...task, itemPath: '五/4', title: '期限早于生效时间的事项', deadline: '2020-01-01T00:00:00+08:00' }).expect(422);
    expect(r.body.refusal).toBe('DeadlineBeforeEffectiveTime');
  });

  it('back-filling a past year is allowed to a supervisor, refused to a unit (403)', async () => {
    await sup()
      .post('/api/v1/tasks')
      .send({ ...task, itemPath: '五/5', title: '补录的往年事项', deadline: '2021-04-30T23:59:59+08:00', effectiveAt: '2021-03-15T09:00:00+08:00' })
      .expect(201);
    const r = await t
      .as('unit', '惠济区')
      .post(`/api/v1/tasks/${taskId}/shares/${enc('惠济区')}/acknowledge`)
      .send({ effectiveAt: '2021-03-16T09:00:00+08:00' })
      .expect(403);
    expect(r.body.message).toContain('back-date');
    await unchanged();
  });

  it('409 with the current state for an illegal transition', async () => {
    const r = await sup().post(`/api/v1/tasks/${taskId}/shares/${enc('惠济区')}/approve`).send({}).expect(409);
    expect(r.body).toMatchObject({ statusCode: 409, refusal: 'IllegalTransition', currentStatus: 'registered', command: 'ApproveShareCompletion' });
    await unchanged();
  });

  it('412 for a stale If-Match, 400 for a malformed one', async () => {
    const r = await sup().post(`/api/v1/tasks/${taskId}/shares/${enc('惠济区')}/assign`).set('If-Match', '"7"').send({}).expect(412);
    expect(r.body).toMatchObject({ expectedVersion: 7, currentVersion: version });
    await sup().post(`/api/v1/tasks/${taskId}/shares/${enc('惠济区')}/assign`).set('If-Match', 'yesterday').send({}).expect(400);
    await unchanged();
  });

  it('413 for a body over 256 KB', async () => {
    const r = await sup().post('/api/v1/tasks').set('Content-Type', 'application/json').send(JSON.stringify({ ...task, text: '字'.repeat(100_000) })).expect(413);
    expect(r.body.message).toContain('256 KB');
  });

  it('400 for malformed JSON', async () => {
    const r = await sup().post('/api/v1/tasks').set('Content-Type', 'application/json').send('{"docNumber": "郑政办〔2021〕34号",').expect(400);
    expect(r.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
    expect(r.body.message).toMatch(/JSON at position \d+/);
  });

  it('400 for unknown or missing fields and wrong types', async () => {
    const extra = await sup().post('/api/v1/tasks').send({ ...task, itemPath: '五/6', colour: 'red' }).expect(400);
    expect(JSON.stringify(extra.body.message)).toContain('colour');
    const missing = await sup().post('/api/v1/tasks').send({ ...task, title: undefined, itemPath: '五/7' }).expect(400);
    expect(JSON.stringify(missing.body.message)).toContain('title');
    await sup().post(`/api/v1/tasks/${taskId}/shares/${enc('惠济区')}/assign`).send({ deadline: 20211231 }).expect(400);
  });

  it('404 for an item that does not exist, 422 for an unknown share', async () => {
    await sup().get('/api/v1/tasks/nope').expect(404);
    await sup().post(`/api/v1/tasks/nope/shares/${enc('惠济区')}/assign`).send({}).expect(404);
    const r = await sup().post(`/api/v1/tasks/${taskId}/shares/${enc('金水区')}/assign`).send({}).expect(404);
    expect(r.body.refusal).toBe('UnknownShare');
    await unchanged();
  });

  it('401 without or with a bad token, as JSON', async () => {
    const r = await t.as(null).get(`/api/v1/tasks/${taskId}`).expect(401);
    expect(r.body).toMatchObject({ statusCode: 401 });
    await t.as(null).get(`/api/v1/tasks/${taskId}`).set('Authorization', 'Bearer abc.def.ghi').expect(401);
  });
});
