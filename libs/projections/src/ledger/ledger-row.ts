import type { LoopStatus } from '@duban/domain/closure-loop';
import type { UnitCategory } from '@duban/domain/units';
import type { Item } from '../items/item';
import type { NextLadderStep } from '@duban/domain/ladder';

/**
 * One version of an items row, as the ledger's temporal model keeps it: the
 * items model's fields (without `streamVersion`, a concurrency token that is
 * not versioned) where `lastPosition`/`updatedAt` are named for what they are
 * here — the position and recordedAt of the event that produced the version —
 * plus the validity interval and the latest narrative (进展情况).
 */
export interface LedgerItem extends Omit<Item, 'streamVersion' | 'lastPosition' | 'updatedAt' | 'nextStep'> {
  /** Global position of the event that produced this version (inclusive). */
  validFromPosition: bigint;
  /** Position of the next version of the same item (exclusive); null while this version is current. */
  validToPosition: bigint | null;
  /** recordedAt of the event that produced this version. (occurredAt, its effective time, is inherited.) */
  recordedAt: string;
  /** Latest progress narrative (进展情况) reported up to this version; null before the first report. */
  narrative: string | null;
  /** Effective time (occurredAt) of the report that carried `narrative`. */
  narrativeAt: string | null;
  /** The registry's ranking group of the responsible unit (开发区 / 县市 / 市内区), null for other units. */
  group: UnitCategory | null;
  /** Ledger order (序号): the order in which the log opened the items; shares of a task in their listed order. */
  seq: number;
}

/** Green: on track; yellow: due within the policy's window; red: overdue; black: overdue ≥ the policy's threshold. */
export type LedgerColour = 'green' | 'yellow' | 'red' | 'black';

/**
 * The step of the lateness ladder (domain.md): on track → 临近提醒 → 催办 (overdue)
 * → 督办 (escalated) → 通报批评/问责 (listed).
 */
export type LadderStep = 'on_track' | 'reminder' | 'urged' | 'escalated' | 'listed';

/** How a row stands at the ledger's instant, computed at query time (never stored). */
export interface LedgerView {
  /**
   * The due date the row is measured against: the item's deadline, or for a
   * share not yet assigned its task's 完成时限; null for an issue not assigned yet.
   */
  due: string | null;
  /** `due` as its Asia/Shanghai date (YYYY-MM-DD). */
  dueDate: string | null;
  /**
   * The instant lateness is measured at: the ledger's instant for an open
   * item; the submission (申请销号) while it awaits verification (the unit's
   * clock stops when it submits); the closing (销号) for a closed item.
   */
  measuredAt: string;
  /** The due instant had passed at `measuredAt`. Null without a due date. */
  overdue: boolean | null;
  /** Working days from measuredAt to the due date (0 on the due day); null when overdue, without a due date or without calendar data. */
  workingDaysLeft: number | null;
  /** Working days from the due date to measuredAt (0 on the weekend after a Friday deadline); null when not overdue or without calendar data. */
  workingDaysOverdue: number | null;
  /** Null for closed items (their final state is shown without colour), without a due date, or when the calendar cannot tell (see calendarGap). */
  colour: LedgerColour | null;
  step: LadderStep | null;
  /** Set when the working-day figures could not be computed: the calendar has no data for a year they need. */
  calendarGap: { year: number; reason: string } | null;
  /**
   * The working-day figures were counted across a provisional calendar year
   * (no State Council notice yet: weekends and statutory holidays, no 调休);
   * they may change when the notice arrives.
   */
  provisional: boolean;
  /** Status as a supervision office writes it: 未交办 / 已交办 / 已签收 / 推进中 / 待审核(申请销号) / 已销号, with 逾期N个工作日 / 临期 where relevant. */
  statusText: string;
  /**
   * The ladder's next act for this row at its version (the rule of the ledger:
   * the same whose thresholds colour it) and when it falls due; null when
   * none is ahead. The steps taken are in `item.ladder.taken`.
   */
  nextStep: NextLadderStep | null;
}

export interface LedgerRow {
  item: LedgerItem;
  view: LedgerView;
}

export type LedgerAxis = 'position' | 'recorded' | 'effective';

/** Which ledger: exact to an event (position), as recorded by an instant, or as in effect at an instant. */
export type AsOf =
  | { position: bigint }
  | { recordedAt: string | Date }
  | { effectiveAt: string | Date };

export interface LedgerFilter {
  /** Responsible unit (the share's unit, the assignee). */
  unitId?: string;
  /** Ranking group of the responsible unit: 开发区 / 县市 / 市内区. */
  group?: UnitCategory;
  /** Responsible, lead (牵头) or cooperating (配合) unit: a unit's own rows. */
  involvesUnit?: string;
  /** 文号, exact. */
  docNumber?: string;
  status?: LoopStatus | readonly LoopStatus[];
  kind?: 'task' | 'issue';
}

export interface LedgerViewOptions {
  /** The instant the view (colours, days left/overdue) is computed at. Default: the as-of instant (see LedgerHeader.instant). */
  now?: string | Date;
}

export interface LedgerQueryOptions extends LedgerFilter, LedgerViewOptions {
  /** Page size: default 100, at most 10,000 (`scan` reads every row). */
  limit?: number;
  offset?: number;
}

export interface LedgerScanOptions extends LedgerFilter, LedgerViewOptions {
  /** Rows read per transaction (default 2,000). */
  pageSize?: number;
}

/** What a ledger answer is exact to. */
export interface LedgerHeader {
  axis: LedgerAxis;
  /**
   * The position the ledger is exact to: the one asked for (position axis),
   * the last position recorded by the instant (recorded axis), or the read
   * model's checkpoint (effective axis and the live ledger: every version
   * known so far is a candidate).
   */
  position: bigint;
  /** The instant the view is computed at (ISO, UTC). */
  instant: string;
  /** For the effective axis: the effective instant asked for. */
  effectiveAt: string | null;
  /** Where the ledger read model stands in the log (its checkpoint). */
  readModel: { position: bigint; recordedAt: string | null };
  /** The position asked for lies beyond the read model's checkpoint: rows may be missing (wait for the runner). */
  incomplete: boolean;
  /** Rows matching the filters (all pages). */
  total: number;
}

export interface LedgerSnapshot extends LedgerHeader {
  limit: number;
  offset: number;
  rows: LedgerRow[];
}

/** Every row of a ledger, read page by page (each page its own read transaction) at one fixed position. */
export interface LedgerScan {
  header: LedgerHeader;
  rows: Iterable<LedgerRow>;
}
