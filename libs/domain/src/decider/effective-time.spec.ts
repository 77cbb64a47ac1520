/**
 * Effective time never runs backwards inside an item's stream: no act before
 * the latest act on the same loop (task share, issue), no task act before the
 * task's own latest act, nothing on a park before its registration. The given
 * histories are built by the deciders themselves and folded with their times,
 * as the store gives them back (`stamped`).
 */
import type { Actor, Decider } from '@duban/domain/decider';
import { EffectiveTimeBeforeEarlierAct, IllegalTransition, specFor, stamped } from '@duban/domain/decider';
import type { Stamped } from '@duban/domain/decider';
import type { IssueCommand } from '@duban/domain/issue';
import { issueDecider } from '@duban/domain/issue';
import type { ParkCommand } from '@duban/domain/park';
import { parkDecider } from '@duban/domain/park';
import type { TaskCommand } from '@duban/domain/task';
import { taskDecider } from '@duban/domain/task';
import { registerData } from '../park/testing/fixtures';

const supervisor: Actor = { userId: 'li.duban', unitId: '市政府办公厅四处', role: 'supervisor' };
const otherSupervisor: Actor = { userId: 'zhao.ducha', unitId: '市委督查室', role: 'supervisor' };
const staffOf = (unitId: string): Actor => ({ userId: `staff@${unitId}`, unitId, role: 'unit' });
const ZHONGMU = '中牟县';
const GONGYI = '巩义市';
const EVIDENCE = [{ ref: 'file:zhongmu-2026.pdf' }];

/** Runs the commands through the decider, in order, and returns their events with their effective times. */
function history<S, C extends { at: string }, E>(decider: Decider<S, C, E>, commands: C[]): Stamped<E>[] {
  let state = decider.initialState();
  const out: Stamped<E>[] = [];
  for (const c of commands) {
    for (const e of decider.decide(c, state)) {
      state = decider.evolve(state, e, c.at);
      out.push(stamped(c.at, e));
    }
  }
  return out;
}

// ---------------------------------------------------------------- task shares

type TaskCommandOf<T extends TaskCommand['type']> = Extract<TaskCommand, { type: T }>;
const task = <T extends TaskCommand['type']>(type: T, actor: Actor, at: string, data: Omit<TaskCommandOf<T>['data'], 'taskId'>) =>
  ({ type, actor, at, data: { taskId: 't-2026', ...data } }) as unknown as TaskCommandOf<T>;
const register = (at: string, responsibleUnits = [ZHONGMU, GONGYI]) =>
  task('RegisterTask', supervisor, at, {
    sourceDocument: { docNumber: '郑政办〔2026〕3号' },
    itemPath: '一/1',
    title: '全年新开工小微企业园',
    text: '全年新开工小微企业园。',
    leadUnits: ['市工信局'],
    responsibleUnits,
    cooperatingUnits: ['市发展改革委'],
    deadline: '2026-12-31T23:59:59+08:00',
    supervisingOffice: '市政府办公厅四处',
  });
const assign = (at: string, unitId = ZHONGMU) => task('AssignShare', supervisor, at, { unitId });
const acknowledge = (at: string, unitId = ZHONGMU) => task('AcknowledgeShare', staffOf(unitId), at, { unitId });
const progress = (at: string, unitId = ZHONGMU) =>
  task('ReportShareProgress', staffOf(unitId), at, { unitId, percent: 100, narrative: '已完成' });
const submit = (at: string, unitId = ZHONGMU) =>
  task('SubmitShareCompletion', staffOf(unitId), at, { unitId, summary: '完成', evidence: EVIDENCE });
const approve = (at: string, unitId = ZHONGMU) => task('ApproveShareCompletion', supervisor, at, { unitId });
const note = (at: string, unitId = ZHONGMU) => task('AddShareProgressNote', staffOf('市发展改革委'), at, { unitId, note: '已协调' });
const requestExtension = (at: string, unitId = ZHONGMU) =>
  task('RequestShareExtension', staffOf(unitId), at, { unitId, requestedDeadline: '2027-03-31T23:59:59+08:00', reason: '施工许可延后' });

const REGISTERED = '2026-01-05T09:00:00+08:00';
const ASSIGNED = '2026-01-06T09:00:00+08:00';
const SUBMITTED = '2026-03-01T10:00:00+08:00';
const throughSubmission = [register(REGISTERED), assign(ASSIGNED), acknowledge('2026-01-07T09:00:00+08:00'), progress('2026-02-01T09:00:00+08:00'), submit(SUBMITTED)];

