/**
 * The bulletin (通报) of a period close over the real api: a month with
 * synthetic activity (中牟县 closes its item on time, 巩义市 lets it go
 * overdue) is closed; its bulletin reads as Markdown, HTML and .docx (opened
 * with mammoth: title, the four sections, the annex rows); a supervisor
 * publishes it (201) and publishing again is a replay; units and auditors may
 * not publish; a unit reads it only once published; bad ids, unclosed periods
 * and unknown revisions are refused with JSON and nothing written.
 */
import mammoth from 'mammoth';
import type request from 'supertest';
import type { TaskCommand } from '@duban/domain/task';
import { approveShare, reportShare, submitShare } from '@duban/projections/testing/fixtures';
import { closedMayWithActivity, GONGYI, runTaskCommand, ZHONGMU } from './support/bulletin-scenario';
import { startTestApp } from './support/test-app';
import type { TestApp } from './support/test-app';

const TITLE = '郑州市人民政府办公厅关于2021年5月份重点工作督查情况的通报';
const HEADINGS = ['一、总体情况', '二、通报表扬', '三、通报批评', '四、工作要求'];

let t: TestApp;
let ladderTaken: string[] = [];
let taskId = '';
const supervisor = () => t.as('supervisor');
const auditor = () => t.as('auditor', '市审计局');
const unit = (u: string) => t.as('unit', u);

/** supertest parser that keeps a binary body as a Buffer. */
const binary = (res: request.Response, done: (err: Error | null, body: Buffer) => void) => {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => done(null, Buffer.concat(chunks)));
};

beforeAll(async () => {
  t = await startTestApp();
  ({ taskId, ladder: ladderTaken } = await closedMayWithActivity(t));
}, 60_000);

afterAll(() => t.close());

const periodView = async () => (await supervisor().get('/api/v1/periods/2021-05').expect(200)).body;

