import type { DomainEvent } from '../decider/decider';
import type { LoopEvent, LoopFactKind } from '../closure-loop/facts';
import type { IssueUrgency } from './commands';

export type IssueReported = DomainEvent<
  'issue.reported.v1',
  {
    readonly issueId: string;
    readonly title: string;
    readonly description: string;
    readonly category: string;
    readonly urgency: IssueUrgency;
    readonly parkId?: string;
    readonly reportingUnit: string;
  }
>;

export interface IssueKey {
  readonly issueId: string;
}

export const ISSUE_EVENT_PREFIX = 'issue';

/** Issues have no cooperating units, hence no progress notes. */
export type IssueLoopFactKind = Exclude<LoopFactKind, 'note_added'>;

/**
 * The closure-loop events of an issue, named `issue.<fact>.v1`: assigned,
 * acknowledged, progress_reported, completion_submitted, completion_approved,
 * completion_rejected, reopened, extension_requested, extension_granted,
 * extension_refused; the ladder's reminded, urged, escalated,
 * listed_for_criticism; and deadline_recounted (the calendar's: the deadline
 * counted in working days across a provisional year, recounted on the official
 * data). Data = { issueId } + the loop fact's data.
 */
export type IssueLoopEvent = LoopEvent<typeof ISSUE_EVENT_PREFIX, IssueKey, IssueLoopFactKind>;

export type IssueEvent = IssueReported | IssueLoopEvent;

export type IssueEventType = IssueEvent['type'];
