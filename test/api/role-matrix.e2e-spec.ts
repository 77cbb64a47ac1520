import request from 'supertest';
import { mintToken } from '@duban/access';
import type { Role } from '@duban/domain/decider';
import { enc, OFFICE, SECRET, startTestApp, TestApp } from './support/test-app';

/**
 * Every endpoint tried by every role. Each endpoint gets a fresh item in the
 * state its legitimate caller needs; every other caller is tried first and
 * must be refused (401/403) without writing anything, then the legitimate one
 * succeeds.
 */
type Who = 'anonymous' | 'auditor' | 'admin' | 'supervisor' | 'ownUnit' | 'otherUnit';
const EVERYONE: Who[] = ['anonymous', 'auditor', 'admin', 'otherUnit', 'supervisor', 'ownUnit'];
const OWN = '登封市';
const OTHER = '巩义市';

type Stage = 'registered' | 'assigned' | 'acknowledged' | 'in_progress' | 'submitted' | 'closed' | 'extension';
const STAGES: Stage[] = ['registered', 'assigned', 'acknowledged', 'in_progress', 'submitted', 'closed'];

interface Endpoint {
  name: string;
  /** 'create' and 'none' need no existing item. */
  kind: 'task' | 'issue' | 'create' | 'none';
  stage: Stage;
  method: 'get' | 'post' | 'put';
  path: (id: string) => string;
  /** A fixed body, or a fresh unit / alias name for each call. */
  body?: Record<string, unknown> | 'unit' | 'alias';
  /** Who succeeds, with which status. */
  allowed: Partial<Record<Who, number>>;
}

const share = (id: string, rest = '') => `/api/v1/tasks/${id}/shares/${enc(OWN)}${rest}`;
const issue = (id: string, rest = '') => `/api/v1/issues/${id}${rest}`;
const readers = { supervisor: 200, ownUnit: 200, auditor: 200, admin: 200 };
const evidence = [{ ref: 'archive://x' }];

