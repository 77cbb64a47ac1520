/**
 * The ledger's view at an instant: working days left / overdue on China's
 * official calendar, the colour ladder (green → yellow → red → black), the
 * status text, the policy's thresholds, a calendar without data for a year.
 */
import fc from 'fast-check';
import { CalendarCoverageError, officialCalendar } from '@duban/domain/calendar';
import type { LadderRule } from '@duban/domain/ladder';
import { DUBAN_LADDER_V1, InvalidLadderRule, validateLadderRule } from '@duban/domain/ladder';
import { DEFAULT_LEDGER_POLICY, LedgerViewer, WorkingDayCounter } from './ledger-policy';
import type { LedgerItem } from './ledger-row';

/** Friday 2021-06-25, end of day. */
const DUE = '2021-06-25T23:59:59+08:00';

function item(overrides: Partial<LedgerItem> = {}): LedgerItem {
  return {
    key: 'task:t:中牟县',
    kind: 'task',
    taskId: 't',
    issueId: null,
    docNumber: '郑政办〔2021〕34号',
    docTitle: null,
    itemPath: '三/1',
    title: '全年新开工20个以上小微企业园',
    category: null,
    urgency: null,
    reportingUnit: null,
    parkId: null,
    supervisingOffice: '市政府办公厅四处',
    unitId: '中牟县',
    leadUnits: ['市工信局'],
    cooperatingUnits: [],
    status: 'in_progress',
    taskStatus: 'open',
    deadline: DUE,
    taskDeadline: '2021-12-31T23:59:59+08:00',
    percent: 40,
    progressReports: 1,
    notes: 0,
    reworkCount: 0,
    extensionCount: 0,
    reopenCount: 0,
    pendingExtension: false,
    requestedDeadline: null,
    submittedByUnit: null,
    submittedAt: null,
    closedAt: null,
    ladder: { taken: [], clockStops: [], deadlineSetAt: '2021-05-06T09:00:00+08:00' },
    lastEventType: 'task.share.progress_reported.v1',
    validFromPosition: 7n,
    validToPosition: null,
    recordedAt: '2021-06-01T00:00:00.000Z',
    occurredAt: '2021-06-01T08:00:00+08:00',
    narrative: '完成40%',
    narrativeAt: '2021-06-01T08:00:00+08:00',
    group: '县市',
    seq: 1,
    ...overrides,
  };
}

const at = (instant: string, rule: LadderRule = DUBAN_LADDER_V1) => new LedgerViewer(new Date(instant), rule);

