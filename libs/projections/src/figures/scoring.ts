/**
 * Scoring rules: named, versioned, kept as data. A published bulletin records
 * the rule (id + version) it was scored under; every version ever shipped stays
 * in {@link SCORING_RULES}, unchanged, so an old bulletin can be scored again
 * exactly. A change of weights, penalties, bounds, rounding, ranking or list
 * rules is a NEW version appended here — never an edit of an existing one
 * (scoring.spec.ts pins v1).
 */
import { InvalidFiguresQueryError } from './period';

/** Which rule: `{ id: 'duban-score', version: 1 }`, written `duban-score-v1`. */
export interface RuleRef {
  readonly id: string;
  readonly version: number;
}

/** What a score is computed from: counts of one unit in one period (see docs/figures.md). */
export interface ScoreInputs {
  /** Due items whose outcome is known at the as-of instant (the rates' denominator). */
  readonly assessed: number;
  readonly closedOnTime: number;
  readonly closed: number;
  readonly withExtension: number;
  /** Verifications in the period: approvals (closedInPeriod) and rejections. */
  readonly closedInPeriod: number;
  readonly rejections: number;
  readonly reopens: number;
  readonly overdue: number;
  readonly overdueCarried: number;
  /**
   * 目标完成率: the mean over the unit's targets of their period completions,
   * exact, in [0, 1]; null (or absent) when the unit has no target in the
   * period. Only 'weighted-sum-v2' scores it.
   */
  readonly targetCompletion?: number | null;
}

export interface ScoringRule {
  readonly id: 'duban-score';
  readonly version: number;
  /** `${id}-v${version}` */
  readonly name: string;
  readonly description: string;
  /**
   * The shape of the computation. 'weighted-sum-v1': Σ weight × rate term − penalties,
   * clamped to bounds, rounded half up to `decimals`. 'weighted-sum-v2': the same with a
   * target-completion term, and for a unit without targets the rate terms scaled up so
   * that they carry its weight (see `withoutTargets`). A rule that needs another shape
   * names a new formula (and the code for it is added beside these).
   */
  readonly formula: 'weighted-sum-v1' | 'weighted-sum-v2';
  readonly weights: {
    /** × 按期办结率 (closedOnTime / assessed) */
    readonly onTimeRate: number;
    /** × 办结率 (closed / assessed) */
    readonly closureRate: number;
    /** × (1 − 退回率); 退回率 = rejections / (rejections + closedInPeriod), 0 when nothing was verified */
    readonly noRework: number;
    /** × (1 − 延期率); 延期率 = withExtension / assessed */
    readonly noExtension: number;
    /** × 目标完成率 ('weighted-sum-v2' only; v1 leaves it out) */
    readonly targetCompletion?: number;
  };
  /**
   * 'weighted-sum-v2': what a unit without any target in the period gets for the
   * target term. 'redistribute': nothing, and the four rate terms are scaled by
   * (their weights + the target weight) ÷ their weights, so the target weight is
   * spread over them in proportion to their own weights (the maximum stays the same).
   */
  readonly withoutTargets?: 'redistribute';
  readonly penalties: {
    /** per reopening (重新打开) in the period */
    readonly perReopen: number;
    /** per due item open past its deadline at the as-of instant */
    readonly perOverdue: number;
    /** per item due before the period and still open at the as-of instant */
    readonly perOverdueCarried: number;
  };
  readonly bounds: { readonly min: number; readonly max: number };
  readonly decimals: number;
  /** A unit is scored (and ranked) only when at least this many of its due items are assessed. */
  readonly minAssessed: number;
  readonly lists: {
    /** Red list (红榜): units ranked 1 … redTop in their group (ties share a rank). */
    readonly redTop: number;
    /** Black list (黑榜): units ranked in the last blackBottom places (ties share a place). */
    readonly blackBottom: number;
    /** No lists in a group with fewer scored units than this. */
    readonly minRankedUnits: number;
  };
}

