import { DomainError } from '../decider/errors';

/** A period is closed only once it has ended (422, naming its end). */
export class PeriodNotEnded extends DomainError {
  readonly kind = 'invalid';
  constructor(
    command: string,
    readonly periodId: string,
    readonly end: string,
    readonly at: string,
  ) {
    super(command, `period ${periodId} has not ended: it ends at ${end} (the command is at ${at})`);
  }
}

/** The period is closed and its figures changed since: a supervisor re-closes it (ReclosePeriod). */
export class PeriodAlreadyClosed extends DomainError {
  readonly kind = 'conflict';
  constructor(
    command: string,
    readonly periodId: string,
    readonly revision: number,
  ) {
    super(command, `period ${periodId} is closed (revision ${revision}) and its figures changed since: a supervisor re-closes it`);
  }
}

/** A re-close or a bulletin needs a close first. */
export class PeriodNotClosed extends DomainError {
  readonly kind = 'conflict';
  constructor(
    command: string,
    readonly periodId: string,
  ) {
    super(command, `period ${periodId} has not been closed`);
  }
}

/** The bulletin names a close revision the period does not have. */
export class UnknownCloseRevision extends DomainError {
  readonly kind = 'invalid';
  constructor(
    command: string,
    readonly periodId: string,
    readonly revision: number,
    readonly latest: number,
  ) {
    super(command, `period ${periodId} has no close revision ${revision} (latest: ${latest})`);
  }
}

/** A published bulletin never changes: other content for the same revision must say which bulletin it corrects. */
export class BulletinAlreadyPublished extends DomainError {
  readonly kind = 'conflict';
  constructor(
    command: string,
    readonly bulletinId: string,
    readonly contentSha256: string,
  ) {
    super(command, `bulletin ${bulletinId} of this revision is published (sha256 ${contentSha256}); publish a correction naming it in corrects`);
  }
}

/** `corrects` names no bulletin published for this period. */
export class UnknownBulletin extends DomainError {
  readonly kind = 'invalid';
  constructor(
    command: string,
    readonly bulletinId: string,
  ) {
    super(command, `no bulletin ${bulletinId} was published for this period`);
  }
}
