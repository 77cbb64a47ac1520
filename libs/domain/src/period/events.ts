/**
 * What a period's stream (`period-<id>`) records: its closes (结算: the figures,
 * ranks and 红黑榜 at one log position, under named, versioned rules) and the
 * bulletins (通报) published from them. Nothing here is ever rewritten: late
 * facts give a new revision (period.reclosed.v1), a corrected bulletin is a new
 * bulletin naming the one it corrects.
 */

/** The period a stream is about (bounds as period.ts of the figures gives them, +08:00). */
export interface PeriodRef {
  /** `2021-05`, `2021-Q2`, `2021-H1`, `2021` */
  readonly id: string;
  readonly kind: 'month' | 'quarter' | 'half' | 'year';
  readonly year: number;
  readonly index: number;
  /** e.g. 2021年5月 */
  readonly label: string;
  readonly start: string;
  /** First instant after the period: a close takes effect at or after it. */
  readonly end: string;
}

/** A rule as recorded: id, version and the name `${id}-v${version}`. */
export interface RuleStamp {
  readonly id: string;
  readonly version: number;
  readonly name: string;
}

/** The list rule (红黑榜) as recorded: its id, version and parameters. */
export interface ListRuleStamp extends RuleStamp {
  /** 红榜: ranks 1 … redTop of each group (ties share a rank). */
  readonly redTop: number;
  /** 黑榜: the last blackBottom places of each group (ties share a place). */
  readonly blackBottom: number;
  /** No ranked lists in a group with fewer scored units. */
  readonly minRankedUnits: number;
  /** Any unit with an item that reached 通报批评 (ladder step `listing`) in the period is on the black list. */
  readonly criticismListsBlack: boolean;
}

/** One responsible unit in a close. */
export interface ClosedUnit {
  readonly unitId: string;
  /** 开发区 / 县市 / 市内区; null for a unit outside the groups (not ranked). */
  readonly group: string | null;
  readonly score: number | null;
  readonly rank: number | null;
  readonly red: boolean;
  readonly black: boolean;
  /** The unit's figures (docs/figures.md): due, assessed, closedOnTime, onTimeRate, … */
  readonly figures: Readonly<Record<string, number | null>>;
}

/** An item behind a black-list entry: overdue at the period's end, or escalated (督办) / listed (通报批评) in it. */
export interface BlackItem {
  /** `task:<taskId>:<unitId>` or `issue:<issueId>` */
  readonly key: string;
  readonly unitId: string;
  /** 文号 (tasks), e.g. 郑政办〔2021〕34号; null for issues. */
  readonly docNumber: string | null;
  /** Item path inside the document, e.g. 三/1; null for issues. */
  readonly itemPath: string | null;
  readonly title: string;
  /** The deadline in force at the period's end. */
  readonly deadline: string | null;
  /** Working days from the deadline to the period's end (0 when not overdue then). */
  readonly workingDaysOverdue: number;
  /** The highest ladder step taken by the period's end (reminder, urge, escalation, listing), null for none. */
  readonly ladderStep: string | null;
}

export interface BlackEntry {
  readonly unitId: string;
  readonly group: string | null;
  /** Why: 'rank' (the last places of its group), 'listed_for_criticism' (an item reached 通报批评 in the period). */
  readonly reasons: readonly ('rank' | 'listed_for_criticism')[];
  readonly items: readonly BlackItem[];
}

export interface GroupLists {
  readonly group: string;
  readonly scoredUnits: number;
  /** Whether the ranked lists were drawn (enough scored units, not all tied). */
  readonly listsDrawn: boolean;
  readonly red: readonly string[];
  readonly black: readonly string[];
}

/**
 * The content of a close, computed by the read side (figures, ranks, lists)
 * at one log position; the decider only compares its digest.
 */
export interface CloseContent {
  /** The instant the figures are taken at: the period's last millisecond. */
  readonly asOf: string;
  /** The log position the figures were computed at (decimal string). */
  readonly position: string;
  /** The head hash of the log at that position (`<headHash>@<position>` is an anchor: `duban verify --anchor`). */
  readonly headHash: string;
  readonly rule: RuleStamp;
  readonly listRule: ListRuleStamp;
  /** Version of the figure definitions. */
  readonly definitions: string;
  /** sha256 over the figures, ranks, lists and black items (not the position nor the hash): equal digests, nothing changed. */
  readonly digest: string;
  readonly units: readonly ClosedUnit[];
  readonly groups: readonly GroupLists[];
  readonly black: readonly BlackEntry[];
}

/** How one unit's close differs from the previous revision. */
export interface UnitChange {
  readonly unitId: string;
  readonly score: { readonly from: number | null; readonly to: number | null };
  readonly rank: { readonly from: number | null; readonly to: number | null };
  readonly red: { readonly from: boolean; readonly to: boolean };
  readonly black: { readonly from: boolean; readonly to: boolean };
  /** Only the figures that changed: to − from where both are numbers. */
  readonly figures: Readonly<Record<string, { readonly from: number | null; readonly to: number | null; readonly by: number | null }>>;
}

export interface PeriodClosedData extends CloseContent {
  readonly periodId: string;
  readonly period: PeriodRef;
  readonly revision: 1;
  readonly closedAt: string;
}

export interface PeriodReclosedData extends CloseContent {
  readonly periodId: string;
  readonly period: PeriodRef;
  readonly revision: number;
  readonly previousRevision: number;
  readonly previousDigest: string;
  readonly closedAt: string;
  /** What changed since the previous revision, per unit. */
  readonly changes: readonly UnitChange[];
}

export interface BulletinPublishedData {
  readonly periodId: string;
  /** `<periodId>#<n>`: the n-th bulletin of the period. */
  readonly bulletinId: string;
  /** The close revision it publishes. */
  readonly revision: number;
  /** sha256 (hex) of the published content (the rendered bulletin). */
  readonly contentSha256: string;
  readonly rule: RuleStamp;
  readonly listRule: ListRuleStamp;
  readonly position: string;
  readonly headHash: string;
  readonly digest: string;
  /** The bulletin this one corrects; null for a first publication. */
  readonly corrects: string | null;
  readonly publishedAt: string;
}

export type PeriodEvent =
  | { readonly type: 'period.closed.v1'; readonly data: PeriodClosedData }
  | { readonly type: 'period.reclosed.v1'; readonly data: PeriodReclosedData }
  | { readonly type: 'bulletin.published.v1'; readonly data: BulletinPublishedData };

export const PERIOD_EVENT_TYPES: readonly PeriodEvent['type'][] = ['period.closed.v1', 'period.reclosed.v1', 'bulletin.published.v1'];
