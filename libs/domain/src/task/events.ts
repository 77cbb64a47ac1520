import type { DomainEvent } from '../decider/decider';
import type { LoopEvent } from '../closure-loop/facts';
import type { NumericTarget, SourceDocument } from './commands';

export type TaskRegistered = DomainEvent<
  'task.registered.v1',
  {
    readonly taskId: string;
    readonly sourceDocument: SourceDocument;
    readonly itemPath: string;
    readonly title: string;
    readonly text: string;
    readonly leadUnits: readonly string[];
    readonly responsibleUnits: readonly string[];
    readonly cooperatingUnits: readonly string[];
    readonly deadline: string;
    readonly target?: NumericTarget;
    readonly supervisingOffice: string;
  }
>;

/** The key carried by every share event. */
export interface ShareKey {
  readonly taskId: string;
  readonly unitId: string;
}

export const SHARE_EVENT_PREFIX = 'task.share';

/**
 * The closure-loop events of one share, named `task.share.<fact>.v1`:
 * assigned, acknowledged, progress_reported, note_added, completion_submitted,
 * completion_approved, completion_rejected, reopened, extension_requested,
 * extension_granted, extension_refused. Data = ShareKey + the loop fact's data.
 */
export type TaskShareEvent = LoopEvent<typeof SHARE_EVENT_PREFIX, ShareKey>;

/** Emitted in the same decision that closes the last open share. */
export type TaskClosed = DomainEvent<'task.closed.v1', { readonly taskId: string; readonly at: string }>;

/** Emitted in the same decision that reopens a share of a closed task. */
export type TaskReopened = DomainEvent<
  'task.reopened.v1',
  { readonly taskId: string; readonly unitId: string; readonly at: string }
>;

export type TaskEvent = TaskRegistered | TaskShareEvent | TaskClosed | TaskReopened;

export type TaskEventType = TaskEvent['type'];
