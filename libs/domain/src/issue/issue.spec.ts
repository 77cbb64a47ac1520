/**
 * Issue (问题) decider: a problem on the ledger (问题清单、台账), assigned to a
 * responsible unit and closed through the same loop as a task share —
 * "解决一项，销号一项" (seed 000 (五)).
 */
import type { Actor } from '@duban/domain/decider';
import {
  AuditorCannotWrite,
  DeadlineBeforeEffectiveTime,
  IllegalTransition,
  InvalidCommandData,
  RoleNotPermitted,
  WrongUnit,
  specFor,
} from '@duban/domain/decider';
import type { LoopStatus } from '@duban/domain/closure-loop';
import {
  EvidenceRequired,
  ExtensionAfterDeadline,
  ExtensionAlreadyPending,
  ExtensionNotLater,
  InvalidProgressPercent,
  NoPendingExtension,
  OwnUnitVerification,
} from '@duban/domain/closure-loop';
import type { IssueCommand, IssueEvent, IssueState, ReportedIssue } from '@duban/domain/issue';
import { issueDecider } from '@duban/domain/issue';

const OFFICE_4 = '市政府办公厅四处';
const CITY_SUPERVISION = '市委督查室';
const ZHONGMU = '中牟县';
const ZHENGDONG = '郑东新区';
const RESOURCES = '市资源规划局'; // handles 建规证
const MIIT = '市工信局';

const supervisor: Actor = { userId: 'li.duban', unitId: OFFICE_4, role: 'supervisor' };
const otherSupervisor: Actor = { userId: 'zhao.ducha', unitId: CITY_SUPERVISION, role: 'supervisor' };
const auditor: Actor = { userId: 'wang.shenji', unitId: '市审计局', role: 'auditor' };
const staffOf = (unitId: string): Actor => ({ userId: `staff@${unitId}`, unitId, role: 'unit' });

const ISSUE_ID = 'issue-2021-zm-0007';
const REPORTED_AT = '2021-06-01T10:00:00+08:00';
const ASSIGNED_AT = '2021-06-02T09:00:00+08:00';
const DEADLINE = '2021-06-23T18:00:00+08:00'; // normal: 15 working days
const EVIDENCE = [{ ref: 'file:jianguizheng-2021-0615.pdf', title: '建设工程规划许可证' }];

type CommandOf<T extends IssueCommand['type']> = Extract<IssueCommand, { type: T }>;
const command = <T extends IssueCommand['type']>(type: T, actor: Actor, at: string, data: CommandOf<T>['data']): CommandOf<T> =>
  ({ type, actor, at, data }) as CommandOf<T>;
const ref = { issueId: ISSUE_ID };

const reportIssue = (actor: Actor = staffOf(ZHONGMU), reportingUnit = ZHONGMU, overrides: Partial<CommandOf<'ReportIssue'>['data']> = {}) =>
  command('ReportIssue', actor, REPORTED_AT, {
    issueId: ISSUE_ID,
    title: '中牟县某小微企业园建规证办理滞后',
    description: '园区二期已供地，建设工程规划许可证迟迟未办结，影响开工',
    category: '建规证办理',
    urgency: 'normal',
    parkId: 'park-zm-003',
    reportingUnit,
    ...overrides,
  });
const assignIssue = (unitId = RESOURCES, deadline = DEADLINE, actor = supervisor) =>
  command('AssignIssue', actor, ASSIGNED_AT, { ...ref, unitId, deadline });
const acknowledge = (actor = staffOf(RESOURCES)) => command('AcknowledgeIssue', actor, '2021-06-02T15:00:00+08:00', ref);
const progress = (actor = staffOf(RESOURCES), percent = 50) =>
  command('ReportIssueProgress', actor, '2021-06-10T17:00:00+08:00', { ...ref, percent, narrative: '已完成规划条件核实' });
const submit = (actor = staffOf(RESOURCES), evidence = EVIDENCE) =>
  command('SubmitIssueCompletion', actor, '2021-06-15T17:00:00+08:00', { ...ref, summary: '建规证已核发', evidence });
const approve = (actor = supervisor) => command('ApproveIssueCompletion', actor, '2021-06-16T10:00:00+08:00', ref);
const reject = (actor = supervisor) => command('RejectIssueCompletion', actor, '2021-06-16T10:00:00+08:00', { ...ref, reason: '证书扫描件不清晰' });
const reopen = (actor = supervisor, deadline?: string) =>
  command('ReopenIssue', actor, '2021-07-01T09:00:00+08:00', { ...ref, reason: '企业反映施工许可仍未办理', ...(deadline ? { deadline } : {}) });