describe('the bulletin of a close', () => {
  it('reads as Markdown by default: the title, the four sections, the red and black units and the anchor', async () => {
    const res = await supervisor().get('/api/v1/periods/2021-05/bulletin').expect(200);
    expect(res.headers['content-type']).toBe('text/markdown; charset=utf-8');
    expect(res.headers['x-bulletin-status']).toBe('draft');
    const md = res.text;
    expect(md).toContain(TITLE);
    for (const h of HEADINGS) expect(md).toContain(h);
    const close = (await periodView()).close;
    expect(close.groups.find((g: { group: string }) => g.group === '县市')).toMatchObject({ red: [ZHONGMU], black: [GONGYI] });
    const [praise, criticism] = [md.slice(md.indexOf('二、通报表扬'), md.indexOf('三、通报批评')), md.slice(md.indexOf('三、通报批评'), md.indexOf('四、工作要求'))];
    expect(praise).toContain(ZHONGMU);
    expect(criticism).toContain(GONGYI);
    expect(md).toContain(`duban verify --anchor ${close.headHash}@${close.position}`);
  });

  it('json gives the content hash, anchor and rule; the same close gives the same hash and the same docx bytes', async () => {
    const a = await auditor().get('/api/v1/periods/2021-05/bulletin?format=json').expect(200);
    expect(a.body).toMatchObject({ periodId: '2021-05', revision: 1, status: 'draft', verified: null, rule: 'duban-score-v2', published: [] });
    expect(a.body.contentSha256).toMatch(/^[0-9a-f]{64}$/);
    const b = await supervisor().get('/api/v1/periods/2021-05/bulletin?format=json&revision=1').expect(200);
    expect(b.body.contentSha256).toBe(a.body.contentSha256);
    const d1 = await supervisor().get('/api/v1/periods/2021-05/bulletin?format=docx').buffer(true).parse(binary).expect(200);
    const d2 = await supervisor().get('/api/v1/periods/2021-05/bulletin?format=docx').buffer(true).parse(binary).expect(200);
    expect(Buffer.compare(d1.body, d2.body)).toBe(0);
  });

  it('reads as HTML', async () => {
    const res = await auditor().get('/api/v1/periods/2021-05/bulletin?format=html').expect(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.text).toContain(TITLE);
    expect(res.text).toContain('<svg');
  });

  it('reads as .docx: content type, a UTF-8 filename, and a document mammoth opens with the title, sections and annex rows', async () => {
    const res = await supervisor().get('/api/v1/periods/2021-05/bulletin?format=docx').buffer(true).parse(binary).expect(200);
    expect(res.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.wordprocessingml.document');
    const disposition = res.headers['content-disposition'] as string;
    expect(disposition).toContain('filename="bulletin-2021-05-r1.docx"');
    const star = /filename\*=UTF-8''([^;]+)/.exec(disposition);
    expect(decodeURIComponent(star![1])).toBe('2021年5月督查情况通报（第1版）.docx');
    const { value: text } = await mammoth.extractRawText({ buffer: res.body as Buffer });
    expect(text).toContain(TITLE);
    for (const h of HEADINGS) expect(text).toContain(h);
    const lines = text.split('\n').map((l) => l.trim()).filter(Boolean);
    const annex = lines.slice(lines.indexOf('（二）县市'), lines.indexOf('（三）市内区'));
    expect(annex.length).toBeGreaterThan(14);
    // a table row reads cell by cell: the unit, its score and its rank
    const close = (await periodView()).close;
    for (const u of close.units.filter((x: { group: string; score: number | null }) => x.group === '县市' && x.score !== null)) {
      const at = annex.indexOf(u.unitId);
      expect(at).toBeGreaterThan(0);
      expect(annex[at + 1]).toBe(u.score.toFixed(2));
      expect(annex[at + 2]).toBe(String(u.rank));
      expect(annex[at + 12]).toBe(u.red ? '红榜' : u.black ? '黑榜' : '—');
    }
    expect(annex.indexOf(ZHONGMU)).toBeLessThan(annex.indexOf(GONGYI)); // by rank
    // the black unit's overdue item, cited with the step the ladder took
    expect(ladderTaken).toContain('escalation');
    expect(text).toMatch(/1\. 郑政办〔2021〕34号文件第一部分第（三）项第1条“[^”]+”，逾期\d+个工作日，已督办。/);
  });

  it('refuses bad ids (400), unclosed periods (409), unknown revisions (422) and bad formats (400), as JSON', async () => {
    const bad = await supervisor().get('/api/v1/periods/2021-13/bulletin').expect(400);
    expect(bad.body.message).toContain('2021-13');
    const open = await supervisor().get('/api/v1/periods/2021-04/bulletin').expect(409);
    expect(open.body).toMatchObject({ refusal: 'PeriodNotClosed', periodId: '2021-04' });
    const rev = await supervisor().get('/api/v1/periods/2021-05/bulletin?revision=7').expect(422);
    expect(rev.body).toMatchObject({ refusal: 'UnknownCloseRevision', revision: 7, latest: 1 });
    const fmt = await supervisor().get('/api/v1/periods/2021-05/bulletin?format=pdf').expect(400);
    expect(JSON.stringify(fmt.body.message)).toContain('format must be one of md, html, docx, json');
  });

  it('a unit cannot read the draft (404): only a published bulletin', async () => {
    const res = await unit(ZHONGMU).get('/api/v1/periods/2021-05/bulletin').expect(404);
    expect(res.body.message).toBe('no bulletin of period 2021-05 has been published');
  });

  it('refuses a publish by a unit or an auditor (403), of an unclosed period (409), of a bad id (400), with a bad body (400): nothing written', async () => {
    const before = (await periodView()).bulletins.length;
    await unit(ZHONGMU).post('/api/v1/periods/2021-05/bulletin/publish').send({}).expect(403);
    await auditor().post('/api/v1/periods/2021-05/bulletin/publish').send({}).expect(403);
    const open = await supervisor().post('/api/v1/periods/2021-04/bulletin/publish').send({}).expect(409);
    expect(open.body.refusal).toBe('PeriodNotClosed');
    await supervisor().post('/api/v1/periods/2021-13/bulletin/publish').send({}).expect(400);
    await supervisor().post('/api/v1/periods/2021-05/bulletin/publish').send({ revision: 'one' }).expect(400);
    await supervisor().post('/api/v1/periods/2021-05/bulletin/publish').send({ corrects: 'whatever' }).expect(400);
    await supervisor().post('/api/v1/periods/2021-05/bulletin/publish').send({ revision: 3 }).expect(422);
    expect((await periodView()).bulletins.length).toBe(before);
    expect(before).toBe(0);
  });

  it('a supervisor publishes (201, the content hash recorded); the same again is a replay; a unit then reads it', async () => {
    const draft = await supervisor().get('/api/v1/periods/2021-05/bulletin?format=json').expect(200);
    const first = await supervisor().post('/api/v1/periods/2021-05/bulletin/publish').send({}).expect(201);
    expect(first.body).toMatchObject({ events: ['bulletin.published.v1'], replayed: false, status: 'published', contentSha256: draft.body.contentSha256 });
    expect(first.body.bulletin).toMatchObject({ bulletinId: '2021-05#1', revision: 1, contentSha256: draft.body.contentSha256, corrects: null });
    const again = await supervisor().post('/api/v1/periods/2021-05/bulletin/publish').send({ revision: 1 }).expect(201);
    // a replay answers as the first publish did (its events), writes nothing and says so
    expect(again.body).toMatchObject({ events: ['bulletin.published.v1'], replayed: true, bulletin: { bulletinId: '2021-05#1' } });
    expect(again.headers['idempotent-replayed']).toBe('true');
    const noBody = await supervisor().post('/api/v1/periods/2021-05/bulletin/publish').expect(201); // the body is optional
    expect(noBody.body).toMatchObject({ replayed: true, bulletin: { bulletinId: '2021-05#1' } });
    expect((await periodView()).bulletins).toHaveLength(1);

    const forUnit = await unit(GONGYI).get('/api/v1/periods/2021-05/bulletin').expect(200);
    expect(forUnit.headers['x-bulletin-status']).toBe('published');
    expect(forUnit.headers['x-bulletin-verified']).toBe('true');
    expect(forUnit.text).toBe((await supervisor().get('/api/v1/periods/2021-05/bulletin').expect(200)).text);
    const json = await unit(ZHONGMU).get('/api/v1/periods/2021-05/bulletin?format=json').expect(200);
    expect(json.body).toMatchObject({ status: 'published', verified: true, contentSha256: draft.body.contentSha256, published: [{ bulletinId: '2021-05#1' }] });
    await unit(ZHONGMU).get('/api/v1/periods/2021-05/bulletin?revision=2').expect(404);
  });

  it('late facts give revision 2; its bulletin, published as a correction, is a new bulletin naming the first, which never changes', async () => {
    const first = await unit(ZHONGMU).get('/api/v1/periods/2021-05/bulletin').expect(200);
    // 巩义市's item closed late, back-dated into May: the figures change, a supervisor re-closes
    await runTaskCommand(t, reportShare(taskId, GONGYI, '2021-05-31T13:00:00+08:00', 100) as TaskCommand);
    await runTaskCommand(t, submitShare(taskId, GONGYI, '2021-05-31T14:00:00+08:00') as TaskCommand);
    await runTaskCommand(t, approveShare(taskId, GONGYI, '2021-05-31T15:00:00+08:00') as TaskCommand);
    const reclosed = await supervisor().post('/api/v1/periods/2021-05/close').expect(200);
    expect(reclosed.body).toMatchObject({ events: ['period.reclosed.v1'], revision: 2 });

    const draft = await supervisor().get('/api/v1/periods/2021-05/bulletin?format=json').expect(200);
    expect(draft.body).toMatchObject({ revision: 2, status: 'draft' });
    // a unit still reads the published one
    expect((await unit(ZHONGMU).get('/api/v1/periods/2021-05/bulletin').expect(200)).headers['x-bulletin-revision']).toBe('1');
    await supervisor().post('/api/v1/periods/2021-05/bulletin/publish').send({ corrects: '2021-05#9' }).expect(422);

    const correction = await supervisor().post('/api/v1/periods/2021-05/bulletin/publish').send({ corrects: '2021-05#1' }).expect(201);
    expect(correction.body.bulletin).toMatchObject({ bulletinId: '2021-05#2', revision: 2, corrects: '2021-05#1', contentSha256: draft.body.contentSha256 });
    expect((await periodView()).bulletins.map((b: { bulletinId: string }) => b.bulletinId)).toEqual(['2021-05#1', '2021-05#2']);
    const now = await unit(ZHONGMU).get('/api/v1/periods/2021-05/bulletin').expect(200);
    expect(now.headers['x-bulletin-revision']).toBe('2');
    expect(now.text).not.toBe(first.text);
    expect((await unit(ZHONGMU).get('/api/v1/periods/2021-05/bulletin?revision=1').expect(200)).text).toBe(first.text);
  });
});
