import request from 'supertest';
import { taskIdFor } from '@duban/application';
import { mintToken } from '@duban/access';
import type { Role } from '@duban/domain/decider';
import type { EventStore } from '@duban/eventstore';
import { EVENT_STORE } from '@duban/eventstore/nest/event-store.module';
import { example } from '@duban/importer/testing/examples';
import { enc, OFFICE, SECRET, startTestApp, TestApp } from './support/test-app';

/**
 * The members of a group documents name without listing them (各产业集聚区, as in
 * the example division table 郑政办〔2026〕15号, examples/documents/03), set by an
 * admin through the API: recorded on the `unit-registry` stream, after which a
 * (re-)import registers the two items whose 牵头部门 is 各产业集聚区, which it
 * could not register before.
 */
const STREAM = 'unit-registry';
const CLUSTERS = '各产业集聚区';
const MEMBERS_PATH = `/api/v1/units/groups/${enc(CLUSTERS)}/members`;
/**
 * For the test: units of the registry that host 产业集聚区 (the development zones
 * and counties of the city's 产业集聚区).
 * The real list is the office's to give; the point here is the mechanism.
 */
const HOSTS = ['郑州高新区', '郑州经开区', '郑州航空港区', '巩义市', '新郑市', '登封市', '中牟县'];
/** The example's items whose 牵头部门 is 各产业集聚区 (table rows 1 and 5). */
const LED_BY_CLUSTERS = ['二/（一）/1', '二/（三）/5'];
const DOC = '郑政办〔2026〕15号';

const division = (extra: Record<string, unknown> = {}) => ({ text: example('divisionTable'), fileName: '03-division-table.txt', defaultDeadline: 'year-end', effectiveAt: 'document', ...extra });

interface PlannedTask {
  path: string;
  action: string;
  reasons: string[];
}

