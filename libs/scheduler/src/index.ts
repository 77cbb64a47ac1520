export * from './scheduler.port';
export * from './clock';
export { assertSchedule, nextOccurrence, InvalidScheduleError } from './cron';
export { reconcile } from './reconcile';
export type { DueEntry, ReconcileOptions, ReconcileReport } from './reconcile';
export { InProcessScheduler } from './in-process/in-process-scheduler';
export type { InProcessSchedulerOptions } from './in-process/in-process-scheduler';
export { createScheduler, describeScheduler, closeOnSignals } from './create-scheduler';
export type { SchedulerSettings } from './create-scheduler';
