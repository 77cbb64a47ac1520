import type { Role } from './decider';

/**
 * How the HTTP layer should answer a refusal:
 * - 'forbidden'  → 403 (the actor may not do this at all)
 * - 'conflict'   → 409 (not allowed in the current state)
 * - 'invalid'    → 422 (the command breaks a rule or is malformed)
 * - 'not_found'  → 404 (the command names something the stream does not hold)
 */
export type RefusalKind = 'forbidden' | 'conflict' | 'invalid' | 'not_found';

/** Base class of every refusal a decider throws. Subclasses carry typed fields. */
export abstract class DomainError extends Error {
  abstract readonly kind: RefusalKind;
  /** The command that was refused (its `type`). */
  readonly command: string;

  constructor(command: string, message: string) {
    super(message);
    this.name = new.target.name;
    this.command = command;
  }
}

/** The command is not allowed from the current status. `currentStatus` is 'none' for an empty stream. */
export class IllegalTransition extends DomainError {
  readonly kind = 'conflict';
  constructor(
    command: string,
    readonly currentStatus: string,
  ) {
    super(command, `${command} is not allowed when the status is ${currentStatus}`);
  }
}

/** Auditors read and replay; they never write. */
export class AuditorCannotWrite extends DomainError {
  readonly kind = 'forbidden';
  constructor(command: string) {
    super(command, `auditors cannot issue ${command}`);
  }
}

/** The actor's role may not issue this command (e.g. a unit tries to verify, a supervisor tries to sign). */
export class RoleNotPermitted extends DomainError {
  readonly kind = 'forbidden';
  constructor(
    command: string,
    readonly role: Role | string,
    readonly allowedRoles: readonly Role[],
  ) {
    super(command, `role ${role} cannot issue ${command} (allowed: ${allowedRoles.join(', ')})`);
  }
}

/** A unit acts only for itself: the actor's unit is not the unit the command is about. */
export class WrongUnit extends DomainError {
  readonly kind = 'forbidden';
  constructor(
    command: string,
    readonly actorUnitId: string,
    readonly expectedUnitId: string,
  ) {
    super(command, `unit ${actorUnitId} cannot issue ${command} for unit ${expectedUnitId}`);
  }
}

/** A field is missing or malformed (empty text, bad ISO instant, empty unit list …). */
export class InvalidCommandData extends DomainError {
  readonly kind = 'invalid';
  constructor(
    command: string,
    readonly field: string,
    readonly reason: string,
  ) {
    super(command, `${command}.${field}: ${reason}`);
  }
}

/** A deadline in a command lies before the command's own effective time. */
export class DeadlineBeforeEffectiveTime extends DomainError {
  readonly kind = 'invalid';
  constructor(
    command: string,
    readonly deadline: string,
    readonly at: string,
  ) {
    super(command, `${command}: deadline ${deadline} is before the effective time ${at}`);
  }
}

/**
 * A command would take effect before an act already recorded on the same
 * stream (or task share): an approval before the submission, an
 * acknowledgement before the assignment, anything before the registration.
 */
export class EffectiveTimeBeforeEarlierAct extends DomainError {
  readonly kind = 'invalid';
  constructor(
    command: string,
    readonly at: string,
    readonly earlierAct: string,
    readonly earlierAt: string,
  ) {
    super(command, `${command} at ${at} would take effect before ${earlierAct} at ${earlierAt}`);
  }
}

/**
 * A command would take effect after it was received (beyond the clock-skew
 * tolerance): an act is recorded when it happened or later, never before.
 */
export class EffectiveTimeAfterReceipt extends DomainError {
  readonly kind = 'invalid';
  constructor(
    command: string,
    readonly at: string,
    readonly receivedAt: string,
  ) {
    super(command, `${command} at ${at} would take effect after it was received, at ${receivedAt}`);
  }
}
