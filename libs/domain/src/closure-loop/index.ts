export type {
  ClosureLoopState,
  DeadlineCause,
  DeadlineChange,
  CountedDeadline,
  DeadlineCount,
  EvidenceRef,
  LoopStatus,
  MetricValue,
  PendingExtension,
  PendingStatus,
  Submission,
} from './state';
export { PENDING_STATUSES, initialLoopState } from './state';
export type { LoopCommand, LoopContext, LoopStep, LoopStepKind } from './steps';
export type { AssignedFactData, DeadlineRecountedFactData, LoopEvent, LoopFact, LoopFactData, LoopFactKind } from './facts';
export { fromLoopEvent, toLoopEvent } from './facts';
export type { LoopStepActor } from './decide';
export { ALLOWED_FROM, STEP_ACTOR, checkedDeadlineCount, decideLoop } from './decide';
export { evolveLoop } from './evolve';
export {
  EvidenceRequired,
  ExtensionAfterDeadline,
  ExtensionAlreadyPending,
  ExtensionNotLater,
  InvalidProgressPercent,
  NoPendingExtension,
  NotANoteAuthor,
  OwnUnitVerification,
} from './errors';
export type { DeadlineRecountCommandData } from './recount';
export { decideDeadlineRecount, dueDeadlineRecount, RECOUNT_IN, recountCommandId } from './recount';
