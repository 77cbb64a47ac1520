/**
 * Park (小微企业园): the pure decider, the rules of seeds 000/001 as findings,
 * and the issue commands those findings become. See docs/parks.md.
 */
export type {
  CertifyPark,
  CorrectMonthlyReport,
  EnterpriseTaxPerMu,
  MonthlyReportFigures,
  ParkCommand,
  ParkLandUse,
  ParkMilestone,
  ParkType,
  RateParkStars,
  RecordParkMilestone,
  RegisterPark,
  SizeRelaxation,
  StarLevel,
  SubmitMonthlyReport,
} from './commands';
export { PARK_LAND_USES, PARK_MILESTONES, PARK_MILESTONE_NAMES, PARK_TYPES, SIZE_RELAXATIONS, STAR_LEVELS } from './commands';
export type {
  MonthlyReportCorrected,
  MonthlyReportData,
  MonthlyReportSubmitted,
  ParkCertified,
  ParkEvent,
  ParkEventType,
  ParkMilestoneRecorded,
  ParkRegistered,
  ParkStarsRated,
  StarChange,
} from './events';
export type { MonthlyReport, ParkState, RecordedMilestone, RegisteredPark, StarRating } from './state';
export { enterpriseKey, isParkRegistered, latestMonthlyReport, reportPeriod } from './state';
export {
  DateAfterEffectiveTime,
  MilestoneAlreadyRecorded,
  MilestoneDateBeforePrevious,
  MilestoneOutOfOrder,
  MonthlyReportAlreadySubmitted,
  NoMonthlyReportToCorrect,
  ParkAlreadyCertified,
  ParkNotCertified,
  SizeRelaxationNotApplicable,
  StarRatingUnchanged,
} from './errors';
export type { SizeThreshold } from './standards';
export {
  M2_PER_MU,
  MAX_NON_PRODUCTION_FLOOR_PERCENT,
  MAX_NON_PRODUCTION_LAND_PERCENT,
  MIN_ENTERPRISE_TAX_PER_MU_WAN,
  MIN_PLOT_RATIO,
  PARK_AUTHORITY_UNIT,
  PARK_SIZE_STANDARDS,
  STAR_AWARDS_WAN,
  computePlotRatio,
  starAwardDueWan,
} from './standards';
export { PARK_DISTRICTS, URBAN_IDLE_LAND_DISTRICTS } from './districts';
export { decidePark, evolvePark, initialParkState, parkDecider } from './decider';
export type { ParkFinding, ParkRuleId, ParkRulePolicy, ParkRulePolicyOverrides } from './rules';
export { DEFAULT_PARK_RULE_POLICY, PARK_RULE_IDS, REGISTRATION_PERIOD, checkParkRules, parkFindingId } from './rules';
export type { FindingIssueCommands, FindingIssueOptions } from './issues';
export { findingsToIssueCommands, issueIdForFinding } from './issues';
