import { taskIdFor } from '@duban/application';
import { ProjectionRunner } from '@duban/projections';
import { example } from '@duban/importer/testing/examples';
import { enc, OFFICE, startTestApp, TestApp } from './support/test-app';

/**
 * One item of a document is one task, whichever road registered it: the
 * importer writes 一/（三）/1, a hand may write 三/1 (another path, so another
 * task id). POST /tasks refuses a new task whose 文号 and title (trimmed) match
 * another task's: 409 DuplicateItem naming it, nothing written. Real stack:
 * the import and the POST go through the api, the check reads the items read
 * model right after the import answered (no minPosition: the api waits itself).
 */
describe('POST /tasks: the same item under another path', () => {
  let t: TestApp;
  beforeAll(async () => (t = await startTestApp()));
  afterAll(() => t.close());

  const DOC = '郑政办〔2026〕8号';
  const IMPORTED = taskIdFor(DOC, '一/（三）/1');
  const sup = () => t.as('supervisor', OFFICE, '张督查');
  const byHand = (fields: Record<string, unknown>) => ({
    docNumber: DOC,
    itemPath: '三/1',
    text: '按手工台账登记',
    leadUnits: ['市工信局'],
    responsibleUnits: ['中牟县'],
    deadline: '2026-12-31T23:59:59+08:00',
    ...fields,
  });
  let title: string;

  it('imports the work plan; its 一/（三）/1 has a title', async () => {
    const commit = await sup()
      .post('/api/v1/imports/commit')
      .send({ text: example('workPlan'), fileName: 'workPlan.txt', defaultDeadline: 'year-end', effectiveAt: 'document', confirm: true })
      .expect(200);
    expect(commit.body.written.length).toBeGreaterThan(0);
    const task = await sup().get(`/api/v1/tasks/${IMPORTED}`).expect(200);
    title = task.body.item.title;
    expect(title.length).toBeGreaterThan(0);
  });

  it('refuses 三/1 with the imported title (whitespace around it too): 409 naming 一/（三）/1, nothing written', async () => {
    for (const [key, written] of [['dup-1', title], ['dup-2', `　${title} \n`]] as const) {
      const r = await sup().post('/api/v1/tasks').set('Idempotency-Key', key).send(byHand({ title: written }));
      expect(r.status).toBe(409);
      expect(r.body).toMatchObject({ refusal: 'DuplicateItem', existingTaskId: IMPORTED, existingItemPath: '一/（三）/1' });
      expect(r.body.message).toContain('一/（三）/1');
    }
    await sup().get(`/api/v1/tasks/${taskIdFor(DOC, '三/1')}`).expect(404);
    // the same title in another document is another item
    await sup().post('/api/v1/tasks').send(byHand({ docNumber: '郑政办〔2026〕9号', title })).expect(201);
  });

  it('registers 三/1 with another title (201); the same POST retried with its key replays the 201', async () => {
    const body = byHand({ title: '手工登记的另一事项' });
    const first = await sup().post('/api/v1/tasks').set('Idempotency-Key', 'other-title').send(body).expect(201);
    expect(first.body).toMatchObject({ replayed: false, item: { taskId: taskIdFor(DOC, '三/1'), itemPath: '三/1' } });
    const retry = await sup().post('/api/v1/tasks').set('Idempotency-Key', 'other-title').send(body).expect(201);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.body).toMatchObject({ replayed: true, version: first.body.version, position: first.body.position });
    // the registration it made now blocks the same title under a third path
    const third = await sup().post('/api/v1/tasks').send(byHand({ itemPath: '一/（三）/9', title: ' 手工登记的另一事项' })).expect(409);
    expect(third.body).toMatchObject({ refusal: 'DuplicateItem', existingTaskId: taskIdFor(DOC, '三/1'), existingItemPath: '三/1' });
  });

  it('a hand registration seen at once by the next POST (read your writes without minPosition)', async () => {
    const bodies = [1, 2].map((n) => byHand({ itemPath: `七/${n}`, title: '紧接着登记的事项' }));
    await sup().post('/api/v1/tasks').send(bodies[0]).expect(201);
    const second = await sup().post('/api/v1/tasks').send(bodies[1]).expect(409);
    expect(second.body).toMatchObject({ refusal: 'DuplicateItem', existingItemPath: '七/1' });
  });
});

/**
 * A registration that was new when it was made stays a replay when retried,
 * even after another task with its title appeared (here: the importer, which
 * registers by path, wrote the same item as 一/（三）/1 in between).
 */
