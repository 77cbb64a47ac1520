/**
 * The figures projection, given/when/then: given these commands (run through
 * the real deciders into a real SQLite store), then these rows (read back from
 * a real read-model file once the runner has applied them). Every fact keeps
 * its effective time and the global position of its event.
 */
import type { IssueCommand } from '@duban/domain/issue';
import type { TaskCommand } from '@duban/domain/task';
import { isTaskRegistered } from '@duban/domain/task';
import type { LedgerResult } from '../testing/ledger';
import { Harness } from '../testing/harness';
import {
  acknowledgeShare,
  AIRPORT_ZONE,
  approveIssue,
  approveShare,
  assignIssue,
  assignShare,
  command,
  grantExtension,
  refuseExtension,
  registerTask,
  rejectShare,
  reopenShare,
  reportIssue,
  reportShare,
  requestExtension,
  shareInProgress,
  staffOf,
  submitIssue,
  submitShare,
  supervisor,
  ZHENGDONG,
  ZHONGMU,
} from '../testing/fixtures';
import { issueItemKey, taskItemKey } from '../items/item';
import type { FiguresItem } from './figures';
import { FiguresProjection } from './figures.projection';
import { FiguresQuery } from './figures.query';

type Cmd = TaskCommand | IssueCommand;
const T = 'zzb-2021-34-3-1';
const key = (unit: string) => taskItemKey(T, unit);
/** The position of the i-th event a command wrote (SQLite positions are contiguous). */
const pos = (r: LedgerResult, i = 0) => String(r.position - BigInt(r.events.length - 1 - i));
const ms = Date.parse;