describe('ledger view (colours and working days at an instant)', () => {
  it.each([
    // now (Asia/Shanghai)              left  overdue colour    step          status
    ['2021-06-21T10:00:00+08:00', 4, null, 'green', 'on_track', '推进中'],
    ['2021-06-22T10:00:00+08:00', 3, null, 'yellow', 'reminder', '推进中，临期(剩3个工作日)'],
    ['2021-06-25T10:00:00+08:00', 0, null, 'yellow', 'reminder', '推进中，临期(今日到期)'],
    ['2021-06-26T10:00:00+08:00', null, 0, 'red', 'urged', '推进中，已逾期'],
    ['2021-06-28T10:00:00+08:00', null, 1, 'red', 'urged', '推进中，逾期1个工作日'],
    ['2021-07-02T10:00:00+08:00', null, 5, 'red', 'escalated', '推进中，逾期5个工作日'],
    ['2021-07-08T10:00:00+08:00', null, 9, 'red', 'escalated', '推进中，逾期9个工作日'],
    ['2021-07-09T10:00:00+08:00', null, 10, 'black', 'listed', '推进中，逾期10个工作日'],
  ] as const)('deadline Fri 2021-06-25, at %s: %s left, %s overdue, %s', (now, left, overdue, colour, step, text) => {
    expect(at(now).view(item())).toMatchObject({
      due: DUE,
      dueDate: '2021-06-25',
      measuredAt: new Date(now).toISOString(),
      overdue: overdue !== null,
      workingDaysLeft: left,
      workingDaysOverdue: overdue,
      colour,
      step,
      calendarGap: null,
      statusText: text,
    });
  });

  it('counts holidays and 调休: a deadline on 2021-09-30 is still 0 working days overdue after the 国庆 break, 2 on Saturday 10-09 (a make-up working day)', () => {
    const due = item({ deadline: '2021-09-30T23:59:59+08:00' });
    expect(at('2021-10-07T10:00:00+08:00').view(due)).toMatchObject({ overdue: true, workingDaysOverdue: 0, colour: 'red' });
    expect(at('2021-10-08T10:00:00+08:00').view(due)).toMatchObject({ workingDaysOverdue: 1 });
    expect(at('2021-10-09T10:00:00+08:00').view(due)).toMatchObject({ workingDaysOverdue: 2 });
  });

  it('thresholds come from the ladder rule', () => {
    const rule = validateLadderRule({ ...DUBAN_LADDER_V1, id: 'quick', thresholds: { yellowWithin: 5, escalateAt: 2, blackAt: 3 } });
    expect(at('2021-06-21T10:00:00+08:00', rule).view(item()).colour).toBe('yellow');
    expect(at('2021-06-29T10:00:00+08:00', rule).view(item())).toMatchObject({ workingDaysOverdue: 2, colour: 'red', step: 'escalated' });
    expect(at('2021-06-30T10:00:00+08:00', rule).view(item())).toMatchObject({ workingDaysOverdue: 3, colour: 'black', step: 'listed' });
    expect(() => validateLadderRule({ ...DUBAN_LADDER_V1, thresholds: { yellowWithin: -1, escalateAt: 5, blackAt: 10 } })).toThrow(InvalidLadderRule);
    expect(DEFAULT_LEDGER_POLICY).toBe(DUBAN_LADDER_V1.thresholds);
  });

  it('the same rule colours the row and schedules the acts: the colour changes on the day the step falls due', () => {
    for (const rule of [DUBAN_LADDER_V1, validateLadderRule({ ...DUBAN_LADDER_V1, id: 'other', thresholds: { yellowWithin: 2, escalateAt: 3, blackAt: 7 } })]) {
      const steps = new Map<string, string>();
      let row = item();
      // walk the row up the ladder: each step taken as the clock would take it
      for (;;) {
        const next = at('2021-06-01T10:00:00+08:00', rule).view(row).nextStep;
        if (next === null) break;
        steps.set(next.step, next.dueAt);
        row = item({ ladder: { ...row.ladder, taken: [...row.ladder.taken, { step: next.step, rule: { id: rule.id, version: rule.version }, deadline: DUE, dueAt: next.dueAt, at: next.dueAt }] } });
      }
      expect([...steps.keys()]).toEqual(['reminder', 'urge', 'escalation', 'listing']);
      const colourAt = (instant: string | number) => at(new Date(instant).toISOString(), rule).view(item()).colour;
      const before = (instant: string) => Date.parse(instant) - 1000;
      // the colour turns at the start of the day (00:00), the act at the rule's time of day (09:00)
      expect([colourAt(before(steps.get('reminder')!) - 9 * 3600_000), colourAt(steps.get('reminder')!)]).toEqual(['green', 'yellow']);
      expect([colourAt(before(steps.get('urge')!)), colourAt(Date.parse(steps.get('urge')!) + 1000)]).toEqual(['yellow', 'red']);
      expect(at(steps.get('escalation')!, rule).view(item()).step).toBe('escalated');
      expect(at(new Date(before(steps.get('escalation')!) - 9 * 3600_000).toISOString(), rule).view(item()).step).toBe('urged');
      expect([colourAt(before(steps.get('listing')!) - 9 * 3600_000), colourAt(steps.get('listing')!)]).toEqual(['red', 'black']);
    }
  });

  it('nextStep: the first step not taken; none while submitted or closed', () => {
    expect(at('2021-06-01T10:00:00+08:00').view(item()).nextStep).toEqual({ step: 'reminder', dueAt: '2021-06-22T09:00:00+08:00' });
    const urged = { step: 'urge' as const, rule: { id: 'duban-ladder-v1', version: 1 }, deadline: DUE, dueAt: DUE, at: DUE };
    expect(at('2021-06-26T10:00:00+08:00').view(item({ ladder: { taken: [urged], clockStops: [], deadlineSetAt: null } })).nextStep).toEqual({
      step: 'escalation',
      dueAt: '2021-07-02T09:00:00+08:00',
    });
    expect(at('2021-06-01T10:00:00+08:00').view(item({ status: 'submitted', submittedAt: '2021-06-01T09:00:00+08:00' })).nextStep).toBeNull();
    expect(at('2021-06-01T10:00:00+08:00').view(item({ status: 'closed', closedAt: '2021-06-01T09:00:00+08:00' })).nextStep).toBeNull();
  });

  it('a closed item shows its final state without colour, with the lateness it was submitted with', () => {
    const late = item({ status: 'closed', submittedByUnit: '中牟县', submittedAt: '2021-06-28T16:00:00+08:00', closedAt: '2021-07-05T10:00:00+08:00' });
    expect(at('2021-08-01T10:00:00+08:00').view(late)).toMatchObject({
      measuredAt: '2021-06-28T16:00:00+08:00',
      overdue: true,
      workingDaysOverdue: 1,
      colour: null,
      step: null,
      statusText: '已销号，逾期1个工作日办结',
    });
    const onTime = item({ status: 'closed', submittedAt: '2021-06-24T16:00:00+08:00', closedAt: '2021-07-05T10:00:00+08:00' });
    expect(at('2021-08-01T10:00:00+08:00').view(onTime)).toMatchObject({ overdue: false, colour: null, statusText: '已销号' });
  });

  it("a submitted item's clock stops at the submission (申请销号): on time stays green while the office verifies", () => {
    const submitted = item({ status: 'submitted', submittedByUnit: '中牟县', submittedAt: '2021-06-24T16:00:00+08:00' });
    expect(at('2021-07-09T10:00:00+08:00').view(submitted)).toMatchObject({
      measuredAt: '2021-06-24T16:00:00+08:00',
      overdue: false,
      workingDaysLeft: 1,
      colour: 'green',
      statusText: '待审核(申请销号)',
    });
    const late = item({ status: 'submitted', submittedAt: '2021-07-02T16:00:00+08:00' });
    expect(at('2021-07-20T10:00:00+08:00').view(late)).toMatchObject({ workingDaysOverdue: 5, colour: 'red', step: 'escalated' });
  });

  it('before assignment: a share is measured against its task deadline, an issue has no due date', () => {
    const share = item({ status: 'registered', deadline: null, percent: null, narrative: null });
    expect(at('2021-12-28T10:00:00+08:00').view(share)).toMatchObject({ due: '2021-12-31T23:59:59+08:00', colour: 'yellow', statusText: '未交办，临期(剩3个工作日)' });
    const issue = item({ kind: 'issue', status: 'reported', deadline: null, taskDeadline: null, unitId: null });
    expect(at('2021-12-28T10:00:00+08:00').view(issue)).toMatchObject({
      due: null,
      overdue: null,
      workingDaysLeft: null,
      colour: null,
      statusText: '未交办',
    });
  });

  it('names a pending extension request', () => {
    expect(at('2021-06-21T10:00:00+08:00').view(item({ pendingExtension: true })).statusText).toBe('推进中，申请延期中');
  });

  it('across a year without the State Council notice (2027), the row is counted on the provisional calendar and says so', () => {
    const due2027 = item({ deadline: '2027-01-15T23:59:59+08:00' });
    // Dec 21–25, 28–31 (9), Jan 4–8, 11–15 (10): 元旦 2027-01-01 is off provisionally
    expect(at('2026-12-20T10:00:00+08:00').view(due2027)).toMatchObject({ overdue: false, workingDaysLeft: 19, colour: 'green', calendarGap: null, provisional: true });
    expect(at('2027-02-01T10:00:00+08:00').view(due2027)).toMatchObject({ overdue: true, workingDaysOverdue: 11, colour: 'black', step: 'listed', provisional: true });
    // rows on official days only are not flagged
    expect(at('2026-12-20T10:00:00+08:00').view(item({ deadline: '2026-12-25T23:59:59+08:00' }))).toMatchObject({ workingDaysLeft: 5, calendarGap: null, provisional: false });
  });

  it('without calendar data for a year (before the first official year), that row has no working-day figures, says why, and is still red once overdue', () => {
    const due2018 = item({ deadline: '2018-12-28T23:59:59+08:00' });
    const before = at('2018-12-20T10:00:00+08:00').view(due2018);
    expect(before).toMatchObject({ overdue: false, workingDaysLeft: null, workingDaysOverdue: null, colour: null, step: null, statusText: '推进中', provisional: false });
    expect(before.calendarGap).toEqual({ year: 2018, reason: expect.stringContaining('2018') });
    const after = at('2019-01-10T10:00:00+08:00').view(due2018);
    expect(after).toMatchObject({ overdue: true, workingDaysOverdue: null, colour: 'red', step: null, statusText: '推进中，已逾期' });
    // the other rows of the same ledger are unaffected
    expect(at('2019-01-02T10:00:00+08:00').view(item({ deadline: '2019-01-04T23:59:59+08:00' }))).toMatchObject({ workingDaysLeft: 2, calendarGap: null });
  });
});

