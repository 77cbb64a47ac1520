export type {
  ClosureLoopState,
  DeadlineCause,
  DeadlineChange,
  EvidenceRef,
  LoopStatus,
  MetricValue,
  PendingExtension,
  PendingStatus,
  Submission,
} from './state';
export { PENDING_STATUSES, initialLoopState } from './state';
export type { LoopCommand, LoopContext, LoopStep, LoopStepKind } from './steps';
export type { LoopEvent, LoopFact, LoopFactData, LoopFactKind } from './facts';
export { fromLoopEvent, toLoopEvent } from './facts';
export type { LoopStepActor } from './decide';
export { ALLOWED_FROM, STEP_ACTOR, decideLoop } from './decide';
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
