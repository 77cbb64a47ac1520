/**
 * An issue's deadline counted in working days across a year without the State
 * Council notice: recorded with its count and flagged provisional on 交办, and
 * recounted — as an event, issue.deadline_recounted.v1 — once the notice arrives.
 */
import officialData from '../calendar/data/cn-official.json';
import { officialCalendar, WorkingCalendar } from '@duban/domain/calendar';
import type { Actor, Stamped } from '@duban/domain/decider';
import { IllegalTransition, InvalidCommandData, RoleNotPermitted, specFor, stamped } from '@duban/domain/decider';
import { recountCommandId } from '@duban/domain/closure-loop';
import type { IssueCommand, IssueEvent, IssueState, ReportedIssue } from '@duban/domain/issue';
import { countedIssueDeadline, dueIssueDeadlineRecount, issueDecider } from '@duban/domain/issue';
import { LADDER_ACTOR } from '@duban/domain/ladder';

/** The shipped calendar plus a MADE-UP 2027 notice (test data): 春节 02-05..02-11 off, Saturday 02-20 worked. */
const with2027 = (() => {
  const data = structuredClone(officialData) as { years: number[]; calendar: Record<string, unknown> };
  data.years.push(2027);
  data.calendar['2027'] = {
    notices: ['测试用：虚构的2027年节假日安排'],
    holidays: ['05', '06', '07', '08', '09', '10', '11'].map((d) => ({ date: `2027-02-${d}`, name: '春节' })),
    makeupWorkdays: [{ date: '2027-02-20', name: '春节' }],
  };
  return WorkingCalendar.fromData(data);
})();

const ISSUE_ID = 'issue-2027-zm-0001';
const RESOURCES = '市资源规划局';
const supervisor: Actor = { userId: 'li.duban', unitId: '市政府办公厅四处', role: 'supervisor' };
const unit: Actor = { userId: 'staff', unitId: RESOURCES, role: 'unit' };
const ref = { issueId: ISSUE_ID };
const ASSIGNED_AT = '2027-02-03T09:00:00+08:00';
const RECOUNT_AT = '2027-02-08T08:00:00+08:00';

/** What the write path sends for an urgent issue on the shipped calendar (IssueCommandHandler). */
const { deadline: DEADLINE, ...COUNT } = countedIssueDeadline('urgent', ASSIGNED_AT, (at, n) => officialCalendar.addWorkingDaysProvisional(at, n));
const DEADLINE_COUNT = { ...COUNT, lastOfficialYear: 2026 };
const assign = (deadlineCount: object = DEADLINE_COUNT): IssueCommand =>
  ({ type: 'AssignIssue', actor: supervisor, at: ASSIGNED_AT, data: { ...ref, unitId: RESOURCES, deadline: DEADLINE, deadlineCount } }) as IssueCommand;

const reported: Stamped<IssueEvent> = stamped('2027-02-02T10:00:00+08:00', {
  type: 'issue.reported.v1',
  data: { issueId: ISSUE_ID, title: '中牟县某小微企业园建规证办理滞后', description: '建设工程规划许可证迟迟未办结', category: '建规证办理', urgency: 'urgent', reportingUnit: '中牟县' },
});
const assigned: IssueEvent = {
  type: 'issue.assigned.v1',
  data: { ...ref, unitId: RESOURCES, deadline: DEADLINE, at: ASSIGNED_AT, deadlineCount: DEADLINE_COUNT, provisional: true },
};
const OPEN = [reported, stamped(ASSIGNED_AT, assigned)];

const given = specFor(issueDecider);
const fold = (events: readonly Stamped<IssueEvent>[]) =>
  events.reduce<IssueState>((s, e) => issueDecider.evolve(s, e.event, e.at), issueDecider.initialState()) as ReportedIssue;
const recount = (data: object, actor: Actor = LADDER_ACTOR, at = RECOUNT_AT): IssueCommand =>
  ({ type: 'RecountIssueDeadline', actor, at, data }) as IssueCommand;

