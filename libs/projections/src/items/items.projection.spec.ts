/**
 * The items projection, given/when/then: given these commands (run through
 * the real deciders, appended to a real SQLite store as the application layer
 * does), when this one, then these rows (read back from a real read-model file
 * after the runner has applied them).
 */
import type { IssueCommand } from '@duban/domain/issue';
import type { TaskCommand } from '@duban/domain/task';
import { LADDER_ACTOR } from '@duban/domain/ladder';
import { Harness } from '../testing/harness';
import {
  acknowledgeIssue,
  acknowledgeShare,
  addNote,
  AIRPORT_ZONE,
  amendTask,
  approveIssue,
  approveShare,
  assignIssue,
  assignShare,
  DOC_34,
  grantExtension,
  HRSS,
  MIIT,
  NDRC,
  OFFICE_4,
  refuseExtension,
  registerTask,
  rejectShare,
  reopenShare,
  reportIssue,
  reportIssueProgress,
  reportShare,
  requestExtension,
  shareInProgress,
  submitIssue,
  submitShare,
  ZHENGDONG,
  ZHONGMU,
} from '../testing/fixtures';
import { issueItemKey, taskItemKey } from './item';
import type { Item } from './item';

type Cmd = TaskCommand | IssueCommand;
const T = 'zzb-2021-34-3-1';
const key = (unit: string) => taskItemKey(T, unit);

