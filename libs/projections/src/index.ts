// Read models: the projection runner and the projections it feeds.
export type { BulkMode, BulkWriter, Projection, ProjectionTx, SqlParams, SqlValue } from './runner/projection';
export type {
  ProjectionLag,
  ProjectionRunnerOptions,
  ProjectionStatus,
  RebuildProgress,
  RebuildResult,
} from './runner/projection-runner';
export { ProjectionRunner } from './runner/projection-runner';
export type { RunnerLogger, WorkerState } from './runner/projection-worker';
export type { Checkpoint } from './runner/checkpoints';
export { CHECKPOINT_TABLE } from './runner/checkpoints';
export type { LaggingProjection } from './runner/errors';
export {
  CheckpointConflictError,
  InvalidProjectionError,
  ProjectionError,
  ProjectionRunnerStoppedError,
  ProjectionVersionConflictError,
  ProjectionWaitTimeoutError,
  UnknownProjectionError,
} from './runner/errors';
export { openReadModelDatabase, readModelFile } from './runner/read-model-db';

export type { InboxAction, InboxEntry, Item, ItemKind, Page } from './items/item';
export { issueItemKey, taskItemKey } from './items/item';
export { ITEMS_SCHEMA, ItemsProjection } from './items/items.projection';
export type { InboxOptions, ItemsFilter, SupervisorAction, SupervisorInboxOptions } from './items/items.query';
export { InvalidItemsQueryError, ItemsQuery } from './items/items.query';

export type { AuditEntry, AuditExportResult, AuditFilter, AuditPage, AuditTimeAxis } from './audit/audit-entry';
export type { AuditItemRef } from './audit/audit-item';
export { AuditItemTracker, auditItemRef, belongsToShare, taskRootKey } from './audit/audit-item';
export { AUDIT_CSV_COLUMNS, AUDIT_CSV_HEADER, auditCsvRow, auditEntryJson, auditJsonLine, csvField } from './audit/audit-format';
export { clip, shanghaiTime, summarizeEvent } from './audit/audit-summary';
export { AUDIT_SCHEMA, AuditProjection } from './audit/audit.projection';
export type { AuditExportFilter, ExportOptions, ExportWriter } from './audit/audit.query';
export { AuditQuery, InvalidAuditQueryError, parseAuditInstant } from './audit/audit.query';

export type { ProjectionsModuleOptions } from './nest/projections.module';
export { builtInProjections, PROJECTIONS, PROJECTIONS_OPTIONS, ProjectionsModule, READ_MODEL_DB } from './nest/projections.module';

export type { ClosureFact, DeadlineFact, ExtensionFact, FiguresItem, FiguresProvenance, FiguresReport, Leaderboard, LeaderboardEntry, LeaderboardGroup, MembershipFact, ReopenFact, TargetCompletionHook, TimedFact, UnitFigures } from './figures/figures';
export { FIGURES_SCHEMA, FiguresProjection } from './figures/figures.projection';
export type { FiguresQueryOptions, FiguresRequest } from './figures/figures.query';
export { FIGURES_DEFINITIONS, FiguresNotReadyError, FiguresQuery } from './figures/figures.query';
export type { Period, PeriodInfo, PeriodKind } from './figures/period';
export { InvalidFiguresQueryError, PERIOD_KINDS, periodEnded, periodInfo } from './figures/period';
export type { GroupRanking, Ranked, RuleRef, ScoreInputs, ScoringRule } from './figures/scoring';
export { CURRENT_SCORING_RULE, DUBAN_SCORE_V1, DUBAN_SCORE_V2, rankGroup, score, SCORING_RULES, scoringRule } from './figures/scoring';
export type { UnitTargets } from './figures/target-completion';
export { expectedShare, periodCompletion, unitTargetCompletion } from './figures/target-completion';
export type { TargetAt, TargetProgressFact, TargetsAt, TargetsFilter, TargetValueFact, TargetView } from './targets';
export { completionOf, TARGETS_PROJECTION, TARGETS_SCHEMA, TargetsProjection, TargetsQuery } from './targets';

export type {
  AsOf, LadderStep, LedgerAxis, LedgerColour, LedgerFilter, LedgerHeader, LedgerItem, LedgerPolicy, LedgerQueryDeps,
  LedgerQueryOptions, LedgerRow, LedgerScan, LedgerScanOptions, LedgerSnapshot, LedgerView, LedgerViewOptions, LedgerXlsxInput,
} from './ledger';
export {
  DEFAULT_LEDGER_POLICY, InvalidLedgerQueryError, LEDGER_PROJECTION, LEDGER_SCHEMA, LedgerProjection,
  LedgerQuery, ledgerXlsxBuffer, parseLedgerInstant, writeLedgerXlsx,
} from './ledger';
