import { BadRequestException, ServiceUnavailableException } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, ValidateBy } from 'class-validator';
import { MAX_GLOBAL_POSITION as MAX_POSITION } from '@duban/eventstore';
import { ProjectionWaitTimeoutError } from '@duban/projections';
import type { ProjectionRunner } from '@duban/projections';

/** How long a query waits for the read models to reach a position it names. */
export const READ_YOUR_WRITES_TIMEOUT_MS = 2000;

/** A global position as a query parameter: digits, at most 19 (fits a signed 64-bit integer). */
const GLOBAL_POSITION = /^\d{1,19}$/;

/** True for a global position written as digits that fits a signed 64-bit integer (SQLite cannot bind more). */
export function isGlobalPosition(value: unknown): value is string {
  return typeof value === 'string' && GLOBAL_POSITION.test(value) && BigInt(value) <= MAX_POSITION;
}

/** Validates a query parameter as a global position (digits, at most 2^63 − 1); the message names the field. */
export function IsGlobalPosition(field: string): PropertyDecorator {
  return ValidateBy({
    name: 'isGlobalPosition',
    validator: {
      validate: (value: unknown) => isGlobalPosition(value),
      defaultMessage: () => `${field} must be a global position (digits, at most ${MAX_POSITION})`,
    },
  });
}

/** Query parameters of a read that may name the position of the caller's last write. */
export class ReadPositionDto {
  @ApiPropertyOptional({
    description:
      'Read-your-writes: the global position a command returned; the query waits (at most 2 s) until the read models it reads have reached it (503 otherwise). A position beyond the head of the log is a 400 naming the head.',
    example: '42',
  })
  @IsOptional()
  @IsGlobalPosition('minPosition')
  minPosition?: string;
}

export interface ReachOptions {
  /** The query parameter that carried the position, as the 400 names it (default 'minPosition'; the figures' is 'position'). */
  parameter?: string;
  /** Wait for these projections only (default: every projection). */
  projections?: readonly string[];
  /** What the 503 says has not reached the position, e.g. 'the audit trail' (default: 'the read models'). */
  readModel?: string;
}

/**
 * Waits (at most 2 s) until the read models — or the projections named — have
 * committed the event at `position`. Resolves false on timeout (the error names
 * the lagging projections); any other failure rejects.
 */
export async function tryReachPosition(
  runner: ProjectionRunner,
  position: string | bigint,
  options: Pick<ReachOptions, 'projections'> = {},
): Promise<true | ProjectionWaitTimeoutError> {
  try {
    await runner.waitFor(BigInt(position), READ_YOUR_WRITES_TIMEOUT_MS, options.projections);
    return true;
  } catch (err) {
    if (err instanceof ProjectionWaitTimeoutError) return err;
    throw err;
  }
}

/**
 * Read-your-writes: when `minPosition` is given, waits (at most 2 s) for the
 * read models (or `projections`) to reach it; a timeout is a 503 naming the
 * lagging projections. A position beyond the head of the log is a 400 at
 * once: no write has returned it, so waiting could only end in the 503.
 * Nothing to wait for without `minPosition`.
 */
export async function reachPosition(
  runner: ProjectionRunner,
  minPosition: string | bigint | undefined,
  options: ReachOptions = {},
): Promise<void> {
  if (minPosition === undefined) return;
  const head = await headBelow(runner, BigInt(minPosition), options.projections);
  if (head !== null) {
    throw new BadRequestException({
      message: `${options.parameter ?? 'minPosition'} ${minPosition} lies beyond the head of the event log (position ${head}): no write has returned it`,
      head: head.toString(),
    });
  }
  const reached = await tryReachPosition(runner, minPosition, options);
  if (reached === true) return;
  const subject = options.readModel === undefined ? 'the read models have' : `${options.readModel} has`;
  throw new ServiceUnavailableException(`${subject} not reached position ${minPosition} within 2 s: ${reached.message}`);
}

/**
 * The head of the log when `position` lies beyond it, else null. Cheap when the
 * read models have already reached the position (no scan); otherwise one head
 * scan, trusted only when exact (a scan that hit its budget proves nothing).
 */
async function headBelow(runner: ProjectionRunner, position: bigint, projections: readonly string[] | undefined): Promise<bigint | null> {
  const relevant = runner.status().filter((s) => projections === undefined || projections.includes(s.name));
  if (relevant.length > 0 && relevant.every((s) => s.checkpoint >= position)) return null;
  const [lag] = await runner.lag();
  if (lag === undefined || !lag.exact || position <= lag.head) return null;
  return lag.head;
}
