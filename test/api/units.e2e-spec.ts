import type { EventStore } from '@duban/eventstore';
import { EVENT_STORE } from '@duban/eventstore/nest/event-store.module';
import { enc, OFFICE, startTestApp, TestApp } from './support/test-app';

/**
 * Units and aliases added by an admin through the API: recorded on the
 * `unit-registry` stream, used at once by the write path of this process, and
 * seen by another process on the same data after its start-up and while it runs.
 */
const CULTURE = '市文化广电和旅游局';
const CULTURE_ALIAS = '市文广旅局';
const STREAM = 'unit-registry';
const THE_ZONES = ['郑州航空港区', '郑东新区', '郑州高新区', '郑州经开区'];

const deadline = () => new Date(Date.now() + 60 * 86400_000).toISOString();
let n = 0;
const taskFor = (unitId: string) => ({
  docNumber: '郑政办〔2024〕5号',
  itemPath: `单位/${++n}`,
  title: `文旅消费提振（${n}）`, // one title is one item of the document
  text: '开展文旅消费季活动',
  leadUnits: ['市商务局'],
  responsibleUnits: [unitId],
  deadline: deadline(),
});

async function waitUntil(what: string, check: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('units added by an admin', () => {
  let t: TestApp;
  const admin = () => t.as('admin', '市政府办公厅', 'admin-1');
  const supervisor = () => t.as('supervisor', OFFICE, 'supervisor-1');
  const importer = () => t.as('unit', '中牟县', 'importer-1');
  const stream = async (app: TestApp = t) => app.app.get<EventStore>(EVENT_STORE).readStream(STREAM);

  beforeAll(async () => (t = await startTestApp()));
  afterAll(() => t.close());

  it('an admin adds a unit; a supervisor can then register a task naming it (422 before)', async () => {
    const before = await supervisor().post('/api/v1/tasks').send(taskFor(CULTURE)).expect(422);
    expect(before.body.unknownUnits).toEqual([CULTURE]);

    const added = await admin()
      .post('/api/v1/units')
      .set('Idempotency-Key', 'add-culture')
      .send({ id: CULTURE, kind: 'department', parent: '郑州市人民政府', aliases: [CULTURE_ALIAS] })
      .expect(201);
    expect(added.body).toEqual({
      stream: STREAM,
      version: 0,
      position: expect.stringMatching(/^\d+$/),
      events: ['unit.added.v1'],
      replayed: false,
      item: {
        id: CULTURE,
        kind: 'department',
        parent: '郑州市人民政府',
        group: null,
        aliases: [CULTURE_ALIAS],
        localAliases: [],
        ancestors: ['郑州市人民政府'],
        children: [],
      },
    });
    expect(added.headers.etag).toBe('"0"');

    const task = await supervisor().post('/api/v1/tasks').send(taskFor(CULTURE)).expect(201);
    expect(task.body.item.responsibleUnits).toEqual([CULTURE]);

    // every reader sees it: GET /units/:id, and the registry other controllers were given (GET /units)
    const got = await importer().get(`/api/v1/units/${enc(CULTURE)}`).expect(200);
    expect(got.body).toMatchObject({ version: 0, position: added.body.position, item: { id: CULTURE, aliases: [CULTURE_ALIAS] } });
    const list = await t.as('auditor', '市审计局').get('/api/v1/units').expect(200);
    expect(list.body.map((u: { id: string }) => u.id)).toContain(CULTURE);
  });

  it('a retried POST (same Idempotency-Key) answers as the first time and writes nothing', async () => {
    const events = (await stream()).length;
    const again = await admin()
      .post('/api/v1/units')
      .set('Idempotency-Key', 'add-culture')
      .send({ id: CULTURE, kind: 'department', parent: '郑州市人民政府', aliases: [CULTURE_ALIAS] })
      .expect(201);
    expect(again.body).toMatchObject({ version: 0, replayed: true, events: ['unit.added.v1'], item: { id: CULTURE } });
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(await stream()).toHaveLength(events);
  });

  it('an added alias resolves; an importer checks a list of names', async () => {
    const aliased = await admin().post(`/api/v1/units/${enc(CULTURE)}/aliases`).send({ alias: '郑州市文化广电和旅游局' }).expect(201);
    expect(aliased.body).toMatchObject({ stream: STREAM, version: 1, events: ['unit.alias_added.v1'], item: { aliases: [CULTURE_ALIAS, '郑州市文化广电和旅游局'] } });

    const seedList = await importer().get('/api/v1/units/resolve').query({ names: '市财政局、编办、各开发区' }).expect(200);
    expect(seedList.body.units).toEqual(['市财政局', '市编办', ...THE_ZONES]);
    expect(seedList.body.unresolved).toEqual([]);

    const withNew = await importer().get('/api/v1/units/resolve').query({ names: '郑州市文化广电和旅游局、市文广旅局，市财政局、文化广电和旅游局、市文旅厅' }).expect(200);
    expect(withNew.body.units).toEqual([CULTURE, '市财政局']);
    expect(withNew.body.unresolved).toEqual([{ name: '市文旅厅', index: 4, reason: 'unknown' }]);
    expect(withNew.body.items[0]).toEqual({ kind: 'unit', index: 0, name: '郑州市文化广电和旅游局', unitId: CULTURE, via: 'alias' });

    const zone = await importer().get('/api/v1/units/resolve').query({ names: '创新发展局、税务局', scope: '郑州高新区' }).expect(200);
    expect(zone.body.units).toEqual(['郑州高新区创新发展局', '郑州高新区税务局']);
    await importer().get('/api/v1/units/resolve').query({ names: '税务局', scope: '高新区' }).expect(400);
    await importer().get('/api/v1/units/resolve').expect(400);
  });

  it('a duplicate is refused (409) and nothing is written; other invalid additions are 422 / 404', async () => {
    const events = (await stream()).length;
    const sameId = await admin().post('/api/v1/units').send({ id: '市工信局', kind: 'department', parent: '郑州市人民政府' }).expect(409);
    expect(sameId.body).toMatchObject({
      refusal: 'UnitNameTaken',
      command: 'AddUnit',
      field: 'id',
      takenName: '市工信局',
      takenBy: { type: 'unit', id: '市工信局', as: 'id' },
    });
    const againAdded = await admin().post('/api/v1/units').send({ id: CULTURE, kind: 'department', parent: '郑州市人民政府' }).expect(409);
    expect(againAdded.body.takenBy).toEqual({ type: 'unit', id: CULTURE, as: 'id' });
    const takenAlias = await admin().post(`/api/v1/units/${enc('市工信局')}/aliases`).send({ alias: CULTURE_ALIAS }).expect(409);
    expect(takenAlias.body).toMatchObject({ field: 'alias', takenBy: { type: 'unit', id: CULTURE, as: 'alias' } });
    await admin().post('/api/v1/units').send({ id: '市新局', kind: 'department', parent: '郑州市人民政府', aliases: ['市大数据管理局'] }).expect(409);
    await admin().post('/api/v1/units').send({ id: '市信访局', kind: 'department', parent: '市政府' }).expect(422)
      .then((r) => expect(r.body).toMatchObject({ refusal: 'InvalidCommandData', field: 'parent', reason: expect.stringContaining('use the id') }));
    await admin().post('/api/v1/units').send({ id: '市信访局', kind: 'bureau', parent: '郑州市人民政府' }).expect(400); // the DTO already knows the kinds
    await admin().post('/api/v1/units').send({ id: '市信访局', kind: 'department' }).expect(400); // parent is required (null for a root)
    await admin().post(`/api/v1/units/${enc('市文旅局')}/aliases`).send({ alias: '文旅' }).expect(404);
    expect(await stream()).toHaveLength(events);
  });

  it('only an admin may add (403; 401 without a token), and nothing is written', async () => {
    const events = (await stream()).length;
    const body = { id: '市信访局', kind: 'department', parent: '郑州市人民政府' };
    for (const client of [supervisor(), importer(), t.as('auditor', '市审计局')]) {
      const refused = await client.post('/api/v1/units').send(body).expect(403);
      expect(refused.body.message).toMatch(/may not POST .*units \(allowed: admin\)/);
      await client.post(`/api/v1/units/${enc(CULTURE)}/aliases`).send({ alias: '文旅' }).expect(403);
    }
    await t.as(null).post('/api/v1/units').send(body).expect(401);
    expect(await stream()).toHaveLength(events);
    // reading is for every role
    await importer().get(`/api/v1/units/${enc('市工信局')}`).expect(200);
    const missing = await importer().get(`/api/v1/units/${enc('市资源规划局')}`).expect(404);
    expect(missing.body.message).toContain('"市自然资源规划局"');
  });

  describe('a second app instance on the same data dir', () => {
    let other: TestApp;
    beforeAll(async () => (other = await startTestApp({ DUBAN_DATA_DIR: t.dataDir })));
    afterAll(() => other.close());

    it('sees the added unit and alias after its start-up, and its write path accepts the unit', async () => {
      const got = await other.as('unit', '中牟县').get(`/api/v1/units/${enc(CULTURE)}`).expect(200);
      expect(got.body.item.aliases).toEqual([CULTURE_ALIAS, '郑州市文化广电和旅游局']);
      expect(got.body.version).toBe(1);
      await other.as('supervisor', OFFICE).post('/api/v1/tasks').send(taskFor(CULTURE)).expect(201);
    });

    it('follows additions the first instance makes while both run (and the other way round)', async () => {
      await admin().post('/api/v1/units').send({ id: '市信访局', kind: 'department', parent: '郑州市人民政府', aliases: ['郑州市信访局'] }).expect(201);
      await waitUntil('the second instance sees 市信访局', async () => (await other.as('unit', '中牟县').get(`/api/v1/units/${enc('市信访局')}`)).status === 200);
      await other.as('supervisor', OFFICE).post('/api/v1/tasks').send(taskFor('市信访局')).expect(201);

      await other.as('admin', '市政府办公厅').post(`/api/v1/units/${enc('市信访局')}/aliases`).send({ alias: '市信访办' }).expect(201);
      await waitUntil('the first instance resolves 市信访办', async () => {
        const r = await importer().get('/api/v1/units/resolve').query({ names: '市信访办' });
        return r.status === 200 && r.body.units[0] === '市信访局';
      });
      const first = await importer().get(`/api/v1/units/${enc('市信访局')}`).expect(200);
      const second = await other.as('unit', '中牟县').get(`/api/v1/units/${enc('市信访局')}`).expect(200);
      expect(first.body).toEqual(second.body);
    });
  });
});
