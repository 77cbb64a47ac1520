/**
 * FiguresQuery over a small ledger built with the real deciders: three units
 * in two groups (开发区: 郑州航空港区 A, 郑东新区 B; 县市: 中牟县 C) and one issue of a
 * city department. Every expected number below is worked out by hand from the
 * scenario (see the comments), not by running the code.
 */
import type { IssueCommand } from '@duban/domain/issue';
import type { TaskCommand } from '@duban/domain/task';
import { Harness } from '../testing/harness';
import {
  acknowledgeShare,
  AIRPORT_ZONE,
  approveShare,
  assignIssue,
  assignShare,
  grantExtension,
  registerTask,
  rejectShare,
  reopenShare,
  reportIssue,
  reportShare,
  requestExtension,
  submitShare,
  ZHENGDONG,
  ZHONGMU,
} from '../testing/fixtures';
import type { UnitFigures } from './figures';
import { FiguresProjection } from './figures.projection';
import { FIGURES_DEFINITIONS, FiguresNotReadyError, FiguresQuery } from './figures.query';
import { InvalidFiguresQueryError } from './period';

type Cmd = TaskCommand | IssueCommand;
const A = AIRPORT_ZONE; // 开发区
const B = ZHENGDONG; // 开发区
const C = ZHONGMU; // 县市
const CONSTRUCTION = '市城乡建设局'; // a city department: outside the three groups
const [T1, T2, T3, T4, I1] = ['fig-t1', 'fig-t2', 'fig-t3', 'fig-t4', 'fig-i1'];
const d = (mmdd: string, time = '10:00:00') => `2021-${mmdd}T${time}+08:00`;
const endOf = (mmdd: string) => d(mmdd, '23:59:59');

/** 交办 on 05-06, 签收 05-07, a first report 05-08: in progress, ready to submit. */
const start = (task: string, unit: string, deadline?: string): Cmd[] => [
  assignShare(task, unit, d('05-06', '09:00:00'), deadline),
  acknowledgeShare(task, unit, d('05-07', '09:00:00')),
  reportShare(task, unit, d('05-08', '09:00:00'), 10),
];

const SCENARIO: Cmd[] = [
  registerTask(T1, { itemPath: '三/1', responsibleUnits: [A, B, C], deadline: endOf('06-30') }),
  registerTask(T2, { itemPath: '三/2', responsibleUnits: [A, B, C], deadline: endOf('06-15') }),
  registerTask(T3, { itemPath: '三/3', responsibleUnits: [A, B], deadline: endOf('06-20') }),
  registerTask(T4, { itemPath: '三/4', responsibleUnits: [A, B], deadline: endOf('06-30') }),

  // A1 due 06-30: submitted 06-10, approved 06-12 → on time
  ...start(T1, A),
  submitShare(T1, A, d('06-10')),
  approveShare(T1, A, d('06-12')),
  // A2 due 06-15: submitted 06-10, rejected 06-11 (退回), resubmitted 06-14, approved 06-16 → late
  ...start(T2, A),
  submitShare(T2, A, d('06-10', '11:00:00')),
  rejectShare(T2, A, d('06-11')),
  submitShare(T2, A, d('06-14')),
  approveShare(T2, A, d('06-16')),
  // A3 due 06-20, extended on 06-02 to 06-28; submitted 06-25, approved 06-26 → on time (against 06-28)
  ...start(T3, A),
  requestExtension(T3, A, d('06-01'), endOf('06-28')),
  grantExtension(T3, A, d('06-02')),
  submitShare(T3, A, d('06-25')),
  approveShare(T3, A, d('06-26')),
  // A4 due 06-30, closed early in May → on time, but not "closed in June"
  ...start(T4, A),
  submitShare(T4, A, d('05-19')),
  approveShare(T4, A, d('05-20')),

  // B1 due 06-30: never submitted → overdue at the end of June
  ...start(T1, B),
  // B2 due 06-15: submitted 06-14, approved 06-15 → on time
  ...start(T2, B),
  submitShare(T2, B, d('06-14', '16:00:00')),
  approveShare(T2, B, d('06-15')),
  // B4 due 05-20, closed 05-18, reopened 06-03 with a new deadline 06-25, approved 06-22 → due in June, on time
  ...start(T3, B, endOf('05-20')),
  submitShare(T3, B, d('05-17')),
  approveShare(T3, B, d('05-18')),
  reopenShare(T3, B, d('06-03', '09:00:00'), endOf('06-25')),
  submitShare(T3, B, d('06-20')),
  approveShare(T3, B, d('06-22')),
  // B3 due 05-31, closed 05-28, reopened 06-05 without a new deadline → open, due in May: carried overdue in June
  ...start(T4, B, endOf('05-31')),
  submitShare(T4, B, d('05-27')),
  approveShare(T4, B, d('05-28')),
  reopenShare(T4, B, d('06-05', '09:00:00')),

  // C1 due 06-30: approved at the deadline's very second → on time
  ...start(T1, C),
  submitShare(T1, C, d('06-29')),
  approveShare(T1, C, endOf('06-30')),
  // C2 due 06-15, extended on 06-12 to 07-15 → due in July, not in June
  ...start(T2, C),
  requestExtension(T2, C, d('06-10'), endOf('07-15')),
  grantExtension(T2, C, d('06-12')),

  // an issue of a city department, due 06-10 18:00, still open
  reportIssue(I1),
  assignIssue(I1, CONSTRUCTION, d('06-01', '09:00:00'), d('06-10', '18:00:00')),
];

