import type { DomainEvent } from '../decider/decider';
import type { LoopEvent, LoopFactKind } from '../closure-loop/facts';
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

/** The registration fields an amendment can change, in the order `changes` lists them. */
export const AMENDABLE_TASK_FIELDS = [
  'title',
  'text',
  'documentTitle',
  'leadUnits',
  'responsibleUnits',
  'cooperatingUnits',
  'deadline',
  'target',
] as const;

export type AmendableTaskField = (typeof AMENDABLE_TASK_FIELDS)[number];

/** One changed field: its value before (`from`) and after (`to`) the amendment. */
export type TaskFieldChange =
  | { readonly field: 'title' | 'text'; readonly from: string; readonly to: string }
  /** sourceDocument.title; null: none. */
  | { readonly field: 'documentTitle'; readonly from: string | null; readonly to: string | null }
  | {
      readonly field: 'leadUnits' | 'responsibleUnits' | 'cooperatingUnits';
      readonly from: readonly string[];
      readonly to: readonly string[];
    }
  | { readonly field: 'deadline'; readonly from: string; readonly to: string }
  | { readonly field: 'target'; readonly from: NumericTarget | null; readonly to: NumericTarget | null };

/**
 * The registration of an open task was amended (a revised document, a
 * correction). `changes` lists only the fields that changed (at least one),
 * with both values, in AMENDABLE_TASK_FIELDS order. When the responsible units
 * change, `addedResponsibleUnits` get a new share each (status registered, as
 * task.registered.v1 opens them) and `removedResponsibleUnits` lose theirs (a
 * share is only ever dropped while nothing beyond its 交办 is recorded on it);
 * both lists are empty otherwise. `at` is the effective time.
 */
export type TaskAmended = DomainEvent<
  'task.amended.v1',
  {
    readonly taskId: string;
    readonly changes: readonly TaskFieldChange[];
    readonly addedResponsibleUnits: readonly string[];
    readonly removedResponsibleUnits: readonly string[];
    readonly reason: string;
    readonly documentRef?: string;
    readonly at: string;
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
 * extension_granted, extension_refused; and the ladder's reminded, urged,
 * escalated, listed_for_criticism. Data = ShareKey + the loop fact's data.
 * (No deadline_recounted: a share's deadline is a date the document gives,
 * never counted in working days.)
 */
export type TaskShareEvent = LoopEvent<typeof SHARE_EVENT_PREFIX, ShareKey, Exclude<LoopFactKind, 'deadline_recounted'>>;

/**
 * Emitted in the same decision that closes the last open share: its approval
 * (销号), or an amendment that drops the only shares still open.
 */
export type TaskClosed = DomainEvent<'task.closed.v1', { readonly taskId: string; readonly at: string }>;

/** Emitted in the same decision that reopens a share of a closed task. */
export type TaskReopened = DomainEvent<
  'task.reopened.v1',
  { readonly taskId: string; readonly unitId: string; readonly at: string }
>;

export type TaskEvent = TaskRegistered | TaskAmended | TaskShareEvent | TaskClosed | TaskReopened;

export type TaskEventType = TaskEvent['type'];
