import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { taskIdFor } from '@duban/application';
import { targetIdFor } from '@duban/domain/target';
import { SqliteEventStore } from '@duban/eventstore';
import { buildDocx, SEED_000_ANNEX, seedBlocks } from '@duban/importer/testing/docx-fixture';
import { example } from '@duban/importer/testing/examples';
import type { ExampleName } from '@duban/importer/testing/examples';
import { describeWithSeeds, seed } from '@duban/importer/testing/seeds';
import { OFFICE, startTestApp, TestApp } from './support/test-app';

/**
 * POST /imports/preview and /imports/commit on the real stack (SQLite store in
 * a temp dir, real guards, the CommandBus handlers): with the project's example
 * documents, always; with the seed documents when DUBAN_SEEDS_DIR names them.
 */
/** The store's head position, read from the same file by a second connection (the api writes in WAL mode). */
async function headOf(t: TestApp): Promise<bigint> {
  const store = new SqliteEventStore({ file: join(t.dataDir, 'duban.db') });
  try {
    return (await store.verify()).head?.position ?? 0n;
  } finally {
    await store.close();
  }
}

describe('imports over HTTP, with the example documents', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.close();
  });
  const sup = () => t.as('supervisor', OFFICE, '张督查');
  const head = () => headOf(t);
  const body = (name: ExampleName, extra: Record<string, unknown> = {}) => ({
    text: example(name),
    fileName: `${name}.txt`,
    defaultDeadline: 'year-end',
    effectiveAt: 'document',
    ...extra,
  });
  const id = taskIdFor('郑政办〔2026〕8号', '一/（三）/1');

  it('preview: the preview and the plan, nothing written', async () => {
    const r = await sup().post('/api/v1/imports/preview').send(body('workPlan'));
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      fileName: 'workPlan.txt',
      preview: { format: 'duban.import-preview/1', summary: { items: 6, targetRows: 18 } },
      plan: {
        format: 'duban.import-plan/1',
        effectiveAt: '2026-02-27T00:00:00+08:00',
        actor: { userId: '张督查', role: 'supervisor' },
        summary: { tasks: { register: 6, unchanged: 0, amended: 0, notRegistrable: 0 }, targets: { register: 18 } },
      },
    });
    expect(r.body.plan.tasks.find((x: { path: string }) => x.path === '二/（四）')).toMatchObject({ filled: ["lead: the document's 主办 市工信局"] });
    expect((await sup().get(`/api/v1/tasks/${id}`)).status).toBe(404);
    expect(await head()).toBe(0n);
  });

  it('refuses the roles that may not import, a commit without confirm, and bad input', async () => {
    expect((await t.as(null).post('/api/v1/imports/preview').send(body('workPlan'))).status).toBe(401);
    expect((await t.as('unit', '郑东新区').post('/api/v1/imports/preview').send(body('workPlan'))).status).toBe(403);
    expect((await t.as('admin').post('/api/v1/imports/commit').send(body('workPlan', { confirm: true }))).status).toBe(403);
    const unconfirmed = await sup().post('/api/v1/imports/commit').send(body('workPlan'));
    expect(unconfirmed.status).toBe(400);
    expect(JSON.stringify(unconfirmed.body.message)).toContain('confirm must be true');
    expect((await sup().post('/api/v1/imports/preview').send(body('workPlan', { defaultDeadline: 'soon' }))).status).toBe(400);
    const future = await sup().post('/api/v1/imports/preview').send(body('workPlan', { effectiveAt: '2999-01-01T00:00:00+08:00' }));
    expect(future.status).toBe(422);
    expect((await sup().post('/api/v1/imports/preview').send(body('workPlan', { docNumbr: 'x' }))).status).toBe(400);
    expect(await head()).toBe(0n);
  });

  it('null in an optional field is a 400 naming the field, not a 500, on preview and commit; nothing is written', async () => {
    const fields: Array<[string, string]> = [
      ['docNumber', 'docNumber must be a string'],
      ['scope', 'scope must be a string'],
      ['fileName', 'fileName must be a string'],
      ['defaultDeadline', 'defaultDeadline must be a string'],
      ['effectiveAt', 'effectiveAt must be a string'],
      ['acceptAmendments', 'acceptAmendments must be a boolean value'],
      ['docxBase64', 'docxBase64 must be base64 encoded'],
    ];
    for (const path of ['/api/v1/imports/preview', '/api/v1/imports/commit']) {
      for (const [field, message] of fields) {
        const r = await sup().post(path).send(body('workPlan', { ...(path.endsWith('commit') ? { confirm: true } : {}), [field]: null }));
        expect({ path, field, status: r.status }).toEqual({ path, field, status: 400 });
        expect(r.headers['content-type']).toMatch(/^application\/json/);
        expect(JSON.stringify(r.body.message)).toContain(message);
      }
      const withoutText = await sup().post(path).send({ docxBase64: null, ...(path.endsWith('commit') ? { confirm: true } : {}) });
      expect(withoutText.status).toBe(400);
    }
    expect(await head()).toBe(0n);
  });

  it('commit: registers the tasks and sets the targets; a retry with the same key is replayed; a re-import writes nothing', async () => {
    const r = await sup().post('/api/v1/imports/commit').set('Idempotency-Key', 'import-01-a').send(body('workPlan', { confirm: true }));
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      format: 'duban.import-report/1',
      docNumber: '郑政办〔2026〕8号',
      counts: { tasks: { written: 6, failed: 0 }, targets: { written: 18, failed: 0 }, events: 24 },
      errors: [],
    });
    expect(await head()).toBe(24n);
    const task = await sup().get(`/api/v1/tasks/${id}`);
    expect(task.body.item).toMatchObject({ itemPath: '一/（三）/1', leadUnits: ['市工信局'], deadline: '2026-12-31T23:59:59+08:00', target: { value: 1000, unit: '家', comparator: '>=' } });
    const target = await sup().get(`/api/v1/targets/${targetIdFor('郑东新区', 2026, '上云企业')}`);
    expect(target.body.item).toMatchObject({ value: 260, unitOfMeasure: '家', sourceDocument: { docNumber: '郑政办〔2026〕8号' } });

    const retry = await sup().post('/api/v1/imports/commit').set('Idempotency-Key', 'import-01-a').send(body('workPlan', { confirm: true }));
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.body.counts).toMatchObject({ tasks: { written: 6 }, events: 0 });
    const again = await sup().post('/api/v1/imports/commit').send(body('workPlan', { confirm: true }));
    expect(again.body.counts).toMatchObject({ tasks: { written: 0, unchanged: 6 }, targets: { written: 0, unchanged: 18 }, events: 0 });
    expect(await head()).toBe(24n);
  });

  it('reports the items that cannot be registered, with the reasons, and writes the rest', async () => {
    const r = await sup().post('/api/v1/imports/commit').send(body('divisionTable', { confirm: true }));
    expect(r.body.counts.tasks).toEqual({ written: 5, unchanged: 0, skipped: 2, failed: 0 });
    expect(r.body.skipped[0]).toMatchObject({ path: '二/（一）/1', reason: expect.stringContaining('牵头单位 written as "各产业集聚区" does not resolve') });
  });

  it('a .docx sent as docxBase64 gives the preview and the plan of its text', async () => {
    const fromText = await sup().post('/api/v1/imports/preview').send(body('parentheses'));
    const { text, ...rest } = body('parentheses', { fileName: 'parentheses.docx' });
    const fromDocx = await sup().post('/api/v1/imports/preview').send({ ...rest, docxBase64: (await buildDocx(seedBlocks(text))).toString('base64') });
    expect(fromDocx.status).toBe(200);
    expect(fromDocx.body.extraction).toEqual({ format: 'docx', warnings: [] });
    expect(fromDocx.body.preview).toEqual(fromText.body.preview);
    expect(fromDocx.body.plan).toEqual(fromText.body.plan);
  });
});

