import type { DeadlineCause, LoopStatus } from '@duban/domain/closure-loop';
import type { UnitCategory } from '@duban/domain/units';
import type { ItemKind } from '../items/item';
import type { PeriodInfo } from './period';
import type { RuleRef } from './scoring';

// ---------------------------------------------------------------- the read model

/** A fact of an item's timeline: its effective time and the global position of its event (a decimal string). */
export interface TimedFact {
  /** Effective time as recorded (ISO with offset). */
  readonly at: string;
  readonly atMs: number;
  /** Global position of the event (decimal string: positions are 64-bit). */
  readonly position: string;
}

/** A value the deadline took (mirrors the loop's deadlineHistory, plus the event's position). */
export interface DeadlineFact extends TimedFact {
  readonly deadline: string;
  readonly deadlineMs: number;
  readonly cause: DeadlineCause;
}

/** A closure (销号: completion approved). */
export interface ClosureFact extends TimedFact {
  /** The deadline in force when it was approved. */
  readonly deadline: string | null;
  /** Approved at or before that deadline. */
  readonly onTime: boolean;
  /** When the approved completion was submitted (申请销号). */
  readonly submittedAt: string | null;
  /** Submitted at or before that deadline (kept for information; the figures use `onTime`). */
  readonly submittedOnTime: boolean | null;
}

/** A granted extension (延期): the deadline it moved from and to. */
export interface ExtensionFact extends TimedFact {
  readonly from: string | null;
  readonly to: string;
}

/** A reopening (重新打开), with the new deadline it set, if any. */
export interface ReopenFact extends TimedFact {
  readonly deadline: string | null;
}

/**
 * A change of a task share's membership by an amendment (task.amended.v1):
 * `member: false` when its unit was dropped from the responsible units (the
 * share no longer counts), `true` when a dropped unit was added back (a fresh
 * share: only facts after it count).
 */
export interface MembershipFact extends TimedFact {
  readonly member: boolean;
}

/** One row of the figures read model: a closure-loop item with the facts the figures are computed from. */
export interface FiguresItem {
  /** Same key as the items read model: `task:<taskId>:<unitId>` or `issue:<issueId>`. */
  key: string;
  kind: ItemKind;
  /** The responsible unit; null for an issue until it is assigned. */
  unitId: string | null;
  status: LoopStatus;
  /** First assignment (交办) — of the share's first incarnation when an amendment dropped and re-added its unit. */
  assignedAt: string | null;
  /** Current deadline. */
  deadline: string | null;
  firstClosedAt: string | null;
  firstClosedOnTime: boolean | null;
  /** Latest closure (the item may have been reopened since: see status). */
  lastClosedAt: string | null;
  lastClosedOnTime: boolean | null;
  submissionCount: number;
  reworkCount: number;
  extensionCount: number;
  reopenCount: number;
  deadlines: DeadlineFact[];
  submissions: TimedFact[];
  closures: ClosureFact[];
  /** Rejections (退回 → 返工). */
  reworks: TimedFact[];
  extensions: ExtensionFact[];
  reopens: ReopenFact[];
  /** Drops and re-adds of a task share by amendments (empty for most items). */
  membership: MembershipFact[];
  /** A task share whose unit an amendment dropped (and did not add back). */
  removed: boolean;
  lastPosition: bigint;
  updatedAt: string;
}

// ---------------------------------------------------------------- the query

/**
 * An override of where a unit's target completion (目标完成率, in [0, 1]) comes
 * from; null: the unit has no target in the period. By default FiguresQuery
 * takes it from the targets read model (see target-completion.ts). With a
 * hook, the answer is not cached.
 */
export type TargetCompletionHook = (unitId: string, period: PeriodInfo, asOf: string) => number | null;

/** The figures of one unit in one period (definitions: docs/figures.md). */
export interface UnitFigures {
  unitId: string;
  /** 开发区 / 县市 / 市内区; null for a unit outside the 16 responsible units. */
  group: UnitCategory | null;

