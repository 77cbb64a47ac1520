import type { DomainEvent } from '../decider/decider';
import type { TargetProgressSource, TargetSourceDocument } from './commands';

export type TargetSet = DomainEvent<
  'target.set.v1',
  {
    readonly targetId: string;
    readonly unitId: string;
    readonly year: number;
    readonly metric: string;
    readonly value: number;
    readonly unitOfMeasure: string;
    readonly sourceDocument: TargetSourceDocument;
  }
>;

/** One changed field of a target, before (`from`) and after (`to`). */
export type TargetFieldChange =
  | { readonly field: 'value'; readonly from: number; readonly to: number }
  | { readonly field: 'unitOfMeasure'; readonly from: string; readonly to: string };

/**
 * A set target was revised: `changes` lists the fields that changed (at least
 * one; value first), with both values. Recorded progress is kept and now
 * counts against the new figure. `at` is the effective time.
 */
export type TargetRevised = DomainEvent<
  'target.revised.v1',
  {
    readonly targetId: string;
    readonly changes: readonly TargetFieldChange[];
    readonly reason: string;
    readonly documentRef?: string;
    readonly at: string;
  }
>;

export type TargetProgressRecorded = DomainEvent<
  'target.progress_recorded.v1',
  {
    readonly targetId: string;
    readonly value: number;
    readonly source: TargetProgressSource;
    readonly note?: string;
    /** Effective time of the figure: the latest one counts. */
    readonly at: string;
  }
>;

export type TargetEvent = TargetSet | TargetRevised | TargetProgressRecorded;
export type TargetEventType = TargetEvent['type'];
