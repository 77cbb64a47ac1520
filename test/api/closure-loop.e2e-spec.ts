import { enc, OFFICE, smallParksTaskBody, startTestApp, TestApp } from './support/test-app';

/**
 * The closure loop through HTTP, end to end on the real stack: a task with
 * three responsible units, an issue with a rejection and a reopen, an
 * extension, and an idempotent retry.
 */
describe('closure loop over HTTP', () => {
  let t: TestApp;
  beforeAll(async () => (t = await startTestApp()));
  afterAll(() => t.close());

  const supervisor = () => t.as('supervisor', OFFICE, '张督查');
  const unit = (u: string) => t.as('unit', u, `${u}-联络员`);
  const UNITS = ['郑州航空港区', '郑东新区', '中牟县'];
  const evidence = [{ ref: 'archive://2026/11/开工照片.jpg', title: '开工照片' }];

  it('runs a task with three responsible units from registration to closure', async () => {
    const reg = await supervisor()
      .post('/api/v1/tasks')
      .send(
        smallParksTaskBody({
          responsibleUnits: UNITS,
          cooperatingUnits: ['市人社局'],
          deadline: '2026-12-31T23:59:59+08:00',
          target: { value: 20, unit: '个', comparator: '>=' },
        }),
      )
      .expect(201);
    expect(reg.body).toMatchObject({ version: 0, events: ['task.registered.v1'], replayed: false });
    expect(reg.body.item.status).toBe('open');
    expect(Object.keys(reg.body.item.shares)).toEqual(UNITS);
    expect(reg.headers.etag).toBe('"0"');
    const id = reg.body.item.taskId;

    for (const u of UNITS) {
      await supervisor().post(`/api/v1/tasks/${id}/shares/${enc(u)}/assign`).send({}).expect(200);
      await unit(u).post(`/api/v1/tasks/${id}/shares/${enc(u)}/acknowledge`).send({}).expect(200);
      await unit(u)
        .post(`/api/v1/tasks/${id}/shares/${enc(u)}/progress`)
        .send({ percent: 100, narrative: `${u}已完成`, metricValues: [{ metric: '新开工小微企业园', value: 7, unit: '个' }] })
        .expect(200);
      await unit(u).post(`/api/v1/tasks/${id}/shares/${enc(u)}/submit`).send({ summary: '已完成', evidence }).expect(200);
    }
    // the cooperating unit adds a note, and can do nothing else
    await unit('市人社局').post(`/api/v1/tasks/${id}/shares/${enc('中牟县')}/notes`).send({ note: '已协调用工培训' }).expect(200);
    await unit('市人社局').post(`/api/v1/tasks/${id}/shares/${enc('中牟县')}/progress`).send({ percent: 10, narrative: 'x' }).expect(403);

    // one share is rejected once (rework), then resubmitted
    await supervisor().post(`/api/v1/tasks/${id}/shares/${enc('郑东新区')}/reject`).send({ reason: '佐证材料不全' }).expect(200);
    await unit('郑东新区').post(`/api/v1/tasks/${id}/shares/${enc('郑东新区')}/progress`).send({ percent: 100, narrative: '补充材料' }).expect(200);
    await unit('郑东新区').post(`/api/v1/tasks/${id}/shares/${enc('郑东新区')}/submit`).send({ summary: '已补充', evidence }).expect(200);

    await supervisor().post(`/api/v1/tasks/${id}/shares/${enc('郑州航空港区')}/approve`).send({}).expect(200);
    await supervisor().post(`/api/v1/tasks/${id}/shares/${enc('郑东新区')}/approve`).send({}).expect(200);
    const last = await supervisor().post(`/api/v1/tasks/${id}/shares/${enc('中牟县')}/approve`).send({}).expect(200);
    expect(last.body.events).toEqual(['task.share.completion_approved.v1', 'task.closed.v1']);
    expect(last.body.item.status).toBe('closed');

    const got = await t.as('auditor', '市审计局', '审计员').get(`/api/v1/tasks/${id}`).expect(200);
    expect(got.body.item.shares['郑东新区']).toMatchObject({ status: 'closed', reworkCount: 1 });
    expect(got.body.item.shares['中牟县'].notes).toBe(1);
    expect(got.body.version).toBe(last.body.version);

    const history = await unit('中牟县').get(`/api/v1/tasks/${id}/history`).expect(200);
    expect(history.body).toHaveLength(Number(last.body.version) + 1);
    expect(history.body[0]).toMatchObject({ type: 'task.registered.v1', actor: { userId: '张督查', unitId: OFFICE, role: 'supervisor' } });
    expect(history.body.at(-1).type).toBe('task.closed.v1');
    // a unit that takes no part in the task cannot read it
    await unit('巩义市').get(`/api/v1/tasks/${id}`).expect(403);
  });

  it('runs an issue through a rejection and a reopen, with the default deadline from its urgency', async () => {
    const reported = await unit('中牟县')
      .post('/api/v1/issues')
      .send({ title: '园区施工许可证办理滞后', description: '建规证、施工许可证办理等问题', category: '施工许可', urgency: 'urgent' })
      .expect(201);
    const id = reported.body.item.issueId;
    expect(reported.body.item).toMatchObject({ status: 'reported', reportingUnit: '中牟县' });

    const assigned = await supervisor().post(`/api/v1/issues/${id}/assign`).send({ unitId: '中牟县' }).expect(200);
    // urgent: 5 working days after today, at 23:59:59 Beijing time
    const deadline = new Date(assigned.body.item.deadline);
    expect(deadline.getTime()).toBeGreaterThan(Date.now() + 5 * 86400_000);
    expect(deadline.getTime()).toBeLessThan(Date.now() + 12 * 86400_000);
    expect(assigned.body.item.deadline).toMatch(/T23:59:59\+08:00$/); // Beijing time, the form task deadlines have

    const u = unit('中牟县');
    await u.post(`/api/v1/issues/${id}/acknowledge`).send({}).expect(200);
    await u.post(`/api/v1/issues/${id}/progress`).send({ percent: 100, narrative: '已办结' }).expect(200);
    await u.post(`/api/v1/issues/${id}/submit`).send({ summary: '已办结', evidence }).expect(200);
    await supervisor().post(`/api/v1/issues/${id}/reject`).send({ reason: '未见施工许可证' }).expect(200);
    await u.post(`/api/v1/issues/${id}/progress`).send({ percent: 100, narrative: '已取得施工许可证' }).expect(200);
    await u.post(`/api/v1/issues/${id}/submit`).send({ summary: '已取得', evidence }).expect(200);
    await supervisor().post(`/api/v1/issues/${id}/approve`).send({}).expect(200);
    const reopened = await supervisor().post(`/api/v1/issues/${id}/reopen`).send({ reason: '群众反映问题复发' }).expect(200);
    expect(reopened.body.item).toMatchObject({ status: 'in_progress', reworkCount: 1, reopenCount: 1 });
  });

  it('moves the deadline when an extension asked in time is granted, and refuses one asked too late', async () => {
    const reported = await supervisor()
      .post('/api/v1/issues')
      .send({ title: '用地指标不足', description: '园区供地指标不足', category: '供地', urgency: 'normal', reportingUnit: '新郑市' })
      .expect(201);
    const id = reported.body.item.issueId;
    await supervisor().post(`/api/v1/issues/${id}/assign`).send({ unitId: '新郑市', deadline: '2026-12-20T23:59:59+08:00' }).expect(200);
    await unit('新郑市').post(`/api/v1/issues/${id}/extension-requests`).send({ requestedDeadline: '2026-12-30T23:59:59+08:00', reason: '需省厅审批' }).expect(200);
    // one pending request at a time
    const second = await unit('新郑市').post(`/api/v1/issues/${id}/extension-requests`).send({ requestedDeadline: '2026-12-31T23:59:59+08:00', reason: '再延' }).expect(409);
    expect(second.body.refusal).toBe('ExtensionAlreadyPending');
    const granted = await supervisor().post(`/api/v1/issues/${id}/extension-requests/grant`).send({}).expect(200);
    expect(granted.body.item).toMatchObject({ deadline: '2026-12-30T23:59:59+08:00', extensionCount: 1 });
    expect(granted.body.item.deadlineHistory.map((d: { cause: string }) => d.cause)).toEqual(['assigned', 'extension']);

    // a request after the deadline (back-dated by a supervisor's record is not possible for a unit): use an issue already late
    const late = await supervisor()
      .post('/api/v1/issues')
      .send({ title: '历史问题', description: '补录', category: '供地', urgency: 'normal', reportingUnit: '新郑市', effectiveAt: '2021-03-01T09:00:00+08:00' })
      .expect(201);
    await supervisor()
      .post(`/api/v1/issues/${late.body.item.issueId}/assign`)
      .send({ unitId: '新郑市', deadline: '2021-03-31T23:59:59+08:00', effectiveAt: '2021-03-02T09:00:00+08:00' })
      .expect(200);
    const tooLate = await unit('新郑市')
      .post(`/api/v1/issues/${late.body.item.issueId}/extension-requests`)
      .send({ requestedDeadline: '2026-12-31T23:59:59+08:00', reason: '来不及' })
      .expect(422);
    expect(tooLate.body.refusal).toBe('ExtensionAfterDeadline');
  });

  it('answers a retried POST with the same Idempotency-Key with the first response and writes nothing new', async () => {
    const body = { title: '重复提交测试', description: '网络重试', category: '其他', urgency: 'normal' };
    const first = await unit('金水区').post('/api/v1/issues').set('Idempotency-Key', 'k-jinshui-1').send(body).expect(201);
    const again = await unit('金水区').post('/api/v1/issues').set('Idempotency-Key', 'k-jinshui-1').send(body).expect(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect({ ...again.body, replayed: false }).toEqual(first.body);
    const id = first.body.item.issueId;
    const history = await t.as('auditor', '市审计局').get(`/api/v1/issues/${id}/history`).expect(200);
    expect(history.body).toHaveLength(1);

    // a share action retried after its response was lost
    await supervisor().post(`/api/v1/issues/${id}/assign`).set('Idempotency-Key', 'assign-1').send({ unitId: '金水区' }).expect(200);
    await unit('金水区').post(`/api/v1/issues/${id}/acknowledge`).set('Idempotency-Key', 'ack-1').send({}).expect(200);
    const ack2 = await unit('金水区').post(`/api/v1/issues/${id}/acknowledge`).set('Idempotency-Key', 'ack-1').send({}).expect(200);
    expect(ack2.body).toMatchObject({ version: 2, replayed: true });
    // the same key from another user is another command
    const other = await t.as('unit', '金水区', '另一位联络员').post('/api/v1/issues').set('Idempotency-Key', 'k-jinshui-1').send(body).expect(201);
    expect(other.body.item.issueId).not.toBe(id);
    expect((await t.as('auditor', '市审计局').get(`/api/v1/issues/${id}/history`).expect(200)).body).toHaveLength(3);
  });
});
