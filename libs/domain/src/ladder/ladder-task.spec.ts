/**
 * The ladder on a task share: the processor asks dueLadderSteps what is due
 * and sends RecordShareLadderStep; the decider records each step once per
 * deadline and ignores a stale one.
 */
import { officialCalendar } from '@duban/domain/calendar';
import type { Actor } from '@duban/domain/decider';
import { EffectiveTimeBeforeEarlierAct, InvalidCommandData, RoleNotPermitted, specFor, stamped } from '@duban/domain/decider';
import type { Stamped } from '@duban/domain/decider';
import type { DueLadderStep } from '@duban/domain/ladder';
import { DUBAN_LADDER_V1, LADDER_ACTOR, dueLadderSteps, ladderCommandId, ladderStateOf, nextStep } from '@duban/domain/ladder';
import type { RegisteredTask, TaskCommand, TaskEvent, TaskState } from '@duban/domain/task';
import { taskDecider } from '@duban/domain/task';

const OFFICE_4 = '市政府办公厅四处';
const ZHONGMU = '中牟县';
const supervisor: Actor = { userId: 'li.duban', unitId: OFFICE_4, role: 'supervisor' };
const zhongmu: Actor = { userId: 'staff@中牟县', unitId: ZHONGMU, role: 'unit' };
const TASK_ID = 'task-zzb-2021-34-3-1';
const key = { taskId: TASK_ID, unitId: ZHONGMU };
const DEADLINE = '2021-06-07T18:00:00+08:00'; // Monday
const RULE = { id: 'duban-ladder-v1', version: 1 };

const registered: TaskEvent = {
  type: 'task.registered.v1',
  data: {
    taskId: TASK_ID,
    sourceDocument: { docNumber: '郑政办〔2021〕34号' },
    itemPath: '三/1',
    title: '全年新开工20个以上小微企业园',
    text: '全年新开工20个以上小微企业园。',
    leadUnits: ['市工信局'],
    responsibleUnits: [ZHONGMU],
    cooperatingUnits: [],
    deadline: '2021-12-31T23:59:59+08:00',
    supervisingOffice: OFFICE_4,
  },
};
const assigned = (deadline = DEADLINE, at = '2021-05-06T09:00:00+08:00'): TaskEvent => ({
  type: 'task.share.assigned.v1',
  data: { ...key, deadline, at },
});
const submitted = (at: string): TaskEvent => ({
  type: 'task.share.completion_submitted.v1',
  data: { ...key, submittedByUnit: ZHONGMU, summary: '已开工3个园区', evidence: [{ ref: 'file:kaigong.pdf' }], at },
});
const OPEN: Stamped<TaskEvent>[] = [stamped('2021-04-30T10:00:00+08:00', registered), stamped('2021-05-06T09:00:00+08:00', assigned())];

const given = specFor(taskDecider);
type Step = 'reminder' | 'urge' | 'escalation' | 'listing';
const record = (step: Step, at: string, dueAt = at, deadline = DEADLINE, actor: Actor = LADDER_ACTOR, extra: object = {}) =>
  ({ type: 'RecordShareLadderStep', actor, at, data: { ...key, step, rule: RULE, deadline, dueAt, ...extra } }) as TaskCommand;
const fromDue = (d: DueLadderStep): TaskCommand =>
  ({ type: 'RecordShareLadderStep', actor: LADDER_ACTOR, at: d.at, data: { ...key, ...d } }) as TaskCommand;
const stepEvent = (type: string, step: Step, dueAt: string, deadline = DEADLINE, extra: object = {}) =>
  ({ type, data: { ...key, step, rule: RULE, deadline, dueAt, ...extra } }) as TaskEvent;

/** Folds stamped events as the executor does (each with its effective time). */
function fold(events: readonly Stamped<TaskEvent>[]): RegisteredTask {
  return events.reduce<TaskState>((s, e) => taskDecider.evolve(s, e.event, e.at), taskDecider.initialState()) as RegisteredTask;
}
const ladderOf = (events: readonly Stamped<TaskEvent>[]) => ladderStateOf(fold(events).shares[ZHONGMU]);

const URGE_NOTICE =
  '催办通知\n中牟县：\n你单位承办的郑政办〔2021〕34号（三/1）“全年新开工20个以上小微企业园”事项，办理时限为2021年6月7日18:00（北京时间），' +
  '截至目前尚未办结销号，已逾期0个工作日。请你单位高度重视，抓紧办理，及时报送办理进展情况；确因客观原因不能按期办结的，请书面说明原因及下一步工作措施。';

