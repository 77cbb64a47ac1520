/**
 * The processors (process managers that follow the log): the loop they share, their SQLite file
 * (checkpoints, the park index, the ladder's due table) and the ladder processor. See README.md.
 */
export type { ProcessorCheckpoint } from './processor-store';
export { CheckpointMovedError, openProcessorDatabase, processorFile, ProcessorStore, ZERO_CHECKPOINT } from './processor-store';
export type { CheckpointedProcessorOptions, CommandSender, ProcessorLogger, ProcessorState, ProcessorStatus } from './checkpointed-processor';
export { CheckpointedProcessor, ProcessorWaitTimeoutError, SILENT_LOGGER } from './checkpointed-processor';
export type { DueRow, LadderTimerPayload } from './ladder-due-table';
export { LadderDueTable, ladderTimerId } from './ladder-due-table';
export type { LadderProcessorOptions } from './ladder.processor';
export { LADDER_PROCESSOR, LadderProcessor } from './ladder.processor';
export { SchedulerSync } from './scheduler-sync';
export type { LadderApplicationModuleOptions } from './ladder-application.module';
export { LADDER_CLOCK, LADDER_SCHEDULER, LadderApplicationModule } from './ladder-application.module';
