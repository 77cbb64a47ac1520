export type {
  AcknowledgeShare,
  AddShareProgressNote,
  ApproveShareCompletion,
  AssignShare,
  GrantShareExtension,
  NumericTarget,
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
  TaskCommand,
} from './commands';
export { TARGET_COMPARATORS } from './commands';
export type { ShareKey, TaskClosed, TaskEvent, TaskEventType, TaskRegistered, TaskReopened, TaskShareEvent } from './events';
export { SHARE_EVENT_PREFIX } from './events';
export type { RegisteredTask, ShareState, TaskState, TaskStatus } from './state';
export { isRegistered as isTaskRegistered } from './state';
export { UnknownShare } from './errors';
export { decideTask, evolveTask, initialTaskState, taskDecider } from './decider';