describe('the ladder on a task share', () => {
  it('each step, as the processor asks for it, is recorded on the share', () => {
    const due = (now: string, taken: Stamped<TaskEvent>[] = []) => dueLadderSteps(ladderOf([...OPEN, ...taken]), DUBAN_LADDER_V1, officialCalendar, now);
    expect(due('2021-06-02T08:59:59+08:00')).toEqual([]);
    const [reminder] = due('2021-06-02T09:00:00+08:00');
    expect(reminder).toEqual({ step: 'reminder', rule: RULE, deadline: DEADLINE, dueAt: '2021-06-02T09:00:00+08:00', at: '2021-06-02T09:00:00+08:00', workingDaysOverdue: 0 });
    const reminded = stepEvent('task.share.reminded.v1', 'reminder', '2021-06-02T09:00:00+08:00');
    given(OPEN).when(fromDue(reminder)).then([reminded]);

    const afterReminder = [stamped(reminder.at, reminded)];
    const [urge] = due('2021-06-07T18:00:00+08:00', afterReminder);
    const urged = stepEvent('task.share.urged.v1', 'urge', DEADLINE, DEADLINE, { workingDaysOverdue: 0, notice: URGE_NOTICE });
    given([...OPEN, ...afterReminder]).when(fromDue(urge)).then([urged]);

    const afterUrge = [...afterReminder, stamped(DEADLINE, urged)];
    const [escalation] = due('2021-06-15T09:00:00+08:00', afterUrge);
    expect(escalation.dueAt).toBe('2021-06-15T09:00:00+08:00');
    const escalated = stepEvent('task.share.escalated.v1', 'escalation', '2021-06-15T09:00:00+08:00');
    given([...OPEN, ...afterUrge]).when(fromDue(escalation)).then([escalated]);

    const afterEscalation = [...afterUrge, stamped(escalation.at, escalated)];
    const [listing] = due('2021-06-22T09:00:00+08:00', afterEscalation);
    const listed = stepEvent('task.share.listed_for_criticism.v1', 'listing', '2021-06-22T09:00:00+08:00');
    const state = given([...OPEN, ...afterEscalation]).when(fromDue(listing)).then([listed]) as RegisteredTask;
    expect(state.shares[ZHONGMU].ladder.taken.map((t) => [t.step, t.at])).toEqual([
      ['reminder', '2021-06-02T09:00:00+08:00'],
      ['urge', DEADLINE],
      ['escalation', '2021-06-15T09:00:00+08:00'],
      ['listing', '2021-06-22T09:00:00+08:00'],
    ]);
    // the ladder is done for this deadline; steps do not move the loop's latest act
    expect(nextStep(ladderStateOf(state.shares[ZHONGMU]), DUBAN_LADDER_V1, officialCalendar)).toBeNull();
    expect(state.shares[ZHONGMU].lastAct).toEqual({ act: 'task.share.assigned.v1', at: '2021-05-06T09:00:00+08:00' });
  });

  describe('a stale step is a no-op', () => {
    it('the step was already taken for this deadline (or a later one was)', () => {
      const urged = stepEvent('task.share.urged.v1', 'urge', DEADLINE, DEADLINE, { workingDaysOverdue: 0, notice: URGE_NOTICE });
      given([...OPEN, stamped(DEADLINE, urged)]).when(record('urge', DEADLINE)).thenNothingHappens();
      given([...OPEN, stamped(DEADLINE, urged)]).when(record('reminder', '2021-06-08T09:00:00+08:00', '2021-06-02T09:00:00+08:00')).thenNothingHappens();
    });

    it('the share was submitted (申请销号: the clock stands still)', () => {
      given([...OPEN, stamped('2021-06-07T10:00:00+08:00', submitted('2021-06-07T10:00:00+08:00'))]).when(record('urge', DEADLINE)).thenNothingHappens();
    });

    it('the share is closed', () => {
      const closedEvents = [
        ...OPEN,
        stamped('2021-06-07T10:00:00+08:00', submitted('2021-06-07T10:00:00+08:00')),
        stamped('2021-06-07T11:00:00+08:00', { type: 'task.share.completion_approved.v1', data: { ...key, at: '2021-06-07T11:00:00+08:00' } } as TaskEvent),
        stamped('2021-06-07T11:00:00+08:00', { type: 'task.closed.v1', data: { taskId: TASK_ID, at: '2021-06-07T11:00:00+08:00' } } as TaskEvent),
      ];
      given(closedEvents).when(record('urge', DEADLINE)).thenNothingHappens();
    });

    it('the deadline moved: a granted extension', () => {
      const extended = [
        ...OPEN,
        stamped('2021-06-01T09:00:00+08:00', { type: 'task.share.extension_requested.v1', data: { ...key, requestedDeadline: '2021-06-30T18:00:00+08:00', reason: '需省厅复核' } } as TaskEvent),
        stamped('2021-06-03T09:00:00+08:00', { type: 'task.share.extension_granted.v1', data: { ...key, deadline: '2021-06-30T18:00:00+08:00', at: '2021-06-03T09:00:00+08:00' } } as TaskEvent),
      ];
      given(extended).when(record('urge', DEADLINE)).thenNothingHappens();
      // the step for the new deadline is recorded
      given(extended)
        .when(record('reminder', '2021-06-25T09:00:00+08:00', '2021-06-25T09:00:00+08:00', '2021-06-30T18:00:00+08:00'))
        .then([stepEvent('task.share.reminded.v1', 'reminder', '2021-06-25T09:00:00+08:00', '2021-06-30T18:00:00+08:00')]);
    });

    it('the deadline moved: a reopening with a new date', () => {
      const reopened = [
        ...OPEN,
        stamped('2021-06-07T10:00:00+08:00', submitted('2021-06-07T10:00:00+08:00')),
        stamped('2021-06-07T11:00:00+08:00', { type: 'task.share.completion_approved.v1', data: { ...key, at: '2021-06-07T11:00:00+08:00' } } as TaskEvent),
        stamped('2021-06-09T09:00:00+08:00', { type: 'task.share.reopened.v1', data: { ...key, reason: '复查未开工', deadline: '2021-07-30T18:00:00+08:00', at: '2021-06-09T09:00:00+08:00' } } as TaskEvent),
      ];
      given(reopened).when(record('urge', '2021-06-09T09:00:00+08:00', DEADLINE)).thenNothingHappens();
      expect(nextStep(ladderOf(reopened), DUBAN_LADDER_V1, officialCalendar)).toEqual({ step: 'reminder', dueAt: '2021-07-27T09:00:00+08:00' });
    });

    it('the deadline moved: an amendment of the task deadline before the 交办 (the share runs no clock yet; after it, the new date counts)', () => {
      const amended: TaskEvent = {
        type: 'task.amended.v1',
        data: { taskId: TASK_ID, changes: [{ field: 'deadline', from: '2021-12-31T23:59:59+08:00', to: '2021-11-30T23:59:59+08:00' }], addedResponsibleUnits: [], removedResponsibleUnits: [], reason: '郑政办〔2021〕40号 修订', at: '2021-05-01T09:00:00+08:00' },
      };
      const events = [OPEN[0], stamped('2021-05-01T09:00:00+08:00', amended)];
      given(events).when(record('urge', '2021-12-31T23:59:59+08:00', '2021-12-31T23:59:59+08:00', '2021-12-31T23:59:59+08:00')).thenNothingHappens();
      const assignedAfter = [...events, stamped('2021-05-06T09:00:00+08:00', assigned('2021-11-30T23:59:59+08:00'))];
      given(assignedAfter).when(record('urge', '2021-12-31T23:59:59+08:00', '2021-12-31T23:59:59+08:00', '2021-12-31T23:59:59+08:00')).thenNothingHappens();
      expect(nextStep(ladderOf(assignedAfter), DUBAN_LADDER_V1, officialCalendar)?.step).toBe('reminder');
    });
  });

  it('submitting stops the clock; the rejection restarts it on the same deadline, and the steps that fell due meanwhile take effect then', () => {
    const REJECTED_AT = '2021-06-16T15:30:00+08:00';
    const events = [
      ...OPEN,
      stamped('2021-06-07T10:00:00+08:00', submitted('2021-06-07T10:00:00+08:00')),
      stamped(REJECTED_AT, { type: 'task.share.completion_rejected.v1', data: { ...key, reason: '佐证材料不全' } } as TaskEvent),
    ];
    const state = ladderOf(events);
    expect(state.clockStops).toEqual([{ from: '2021-06-07T10:00:00+08:00', to: REJECTED_AT }]);
    expect(dueLadderSteps(ladderOf(events.slice(0, 3)), DUBAN_LADDER_V1, officialCalendar, '2021-06-16T15:00:00+08:00')).toEqual([]); // awaiting verification: nothing is due
    const due = dueLadderSteps(state, DUBAN_LADDER_V1, officialCalendar, '2021-06-16T16:00:00+08:00');
    expect(due.map((d) => [d.step, d.dueAt, d.at])).toEqual([
      ['reminder', '2021-06-02T09:00:00+08:00', REJECTED_AT], // never taken: no step takes effect before the rejection it follows
      ['urge', REJECTED_AT, REJECTED_AT],
      ['escalation', REJECTED_AT, REJECTED_AT],
    ]);
    expect(due[1].workingDaysOverdue).toBe(6); // 8, 9, 10, 11, (14 端午) 15, 16 June
    given(events)
      .when(fromDue(due[1]))
      .then([stepEvent('task.share.urged.v1', 'urge', REJECTED_AT, DEADLINE, { workingDaysOverdue: 6, notice: URGE_NOTICE.replace('已逾期0个工作日', '已逾期6个工作日') })]);
  });

  it('a step fired late after an act takes effect at that act (dueAt stays historical)', () => {
    const reported = stamped('2021-06-15T10:00:00+08:00', { type: 'task.share.progress_reported.v1', data: { ...key, percent: 50, narrative: '已开工1个', metricValues: [], evidence: [] } } as TaskEvent);
    const taken = [
      stamped('2021-06-02T09:00:00+08:00', stepEvent('task.share.reminded.v1', 'reminder', '2021-06-02T09:00:00+08:00')),
      stamped(DEADLINE, stepEvent('task.share.urged.v1', 'urge', DEADLINE, DEADLINE, { workingDaysOverdue: 0, notice: URGE_NOTICE })),
    ];
    const [escalation] = dueLadderSteps(ladderOf([...OPEN, ...taken, reported]), DUBAN_LADDER_V1, officialCalendar, '2021-06-16T08:00:00+08:00');
    expect([escalation.dueAt, escalation.at]).toEqual(['2021-06-15T09:00:00+08:00', '2021-06-15T10:00:00+08:00']);
    // the decider refuses a step that would take effect before the latest act (the processor recomputes)
    given([...OPEN, ...taken, reported]).when(record('escalation', '2021-06-15T09:00:00+08:00')).thenThrows(EffectiveTimeBeforeEarlierAct);
    given([...OPEN, ...taken, reported]).when(fromDue(escalation)).then([stepEvent('task.share.escalated.v1', 'escalation', '2021-06-15T09:00:00+08:00')]);
  });

  it('a back-filled share gets every step that fell due, each once, in order, with its historical dueAt', () => {
    const now = '2026-03-02T10:00:00+08:00';
    let events: Stamped<TaskEvent>[] = [...OPEN];
    const due = dueLadderSteps(ladderOf(events), DUBAN_LADDER_V1, officialCalendar, now);
    expect(due.map((d) => [d.step, d.dueAt])).toEqual([
      ['reminder', '2021-06-02T09:00:00+08:00'],
      ['urge', DEADLINE],
      ['escalation', '2021-06-15T09:00:00+08:00'],
      ['listing', '2021-06-22T09:00:00+08:00'],
    ]);
    expect(new Set(due.map((d) => ladderCommandId(`task-${TASK_ID}`, d.step, d.deadline))).size).toBe(4);
    for (const d of due) {
      const [event] = taskDecider.decide(fromDue(d), fold(events));
      expect(event.type).toMatch(/^task\.share\.(reminded|urged|escalated|listed_for_criticism)\.v1$/);
      events = [...events, stamped(d.at, event)];
      // the same command again (a retry, a second processor) is a no-op
      expect(taskDecider.decide(fromDue(d), fold(events))).toEqual([]);
    }
    expect(dueLadderSteps(ladderOf(events), DUBAN_LADDER_V1, officialCalendar, now)).toEqual([]);
  });

  it('only the system records a step, not before it is due, with valid data', () => {
    given(OPEN).when(record('urge', DEADLINE, DEADLINE, DEADLINE, supervisor)).thenThrows(RoleNotPermitted);
    given(OPEN).when(record('urge', DEADLINE, DEADLINE, DEADLINE, zhongmu)).thenThrows(RoleNotPermitted);
    given(OPEN).when(record('urge', '2021-06-07T17:00:00+08:00', DEADLINE)).thenThrows(InvalidCommandData, { field: 'at' });
    given(OPEN).when(record('shout' as Step, DEADLINE)).thenThrows(InvalidCommandData, { field: 'step' });
    given(OPEN).when(record('urge', DEADLINE, DEADLINE, 'next monday')).thenThrows(InvalidCommandData, { field: 'deadline' });
    given(OPEN).when(record('urge', DEADLINE, DEADLINE, DEADLINE, LADDER_ACTOR, { workingDaysOverdue: -1 })).thenThrows(InvalidCommandData, { field: 'workingDaysOverdue' });
  });
});
