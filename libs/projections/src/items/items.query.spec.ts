/**
 * ItemsQuery over a ledger built with the real deciders: filters, paging,
 * the unit inbox and the supervision office's inbox.
 */
import { Harness } from '../testing/harness';
import {
  acknowledgeShare,
  AIRPORT_ZONE,
  assignIssue,
  assignShare,
  DOC_34,
  MIIT,
  NDRC,
  registerTask,
  reportIssue,
  reportShare,
  requestExtension,
  requestIssueExtension,
  shareInProgress,
  submitShare,
  ZHENGDONG,
  ZHONGMU,
} from '../testing/fixtures';
import { issueItemKey, taskItemKey } from './item';
import { InvalidItemsQueryError } from './items.query';

const A = 'zzb-2021-34-3-1'; // three shares
const B = 'zzb-2021-34-3-2'; // Zhongmu only, another document
const I1 = 'wt-2021-001';
const I2 = 'wt-2021-002';
const CONSTRUCTION = '市城乡建设局';

describe('ItemsQuery', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await Harness.open();
    await h.ledger.runAll([
      registerTask(A),
      // 中牟县: in progress, deadline 2021-06-30 23:59:59 +08:00 (= 15:59:59Z)
      ...shareInProgress(A, ZHONGMU, '2021-06-30T23:59:59+08:00'),
      // 郑东新区: assigned, waiting for 签收, deadline 2021-09-30
      assignShare(A, ZHENGDONG, '2021-05-06T09:00:00+08:00', '2021-09-30T23:59:59+08:00'),
      // 航空港区: registered, not yet assigned
      registerTask(B, {
        sourceDocument: { docNumber: '郑政〔2021〕10号' },
        itemPath: '二/3',
        title: '建立问题清单台账',
        responsibleUnits: [ZHONGMU],
        leadUnits: [MIIT],
        cooperatingUnits: [],
        deadline: '2021-08-31T23:59:59+08:00',
      }),
      // B/中牟县: acknowledged with a pending extension, then… stays acknowledged
      assignShare(B, ZHONGMU, '2021-05-08T09:00:00+08:00'),
      acknowledgeShare(B, ZHONGMU, '2021-05-09T09:00:00+08:00'),
      requestExtension(B, ZHONGMU, '2021-05-10T09:00:00+08:00', '2021-10-31T23:59:59+08:00'),
      // issue 1: reported, unassigned
      reportIssue(I1),
      // issue 2: assigned to 市城乡建设局 with a pending extension
      reportIssue(I2, { title: '园区供电线路迁改', category: '供电', urgency: 'normal' }),
      assignIssue(I2, CONSTRUCTION, '2021-05-11T09:00:00+08:00', '2021-06-01T18:00:00+08:00'),
      requestIssueExtension(I2, CONSTRUCTION, '2021-05-20T09:00:00+08:00', '2021-06-15T18:00:00+08:00'),
    ]);
    await h.settle();
  });
  afterAll(async () => {
    await h.close();
  });

  it('gets one item by key, null for an unknown key', () => {
    expect(h.query.get(taskItemKey(A, ZHONGMU))).toMatchObject({ status: 'in_progress', percent: 40 });
    expect(h.query.get('task:nope:nobody')).toBeNull();
  });

  it('lists everything with a total, soonest deadline first, unassigned last', () => {
    const page = h.query.list();
    expect(page.total).toBe(6);
    expect(page.rows.map((r) => r.key)).toEqual([
      issueItemKey(I2), // 2021-06-01
      taskItemKey(A, ZHONGMU), // 2021-06-30
      taskItemKey(B, ZHONGMU), // 2021-08-31 (the task deadline it defaulted to)
      taskItemKey(A, ZHENGDONG), // 2021-09-30
      taskItemKey(A, AIRPORT_ZONE), // not assigned: the task's 完成时限 2021-12-31
      issueItemKey(I1), // no deadline at all
    ]);
  });

  it('filters by responsible unit, status, kind, 文号 and task, and pages with a stable total', () => {
    expect(h.query.list({ unitId: ZHONGMU }).rows.map((r) => r.key)).toEqual([taskItemKey(A, ZHONGMU), taskItemKey(B, ZHONGMU)]);
    expect(h.query.list({ status: 'assigned' }).rows.map((r) => r.key)).toEqual([issueItemKey(I2), taskItemKey(A, ZHENGDONG)]);
    expect(h.query.list({ status: ['registered', 'reported'] }).total).toBe(2);
    expect(h.query.list({ kind: 'issue' }).total).toBe(2);
    expect(h.query.list({ docNumber: DOC_34 }).total).toBe(3);
    expect(h.query.list({ taskId: B }).total).toBe(1);
    expect(h.query.list({ docNumber: DOC_34, unitId: ZHONGMU, status: 'in_progress' }).total).toBe(1);

    const first = h.query.list({ limit: 4 });
    const second = h.query.list({ limit: 4, offset: 4 });
    expect([first.total, second.total]).toEqual([6, 6]);
    expect([...first.rows, ...second.rows].map((r) => r.key)).toEqual(h.query.list().rows.map((r) => r.key));
  });

  it('finds the items a unit is involved in as lead or cooperating unit', () => {
    expect(h.query.list({ involvesUnit: NDRC }).total).toBe(3); // 配合 on task A
    expect(h.query.list({ involvesUnit: MIIT }).total).toBe(4); // 牵头 on A and B
    expect(h.query.list({ involvesUnit: CONSTRUCTION }).rows.map((r) => r.key)).toEqual([issueItemKey(I2)]);
  });

  it('lists overdue items by instant, not by string: 23:59:59+08:00 has passed at 16:00Z the same day', () => {
    expect(h.query.list({ overdueAt: '2021-06-30T15:59:58Z' }).rows.map((r) => r.key)).toEqual([issueItemKey(I2)]);
    expect(h.query.list({ overdueAt: '2021-06-30T16:00:00Z' }).rows.map((r) => r.key)).toEqual([
      issueItemKey(I2),
      taskItemKey(A, ZHONGMU),
    ]);
    // unassigned items have no deadline yet and are never overdue
    expect(h.query.list({ overdueAt: '2030-01-01T00:00:00Z' }).total).toBe(4);
  });

  it("a unit's inbox: what awaits its 签收, progress or 申请销号, soonest deadline first", () => {
    const inbox = h.query.inbox(ZHONGMU, '2021-07-01T09:00:00+08:00');
    expect(inbox.total).toBe(2);
    expect(inbox.rows.map((e) => [e.item.key, e.needs, e.overdue])).toEqual([
      [taskItemKey(A, ZHONGMU), ['report_progress', 'submit_completion'], true],
      [taskItemKey(B, ZHONGMU), ['report_progress'], false],
    ]);
    expect(inbox.rows[0].msToDeadline).toBeLessThan(0);

    expect(h.query.inbox(ZHENGDONG, '2021-07-01T09:00:00+08:00').rows.map((e) => e.needs)).toEqual([['acknowledge']]);
    expect(h.query.inbox(AIRPORT_ZONE, '2021-07-01T09:00:00+08:00').total).toBe(0); // not assigned yet
    expect(h.query.inbox(CONSTRUCTION, new Date('2021-05-21T00:00:00Z'), { kind: 'issue' }).rows.map((e) => e.item.key)).toEqual([
      issueItemKey(I2),
    ]);
  });

  it("the supervision office's inbox: assign, verify, decide extensions", () => {
    const inbox = h.query.supervisorInbox('2021-05-21T09:00:00+08:00');
    expect(inbox.rows.map((e) => [e.item.key, e.needs])).toEqual([
      [issueItemKey(I2), ['decide_extension']],
      [taskItemKey(B, ZHONGMU), ['decide_extension']],
      [taskItemKey(A, AIRPORT_ZONE), ['assign']],
      [issueItemKey(I1), ['assign']],
    ]);
    expect(h.query.supervisorInbox('2021-05-21T09:00:00+08:00', { needs: ['assign'], kind: 'issue' }).rows.map((e) => e.item.key)).toEqual([
      issueItemKey(I1),
    ]);
  });

  it('pages both inboxes with a stable total, in deadline order', () => {
    const at = '2021-05-21T09:00:00+08:00';
    const all = h.query.supervisorInbox(at).rows.map((e) => e.item.key);
    const first = h.query.supervisorInbox(at, { limit: 2 });
    const second = h.query.supervisorInbox(at, { limit: 2, offset: 2 });
    expect([first.total, first.limit, first.offset, second.total, second.limit, second.offset]).toEqual([all.length, 2, 0, all.length, 2, 2]);
    expect([...first.rows, ...second.rows].map((e) => e.item.key)).toEqual(all.slice(0, 4));
    expect(h.query.supervisorInbox(at, { offset: all.length }).rows).toEqual([]);

    const unit = h.query.inbox(ZHONGMU, '2021-07-01T09:00:00+08:00', { limit: 1, offset: 1 });
    expect(unit.total).toBe(2);
    expect(unit.rows.map((e) => e.item.key)).toEqual([taskItemKey(B, ZHONGMU)]);
    expect(() => h.query.inbox(ZHONGMU, '2021-07-01T09:00:00+08:00', { limit: 1001 })).toThrow(InvalidItemsQueryError);
    expect(() => h.query.supervisorInbox(at, { offset: -1 })).toThrow(InvalidItemsQueryError);
  });

  it('shows a submitted completion to the supervision office to verify', async () => {
    await h.ledger.runAll([
      reportShare(A, ZHONGMU, '2021-06-29T10:00:00+08:00', 100),
      submitShare(A, ZHONGMU, '2021-06-29T16:00:00+08:00'),
    ]);
    await h.settle();
    const verify = h.query.supervisorInbox('2021-06-30T09:00:00+08:00', { needs: ['verify_completion'] });
    expect(verify.rows.map((e) => [e.item.key, e.item.submittedByUnit, e.needs, e.overdue])).toEqual([
      [taskItemKey(A, ZHONGMU), ZHONGMU, ['verify_completion'], false],
    ]);
    // submitted: no longer in the unit's inbox
    expect(h.query.inbox(ZHONGMU, '2021-06-30T09:00:00+08:00').rows.map((e) => e.item.key)).toEqual([taskItemKey(B, ZHONGMU)]);
  });

  it('refuses malformed queries with a typed error', () => {
    expect(() => h.query.list({ limit: 0 })).toThrow(InvalidItemsQueryError);
    expect(() => h.query.list({ limit: 5000 })).toThrow(InvalidItemsQueryError);
    expect(() => h.query.list({ offset: -1 })).toThrow(InvalidItemsQueryError);
    expect(() => h.query.list({ overdueAt: 'yesterday' })).toThrow(InvalidItemsQueryError);
    expect(() => h.query.list({ status: [] })).toThrow(InvalidItemsQueryError);
    expect(() => h.query.list({ kind: 'park' as never })).toThrow(InvalidItemsQueryError);
    expect(() => h.query.supervisorInbox('2021-05-21T09:00:00+08:00', { needs: [] })).toThrow(InvalidItemsQueryError);
  });
});
