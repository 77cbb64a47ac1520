import { BadRequestException, ForbiddenException, UnprocessableEntityException } from '@nestjs/common';
import { createHash, randomUUID } from 'node:crypto';
import type { Request } from 'express';
import type { Actor } from '@duban/domain/decider';
import { toShanghaiIso } from '@duban/domain/calendar';
import { FUTURE_TOLERANCE_MS, isIsoInstant } from '@duban/domain/decider';
import type { CommandEnvelope } from '@duban/application';
import { canonicalJson } from '@duban/eventstore';
import { idempotencyKeysOf } from './idempotency-keys';
import { requestIdOf } from './request-log';

/** How far in the past an effective time may lie before it counts as back-dating (clock skew, slow clients). */
const BACKDATE_TOLERANCE_MS = 5 * 60_000;

/**
 * The envelope of a command received over HTTP. `Idempotency-Key` becomes the
 * command id (scoped to the user, so two users' keys never collide): a retried
 * POST finds its own events in the stream and gets the first answer back.
 * The key belongs to the first request that used it (method, path and body):
 * the same key with another request is a 422 `IdempotencyKeyReused`, checked
 * here — after the body passed validation, before anything is decided — so it
 * holds even when the other request would write to another stream.
 */
export function envelopeFrom(req: Request, actor: Actor, now: Date): CommandEnvelope {
  const key = header(req, 'idempotency-key');
  if (key !== undefined && (key.length === 0 || key.length > 200)) {
    throw new BadRequestException('Idempotency-Key must be 1 to 200 characters');
  }
  const correlation = header(req, 'x-correlation-id');
  if (correlation !== undefined && (correlation.length === 0 || correlation.length > 200)) {
    throw new BadRequestException('X-Correlation-Id must be 1 to 200 characters');
  }
  const requestId = requestIdOf(req);
  const commandId = key ? `idem:${sha(`${actor.userId}\u0000${key}`)}` : randomUUID();
  if (key) bindKeyToRequest(req, key, commandId, now);
  return {
    commandId,
    correlationId: correlation ?? requestId,
    causationId: requestId,
    actor,
    receivedAt: now.toISOString(),
  };
}

/**
 * Refuses a key already bound to another request. The request is hashed as
 * canonical JSON of [method, path with query, parsed body with sorted keys]: a
 * retry that re-serialises the same body (other whitespace, other key order)
 * is the same request; a changed value, path or method is not.
 */
function bindKeyToRequest(req: Request, key: string, commandId: string, now: Date): void {
  const keys = idempotencyKeysOf(req);
  if (!keys) return; // an app without the key table (none today): replay by command id only
  const path = req.originalUrl;
  const requestHash = sha(canonicalJson([req.method, path, req.body ?? null]));
  const first = keys.claim(commandId, { requestHash, method: req.method, path }, now);
  if (first === null) return;
  const sameTarget = first.method === req.method && first.path === path;
  throw new UnprocessableEntityException({
    message:
      `Idempotency-Key ${JSON.stringify(key)} was first used for another request (${first.method} ${first.path}` +
      `${sameTarget ? ' with another body' : ''}); a new request needs a new key`,
    refusal: 'IdempotencyKeyReused',
    idempotencyKey: key,
    firstUsedFor: `${first.method} ${first.path}`,
  });
}

/** An id for a new item, stable across retries of the same command. */
export function newItemId(envelope: CommandEnvelope): string {
  const h = sha(`item\u0000${envelope.commandId}`);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/**
 * The command's effective time: now, or the given `effectiveAt`. Only the
 * supervisor and admin roles may back-date (back-filling records of a past
 * year from a spreadsheet is legitimate for them); nobody may post-date, and
 * nothing takes effect before `floor` (DUBAN_EFFECTIVE_TIME_FLOOR). Refusals
 * name both instants. Whether the time fits the item's own history (not
 * before the act it answers) is the decider's to say.
 */
export function effectiveTime(actor: Actor, effectiveAt: string | undefined, now: Date, floor: string): string {
  if (effectiveAt === undefined) return toShanghaiIso(now); // Beijing time, as users read it
  const ms = Date.parse(effectiveAt);
  if (!isIsoInstant(effectiveAt)) {
    throw new UnprocessableEntityException(`effectiveAt ${JSON.stringify(effectiveAt)} is not an ISO 8601 instant with an offset`);
  }
  if (ms < Date.parse(floor)) {
    throw new UnprocessableEntityException({
      message: `effectiveAt ${effectiveAt} is before the earliest effective time ${floor} (DUBAN_EFFECTIVE_TIME_FLOOR)`,
      refusal: 'EffectiveTimeBeforeFloor',
      effectiveAt,
      floor,
    });
  }
  if (ms > now.getTime() + FUTURE_TOLERANCE_MS) {
    const receivedAt = toShanghaiIso(now);
    throw new UnprocessableEntityException({
      message: `effectiveAt ${effectiveAt} lies in the future: after ${receivedAt}, when the command was received`,
      refusal: 'EffectiveTimeInFuture',
      effectiveAt,
      receivedAt,
    });
  }
  if (ms < now.getTime() - BACKDATE_TOLERANCE_MS && actor.role !== 'supervisor' && actor.role !== 'admin') {
    throw new ForbiddenException(`role ${actor.role} may not back-date an action (effectiveAt ${effectiveAt}); only supervisor and admin may`);
  }
  return effectiveAt;
}

/** `If-Match: "3"` (or 3, or W/"3") → 3n; absent → undefined. */
export function ifMatchVersion(req: Request): bigint | undefined {
  const raw = header(req, 'if-match');
  if (raw === undefined) return undefined;
  // at most 15 digits: a version answered back in JSON (a 412's currentVersion) must stay exact as a number
  const m = /^(?:W\/)?"?(\d{1,15})"?$/.exec(raw.trim());
  if (!m) throw new BadRequestException(`If-Match ${JSON.stringify(raw)} must be the item's version, e.g. "3"`);
  return BigInt(m[1]);
}

function header(req: Request, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function sha(s: string): string {
  return createHash('sha256').update(s).digest('hex');
}