describe('an issue deadline counted across a provisional year', () => {
  it('given a reported issue, when it is assigned with its count across 2027, then the event records the count, flagged provisional', () => {
    expect(DEADLINE).toBe('2027-02-16T23:59:59+08:00'); // provisional 2027: 春节 02-05..02-10 (补假 incl.)
    const state = given([reported]).when(assign()).then([assigned]) as ReportedIssue;
    expect(state.deadline).toBe(DEADLINE);
    expect(state.deadlineCount).toEqual({ ...DEADLINE_COUNT, provisional: true });
  });

  it('a count on official years only is recorded without the flag; a deadline given as a date has no count', () => {
    const count = { from: ASSIGNED_AT, workingDays: 5, provisionalYears: [], lastOfficialYear: 2027 };
    given([reported]).when(assign(count)).then([{ type: 'issue.assigned.v1', data: { ...ref, unitId: RESOURCES, deadline: DEADLINE, at: ASSIGNED_AT, deadlineCount: count } }]);
    const dated: IssueCommand = { type: 'AssignIssue', actor: supervisor, at: ASSIGNED_AT, data: { ...ref, unitId: RESOURCES, deadline: DEADLINE } };
    expect((given([reported]).when(dated).then([{ type: 'issue.assigned.v1', data: { ...ref, unitId: RESOURCES, deadline: DEADLINE, at: ASSIGNED_AT } }]) as ReportedIssue).deadlineCount).toBeNull();
  });

  it('refuses a count that does not start at the assignment or lists an official year as provisional', () => {
    given([reported]).when(assign({ ...DEADLINE_COUNT, from: '2027-02-01T09:00:00+08:00' })).thenThrows(InvalidCommandData, { field: 'deadlineCount.from' });
    given([reported]).when(assign({ ...DEADLINE_COUNT, provisionalYears: [2026] })).thenThrows(InvalidCommandData, { field: 'deadlineCount.provisionalYears' });
    given([reported]).when(assign({ ...DEADLINE_COUNT, workingDays: -1 })).thenThrows(InvalidCommandData, { field: 'deadlineCount.workingDays' });
  });
});

