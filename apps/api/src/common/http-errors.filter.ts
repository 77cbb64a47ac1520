import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { Response } from 'express';
import { ConcurrencyExhausted, LogIntegrityBroken, PreconditionFailed, StreamNotFound, UnknownUnits } from '@duban/application';
import { DomainError } from '@duban/domain/decider';
import { CalendarCoverageError } from '@duban/domain/calendar';
import { InvalidAppendError } from '@duban/eventstore';

const DOMAIN_STATUS: Record<DomainError['kind'], number> = {
  forbidden: HttpStatus.FORBIDDEN,
  conflict: HttpStatus.CONFLICT,
  invalid: HttpStatus.UNPROCESSABLE_ENTITY,
  not_found: HttpStatus.NOT_FOUND,
};

/**
 * Every error leaves as JSON that says what was wrong: `{ statusCode, error,
 * message, …details }`. Refusals of the domain keep their typed fields (the
 * current status of an illegal transition, the units involved). Only a fault
 * of ours is a 500, and its details go to the log, not the client.
 */
@Catch()
export class HttpErrorsFilter implements ExceptionFilter {
  private readonly logger = new Logger('HttpErrors');

  catch(err: unknown, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<Response>();
    const [status, body] = this.describe(err);
    if (status >= 500 && !(err instanceof LogIntegrityBroken)) this.logger.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
    res.status(status).json({ statusCode: status, error: reason(status), ...body });
  }

  private describe(err: unknown): [number, Record<string, unknown>] {
    if (err instanceof DomainError) {
      const { name, message, stack: _stack, ...fields } = err as DomainError & Record<string, unknown>;
      return [DOMAIN_STATUS[err.kind], { message, refusal: name, ...fields }];
    }
    if (err instanceof UnknownUnits) return [422, { message: err.message, unknownUnits: err.units }];
    if (err instanceof StreamNotFound) return [404, { message: err.message }];
    if (err instanceof PreconditionFailed) {
      return [412, { message: err.message, expectedVersion: Number(err.expected), currentVersion: err.actual === null ? null : Number(err.actual) }];
    }
    if (err instanceof ConcurrencyExhausted) return [409, { message: err.message }];
    // the write gate: the log failed verification (IntegrityMonitor); not a fault of ours to log per request
    if (err instanceof LogIntegrityBroken) return [503, { message: err.message, brokenEvent: err.brokenEvent }];
    if (err instanceof CalendarCoverageError) return [422, { message: err.message }];
    if (err instanceof InvalidAppendError) return [422, { message: err.message }];
    if (err instanceof HttpException) {
      const r = err.getResponse();
      return [err.getStatus(), typeof r === 'string' ? { message: r } : (({ statusCode: _s, error: _e, ...rest }) => rest)(r as Record<string, unknown>)];
    }
    // errors of the body parser carry their own HTTP status (Nest itself turns malformed JSON into a 400)
    const e = err as { status?: number; statusCode?: number; type?: string; message?: string };
    const status = e?.status ?? e?.statusCode;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      const message = e.type === 'entity.too.large' ? 'request body is larger than 256 KB' : (e.message ?? 'bad request');
      return [status, { message }];
    }
    return [500, { message: 'internal error; it has been logged' }];
  }
}

function reason(status: number): string {
  const names: Record<number, string> = {
    400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 409: 'Conflict',
    412: 'Precondition Failed', 413: 'Payload Too Large', 415: 'Unsupported Media Type', 422: 'Unprocessable Entity', 500: 'Internal Server Error', 503: 'Service Unavailable',
  };
  return names[status] ?? 'Error';
}
