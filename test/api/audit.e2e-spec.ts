import type request from 'supertest';
import { enc, OFFICE, startTestApp, TestApp } from './support/test-app';

interface Row {
  position: string;
  streamVersion: string;
  type: string;
  itemKey: string | null;
  units: string[];
  actor: { userId: string; unitId: string | null; role: string };
  correlationId: string;
  occurredAt: string;
  recordedAt: string;
  hash: string;
  data: Record<string, unknown>;
}

/** The whole body as text, whatever the content type (supertest only buffers text/* and JSON by itself). */
const text = (t: request.Test) =>
  t.buffer(true).parse((res, done) => {
    let body = '';
    res.setEncoding('utf8');
    res.on('data', (c: string) => (body += c));
    res.on('end', () => done(null, body));
  });

/** The audit trail over HTTP: filters, keyset paging, roles, read-your-writes and the streamed exports. */
describe('audit trail over HTTP', () => {
  let t: TestApp;
  let taskId: string;
  let issueId: string;
  let last: string;
  const auditor = () => t.as('auditor', '市审计局', 'wang.shenji');
  const events = async (query: string): Promise<Row[]> =>
    (await auditor().get(`/api/v1/audit/events?minPosition=${last}&limit=1000${query}`).expect(200)).body.rows;

  beforeAll(async () => {
    t = await startTestApp({ DUBAN_PROCESSORS: 'off' }); // the exact trail of the acts below: no ladder steps for their past deadlines
    const sup = t.as('supervisor', OFFICE, 'li.duban');
    const reg = await sup
      .post('/api/v1/tasks')
      .set('X-Correlation-Id', 'flow-xingyang-2021')
      .send({
        docNumber: '郑政办〔2021〕34号',
        itemPath: '四/2',
        title: '完善园区配套',
        text: '完善园区配套设施，"水电路气"同步到位。',
        leadUnits: ['市工信局'],
        responsibleUnits: ['荥阳市', '新密市'],
        cooperatingUnits: ['市人社局'],
        deadline: '2026-12-15T23:59:59+08:00',
      })
      .expect(201);
    taskId = reg.body.item.taskId;
    await sup.post(`/api/v1/tasks/${taskId}/shares/${enc('荥阳市')}/assign`).set('X-Correlation-Id', 'flow-xingyang-2021').send({}).expect(200);
    await t.as('unit', '荥阳市', 'zhao.xingyang').post(`/api/v1/tasks/${taskId}/shares/${enc('荥阳市')}/acknowledge`).send({}).expect(200);
    // back-filled from the paper ledger: effective in March 2021
    const late = await sup
      .post('/api/v1/issues')
      .send({ title: '园区道路未通', description: '补录：园区道路建设滞后', category: '基础设施', urgency: 'normal', reportingUnit: '荥阳市', effectiveAt: '2021-03-01T09:00:00+08:00' })
      .expect(201);
    issueId = late.body.item.issueId;
    const assigned = await sup
      .post(`/api/v1/issues/${issueId}/assign`)
      .send({ unitId: '市城建局', deadline: '2021-03-31T23:59:59+08:00', effectiveAt: '2021-03-02T09:00:00+08:00' })
      .expect(200);
    last = assigned.body.position;
  });
  afterAll(() => t.close());

  it('lists every event with who, when (recorded and effective), why (correlation) and its hash; positions as strings', async () => {
    const res = await auditor().get(`/api/v1/audit/events?minPosition=${last}`).expect(200);
    expect(res.body).toMatchObject({ limit: 100, hasMore: false, nextAfterPosition: null });
    const rows: Row[] = res.body.rows;
    expect(rows.map((r) => r.type)).toEqual([
      'task.registered.v1',
      'task.share.assigned.v1',
      'task.share.acknowledged.v1',
      'issue.reported.v1',
      'issue.assigned.v1',
    ]);
    expect(rows[rows.length - 1].position).toBe(last);
    expect(rows[2]).toMatchObject({
      streamVersion: '2',
      itemKey: `task:${taskId}:荥阳市`,
      units: ['荥阳市'],
      actor: { userId: 'zhao.xingyang', unitId: '荥阳市', role: 'unit' },
    });
    expect(rows[0]).toMatchObject({ itemKey: `task:${taskId}`, units: ['荥阳市', '新密市'], correlationId: 'flow-xingyang-2021' });
    expect(rows[4]).toMatchObject({ occurredAt: '2021-03-02T09:00:00+08:00', units: ['荥阳市', '市城建局'] });
    for (const r of rows) expect(r.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('filters by item, unit (actor or concerned), actor, correlation id, type and time on either axis', async () => {
    expect((await events(`&item=${enc(`task:${taskId}:荥阳市`)}`)).map((r) => r.type)).toEqual([
      'task.registered.v1',
      'task.share.assigned.v1',
      'task.share.acknowledged.v1',
    ]);
    expect((await events(`&item=${enc(`task:${taskId}:新密市`)}`)).map((r) => r.type)).toEqual(['task.registered.v1']);
    expect((await events(`&item=${enc(`issue:${issueId}`)}`)).map((r) => r.type)).toEqual(['issue.reported.v1', 'issue.assigned.v1']);
    expect((await events(`&unit=${enc('市城建局')}`)).map((r) => r.type)).toEqual(['issue.assigned.v1']);
    // an alias of the registry finds the unit (市城乡建设局 = 市城建局); a name it does not know is searched as given
    expect((await events(`&unit=${enc('市城乡建设局')}`)).map((r) => r.type)).toEqual(['issue.assigned.v1']);
    expect(await events(`&unit=${enc('郑州市某已撤并单位')}`)).toEqual([]);
    expect(await events(`&unit=${enc('荥阳市')}`)).toHaveLength(5);
    expect((await events('&actor=zhao.xingyang')).map((r) => r.type)).toEqual(['task.share.acknowledged.v1']);
    expect((await events('&correlationId=flow-xingyang-2021')).map((r) => r.type)).toEqual(['task.registered.v1', 'task.share.assigned.v1']);
    expect((await events('&type=issue.assigned.v1')).map((r) => r.position)).toEqual([last]);
    // effective time: the back-filled issue lies in March 2021; recorded, everything is recent
    expect((await events('&axis=effective&to=2021-04-01')).map((r) => r.type)).toEqual(['issue.reported.v1', 'issue.assigned.v1']);
    expect(await events('&to=2021-04-01')).toEqual([]);
    expect(await events(`&from=${enc('2021-01-01T00:00:00+08:00')}`)).toHaveLength(5);
  });

  it('pages by keyset: nextAfterPosition is the next page’s afterPosition', async () => {
    const seen: Row[] = [];
    let after = '';
    for (let i = 0; i < 10; i++) {
      const page = (await auditor().get(`/api/v1/audit/events?limit=2${after}`).expect(200)).body;
      seen.push(...page.rows);
      if (!page.hasMore) break;
      after = `&afterPosition=${page.nextAfterPosition}`;
    }
    expect(seen.map((r) => r.type)).toEqual((await events('')).map((r) => r.type));
  });

  it('is for auditors, the supervision office and admins; a unit may not read the trail', async () => {
    await t.as('supervisor', OFFICE).get('/api/v1/audit/events').expect(200);
    await t.as('admin', OFFICE).get('/api/v1/audit/events').expect(200);
    const unit = await t.as('unit', '荥阳市').get('/api/v1/audit/events').expect(403);
    expect(unit.body.message).toContain('role unit may not GET');
    await t.as('unit', '荥阳市').get('/api/v1/audit/export?format=csv').expect(403);
    await t.as(null).get('/api/v1/audit/events').expect(401);
  });

  it('refuses bad filters with 400, naming what is wrong', async () => {
    const bad = async (query: string, message: RegExp) => {
      const res = await auditor().get(`/api/v1/audit/events?${query}`).expect(400);
      expect(JSON.stringify(res.body.message)).toMatch(message);
    };
    await bad('from=2021-02-30', /from must be an ISO 8601 instant/);
    await bad('from=yesterday', /from must be an ISO 8601 instant/);
    await bad('from=2021-06-01&to=2021-05-01', /to must not be before from/);
    await bad('limit=0', /limit/);
    await bad('limit=1001', /limit/);
    await bad('afterPosition=abc', /afterPosition must be a global position/);
    await bad('axis=wall', /axis/);
    await bad('item=park:1', /item must be task:<taskId>/);
    await bad('minPosition=-1', /minPosition must be a global position/);
    await bad('color=red', /property color should not exist/);
    await auditor().get('/api/v1/audit/export?format=xlsx').expect(400);
    await auditor().get('/api/v1/audit/export?to=2021-13-01').expect(400);
  });

  it('answers 400 at once, naming the head, for a position beyond the head of the log', async () => {
    const res = await auditor().get(`/api/v1/audit/events?minPosition=${BigInt(last) + 1000n}`).expect(400);
    expect(res.body).toMatchObject({ head: last, message: expect.stringMatching(/beyond the head of the event log/) });
  });

  it('exports CSV: Excel-ready UTF-8 with BOM, English header, a dated attachment with a Chinese file name', async () => {
    const res = await text(auditor().get(`/api/v1/audit/export?format=csv&minPosition=${last}&unit=${enc('荥阳市')}`)).expect(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    const day = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
    expect(res.headers['content-disposition']).toBe(
      `attachment; filename="duban-audit-${day}.csv"; filename*=UTF-8''${encodeURIComponent(`督办审计记录-${day}.csv`)}`,
    );
    expect(res.headers['x-duban-until-position']).toBe(last);
    expect(res.headers['cache-control']).toBe('no-store');
    const body: string = res.body;
    expect(body.startsWith('\uFEFFposition,recorded_at,occurred_at,stream,stream_version,event_id,type,item_key,units,')).toBe(true);
    const records = body.slice(1).split('\r\n');
    expect(records.pop()).toBe('');
    expect(records).toHaveLength(1 + 5); // header + every event concerning 荥阳市; no line breaks inside these fields
    // the data is JSON (its quotes escaped as \"), and every quote is doubled inside the quoted CSV field
    expect(records[1]).toContain('完善园区配套设施，\\""水电路气\\""同步到位。');
    expect(records[1]).toContain('"[""荥阳市"",""新密市""]"');
  });

  it('exports JSON Lines, the same rows as the list', async () => {
    const res = await text(auditor().get(`/api/v1/audit/export?format=jsonl&item=${enc(`issue:${issueId}`)}`)).expect(200);
    expect(res.headers['content-type']).toBe('application/x-ndjson; charset=utf-8');
    expect(res.headers['content-disposition']).toContain('.jsonl');
    const lines = (res.body as string).trimEnd().split('\n').map((l) => JSON.parse(l));
    expect(lines).toEqual(await events(`&item=${enc(`issue:${issueId}`)}`));
  });
});
