/**
 * Target completion (目标完成率) in the figures and in duban-score-v2, with the
 * figures and targets read models fed by a real runner from a real store.
 * Every expected number is worked out by hand.
 *
 * Items: one task, due 06-30, whose three shares (郑州航空港区 A, 郑东新区 B in
 * 开发区; 中牟县 C in 县市) are all closed on time on 06-12: each unit's rate terms
 * are perfect (40 + 20 + 15 + 10 = 85).
 *
 * Targets of 2021 (set 05-07): A 集聚入园企业 200 and 科技型企业 50; B 集聚入园企业
 * 200; C none. Progress: A 90 enterprises and 30 tech on 06-25, 130 enterprises
 * on 07-20; B 120 enterprises on 06-28.
 */
import type { TaskCommand } from '@duban/domain/task';
import { Harness } from '../testing/harness';
import { acknowledgeShare, AIRPORT_ZONE, approveShare, assignShare, registerTask, reportShare, submitShare, ZHENGDONG, ZHONGMU } from '../testing/fixtures';
import { recordProgress, reviseTarget, setTarget, TargetLedger } from '../targets/target-ledger';
import { TargetsProjection } from '../targets/targets.projection';
import type { UnitFigures } from './figures';
import { FiguresProjection } from './figures.projection';
import { FiguresQuery } from './figures.query';
import { expectedShare, periodCompletion } from './target-completion';

const [A, B, C] = [AIRPORT_ZONE, ZHENGDONG, ZHONGMU];
const T = 'tgt-t1';
const d = (mmdd: string, time = '10:00:00') => `2021-${mmdd}T${time}+08:00`;
const SET_AT = d('05-07');
const NOW = new Date('2022-02-01T09:00:00+08:00');
const JUNE = { kind: 'month', year: 2021, index: 6 } as const;

const closedOnTime = (unit: string): TaskCommand[] => [
  assignShare(T, unit, d('05-06', '09:00:00')),
  acknowledgeShare(T, unit, d('05-07', '09:00:00')),
  reportShare(T, unit, d('05-08', '09:00:00'), 50),
  submitShare(T, unit, d('06-10')),
  approveShare(T, unit, d('06-12')),
];