describe('an item registered by hand, then its document imported', () => {
  let t: TestApp;
  beforeAll(async () => (t = await startTestApp()));
  afterAll(() => t.close());
  const sup = () => t.as('supervisor', OFFICE, '张督查');

  it('the hand path is normalised to the importer\'s form (一/(三)/1. → 一/（三）/1): the import finds the task, no second item', async () => {
    const registered = await sup()
      .post('/api/v1/tasks')
      .send({
        docNumber: '郑政办〔2026〕8号',
        itemPath: ' 一/(三)/1. ',
        title: '全年完成数字化诊断的企业1000家以上',
        text: '全年完成数字化诊断的企业1000家以上。',
        leadUnits: ['市工信局'],
        responsibleUnits: ['郑州航空港区'],
        deadline: '2026-12-31T23:59:59+08:00',
        effectiveAt: '2026-02-27T00:00:00+08:00',
      });
    expect(registered.status).toBe(201);
    const id = taskIdFor('郑政办〔2026〕8号', '一/（三）/1');
    const task = await sup().get(`/api/v1/tasks/${id}`);
    expect(task.status).toBe(200);
    expect(task.body.item.itemPath).toBe('一/（三）/1');

    const preview = await sup().post('/api/v1/imports/preview').send({ text: example('workPlan'), defaultDeadline: 'year-end', effectiveAt: 'document' });
    expect(preview.body.plan.summary.tasks).toMatchObject({ register: 5, amended: 1 });
    expect(preview.body.plan.tasks.find((x: { path: string }) => x.path === '一/（三）/1')).toMatchObject({ action: 'amended', taskId: id });
  });
});