const ENDPOINTS: Endpoint[] = [
  { name: 'POST /tasks', kind: 'create', stage: 'registered', method: 'post', path: () => '/api/v1/tasks', body: undefined, allowed: { supervisor: 201 } },
  { name: 'amend task', kind: 'task', stage: 'assigned', method: 'post', path: (id) => `/api/v1/tasks/${id}/amend`, body: { reason: '郑政办〔2021〕40号 修订', title: '矩阵（修订）' }, allowed: { supervisor: 200 } },
  { name: 'GET /tasks/:id', kind: 'task', stage: 'registered', method: 'get', path: (id) => `/api/v1/tasks/${id}`, allowed: readers },
  { name: 'GET /tasks/:id/history', kind: 'task', stage: 'registered', method: 'get', path: (id) => `/api/v1/tasks/${id}/history`, allowed: readers },
  { name: 'assign share', kind: 'task', stage: 'registered', method: 'post', path: (id) => share(id, '/assign'), body: {}, allowed: { supervisor: 200 } },
  { name: 'acknowledge share', kind: 'task', stage: 'assigned', method: 'post', path: (id) => share(id, '/acknowledge'), body: {}, allowed: { ownUnit: 200 } },
  { name: 'share progress', kind: 'task', stage: 'acknowledged', method: 'post', path: (id) => share(id, '/progress'), body: { percent: 50, narrative: '过半' }, allowed: { ownUnit: 200 } },
  { name: 'share note', kind: 'task', stage: 'assigned', method: 'post', path: (id) => share(id, '/notes'), body: { note: '备注' }, allowed: { ownUnit: 200 } },
  { name: 'submit share', kind: 'task', stage: 'in_progress', method: 'post', path: (id) => share(id, '/submit'), body: { summary: '完成', evidence }, allowed: { ownUnit: 200 } },
  { name: 'approve share', kind: 'task', stage: 'submitted', method: 'post', path: (id) => share(id, '/approve'), body: {}, allowed: { supervisor: 200 } },
  { name: 'reject share', kind: 'task', stage: 'submitted', method: 'post', path: (id) => share(id, '/reject'), body: { reason: '不全' }, allowed: { supervisor: 200 } },
  { name: 'reopen share', kind: 'task', stage: 'closed', method: 'post', path: (id) => share(id, '/reopen'), body: { reason: '复发' }, allowed: { supervisor: 200 } },
  { name: 'request share extension', kind: 'task', stage: 'assigned', method: 'post', path: (id) => share(id, '/extension-requests'), body: { requestedDeadline: '2026-12-31T23:59:59+08:00', reason: '延期' }, allowed: { ownUnit: 200 } },
  { name: 'grant share extension', kind: 'task', stage: 'extension', method: 'post', path: (id) => share(id, '/extension-requests/grant'), body: {}, allowed: { supervisor: 200 } },
  { name: 'refuse share extension', kind: 'task', stage: 'extension', method: 'post', path: (id) => share(id, '/extension-requests/refuse'), body: { reason: '不予延期' }, allowed: { supervisor: 200 } },
  { name: 'POST /issues', kind: 'create', stage: 'registered', method: 'post', path: () => '/api/v1/issues', body: { title: '问题', description: '描述', category: '其他', urgency: 'urgent' }, allowed: { supervisor: 201, ownUnit: 201, otherUnit: 201 } },
  { name: 'GET /issues/:id', kind: 'issue', stage: 'registered', method: 'get', path: (id) => issue(id), allowed: readers },
  { name: 'GET /issues/:id/history', kind: 'issue', stage: 'registered', method: 'get', path: (id) => issue(id, '/history'), allowed: readers },
  { name: 'assign issue', kind: 'issue', stage: 'registered', method: 'post', path: (id) => issue(id, '/assign'), body: { unitId: OWN }, allowed: { supervisor: 200 } },
  { name: 'acknowledge issue', kind: 'issue', stage: 'assigned', method: 'post', path: (id) => issue(id, '/acknowledge'), body: {}, allowed: { ownUnit: 200 } },
  { name: 'issue progress', kind: 'issue', stage: 'acknowledged', method: 'post', path: (id) => issue(id, '/progress'), body: { percent: 30, narrative: '推进中' }, allowed: { ownUnit: 200 } },
  { name: 'submit issue', kind: 'issue', stage: 'in_progress', method: 'post', path: (id) => issue(id, '/submit'), body: { summary: '完成', evidence }, allowed: { ownUnit: 200 } },
  { name: 'approve issue', kind: 'issue', stage: 'submitted', method: 'post', path: (id) => issue(id, '/approve'), body: {}, allowed: { supervisor: 200 } },
  { name: 'reject issue', kind: 'issue', stage: 'submitted', method: 'post', path: (id) => issue(id, '/reject'), body: { reason: '不全' }, allowed: { supervisor: 200 } },
  { name: 'reopen issue', kind: 'issue', stage: 'closed', method: 'post', path: (id) => issue(id, '/reopen'), body: { reason: '复发' }, allowed: { supervisor: 200 } },
  { name: 'request issue extension', kind: 'issue', stage: 'assigned', method: 'post', path: (id) => issue(id, '/extension-requests'), body: { requestedDeadline: '2026-12-31T23:59:59+08:00', reason: '延期' }, allowed: { ownUnit: 200 } },
  { name: 'grant issue extension', kind: 'issue', stage: 'extension', method: 'post', path: (id) => issue(id, '/extension-requests/grant'), body: {}, allowed: { supervisor: 200 } },
  { name: 'refuse issue extension', kind: 'issue', stage: 'extension', method: 'post', path: (id) => issue(id, '/extension-requests/refuse'), body: { reason: '不予' }, allowed: { supervisor: 200 } },
  { name: 'GET /items', kind: 'none', stage: 'registered', method: 'get', path: () => '/api/v1/items', allowed: { ...readers, otherUnit: 200 } },
  { name: 'GET /inbox', kind: 'none', stage: 'registered', method: 'get', path: () => '/api/v1/inbox', allowed: { supervisor: 200, ownUnit: 200, otherUnit: 200 } },
  { name: 'GET /units', kind: 'none', stage: 'registered', method: 'get', path: () => '/api/v1/units', allowed: { ...readers, otherUnit: 200 } },
  { name: 'GET /ledger', kind: 'none', stage: 'registered', method: 'get', path: () => '/api/v1/ledger', allowed: { ...readers, otherUnit: 200 } },
  { name: 'GET /figures', kind: 'none', stage: 'registered', method: 'get', path: () => '/api/v1/figures?period=year&year=2025', allowed: { ...readers, otherUnit: 200 } }, // a unit gets its own row
  { name: 'GET /leaderboard', kind: 'none', stage: 'registered', method: 'get', path: () => '/api/v1/leaderboard?period=year&year=2025', allowed: { ...readers, otherUnit: 200 } },
  { name: 'GET /audit/events', kind: 'none', stage: 'registered', method: 'get', path: () => '/api/v1/audit/events', allowed: { supervisor: 200, auditor: 200, admin: 200 } },
  { name: 'GET /audit/export', kind: 'none', stage: 'registered', method: 'get', path: () => '/api/v1/audit/export?format=jsonl', allowed: { supervisor: 200, auditor: 200, admin: 200 } },
  { name: 'GET /units/:id', kind: 'none', stage: 'registered', method: 'get', path: () => `/api/v1/units/${enc(OWN)}`, allowed: { ...readers, otherUnit: 200 } },
  { name: 'GET /units/resolve', kind: 'none', stage: 'registered', method: 'get', path: () => `/api/v1/units/resolve?names=${enc('市财政局、编办、各开发区')}`, allowed: { ...readers, otherUnit: 200 } },
  { name: 'POST /units', kind: 'none', stage: 'registered', method: 'post', path: () => '/api/v1/units', body: 'unit', allowed: { admin: 201 } },
  { name: 'POST /units/:id/aliases', kind: 'none', stage: 'registered', method: 'post', path: () => `/api/v1/units/${enc(OWN)}/aliases`, body: 'alias', allowed: { admin: 201 } },
  { name: 'GET /units/groups', kind: 'none', stage: 'registered', method: 'get', path: () => '/api/v1/units/groups', allowed: { ...readers, otherUnit: 200 } },
  { name: 'GET /units/groups/:id', kind: 'none', stage: 'registered', method: 'get', path: () => `/api/v1/units/groups/${enc('各产业集聚区')}`, allowed: { ...readers, otherUnit: 200 } },
  { name: 'PUT /units/groups/:id/members', kind: 'none', stage: 'registered', method: 'put', path: () => `/api/v1/units/groups/${enc('市制造业高质量发展工作领导小组成员单位')}/members`, body: { members: ['市工信局', '市发展改革委', '市财政局'] }, allowed: { admin: 200 } },
];

