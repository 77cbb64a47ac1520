export { PeriodCommandHandler } from './handlers';
export { ExecutePeriodCommand, periodStream } from './messages';
export type { CloseOutcome, PeriodCloserOptions, PeriodStatus, PeriodSummary, PeriodView } from './period-closer';
export { duePeriods, LogNotVerified, PERIOD_CLOSER_ACTOR, PeriodCloser, ProjectionsBehind } from './period-closer';
export { PeriodsApplicationModule } from './periods-application.module';
export type { BulletinClose, BulletinInputOptions } from './bulletin-input';
export { bulletinInputFromClose, bulletinIssuer, DEFAULT_BULLETIN_ISSUER } from './bulletin-input';
export type { PeriodBulletin, PeriodBulletinsOptions } from './period-bulletins';
export { BulletinNotPublished, PeriodBulletins } from './period-bulletins';
