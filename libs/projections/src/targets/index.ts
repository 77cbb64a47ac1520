// The targets read model (目标任务): targets per unit, year and metric with their progress.
export type { TargetProgressFact, TargetValueFact, TargetView } from './targets';
export { TARGETS_SCHEMA, TargetsProjection } from './targets.projection';
export type { TargetAt, TargetsAt, TargetsFilter } from './targets.query';
export { completionOf, TARGETS_PROJECTION, TargetsQuery } from './targets.query';
