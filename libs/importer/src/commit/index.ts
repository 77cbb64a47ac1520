/**
 * Committing an import (`@duban/importer/commit`): the plan (register /
 * unchanged / amended / not-registrable per item, decided before anything is
 * written), the commit through an ImportWriter (amendments written when
 * accepted), the report. Kept apart from
 * `@duban/importer` so that the parser stays free of the store.
 */
export {
  checkDefaultDeadline,
  diffTask,
  documentYear,
  NO_DEADLINE,
  planImport,
  targetCommandId,
  targetIdOfRow,
  targetReviseCommandId,
  taskAmendCommandId,
  taskCommandId,
} from './plan';
export type { PlanOptions } from './plan';
export { commitImport, loadExisting } from './commit';
export type { CommitOptions, ExistingState, ImportReader, ImportWriter, StreamOrigin } from './commit';
export { executorWriter, registryOf } from './executor-writer';
export { formatPlan, formatReport } from './format';
export { IMPORT_PLAN_FORMAT, IMPORT_REPORT_FORMAT } from './types';
export type {
  FieldChange,
  ImportPlan,
  ImportProgress,
  ImportReport,
  OutcomeCounts,
  PlanAction,
  PlanCounts,
  PlannedAmendment,
  PlannedTarget,
  PlannedTask,
  ReportEntry,
  ReportOutcome,
  TargetField,
  TaskField,
} from './types';