describe('POST /tasks retried after a same-titled task appeared', () => {
  let t: TestApp;
  beforeAll(async () => (t = await startTestApp()));
  afterAll(() => t.close());

  it('replays the first 201', async () => {
    const sup = () => t.as('supervisor', OFFICE, '张督查');
    const doc = { text: example('workPlan'), fileName: 'workPlan.txt', defaultDeadline: 'year-end', effectiveAt: 'document' };
    const preview = await sup().post('/api/v1/imports/preview').send(doc).expect(200);
    const title = preview.body.preview.items.find((i: { path: string }) => i.path === '一/（三）/1').title;
    const body = { docNumber: '郑政办〔2026〕8号', itemPath: '三/1', title, text: '手工', leadUnits: ['市工信局'], responsibleUnits: ['中牟县'], deadline: '2026-12-31T23:59:59+08:00' };
    const first = await sup().post('/api/v1/tasks').set('Idempotency-Key', 'before-import').send(body).expect(201);
    await sup().post('/api/v1/imports/commit').send({ ...doc, confirm: true }).expect(200);
    await sup().get(`/api/v1/tasks/${taskIdFor('郑政办〔2026〕8号', '一/（三）/1')}`).expect(200);
    const retry = await sup().post('/api/v1/tasks').set('Idempotency-Key', 'before-import').send(body);
    expect(retry.status).toBe(201);
    expect(retry.body).toMatchObject({ replayed: true, position: first.body.position });
  });
});

/** When the items read model cannot catch up, the check cannot be made: 503, nothing written, and a retry goes through. */
describe('POST /tasks while the items read model is stopped', () => {
  let t: TestApp;
  beforeAll(async () => (t = await startTestApp()));
  afterAll(() => t.close());

  it('answers 503 after 2 s instead of registering unchecked', async () => {
    const sup = () => t.as('supervisor', OFFICE, '张督查');
    const body = (n: number) => ({ docNumber: '郑政办〔2026〕8号', itemPath: `八/${n}`, title: `停机时登记的事项${n}`, text: '停机', leadUnits: ['市工信局'], responsibleUnits: ['中牟县'], deadline: '2026-12-31T23:59:59+08:00' });
    const runner = t.app.get(ProjectionRunner);
    await runner.stop();
    await sup().post('/api/v1/tasks').send(body(1)).expect(201); // an empty log: the read model is at its head
    const refused = await sup().post('/api/v1/tasks').set('Idempotency-Key', 'while-stopped').send(body(2));
    expect(refused.status).toBe(503);
    expect(refused.body.message).toContain('nothing was written');
    await sup().get(`/api/v1/tasks/${taskIdFor('郑政办〔2026〕8号', '八/2')}`).expect(404);
    await runner.start();
    await sup().post('/api/v1/tasks').set('Idempotency-Key', 'while-stopped').send(body(2)).expect(201);
  });
});

/** Unit ids in a share's URL are resolved like the units of a command's body: an alias addresses its unit's share. */
describe('a share addressed by a unit alias in the URL', () => {
  let t: TestApp;
  beforeAll(async () => (t = await startTestApp()));
  afterAll(() => t.close());

  const sup = () => t.as('supervisor', OFFICE, '张督查');
  const ALIAS = '中牟县人民政府'; // a global alias of 中牟县

  it('assigns, acknowledges and reports on the canonical share through the alias; an unknown name is a 404 naming it', async () => {
    const reg = await sup()
      .post('/api/v1/tasks')
      .send({
        docNumber: '郑政办〔2021〕34号',
        itemPath: '一/（三）/1',
        title: '全年新开工20个以上小微企业园',
        text: '全年新开工20个以上小微企业园。',
        leadUnits: ['市工信局'],
        responsibleUnits: ['中牟县', '郑东新区'],
        deadline: '2026-12-31T23:59:59+08:00',
      })
      .expect(201);
    const id = reg.body.item.taskId;

    const assigned = await sup().post(`/api/v1/tasks/${id}/shares/${enc(ALIAS)}/assign`).send({}).expect(200);
    expect(assigned.body.item.shares['中牟县'].status).toBe('assigned');
    expect(assigned.body.item.shares[ALIAS]).toBeUndefined();
    await t.as('unit', '中牟县').post(`/api/v1/tasks/${id}/shares/${enc(ALIAS)}/acknowledge`).send({}).expect(200);
    await t.as('unit', '中牟县').post(`/api/v1/tasks/${id}/shares/${enc(' 中牟县 ')}/progress`).send({ percent: 40, narrative: '已开工' }).expect(200);
    const task = await sup().get(`/api/v1/tasks/${id}`).expect(200);
    expect(task.body.item.shares['中牟县']).toMatchObject({ status: 'in_progress', percent: 40 });
    expect(task.body.item.shares['郑东新区'].status).toBe('registered');
    // the own-unit rule holds through an alias: 郑东新区 cannot act on 中牟县's share however it is written
    await t.as('unit', '郑东新区').post(`/api/v1/tasks/${id}/shares/${enc(ALIAS)}/progress`).send({ percent: 50, narrative: 'x' }).expect(403);

    for (const name of ['火星县', '四处', '各开发区、区县(市)']) {
      const r = await sup().post(`/api/v1/tasks/${id}/shares/${enc(name)}/assign`).send({});
      expect(r.status).toBe(404);
      expect(r.body).toMatchObject({ unknownUnit: name });
      expect(r.body.message).toContain(name);
    }
    expect((await sup().get(`/api/v1/tasks/${id}`)).body.version).toBe(task.body.version);
  });
});
