/**
 * The scoring rules and the ranking, as pure functions: v1 is pinned (a change
 * must be a new version), scores by hand, ties, and the red/black list rules.
 */
import type { ScoreInputs } from './scoring';
import { CURRENT_SCORING_RULE, DUBAN_SCORE_V1, DUBAN_SCORE_V2, rankGroup, roundHalfUp, score, SCORING_RULES, scoringRule } from './scoring';
import { InvalidFiguresQueryError } from './period';

const perfect: ScoreInputs = {
  assessed: 4,
  closedOnTime: 4,
  closed: 4,
  withExtension: 0,
  closedInPeriod: 4,
  rejections: 0,
  reopens: 0,
  overdue: 0,
  overdueCarried: 0,
};

describe('scoring rules', () => {
  it('v1 is pinned: editing it would change published bulletins (add a new version instead)', () => {
    expect(DUBAN_SCORE_V1).toEqual({
      id: 'duban-score',
      version: 1,
      name: 'duban-score-v1',
      description: expect.any(String),
      formula: 'weighted-sum-v1',
      weights: { onTimeRate: 40, closureRate: 20, noRework: 15, noExtension: 10 },
      penalties: { perReopen: 5, perOverdue: 2, perOverdueCarried: 2 },
      bounds: { min: 0, max: 100 },
      decimals: 2,
      minAssessed: 1,
      lists: { redTop: 1, blackBottom: 1, minRankedUnits: 2 },
    });
    expect(Object.isFrozen(DUBAN_SCORE_V1.weights)).toBe(true);
    expect(SCORING_RULES[0]).toBe(DUBAN_SCORE_V1);
    expect(CURRENT_SCORING_RULE).toBe(SCORING_RULES[SCORING_RULES.length - 1]);
  });

  it('every rule ever shipped stays findable by id+version and by name', () => {
    for (const rule of SCORING_RULES) {
      expect(scoringRule({ id: rule.id, version: rule.version })).toBe(rule);
      expect(scoringRule(rule.name)).toBe(rule);
      expect(rule.name).toBe(`${rule.id}-v${rule.version}`);
    }
    expect(new Set(SCORING_RULES.map((r) => r.name)).size).toBe(SCORING_RULES.length);
    expect(() => scoringRule('duban-score-v0')).toThrow(InvalidFiguresQueryError);
    expect(() => scoringRule('nonsense')).toThrow(InvalidFiguresQueryError);
    expect(() => scoringRule({ id: 'other', version: 1 })).toThrow(/other-v1 is not a known scoring rule/);
  });

  it('v1 by hand', () => {
    // a perfect record: 40 + 20 + 15 + 10 = 85 (目标完成率 is not scored in v1)
    expect(score(DUBAN_SCORE_V1, perfect)).toBe(85);
    // 3 of 4 on time, all closed, 1 of 4 verifications returned, 2 of 4 extended, one reopening:
    // 40×0.75 + 20 + 15×0.75 + 10×0.5 − 5 = 30 + 20 + 11.25 + 5 − 5 = 61.25
    expect(
      score(DUBAN_SCORE_V1, { ...perfect, closedOnTime: 3, closedInPeriod: 3, rejections: 1, withExtension: 2, reopens: 1 }),
    ).toBe(61.25);
    // nothing verified in the period: 退回率 counts as 0; one of three closed late, two overdue, one carried
    // 40×1/3 + 20×1/3 + 15 + 10 − 2×2 − 2×1 = 13.333… + 6.666… + 25 − 6 = 39
    expect(
      score(DUBAN_SCORE_V1, { ...perfect, assessed: 3, closed: 1, closedOnTime: 1, closedInPeriod: 0, overdue: 2, overdueCarried: 1 }),
    ).toBe(39);
    // two of three closed on time, one overdue: 40×2/3 + 20×2/3 + 15 + 10 − 2×1 = 63
    expect(score(DUBAN_SCORE_V1, { ...perfect, assessed: 3, closed: 2, closedOnTime: 2, closedInPeriod: 2, overdue: 1 })).toBe(63);
    expect(score(DUBAN_SCORE_V1, { ...perfect, assessed: 3, closed: 3, closedOnTime: 2, closedInPeriod: 3 })).toBe(71.67); // 26.666… + 20 + 25 = 71.666… → 71.67
  });

  it('v1 is bounded to 0–100 and gives no score with nothing assessed', () => {
    expect(score(DUBAN_SCORE_V1, { ...perfect, closedOnTime: 0, closed: 0, overdue: 4, overdueCarried: 30, reopens: 3 })).toBe(0);
    expect(score(DUBAN_SCORE_V1, { ...perfect, assessed: 0, closed: 0, closedOnTime: 0 })).toBeNull();
  });

  it('v2 is pinned, current, and v1 stays the first rule ever shipped', () => {
    expect(DUBAN_SCORE_V2).toEqual({
      id: 'duban-score',
      version: 2,
      name: 'duban-score-v2',
      description: expect.any(String),
      formula: 'weighted-sum-v2',
      weights: { onTimeRate: 40, closureRate: 20, noRework: 15, noExtension: 10, targetCompletion: 15 },
      withoutTargets: 'redistribute',
      penalties: { perReopen: 5, perOverdue: 2, perOverdueCarried: 2 },
      bounds: { min: 0, max: 100 },
      decimals: 2,
      minAssessed: 1,
      lists: { redTop: 1, blackBottom: 1, minRankedUnits: 2 },
    });
    expect(Object.isFrozen(DUBAN_SCORE_V2.weights)).toBe(true);
    expect(SCORING_RULES.map((r) => r.name)).toEqual(['duban-score-v1', 'duban-score-v2']);
    expect(CURRENT_SCORING_RULE).toBe(DUBAN_SCORE_V2);
    expect(scoringRule()).toBe(DUBAN_SCORE_V2);
  });

  it('v2 by hand: + 15 × 目标完成率 where the unit has targets', () => {
    // a perfect record with every target met: 85 + 15 = 100
    expect(score(DUBAN_SCORE_V2, { ...perfect, targetCompletion: 1 })).toBe(100);
    // half way: 85 + 7.5
    expect(score(DUBAN_SCORE_V2, { ...perfect, targetCompletion: 0.5 })).toBe(92.5);
    // nothing achieved: 85, as v1
    expect(score(DUBAN_SCORE_V2, { ...perfect, targetCompletion: 0 })).toBe(85);
    // v1's 61.25 example with targets at 0.8: 61.25 + 12 = 73.25
    const mixed = { ...perfect, closedOnTime: 3, closedInPeriod: 3, rejections: 1, withExtension: 2, reopens: 1 };
    expect(score(DUBAN_SCORE_V2, { ...mixed, targetCompletion: 0.8 })).toBe(73.25);
    // a completion outside [0, 1] (a hook's mistake) is clamped
    expect(score(DUBAN_SCORE_V2, { ...perfect, targetCompletion: 1.4 })).toBe(100);
    // v1 ignores it
    expect(score(DUBAN_SCORE_V1, { ...mixed, targetCompletion: 0.8 })).toBe(61.25);
  });

  it('v2 by hand: a unit without targets has the 15 points spread over the rates in proportion (× 100/85)', () => {
    expect(score(DUBAN_SCORE_V2, { ...perfect, targetCompletion: null })).toBe(100);
    expect(score(DUBAN_SCORE_V2, perfect)).toBe(100); // absent = null
    // the rates of v1's 61.25 example (66.25 before the penalty): 66.25 × 100/85 = 77.941… − 5 = 72.94
    const mixed = { ...perfect, closedOnTime: 3, closedInPeriod: 3, rejections: 1, withExtension: 2, reopens: 1 };
    expect(score(DUBAN_SCORE_V2, { ...mixed, targetCompletion: null })).toBe(72.94);
    // the penalties are not scaled: 25 × 100/85 − 2 × 2 − 2 = 29.411… − 6 = 23.41
    expect(score(DUBAN_SCORE_V2, { ...perfect, assessed: 1, closed: 0, closedOnTime: 0, closedInPeriod: 0, overdue: 2, overdueCarried: 1 })).toBe(23.41);
    // still nothing to score with nothing assessed, targets or not
    expect(score(DUBAN_SCORE_V2, { ...perfect, assessed: 0, closed: 0, closedOnTime: 0, targetCompletion: 1 })).toBeNull();
  });

  it('rounds half up at 2 decimals, robust to binary fractions', () => {
    expect(roundHalfUp(72.125, 2)).toBe(72.13);
    expect(roundHalfUp(1.005, 2)).toBe(1.01); // 1.005 × 100 = 100.49999… in binary
    expect(roundHalfUp(50.99999999999999, 2)).toBe(51);
    expect(roundHalfUp(2 / 3, 4)).toBe(0.6667);
  });
});