describe('figures projection', () => {
  let h: Harness;
  let query: FiguresQuery;
  beforeEach(async () => {
    h = await Harness.open({ manualClock: true, projections: () => [new FiguresProjection()] });
    query = new FiguresQuery(h.db);
  });
  afterEach(async () => {
    await h.close();
  });

  const given = async (...commands: Cmd[]): Promise<LedgerResult[]> => {
    const results: LedgerResult[] = [];
    for (const c of commands) results.push(await h.ledger.run(c));
    return results;
  };
  const when = (c: Cmd) => h.ledger.run(c);
  const then = async (k: string): Promise<FiguresItem> => {
    await h.settle();
    const item = query.item(k);
    if (!item) throw new Error(`no row ${k}`);
    return item;
  };

  it('given nothing, when a task is registered, then one unassigned row per responsible unit', async () => {
    h.clock.set('2021-04-30T02:00:05Z');
    const registered = await when(registerTask(T));
    await h.settle();
    expect(query.items().map((r) => r.unitId)).toEqual([AIRPORT_ZONE, ZHONGMU, ZHENGDONG].sort());
    expect(await then(key(ZHONGMU))).toEqual<FiguresItem>({
      key: `task:${T}:${ZHONGMU}`,
      kind: 'task',
      unitId: ZHONGMU,
      status: 'registered',
      assignedAt: null,
      deadline: null,
      firstClosedAt: null,
      firstClosedOnTime: null,
      lastClosedAt: null,
      lastClosedOnTime: null,
      submissionCount: 0,
      reworkCount: 0,
      extensionCount: 0,
      reopenCount: 0,
      deadlines: [],
      submissions: [],
      closures: [],
      reworks: [],
      extensions: [],
      reopens: [],
      membership: [],
      removed: false,
      lastPosition: registered.position,
      updatedAt: '2021-04-30T02:00:05.000Z',
    });
  });

  it('given an assigned share, when it is submitted and approved before its deadline, then one on-time closure', async () => {
    const [, assigned] = await given(registerTask(T), assignShare(T, ZHONGMU, '2021-05-06T09:00:00+08:00', '2021-06-30T23:59:59+08:00'));
    await given(acknowledgeShare(T, ZHONGMU, '2021-05-07T09:30:00+08:00'), reportShare(T, ZHONGMU, '2021-06-20T10:00:00+08:00', 100));
    const submitted = await when(submitShare(T, ZHONGMU, '2021-06-25T16:00:00+08:00'));
    const approved = await when(approveShare(T, ZHONGMU, '2021-06-30T23:59:59+08:00')); // the deadline itself is on time

    expect(await then(key(ZHONGMU))).toMatchObject<Partial<FiguresItem>>({
      status: 'closed',
      assignedAt: '2021-05-06T09:00:00+08:00',
      deadline: '2021-06-30T23:59:59+08:00',
      firstClosedAt: '2021-06-30T23:59:59+08:00',
      firstClosedOnTime: true,
      lastClosedAt: '2021-06-30T23:59:59+08:00',
      lastClosedOnTime: true,
      submissionCount: 1,
      deadlines: [
        {
          deadline: '2021-06-30T23:59:59+08:00',
          deadlineMs: ms('2021-06-30T23:59:59+08:00'),
          cause: 'assigned',
          at: '2021-05-06T09:00:00+08:00',
          atMs: ms('2021-05-06T09:00:00+08:00'),
          position: pos(assigned),
        },
      ],
      submissions: [{ at: '2021-06-25T16:00:00+08:00', atMs: ms('2021-06-25T16:00:00+08:00'), position: pos(submitted) }],
      closures: [
        {
          at: '2021-06-30T23:59:59+08:00',
          atMs: ms('2021-06-30T23:59:59+08:00'),
          position: pos(approved),
          deadline: '2021-06-30T23:59:59+08:00',
          onTime: true,
          submittedAt: '2021-06-25T16:00:00+08:00',
          submittedOnTime: true,
        },
      ],
      lastPosition: approved.position,
    });
  });

  it('given a submitted share, when it is rejected (退回) then approved after its deadline, then a rework with its time and a late closure', async () => {
    await given(registerTask(T), ...shareInProgress(T, ZHONGMU, '2021-06-30T23:59:59+08:00'), submitShare(T, ZHONGMU, '2021-06-30T18:00:00+08:00'));
    const rejected = await when(rejectShare(T, ZHONGMU, '2021-06-30T19:00:00+08:00'));
    await given(submitShare(T, ZHONGMU, '2021-06-30T20:00:00+08:00'));
    await when(approveShare(T, ZHONGMU, '2021-07-01T00:00:00+08:00')); // one second after the deadline

    expect(await then(key(ZHONGMU))).toMatchObject<Partial<FiguresItem>>({
      status: 'closed',
      reworkCount: 1,
      submissionCount: 2,
      // a rejection carries no time in its data: its effective time is the event's occurredAt
      reworks: [{ at: '2021-06-30T19:00:00+08:00', atMs: ms('2021-06-30T19:00:00+08:00'), position: pos(rejected) }],
      firstClosedOnTime: false,
      lastClosedOnTime: false,
      closures: [
        expect.objectContaining({
          at: '2021-07-01T00:00:00+08:00',
          deadline: '2021-06-30T23:59:59+08:00',
          onTime: false,
          submittedAt: '2021-06-30T20:00:00+08:00', // the approved submission, not the rejected one
          submittedOnTime: true,
        }),
      ],
    });
  });

  it('given an extension granted, when approved after the first deadline but before the new one, then on time against the deadline in force', async () => {
    await given(registerTask(T), ...shareInProgress(T, ZHONGMU, '2021-09-30T23:59:59+08:00'));
    await given(requestExtension(T, ZHONGMU, '2021-09-01T10:00:00+08:00', '2021-10-31T23:59:59+08:00'));
    const granted = await when(grantExtension(T, ZHONGMU, '2021-09-03T10:00:00+08:00', '2021-10-20T23:59:59+08:00'));
    await given(requestExtension(T, ZHONGMU, '2021-10-10T10:00:00+08:00', '2021-12-31T23:59:59+08:00'));
    await given(refuseExtension(T, ZHONGMU, '2021-10-11T10:00:00+08:00')); // a refusal is no extension
    await given(submitShare(T, ZHONGMU, '2021-10-15T10:00:00+08:00'), approveShare(T, ZHONGMU, '2021-10-18T10:00:00+08:00'));

    const row = await then(key(ZHONGMU));
    expect(row).toMatchObject<Partial<FiguresItem>>({
      deadline: '2021-10-20T23:59:59+08:00',
      extensionCount: 1,
      extensions: [
        {
          at: '2021-09-03T10:00:00+08:00',
          atMs: ms('2021-09-03T10:00:00+08:00'),
          position: pos(granted),
          from: '2021-09-30T23:59:59+08:00',
          to: '2021-10-20T23:59:59+08:00',
        },
      ],
      lastClosedOnTime: true,
    });
    expect(row.deadlines.map((d) => [d.cause, d.deadline])).toEqual([
      ['assigned', '2021-09-30T23:59:59+08:00'],
      ['extension', '2021-10-20T23:59:59+08:00'],
    ]);
    expect(row.closures[0]).toMatchObject({ deadline: '2021-10-20T23:59:59+08:00', onTime: true });
  });

  it('given a closed share, when it is reopened with a new deadline and closed late, then first and latest closure differ', async () => {
    await given(registerTask(T), ...shareInProgress(T, ZHONGMU, '2021-11-30T23:59:59+08:00'));
    await given(submitShare(T, ZHONGMU, '2021-11-20T16:00:00+08:00'), approveShare(T, ZHONGMU, '2021-11-25T10:00:00+08:00'));
    const reopened = await when(reopenShare(T, ZHONGMU, '2022-01-10T09:00:00+08:00', '2022-02-28T23:59:59+08:00'));
    expect(await then(key(ZHONGMU))).toMatchObject<Partial<FiguresItem>>({
      status: 'in_progress',
      reopenCount: 1,
      firstClosedAt: '2021-11-25T10:00:00+08:00',
      lastClosedAt: '2021-11-25T10:00:00+08:00',
      reopens: [
        {
          at: '2022-01-10T09:00:00+08:00',
          atMs: ms('2022-01-10T09:00:00+08:00'),
          position: pos(reopened),
          deadline: '2022-02-28T23:59:59+08:00',
        },
      ],
    });

    await given(submitShare(T, ZHONGMU, '2022-03-02T10:00:00+08:00'), approveShare(T, ZHONGMU, '2022-03-03T10:00:00+08:00'));
    const row = await then(key(ZHONGMU));
    expect(row).toMatchObject<Partial<FiguresItem>>({
      status: 'closed',
      firstClosedAt: '2021-11-25T10:00:00+08:00',
      firstClosedOnTime: true,
      lastClosedAt: '2022-03-03T10:00:00+08:00',
      lastClosedOnTime: false,
    });
    expect(row.closures.map((c) => [c.deadline, c.onTime])).toEqual([
      ['2021-11-30T23:59:59+08:00', true],
      ['2022-02-28T23:59:59+08:00', false],
    ]);
    expect(row.deadlines.map((d) => d.cause)).toEqual(['assigned', 'reopened']);
  });

  it('a reopening without a new deadline keeps the old one in force', async () => {
    await given(registerTask(T), ...shareInProgress(T, ZHONGMU, '2021-11-30T23:59:59+08:00'));
    await given(submitShare(T, ZHONGMU, '2021-11-20T16:00:00+08:00'), approveShare(T, ZHONGMU, '2021-11-25T10:00:00+08:00'));
    await when(reopenShare(T, ZHONGMU, '2021-12-10T09:00:00+08:00'));
    const row = await then(key(ZHONGMU));
    expect(row.reopens).toEqual([expect.objectContaining({ at: '2021-12-10T09:00:00+08:00', deadline: null })]);
    expect(row.deadlines.map((d) => d.cause)).toEqual(['assigned']);
    expect(row.deadline).toBe('2021-11-30T23:59:59+08:00');
  });

  it('keeps the same deadline history as the domain fold, with each change’s position', async () => {
    await given(registerTask(T), ...shareInProgress(T, ZHENGDONG, '2021-09-30T23:59:59+08:00'));
    await given(requestExtension(T, ZHENGDONG, '2021-09-01T10:00:00+08:00', '2021-10-31T23:59:59+08:00'));
    await given(grantExtension(T, ZHENGDONG, '2021-09-03T10:00:00+08:00'));
    await given(submitShare(T, ZHENGDONG, '2021-10-15T10:00:00+08:00'), approveShare(T, ZHENGDONG, '2021-10-18T10:00:00+08:00'));
    await given(reopenShare(T, ZHENGDONG, '2021-11-10T09:00:00+08:00', '2021-12-31T23:59:59+08:00'));

    const task = await h.ledger.taskState(T);
    if (!isTaskRegistered(task)) throw new Error('no task');
    const row = await then(key(ZHENGDONG));
    expect(row.deadlines.map(({ deadline, at, cause }) => ({ deadline, at, cause }))).toEqual(task.shares[ZHENGDONG].deadlineHistory);
    expect(row).toMatchObject({
      deadline: task.shares[ZHENGDONG].deadline,
      status: task.shares[ZHENGDONG].status,
      extensionCount: task.shares[ZHENGDONG].extensionCount,
      reopenCount: task.shares[ZHENGDONG].reopenCount,
    });
    // positions are strictly increasing along the history
    const positions = row.deadlines.map((d) => BigInt(d.position));
    expect(positions).toEqual([...positions].sort((a, b) => (a < b ? -1 : 1)));
  });

  it('an issue has no unit until it is assigned; its loop is recorded like a share’s', async () => {
    const I = 'wt-2021-001';
    const UNIT = '市城乡建设局';
    await given(reportIssue(I));
    expect(await then(issueItemKey(I))).toMatchObject({ kind: 'issue', unitId: null, status: 'reported', assignedAt: null, deadlines: [] });

    await given(assignIssue(I, UNIT, '2021-05-11T09:00:00+08:00', '2021-05-18T18:00:00+08:00'));
    await given(command('AcknowledgeIssue', staffOf(UNIT), '2021-05-11T10:00:00+08:00', { issueId: I }));
    await given(command('ReportIssueProgress', staffOf(UNIT), '2021-05-14T10:00:00+08:00', { issueId: I, percent: 100, narrative: '已协调' }));
    await given(submitIssue(I, UNIT, '2021-05-14T11:00:00+08:00'));
    await given(command('RejectIssueCompletion', supervisor, '2021-05-15T09:00:00+08:00', { issueId: I, reason: '材料不全' }));
    await given(submitIssue(I, UNIT, '2021-05-19T11:00:00+08:00'));
    await given(approveIssue(I, '2021-05-20T10:00:00+08:00'));

    expect(await then(issueItemKey(I))).toMatchObject<Partial<FiguresItem>>({
      unitId: UNIT,
      status: 'closed',
      assignedAt: '2021-05-11T09:00:00+08:00',
      reworkCount: 1,
      submissionCount: 2,
      lastClosedAt: '2021-05-20T10:00:00+08:00',
      lastClosedOnTime: false,
    });
    expect(query.items({ unitId: UNIT }).map((r) => r.key)).toEqual([issueItemKey(I)]);
  });

  it('ignores task.closed / task.reopened (it counts shares) and other streams, but moves past them', async () => {
    const only = registerTask(T, { responsibleUnits: [ZHONGMU] });
    await given(only, ...shareInProgress(T, ZHONGMU), submitShare(T, ZHONGMU, '2021-11-20T16:00:00+08:00'));
    const approval = await when(approveShare(T, ZHONGMU, '2021-11-25T10:00:00+08:00'));
    expect(approval.events.map((e) => e.type)).toEqual(['task.share.completion_approved.v1', 'task.closed.v1']);
    const row = await then(key(ZHONGMU));
    expect(row.lastPosition).toBe(approval.position - 1n); // the share's event, not task.closed
    expect(h.runner.status()[0]).toMatchObject({ name: 'figures', checkpoint: approval.position });
    expect(query.position()).toBe(approval.position);
  });

  describe('amendments (task.amended.v1)', () => {
    const amend = (responsibleUnits: string[], at: string) =>
      command('AmendTask', supervisor, at, { taskId: T, reason: '郑政办〔2021〕40号 修订', responsibleUnits });
    const JUNE = { kind: 'month', year: 2021, index: 6 } as const;
    const due = (unitId: string, request: Partial<Parameters<FiguresQuery['unitFigures']>[0]> = {}) =>
      query.unitFigures({ period: JUNE, ...request }).units.find((u) => u.unitId === unitId)?.due;

    it('given an assigned share, when its unit is dropped, then the row stays, marked removed, and no longer counts from the amendment on', async () => {
      await given(registerTask(T, { responsibleUnits: [ZHONGMU, ZHENGDONG] }), assignShare(T, ZHONGMU, '2021-05-06T09:00:00+08:00', '2021-06-30T23:59:59+08:00'));
      await h.settle();
      const before = query.position();
      const dropped = await when(amend([ZHENGDONG], '2021-06-10T09:00:00+08:00'));
      const row = await then(key(ZHONGMU));
      expect(row).toMatchObject<Partial<FiguresItem>>({
        status: 'assigned',
        removed: true,
        membership: [{ at: '2021-06-10T09:00:00+08:00', atMs: ms('2021-06-10T09:00:00+08:00'), position: pos(dropped), member: false }],
        lastPosition: dropped.position,
      });
      expect(due(ZHONGMU)).toBe(0);
      // before the amendment took effect, and at the position before it, the share was due in June
      expect(due(ZHONGMU, { asOf: '2021-06-09T12:00:00+08:00' })).toBe(1);
      expect(due(ZHONGMU, { atPosition: before })).toBe(1);
    });

    it('given a dropped unit, when it is added back, then it has a fresh share: only what follows counts', async () => {
      await given(
        registerTask(T, { responsibleUnits: [ZHONGMU, ZHENGDONG] }),
        assignShare(T, ZHONGMU, '2021-05-06T09:00:00+08:00', '2021-06-30T23:59:59+08:00'),
        amend([ZHENGDONG], '2021-06-10T09:00:00+08:00'),
      );
      const added = await when(amend([ZHENGDONG, ZHONGMU], '2021-06-11T09:00:00+08:00'));
      let row = await then(key(ZHONGMU));
      expect(row).toMatchObject({ status: 'registered', removed: false, deadline: null, assignedAt: '2021-05-06T09:00:00+08:00' });
      expect(row.membership.map((m) => [m.member, m.position])).toEqual([
        [false, expect.any(String)],
        [true, pos(added)],
      ]);
      // the old incarnation's assignment no longer counts; nothing is assigned yet
      expect(due(ZHONGMU)).toBe(0);
      // assigned again, due in July: not in June either
      await given(assignShare(T, ZHONGMU, '2021-06-12T09:00:00+08:00', '2021-07-15T23:59:59+08:00'));
      row = await then(key(ZHONGMU));
      expect(row.deadlines.map((d) => d.deadline)).toEqual(['2021-06-30T23:59:59+08:00', '2021-07-15T23:59:59+08:00']);
      expect(due(ZHONGMU)).toBe(0);
      expect(due(ZHONGMU, { period: { kind: 'month', year: 2021, index: 7 } })).toBe(1);
    });

    it('given a task, when a unit is added, then a new unassigned row', async () => {
      await given(registerTask(T, { responsibleUnits: [ZHONGMU] }));
      const added = await when(amend([ZHONGMU, AIRPORT_ZONE], '2021-05-10T09:00:00+08:00'));
      expect(await then(key(AIRPORT_ZONE))).toMatchObject({ status: 'registered', unitId: AIRPORT_ZONE, removed: false, membership: [], lastPosition: added.position });
    });
  });
});
