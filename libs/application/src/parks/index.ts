/** Parks (小微企业园) and targets (目标任务) on the write path, and the park rules processor. See README.md. */
export { parkIdOfStream, parkStream, targetStream } from './streams';
export { MonthlyReportSuperseded } from './errors';
export type { ParkCommandOptions, ParkFindings, ParkFindingView } from './messages';
export { ExecuteParkCommand, ExecuteTargetCommand, GetParkFindingsQuery, GetParkQuery, GetTargetQuery } from './messages';
export {
  GetParkFindingsHandler,
  GetParkHandler,
  GetTargetHandler,
  loadItem,
  PARK_RULE_POLICY,
  ParkCommandHandler,
  TargetCommandHandler,
} from './handlers';
export type { DistrictFigure, ParkContribution, ParkProgrammeFigure, ParkTargetMapping, ParkTargetTrigger } from './target-progress';
export { districtFigure, PARK_TARGET_MAPPINGS, progressNote } from './target-progress';
// the processors' shared loop and store live in ../processors; re-exported here for existing importers
export type { ProcessorCheckpoint } from '../processors/processor-store';
export { CheckpointMovedError, openProcessorDatabase, processorFile, ProcessorStore, ZERO_CHECKPOINT } from '../processors/processor-store';
export type { CommandSender, ParkRulesProcessorOptions, ProcessorLogger, ProcessorState, ProcessorStatus } from './park-rules.processor';
export { PARK_RULES_ACTOR, PARK_RULES_PROCESSOR, ParkRulesProcessor, ProcessorWaitTimeoutError } from './park-rules.processor';
export type { TaskProgressProcessorOptions } from './task-progress.processor';
export { beijingYear, TASK_PROGRESS_ACTOR, TASK_PROGRESS_EVENT, TASK_PROGRESS_PROCESSOR, TaskProgressProcessor, taskProgressRef } from './task-progress.processor';
export type { CheckpointedProcessorOptions } from '../processors/checkpointed-processor';
export { CheckpointedProcessor } from '../processors/checkpointed-processor';
export type { ParksApplicationModuleOptions } from './parks-application.module';
export { PARKS_APPLICATION_OPTIONS, ParksApplicationModule, PROCESSORS_DB } from './parks-application.module';
