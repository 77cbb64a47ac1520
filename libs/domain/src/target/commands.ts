import type { Command } from '../decider/decider';

/** The document (and table) a target comes from, e.g. 郑政办〔2021〕34号, 附件. */
export interface TargetSourceDocument {
  /** 文号. */
  readonly docNumber: string;
  readonly title?: string;
  /** The table inside the document, e.g. 附件 / 附件1. */
  readonly annex?: string;
}

/**
 * Sets one cell of a decomposition table (目标任务分解表): a unit's target for a
 * metric in a year, "at least `value`" (以上 / 不少于). Supervisor only.
 * `targetId` must equal targetIdFor(unitId, year, metric): one stream per cell.
 */
export type SetTarget = Command<
  'SetTarget',
  {
    readonly targetId: string;
    readonly unitId: string;
    readonly year: number;
    /** The metric as the table names it, e.g. 集聚入园企业 (see PARK_PROGRAMME_METRICS). */
    readonly metric: string;
    /** The target figure (≥ 0). */
    readonly value: number;
    /** 计量单位, e.g. 个, 家. */
    readonly unitOfMeasure: string;
    readonly sourceDocument: TargetSourceDocument;
  }
>;

/**
 * Revises a set target (supervisor): a revised decomposition table changes its
 * figure or its unit of measure. A field left out keeps its value; nothing
 * different → no event. The cell (unit, year, metric) names the stream and
 * cannot change; recorded progress stays.
 */
export type ReviseTarget = Command<
  'ReviseTarget',
  {
    readonly targetId: string;
    readonly value?: number;
    readonly unitOfMeasure?: string;
    /** Why, e.g. "re-import of 郑政办〔2021〕34号 (000.txt)". */
    readonly reason: string;
    /** The revising document: its 文号, or the file re-imported. */
    readonly documentRef?: string;
  }
>;

/** Where a progress figure comes from. */
export type TargetProgressSourceKind = 'park_report' | 'park_milestone' | 'task_progress' | 'manual';
export const TARGET_PROGRESS_SOURCE_KINDS: readonly TargetProgressSourceKind[] = [
  'park_report',
  'park_milestone',
  'task_progress',
  'manual',
];

export interface TargetProgressSource {
  readonly kind: TargetProgressSourceKind;
  /** What it refers to, e.g. a park report id, a task id + unit, a 督查 record. Each source is counted once. */
  readonly ref: string;
}

/**
 * Records the unit's achieved figure for the metric as of the command's `at`
 * (a cumulative total, not an increment). A supervisor, or the target's unit.
 */
export type RecordTargetProgress = Command<
  'RecordTargetProgress',
  {
    readonly targetId: string;
    readonly value: number;
    readonly source: TargetProgressSource;
    readonly note?: string;
  }
>;

export type TargetCommand = SetTarget | ReviseTarget | RecordTargetProgress;