describe('role × endpoint matrix', () => {
  let t: TestApp;
  let n = 0;
  beforeAll(async () => (t = await startTestApp()));
  afterAll(() => t.close());

  /** The actor each caller is (null: no token). */
  const actorOf = (who: Who): { role: Role; unitId: string; userId: string } | null =>
    who === 'anonymous' ? null
    : who === 'ownUnit' ? { role: 'unit', unitId: OWN, userId: '登封联络员' }
    : who === 'otherUnit' ? { role: 'unit', unitId: OTHER, userId: '巩义联络员' }
    : { role: who, unitId: who === 'supervisor' ? OFFICE : who === 'auditor' ? '市审计局' : '市政府办公厅', userId: `${who}-1` };
  const client = (who: Who) => {
    const actor = actorOf(who);
    return actor === null ? t.as(null) : t.as(actor.role, actor.unitId, actor.userId);
  };
  /** PUT as the caller (the test client has get and post only). */
  const put = (who: Who, url: string) => {
    const actor = actorOf(who);
    const r = request(t.app.getHttpServer()).put(url);
    return actor === null ? r : r.set('Authorization', `Bearer ${mintToken(actor, SECRET)}`);
  };

  /** A fresh task or issue for OWN, driven by its legitimate actors to `stage`. */
  async function itemAt(kind: 'task' | 'issue', stage: Stage): Promise<string> {
    const sup = client('supervisor');
    const own = client('ownUnit');
    const id =
      kind === 'task'
        ? (
            await sup
              .post('/api/v1/tasks')
              .send({ docNumber: '郑政办〔2021〕34号', itemPath: `矩阵/${++n}`, title: `矩阵${n}`, text: '矩阵', leadUnits: ['市工信局'], responsibleUnits: [OWN], deadline: '2026-12-30T23:59:59+08:00' })
              .expect(201)
          ).body.item.taskId
        : (await own.post('/api/v1/issues').send({ title: '矩阵', description: '矩阵', category: '其他', urgency: 'urgent' }).expect(201)).body.item.issueId;
    const at = (rest: string) => (kind === 'task' ? share(id, rest) : issue(id, rest));
    const steps: Array<[Stage, () => Promise<unknown>]> = [
      ['assigned', () => sup.post(at('/assign')).send(kind === 'issue' ? { unitId: OWN } : {}).expect(200)],
      ['acknowledged', () => own.post(at('/acknowledge')).send({}).expect(200)],
      ['in_progress', () => own.post(at('/progress')).send({ percent: 100, narrative: '完成' }).expect(200)],
      ['submitted', () => own.post(at('/submit')).send({ summary: '完成', evidence }).expect(200)],
      ['closed', () => sup.post(at('/approve')).send({}).expect(200)],
    ];
    if (stage === 'extension') {
      await steps[0][1]();
      await own.post(at('/extension-requests')).send({ requestedDeadline: '2026-12-31T23:59:59+08:00', reason: '延期' }).expect(200);
      return id;
    }
    for (const [reached, step] of steps) {
      if (STAGES.indexOf(reached) > STAGES.indexOf(stage)) break;
      await step();
    }
    return id;
  }

  const versionOf = async (kind: 'task' | 'issue', id: string) =>
    (await client('auditor').get(kind === 'task' ? `/api/v1/tasks/${id}` : issue(id)).expect(200)).body.version;

  it.each(ENDPOINTS.map((e) => [e.name, e] as const))('%s', async (_name, e) => {
    const id = e.kind === 'create' || e.kind === 'none' ? '' : await itemAt(e.kind, e.stage);
    // registering a task needs a new item path and title each time (the same item cannot be registered twice)
    const bodyFor = () =>
      e.body === 'unit' ? { id: `矩阵测试局${++n}`, kind: 'department', parent: '郑州市人民政府' }
      : e.body === 'alias' ? { alias: `登封矩阵别名${++n}` }
      : e.body ?? { docNumber: '郑政办〔2021〕34号', itemPath: `矩阵/${++n}`, title: `矩阵${n}`, text: '矩阵', leadUnits: ['市工信局'], responsibleUnits: [OWN], deadline: '2026-12-30T23:59:59+08:00' };
    const before = e.kind === 'create' || e.kind === 'none' ? null : await versionOf(e.kind, id);
    const refused = EVERYONE.filter((w) => e.allowed[w] === undefined);
    const seen: Record<string, number> = {};
    for (const who of [...refused, ...EVERYONE.filter((w) => e.allowed[w] !== undefined)]) {
      const c = client(who);
      const res =
        e.method === 'get' ? await c.get(e.path(id))
        : e.method === 'put' ? await put(who, e.path(id)).send(bodyFor())
        : await c.post(e.path(id)).send(bodyFor());
      seen[who] = res.status;
      if (res.status >= 400) expect(res.body.statusCode).toBe(res.status);
      if (e.allowed[who] === undefined && (e.kind === 'task' || e.kind === 'issue')) expect(await versionOf(e.kind, id)).toBe(before); // refused: nothing written
    }
    const expected = Object.fromEntries(EVERYONE.map((w) => [w, e.allowed[w] ?? (w === 'anonymous' ? 401 : 403)]));
    expect(seen).toEqual(expected);
  });
});