describe('ranking within a group', () => {
  const rank = (scores: (number | null)[]) => {
    const entries = scores.map((s, i) => ({ id: `u${i}`, s }));
    const result = rankGroup(DUBAN_SCORE_V1, entries, (e) => e.s);
    return { ...result, rows: result.ranked.map((r) => [r.entry.id, r.rank, r.red, r.black]) };
  };

  it('equal scores share a rank and the next rank skips (1, 2, 2, 4); red = rank 1, black = last place, ties included', () => {
    const { rows, listsDrawn, scoredUnits } = rank([80, 90, 80, null, 70, 70]);
    expect(scoredUnits).toBe(5);
    expect(listsDrawn).toBe(true);
    expect(rows).toEqual([
      ['u1', 1, true, false],
      ['u0', 2, false, false], // ties keep the input (registry) order
      ['u2', 2, false, false],
      ['u4', 4, false, true],
      ['u5', 4, false, true],
      ['u3', null, false, false], // not scored: after the ranked, never listed
    ]);
  });

  it('two units tied for first are both red', () => {
    expect(rank([90, 90, 60]).rows).toEqual([
      ['u0', 1, true, false],
      ['u1', 1, true, false],
      ['u2', 3, false, true],
    ]);
  });

  it('no lists with fewer than 2 scored units, or when everyone is tied', () => {
    expect(rank([70, null, null])).toMatchObject({ listsDrawn: false, rows: [['u0', 1, false, false], ['u1', null, false, false], ['u2', null, false, false]] });
    expect(rank([55, 55, 55])).toMatchObject({ listsDrawn: false, rows: [['u0', 1, false, false], ['u1', 1, false, false], ['u2', 1, false, false]] });
    expect(rank([null, null]).listsDrawn).toBe(false);
  });

  it('two scored units: one red, one black', () => {
    expect(rank([40, 85]).rows).toEqual([
      ['u1', 1, true, false],
      ['u0', 2, false, true],
    ]);
  });
});
