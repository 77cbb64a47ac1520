/**
 * AuditQuery over a trail built with the real deciders: each filter, their
 * combinations, keyset paging, time ranges on both axes, refusals, and the
 * query plans (every page comes off an index in position order, no sort).
 */
import { Harness } from '../testing/harness';
import {
  acknowledgeIssue,
  addNote,
  AIRPORT_ZONE,
  approveShare,
  assignIssue,
  NDRC,
  OFFICE_4,
  registerTask,
  reportIssue,
  reportShare,
  shareInProgress,
  submitShare,
  ZHENGDONG,
  ZHONGMU,
} from '../testing/fixtures';
import type { AuditEntry, AuditFilter } from './audit-entry';
import { AuditProjection } from './audit.projection';
import { AuditQuery, InvalidAuditQueryError, parseAuditInstant } from './audit.query';

const A = 'zzb-2021-34-3-1'; // three shares; 中牟县 goes through to 销号
const B = 'zzb-2021-34-3-2'; // 中牟县 only, closes with its share
const I = 'wt-2021-001';
const CONSTRUCTION = '市城乡建设局';

describe('AuditQuery', () => {
  let h: Harness;
  let q: AuditQuery;
  let all: AuditEntry[];

  beforeAll(async () => {
    h = await Harness.open({ manualClock: true, projections: () => [new AuditProjection()] });
    q = new AuditQuery(h.db);
    // recorded one day after the other from 2021-05-01 (UTC), whatever the effective time says
    let day = 0;
    const run = async (...commands: Parameters<Harness['ledger']['run']>[0][]) => {
      for (const c of commands) {
        h.clock.set(new Date(Date.UTC(2021, 4, 1 + day++, 2)).toISOString());
        await h.ledger.run(c);
      }
    };
    await run(registerTask(A), ...shareInProgress(A, ZHONGMU)); // days 0–3
    await run(addNote(A, ZHONGMU, NDRC, '2021-07-01T09:00:00+08:00')); // day 4
    await run(registerTask(B, { responsibleUnits: [ZHONGMU], itemPath: '三/2', title: '建立问题清单台账' })); // day 5
    await run(...shareInProgress(B, ZHONGMU)); // days 6–8
    await run(reportShare(B, ZHONGMU, '2021-07-10T10:00:00+08:00', 100), submitShare(B, ZHONGMU, '2021-07-11T10:00:00+08:00')); // 9, 10
    await run(approveShare(B, ZHONGMU, '2021-07-12T10:00:00+08:00')); // day 11: two events (approved + task closed)
    // an issue back-filled from the paper ledger: effective in March, recorded in May
    await run(reportIssue(I, { reportingUnit: ZHONGMU }));
    await run(assignIssue(I, CONSTRUCTION, '2021-03-02T09:00:00+08:00', '2021-03-31T23:59:59+08:00'));
    await run(acknowledgeIssue(I, CONSTRUCTION, '2021-03-03T09:00:00+08:00'));
    await h.settle();
    all = q.list({ limit: 1000 }).rows;
  });
  afterAll(async () => {
    await h.close();
  });

  const types = (f: AuditFilter) => q.list({ limit: 1000, ...f }).rows.map((r) => `${r.type}@${r.itemKey}`);
  const positions = (f: AuditFilter) => q.list({ limit: 1000, ...f }).rows.map((r) => r.position);

  it('lists the whole trail in log order', () => {
    expect(all).toHaveLength(16);
    expect(all.map((r) => r.position)).toEqual([...all.map((r) => r.position)].sort((a, b) => (a < b ? -1 : 1)));
    expect(q.headPosition()).toBe(all[15].position);
    expect(q.get(all[3].position)).toEqual(all[3]);
    expect(q.get(999n)).toBeNull();
  });

  it('item: a whole task, one share (with the task-level events that concern it), an issue', () => {
    expect(types({ item: `task:${A}` })).toHaveLength(5);
    expect(types({ item: `task:${A}:${ZHONGMU}` })).toEqual([
      `task.registered.v1@task:${A}`,
      `task.share.assigned.v1@task:${A}:${ZHONGMU}`,
      `task.share.acknowledged.v1@task:${A}:${ZHONGMU}`,
      `task.share.progress_reported.v1@task:${A}:${ZHONGMU}`,
      `task.share.note_added.v1@task:${A}:${ZHONGMU}`,
    ]);
    // 郑东新区's share was registered and nothing else
    expect(types({ item: `task:${A}:${ZHENGDONG}` })).toEqual([`task.registered.v1@task:${A}`]);
    expect(types({ item: `task:${B}:${ZHONGMU}` }).slice(-2)).toEqual([
      `task.share.completion_approved.v1@task:${B}:${ZHONGMU}`,
      `task.closed.v1@task:${B}`,
    ]);
    expect(types({ item: `issue:${I}` })).toEqual([
      `issue.reported.v1@issue:${I}`,
      `issue.assigned.v1@issue:${I}`,
      `issue.acknowledged.v1@issue:${I}`,
    ]);
    expect(types({ item: 'task:nope' })).toEqual([]);
    expect(types({ item: 'task:nope:中牟县' })).toEqual([]);
  });

  it('unit: what the unit did OR what concerns it', () => {
    // 市发展改革委 only added a note (actor), on 中牟县's share
    expect(types({ unit: NDRC })).toEqual([`task.share.note_added.v1@task:${A}:${ZHONGMU}`]);
    // 市城乡建设局: assigned to it (concerned, the office acting) and its own acknowledgement
    expect(types({ unit: CONSTRUCTION })).toEqual([`issue.assigned.v1@issue:${I}`, `issue.acknowledged.v1@issue:${I}`]);
    // 郑州航空港区: only named in task A's registration
    expect(types({ unit: AIRPORT_ZONE })).toEqual([`task.registered.v1@task:${A}`]);
    // the office registered and assigned everything (actor), and is concerned by nothing
    expect(types({ unit: OFFICE_4 })).toHaveLength(7);
    expect(types({ unit: ZHONGMU })).toHaveLength(16); // every event here concerns 中牟县 or was done by it
  });

  it('actor, correlation id and type', () => {
    expect(types({ actor: 'staff@市城乡建设局' })).toEqual([`issue.acknowledged.v1@issue:${I}`]);
    const approval = all.find((r) => r.type === 'task.share.completion_approved.v1')!;
    expect(types({ correlationId: approval.correlationId })).toEqual([
      `task.share.completion_approved.v1@task:${B}:${ZHONGMU}`,
      `task.closed.v1@task:${B}`,
    ]);
    expect(types({ type: 'task.registered.v1' })).toEqual([`task.registered.v1@task:${A}`, `task.registered.v1@task:${B}`]);
    expect(types({ type: 'no.such.v1' })).toEqual([]);
  });

  it('filters combine (AND)', () => {
    expect(types({ unit: ZHONGMU, actor: 'li.duban', type: 'task.share.assigned.v1' })).toEqual([
      `task.share.assigned.v1@task:${A}:${ZHONGMU}`,
      `task.share.assigned.v1@task:${B}:${ZHONGMU}`,
    ]);
    expect(types({ item: `task:${A}`, unit: NDRC })).toEqual([`task.share.note_added.v1@task:${A}:${ZHONGMU}`]);
    expect(types({ item: `issue:${I}`, from: '2021-05-14', axis: 'recorded' })).toEqual([
      `issue.assigned.v1@issue:${I}`,
      `issue.acknowledged.v1@issue:${I}`,
    ]);
  });

  it('recorded time: from inclusive, to exclusive; a date is midnight in Asia/Shanghai', () => {
    // day k was recorded at 2021-05-(1+k)T02:00Z = 10:00 Beijing time; day 11 holds two events
    expect(positions({ from: '2021-05-03T02:00:00Z', to: '2021-05-05T02:00:00Z' })).toEqual([all[2].position, all[3].position]);
    expect(positions({ from: '2021-05-12', to: '2021-05-13' })).toEqual([all[11].position, all[12].position]);
    expect(positions({ from: new Date('2021-05-15T00:00:00Z') })).toEqual(all.slice(15).map((r) => r.position));
    expect(positions({ to: '2021-05-02T10:00:00+08:00' })).toEqual([all[0].position]);
    expect(positions({ from: '2022-01-01' })).toEqual([]);
    expect(positions({ to: '2021-01-01' })).toEqual([]);
  });

  it('effective time: what took effect when, back-filled records included', () => {
    // the issue was back-filled: effective in March 2021 although recorded in May
    expect(types({ axis: 'effective', to: '2021-04-01' })).toEqual([`issue.assigned.v1@issue:${I}`, `issue.acknowledged.v1@issue:${I}`]);
    expect(types({ axis: 'recorded', to: '2021-04-01' })).toEqual([]);
    expect(types({ axis: 'effective', from: '2021-07-11', to: '2021-07-12T10:00:00+08:00' })).toEqual([
      `task.share.completion_submitted.v1@task:${B}:${ZHONGMU}`,
    ]);
  });

  it('pages by keyset on the position: the pages put together are the whole list, each flags whether more follow', () => {
    for (const filter of [{}, { unit: ZHONGMU }, { item: `task:${A}` }, { from: '2021-05-03' }, { axis: 'effective' as const, from: '2021-01-01' }]) {
      const whole = q.list({ ...filter, limit: 1000 }).rows;
      const pages: AuditEntry[][] = [];
      let after: bigint | undefined;
      for (;;) {
        const page = q.list({ ...filter, limit: 2, ...(after !== undefined ? { afterPosition: after } : {}) });
        pages.push(page.rows);
        expect(page.hasMore).toBe(page.nextAfterPosition !== null);
        if (!page.hasMore) break;
        after = page.nextAfterPosition!;
      }
      expect(pages.flat()).toEqual(whole);
      expect(pages.length).toBe(Math.max(1, Math.ceil(whole.length / 2)));
    }
    expect(q.list({ limit: 5 })).toMatchObject({ limit: 5, hasMore: true, nextAfterPosition: all[4].position });
    expect(q.list({ afterPosition: all[15].position })).toMatchObject({ rows: [], hasMore: false, nextAfterPosition: null });
  });

  it('untilPosition pins a listing to one state of the log', () => {
    expect(positions({ untilPosition: all[2].position })).toEqual(all.slice(0, 3).map((r) => r.position));
    expect(positions({ unit: CONSTRUCTION, untilPosition: all[14].position })).toEqual([all[14].position]);
  });

  it('refuses bad filters, naming the field', () => {
    const refused = (f: AuditFilter) => {
      try {
        q.list(f);
      } catch (err) {
        expect(err).toBeInstanceOf(InvalidAuditQueryError);
        return (err as InvalidAuditQueryError).field;
      }
      return 'accepted';
    };
    expect(refused({ limit: 0 })).toBe('limit');
    expect(refused({ limit: 1001 })).toBe('limit');
    expect(refused({ limit: 2.5 })).toBe('limit');
    expect(refused({ from: 'yesterday' })).toBe('from');
    expect(refused({ from: '2021-02-30' })).toBe('from');
    expect(refused({ to: '2021-05-01T25:00:00+08:00' })).toBe('to');
    expect(refused({ to: '2021-05-01T10:00:00' })).toBe('to'); // no offset: which instant?
    expect(refused({ from: '2021-06-01', to: '2021-05-01' })).toBe('to');
    expect(refused({ item: 'park:1' })).toBe('item');
    expect(refused({ item: 'task:' })).toBe('item');
    expect(refused({ axis: 'wall' as never })).toBe('axis');
    expect(refused({ afterPosition: -1n })).toBe('afterPosition');
    expect(refused({ unit: '' })).toBe('unit');
  });

  it('reads instants with offsets and dates (Asia/Shanghai midnight)', () => {
    expect(parseAuditInstant('2021-05-01')).toBe(Date.parse('2021-04-30T16:00:00Z'));
    expect(parseAuditInstant('2021-05-01T08:00+08:00')).toBe(Date.parse('2021-05-01T00:00:00Z'));
    expect(parseAuditInstant('2021-05-01T00:00:00.123Z')).toBe(Date.parse('2021-05-01T00:00:00.123Z'));
    expect(parseAuditInstant('2021-02-29')).toBeNull();
    expect(parseAuditInstant('2024-02-29')).not.toBeNull();
  });

  it('every page comes off an index in position order: no sort, no scan of another table', () => {
    const filters: AuditFilter[] = [
      { correlationId: 'x' },
      { item: `task:${A}` },
      { item: `task:${A}:${ZHONGMU}`, from: '2021-05-01' },
      { actor: 'li.duban', type: 'task.registered.v1' },
      { unit: ZHONGMU, type: 'task.registered.v1', axis: 'effective', from: '2021-01-01' },
      { type: 'task.registered.v1' },
      { from: '2021-05-03', to: '2021-05-06' },
      { axis: 'effective', from: '2021-05-03' },
      {},
    ];
    for (const f of filters) q.list({ ...f, limit: 3 });
    const statements = (q as unknown as { statements: Map<string, unknown> }).statements;
    const plans = [...statements.keys()]
      .filter((sql) => sql.startsWith('SELECT e.position') && sql.includes('LIMIT @n'))
      .map((sql) => {
        const params = Object.fromEntries([...sql.matchAll(/@([a-z_]+)/g)].map(([, name]) => [name, name.endsWith('ms') || ['after', 'until', 'n', 'lo', 'hi'].includes(name) ? 1 : 'x']));
        const plan = (h.db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(params) as { detail: string }[]).map((r) => r.detail).join(' | ');
        return plan;
      });
    expect(plans.length).toBeGreaterThanOrEqual(8);
    for (const plan of plans) {
      // e.g. "SEARCH e USING INDEX audit_events_item (item_root=? AND position>? AND position<?) | SEARCH b USING INTEGER PRIMARY KEY (rowid=?)"
      expect(plan).toMatch(/^SEARCH (e|u) USING /);
      expect(plan).not.toMatch(/TEMP B-TREE/);
      expect(plan.replace(/SCAN json_each/g, '')).not.toMatch(/\bSCAN\b/);
    }
  });
});