const requestExtension = (actor = staffOf(RESOURCES), at = '2021-06-20T09:00:00+08:00', requestedDeadline = '2021-07-15T18:00:00+08:00') =>
  command('RequestIssueExtension', actor, at, { ...ref, requestedDeadline, reason: '需省厅复核' });
const grant = (actor = supervisor) => command('GrantIssueExtension', actor, '2021-06-21T09:00:00+08:00', ref);
const refuse = (actor = supervisor) => command('RefuseIssueExtension', actor, '2021-06-21T09:00:00+08:00', { ...ref, reason: '应按期办结' });

const reported: IssueEvent = {
  type: 'issue.reported.v1',
  data: {
    issueId: ISSUE_ID,
    title: '中牟县某小微企业园建规证办理滞后',
    description: '园区二期已供地，建设工程规划许可证迟迟未办结，影响开工',
    category: '建规证办理',
    urgency: 'normal',
    parkId: 'park-zm-003',
    reportingUnit: ZHONGMU,
  },
};
const assigned = (unitId = RESOURCES): IssueEvent => ({ type: 'issue.assigned.v1', data: { ...ref, unitId, deadline: DEADLINE, at: ASSIGNED_AT } });
const acknowledged: IssueEvent = { type: 'issue.acknowledged.v1', data: ref };
const progressed = (percent = 50): IssueEvent => ({
  type: 'issue.progress_reported.v1',
  data: { ...ref, percent, narrative: '已完成规划条件核实', metricValues: [], evidence: [] },
});
const submitted = (unitId = RESOURCES): IssueEvent => ({
  type: 'issue.completion_submitted.v1',
  data: { ...ref, submittedByUnit: unitId, summary: '建规证已核发', evidence: EVIDENCE, at: '2021-06-15T17:00:00+08:00' },
});
const approved: IssueEvent = { type: 'issue.completion_approved.v1', data: { ...ref, at: '2021-06-16T10:00:00+08:00' } };
const extensionRequested: IssueEvent = {
  type: 'issue.extension_requested.v1',
  data: { ...ref, requestedDeadline: '2021-07-15T18:00:00+08:00', reason: '需省厅复核' },
};

const issueAt = (status: LoopStatus, unitId = RESOURCES): IssueEvent[] => {
  const line = [reported, assigned(unitId), acknowledged, progressed(), submitted(unitId), approved];
  const length: Record<LoopStatus, number> = { reported: 1, registered: 1, assigned: 2, acknowledged: 3, in_progress: 4, submitted: 5, closed: 6 };
  return line.slice(0, length[status]);
};

const given = specFor(issueDecider);
const issue = (state: IssueState) => state as ReportedIssue;

describe('ReportIssue', () => {
  it('a unit puts a problem on the ledger in its own name', () => {
    const state = issue(given([]).when(reportIssue()).then([reported]));
    expect(state).toMatchObject({ status: 'reported', reportingUnit: ZHONGMU, urgency: 'normal', parkId: 'park-zm-003', unitId: null, deadline: null });
  });

  it('the supervision office records a problem for a unit (found during 督查), without a park', () => {
    const { parkId: _parkId, ...data } = (reported as Extract<IssueEvent, { type: 'issue.reported.v1' }>).data;
    given([])
      .when(reportIssue(supervisor, ZHONGMU, { parkId: undefined }))
      .then([{ type: 'issue.reported.v1', data }]);
  });

  it('refuses a unit reporting in another unit’s name', () => {
    given([]).when(reportIssue(staffOf(ZHENGDONG), ZHONGMU)).thenThrows(WrongUnit, { actorUnitId: ZHENGDONG, expectedUnitId: ZHONGMU });
  });

  it('refuses an unknown urgency', () => {
    given([]).when(reportIssue(undefined, ZHONGMU, { urgency: 'critical' as never })).thenThrows(InvalidCommandData, { field: 'urgency' });
  });

  it('refuses an issue that is already on the ledger', () => {
    given([reported]).when(reportIssue()).thenThrows(IllegalTransition, { command: 'ReportIssue', currentStatus: 'reported' });
  });

  it('refuses an auditor', () => {
    given([]).when(reportIssue(auditor)).thenThrows(AuditorCannotWrite, { command: 'ReportIssue' });
  });
});

describe('AssignIssue (交办)', () => {
  it('assigns the issue to a responsible unit with the deadline the command carries', () => {
    const state = issue(given([reported]).when(assignIssue()).then([assigned()]));
    expect(state).toMatchObject({ status: 'assigned', unitId: RESOURCES, deadline: DEADLINE });
    expect(state.deadlineHistory).toEqual([{ deadline: DEADLINE, at: ASSIGNED_AT, cause: 'assigned' }]);
  });

  it('refuses a deadline before the effective time', () => {
    given([reported]).when(assignIssue(RESOURCES, '2021-06-01T18:00:00+08:00')).thenThrows(DeadlineBeforeEffectiveTime, {
      deadline: '2021-06-01T18:00:00+08:00',
      at: ASSIGNED_AT,
    });
  });

  it('refuses a unit', () => {
    given([reported]).when(assignIssue(RESOURCES, DEADLINE, staffOf(MIIT))).thenThrows(RoleNotPermitted, { role: 'unit' });
  });

  it('refuses an issue that was never reported', () => {
    given([]).when(assignIssue()).thenThrows(IllegalTransition, { command: 'AssignIssue', currentStatus: 'none' });
  });
});