describe('target completion in the figures and duban-score-v2', () => {
  let h: Harness;
  let targets: TargetLedger;
  let query: FiguresQuery;
  const unit = (units: UnitFigures[], id: string) => units.find((u) => u.unitId === id)!;
  const figures = (request: Partial<Parameters<FiguresQuery['unitFigures']>[0]> = {}) =>
    query.unitFigures({ period: JUNE, ...request });

  beforeAll(async () => {
    h = await Harness.open({ projections: () => [new FiguresProjection(), new TargetsProjection()] });
    targets = new TargetLedger(h.store);
    await h.ledger.runAll([registerTask(T, { responsibleUnits: [A, B, C], deadline: d('06-30', '23:59:59') }), ...[A, B, C].flatMap(closedOnTime)]);
    await targets.runAll([
      setTarget(A, 2021, 'enterprises', 200, SET_AT),
      setTarget(A, 2021, 'tech', 50, SET_AT),
      setTarget(B, 2021, 'enterprises', 200, SET_AT),
      recordProgress(A, 2021, 'enterprises', 90, d('06-25')),
      recordProgress(A, 2021, 'tech', 30, d('06-25')),
      recordProgress(B, 2021, 'enterprises', 120, d('06-28')),
      recordProgress(A, 2021, 'enterprises', 130, d('07-20')),
    ]);
    await h.settle();
    query = new FiguresQuery(h.db, { now: () => NOW });
  });
  afterAll(async () => {
    await h.close();
  });

  it('maps a year target to a period by the months elapsed at its end (时间过半、任务过半), capped at 100%', () => {
    expect([1, 3, 5, 6, 12].map((index) => expectedShare({ kind: 'month', index }))).toEqual([1 / 12, 3 / 12, 5 / 12, 6 / 12, 1]);
    expect(expectedShare({ kind: 'quarter', index: 2 })).toBe(0.5);
    expect(expectedShare({ kind: 'half', index: 1 })).toBe(0.5);
    expect(expectedShare({ kind: 'year', index: 1 })).toBe(1);
    expect(periodCompletion(200, 90, 0.5)).toBe(0.9);
    expect(periodCompletion(50, 30, 0.5)).toBe(1); // 120%: capped
    expect(periodCompletion(0, 0, 0.5)).toBe(1); // a target of 0 is met
  });

  it('June: A (0.9 + 1) / 2 = 0.95 → 85 + 15 × 0.95 = 99.25; B 120/100 → 1 → 100; C has no target → 85 × 100/85 = 100', () => {
    const report = figures();
    expect(report.rule.name).toBe('duban-score-v2');
    expect(unit(report.units, A)).toMatchObject({ assessed: 1, closedOnTime: 1, targets: 2, targetCompletion: 0.95, score: 99.25, rank: 2, black: true });
    expect(unit(report.units, B)).toMatchObject({ targets: 1, targetCompletion: 1, score: 100, rank: 1, red: true });
    expect(unit(report.units, C)).toMatchObject({ targets: 0, targetCompletion: null, score: 100, rank: 1, red: false });
    // v1 shows the same target completion but does not score it
    const v1 = figures({ rule: 'duban-score-v1' });
    expect([A, B, C].map((u) => [unit(v1.units, u).targetCompletion, unit(v1.units, u).score])).toEqual([
      [0.95, 85],
      [1, 85],
      [null, 85],
    ]);
    // the leaderboard shows it too
    const zones = query.leaderboard({ period: JUNE, group: '开发区' }).groups[0];
    expect(zones.entries.slice(0, 2).map((e) => [e.unitId, e.rank, e.score, e.targetCompletion])).toEqual([
      [B, 1, 100, 1],
      [A, 2, 99.25, 0.95],
    ]);
    expect(zones).toMatchObject({ red: [B], black: [A] });
  });

  it('Q2 and H1 expect half the year as June does; the year expects all of it, taken at its end', () => {
    for (const period of [{ kind: 'quarter', year: 2021, index: 2 } as const, { kind: 'half', year: 2021, index: 1 } as const]) {
      expect(unit(query.unitFigures({ period }).units, A)).toMatchObject({ targetCompletion: 0.95, score: 99.25 });
    }
    // 2021: A (130/200 + 30/50) / 2 = (0.65 + 0.6) / 2 = 0.625 → 85 + 9.375 = 94.375 → 94.38; B 120/200 = 0.6 → 94
    const year = query.unitFigures({ period: { kind: 'year', year: 2021 } });
    expect(unit(year.units, A)).toMatchObject({ targetCompletion: 0.625, score: 94.38 });
    expect(unit(year.units, B)).toMatchObject({ targetCompletion: 0.6, score: 94 });
    expect(unit(year.units, C)).toMatchObject({ targetCompletion: null, score: 100 });
  });

  it('a target counts from its effective time: none in April, nothing achieved by the end of May', () => {
    expect(unit(query.unitFigures({ period: { kind: 'month', year: 2021, index: 4 } }).units, A)).toMatchObject({ targets: 0, targetCompletion: null });
    expect(unit(query.unitFigures({ period: { kind: 'month', year: 2021, index: 5 } }).units, A)).toMatchObject({ targets: 2, targetCompletion: 0 });
    // July: nothing is due (no score), but the completion is shown: 130 / (200 × 7/12) and 30 / (50 × 7/12) both exceed 1
    expect(unit(query.unitFigures({ period: { kind: 'month', year: 2021, index: 7 } }).units, A)).toMatchObject({ due: 0, score: null, targetCompletion: 1 });
  });

  it('as of an instant inside the period: the progress recorded by then (B has none before 06-28)', () => {
    const report = figures({ asOf: d('06-26', '12:00:00') });
    expect(unit(report.units, A)).toMatchObject({ targetCompletion: 0.95, score: 99.25 });
    expect(unit(report.units, B)).toMatchObject({ targets: 1, targetCompletion: 0, score: 85 });
  });

  it('a revision counts from its effective time; a published result is recomputed exactly at its position', async () => {
    const published = query.leaderboard({ period: JUNE });
    const before = figures();
    // a revised table raises A's enterprises to 300 from 06-27: June expects 150, A has 90 → 0.6; mean (0.6 + 1) / 2 = 0.8 → 97
    await targets.run(reviseTarget(A, 2021, 'enterprises', 300, d('06-27')));
    await h.settle();
    const after = figures();
    expect(after.position).toBeGreaterThan(before.position);
    expect(unit(after.units, A)).toMatchObject({ targetCompletion: 0.8, score: 97 });
    // as of 06-26 the old figure was in force
    expect(unit(figures({ asOf: d('06-26', '12:00:00') }).units, A)).toMatchObject({ targetCompletion: 0.95 });
    // the published leaderboard, recomputed at its position
    expect(query.leaderboard({ period: JUNE, atPosition: published.position })).toEqual(published);
    expect(figures({ atPosition: before.position })).toEqual(before);
    // and by a fresh query object (no cache)
    expect(new FiguresQuery(h.db, { now: () => NOW }).leaderboard({ period: JUNE, atPosition: published.position })).toEqual(published);
  });

  it('the position is the lower of the two read models’ checkpoints', () => {
    const checkpoints = h.db.prepare("SELECT name, position FROM projection_checkpoints WHERE name IN ('figures', 'targets')").safeIntegers(true).all() as {
      name: string;
      position: bigint;
    }[];
    const lowest = checkpoints.map((c) => c.position).reduce((a, b) => (a < b ? a : b));
    expect(checkpoints).toHaveLength(2);
    expect(query.position()).toBe(lowest);
    expect(figures().position).toBe(lowest);
  });
});
