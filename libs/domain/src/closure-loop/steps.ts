import type { ActStamp } from '../decider/effective-time';
import type { Actor } from '../decider/decider';
import type { DeadlineCount, EvidenceRef, MetricValue } from './state';

/**
 * One step of the loop, as asked by an aggregate's command (AssignShare,
 * AssignIssue, …). The aggregate translates its command into a LoopCommand;
 * the loop decides, and answers with LoopFacts the aggregate names.
 */
export type LoopStep =
  /** `deadlineCount`: when the system counted the deadline in working days from the assignment (see DeadlineCount). */
  | { readonly kind: 'assign'; readonly unitId: string; readonly deadline: string; readonly deadlineCount?: DeadlineCount }
  | { readonly kind: 'acknowledge' }
  | {
      readonly kind: 'report_progress';
      readonly percent: number;
      readonly narrative: string;
      readonly metricValues?: readonly MetricValue[];
      readonly evidence?: readonly EvidenceRef[];
    }
  | { readonly kind: 'add_note'; readonly note: string }
  | { readonly kind: 'submit_completion'; readonly summary: string; readonly evidence: readonly EvidenceRef[] }
  | { readonly kind: 'approve_completion' }
  | { readonly kind: 'reject_completion'; readonly reason: string }
  | { readonly kind: 'reopen'; readonly reason: string; readonly deadline?: string }
  | { readonly kind: 'request_extension'; readonly requestedDeadline: string; readonly reason: string }
  | { readonly kind: 'grant_extension'; readonly deadline?: string }
  | { readonly kind: 'refuse_extension'; readonly reason: string };

export type LoopStepKind = LoopStep['kind'];

export interface LoopCommand {
  /** The aggregate command's type, used in refusals (e.g. 'AssignShare'). */
  readonly command: string;
  readonly at: string;
  readonly actor: Actor;
  readonly step: LoopStep;
}

export interface LoopContext {
  /**
   * Units, other than the assigned unit, that may add progress notes (for a
   * task: its lead and cooperating units). Empty for an issue.
   */
  readonly noteAuthors: readonly string[];
  /**
   * An act outside the loop that the command may not precede either (a task's
   * closing, which a share's reopening answers). The loop's own latest act is
   * in its state.
   */
  readonly notBefore?: ActStamp | null;
}
