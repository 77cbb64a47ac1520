import type { TargetCompletion, TargetProgressSourceKind, TargetSourceDocument } from '@duban/domain/target';

/** A figure a target took: set (target.set.v1) or revised (target.revised.v1), with its effective time and position. */
export interface TargetValueFact {
  readonly value: number;
  /** Effective time (ISO). For the set figure: the event's occurredAt; for a revision: its `at`. */
  readonly at: string;
  readonly atMs: number;
  /** Global position of the event (decimal string). */
  readonly position: string;
}

/** One progress record (target.progress_recorded.v1): a cumulative figure as of `at`. */
export interface TargetProgressFact {
  readonly value: number;
  readonly at: string;
  readonly atMs: number;
  readonly position: string;
  readonly source: { readonly kind: TargetProgressSourceKind; readonly ref: string };
  readonly note: string | null;
}

/**
 * One cell of a decomposition table (目标任务分解表) as the targets read model
 * holds it: the target, every figure it took, every progress record, and its
 * completion taken at an instant and a log position.
 */
export interface TargetView {
  targetId: string;
  unitId: string;
  year: number;
  metric: string;
  unitOfMeasure: string;
  sourceDocument: TargetSourceDocument;
  /** The figure in force at the as-of instant (the set figure, or the latest revision by then). */
  value: number;
  /** The set figure, then each revision (log order). */
  values: TargetValueFact[];
  /** Progress records with effective time at or before the as-of instant (log order). */
  progress: TargetProgressFact[];
  /** As the domain's targetCompletion() computes it, at the as-of instant and position. */
  completion: TargetCompletion;
}
