import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { taskIdFor } from '@duban/application';
import { targetIdFor } from '@duban/domain/target';
import { SqliteEventStore } from '@duban/eventstore';
import { OFFICE, startTestApp, TestApp } from './support/test-app';

/**
 * POST /imports/preview and /imports/commit on the real stack (SQLite store in
 * a temp dir, real guards, the CommandBus handlers), with the seed documents.
 */
const seeds = join(__dirname, '..', '..', '..', 'shared', 'seeds');
const seed = (prefix: string): string => {
  if (!existsSync(seeds)) throw new Error(`The seed documents are missing: expected ${seeds} (shared/ beside the repository)`);
  const file = readdirSync(seeds).find((f) => f.startsWith(`${prefix}_`));
  if (file === undefined) throw new Error(`no seed ${prefix}_*.txt in ${seeds}`);
  return readFileSync(join(seeds, file), 'utf8');
};

describe('imports over HTTP', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  const sup = () => t.as('supervisor', OFFICE, '张督查');
  /** The store's head position, read from the same file by a second connection (the api writes in WAL mode). */
  const head = async (): Promise<bigint> => {
    const store = new SqliteEventStore({ file: join(t.dataDir, 'duban.db') });
    try {
      return (await store.verify()).head?.position ?? 0n;
    } finally {
      await store.close();
    }
  };
  const body = (prefix: string, extra: Record<string, unknown> = {}) => ({
    text: seed(prefix),
    fileName: `${prefix}.txt`,
    defaultDeadline: 'year-end',
    effectiveAt: 'document',
    ...extra,
  });
  const id000 = taskIdFor('郑政办〔2021〕34号', '一/（三）/1');

  it('preview: the preview and the plan, nothing written (supervisor and admin)', async () => {
    const r = await sup().post('/api/v1/imports/preview').send(body('000'));
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      fileName: '000.txt',
      preview: { format: 'duban.import-preview/1', summary: { items: 44, targetRows: 64 } },
      plan: {
        format: 'duban.import-plan/1',
        effectiveAt: '2021-04-30T00:00:00+08:00',
        actor: { userId: '张督查', role: 'supervisor' },
        summary: { tasks: { register: 44, unchanged: 0, amended: 0, notRegistrable: 0 }, targets: { register: 64 } },
      },
    });
    expect(r.body.plan.tasks.find((x: { path: string }) => x.path === '一/（四）')).toMatchObject({ filled: ["lead: the document's 主办 市工信局"] });
    const admin = await t.as('admin', OFFICE, 'admin-1').post('/api/v1/imports/preview').send(body('003'));
    expect(admin.status).toBe(200);
    expect(admin.body.plan.summary.tasks.register).toBe(22);
    expect((await sup().get(`/api/v1/tasks/${id000}`)).status).toBe(404);
    expect(await head()).toBe(0n);
  });

  it('refuses the roles that may not import, a commit without confirm, and bad input', async () => {
    expect((await t.as(null).post('/api/v1/imports/preview').send(body('000'))).status).toBe(401);
    expect((await t.as('unit', '郑东新区').post('/api/v1/imports/preview').send(body('000'))).status).toBe(403);
    expect((await t.as('auditor').post('/api/v1/imports/preview').send(body('000'))).status).toBe(403);
    expect((await t.as('admin').post('/api/v1/imports/commit').send(body('000', { confirm: true }))).status).toBe(403);

    const unconfirmed = await sup().post('/api/v1/imports/commit').send(body('000'));
    expect(unconfirmed.status).toBe(400);
    expect(JSON.stringify(unconfirmed.body.message)).toContain('confirm must be true');
    expect((await sup().post('/api/v1/imports/commit').send(body('000', { confirm: 'yes' }))).status).toBe(400);

    const badDeadline = await sup().post('/api/v1/imports/preview').send(body('000', { defaultDeadline: 'soon' }));
    expect(badDeadline.status).toBe(400);
    const empty = await sup().post('/api/v1/imports/preview').send({ text: '   ' });
    expect(empty.status).toBe(422);
    expect(empty.body).toMatchObject({ importError: 'empty' });
    const latin = await sup().post('/api/v1/imports/preview').send({ text: 'This is an English memo, not a policy document at all.' });
    expect(latin.body).toMatchObject({ statusCode: 422, importError: 'not-chinese' });
    const future = await sup().post('/api/v1/imports/preview').send(body('000', { effectiveAt: '2999-01-01T00:00:00+08:00' }));
    expect(future.status).toBe(422);
    expect(future.body.message).toContain('lies in the future');
    const unknownField = await sup().post('/api/v1/imports/preview').send(body('000', { docNumbr: 'x' }));
    expect(unknownField.status).toBe(400);
    // the global body limit (256 KB) holds: the document goes as text, ≈85,000 Chinese characters at most
    const huge = await sup().post('/api/v1/imports/preview').send({ text: '郑'.repeat(100_000) });
    expect(huge.status).toBe(413);
    expect(await head()).toBe(0n);
  });

  it('commit: registers the tasks and sets the targets through the CommandBus; a retry with the same key is replayed', async () => {
    const r = await sup().post('/api/v1/imports/commit').set('Idempotency-Key', 'import-000-a').send(body('000', { confirm: true }));
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      format: 'duban.import-report/1',
      fileName: '000.txt',
      docNumber: '郑政办〔2021〕34号',
      actor: { userId: '张督查', unitId: OFFICE, role: 'supervisor' },
      counts: { tasks: { written: 44, failed: 0 }, targets: { written: 64, failed: 0 }, events: 108 },
      errors: [],
    });
    expect(await head()).toBe(108n);

    const task = await sup().get(`/api/v1/tasks/${id000}`);
    expect(task.status).toBe(200);
    expect(task.body.item).toMatchObject({
      itemPath: '一/（三）/1',
      leadUnits: ['市工信局'],
      deadline: '2021-12-31T15:59:59.000Z',
      target: { value: 20, unit: '个', comparator: '>=' },
      supervisingOffice: OFFICE,
    });
    const history = await sup().get(`/api/v1/tasks/${id000}/history`);
    expect(JSON.stringify(history.body)).toContain('import:郑政办〔2021〕34号:一/（三）/1');
    const target = await sup().get(`/api/v1/targets/${targetIdFor('郑东新区', 2021, '集聚入园企业')}`);
    expect(target.status).toBe(200);
    expect(target.body.item).toMatchObject({ value: 200, unitOfMeasure: '家', sourceDocument: { docNumber: '郑政办〔2021〕34号' } });

    const retry = await sup().post('/api/v1/imports/commit').set('Idempotency-Key', 'import-000-a').send(body('000', { confirm: true }));
    expect(retry.status).toBe(200);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.body.counts).toMatchObject({ tasks: { written: 44 }, targets: { written: 64 }, events: 0 });
    expect(retry.body.written.every((e: { replayed: boolean }) => e.replayed)).toBe(true);

    const again = await sup().post('/api/v1/imports/commit').send(body('000', { confirm: true }));
    expect(again.body.counts).toMatchObject({ tasks: { written: 0, unchanged: 44 }, targets: { written: 0, unchanged: 64 }, events: 0 });
    expect(again.headers['idempotent-replayed']).toBeUndefined();
    expect(await head()).toBe(108n);
  });

  it('an amended document: the preview shows the diff, the commit writes nothing', async () => {
    const text = seed('000');
    const start = text.indexOf('1.全年新开工20个以上小微企业园。');
    const end = text.indexOf('2.推动2000家以上小微企业入园集聚发展。');
    const edited = text.slice(start, end).replace('完成时限:2021年12月', '完成时限:2021年11月').replace('牵头单位:市工信局', '牵头单位:市科技局');
    const amended = { ...body('000'), text: text.slice(0, start) + edited + text.slice(end) };
    const before = await head();

    const preview = await sup().post('/api/v1/imports/preview').send(amended);
    expect(preview.body.plan.summary.tasks).toEqual({ register: 0, unchanged: 43, amended: 1, notRegistrable: 0 });
    const changed = preview.body.plan.tasks.find((x: { path: string }) => x.path === '一/（三）/1');
    expect(changed.changes).toEqual([
      { field: 'leadUnits', before: ['市工信局'], after: ['市科技局'], added: ['市科技局'], removed: ['市工信局'] },
      { field: 'deadline', before: '2021-12-31T15:59:59.000Z', after: '2021-11-30T15:59:59.000Z' },
    ]);

    const commit = await sup().post('/api/v1/imports/commit').send({ ...amended, confirm: true, acceptAmendments: true });
    expect(commit.status).toBe(200);
    expect(commit.body.skipped).toEqual([
      expect.objectContaining({ path: '一/（三）/1', reason: 'amendment not supported yet (the domain has no amend command)', changes: changed.changes }),
    ]);
    expect(commit.body.counts.events).toBe(0);
    expect(await head()).toBe(before);
    expect((await sup().get(`/api/v1/tasks/${id000}`)).body.item).toMatchObject({ leadUnits: ['市工信局'], deadline: '2021-12-31T15:59:59.000Z' });
  });

  it('reports the items that cannot be registered, with the reasons, and writes the rest', async () => {
    const r = await sup().post('/api/v1/imports/commit').send(body('002', { confirm: true }));
    expect(r.status).toBe(200);
    expect(r.body.counts.tasks).toEqual({ written: 11, unchanged: 0, skipped: 6, failed: 0 });
    expect(r.body.skipped[0]).toMatchObject({ path: '三/（一）/1', reason: expect.stringContaining('牵头单位 written as "各产业集聚区" does not resolve') });
    const draft = await sup().post('/api/v1/imports/preview').send({ text: seed('001') });
    expect(draft.body.plan.summary.tasks.notRegistrable).toBe(25);
    expect(draft.body.plan.tasks[0].reasons).toContain('no deadline: give --default-deadline');
  });
});
