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

/** Why the deadline took its value. */
export type DeadlineCause = 'assigned' | 'extension' | 'reopened';

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