const JUNE = { kind: 'month', year: 2021, index: 6 } as const;
const Q2 = { kind: 'quarter', year: 2021, index: 2 } as const;
const JULY = { kind: 'month', year: 2021, index: 7 } as const;
const NOW = new Date('2021-08-15T09:00:00+08:00');
/** The hand-worked scores below are v1's (no target term); v2 (the default) is checked on its own. */
const V1 = 'duban-score-v1';

const NOTHING: Partial<UnitFigures> = {
  due: 0,
  assessed: 0,
  closed: 0,
  overdue: 0,
  overdueCarried: 0,
  onTimeRate: null,
  closureRate: null,
  reworkRate: null,
  extensionRate: null,
  score: null,
  rank: null,
  red: false,
  black: false,
};

describe('FiguresQuery', () => {
  let h: Harness;
  let query: FiguresQuery;
  const unit = (units: UnitFigures[], id: string) => {
    const u = units.find((x) => x.unitId === id);
    if (!u) throw new Error(`no figures for ${id}`);
    return u;
  };

  beforeAll(async () => {
    h = await Harness.open({ projections: () => [new FiguresProjection()] });
    await h.ledger.runAll(SCENARIO);
    await h.settle();
    query = new FiguresQuery(h.db, { now: () => NOW });
  });
  afterAll(async () => {
    await h.close();
  });

  it('June 2021: the figures of each unit, by hand', () => {
    const report = query.unitFigures({ period: JUNE, rule: V1 });
    expect(report.period).toEqual({
      kind: 'month',
      year: 2021,
      index: 6,
      label: '2021年6月',
      start: '2021-06-01T00:00:00+08:00',
      end: '2021-07-01T00:00:00+08:00',
    });
    expect(report.asOf).toBe('2021-06-30T23:59:59.999+08:00'); // a past period is taken at its last millisecond
    expect(report.rule).toEqual({ id: 'duban-score', version: 1, name: 'duban-score-v1' });
    expect(report.definitions).toBe(FIGURES_DEFINITIONS);
    expect(report.position).toBe(query.position());

    // A: due A1 A2 A3 A4 = 4, all closed; on time A1 A3 A4 = 3 (A2 approved the day after its deadline);
    // extension A3 = 1; closed in June A1 A2 A3 = 3 (A4 in May); submitted in June 4; rejected 1.
    // 40×3/4 + 20×4/4 + 15×(1 − 1/(1+3)) + 10×(1 − 1/4) = 30 + 20 + 11.25 + 7.5 = 68.75
    expect(unit(report.units, A)).toEqual<UnitFigures>({
      unitId: A,
      group: '开发区',
      due: 4,
      notYetDue: 0,
      assessed: 4,
      closed: 4,
      closedOnTime: 3,
      closedLate: 1,
      overdue: 0,
      withExtension: 1,
      closedInPeriod: 3,
      submissions: 4,
      rejections: 1,
      reopens: 0,
      overdueCarried: 0,
      onTimeRate: 0.75,
      closureRate: 1,
      reworkRate: 0.25,
      extensionRate: 0.25,
      targetCompletion: null,
      targets: 0,
      score: 68.75,
      rank: 1,
      red: true,
      black: false,
    });

    // B: due B1 B2 B4 = 3 (B4's deadline in force is the reopening's 06-25); closed B2 B4, both on time;
    // overdue B1; B3 (due 05-31, reopened) is carried overdue; reopened twice in June; nothing rejected.
    // 40×2/3 + 20×2/3 + 15×(1 − 0/2) + 10×(1 − 0/3) − 5×2 − 2×(1 + 1) = 40 + 25 − 10 − 4 = 51
    expect(unit(report.units, B)).toEqual<UnitFigures>({
      unitId: B,
      group: '开发区',
      due: 3,
      notYetDue: 0,
      assessed: 3,
      closed: 2,
      closedOnTime: 2,
      closedLate: 0,
      overdue: 1,
      withExtension: 0,
      closedInPeriod: 2,
      submissions: 2,
      rejections: 0,
      reopens: 2,
      overdueCarried: 1,
      onTimeRate: 0.6667,
      closureRate: 0.6667,
      reworkRate: 0,
      extensionRate: 0,
      targetCompletion: null,
      targets: 0,
      score: 51,
      rank: 2,
      red: false,
      black: true,
    });

    // C: due C1 only (C2 was extended into July); closed at 23:59:59 on the deadline day: on time.
    // 40 + 20 + 15 + 10 = 85 (the best v1 gives: 目标完成率 is not scored). Alone in 县市: no lists.
    expect(unit(report.units, C)).toMatchObject<Partial<UnitFigures>>({
      group: '县市',
      due: 1,
      closed: 1,
      closedOnTime: 1,
      overdue: 0,
      withExtension: 0,
      closedInPeriod: 1,
      submissions: 1,
      onTimeRate: 1,
      closureRate: 1,
      reworkRate: 0,
      extensionRate: 0,
      score: 85,
      rank: 1,
      red: false,
      black: false,
    });

    // a city department with an overdue issue: listed after the 16, scored, never ranked
    // 0 + 0 + 15 × (1 − 0, nothing verified) + 10 − 2 = 23
    expect(report.units[report.units.length - 1]).toMatchObject<Partial<UnitFigures>>({
      unitId: CONSTRUCTION,
      group: null,
      due: 1,
      overdue: 1,
      reworkRate: null,
      score: 23,
      rank: null,
      red: false,
      black: false,
    });

    // every one of the 16 responsible units is listed, in group order, even with nothing due
    expect(report.units.map((u) => u.unitId).slice(0, 4)).toEqual(['郑州航空港区', '郑东新区', '郑州高新区', '郑州经开区']);
    expect(report.units).toHaveLength(17);
    expect(unit(report.units, '郑州高新区')).toMatchObject(NOTHING);
    expect(unit(report.units, '金水区')).toMatchObject({ ...NOTHING, group: '市内区' });
  });

  it('June 2021: the leaderboard ranks within groups and draws red and black lists only where 2+ units are scored', () => {
    const board = query.leaderboard({ period: JUNE, rule: V1 });
    expect(board.groups.map((g) => g.group)).toEqual(['开发区', '县市', '市内区']);
    const [zones, counties, districts] = board.groups;
    expect(zones).toMatchObject({ scoredUnits: 2, listsDrawn: true, red: [A], black: [B] });
    expect(zones.entries.map((e) => [e.unitId, e.rank, e.score, e.red, e.black])).toEqual([
      [A, 1, 68.75, true, false],
      [B, 2, 51, false, true],
      ['郑州高新区', null, null, false, false],
      ['郑州经开区', null, null, false, false],
    ]);
    expect(counties).toMatchObject({ scoredUnits: 1, listsDrawn: false, red: [], black: [] });
    expect(counties.entries[0]).toMatchObject({ unitId: C, rank: 1, score: 85 });
    expect(districts).toMatchObject({ scoredUnits: 0, listsDrawn: false, red: [], black: [] });
    expect(board).toMatchObject({ asOf: '2021-06-30T23:59:59.999+08:00', rule: { name: 'duban-score-v1' }, position: query.position() });
  });

  it('Q2 2021: May deadlines count too; B3 is overdue in the cohort, not carried; May closures are closed in the period', () => {
    const { units, period } = query.unitFigures({ period: Q2, rule: V1 });
    expect(period).toMatchObject({ label: '2021年第二季度', start: '2021-04-01T00:00:00+08:00', end: '2021-07-01T00:00:00+08:00' });
    // A: as in June, plus A4's May closure and submission: rework 1/(1+4) = 0.2
    // 30 + 20 + 15×0.8 + 7.5 = 69.5
    expect(unit(units, A)).toMatchObject({ due: 4, closedInPeriod: 4, submissions: 5, rejections: 1, reworkRate: 0.2, score: 69.5 });
    // B: due B1 B2 B3 B4 = 4; closed B2 B4; overdue B1 B3; closures in Q2: B4 (05-18), B3 (05-28), B2, B4 again = 4
    // 40×2/4 + 20×2/4 + 15 + 10 − 5×2 − 2×2 = 41
    expect(unit(units, B)).toMatchObject({
      due: 4,
      closed: 2,
      closedOnTime: 2,
      overdue: 2,
      overdueCarried: 0,
      closedInPeriod: 4,
      submissions: 4,
      reopens: 2,
      onTimeRate: 0.5,
      closureRate: 0.5,
      score: 41,
      rank: 2,
      black: true,
    });
    expect(unit(units, C)).toMatchObject({ due: 1, score: 85 });
  });

  it('July 2021: C2 (extended into July) is due and overdue; units with nothing due are not scored, whatever they carry', () => {
    const { units } = query.unitFigures({ period: JULY, rule: V1 });
    // C: due C2, open, with an extension: 0 + 0 + 15 × (1 − 0, nothing verified) + 10 × (1 − 1) − 2 = 13
    expect(unit(units, C)).toMatchObject({
      due: 1,
      closed: 0,
      overdue: 1,
      withExtension: 1,
      onTimeRate: 0,
      closureRate: 0,
      reworkRate: null,
      extensionRate: 1,
      score: 13,
      rank: 1,
      red: false,
    });
    // B carries B1 (due 06-30) and B3 (due 05-31), nothing is due in July
    expect(unit(units, B)).toMatchObject({ due: 0, overdueCarried: 2, score: null, rank: null });
    expect(unit(units, CONSTRUCTION)).toMatchObject({ due: 0, overdueCarried: 1, score: null });
  });

  it('as of an instant inside the period: only facts effective by then; open items not yet past their deadline are not assessed', () => {
    const report = query.unitFigures({ period: JUNE, asOf: '2021-06-14T12:00:00+08:00', rule: V1 });
    expect(report.asOf).toBe('2021-06-14T12:00:00+08:00');
    // A at 06-14 12:00: A1 and A4 closed on time; A2 (due 06-15, resubmitted 06-14 10:00) and A3 (due 06-28) open, not yet due.
    // Closed in June so far: A1; rejected: A2 once → 退回率 1/(1+1). 40 + 20 + 15×0.5 + 10 = 77.5
    expect(unit(report.units, A)).toMatchObject({
      due: 4,
      notYetDue: 2,
      assessed: 2,
      closed: 2,
      closedOnTime: 2,
      overdue: 0,
      withExtension: 0,
      closedInPeriod: 1,
      submissions: 3,
      rejections: 1,
      reworkRate: 0.5,
      score: 77.5,
    });
    // the issue (due 06-10 18:00) is overdue already
    expect(unit(report.units, CONSTRUCTION)).toMatchObject({ due: 1, assessed: 1, overdue: 1 });
    // an as-of after the period's end is clipped to it
    expect(query.unitFigures({ period: JUNE, asOf: new Date('2022-01-01T00:00:00Z') })).toEqual(query.unitFigures({ period: JUNE }));
  });

  it('filters by group; the ranks are the group’s own either way', () => {
    const zones = query.unitFigures({ period: JUNE, group: '开发区' });
    expect(zones.units.map((u) => u.unitId)).toEqual(['郑州航空港区', '郑东新区', '郑州高新区', '郑州经开区']);
    const board = query.leaderboard({ period: JUNE, group: '县市' });
    expect(board.groups.map((g) => g.group)).toEqual(['县市']);
    expect(board.groups[0].entries).toHaveLength(6);
  });

  it('June 2021 under duban-score-v2 (the default): no unit has a target, so the 15 points are spread over the rates (× 100/85)', () => {
    const report = query.unitFigures({ period: JUNE });
    expect(report.rule).toEqual({ id: 'duban-score', version: 2, name: 'duban-score-v2' });
    // A: 68.75 × 100/85 = 80.882… → 80.88
    expect(unit(report.units, A)).toMatchObject({ targetCompletion: null, targets: 0, score: 80.88, rank: 1, red: true });
    // B: (40 + 25) × 100/85 − 10 − 4 = 76.470… − 14 = 62.47 (penalties are not scaled)
    expect(unit(report.units, B)).toMatchObject({ score: 62.47, rank: 2, black: true });
    // C: a perfect record scores 100 either way
    expect(unit(report.units, C)).toMatchObject({ score: 100 });
    // the department: 25 × 100/85 − 2 = 27.41
    expect(unit(report.units, CONSTRUCTION)).toMatchObject({ score: 27.41 });
    const board = query.leaderboard({ period: JUNE });
    expect(board.rule.name).toBe('duban-score-v2');
    expect(board.groups[0].entries.slice(0, 2).map((e) => [e.unitId, e.score, e.targetCompletion])).toEqual([
      [A, 80.88, null],
      [B, 62.47, null],
    ]);
  });

  it('takes 目标完成率 from a hook when given one: v1 does not score it, v2 does', () => {
    const withTargets = new FiguresQuery(h.db, { now: () => NOW, targetCompletion: (unitId) => (unitId === A ? 0.8 : null) });
    expect(unit(withTargets.unitFigures({ period: JUNE, rule: V1 }).units, A)).toMatchObject({ targetCompletion: 0.8, targets: 1, score: 68.75 });
    // v2: 68.75 + 15 × 0.8 = 80.75; B has none: 62.47 as above
    const v2 = withTargets.unitFigures({ period: JUNE }).units;
    expect(unit(v2, A)).toMatchObject({ targetCompletion: 0.8, score: 80.75 });
    expect(unit(v2, B)).toMatchObject({ targetCompletion: null, targets: 0, score: 62.47 });
  });

  it('refuses malformed requests with a typed error', () => {
    const bad = (f: () => unknown, field: string) => {
      expect(f).toThrow(InvalidFiguresQueryError);
      try {
        f();
      } catch (err) {
        expect((err as InvalidFiguresQueryError).field).toBe(field);
      }
    };
    bad(() => query.unitFigures({ period: { kind: 'month', year: 2021, index: 13 } }), 'index');
    bad(() => query.unitFigures({ period: { kind: 'quarter', year: 2021 } }), 'index');
    bad(() => query.unitFigures({ period: { kind: 'week' as never, year: 2021, index: 1 } }), 'period');
    bad(() => query.unitFigures({ period: { kind: 'year', year: 1900 } }), 'year');
    bad(() => query.unitFigures({ period: JUNE, asOf: '2021-05-31T23:59:59+08:00' }), 'asOf');
    bad(() => query.unitFigures({ period: JUNE, asOf: '2021-06-15' }), 'asOf');
    bad(() => query.unitFigures({ period: JUNE, asOf: '2021-06-15T10:00:00' }), 'asOf');
    bad(() => query.unitFigures({ period: JUNE, rule: 'duban-score-v99' }), 'rule');
    bad(() => query.unitFigures({ period: JUNE, group: '市直' as never }), 'group');
    bad(() => query.unitFigures({ period: JUNE, atPosition: -1n }), 'atPosition');
    // a future period has not started
    bad(() => query.unitFigures({ period: { kind: 'year', year: 2022 } }), 'asOf');
  });

  describe('recomputing a published result exactly', () => {
    it('at the recorded position, whatever was appended since — even facts back-dated into the period', async () => {
      const published = query.leaderboard({ period: JUNE });
      const figures = query.unitFigures({ period: JUNE });

      // later, B1's completion is back-filled into June (submitted 06-29, approved 06-29): B's June changes
      await h.ledger.runAll([submitShare(T1, B, d('06-29')), approveShare(T1, B, d('06-29', '15:00:00'))]);
      await h.settle();
      const now = query.leaderboard({ period: JUNE });
      // B: due 3, all closed on time, 1 carried, 2 reopenings: 40 + 20 + 15 + 10 − 10 − 2 = 73 → B overtakes A
      expect(now.groups[0]).toMatchObject({ red: [B], black: [A] });
      expect(now.position).toBeGreaterThan(published.position);

      expect(query.leaderboard({ period: JUNE, atPosition: published.position })).toEqual(published);
      expect(query.unitFigures({ period: JUNE, atPosition: published.position })).toEqual(figures);
      // under the rule it named
      expect(query.leaderboard({ period: JUNE, atPosition: published.position, rule: published.rule })).toEqual(published);
    });

    it('refuses a position the read model has not reached', () => {
      const ahead = query.position() + 10n;
      expect(() => query.unitFigures({ period: JUNE, atPosition: ahead })).toThrow(FiguresNotReadyError);
    });
  });
});