describe('the closure loop of an issue', () => {
  it('acknowledge (签收)', () => {
    expect(given(issueAt('assigned')).when(acknowledge()).then([acknowledged]).status).toBe('acknowledged');
  });

  it('report progress', () => {
    expect(issue(given(issueAt('acknowledged')).when(progress()).then([progressed()]))).toMatchObject({ status: 'in_progress', percent: 50 });
  });

  it('submit completion (申请销号)', () => {
    expect(given(issueAt('in_progress')).when(submit()).then([submitted()]).status).toBe('submitted');
  });

  it('approve (销号) closes the issue', () => {
    expect(issue(given(issueAt('submitted')).when(approve()).then([approved]))).toMatchObject({ status: 'closed', closedAt: '2021-06-16T10:00:00+08:00' });
  });

  it('reject (退回) sends it back to in_progress as rework', () => {
    const state = issue(
      given(issueAt('submitted'))
        .when(reject())
        .then([{ type: 'issue.completion_rejected.v1', data: { ...ref, reason: '证书扫描件不清晰' } }]),
    );
    expect(state).toMatchObject({ status: 'in_progress', reworkCount: 1 });
  });

  it('reopen (重新打开) with a new deadline counts against the unit', () => {
    const state = issue(
      given(issueAt('closed'))
        .when(reopen(supervisor, '2021-07-15T18:00:00+08:00'))
        .then([
          {
            type: 'issue.reopened.v1',
            data: { ...ref, reason: '企业反映施工许可仍未办理', deadline: '2021-07-15T18:00:00+08:00', at: '2021-07-01T09:00:00+08:00' },
          },
        ]),
    );
    expect(state).toMatchObject({ status: 'in_progress', reopenCount: 1, deadline: '2021-07-15T18:00:00+08:00' });
  });

  it('request, then grant an extension (延期)', () => {
    given(issueAt('in_progress')).when(requestExtension()).then([extensionRequested]);
    const state = issue(
      given([...issueAt('in_progress'), extensionRequested])
        .when(grant())
        .then([{ type: 'issue.extension_granted.v1', data: { ...ref, deadline: '2021-07-15T18:00:00+08:00', at: '2021-06-21T09:00:00+08:00' } }]),
    );
    expect(state).toMatchObject({ deadline: '2021-07-15T18:00:00+08:00', extensionCount: 1, pendingExtension: null });
  });

  it('refuse an extension', () => {
    const state = issue(
      given([...issueAt('in_progress'), extensionRequested])
        .when(refuse())
        .then([{ type: 'issue.extension_refused.v1', data: { ...ref, reason: '应按期办结' } }]),
    );
    expect(state).toMatchObject({ deadline: DEADLINE, extensionCount: 0, pendingExtension: null });
  });
});

