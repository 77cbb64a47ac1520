import type { NextFunction, Request, Response } from 'express';
import type { IntegrityMonitor } from '../health/integrity.monitor';

const READS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * While the event log fails verification: every response says so
 * (`X-Duban-Integrity: broken`), reads go on, and writes are refused with a
 * 503 naming the first bad event — a command decided on an altered history
 * would chain new facts onto it.
 */
export function integrityGate(monitor: IntegrityMonitor) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const broken = monitor.brokenEvent;
    if (broken === null) return next();
    res.setHeader('X-Duban-Integrity', 'broken');
    if (READS.has(req.method)) return next();
    res.status(503).json({
      statusCode: 503,
      error: 'Service Unavailable',
      message:
        `the event log failed verification at stream ${broken.stream}, version ${broken.streamVersion}` +
        `${broken.globalPosition !== null ? ` (global position ${broken.globalPosition})` : ''}: writes are refused until it is repaired`,
      brokenEvent: broken,
    });
  };
}
