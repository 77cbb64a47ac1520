import type { TargetProgressSource, TargetSourceDocument } from './commands';

export interface TargetProgress {
  readonly value: number;
  readonly source: TargetProgressSource;
  readonly note: string | null;
  readonly at: string;
}

export interface SetTargetState {
  readonly status: 'set';
  readonly targetId: string;
  readonly unitId: string;
  readonly year: number;
  readonly metric: string;
  readonly value: number;
  readonly unitOfMeasure: string;
  readonly sourceDocument: TargetSourceDocument;
  /** Every progress record, in the order recorded. */
  readonly progress: readonly TargetProgress[];
  /** The record with the latest effective time (a later record wins a tie), or null. */
  readonly current: TargetProgress | null;
  /** How many times the target was revised (target.revised.v1). */
  readonly revisionCount: number;
}

export type TargetState = { readonly status: 'none' } | SetTargetState;

export function isTargetSet(state: TargetState): state is SetTargetState {
  return state.status !== 'none';
}
