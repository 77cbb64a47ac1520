import { DomainError } from '../decider/errors';
import type { ParkMilestone, SizeRelaxation, StarLevel } from './commands';

/** `currentMilestone` is 'none' before the first milestone. */
type CurrentMilestone = ParkMilestone | 'none';

/** The milestone is not the next one in 供地 → 开工 → 竣工 → 入驻 → 达产. */
export class MilestoneOutOfOrder extends DomainError {
  readonly kind = 'conflict';
  constructor(
    command: string,
    readonly milestone: ParkMilestone,
    readonly currentMilestone: CurrentMilestone,
    /** The milestone that may be recorded next (null after 达产). */
    readonly expectedMilestone: ParkMilestone | null,
  ) {
    super(command, `${command}: ${milestone} is out of order (current: ${currentMilestone}, next: ${expectedMilestone ?? 'none'})`);
  }
}

/** The milestone was recorded already. */
export class MilestoneAlreadyRecorded extends DomainError {
  readonly kind = 'conflict';
  constructor(
    command: string,
    readonly milestone: ParkMilestone,
    readonly currentMilestone: ParkMilestone,
    readonly recordedDate: string,
  ) {
    super(command, `${command}: ${milestone} was recorded already (on ${recordedDate}; current: ${currentMilestone})`);
  }
}

/** A milestone dated before the previous one. */
export class MilestoneDateBeforePrevious extends DomainError {
  readonly kind = 'invalid';
  constructor(
    command: string,
    readonly milestone: ParkMilestone,
    readonly date: string,
    readonly previousMilestone: ParkMilestone,
    readonly previousDate: string,
  ) {
    super(command, `${command}: ${milestone} on ${date} is before ${previousMilestone} on ${previousDate}`);
  }
}

/** A date or report period after the command's own day (Asia/Shanghai): nothing is recorded ahead of time. */
export class DateAfterEffectiveTime extends DomainError {
  readonly kind = 'invalid';
  constructor(
    command: string,
    /** YYYY-MM-DD, or YYYY-MM for a report period. */
    readonly date: string,
    readonly at: string,
  ) {
    super(command, `${command}: ${date} lies after the effective time ${at}`);
  }
}

/** The month has a report already: send a correction instead. */
export class MonthlyReportAlreadySubmitted extends DomainError {
  readonly kind = 'conflict';
  constructor(
    command: string,
    readonly period: string,
    readonly reportId: string,
  ) {
    super(command, `${command}: the report for ${period} exists (${reportId}); correct it instead`);
  }
}

/** A correction for a month without a report. */
export class NoMonthlyReportToCorrect extends DomainError {
  readonly kind = 'not_found';
  constructor(
    command: string,
    readonly period: string,
  ) {
    super(command, `${command}: there is no report for ${period} to correct`);
  }
}

/** The relaxation basis does not apply to the park's district (urban_idle_land: 市内五区 and 开发区 only). */
export class SizeRelaxationNotApplicable extends DomainError {
  readonly kind = 'invalid';
  constructor(
    command: string,
    readonly basis: SizeRelaxation,
    readonly district: string,
  ) {
    super(command, `${command}: the size relaxation ${basis} does not apply to a park in ${district}`);
  }
}

export class ParkAlreadyCertified extends DomainError {
  readonly kind = 'conflict';
  constructor(
    command: string,
    readonly certifiedAt: string,
  ) {
    super(command, `${command}: the park was certified already (${certifiedAt})`);
  }
}

/** Star ratings are for certified (认定) parks only. */
export class ParkNotCertified extends DomainError {
  readonly kind = 'conflict';
  constructor(command: string) {
    super(command, `${command}: the park is not certified (认定) yet`);
  }
}

/** A rating equal to the current one changes nothing. */
export class StarRatingUnchanged extends DomainError {
  readonly kind = 'conflict';
  constructor(
    command: string,
    readonly stars: StarLevel,
  ) {
    super(command, `${command}: the park has ${stars} star(s) already`);
  }
}