describe('task shares: no act before the act it answers', () => {
  const given = specFor(taskDecider);

  it('refuses an approval (销号) dated 2021-06-01 of a completion submitted in 2026, naming both instants', () => {
    given(history(taskDecider, throughSubmission))
      .when(approve('2021-06-01T10:00:00+08:00'))
      .thenThrows(EffectiveTimeBeforeEarlierAct, {
        command: 'ApproveShareCompletion',
        at: '2021-06-01T10:00:00+08:00',
        earlierAct: 'task.share.completion_submitted.v1',
        earlierAt: SUBMITTED,
      });
  });

  it('accepts the approval at the very instant of the submission, and later', () => {
    given(history(taskDecider, throughSubmission)).when(approve(SUBMITTED)).then([
      { type: 'task.share.completion_approved.v1', data: { taskId: 't-2026', unitId: ZHONGMU, at: SUBMITTED } },
    ]);
  });

  it('refuses an acknowledgement (签收) before the assignment (交办)', () => {
    given(history(taskDecider, [register(REGISTERED), assign(ASSIGNED)]))
      .when(acknowledge('2026-01-05T18:00:00+08:00'))
      .thenThrows(EffectiveTimeBeforeEarlierAct, { earlierAct: 'task.share.assigned.v1', earlierAt: ASSIGNED, at: '2026-01-05T18:00:00+08:00' });
  });

  it('refuses an assignment before the registration', () => {
    given(history(taskDecider, [register(REGISTERED)]))
      .when(assign('2025-12-31T09:00:00+08:00'))
      .thenThrows(EffectiveTimeBeforeEarlierAct, { earlierAct: 'task.registered.v1', earlierAt: REGISTERED });
  });

  it('refuses a progress note or an extension request before the assignment', () => {
    const assigned = history(taskDecider, [register(REGISTERED), assign(ASSIGNED)]);
    given(assigned).when(note('2026-01-05T12:00:00+08:00')).thenThrows(EffectiveTimeBeforeEarlierAct, { earlierAct: 'task.share.assigned.v1' });
    given(assigned)
      .when(requestExtension('2026-01-05T12:00:00+08:00'))
      .thenThrows(EffectiveTimeBeforeEarlierAct, { earlierAct: 'task.share.assigned.v1' });
  });

  it('still checks the status first: an approval of a share never submitted is an illegal transition', () => {
    given(history(taskDecider, [register(REGISTERED), assign(ASSIGNED)]))
      .when(approve('2021-06-01T10:00:00+08:00'))
      .thenThrows(IllegalTransition, { currentStatus: 'assigned' });
  });

  it('back-fills a whole past year in order, and each share keeps its own time line', () => {
    const year2021 = [
      register('2021-01-05T09:00:00+08:00'),
      assign('2021-01-06T09:00:00+08:00'),
      acknowledge('2021-01-07T09:00:00+08:00'),
      progress('2021-06-30T17:00:00+08:00'),
      submit('2021-11-20T16:00:00+08:00'),
      approve('2021-11-25T10:00:00+08:00'),
      // the other share was handled earlier in the year, recorded after: its own loop, its own order
      assign('2021-02-01T09:00:00+08:00', GONGYI),
      acknowledge('2021-02-02T09:00:00+08:00', GONGYI),
    ];
    const events = history(taskDecider, year2021);
    expect(events.map((e) => e.event.type)).toEqual([
      'task.registered.v1',
      'task.share.assigned.v1',
      'task.share.acknowledged.v1',
      'task.share.progress_reported.v1',
      'task.share.completion_submitted.v1',
      'task.share.completion_approved.v1',
      'task.share.assigned.v1',
      'task.share.acknowledged.v1',
    ]);
  });

  it('refuses a reopening of a closed task before the task closed (its closing came with another share)', () => {
    const throughApproval = (unitId: string, approved: string) => [
      assign(ASSIGNED, unitId),
      acknowledge('2026-01-07T09:00:00+08:00', unitId),
      progress('2026-02-01T09:00:00+08:00', unitId),
      submit(SUBMITTED, unitId),
      approve(approved, unitId),
    ];
    const closed = history(taskDecider, [
      register(REGISTERED),
      ...throughApproval(ZHONGMU, '2026-03-02T10:00:00+08:00'),
      ...throughApproval(GONGYI, '2026-03-10T10:00:00+08:00'),
    ]);
    expect(closed.map((e) => e.event.type).at(-1)).toBe('task.closed.v1');
    given(closed)
      .when(task('ReopenShare', supervisor, '2026-03-05T10:00:00+08:00', { unitId: ZHONGMU, reason: '复查' }))
      .thenThrows(EffectiveTimeBeforeEarlierAct, { earlierAct: 'task.closed.v1', earlierAt: '2026-03-10T10:00:00+08:00' });
    given(closed)
      .when(task('ReopenShare', supervisor, '2026-03-10T10:00:00+08:00', { unitId: ZHONGMU, reason: '复查' }))
      .then([
        { type: 'task.share.reopened.v1', data: { taskId: 't-2026', unitId: ZHONGMU, reason: '复查', at: '2026-03-10T10:00:00+08:00' } },
        { type: 'task.reopened.v1', data: { taskId: 't-2026', unitId: ZHONGMU, at: '2026-03-10T10:00:00+08:00' } },
      ]);
  });

  it('refuses an amendment before the registration, and the removal of a share before its 交办', () => {
    const amend = (at: string, data: object) => task('AmendTask', supervisor, at, { reason: '郑政办〔2026〕9号 修订', ...data });
    given(history(taskDecider, [register(REGISTERED)]))
      .when(amend('2026-01-04T09:00:00+08:00', { title: '新标题' }))
      .thenThrows(EffectiveTimeBeforeEarlierAct, { command: 'AmendTask', earlierAct: 'task.registered.v1', earlierAt: REGISTERED });
    given(history(taskDecider, [register(REGISTERED), assign(ASSIGNED, GONGYI)]))
      .when(amend('2026-01-05T18:00:00+08:00', { responsibleUnits: [ZHONGMU] }))
      .thenThrows(EffectiveTimeBeforeEarlierAct, { earlierAct: 'task.share.assigned.v1', earlierAt: ASSIGNED });
  });

  it('a share added by an amendment opens at the amendment: nothing on it before', () => {
    const amended = history(taskDecider, [
      register(REGISTERED),
      task('AmendTask', supervisor, '2026-02-01T09:00:00+08:00', { reason: '增加责任单位', responsibleUnits: [ZHONGMU, GONGYI, '新郑市'] }),
    ]);
    given(amended)
      .when(assign('2026-01-20T09:00:00+08:00', '新郑市'))
      .thenThrows(EffectiveTimeBeforeEarlierAct, { earlierAct: 'task.amended.v1', earlierAt: '2026-02-01T09:00:00+08:00' });
  });
});

