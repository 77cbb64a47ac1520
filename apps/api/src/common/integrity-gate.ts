import type { NextFunction, Request, Response } from 'express';
import type { IntegrityMonitor } from '../health/integrity.monitor';

/**
 * While the event log fails verification every response says so
 * (`X-Duban-Integrity: broken`): reads go on, but what they serve may be
 * altered. Writes are not refused here: the one CommandExecutor asks the
 * monitor (its WriteGate) before each append, so HTTP commands, processors and
 * the unit registry are refused by the same mechanism (503 LogIntegrityBroken,
 * see http-errors.filter.ts).
 */
export function integrityHeader(monitor: IntegrityMonitor) {
  return (_req: Request, res: Response, next: NextFunction): void => {
    if (monitor.brokenEvent !== null) res.setHeader('X-Duban-Integrity', 'broken');
    next();
  };
}