describe('group members set by an admin (各产业集聚区, example 03)', () => {
  let t: TestApp;
  const admin = () => t.as('admin', '市政府办公厅', 'admin-1');
  const sup = () => t.as('supervisor', OFFICE, '张督查');
  /** PUT as an actor (the test client has get and post only). */
  const put = (url: string, role: Role | null, unitId = '市政府办公厅', userId = `${role}-1`, app: TestApp = t) => {
    const r = request(app.app.getHttpServer()).put(url);
    return role === null ? r : r.set('Authorization', `Bearer ${mintToken({ role, unitId, userId }, SECRET)}`);
  };
  const stream = async (app: TestApp = t) => app.app.get<EventStore>(EVENT_STORE).readStream(STREAM);
  const plannedFor = (plan: { tasks: PlannedTask[] }, path: string) => plan.tasks.find((x) => x.path === path)!;

  beforeAll(async () => (t = await startTestApp()));
  afterAll(() => t.close());

  it('before: the group is known without members, and the division table commits without its two rows', async () => {
    const group = await sup().get(`/api/v1/units/groups/${enc(CLUSTERS)}`).expect(200);
    expect(group.body).toMatchObject({ version: null, position: '0', item: { id: CLUSTERS, members: null, membersSource: 'unknown', membersSettable: true } });
    const groups = await t.as('unit', '中牟县').get('/api/v1/units/groups').expect(200);
    expect(groups.body.find((g: { id: string }) => g.id === '开发区')).toMatchObject({ category: '开发区', membersSource: 'category', membersSettable: false });
    expect(groups.body.filter((g: { membersSettable: boolean }) => g.membersSettable).map((g: { id: string }) => g.id)).toEqual([
      CLUSTERS,
      '市制造业高质量发展工作领导小组成员单位',
      '市高质量发展领导小组成员单位',
      '郑州高新区各审批业务部门',
    ]);

    const commit = await sup().post('/api/v1/imports/commit').send(division({ confirm: true })).expect(200);
    expect(commit.body.counts.tasks).toEqual({ written: 5, unchanged: 0, skipped: 2, failed: 0 });
    expect(commit.body.skipped.map((s: { path: string }) => s.path)).toEqual(LED_BY_CLUSTERS);
    expect(commit.body.skipped[0].reason).toContain(`牵头单位 written as "${CLUSTERS}" does not resolve (${CLUSTERS}: group-members-unknown)`);
  });

  it('only an admin may set the members (403; 401 without a token), and nothing is written', async () => {
    const body = { members: HOSTS };
    for (const [role, unit] of [['supervisor', OFFICE], ['unit', '中牟县'], ['auditor', '市审计局']] as const) {
      const refused = await put(MEMBERS_PATH, role, unit).send(body).expect(403);
      expect(refused.body.message).toMatch(/may not PUT .*units\/groups\/:groupId\/members \(allowed: admin\)/);
    }
    await put(MEMBERS_PATH, null).send(body).expect(401);
    expect(await stream()).toHaveLength(0);
    expect((await sup().get(`/api/v1/units/groups/${enc(CLUSTERS)}`).expect(200)).body.item.members).toBeNull();
  });

  it('bad requests are refused naming what was wrong (422 / 404 / 409 / 400), and nothing is written', async () => {
    const unresolved = await put(MEMBERS_PATH, 'admin').send({ members: ['郑州高新区', '白沙产业集聚区', '中牟县', '市高质量发展领导小组成员单位'] }).expect(422);
    expect(unresolved.body).toMatchObject({
      statusCode: 422,
      refusal: 'UnresolvedMemberNames',
      command: 'SetGroupMembers',
      groupId: CLUSTERS,
      unresolved: [
        { name: '白沙产业集聚区', index: 1, reason: 'unknown' },
        { name: '市高质量发展领导小组成员单位', index: 3, reason: 'group-members-unknown', groupId: '市高质量发展领导小组成员单位' },
      ],
    });
    expect(unresolved.body.message).toContain('"白沙产业集聚区" (members[1], no unit or group has this name)');

    const empty = await put(MEMBERS_PATH, 'admin').send({ members: [] }).expect(422);
    expect(empty.body).toMatchObject({ refusal: 'InvalidCommandData', field: 'members', reason: expect.stringContaining('at least one') });

    const unknownGroup = await put(`/api/v1/units/groups/${enc('产业集聚区')}/members`, 'admin').send({ members: HOSTS }).expect(404);
    expect(unknownGroup.body).toMatchObject({ refusal: 'UnitGroupNotFound', groupId: '产业集聚区' });
    const byAlias = await put(`/api/v1/units/groups/${enc('六县市')}/members`, 'admin').send({ members: HOSTS }).expect(404);
    expect(byAlias.body).toMatchObject({ refusal: 'UnitGroupNotFound', didYouMean: '县市' });

    for (const [groupId, definedBy] of [['县市', 'category'], ['开发区', 'category'], ['市内五区', 'listed'], ['各开发区、区县(市)', 'listed']] as const) {
      const fixed = await put(`/api/v1/units/groups/${enc(groupId)}/members`, 'admin').send({ members: ['中牟县'] }).expect(409);
      expect(fixed.body).toMatchObject({ refusal: 'GroupMembersFixed', groupId, definedBy });
    }

    await put(MEMBERS_PATH, 'admin').send({ members: '郑州高新区' }).expect(400); // the DTO: a list of strings
    await put(MEMBERS_PATH, 'admin').send({ members: HOSTS, groupId: CLUSTERS }).expect(400); // no unknown fields
    expect(await stream()).toHaveLength(0);
  });

  it('an admin sets the members; every reader sees them at once', async () => {
    const set = await put(MEMBERS_PATH, 'admin')
      .set('Idempotency-Key', 'clusters-2019')
      .send({ members: ['郑州高新技术产业开发区管理委员会', ...HOSTS.slice(1)], note: '测试：产业集聚区所在的开发区、县市' })
      .expect(200);
    expect(set.body).toEqual({
      stream: STREAM,
      version: 0,
      position: expect.stringMatching(/^\d+$/),
      events: ['unit.group_members_set.v1'],
      replayed: false,
      item: expect.objectContaining({ id: CLUSTERS, members: HOSTS, declaredMembers: HOSTS, membersSource: 'set', membersSettable: true }),
    });
    expect(set.headers.etag).toBe('"0"');
    const [event] = await stream();
    expect(event).toMatchObject({
      type: 'unit.group_members_set.v1',
      data: { groupId: CLUSTERS, members: HOSTS, previous: null, note: '测试：产业集聚区所在的开发区、县市' },
      metadata: { actorUserId: 'admin-1', actorRole: 'admin' },
    });

    const got = await t.as('unit', '中牟县').get(`/api/v1/units/groups/${enc(CLUSTERS)}`).expect(200);
    expect(got.body).toMatchObject({ version: 0, position: set.body.position, item: { members: HOSTS, membersSource: 'set' } });
    const resolved = await t.as('unit', '中牟县').get('/api/v1/units/resolve').query({ names: '市商务局、各产业集聚区' }).expect(200);
    expect(resolved.body).toMatchObject({ units: ['市商务局', ...HOSTS], unresolved: [] });
  });

  it('a retried PUT (same Idempotency-Key) is replayed; the same units again write nothing', async () => {
    // a retry is the same request (the same body): the same key with another body is a 422 IdempotencyKeyReused
    const again = await put(MEMBERS_PATH, 'admin')
      .set('Idempotency-Key', 'clusters-2019')
      .send({ members: ['郑州高新技术产业开发区管理委员会', ...HOSTS.slice(1)], note: '测试：产业集聚区所在的开发区、县市' })
      .expect(200);
    expect(again.body).toMatchObject({ version: 0, replayed: true, events: ['unit.group_members_set.v1'] });
    expect(again.headers['idempotent-replayed']).toBe('true');
    const same = await put(MEMBERS_PATH, 'admin').send({ members: [...HOSTS].reverse() }).expect(200);
    expect(same.body).toMatchObject({ version: 0, replayed: false, events: [], item: { members: HOSTS } });
    expect(await stream()).toHaveLength(1);
  });

  it('a re-import: the preview shows the two rows registrable, the commit registers them', async () => {
    const preview = await sup().post('/api/v1/imports/preview').send(division()).expect(200);
    expect(preview.body.preview.unresolved).toEqual([]);
    expect(preview.body.preview.summary).toMatchObject({ items: 7, withLead: 7, unresolved: 0 });
    // the two led by 各产业集聚区 are new; the four with 各产业集聚区 among the 配合部门 now have more cooperating units (amended, not written without acceptAmendments)
    expect(preview.body.plan.summary.tasks).toEqual({ register: 2, unchanged: 1, amended: 4, notRegistrable: 0 });
    for (const path of LED_BY_CLUSTERS) expect(plannedFor(preview.body.plan, path)).toMatchObject({ action: 'register', reasons: [] });

    const commit = await sup().post('/api/v1/imports/commit').send(division({ confirm: true })).expect(200);
    expect(commit.body.errors).toEqual([]);
    expect(commit.body.counts.tasks).toMatchObject({ written: 2, failed: 0 });
    expect(commit.body.written.map((w: { path: string }) => w.path)).toEqual(LED_BY_CLUSTERS);

    const task = await sup().get(`/api/v1/tasks/${taskIdFor(DOC, '二/（一）/1')}`).expect(200);
    expect(task.body.item).toMatchObject({ itemPath: '二/（一）/1', leadUnits: HOSTS, responsibleUnits: HOSTS });
    expect(task.body.item.cooperatingUnits).toEqual(['市商务局', '市发展改革委']);
    // each member unit gets its share and sees it: 中牟县 reads the task
    await t.as('unit', '中牟县').get(`/api/v1/tasks/${taskIdFor(DOC, '二/（三）/5')}`).expect(200);

    const after = await sup().post('/api/v1/imports/preview').send(division()).expect(200);
    expect(after.body.plan.summary.tasks).toEqual({ register: 0, unchanged: 3, amended: 4, notRegistrable: 0 });
  });

  describe('a second app instance on the same data dir', () => {
    let other: TestApp;
    beforeAll(async () => (other = await startTestApp({ DUBAN_DATA_DIR: t.dataDir })));
    afterAll(() => other.close());

    it('has the members after its start-up, and follows a change made while both run', async () => {
      const got = await other.as('unit', '中牟县').get(`/api/v1/units/groups/${enc(CLUSTERS)}`).expect(200);
      expect(got.body).toMatchObject({ version: 0, item: { members: HOSTS, membersSource: 'set' } });
      const preview = await other.as('supervisor', OFFICE).post('/api/v1/imports/preview').send(division()).expect(200);
      expect(preview.body.plan.summary.tasks).toMatchObject({ register: 0, notRegistrable: 0 });

      const changed = [...HOSTS, '荥阳市'];
      const set = await put(MEMBERS_PATH, 'admin').send({ members: changed }).expect(200);
      expect(set.body).toMatchObject({ version: 1, events: ['unit.group_members_set.v1'], item: { members: changed } });
      expect((await stream())[1]).toMatchObject({ data: { members: changed, previous: HOSTS } });
      const until = Date.now() + 5000;
      for (;;) {
        const r = await other.as('unit', '中牟县').get('/api/v1/units/resolve').query({ names: CLUSTERS });
        if (r.status === 200 && r.body.units.includes('荥阳市')) break;
        if (Date.now() > until) throw new Error('timed out waiting until the second instance sees 荥阳市 among the members');
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const first = await admin().get(`/api/v1/units/groups/${enc(CLUSTERS)}`).expect(200);
      const second = await other.as('unit', '中牟县').get(`/api/v1/units/groups/${enc(CLUSTERS)}`).expect(200);
      expect(second.body).toEqual(first.body);
    });
  });
});
