import type { NextFunction, Request, Response } from 'express';

/** Deepest nesting of arrays and objects a request body may have (the DTOs need 3; class-transformer overflows its stack near 1,000). */
export const MAX_BODY_DEPTH = 32;

/** An error the body parser's way: HttpErrorsFilter answers its `status` with its message as JSON. */
function refused(status: number, message: string): Error {
  return Object.assign(new Error(message), { status, expose: true });
}

function hasBody(req: Request): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

const JSON_TYPE = /^application\/(?:[a-z0-9.+-]+\+)?json$/;

/**
 * Before the JSON parser: a request that carries a body must say it is JSON.
 * The parser skips any other Content-Type (or none), so a body sent as
 * text/plain or a form reached the handler empty and the command ran on its
 * defaults — e.g. an assignment with the task's deadline instead of the one
 * sent. Now it is 415 and nothing runs.
 */
export function requireJsonBody(req: Request, _res: Response, next: NextFunction): void {
  if (!hasBody(req)) return next();
  const type = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  if (JSON_TYPE.test(type)) return next();
  next(refused(415, `the request body must be JSON (Content-Type: application/json), not ${type === '' ? 'a body without Content-Type' : type}`));
}

/**
 * After the JSON parser: refuses a body nested deeper than MAX_BODY_DEPTH
 * (400). A 3 KB body of 1,500 nested arrays made class-transformer (the
 * validation pipe) overflow the stack: a 500. Walked without recursion.
 */
export function limitBodyDepth(req: Request, _res: Response, next: NextFunction): void {
  const body: unknown = req.body;
  if (body === null || typeof body !== 'object') return next();
  const stack: Array<[unknown, number]> = [[body, 1]];
  while (stack.length > 0) {
    const [value, depth] = stack.pop()!;
    if (depth > MAX_BODY_DEPTH) return next(refused(400, `the request body nests arrays and objects deeper than ${MAX_BODY_DEPTH} levels`));
    for (const child of Array.isArray(value) ? value : Object.values(value as object)) {
      if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
    }
  }
  next();
}