describe('WorkingDayCounter', () => {
  const check = (counter: WorkingDayCounter, a: number, b: number) => {
    let expected: { days: number; provisional: boolean } | CalendarCoverageError;
    try {
      const { days, provisional } = officialCalendar.workingDaysBetweenProvisional(new Date(a), new Date(b));
      expected = { days, provisional };
    } catch (err) {
      expected = err as CalendarCoverageError;
    }
    const got = counter.between(a, b);
    if (expected instanceof CalendarCoverageError) {
      expect('gap' in got && got.gap.year).toBe(expected.year);
    } else {
      expect(got).toEqual(expected);
    }
  };

  it('answers exactly as calendar.workingDaysBetweenProvisional, provisional years and refusals included (property)', () => {
    const counter = WorkingDayCounter.of(officialCalendar);
    // from before the first official year (2019: refused) to past the prefix sums' horizon (2026 + 5: walked)
    const ms = fc.integer({ min: Date.parse('2018-06-01T00:00:00Z'), max: Date.parse('2033-06-30T00:00:00Z') });
    fc.assert(
      fc.property(ms, ms, (a, b) => check(counter, a, b)),
      { numRuns: 3000 },
    );
  });

  it('spans around the edges: the last official day, the first provisional day, the horizon', () => {
    const counter = WorkingDayCounter.of(officialCalendar);
    const edges = ['2018-12-31', '2019-01-01', '2026-12-31', '2027-01-01', '2027-01-04', '2031-12-31', '2032-01-01', '2032-01-05'].map((d) => Date.parse(`${d}T12:00:00+08:00`));
    for (const a of edges) for (const b of edges) check(counter, a, b);
    expect(counter.between(Date.parse('2026-12-30T12:00:00+08:00'), Date.parse('2027-01-04T12:00:00+08:00'))).toEqual({ days: 2, provisional: true });
    expect(counter.between(Date.parse('2026-12-28T12:00:00+08:00'), Date.parse('2026-12-31T12:00:00+08:00'))).toEqual({ days: 3, provisional: false });
  });
});
