/**
 * Small pure checks shared by the deciders. Each throws a typed DomainError.
 */
import { isZonedDateTime } from '../calendar/local-date';
import type { Actor, Command, Role } from './decider';
import { ROLES } from './decider';
import {
  AuditorCannotWrite,
  DeadlineBeforeEffectiveTime,
  InvalidCommandData,
  RoleNotPermitted,
  WrongUnit,
} from './errors';

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/**
 * True for an ISO 8601 date-time with an explicit offset ('Z' or ±hh:mm) that
 * names a real instant (no 2026-02-30, no 24:00: the calendar would refuse them later).
 */
export function isIsoInstant(value: unknown): value is string {
  return typeof value === 'string' && ISO_INSTANT.test(value) && isZonedDateTime(value);
}

/** Milliseconds since the epoch of a valid ISO instant (offsets are honoured). */
export function instantMs(iso: string): number {
  return Date.parse(iso);
}

/** Negative if a is earlier than b, 0 if the same instant, positive if later. */
export function compareInstants(a: string, b: string): number {
  return instantMs(a) - instantMs(b);
}

/**
 * Every write starts here: auditors never write, the role must be known and
 * `at` must be an ISO instant.
 */
export function checkEnvelope(command: Command): void {
  const { actor } = command;
  if (actor?.role === 'auditor') throw new AuditorCannotWrite(command.type);
  if (!actor || !ROLES.includes(actor.role)) {
    throw new RoleNotPermitted(command.type, String(actor?.role), []);
  }
  if (!nonEmpty(actor.userId)) throw new InvalidCommandData(command.type, 'actor.userId', 'is required');
  if (!nonEmpty(actor.unitId)) throw new InvalidCommandData(command.type, 'actor.unitId', 'is required');
  if (!isIsoInstant(command.at)) {
    throw new InvalidCommandData(command.type, 'at', 'must be an ISO 8601 instant with an offset');
  }
}

export function requireRole(command: string, actor: Actor, ...allowed: Role[]): void {
  if (actor.role === 'auditor') throw new AuditorCannotWrite(command);
  if (!allowed.includes(actor.role)) throw new RoleNotPermitted(command, actor.role, allowed);
}

/** The actor must act for `unitId` (a unit acts only on its own items). */
export function requireOwnUnit(command: string, actor: Actor, unitId: string): void {
  if (actor.unitId !== unitId) throw new WrongUnit(command, actor.unitId, unitId);
}

export function nonEmpty(value: unknown): value is string {
  return typeof value === 'string' && value.trim().length > 0;
}

export function requireText(command: string, field: string, value: unknown): string {
  if (!nonEmpty(value)) throw new InvalidCommandData(command, field, 'must be a non-empty string');
  return value;
}

export function requireInstant(command: string, field: string, value: unknown): string {
  if (!isIsoInstant(value)) {
    throw new InvalidCommandData(command, field, 'must be an ISO 8601 instant with an offset');
  }
  return value;
}

/** A list of unit ids: non-empty strings, no duplicates; at least `min` of them. */
export function requireUnitList(command: string, field: string, value: unknown, min: number): string[] {
  if (!Array.isArray(value)) throw new InvalidCommandData(command, field, 'must be a list of unit ids');
  if (value.length < min) throw new InvalidCommandData(command, field, `must name at least ${min} unit(s)`);
  if (!value.every(nonEmpty)) throw new InvalidCommandData(command, field, 'unit ids must be non-empty strings');
  if (new Set(value).size !== value.length) throw new InvalidCommandData(command, field, 'lists a unit twice');
  return [...value];
}

/**
 * A deadline carried by a command: a valid instant, not before the command's
 * effective time (back-filling is fine: `at` itself may lie in the past).
 */
export function requireDeadline(command: string, field: string, deadline: unknown, at: string): string {
  const value = requireInstant(command, field, deadline);
  if (compareInstants(value, at) < 0) throw new DeadlineBeforeEffectiveTime(command, value, at);
  return value;
}
