import type { NextFunction, Request, Response } from 'express';
import { InvalidToken, TokenService } from '@duban/access';
import type { Scheduler } from '@duban/scheduler';

/** Where bull-board is mounted (outside /api/v1: it is an operator's page, not the API). */
export const QUEUE_BOARD_PATH = '/admin/queues';

const BEARER = /^Bearer[ ]+([A-Za-z0-9._~+/-]+=*)[ ]*$/i;

type Handler = (req: Request, res: Response, next: NextFunction) => void;

function refuse(res: Response, statusCode: number, error: string, message: string): void {
  if (statusCode === 401) res.setHeader('WWW-Authenticate', 'Bearer realm="duban"');
  res.status(statusCode).json({ statusCode, error, message });
}

/**
 * bull-board at /admin/queues, for an admin's bearer token only (401 without a
 * valid token, 403 for another role): the board can retry, promote and delete
 * timers. With the in-process scheduler (REDIS_URL unset) there is no queue to
 * show: 404 saying so. bull-board itself is only loaded with BullMQ.
 */
export function queueBoard(scheduler: Scheduler<unknown>, tokens: TokenService): Handler {
  let router: Handler | null = null;
  if (scheduler.kind === 'bullmq') {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { queueBoardRouter } = require('@duban/scheduler/bullmq/board') as typeof import('@duban/scheduler/bullmq/board');
    router = queueBoardRouter(scheduler, QUEUE_BOARD_PATH) as Handler | null;
  }
  return (req, res, next) => {
    const header = req.headers.authorization;
    const match = typeof header === 'string' ? BEARER.exec(header) : null;
    if (!match) return refuse(res, 401, 'Unauthorized', 'the queue board needs an admin bearer token (Authorization: Bearer <token>)');
    try {
      const actor = tokens.verify(match[1]);
      if (actor.role !== 'admin') return refuse(res, 403, 'Forbidden', `the queue board is for the admin role, not ${actor.role}`);
    } catch (err) {
      if (err instanceof InvalidToken) return refuse(res, 401, 'Unauthorized', err.message);
      return next(err);
    }
    if (!router) {
      return refuse(
        res,
        404,
        'Not Found',
        'the in-process scheduler (REDIS_URL unset) has no queues to show: its timers live in this process and are re-armed from the due table at start',
      );
    }
    router(req, res, next);
  };
}
