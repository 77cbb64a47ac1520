import { DomainError } from '@duban/domain/decider';

/**
 * A correction names a report (`…/monthly-reports/:reportId/corrections`) that
 * is no longer the month's current report: somebody corrected it in between.
 * Like a stale If-Match, the caller must look at the current report first (409).
 */
export class MonthlyReportSuperseded extends DomainError {
  readonly kind = 'conflict';
  constructor(
    command: string,
    readonly reportId: string,
    readonly currentReportId: string,
  ) {
    super(command, `${command}: report ${reportId} has been superseded by ${currentReportId}; correct the current report`);
  }
}
