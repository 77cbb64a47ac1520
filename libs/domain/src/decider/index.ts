export type { Actor, Command, Decider, DomainEvent, HumanRole, Role } from './decider';
export { HUMAN_ROLES, ROLES, assertNever, foldEvents } from './decider';
export type { RefusalKind } from './errors';
export {
  AuditorCannotWrite,
  DeadlineBeforeEffectiveTime,
  DomainError,
  EffectiveTimeAfterReceipt,
  EffectiveTimeBeforeEarlierAct,
  IllegalTransition,
  InvalidCommandData,
  RoleNotPermitted,
  WrongUnit,
} from './errors';
export {
  checkEnvelope,
  compareInstants,
  instantMs,
  isIsoInstant,
  nonEmpty,
  requireDeadline,
  requireInstant,
  requireOwnUnit,
  requireRole,
  requireText,
  requireUnitList,
} from './guards';
export type { Given, GivenStep, WhenStep } from './given-when-then';
export { Stamped, specFor, stamped } from './given-when-then';
export type { ActStamp } from './effective-time';
export { FUTURE_TOLERANCE_MS, actOf, laterAct, requireNotAfterReceipt, requireNotBefore } from './effective-time';
