import type { Scheduler } from './scheduler.port';

/** What Express (or Nest's Express application) offers to mount handlers under a path. */
export interface MountTarget {
  use(path: string, ...handlers: Array<(req: never, res: never, next: never) => unknown>): unknown;
}

export type Middleware = (req: never, res: never, next: (err?: unknown) => void) => unknown;

/**
 * Mounts bull-board (the BullMQ dashboard) at basePath behind `guard`, e.g. in the api's bootstrap:
 *   mountQueueDashboard(app, app.get(SCHEDULER), adminOnly)
 * The guard runs first on every request under basePath; it must answer (401/403) or call next(). Returns false and
 * mounts nothing when the scheduler is the in-process one: there is no queue to show.
 */
export function mountQueueDashboard(app: MountTarget, scheduler: Scheduler, guard: Middleware, basePath = '/admin/queues'): boolean {
  if (scheduler.kind !== 'bullmq') return false;
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { bullBoardRouter } = require('./bullmq/bull-board') as typeof import('./bullmq/bull-board');
  const { BullmqScheduler } = require('./bullmq/bullmq-scheduler') as typeof import('./bullmq/bullmq-scheduler');
  /* eslint-enable @typescript-eslint/no-require-imports */
  if (!(scheduler instanceof BullmqScheduler)) return false;
  app.use(basePath, guard as never, bullBoardRouter([scheduler.queue], basePath) as never);
  return true;
}