// ---------------------------------------------------------------- issues

type IssueCommandOf<T extends IssueCommand['type']> = Extract<IssueCommand, { type: T }>;
const issue = <T extends IssueCommand['type']>(type: T, actor: Actor, at: string, data: Omit<IssueCommandOf<T>['data'], 'issueId'>) =>
  ({ type, actor, at, data: { issueId: 'i-1', ...data } }) as unknown as IssueCommandOf<T>;
const ISSUE_REPORTED = '2026-02-01T10:00:00+08:00';
const ISSUE_ASSIGNED = '2026-02-02T09:00:00+08:00';
const ISSUE_SUBMITTED = '2026-03-02T09:00:00+08:00';
const reportIssue = issue('ReportIssue', supervisor, ISSUE_REPORTED, {
  title: '建规证办理滞后',
  description: '园区二期建规证未办结',
  category: '建规证办理',
  urgency: 'normal',
  reportingUnit: ZHONGMU,
});
const assignIssue = issue('AssignIssue', supervisor, ISSUE_ASSIGNED, { unitId: ZHONGMU, deadline: '2026-02-28T18:00:00+08:00' });

describe('issues: no act before the act it answers', () => {
  const given = specFor(issueDecider);
  const submitted = history(issueDecider, [
    reportIssue,
    assignIssue,
    issue('AcknowledgeIssue', staffOf(ZHONGMU), '2026-02-03T09:00:00+08:00', {}),
    issue('ReportIssueProgress', staffOf(ZHONGMU), '2026-02-20T09:00:00+08:00', { percent: 100, narrative: '已办结' }),
    issue('SubmitIssueCompletion', staffOf(ZHONGMU), ISSUE_SUBMITTED, { summary: '已办结', evidence: EVIDENCE }),
  ]);

  it('refuses an approval before the submission, naming both instants', () => {
    given(submitted)
      .when(issue('ApproveIssueCompletion', otherSupervisor, '2021-06-01T10:00:00+08:00', {}))
      .thenThrows(EffectiveTimeBeforeEarlierAct, {
        command: 'ApproveIssueCompletion',
        at: '2021-06-01T10:00:00+08:00',
        earlierAct: 'issue.completion_submitted.v1',
        earlierAt: ISSUE_SUBMITTED,
      });
  });

  it('refuses an acknowledgement before the assignment, and an assignment before the report', () => {
    given(history(issueDecider, [reportIssue, assignIssue]))
      .when(issue('AcknowledgeIssue', staffOf(ZHONGMU), '2026-02-01T12:00:00+08:00', {}))
      .thenThrows(EffectiveTimeBeforeEarlierAct, { earlierAct: 'issue.assigned.v1', earlierAt: ISSUE_ASSIGNED });
    given(history(issueDecider, [reportIssue]))
      .when({ ...assignIssue, at: '2026-01-31T09:00:00+08:00' })
      .thenThrows(EffectiveTimeBeforeEarlierAct, { earlierAct: 'issue.reported.v1', earlierAt: ISSUE_REPORTED });
  });

  it('refuses an extension request before the assignment', () => {
    given(history(issueDecider, [reportIssue, assignIssue]))
      .when(issue('RequestIssueExtension', staffOf(ZHONGMU), '2026-02-01T12:00:00+08:00', { requestedDeadline: '2026-04-30T18:00:00+08:00', reason: '材料补正' }))
      .thenThrows(EffectiveTimeBeforeEarlierAct, { earlierAct: 'issue.assigned.v1' });
  });
});