describe('items projection', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await Harness.open({ manualClock: true });
  });
  afterEach(async () => {
    await h.close();
  });

  /** given: these commands happened (their events are in the store). */
  const given = async (...commands: Cmd[]) => {
    for (const c of commands) await h.ledger.run(c);
  };
  /** when: this command happens now. Returns its append result. */
  const when = (c: Cmd) => h.ledger.run(c);
  /** then: the row as the read model holds it once the runner has caught up. */
  const then = async (k: string): Promise<Item> => {
    await h.settle();
    const item = h.query.get(k);
    if (!item) throw new Error(`no row ${k}`);
    return item;
  };

  it('given nothing, when a task is registered, then one row per responsible unit (fan-out)', async () => {
    h.clock.set('2021-04-30T02:00:05Z');
    const result = await when(registerTask(T));
    await h.settle();
    const rows = h.query.task(T);
    expect(rows.map((r) => r.unitId).sort()).toEqual([AIRPORT_ZONE, ZHONGMU, ZHENGDONG].sort());
    expect(await then(key(ZHONGMU))).toEqual<Item>({
      key: `task:${T}:${ZHONGMU}`,
      kind: 'task',
      taskId: T,
      issueId: null,
      docNumber: DOC_34,
      docTitle: '郑州市2021年小微企业园高质量发展工作要点',
      itemPath: '三/1',
      title: '全年新开工20个以上小微企业园',
      category: null,
      urgency: null,
      reportingUnit: null,
      parkId: null,
      supervisingOffice: OFFICE_4,
      unitId: ZHONGMU,
      leadUnits: [MIIT, HRSS],
      cooperatingUnits: [NDRC],
      status: 'registered',
      taskStatus: 'open',
      deadline: null,
      taskDeadline: '2021-12-31T23:59:59+08:00',
      percent: null,
      progressReports: 0,
      notes: 0,
      reworkCount: 0,
      extensionCount: 0,
      reopenCount: 0,
      pendingExtension: false,
      requestedDeadline: null,
      submittedByUnit: null,
      submittedAt: null,
      closedAt: null,
      ladder: { taken: [], clockStops: [], deadlineSetAt: null },
      nextStep: null, // not assigned: no clock runs
      lastEventType: 'task.registered.v1',
      lastPosition: result.position,
      streamVersion: 0n,
      updatedAt: '2021-04-30T02:00:05.000Z',
      occurredAt: '2021-04-30T10:00:00+08:00',
    });
  });

  it('given a registered task, when a share is assigned, signed for and reported on, then only that row moves', async () => {
    await given(registerTask(T), assignShare(T, ZHONGMU, '2021-05-06T09:00:00+08:00', '2021-11-30T23:59:59+08:00'));
    await given(acknowledgeShare(T, ZHONGMU, '2021-05-07T09:30:00+08:00'));
    const report = await when(reportShare(T, ZHONGMU, '2021-06-30T17:00:00+08:00', 40));

    expect(await then(key(ZHONGMU))).toMatchObject({
      status: 'in_progress',
      unitId: ZHONGMU,
      deadline: '2021-11-30T23:59:59+08:00',
      percent: 40,
      progressReports: 1,
      lastEventType: 'task.share.progress_reported.v1',
      lastPosition: report.position,
      streamVersion: 3n,
      occurredAt: '2021-06-30T17:00:00+08:00',
    });
    // another share of the same task: untouched, but it knows the stream moved on
    expect(await then(key(AIRPORT_ZONE))).toMatchObject({
      status: 'registered',
      deadline: null,
      lastEventType: 'task.registered.v1',
      streamVersion: 3n,
    });
  });

  it('given a share in progress, when a cooperating unit adds a note, then notes count up and the status stays', async () => {
    await given(registerTask(T), ...shareInProgress(T, ZHONGMU));
    await when(addNote(T, ZHONGMU, NDRC, '2021-07-01T09:00:00+08:00'));
    expect(await then(key(ZHONGMU))).toMatchObject({ status: 'in_progress', notes: 1, percent: 40 });
  });

  it('given a submitted share, when it is rejected (退回), then back in progress with one rework and no submission', async () => {
    await given(registerTask(T), ...shareInProgress(T, ZHONGMU), reportShare(T, ZHONGMU, '2021-11-19T10:00:00+08:00', 100));
    await given(submitShare(T, ZHONGMU, '2021-11-20T16:00:00+08:00'));
    expect(await then(key(ZHONGMU))).toMatchObject({
      status: 'submitted',
      submittedByUnit: ZHONGMU,
      submittedAt: '2021-11-20T16:00:00+08:00',
    });

    await when(rejectShare(T, ZHONGMU, '2021-11-22T10:00:00+08:00'));
    expect(await then(key(ZHONGMU))).toMatchObject({
      status: 'in_progress',
      reworkCount: 1,
      submittedByUnit: null,
      submittedAt: null,
      closedAt: null,
    });
  });

  it('given a share whose clock stood still (申请销号 → 退回), when the clock records the steps, then the row shows them and the next one', async () => {
    const DEADLINE = '2021-12-31T23:59:59+08:00'; // the task's 完成时限, the share's by default
    const REJECTED = '2021-12-29T10:00:00+08:00';
    await given(registerTask(T), ...shareInProgress(T, ZHONGMU), reportShare(T, ZHONGMU, '2021-12-19T10:00:00+08:00', 100));
    await given(submitShare(T, ZHONGMU, '2021-12-20T16:00:00+08:00'));
    expect((await then(key(ZHONGMU))).nextStep).toBeNull(); // awaiting verification: the clock stands still
    await given(rejectShare(T, ZHONGMU, REJECTED));
    const rejected = await then(key(ZHONGMU));
    expect(rejected.deadline).toBe(DEADLINE);
    expect(rejected.ladder.clockStops).toEqual([{ from: '2021-12-20T16:00:00+08:00', to: REJECTED }]);
    // the reminder (due 28 December 09:00) fell due while the clock stood still: it falls due at the rejection
    expect(rejected.nextStep).toEqual({ step: 'reminder', dueAt: REJECTED });

    const step = (s: 'reminder' | 'urge', at: string) =>
      ({ type: 'RecordShareLadderStep', actor: LADDER_ACTOR, at, data: { taskId: T, unitId: ZHONGMU, step: s, rule: { id: 'duban-ladder-v1', version: 1 }, deadline: DEADLINE, dueAt: at, workingDaysOverdue: 0 } }) as TaskCommand;
    await given(step('reminder', REJECTED));
    expect((await then(key(ZHONGMU))).nextStep).toEqual({ step: 'urge', dueAt: DEADLINE });
    await when(step('urge', DEADLINE));
    const urged = await then(key(ZHONGMU));
    expect(urged.ladder.taken.map((t) => [t.step, t.dueAt, t.at])).toEqual([
      ['reminder', REJECTED, REJECTED],
      ['urge', DEADLINE, DEADLINE],
    ]);
    expect(urged.ladder.taken[1].notice).toMatch(/^催办通知\n中牟县：\n你单位承办的郑政办〔2021〕34号（.+）“.+”事项，办理时限为2021年12月31日23:59（北京时间），截至目前尚未办结销号，已逾期0个工作日。/);
    expect(urged).toMatchObject({ status: 'in_progress', lastEventType: 'task.share.urged.v1', nextStep: { step: 'escalation' } });
    // the unit's inbox shows the row with its 催办通知
    const inbox = h.query.inbox(ZHONGMU, '2022-01-04T11:00:00+08:00').rows.find((e) => e.item.key === key(ZHONGMU))!;
    expect(inbox.item.ladder.taken.some((t) => t.step === 'urge' && t.notice?.startsWith('催办通知'))).toBe(true);
    expect(inbox.item.nextStep?.step).toBe('escalation');
  });

  it('given every share but one closed, when the last is approved (销号), then it closes and the task closes on every row', async () => {
    const closeShare = (unit: string, day: number): Cmd[] => [
      ...shareInProgress(T, unit),
      reportShare(T, unit, `2021-11-${day}T10:00:00+08:00`, 100),
      submitShare(T, unit, `2021-11-${day}T16:00:00+08:00`),
    ];
    await given(registerTask(T), ...closeShare(AIRPORT_ZONE, 10), approveShare(T, AIRPORT_ZONE, '2021-11-12T10:00:00+08:00'));
    await given(...closeShare(ZHENGDONG, 15), approveShare(T, ZHENGDONG, '2021-11-16T10:00:00+08:00'));
    await given(...closeShare(ZHONGMU, 20));
    expect((await then(key(AIRPORT_ZONE))).taskStatus).toBe('open');

    const approval = await when(approveShare(T, ZHONGMU, '2021-11-25T10:00:00+08:00'));
    expect(approval.events.map((e) => e.type)).toEqual(['task.share.completion_approved.v1', 'task.closed.v1']);
    expect(await then(key(ZHONGMU))).toMatchObject({
      status: 'closed',
      closedAt: '2021-11-25T10:00:00+08:00',
      submittedByUnit: ZHONGMU,
      taskStatus: 'closed',
      lastEventType: 'task.closed.v1',
      lastPosition: approval.position,
    });
    for (const unit of [AIRPORT_ZONE, ZHENGDONG]) {
      expect(await then(key(unit))).toMatchObject({ status: 'closed', taskStatus: 'closed', streamVersion: approval.nextExpectedVersion });
    }
  });

  it('given a closed task, when a share is reopened with a new deadline, then it is in progress again, counted, and the task is open', async () => {
    const only = registerTask(T, { responsibleUnits: [ZHONGMU] });
    await given(only, ...shareInProgress(T, ZHONGMU), reportShare(T, ZHONGMU, '2021-11-19T10:00:00+08:00', 100));
    await given(submitShare(T, ZHONGMU, '2021-11-20T16:00:00+08:00'), approveShare(T, ZHONGMU, '2021-11-25T10:00:00+08:00'));
    expect((await then(key(ZHONGMU))).taskStatus).toBe('closed');

    await when(reopenShare(T, ZHONGMU, '2022-01-10T09:00:00+08:00', '2022-03-31T23:59:59+08:00'));
    expect(await then(key(ZHONGMU))).toMatchObject({
      status: 'in_progress',
      reopenCount: 1,
      closedAt: null,
      submittedByUnit: null,
      deadline: '2022-03-31T23:59:59+08:00',
      taskStatus: 'open',
      lastEventType: 'task.reopened.v1',
    });
  });

  it('given a share in progress, when an extension is requested, granted, requested again and refused, then the row follows', async () => {
    await given(registerTask(T), ...shareInProgress(T, ZHONGMU, '2021-09-30T23:59:59+08:00'));
    await when(requestExtension(T, ZHONGMU, '2021-09-01T10:00:00+08:00', '2021-10-31T23:59:59+08:00'));
    expect(await then(key(ZHONGMU))).toMatchObject({
      pendingExtension: true,
      requestedDeadline: '2021-10-31T23:59:59+08:00',
      deadline: '2021-09-30T23:59:59+08:00',
    });

    await when(grantExtension(T, ZHONGMU, '2021-09-03T10:00:00+08:00', '2021-10-20T23:59:59+08:00'));
    expect(await then(key(ZHONGMU))).toMatchObject({
      pendingExtension: false,
      requestedDeadline: null,
      deadline: '2021-10-20T23:59:59+08:00',
      extensionCount: 1,
    });

    await given(requestExtension(T, ZHONGMU, '2021-10-10T10:00:00+08:00', '2021-12-31T23:59:59+08:00'));
    await when(refuseExtension(T, ZHONGMU, '2021-10-11T10:00:00+08:00'));
    expect(await then(key(ZHONGMU))).toMatchObject({ pendingExtension: false, extensionCount: 1, deadline: '2021-10-20T23:59:59+08:00' });
  });

  it('given a pending extension, when the completion is approved, then the request lapses (as the domain says)', async () => {
    await given(registerTask(T, { responsibleUnits: [ZHONGMU] }), ...shareInProgress(T, ZHONGMU));
    await given(requestExtension(T, ZHONGMU, '2021-09-01T10:00:00+08:00', '2022-01-31T23:59:59+08:00'));
    await given(submitShare(T, ZHONGMU, '2021-09-02T10:00:00+08:00'));
    expect(await then(key(ZHONGMU))).toMatchObject({ status: 'submitted', pendingExtension: true });
    await when(approveShare(T, ZHONGMU, '2021-09-05T10:00:00+08:00'));
    expect(await then(key(ZHONGMU))).toMatchObject({ status: 'closed', pendingExtension: false, extensionCount: 0 });
  });

  it('given nothing, when an issue is reported, then one unassigned row; assignment and the loop follow', async () => {
    const I = 'wt-2021-001';
    const reported = await when(reportIssue(I, { parkId: 'park-zhongmu-2' }));
    expect(await then(issueItemKey(I))).toMatchObject({
      key: 'issue:wt-2021-001',
      kind: 'issue',
      taskId: null,
      issueId: I,
      title: '中牟县某小微企业园施工许可证办理滞后',
      category: '施工许可',
      urgency: 'urgent',
      reportingUnit: ZHONGMU,
      parkId: 'park-zhongmu-2',
      docNumber: null,
      unitId: null,
      leadUnits: [],
      cooperatingUnits: [],
      status: 'reported',
      taskStatus: null,
      deadline: null,
      streamVersion: 0n,
      lastPosition: reported.position,
    });

    const CONSTRUCTION = '市城乡建设局';
    await given(assignIssue(I, CONSTRUCTION, '2021-05-11T09:00:00+08:00', '2021-05-18T18:00:00+08:00'));
    await given(acknowledgeIssue(I, CONSTRUCTION, '2021-05-11T10:00:00+08:00'));
    await given(reportIssueProgress(I, CONSTRUCTION, '2021-05-14T10:00:00+08:00', 100));
    await given(submitIssue(I, CONSTRUCTION, '2021-05-14T11:00:00+08:00'));
    await when(approveIssue(I, '2021-05-15T10:00:00+08:00'));
    expect(await then(issueItemKey(I))).toMatchObject({
      unitId: CONSTRUCTION,
      status: 'closed',
      deadline: '2021-05-18T18:00:00+08:00',
      percent: 100,
      submittedByUnit: CONSTRUCTION,
      closedAt: '2021-05-15T10:00:00+08:00',
      streamVersion: 5n,
      lastEventType: 'issue.completion_approved.v1',
    });
  });

  it('a rebuild from zero gives exactly the same rows (the projection is a pure function of the log)', async () => {
    await given(registerTask(T), ...shareInProgress(T, ZHONGMU), reportIssue('wt-1'));
    await given(assignIssue('wt-1', ZHONGMU, '2021-05-11T09:00:00+08:00', '2021-06-01T18:00:00+08:00'));
    await given(requestExtension(T, ZHONGMU, '2021-09-01T10:00:00+08:00', '2022-01-31T23:59:59+08:00'));
    await h.settle();
    const before = h.query.list({ limit: 1000 });
    const [result] = await h.runner.rebuild('items');
    expect(result.events).toBe(7);
    expect(h.query.list({ limit: 1000 })).toEqual(before); // the same ItemsQuery, statements and all
  });

  it('ignores event types it does not handle but still moves past them', async () => {
    await h.store.appendToStream(
      'park-001',
      [
        {
          id: '0b0c4b7e-5a1e-4c59-9d0e-0d2b8e9f0a01',
          type: 'park.registered.v1',
          data: { parkId: 'park-001' },
          metadata: {
            actorUserId: 'x',
            actorUnitId: OFFICE_4,
            actorRole: 'supervisor',
            commandId: 'c',
            correlationId: 'c',
            causationId: 'c',
            occurredAt: '2021-05-01T00:00:00Z',
          },
        },
      ],
      { expectedVersion: 'no_stream' },
    );
    await given(registerTask(T));
    await h.settle();
    expect(h.query.list().total).toBe(3);
    expect(h.runner.status()[0]).toMatchObject({ name: 'items', eventsSeen: 2 });
  });

  it('given shares under way, when the task is amended, then every share shows the new columns, a removed unit loses its row and an added one gets a fresh one; a rebuild agrees', async () => {
    const GONGYI = '巩义市';
    await given(registerTask(T), ...shareInProgress(T, ZHENGDONG), assignShare(T, ZHONGMU, '2021-05-06T09:00:00+08:00'));
    const deadline = '2022-06-30T23:59:59+08:00';
    await when(
      amendTask(T, '2021-07-01T09:00:00+08:00', {
        title: '全年新开工25个以上小微企业园',
        leadUnits: [MIIT],
        responsibleUnits: [AIRPORT_ZONE, ZHENGDONG, GONGYI],
        deadline,
      }),
    );
    await h.settle();
    const rows = h.query.task(T);
    expect(rows.map((r) => r.unitId).sort()).toEqual([AIRPORT_ZONE, GONGYI, ZHENGDONG].sort());
    for (const r of rows) {
      expect(r).toMatchObject({ title: '全年新开工25个以上小微企业园', leadUnits: [MIIT], cooperatingUnits: [NDRC], taskDeadline: deadline, lastEventType: 'task.amended.v1' });
    }
    expect(h.query.get(key(ZHONGMU))).toBeNull();
    expect(h.query.get(key(ZHENGDONG))).toMatchObject({ status: 'in_progress', percent: 40 });
    expect(h.query.get(key(GONGYI))).toMatchObject({ status: 'registered', deadline: null, taskStatus: 'open' });
    // an unassigned share is due by the amended 完成时限
    expect(h.query.inbox(GONGYI, '2021-07-01T09:00:00+08:00').total).toBe(0);
    expect(h.query.supervisorInbox('2021-07-01T09:00:00+08:00').rows.map((e) => e.item.key)).toEqual(
      expect.arrayContaining([key(GONGYI), key(AIRPORT_ZONE)]),
    );

    // the added share goes through the loop like any other
    await given(assignShare(T, GONGYI, '2021-07-02T09:00:00+08:00'));
    expect(await then(key(GONGYI))).toMatchObject({ status: 'assigned', deadline });

    const live = h.query.list({ limit: 1000 });
    await h.runner.rebuild('items');
    expect(h.query.list({ limit: 1000 })).toEqual(live);
  });
});
