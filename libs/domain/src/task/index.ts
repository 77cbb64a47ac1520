export type {
  AcknowledgeShare,
  AddShareProgressNote,
  AmendTask,
  ApproveShareCompletion,
  AssignShare,
  GrantShareExtension,
  NumericTarget,
  RecordShareLadderStep,
  RefuseShareExtension,
  RegisterTask,
  RejectShareCompletion,
  ReopenShare,
  ReportShareProgress,
  RequestShareExtension,
  ShareCommand,
  SourceDocument,
  SubmitShareCompletion,
  TargetComparator,
  TaskAmendments,
  TaskCommand,
} from './commands';
export { TARGET_COMPARATORS } from './commands';
export type {
  AmendableTaskField,
  ShareKey,
  TaskAmended,
  TaskClosed,
  TaskEvent,
  TaskEventType,
  TaskFieldChange,
  TaskRegistered,
  TaskReopened,
  TaskShareEvent,
} from './events';
export { AMENDABLE_TASK_FIELDS, SHARE_EVENT_PREFIX } from './events';
export type { RegisteredTask, ShareState, TaskState, TaskStatus } from './state';
export { isRegistered as isTaskRegistered } from './state';
export { ShareHasWork, UnknownShare } from './errors';
export { decideTask, evolveTask, initialTaskState, taskDecider } from './decider';
export { normalizeItemPath } from './item-path';
