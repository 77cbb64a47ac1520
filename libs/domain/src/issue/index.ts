export type {
  AcknowledgeIssue,
  ApproveIssueCompletion,
  AssignIssue,
  GrantIssueExtension,
  IssueCommand,
  IssueLoopCommand,
  IssueUrgency,
  RecordIssueLadderStep,
  RefuseIssueExtension,
  RejectIssueCompletion,
  ReopenIssue,
  ReportIssue,
  ReportIssueProgress,
  RequestIssueExtension,
  SubmitIssueCompletion,
} from './commands';
export { ISSUE_URGENCIES } from './commands';
export type { IssueEvent, IssueEventType, IssueKey, IssueLoopEvent, IssueLoopFactKind, IssueReported } from './events';
export { ISSUE_EVENT_PREFIX } from './events';
export type { IssueState, ReportedIssue } from './state';
export { isReported as isIssueReported } from './state';
export type { AddWorkingDays, AddWorkingDaysProvisional, IssueDeadlinePolicy } from './deadline-policy';
export { countedIssueDeadline, DEFAULT_ISSUE_DEADLINE_POLICY, defaultIssueDeadline } from './deadline-policy';
export { decideIssue, evolveIssue, initialIssueState, issueDecider } from './decider';
export type { RecountIssueDeadline } from './commands';
export { dueIssueDeadlineRecount } from './recount';
