import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type { Queue } from 'bullmq';

/** bull-board's Express router for these queues, to be served at basePath. */
export function bullBoardRouter(queues: Queue[], basePath: string): (req: unknown, res: unknown, next: unknown) => void {
  const serverAdapter = new ExpressAdapter();
  serverAdapter.setBasePath(basePath);
  // @bull-board/express 9.10.1 carries its own @bull-board/api 9.10.1 beside our 9.10.2: same shape, separate declarations
  createBullBoard({ queues: queues.map((q) => new BullMQAdapter(q, { readOnlyMode: false })), serverAdapter: serverAdapter as never });
  return serverAdapter.getRouter() as (req: unknown, res: unknown, next: unknown) => void;
}
