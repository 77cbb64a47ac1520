/** Target (目标任务): one stream per (unit, year, metric) of a decomposition table. See docs/parks.md. */
export type {
  RecordTargetProgress,
  ReviseTarget,
  SetTarget,
  TargetCommand,
  TargetProgressSource,
  TargetProgressSourceKind,
  TargetSourceDocument,
} from './commands';
export { TARGET_PROGRESS_SOURCE_KINDS } from './commands';
export type { TargetEvent, TargetEventType, TargetFieldChange, TargetProgressRecorded, TargetRevised, TargetSet } from './events';
export type { SetTargetState, TargetProgress, TargetState } from './state';
export { isTargetSet } from './state';
export { ProgressAlreadyRecorded } from './errors';
export { PARK_PROGRAMME_METRICS, targetIdFor } from './ids';
export { decideTarget, evolveTarget, initialTargetState, targetDecider } from './decider';
export type { TargetCompletion } from './completion';
export { targetCompletion } from './completion';
