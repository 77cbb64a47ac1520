import type { ClosureLoopState } from '../closure-loop/state';
import type { IssueUrgency } from './commands';

/** An issue on the ledger: its own fields plus its closure loop (status 'reported' until assigned). */
export type ReportedIssue = ClosureLoopState & {
  readonly issueId: string;
  readonly title: string;
  readonly description: string;
  readonly category: string;
  readonly urgency: IssueUrgency;
  readonly parkId: string | null;
  readonly reportingUnit: string;
};

export type IssueState = { readonly status: 'none' } | ReportedIssue;

export function isReported(state: IssueState): state is ReportedIssue {
  return state.status !== 'none';
}
