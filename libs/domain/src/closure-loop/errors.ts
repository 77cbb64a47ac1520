import { DomainError } from '../decider/errors';

/** Nobody verifies (approves or rejects) a completion that their own unit submitted. */
export class OwnUnitVerification extends DomainError {
  readonly kind = 'forbidden';
  constructor(
    command: string,
    readonly unitId: string,
  ) {
    super(command, `${unitId} submitted this completion and cannot verify it`);
  }
}

/** Only the lead and cooperating units (besides the assigned unit) may add progress notes. */
export class NotANoteAuthor extends DomainError {
  readonly kind = 'forbidden';
  constructor(
    command: string,
    readonly actorUnitId: string,
  ) {
    super(command, `${actorUnitId} is neither a lead nor a cooperating unit here`);
  }
}

/** Progress is a percentage from 0 to 100. */
export class InvalidProgressPercent extends DomainError {
  readonly kind = 'invalid';
  constructor(
    command: string,
    readonly percent: unknown,
  ) {
    super(command, `progress must be a number from 0 to 100, got ${String(percent)}`);
  }
}

/** A completion (申请销号) must reference at least one piece of evidence. */
export class EvidenceRequired extends DomainError {
  readonly kind = 'invalid';
  constructor(command: string) {
    super(command, `${command} needs at least one evidence reference`);
  }
}

/** An extension must be requested before the current deadline (at < deadline). */
export class ExtensionAfterDeadline extends DomainError {
  readonly kind = 'invalid';
  constructor(
    command: string,
    readonly at: string,
    readonly deadline: string,
  ) {
    super(command, `extension requested at ${at}, not before the deadline ${deadline}`);
  }
}

/** The new date of an extension must be later than the current deadline. */
export class ExtensionNotLater extends DomainError {
  readonly kind = 'invalid';
  constructor(
    command: string,
    readonly requestedDeadline: string,
    readonly currentDeadline: string,
  ) {
    super(command, `new deadline ${requestedDeadline} is not later than the current ${currentDeadline}`);
  }
}

/** One pending extension request at a time. */
export class ExtensionAlreadyPending extends DomainError {
  readonly kind = 'conflict';
  constructor(
    command: string,
    readonly pendingDeadline: string,
  ) {
    super(command, `an extension to ${pendingDeadline} is already pending`);
  }
}

/** Grant or refuse needs a pending request. */
export class NoPendingExtension extends DomainError {
  readonly kind = 'conflict';
  constructor(
    command: string,
    readonly currentStatus: string,
  ) {
    super(command, `no extension request is pending (status ${currentStatus})`);
  }
}