describeWithSeeds('imports over HTTP, with the seed documents', () => {
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
      deadline: '2021-12-31T23:59:59+08:00',
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

  it('an amended document: the preview shows the diff; the commit writes it only with acceptAmendments; a re-import is unchanged', async () => {
    const text = seed('000');
    const start = text.indexOf('1.全年新开工20个以上小微企业园。');
    const end = text.indexOf('2.推动2000家以上小微企业入园集聚发展。');
    const edited = text.slice(start, end).replace('完成时限:2021年12月', '完成时限:2021年11月').replace('牵头单位:市工信局', '牵头单位:市科技局');
    const amended = { ...body('000'), fileName: '000-修订.txt', text: text.slice(0, start) + edited + text.slice(end) };
    const before = await head();

    const preview = await sup().post('/api/v1/imports/preview').send({ ...amended, acceptAmendments: true });
    expect(preview.body.plan.summary.tasks).toEqual({ register: 0, unchanged: 43, amended: 1, notRegistrable: 0 });
    const changed = preview.body.plan.tasks.find((x: { path: string }) => x.path === '一/（三）/1');
    expect(changed.changes).toEqual([
      { field: 'leadUnits', before: ['市工信局'], after: ['市科技局'], added: ['市科技局'], removed: ['市工信局'] },
      { field: 'deadline', before: '2021-12-31T23:59:59+08:00', after: '2021-11-30T23:59:59+08:00' },
    ]);
    expect(changed.amendment).toMatchObject({
      commandId: expect.stringMatching(/^import:郑政办〔2021〕34号:一\/（三）\/1:amend:1:[0-9a-f]{16}$/),
      command: { type: 'AmendTask', data: { taskId: id000, leadUnits: ['市科技局'], deadline: '2021-11-30T23:59:59+08:00', reason: 're-import of 郑政办〔2021〕34号 (000-修订.txt)' } },
    });

    // without acceptance: shown, not written
    const shown = await sup().post('/api/v1/imports/commit').send({ ...amended, confirm: true });
    expect(shown.body.skipped).toEqual([
      expect.objectContaining({ path: '一/（三）/1', reason: expect.stringContaining('amended in the document: not written'), changes: changed.changes }),
    ]);
    expect(await head()).toBe(before);

    // with acceptance: task.amended.v1, once (a retry with the same key is replayed)
    const commit = await sup().post('/api/v1/imports/commit').set('Idempotency-Key', 'import-000-amended').send({ ...amended, confirm: true, acceptAmendments: true });
    expect(commit.status).toBe(200);
    expect(commit.body.skipped).toEqual([]);
    expect(commit.body.written).toEqual([
      expect.objectContaining({ path: '一/（三）/1', outcome: 'written', events: ['task.amended.v1'], changes: changed.changes, replayed: false }),
    ]);
    expect(commit.body.counts).toMatchObject({ tasks: { written: 1, unchanged: 43 }, targets: { unchanged: 64 }, events: 1 });
    expect(await head()).toBe(before + 1n);
    const task = await sup().get(`/api/v1/tasks/${id000}`);
    expect(task.body).toMatchObject({ version: 1, item: { leadUnits: ['市科技局'], deadline: '2021-11-30T23:59:59+08:00', amendmentCount: 1 } });
    const history = await sup().get(`/api/v1/tasks/${id000}/history`);
    expect(JSON.stringify(history.body)).toContain(changed.amendment.commandId);
    expect(JSON.stringify(history.body)).toContain('"from":["市工信局"],"to":["市科技局"]');

    const retry = await sup().post('/api/v1/imports/commit').set('Idempotency-Key', 'import-000-amended').send({ ...amended, confirm: true, acceptAmendments: true });
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.body.written).toEqual([expect.objectContaining({ path: '一/（三）/1', replayed: true })]);
    expect(retry.body.counts.events).toBe(0);

    // a re-import of the amended document: unchanged everywhere, nothing written
    const again = await sup().post('/api/v1/imports/preview').send({ ...amended, acceptAmendments: true });
    expect(again.body.plan.summary.tasks).toEqual({ register: 0, unchanged: 44, amended: 0, notRegistrable: 0 });
    const recommit = await sup().post('/api/v1/imports/commit').send({ ...amended, confirm: true, acceptAmendments: true });
    expect(recommit.body.counts).toMatchObject({ tasks: { written: 0, unchanged: 44 }, targets: { written: 0, unchanged: 64 }, events: 0 });
    expect(await head()).toBe(before + 1n);
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

  it('a .docx sent as docxBase64: the preview and the plan of its text; a commit registers what the text would', async () => {
    /** The body of `body(prefix)` with the document as a .docx built from the seed (seed 000: its annex a real Word table). */
    const docxBody = async (prefix: string, extra: Record<string, unknown> = {}) => {
      const { text: _text, ...rest } = body(prefix, { fileName: `${prefix}.docx`, ...extra });
      const docx = await buildDocx(seedBlocks(seed(prefix), prefix === '000' ? [SEED_000_ANNEX] : []));
      return { ...rest, docxBase64: docx.toString('base64') };
    };

    // seed 003: the .docx gives back the very text, so the very preview and plan
    const fromText = await sup().post('/api/v1/imports/preview').send(body('003'));
    const fromDocx = await sup().post('/api/v1/imports/preview').send(await docxBody('003'));
    expect(fromDocx.status).toBe(200);
    expect(fromDocx.body.fileName).toBe('003.docx');
    expect(fromDocx.body.extraction).toEqual({ format: 'docx', warnings: [] });
    expect(fromText.body.extraction).toEqual({ format: 'text', warnings: [] });
    expect(fromDocx.body.preview).toEqual(fromText.body.preview);
    expect(fromDocx.body.plan).toEqual(fromText.body.plan);

    // seed 000: the annex is a Word table (its rows move up), the items and the plan's counts are the text's
    const text000 = await sup().post('/api/v1/imports/preview').send(body('000'));
    const docx000 = await sup().post('/api/v1/imports/preview').send(await docxBody('000'));
    expect(docx000.status).toBe(200);
    expect(docx000.body.preview.items).toEqual(text000.body.preview.items);
    expect(docx000.body.preview.summary).toEqual(text000.body.preview.summary);
    expect(docx000.body.plan.summary).toEqual(text000.body.plan.summary);

    // committed from the .docx, the text finds everything unchanged
    const before = await head();
    const commit = await sup().post('/api/v1/imports/commit').send(await docxBody('003', { confirm: true }));
    expect(commit.status).toBe(200);
    expect(commit.body).toMatchObject({ fileName: '003.docx', errors: [] });
    expect(commit.body.counts.tasks.written).toBe(fromText.body.plan.summary.tasks.register);
    const again = await sup().post('/api/v1/imports/preview').send(body('003'));
    expect(again.body.plan.summary.tasks).toMatchObject({ register: 0, unchanged: commit.body.counts.tasks.written });
    expect(await head()).toBeGreaterThan(before);
  });

  it('refuses a .docx upload that is ambiguous, not base64, not a .docx, empty, or too large', async () => {
    const before = await head();
    const docx = (await buildDocx(seedBlocks(seed('003')))).toString('base64');
    const both = await sup().post('/api/v1/imports/preview').send({ text: seed('003'), docxBase64: docx });
    expect(both.status).toBe(400);
    expect(JSON.stringify(both.body.message)).toContain('exactly one of text (plain text) and docxBase64');
    const neither = await sup().post('/api/v1/imports/preview').send({ fileName: 'x.docx' });
    expect(neither.status).toBe(400);
    expect(JSON.stringify(neither.body.message)).toContain('exactly one of text');
    expect((await sup().post('/api/v1/imports/preview').send({ docxBase64: 'not base64 at all!' })).status).toBe(400);

    const garbage = await sup().post('/api/v1/imports/preview').send({ docxBase64: Buffer.from('PK\u0003\u0004').toString('base64'), fileName: '通知.docx' });
    expect(garbage.status).toBe(422);
    expect(garbage.body).toMatchObject({ importError: 'invalid-docx', message: expect.stringMatching(/^通知\.docx: not a \.docx document: /) });
    const plain = await sup().post('/api/v1/imports/preview').send({ docxBase64: Buffer.from(seed('003')).toString('base64') });
    expect(plain.body).toMatchObject({ statusCode: 422, importError: 'invalid-docx', message: expect.stringContaining('docxBase64: not a .docx document: not a zip archive') });
    const blank = await sup().post('/api/v1/imports/preview').send({ docxBase64: (await buildDocx([{ kind: 'p', text: '' }])).toString('base64') });
    expect(blank.status).toBe(422);
    expect(blank.body).toMatchObject({ importError: 'empty' });

    // over the body limit (256 KB) before anything runs, as a long text is; and a small .docx holding more text than a text body may
    const huge = await sup().post('/api/v1/imports/preview').send({ docxBase64: randomBytes(200_000).toString('base64') });
    expect(huge.status).toBe(413);
    const long = await buildDocx(Array.from({ length: 210 }, () => ({ kind: 'p' as const, text: '郑'.repeat(1000) })));
    expect(long.length).toBeLessThan(50_000);
    const tooLong = await sup().post('/api/v1/imports/preview').send({ docxBase64: long.toString('base64') });
    expect(tooLong.status).toBe(413);
    expect(tooLong.body.message).toContain('more than the 200000 a request may carry');
    expect(await head()).toBe(before);
  });
});
