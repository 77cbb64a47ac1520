import { createHash } from 'node:crypto';
import { InvalidAppendError } from './errors';
import type { NewEvent } from './event-store.port';

/**
 * Tamper evidence shared by every adapter.
 *
 * An event's hash is sha256 over [previous hash in the stream, stream, version,
 * id, type, canonical data, canonical metadata], encoded as a JSON array so no
 * two different contents can produce the same input. The first event of a
 * stream chains to GENESIS. Canonical JSON sorts object keys, so the hash does
 * not depend on how a client library re-serialises a payload.
 */

export const GENESIS = '0'.repeat(64);

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** JSON with object keys sorted at every depth; refuses what JSON cannot carry. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value, '$'));
}

function sortKeys(value: unknown, path: string): unknown {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new InvalidAppendError(`${path} is ${value}, which JSON cannot carry`);
    return value;
  }
  if (Array.isArray(value)) return value.map((v, i) => sortKeys(v, `${path}[${i}]`));
  if (typeof value === 'object') {
    const proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) {
      throw new InvalidAppendError(`${path} is a ${proto?.constructor?.name ?? 'non-plain object'}; events carry plain JSON`);
    }
    // a null-prototype object: an own "__proto__" key stays a key (and is hashed) instead of setting the prototype
    const out: Record<string, unknown> = Object.create(null);
    for (const key of Object.keys(value as object).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (v === undefined) continue; // JSON drops undefined; so do we, before hashing
      out[key] = sortKeys(v, `${path}.${key}`);
    }
    return out;
  }
  throw new InvalidAppendError(`${path} is a ${typeof value}, which JSON cannot carry`);
}

export function eventHash(
  previousHash: string,
  stream: string,
  version: bigint,
  id: string,
  type: string,
  dataJson: string,
  metadataJson: string,
): string {
  return createHash('sha256')
    .update(JSON.stringify([previousHash, stream, version.toString(), id, type, dataJson, metadataJson]))
    .digest('hex');
}

/** The global chain (SQLite): each event's hash linked to the one before it in global order. */
export function globalHash(previousGlobalHash: string, position: bigint, hash: string): string {
  return createHash('sha256').update(`${previousGlobalHash}:${position.toString()}:${hash}`).digest('hex');
}

/** An unpaired UTF-16 surrogate (a paired one is one code point, not matched with the u flag). */
const LONE_SURROGATE = /\p{Cs}/u;

/** Checks what every adapter refuses before writing anything. */
export function validateNewEvents(stream: string, events: readonly NewEvent[]): void {
  if (typeof stream !== 'string' || stream.length === 0 || stream.length > 500) {
    throw new InvalidAppendError('stream name must be a non-empty string of at most 500 characters');
  }
  // A lone surrogate cannot be stored as UTF-8: SQLite kept invalid bytes that read back as U+FFFD, so the
  // event no longer matched its hash and `duban verify` reported the log as altered.
  if (LONE_SURROGATE.test(stream)) {
    throw new InvalidAppendError(`stream name ${JSON.stringify(stream)} holds a lone UTF-16 surrogate, which UTF-8 cannot carry`);
  }
  if (events.length === 0) throw new InvalidAppendError(`stream ${stream}: nothing to append`);
  const seen = new Set<string>();
  for (const e of events) {
    if (!UUID.test(e.id)) throw new InvalidAppendError(`stream ${stream}: event id ${JSON.stringify(e.id)} is not a UUID`);
    if (seen.has(e.id.toLowerCase())) throw new InvalidAppendError(`stream ${stream}: event id ${e.id} appears twice in one append`);
    seen.add(e.id.toLowerCase());
    if (typeof e.type !== 'string' || !/^[a-z][a-z0-9_-]*(\.[a-z][a-z0-9_-]*)*\.v\d+$/.test(e.type)) {
      throw new InvalidAppendError(`stream ${stream}: event type ${JSON.stringify(e.type)} is not a versioned name like task.assigned.v1`);
    }
    const m = e.metadata;
    if (!m || typeof m !== 'object') throw new InvalidAppendError(`stream ${stream}: event ${e.id} has no metadata`);
    for (const key of ['actorUserId', 'commandId', 'correlationId', 'causationId', 'occurredAt'] as const) {
      if (typeof m[key] !== 'string' || m[key].length === 0) {
        throw new InvalidAppendError(`stream ${stream}: event ${e.id} metadata.${key} is missing`);
      }
    }
    if (Number.isNaN(Date.parse(m.occurredAt))) {
      throw new InvalidAppendError(`stream ${stream}: event ${e.id} metadata.occurredAt ${JSON.stringify(m.occurredAt)} is not a date`);
    }
  }
}
