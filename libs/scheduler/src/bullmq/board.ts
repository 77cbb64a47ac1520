import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type { Scheduler } from '../scheduler.port';
import { BullmqScheduler } from './bullmq-scheduler';

/**
 * bull-board (the queue dashboard) for a scheduler, as an Express router to mount at `basePath`
 * (e.g. /admin/queues). Null for a scheduler that has no queues (the in-process one). The caller
 * puts its own authentication in front: the board can retry, promote and delete jobs.
 * This file is the only one that touches the bull-board client library.
 */
export function queueBoardRouter(scheduler: Scheduler<unknown>, basePath: string): ((req: unknown, res: unknown, next: () => void) => void) | null {
  if (!(scheduler instanceof BullmqScheduler)) return null;
  const serverAdapter = new ExpressAdapter();
  serverAdapter.setBasePath(basePath);
  createBullBoard({ queues: [new BullMQAdapter(scheduler.queue)], serverAdapter, options: { uiConfig: { boardTitle: 'Duban timers' } } });
  return serverAdapter.getRouter() as (req: unknown, res: unknown, next: () => void) => void;
}
