// The lateness ladder (临近提醒 → 催办 → 督办 → 通报批评) as acts: the rule, the schedule, the process manager, the step decision.
export type { LadderRule, LadderRuleRef, LadderStepName, LadderThresholds } from './rule';
export { DEFAULT_LADDER_RULE, DUBAN_LADDER_V1, InvalidLadderRule, LADDER_RULES, LADDER_STEPS, resolveLadderRule, ruleRef, validateLadderRule } from './rule';
export type { ClockStop, LadderMemory, LadderStepTaken } from './memory';
export { NO_LADDER } from './memory';
export type { ScheduledStep } from './schedule';
export { ladderSchedule } from './schedule';
export type { DueLadderStep, LadderItemState, NextLadderStep } from './process';
export { CLOCK_RUNS_IN, LADDER_ACTOR, dueLadderSteps, ladderCommandId, ladderStateOf, nextStep, remainingSteps, stepTaken } from './process';
export type { LadderFactKind, LadderStepFactData, UrgeFactData } from './facts';
export { LADDER_FACT } from './facts';
export type { UrgeNoticeSubject } from './notice';
export { beijingDateTime, urgeNoticeText } from './notice';
export type { LadderStepCommandData } from './decide';
export { decideLadderStep } from './decide';
