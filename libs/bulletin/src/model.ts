/**
 * What a bulletin (通报) is drafted from: everything it shows, already computed
 * (the period close computes the figures; this library only writes them up).
 * A bulletin is a pure function of this input: the same input gives the same
 * document, the same files and the same content hash (docs/bulletin.md).
 *
 * Rates are fractions in [0, 1] as the figures give them (4 decimals), or null
 * when there was nothing to divide by; scores are on the rule's 0–100 scale.
 * Instants are ISO 8601 with an offset; dates are shown in Beijing time.
 */

/** The three ranking groups, in the order a bulletin shows them. */
export const BULLETIN_GROUPS = ['开发区', '县市', '市内区'] as const;
export type BulletinGroupName = (typeof BULLETIN_GROUPS)[number];

/** The ladder steps a bulletin names for an overdue item (催办 urge, 督办 escalation, 通报批评 listing). */
export const OVERDUE_STEPS = ['催办', '督办', '通报批评'] as const;
export type OverdueStep = (typeof OVERDUE_STEPS)[number];

/** The ladder's step names (libs/domain/src/ladder) as a bulletin writes them; the reminder is not a step taken against lateness. */
export const OVERDUE_STEP_OF_LADDER = { urge: '催办', escalation: '督办', listing: '通报批评' } as const satisfies Record<string, OverdueStep>;

/** A responsible unit: its registry id (identity) and the name the bulletin prints. */
export interface BulletinUnit {
  readonly id: string;
  readonly name: string;
}

/** The period: `id` 2021-05 (month), 2021-Q2 (quarter), 2021-H1 (half year) or 2021 (year); `label` as the figures give it. */
export interface BulletinPeriod {
  readonly id: string;
  /** 2021年5月, 2021年第二季度, 2021年上半年, 2021年度 */
  readonly label: string;
}

/** The figures of one unit a bulletin prints: those of a LeaderboardEntry (libs/projections figures, docs/figures.md). */
export interface BulletinFigures {
  readonly due: number;
  readonly assessed: number;
  readonly onTimeRate: number | null;
  readonly closureRate: number | null;
  readonly reworkRate: number | null;
  readonly extensionRate: number | null;
  readonly targetCompletion: number | null;
  readonly overdue: number;
  readonly overdueCarried: number;
  readonly reopens: number;
}

/** One row of a group's ranking. */
export interface BulletinEntry extends BulletinFigures {
  readonly unit: BulletinUnit;
  /** Null: not scored (nothing assessed in the period). */
  readonly score: number | null;
  /** Rank within the group (ties share it); null when not scored. */
  readonly rank: number | null;
  readonly red: boolean;
  readonly black: boolean;
}

export interface BulletinGroup {
  readonly name: BulletinGroupName;
  /** Scored units by rank, then unscored ones (the leaderboard's order). */
  readonly entries: readonly BulletinEntry[];
}

/** An overdue item behind a black-list entry. */
export interface OverdueItem {
  /** The source document's 文号, e.g. 郑政办〔2021〕34号. */
  readonly documentNumber: string;
  /** Item path in the document, canonical form (一/（三）/1). */
  readonly path: string;
  readonly title: string;
  readonly unit: BulletinUnit;
  /** Working days past the deadline at the period's end. */
  readonly workingDaysOverdue: number;
  /** The highest ladder step reached. */
  readonly step: OverdueStep;
}

/** A unit on the red list (通报表扬). `reason` overrides the one drafted from its figures. */
export interface RedListing {
  readonly unitId: string;
  readonly reason?: string;
}

/** A unit on the black list (通报批评), with the overdue items behind it. */
export interface BlackListing {
  readonly unitId: string;
  readonly reason?: string;
  readonly overdueItems: readonly OverdueItem[];
}

/** Totals over the 16 responsible units (the items due in the period). */
export interface BulletinTotals {
  /** Items assessed in the period (denominator of the rates). */
  readonly items: number;
  readonly closed: number;
  readonly onTimeRate: number | null;
  readonly closureRate: number | null;
  /** Items open past their deadline at the period's end (逾期未办结). */
  readonly overdue: number;
  /** Overdue items that reached 督办. */
  readonly escalated: number;
  /** Overdue items that reached 通报批评. */
  readonly listedForCriticism: number;
}

/** A requirement of 四、工作要求: a short heading without end punctuation (printed （一）heading。) and its text. */
export interface WorkRequirement {
  readonly heading: string;
  readonly text: string;
}

export interface BulletinInput {
  /** Issuing office, e.g. 郑州市人民政府办公厅. */
  readonly issuer: string;
  /** Addressees (主送机关), ending with "："; a default for the 16 units when absent. */
  readonly addressees?: string;
  readonly period: BulletinPeriod;
  /** 文号 line as printed until the number is assigned, e.g. 郑政办文〔2021〕  号. */
  readonly documentNumber: string;
  readonly totals: BulletinTotals;
  /** The three groups, each once. */
  readonly groups: readonly BulletinGroup[];
  readonly red: readonly RedListing[];
  readonly black: readonly BlackListing[];
  /** 四、工作要求; drafted from the black list and the totals when absent. */
  readonly requirements?: readonly WorkRequirement[];
  /** Date (YYYY-MM-DD, Beijing) by which black-listed units report their rectification; "within 15 working days" when absent. */
  readonly rectifyBy?: string;
  /** The scoring rule the scores are under. */
  readonly rule: { readonly id: string; readonly version: number };
  /** Log position the figures were computed at (decimal string: positions are 64-bit). */
  readonly position: string;
  /** Head hash of the log at `position` (hex). */
  readonly headHash: string;
  /** Issue date: YYYY-MM-DD (a Beijing date) or an instant with an offset. */
  readonly issuedAt: string;
}

/** The anchor as `duban verify --anchor` takes it. */
export function anchorOf(input: Pick<BulletinInput, 'headHash' | 'position'>): string {
  return `${input.headHash}@${input.position}`;
}

export function ruleNameOf(rule: BulletinInput['rule']): string {
  return `${rule.id}-v${rule.version}`;
}
