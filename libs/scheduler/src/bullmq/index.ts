export { BullmqScheduler } from './bullmq-scheduler';
export type { BullmqSchedulerOptions, SchedulerLogger } from './bullmq-scheduler';
