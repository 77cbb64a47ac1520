/**
 * The closure loop (闭环) shared by a task share and an issue:
 *
 *   registered | reported ──assign(交办)──▶ assigned ──acknowledge(签收)──▶ acknowledged
 *   acknowledged | in_progress ──report progress──▶ in_progress
 *   in_progress ──submit completion(申请销号)──▶ submitted
 *   submitted ──approve(销号)──▶ closed
 *   submitted ──reject(退回)──▶ in_progress            (reworkCount + 1)
 *   closed ──reopen(重新打开)──▶ in_progress             (reopenCount + 1)
 *
 * Extensions (延期) run beside the main line: one pending request at a time,
 * requested while assigned / acknowledged / in_progress and before the
 * current deadline; granted or refused while the item is open.
 */

import type { ActStamp } from '../decider/effective-time';
import type { LadderMemory } from '../ladder/memory';

/** Before assignment: 'registered' for a task share, 'reported' for an issue. */
export type PendingStatus = 'registered' | 'reported';

export type LoopStatus = PendingStatus | 'assigned' | 'acknowledged' | 'in_progress' | 'submitted' | 'closed';

export const PENDING_STATUSES: readonly LoopStatus[] = ['registered', 'reported'];

/** A deadline count as the state keeps it: `provisional` when it used a provisional year (the deadline's flag). */
export type CountedDeadline = DeadlineCount & { readonly provisional: boolean };

/** Why the deadline took its value ('recounted': the official calendar replaced a provisional year it was counted across). */
export type DeadlineCause = 'assigned' | 'extension' | 'reopened' | 'recounted';

/**
 * How a deadline counted in working days was counted (an issue's default
 * deadline: its urgency's days after 交办), so that it can be recounted when
 * the State Council notice of a provisional year it crossed arrives
 * (recountDeadline in @duban/domain/calendar; decideDeadlineRecount).
 */
export interface DeadlineCount {
  /** The instant counted from: the assignment's effective time. */
  readonly from: string;
  readonly workingDays: number;
  /** The provisional years the count used (empty: official data only). */
  readonly provisionalYears: readonly number[];
  /** The calendar's last official year at the count: `calendar.officialThrough(it)` rebuilds the calendar counted with. */
  readonly lastOfficialYear: number;
}

export interface DeadlineChange {
  readonly deadline: string;
  /** Effective time of the change. */
  readonly at: string;
  readonly cause: DeadlineCause;
}

export interface PendingExtension {
  readonly requestedDeadline: string;
  readonly reason: string;
}

export interface Submission {
  /** The unit that submitted (申请销号); it may not verify its own submission. */
  readonly byUnit: string;
  readonly at: string;
}

/** A reference to evidence held elsewhere (file store, document system). */
export interface EvidenceRef {
  /** Opaque reference, e.g. a file id or URL. */
  readonly ref: string;
  readonly title?: string;
  /** Content hash, if the caller has one (hex). */
  readonly sha256?: string;
}

/** A measured value reported with progress, e.g. { metric: '新开工小微企业园', value: 3, unit: '个' }. */
export interface MetricValue {
  readonly metric: string;
  readonly value: number;
  readonly unit?: string;
}

export interface ClosureLoopState {
  readonly status: LoopStatus;
  /** The unit that must deliver; null for an issue until it is assigned. */
  readonly unitId: string | null;
  /** The current deadline; null until assigned. */
  readonly deadline: string | null;
  /** Every value the deadline took, oldest first. */
  readonly deadlineHistory: readonly DeadlineChange[];
  /**
   * How the current deadline was counted, when the system counted it in
   * working days; null when it was given as a date (a task's, an extension's,
   * a reopening's) or before assignment. Absent in states stored before it
   * existed: read it as null.
   */
  readonly deadlineCount?: CountedDeadline | null;
  /** Latest reported percentage, null before the first report. */
  readonly percent: number | null;
  readonly progressReports: number;
  readonly notes: number;
  /** The submission awaiting verification (or that was approved); null otherwise. */
  readonly submission: Submission | null;
  readonly closedAt: string | null;
  readonly pendingExtension: PendingExtension | null;
  /** Rejections (退回 → 返工). */
  readonly reworkCount: number;
  /** Granted extensions. */
  readonly extensionCount: number;
  /** Reopenings after closure. */
  readonly reopenCount: number;
  /**
   * The latest act on this loop (its opening included) with its effective
   * time: no command on the loop takes effect before it. Null when the events
   * were folded without their times.
   */
  readonly lastAct: ActStamp | null;
  /**
   * The ladder steps taken (临近提醒, 催办, 督办, 通报批评) and the intervals the
   * unit's clock stood still (申请销号 → 退回 / 重新打开). Ladder steps are the
   * system's, not acts a person answers: they do not move `lastAct`.
   */
  readonly ladder: LadderMemory;
}

/** `opened`: the act that opened the loop (a task's registration or amendment, an issue's report). */
export function initialLoopState(status: PendingStatus, unitId: string | null = null, opened: ActStamp | null = null): ClosureLoopState {
  return {
    status,
    unitId,
    deadline: null,
    deadlineHistory: [],
    deadlineCount: null,
    percent: null,
    progressReports: 0,
    notes: 0,
    submission: null,
    closedAt: null,
    pendingExtension: null,
    reworkCount: 0,
    extensionCount: 0,
    reopenCount: 0,
    lastAct: opened,
    ladder: { taken: [], clockStops: [] },
  };
}