  // --- items due in the period (deadline in force at as-of within the period) -----
  /** Items whose deadline in force at the as-of instant lies in the period. */
  due: number;
  /** Due items still open whose deadline has not passed at as-of (only before the period ends). */
  notYetDue: number;
  /** due − notYetDue: the denominator of the rates. At the period's end = due. */
  assessed: number;
  /** Assessed items closed (销号) at as-of. */
  closed: number;
  /** Closed items whose latest closure was approved at or before the deadline in force then. */
  closedOnTime: number;
  closedLate: number;
  /** Assessed items open past their deadline at as-of (逾期未办结). */
  overdue: number;
  /** Assessed items that had at least one extension granted (by as-of). */
  withExtension: number;

  // --- what happened in the period (effective from the period start to as-of) -----
  /** Closures (销号) in the period, whatever the item's deadline. */
  closedInPeriod: number;
  /** Completions submitted (申请销号) in the period. */
  submissions: number;
  /** Completions rejected (退回) in the period. */
  rejections: number;
  /** Reopenings (重新打开) in the period. */
  reopens: number;
  /** Items due before the period that are still open at as-of (往期逾期未办结). */
  overdueCarried: number;

  // --- rates (null when the denominator is 0; rounded to 4 decimals) ----------------
  /** 按期办结率 = closedOnTime / assessed */
  onTimeRate: number | null;
  /** 办结率 = closed / assessed */
  closureRate: number | null;
  /** 退回率 = rejections / (rejections + closedInPeriod) */
  reworkRate: number | null;
  /** 延期率 = withExtension / assessed */
  extensionRate: number | null;
  /**
   * 目标完成率: the mean over the unit's targets of the year (set by as-of) of
   * min(1, achieved by as-of ÷ (target × months through the period's end ÷ 12));
   * null when the unit has no target in the period.
   */
  targetCompletion: number | null;
  /** How many targets the target completion is the mean of (0: none). */
  targets: number;

  // --- under the rule --------------------------------------------------------------
  /** Null when the unit is not scored (nothing assessed). */
  score: number | null;
  /** Rank within its group; null when not scored or outside the groups. */
  rank: number | null;
  /** 红榜 */
  red: boolean;
  /** 黑榜 */
  black: boolean;
}

/** What every result records, so that it can be recomputed exactly later. */
export interface FiguresProvenance {
  period: PeriodInfo;
  /** The instant the figures are taken at (+08:00): the period's last millisecond, or an earlier as-of. */
  asOf: string;
  /**
   * The log position the read models had reached — the lower of the figures'
   * and the targets' checkpoints — or the position asked for: facts of later
   * events are ignored.
   */
  position: bigint;
  /** The scoring rule: id, version and name (duban-score-v2, or duban-score-v1 when asked for). */
  rule: RuleRef & { name: string };
  /** Version of the figure definitions (what "due", "on time", … mean). */
  definitions: string;
}

export interface FiguresReport extends FiguresProvenance {
  /** The 16 responsible units by group (开发区, 县市, 市内区; registry order), then other units with items, by id. */
  units: UnitFigures[];
}

export interface LeaderboardEntry {
  rank: number | null;
  unitId: string;
  score: number | null;
  red: boolean;
  black: boolean;
  due: number;
  assessed: number;
  onTimeRate: number | null;
  closureRate: number | null;
  reworkRate: number | null;
  extensionRate: number | null;
  /** 目标完成率 where the unit has targets in the period; null otherwise. */
  targetCompletion: number | null;
  overdue: number;
  overdueCarried: number;
  reopens: number;
}

export interface LeaderboardGroup {
  group: UnitCategory;
  /** Units with a score. */
  scoredUnits: number;
  /** Whether red and black lists were drawn (at least minRankedUnits scored, not all tied). */
  listsDrawn: boolean;
  /** 红榜 unit ids, by rank. */
  red: string[];
  /** 黑榜 unit ids. */
  black: string[];
  /** Scored units by rank (ties in registry order), then unscored units (nothing due) in registry order. */
  entries: LeaderboardEntry[];
}

export interface Leaderboard extends FiguresProvenance {
  groups: LeaderboardGroup[];
}
