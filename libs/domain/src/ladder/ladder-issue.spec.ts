/** The ladder on an issue: the same steps, published as issue.<fact>.v1, the notice naming the issue. */
import { officialCalendar } from '@duban/domain/calendar';
import { RoleNotPermitted, specFor, stamped } from '@duban/domain/decider';
import type { Actor, Stamped } from '@duban/domain/decider';
import type { DueLadderStep } from '@duban/domain/ladder';
import { DUBAN_LADDER_V1, LADDER_ACTOR, dueLadderSteps, ladderStateOf } from '@duban/domain/ladder';
import type { IssueCommand, IssueEvent, IssueState, ReportedIssue } from '@duban/domain/issue';
import { issueDecider } from '@duban/domain/issue';

const ISSUE_ID = 'issue-2021-zm-0007';
const RESOURCES = '市资源规划局';
const DEADLINE = '2021-02-10T23:59:59+08:00'; // the eve of 春节
const RULE = { id: 'duban-ladder-v1', version: 1 };
const ref = { issueId: ISSUE_ID };

const OPEN: Stamped<IssueEvent>[] = [
  stamped('2021-01-20T10:00:00+08:00', {
    type: 'issue.reported.v1',
    data: { issueId: ISSUE_ID, title: '中牟县某小微企业园建规证办理滞后', description: '建设工程规划许可证迟迟未办结', category: '建规证办理', urgency: 'urgent', reportingUnit: '中牟县' },
  }),
  stamped('2021-01-21T09:00:00+08:00', { type: 'issue.assigned.v1', data: { ...ref, unitId: RESOURCES, deadline: DEADLINE, at: '2021-01-21T09:00:00+08:00' } }),
];
const given = specFor(issueDecider);
const fold = (events: readonly Stamped<IssueEvent>[]) =>
  events.reduce<IssueState>((s, e) => issueDecider.evolve(s, e.event, e.at), issueDecider.initialState()) as ReportedIssue;
const fromDue = (d: DueLadderStep, actor: Actor = LADDER_ACTOR): IssueCommand => ({ type: 'RecordIssueLadderStep', actor, at: d.at, data: { ...ref, ...d } });

describe('the ladder on an issue', () => {
  it('records every step across 春节 2021, the urge with its 催办通知, each once', () => {
    const due = dueLadderSteps(ladderStateOf(fold(OPEN)), DUBAN_LADDER_V1, officialCalendar, '2021-03-02T09:00:00+08:00');
    expect(due.map((d) => [d.step, d.dueAt])).toEqual([
      ['reminder', '2021-02-07T09:00:00+08:00'],
      ['urge', DEADLINE],
      ['escalation', '2021-02-23T09:00:00+08:00'],
      ['listing', '2021-03-02T09:00:00+08:00'],
    ]);
    let events = [...OPEN];
    const types: string[] = [];
    for (const d of due) {
      const produced = issueDecider.decide(fromDue(d), fold(events));
      expect(produced).toHaveLength(1);
      types.push(produced[0].type);
      events = [...events, stamped(d.at, produced[0])];
      given(events).when(fromDue(d)).thenNothingHappens();
    }
    expect(types).toEqual(['issue.reminded.v1', 'issue.urged.v1', 'issue.escalated.v1', 'issue.listed_for_criticism.v1']);
    const urged = events.find((e) => e.event.type === 'issue.urged.v1')!.event;
    expect(urged.data).toEqual({
      ...ref,
      step: 'urge',
      rule: RULE,
      deadline: DEADLINE,
      dueAt: DEADLINE,
      workingDaysOverdue: 0,
      notice:
        '催办通知\n市资源规划局：\n你单位承办的“中牟县某小微企业园建规证办理滞后”问题（编号：issue-2021-zm-0007），办理时限为2021年2月10日23:59（北京时间），' +
        '截至目前尚未办结销号，已逾期0个工作日。请你单位高度重视，抓紧办理，及时报送办理进展情况；确因客观原因不能按期办结的，请书面说明原因及下一步工作措施。',
    });
  });

  it('an unassigned issue runs no ladder; a unit cannot record a step', () => {
    const [urge] = dueLadderSteps(ladderStateOf(fold(OPEN)), DUBAN_LADDER_V1, officialCalendar, DEADLINE).filter((d) => d.step === 'urge');
    given(OPEN.slice(0, 1)).when(fromDue(urge)).thenNothingHappens();
    given(OPEN).when(fromDue(urge, { userId: 'staff', unitId: RESOURCES, role: 'unit' })).thenThrows(RoleNotPermitted);
  });

  it('a submitted issue: the step is a no-op; a granted extension makes the old deadline’s step stale', () => {
    const [urge] = dueLadderSteps(ladderStateOf(fold(OPEN)), DUBAN_LADDER_V1, officialCalendar, DEADLINE).filter((d) => d.step === 'urge');
    const submitted = stamped('2021-02-09T10:00:00+08:00', {
      type: 'issue.completion_submitted.v1',
      data: { ...ref, submittedByUnit: RESOURCES, summary: '已核发', evidence: [{ ref: 'file:x.pdf' }], at: '2021-02-09T10:00:00+08:00' },
    } as IssueEvent);
    given([...OPEN, submitted]).when(fromDue(urge)).thenNothingHappens();
    const extended = [
      ...OPEN,
      stamped('2021-02-01T09:00:00+08:00', { type: 'issue.extension_requested.v1', data: { ...ref, requestedDeadline: '2021-03-10T18:00:00+08:00', reason: '需省厅复核' } } as IssueEvent),
      stamped('2021-02-02T09:00:00+08:00', { type: 'issue.extension_granted.v1', data: { ...ref, deadline: '2021-03-10T18:00:00+08:00', at: '2021-02-02T09:00:00+08:00' } } as IssueEvent),
    ];
    given(extended).when(fromDue(urge)).thenNothingHappens();
  });

  it('an issue due in provisional 2027: the steps are recorded, each one counted across 2027 flagged provisional on its event', () => {
    const deadline = '2027-02-04T23:59:59+08:00';
    const events: Stamped<IssueEvent>[] = [
      stamped('2027-01-20T10:00:00+08:00', { ...OPEN[0].event }),
      stamped('2027-01-21T09:00:00+08:00', { type: 'issue.assigned.v1', data: { ...ref, unitId: RESOURCES, deadline, at: '2027-01-21T09:00:00+08:00' } }),
    ];
    const due = dueLadderSteps(ladderStateOf(fold(events)), DUBAN_LADDER_V1, officialCalendar, '2027-02-17T09:00:00+08:00');
    expect(due.map((d) => [d.step, d.dueAt, d.workingDaysOverdue, d.provisional ?? false])).toEqual([
      ['reminder', '2027-02-01T09:00:00+08:00', 0, true],
      ['urge', deadline, 0, false],
      ['escalation', '2027-02-17T09:00:00+08:00', 5, true],
    ]);
    const produced = due.map((d) => {
      const [event] = issueDecider.decide(fromDue(d), fold(events));
      events.push(stamped(d.at, event));
      return event;
    });
    expect(produced.map((e) => [e.type, (e.data as { provisional?: true }).provisional ?? false])).toEqual([
      ['issue.reminded.v1', true],
      ['issue.urged.v1', false],
      ['issue.escalated.v1', true],
    ]);
    expect(produced[2].data).toEqual({ ...ref, step: 'escalation', rule: RULE, deadline, dueAt: '2027-02-17T09:00:00+08:00', provisional: true });
  });
});