/** duban-score-v1 — see docs/figures.md. Frozen: never edit, add v2 instead. */
export const DUBAN_SCORE_V1: ScoringRule = deepFreeze({
  id: 'duban-score',
  version: 1,
  name: 'duban-score-v1',
  description:
    '40×按期办结率 + 20×办结率 + 15×(1−退回率) + 10×(1−延期率) − 5×重新打开次数 − 2×(逾期未办结 + 往期逾期未办结), ' +
    'clamped to 0–100, rounded to 2 decimals; 目标完成率 is not scored (15 points are left for it, a perfect record scores 85). ' +
    'Ranked within 开发区 / 县市 / 市内区, equal scores share a rank; red list = rank 1, black list = last place, ' +
    'only in a group with at least 2 scored units and not all tied.',
  formula: 'weighted-sum-v1',
  weights: { onTimeRate: 40, closureRate: 20, noRework: 15, noExtension: 10 },
  penalties: { perReopen: 5, perOverdue: 2, perOverdueCarried: 2 },
  bounds: { min: 0, max: 100 },
  decimals: 2,
  minAssessed: 1,
  lists: { redTop: 1, blackBottom: 1, minRankedUnits: 2 },
} as const);

/**
 * duban-score-v2 — v1 plus 15 × 目标完成率 (docs/figures.md). A unit without a
 * target in the period has the 15 points spread over the four rate terms in
 * proportion to their weights (× 100/85), so a perfect record scores 100
 * either way. Frozen: never edit, add v3 instead.
 */
export const DUBAN_SCORE_V2: ScoringRule = deepFreeze({
  id: 'duban-score',
  version: 2,
  name: 'duban-score-v2',
  description:
    '40×按期办结率 + 20×办结率 + 15×(1−退回率) + 10×(1−延期率) + 15×目标完成率 − 5×重新打开次数 − 2×(逾期未办结 + 往期逾期未办结), ' +
    'clamped to 0–100, rounded to 2 decimals. 目标完成率 = the mean over the unit\'s targets of the year set by the as-of instant of ' +
    'min(1, achieved ÷ (target × months through the period\'s end ÷ 12)). A unit without a target in the period: the four rate terms ' +
    'are scaled by 100/85 (the 15 points are spread over them in proportion). Ranked within 开发区 / 县市 / 市内区, equal scores share a rank; ' +
    'red list = rank 1, black list = last place, only in a group with at least 2 scored units and not all tied.',
  formula: 'weighted-sum-v2',
  weights: { onTimeRate: 40, closureRate: 20, noRework: 15, noExtension: 10, targetCompletion: 15 },
  withoutTargets: 'redistribute',
  penalties: { perReopen: 5, perOverdue: 2, perOverdueCarried: 2 },
  bounds: { min: 0, max: 100 },
  decimals: 2,
  minAssessed: 1,
  lists: { redTop: 1, blackBottom: 1, minRankedUnits: 2 },
} as const);

/** Every rule ever shipped, oldest first. Append only. */
export const SCORING_RULES: readonly ScoringRule[] = Object.freeze([DUBAN_SCORE_V1, DUBAN_SCORE_V2]);

/** The rule used when a request names none. */
export const CURRENT_SCORING_RULE: ScoringRule = DUBAN_SCORE_V2;

export function ruleName(ref: RuleRef): string {
  return `${ref.id}-v${ref.version}`;
}

/** Finds a rule by `{ id, version }` or by name (`duban-score-v1`); throws InvalidFiguresQueryError when unknown. */
export function scoringRule(ref: RuleRef | string = CURRENT_SCORING_RULE): ScoringRule {
  const wanted = typeof ref === 'string' ? parseRuleName(ref) : ref;
  const rule = wanted && SCORING_RULES.find((r) => r.id === wanted.id && r.version === wanted.version);
  if (!rule) {
    const name = typeof ref === 'string' ? ref : ruleName(ref);
    throw new InvalidFiguresQueryError('rule', `${name} is not a known scoring rule (known: ${SCORING_RULES.map((r) => r.name).join(', ')})`);
  }
  return rule;
}

function parseRuleName(name: string): RuleRef | null {
  const match = /^([a-z][a-z0-9-]*)-v(\d{1,6})$/.exec(name);
  return match ? { id: match[1], version: Number(match[2]) } : null;
}

/** a / b, or null when b is 0. */
export function ratio(a: number, b: number): number | null {
  return b === 0 ? null : a / b;
}