describe('refusals in the loop of an issue', () => {
  it('a unit acts only on the issue assigned to it', () => {
    given(issueAt('assigned')).when(acknowledge(staffOf(ZHONGMU))).thenThrows(WrongUnit, { actorUnitId: ZHONGMU, expectedUnitId: RESOURCES });
  });

  it('the reporting unit cannot act on an issue assigned elsewhere', () => {
    given(issueAt('in_progress')).when(submit(staffOf(ZHONGMU))).thenThrows(WrongUnit, { actorUnitId: ZHONGMU });
  });

  it('nothing to sign for before the issue is assigned', () => {
    given([reported]).when(acknowledge()).thenThrows(IllegalTransition, { currentStatus: 'reported' });
  });

  it('progress must be 0–100', () => {
    given(issueAt('acknowledged')).when(progress(staffOf(RESOURCES), 101)).thenThrows(InvalidProgressPercent, { percent: 101 });
  });

  it('a completion needs evidence', () => {
    given(issueAt('in_progress')).when(submit(staffOf(RESOURCES), [])).thenThrows(EvidenceRequired);
  });

  describe('the supervision office may not verify an issue it submitted itself', () => {
    const ownHistory = issueAt('submitted', OFFICE_4);
    it('approve', () => {
      given(ownHistory).when(approve()).thenThrows(OwnUnitVerification, { unitId: OFFICE_4 });
    });
    it('reject', () => {
      given(ownHistory).when(reject()).thenThrows(OwnUnitVerification, { unitId: OFFICE_4 });
    });
    it('another supervising office may', () => {
      given(ownHistory).when(approve(otherSupervisor)).then([approved]);
    });
  });

  it('an extension must be asked for before the deadline', () => {
    given(issueAt('in_progress'))
      .when(requestExtension(staffOf(RESOURCES), '2021-06-24T09:00:00+08:00'))
      .thenThrows(ExtensionAfterDeadline, { deadline: DEADLINE });
  });

  it('an extension must ask for a later date', () => {
    given(issueAt('in_progress'))
      .when(requestExtension(staffOf(RESOURCES), undefined, '2021-06-22T18:00:00+08:00'))
      .thenThrows(ExtensionNotLater, { currentDeadline: DEADLINE });
  });

  it('one pending extension at a time', () => {
    given([...issueAt('in_progress'), extensionRequested]).when(requestExtension()).thenThrows(ExtensionAlreadyPending);
  });

  it('nothing to grant without a request', () => {
    given(issueAt('in_progress')).when(grant()).thenThrows(NoPendingExtension, { currentStatus: 'in_progress' });
  });

  it('a unit cannot verify', () => {
    given(issueAt('submitted')).when(approve(staffOf(RESOURCES))).thenThrows(RoleNotPermitted, { role: 'unit' });
  });

  it('refuses a command for another issue id', () => {
    const cmd = command('AcknowledgeIssue', staffOf(RESOURCES), '2021-06-02T15:00:00+08:00', { issueId: 'issue-other' });
    given(issueAt('assigned')).when(cmd).thenThrows(InvalidCommandData, { field: 'issueId' });
  });
});

const wrongStates: Array<[IssueCommand['type'], IssueCommand, LoopStatus[]]> = [
  ['AssignIssue', assignIssue(), ['assigned', 'acknowledged', 'in_progress', 'submitted', 'closed']],
  ['AcknowledgeIssue', acknowledge(), ['reported', 'acknowledged', 'in_progress', 'submitted', 'closed']],
  ['ReportIssueProgress', progress(), ['reported', 'assigned', 'submitted', 'closed']],
  ['SubmitIssueCompletion', submit(), ['reported', 'assigned', 'acknowledged', 'submitted', 'closed']],
  ['ApproveIssueCompletion', approve(), ['reported', 'assigned', 'acknowledged', 'in_progress', 'closed']],
  ['RejectIssueCompletion', reject(), ['reported', 'assigned', 'acknowledged', 'in_progress', 'closed']],
  ['ReopenIssue', reopen(), ['reported', 'assigned', 'acknowledged', 'in_progress', 'submitted']],
  ['RequestIssueExtension', requestExtension(), ['reported', 'submitted', 'closed']],
  ['GrantIssueExtension', grant(), ['reported', 'closed']],
  ['RefuseIssueExtension', refuse(), ['reported', 'closed']],
];

describe('illegal transitions are refused with the current status', () => {
  describe.each(wrongStates)('%s', (name, cmd, statuses) => {
    it.each(statuses)('from %s', (status) => {
      given(issueAt(status)).when(cmd).thenThrows(IllegalTransition, { command: name, currentStatus: status });
    });
  });
});

describe('an auditor never writes', () => {
  it.each(wrongStates.map(([name, cmd]) => [name, { ...cmd, actor: auditor } as IssueCommand]))('%s', (name, cmd) => {
    given(issueAt('in_progress')).when(cmd).thenThrows(AuditorCannotWrite, { command: name });
  });
});

describe('each step belongs to one role', () => {
  const asUnit = staffOf(RESOURCES);
  it.each<[IssueCommand['type'], IssueCommand, Actor]>([
    ['AssignIssue', assignIssue(), asUnit],
    ['AcknowledgeIssue', acknowledge(), supervisor],
    ['ReportIssueProgress', progress(), supervisor],
    ['SubmitIssueCompletion', submit(), supervisor],
    ['ApproveIssueCompletion', approve(), asUnit],
    ['RejectIssueCompletion', reject(), asUnit],
    ['ReopenIssue', reopen(), asUnit],
    ['RequestIssueExtension', requestExtension(), supervisor],
    ['GrantIssueExtension', grant(), asUnit],
    ['RefuseIssueExtension', refuse(), asUnit],
  ])('%s refuses %j', (name, cmd, actor) => {
    given(issueAt('in_progress')).when({ ...cmd, actor } as IssueCommand).thenThrows(RoleNotPermitted, { command: name, role: actor.role });
  });

  it('ReportIssue refuses an admin', () => {
    given([]).when(reportIssue({ userId: 'root', unitId: '市大数据局', role: 'admin' })).thenThrows(RoleNotPermitted, { role: 'admin' });
  });
});