describe('the recount when the 2027 notice arrives (RecountIssueDeadline)', () => {
  it('is not due while the calendar has no more official years than the count had', () => {
    expect(dueIssueDeadlineRecount(fold(OPEN), officialCalendar)).toBeNull();
  });

  it('given the count, when the notice makes a day it used a holiday, then the deadline moves on the record and is no longer provisional', () => {
    const due = dueIssueDeadlineRecount(fold(OPEN), with2027)!;
    expect(due).toEqual({
      issueId: ISSUE_ID,
      previousDeadline: DEADLINE,
      deadline: '2027-02-17T23:59:59+08:00',
      moved: true,
      from: ASSIGNED_AT,
      workingDays: 5,
      nowOfficialYears: [2027],
      provisionalYears: [],
      reclassifiedDays: [{ date: '2027-02-11', before: 'workday', after: 'holiday', holiday: '春节' }],
      lastOfficialYear: 2027,
    });
    const { issueId: _id, ...data } = due;
    const recounted: IssueEvent = { type: 'issue.deadline_recounted.v1', data: { ...ref, ...data, at: RECOUNT_AT } };
    const state = given(OPEN).when(recount(due)).then([recounted]) as ReportedIssue;
    expect(state.deadline).toBe('2027-02-17T23:59:59+08:00');
    expect(state.deadlineCount).toEqual({ from: ASSIGNED_AT, workingDays: 5, provisionalYears: [], lastOfficialYear: 2027, provisional: false });
    expect(state.deadlineHistory.map((h) => [h.cause, h.deadline])).toEqual([['assigned', DEADLINE], ['recounted', '2027-02-17T23:59:59+08:00']]);
    // a system act: the unit's next act is not held back by it
    expect(state.lastAct?.at).toBe(ASSIGNED_AT);
    // once recorded, nothing is due, and sending it again writes nothing
    expect(dueIssueDeadlineRecount(state, with2027)).toBeNull();
    given([...OPEN, stamped(RECOUNT_AT, recounted)]).when(recount(due)).thenNothingHappens();
    expect(recountCommandId(`issue-${ISSUE_ID}`, DEADLINE, 2027)).toBe(`recount:issue-${ISSUE_ID}:${Date.parse(DEADLINE)}:2027`);
  });

  it('is stale after an extension (the deadline is a date now) or on a closed issue, and is due while the unit awaits verification', () => {
    const due = dueIssueDeadlineRecount(fold(OPEN), with2027)!;
    const extended: Stamped<IssueEvent>[] = [
      ...OPEN,
      stamped('2027-02-04T09:00:00+08:00', { type: 'issue.extension_requested.v1', data: { ...ref, requestedDeadline: '2027-03-31T23:59:59+08:00', reason: '需省厅复核' } }),
      stamped('2027-02-04T10:00:00+08:00', { type: 'issue.extension_granted.v1', data: { ...ref, deadline: '2027-03-31T23:59:59+08:00', at: '2027-02-04T10:00:00+08:00' } }),
    ];
    expect(dueIssueDeadlineRecount(fold(extended), with2027)).toBeNull();
    given(extended).when(recount(due)).thenNothingHappens();

    const submitted: Stamped<IssueEvent>[] = [
      ...OPEN,
      stamped('2027-02-04T09:00:00+08:00', { type: 'issue.acknowledged.v1', data: ref }),
      stamped('2027-02-04T10:00:00+08:00', { type: 'issue.progress_reported.v1', data: { ...ref, percent: 100, narrative: '已核发', metricValues: [], evidence: [] } }),
      stamped('2027-02-04T11:00:00+08:00', { type: 'issue.completion_submitted.v1', data: { ...ref, submittedByUnit: RESOURCES, summary: '建规证已核发', evidence: [{ ref: 'file:1' }], at: '2027-02-04T11:00:00+08:00' } }),
    ];
    expect(dueIssueDeadlineRecount(fold(submitted), with2027)).toEqual(due);
    const closed: Stamped<IssueEvent>[] = [...submitted, stamped<IssueEvent>('2027-02-05T09:00:00+08:00', { type: 'issue.completion_approved.v1', data: { ...ref, at: '2027-02-05T09:00:00+08:00' } })];
    expect(dueIssueDeadlineRecount(fold(closed), with2027)).toBeNull();
    given(closed).when(recount(due)).thenNothingHappens();
  });

  it('is the system’s only, and refuses data that does not answer the recorded count', () => {
    const due = dueIssueDeadlineRecount(fold(OPEN), with2027)!;
    given(OPEN).when(recount(due, supervisor)).thenThrows(RoleNotPermitted);
    given(OPEN).when(recount(due, unit)).thenThrows(RoleNotPermitted);
    given(OPEN).when(recount({ ...due, workingDays: 4 })).thenThrows(InvalidCommandData, { field: 'workingDays' });
    given(OPEN).when(recount({ ...due, from: '2027-02-02T09:00:00+08:00' })).thenThrows(InvalidCommandData, { field: 'from' });
    given(OPEN).when(recount({ ...due, nowOfficialYears: [2028] })).thenThrows(InvalidCommandData, { field: 'nowOfficialYears' });
    given(OPEN).when(recount({ ...due, provisionalYears: [2027] })).thenThrows(InvalidCommandData, { field: 'provisionalYears' });
    given(OPEN).when(recount({ ...due, issueId: 'another' })).thenThrows(InvalidCommandData, { field: 'issueId' });
    given([]).when(recount(due)).thenThrows(IllegalTransition);
    // a previousDeadline that is not the current one: computed on an older state, nothing to do
    given(OPEN).when(recount({ ...due, previousDeadline: '2027-02-15T23:59:59+08:00' })).thenNothingHappens();
  });

  it('a recount into a year still provisional stays flagged', () => {
    const at = '2027-12-10T09:00:00+08:00';
    const { deadline, ...count } = countedIssueDeadline('complex', at, (from, n) => officialCalendar.addWorkingDaysProvisional(from, n));
    const events: Stamped<IssueEvent>[] = [
      reported,
      stamped(at, { type: 'issue.assigned.v1', data: { ...ref, unitId: RESOURCES, deadline, at, deadlineCount: { ...count, lastOfficialYear: 2026 }, provisional: true } }),
    ];
    const due = dueIssueDeadlineRecount(fold(events), with2027)!;
    expect(due).toMatchObject({ nowOfficialYears: [2027], provisionalYears: [2028], lastOfficialYear: 2027 });
    const [event] = issueDecider.decide(recount(due, LADDER_ACTOR, '2027-12-11T08:00:00+08:00'), fold(events));
    expect(event).toMatchObject({ type: 'issue.deadline_recounted.v1', data: { provisional: true, provisionalYears: [2028] } });
    const after = issueDecider.evolve(fold(events), event, '2027-12-11T08:00:00+08:00') as ReportedIssue;
    expect(after.deadlineCount).toMatchObject({ provisional: true, provisionalYears: [2028], lastOfficialYear: 2027 });
  });
});
