import { enc, OFFICE, startTestApp, TestApp } from './support/test-app';

/** 50 parallel commands on one share: no lost update, and exactly one winner where only one can win. */
describe('concurrent commands on one share', () => {
  let t: TestApp;
  let id: string;
  const u = '二七区';
  beforeAll(async () => {
    t = await startTestApp();
    const reg = await t
      .as('supervisor', OFFICE)
      .post('/api/v1/tasks')
      .send({
        docNumber: '郑政〔2021〕12号',
        itemPath: '二/3',
        title: '并发测试事项',
        text: '并发测试',
        leadUnits: ['市工信局'],
        responsibleUnits: [u, '金水区'],
        deadline: '2026-12-31T23:59:59+08:00',
      })
      .expect(201);
    id = reg.body.item.taskId;
    await t.as('supervisor', OFFICE).post(`/api/v1/tasks/${id}/shares/${enc(u)}/assign`).send({}).expect(200);
    await t.as('unit', u).post(`/api/v1/tasks/${id}/shares/${enc(u)}/acknowledge`).send({}).expect(200);
  });
  afterAll(() => t.close());

  it('applies 50 parallel progress reports exactly once each (retry on conflict, no lost update)', async () => {
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        t.as('unit', u).post(`/api/v1/tasks/${id}/shares/${enc(u)}/progress`).send({ percent: i * 2, narrative: `第${i}次报送` }),
      ),
    );
    expect(results.map((r) => r.status)).toEqual(Array(50).fill(200));
    const versions = results.map((r) => r.body.version).sort((a, b) => a - b);
    expect(new Set(versions).size).toBe(50); // each landed at its own version
    const got = await t.as('supervisor', OFFICE).get(`/api/v1/tasks/${id}`).expect(200);
    expect(got.body.item.shares[u].progressReports).toBe(50);
    expect(got.body.version).toBe(versions[49]);
  });

  it('lets exactly one of 50 parallel approvals win; the others see the closed state (409)', async () => {
    await t.as('unit', u).post(`/api/v1/tasks/${id}/shares/${enc(u)}/submit`).send({ summary: '完成', evidence: [{ ref: 'x' }] }).expect(200);
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) => t.as('supervisor', OFFICE, `督查员${i}`).post(`/api/v1/tasks/${id}/shares/${enc(u)}/approve`).send({})),
    );
    const ok = results.filter((r) => r.status === 200);
    const refused = results.filter((r) => r.status === 409);
    expect(ok).toHaveLength(1);
    expect(refused).toHaveLength(49);
    for (const r of refused) expect(r.body).toMatchObject({ refusal: 'IllegalTransition', currentStatus: 'closed' });
    const history = await t.as('auditor', '市审计局').get(`/api/v1/tasks/${id}/history`).expect(200);
    expect(history.body.filter((e: { type: string }) => e.type === 'task.share.completion_approved.v1')).toHaveLength(1);
  });
});
