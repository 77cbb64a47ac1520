export type { ClosePeriod, PeriodCommand, PublishBulletin, ReclosePeriod } from './commands';
export type {
  BlackEntry,
  BlackItem,
  BulletinPublishedData,
  CloseContent,
  ClosedUnit,
  GroupLists,
  ListRuleStamp,
  PeriodClosedData,
  PeriodEvent,
  PeriodReclosedData,
  PeriodRef,
  RuleStamp,
  UnitChange,
} from './events';
export { PERIOD_EVENT_TYPES } from './events';
export type { CloseRevision, PeriodState } from './decider';
export { decidePeriod, evolvePeriod, initialPeriodState, latestRevision, periodDecider } from './decider';
export { diffCloses } from './diff';
export {
  BulletinAlreadyPublished,
  PeriodAlreadyClosed,
  PeriodNotClosed,
  PeriodNotEnded,
  UnknownBulletin,
  UnknownCloseRevision,
} from './errors';
