import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type { Queue } from 'bullmq';

/** bull-board's Express router for these queues, to be served at basePath. */
export function bullBoardRouter(queues: Queue[], basePath: string): (req: unknown, res: unknown, next: unknown) => void {
  const serverAdapter = new ExpressAdapter();
  serverAdapter.setBasePath(basePath);
  createBullBoard({ queues: queues.map((q) => new BullMQAdapter(q, { readOnlyMode: false })), serverAdapter });
  return serverAdapter.getRouter() as (req: unknown, res: unknown, next: unknown) => void;
}