// ---------------------------------------------------------------- parks

type ParkCommandOf<T extends ParkCommand['type']> = Extract<ParkCommand, { type: T }>;
const park = <T extends ParkCommand['type']>(type: T, actor: Actor, at: string, data: Omit<ParkCommandOf<T>['data'], 'parkId'>) =>
  ({ type, actor, at, data: { parkId: registerData().parkId, ...data } }) as unknown as ParkCommandOf<T>;
const PARK_REGISTERED = '2021-05-10T09:00:00+08:00';
const JUNE = { year: 2021, month: 6, cumulativeInvestmentWan: 35_000, enterpriseCount: 42, specializedCount: 3, techCount: 11, taxPerMuWan: 8.5 };

describe('parks: nothing before the registration, a correction not before its report, a rating not before the certification', () => {
  const given = specFor(parkDecider);
  const registerPark: ParkCommand = { type: 'RegisterPark', actor: supervisor, at: PARK_REGISTERED, data: registerData() };
  const registered = history(parkDecider, [registerPark]);

  it('refuses a milestone recorded before the registration', () => {
    given(registered)
      .when(park('RecordParkMilestone', supervisor, '2021-05-01T09:00:00+08:00', { milestone: 'land_supplied', date: '2021-04-20' }))
      .thenThrows(EffectiveTimeBeforeEarlierAct, { earlierAct: 'park.registered.v1', earlierAt: PARK_REGISTERED });
  });

  it('refuses a correction effective before the report it corrects', () => {
    const reported = history(parkDecider, [
      registerPark,
      park('SubmitMonthlyReport', supervisor, '2021-07-05T10:00:00+08:00', JUNE),
    ]);
    given(reported)
      .when(park('CorrectMonthlyReport', supervisor, '2021-07-04T10:00:00+08:00', { ...JUNE, reason: '更正' }))
      .thenThrows(EffectiveTimeBeforeEarlierAct, { earlierAct: 'park.monthly_report_submitted.v1', earlierAt: '2021-07-05T10:00:00+08:00' });
  });

  it('refuses a star rating effective before the certification', () => {
    const certified = history(parkDecider, [
      registerPark,
      park('CertifyPark', supervisor, '2021-10-01T10:00:00+08:00', {}),
    ]);
    given(certified)
      .when(park('RateParkStars', supervisor, '2021-09-01T10:00:00+08:00', { stars: 1 }))
      .thenThrows(EffectiveTimeBeforeEarlierAct, { earlierAct: 'park.certified.v1', earlierAt: '2021-10-01T10:00:00+08:00' });
  });
});