/**
 * The unit's score under `rule`, or null when the unit is not scored (fewer
 * than `minAssessed` assessed items: nothing due whose outcome is known).
 * Rates are taken as exact ratios of the counts (never the rounded rates shown).
 */
export function score(rule: ScoringRule, f: ScoreInputs): number | null {
  switch (rule.formula) {
    case 'weighted-sum-v1':
    case 'weighted-sum-v2': {
      if (f.assessed < rule.minAssessed || f.assessed === 0) return null;
      const onTime = f.closedOnTime / f.assessed;
      const closure = f.closed / f.assessed;
      const rework = ratio(f.rejections, f.rejections + f.closedInPeriod) ?? 0;
      const extension = f.withExtension / f.assessed;
      const { weights: w, penalties: p } = rule;
      let rates = w.onTimeRate * onTime + w.closureRate * closure + w.noRework * (1 - rework) + w.noExtension * (1 - extension);
      if (rule.formula === 'weighted-sum-v2') {
        const target = w.targetCompletion ?? 0;
        const completion = f.targetCompletion ?? null;
        if (completion !== null) {
          rates += target * Math.min(1, Math.max(0, completion));
        } else if (rule.withoutTargets === 'redistribute') {
          const rateWeights = w.onTimeRate + w.closureRate + w.noRework + w.noExtension;
          rates = (rates * (rateWeights + target)) / rateWeights;
        }
      }
      const raw = rates - p.perReopen * f.reopens - p.perOverdue * f.overdue - p.perOverdueCarried * f.overdueCarried;
      return roundHalfUp(Math.min(rule.bounds.max, Math.max(rule.bounds.min, raw)), rule.decimals);
    }
    default:
      throw new Error(`scoring formula ${String((rule as { formula: unknown }).formula)} is not implemented`);
  }
}

/**
 * Rounds half up at `decimals`. The tiny nudge keeps values such as 72.5 × 100 =
 * 7249.999… from rounding down; scores are never negative (clamped first).
 */
export function roundHalfUp(value: number, decimals: number): number {
  const f = 10 ** decimals;
  return Math.round(value * f + 1e-7) / f;
}

export interface Ranked<T> {
  readonly entry: T;
  /** 1 + the number of units with a strictly higher score; null when not scored. */
  readonly rank: number | null;
  readonly red: boolean;
  readonly black: boolean;
}

export interface GroupRanking<T> {
  /** Scored units first by rank (ties in the input order), then the unscored in the input order. */
  readonly ranked: readonly Ranked<T>[];
  readonly scoredUnits: number;
  /** Whether red and black lists were drawn in this group (enough scored units, not all tied). */
  readonly listsDrawn: boolean;
}

/**
 * Ranks one group under `rule`: standard competition ranking ("1224": equal
 * scores share a rank, the next rank skips). Red list: rank ≤ redTop. Black
 * list: fewer than blackBottom units scored strictly lower. None when fewer
 * than minRankedUnits units are scored; a unit that would be on both lists
 * (everyone tied) is on neither.
 */
export function rankGroup<T>(rule: ScoringRule, entries: readonly T[], scoreOf: (entry: T) => number | null): GroupRanking<T> {
  const scored = entries.filter((e) => scoreOf(e) !== null);
  const scores = scored.map((e) => scoreOf(e) as number);
  const drawn = scored.length >= rule.lists.minRankedUnits;
  let anyListed = false;
  const rankedScored = scored.map((entry, i) => {
    const s = scores[i];
    const rank = 1 + scores.filter((x) => x > s).length;
    const fromBottom = 1 + scores.filter((x) => x < s).length;
    const red = drawn && rank <= rule.lists.redTop;
    const black = drawn && fromBottom <= rule.lists.blackBottom;
    const both = red && black;
    if ((red || black) && !both) anyListed = true;
    return { entry, rank, red: red && !both, black: black && !both, order: i };
  });
  rankedScored.sort((a, b) => a.rank - b.rank || a.order - b.order);
  const unscored = entries.filter((e) => scoreOf(e) === null).map((entry) => ({ entry, rank: null, red: false, black: false }));
  return {
    ranked: [...rankedScored.map(({ order: _o, ...r }) => r), ...unscored],
    scoredUnits: scored.length,
    listsDrawn: drawn && anyListed,
  };
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
