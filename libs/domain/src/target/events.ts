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

export type TargetEvent = TargetSet | TargetProgressRecorded;
export type TargetEventType = TargetEvent['type'];
