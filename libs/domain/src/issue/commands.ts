import type { Command } from '../decider/decider';
import type { DeadlineRecountCommandData } from '../closure-loop/recount';
import type { DeadlineCount, EvidenceRef, MetricValue } from '../closure-loop/state';
import type { LadderStepCommandData } from '../ladder/decide';

/** 紧急 / 一般 / 复杂: drives the default deadline (see defaultIssueDeadline). */
export type IssueUrgency = 'urgent' | 'normal' | 'complex';

export const ISSUE_URGENCIES: readonly IssueUrgency[] = ['urgent', 'normal', 'complex'];

/** Puts a problem on the ledger (问题清单). A unit reports for itself; a supervisor may record for any unit. */
export type ReportIssue = Command<
  'ReportIssue',
  {
    readonly issueId: string;
    readonly title: string;
    readonly description: string;
    /** Free classification, e.g. 建规证办理, 施工许可. */
    readonly category: string;
    readonly urgency: IssueUrgency;
    /** The park (小微企业园) the problem concerns, if any. */
    readonly parkId?: string;
    readonly reportingUnit: string;
  }
>;

interface IssueRef {
  readonly issueId: string;
}

/**
 * 交办 (supervisor): the responsible unit and the deadline (see
 * countedIssueDeadline for a default). `deadlineCount`: set by the write path
 * when it counted the default deadline in working days (never taken from a
 * client), so the deadline is flagged when provisional and can be recounted.
 */
export type AssignIssue = Command<
  'AssignIssue',
  IssueRef & { readonly unitId: string; readonly deadline: string; readonly deadlineCount?: DeadlineCount }
>;
export type AcknowledgeIssue = Command<'AcknowledgeIssue', IssueRef>;
export type ReportIssueProgress = Command<
  'ReportIssueProgress',
  IssueRef & {
    readonly percent: number;
    readonly narrative: string;
    readonly metricValues?: readonly MetricValue[];
    readonly evidence?: readonly EvidenceRef[];
  }
>;
export type SubmitIssueCompletion = Command<
  'SubmitIssueCompletion',
  IssueRef & { readonly summary: string; readonly evidence: readonly EvidenceRef[] }
>;
export type ApproveIssueCompletion = Command<'ApproveIssueCompletion', IssueRef>;
export type RejectIssueCompletion = Command<'RejectIssueCompletion', IssueRef & { readonly reason: string }>;
export type ReopenIssue = Command<'ReopenIssue', IssueRef & { readonly reason: string; readonly deadline?: string }>;
export type RequestIssueExtension = Command<
  'RequestIssueExtension',
  IssueRef & { readonly requestedDeadline: string; readonly reason: string }
>;
export type GrantIssueExtension = Command<'GrantIssueExtension', IssueRef & { readonly deadline?: string }>;
export type RefuseIssueExtension = Command<'RefuseIssueExtension', IssueRef & { readonly reason: string }>;

/**
 * Records a step of the lateness ladder on an issue (the system's clock only:
 * actor role 'system'). A stale step produces no event.
 */
export type RecordIssueLadderStep = Command<'RecordIssueLadderStep', IssueRef & LadderStepCommandData>;

/**
 * Records the recount of the issue's deadline counted in working days, once
 * the official calendar replaced a provisional year it crossed (the system
 * only: actor role 'system'; see dueIssueDeadlineRecount). A stale recount
 * produces no event.
 */
export type RecountIssueDeadline = Command<'RecountIssueDeadline', IssueRef & DeadlineRecountCommandData>;

export type IssueLoopCommand =
  | AssignIssue
  | AcknowledgeIssue
  | ReportIssueProgress
  | SubmitIssueCompletion
  | ApproveIssueCompletion
  | RejectIssueCompletion
  | ReopenIssue
  | RequestIssueExtension
  | GrantIssueExtension
  | RefuseIssueExtension
  | RecordIssueLadderStep
  | RecountIssueDeadline;

export type IssueCommand = ReportIssue | IssueLoopCommand;
