/**
 * A token's unit is a unit of the registry: the `unit` claim is resolved to a
 * registry id before anything acts on it, so every rule downstream (own-unit
 * verification, visibility, the events' actorUnitId) compares ids, never text
 * as written. Pure: the api's TokenService and `duban token` both use it, each
 * with the registry it holds (seed + the `unit-registry` stream).
 */
import type { UnitRegistry } from '@duban/domain/units';
import { InvalidToken } from './tokens';

/**
 * The registry id the claim names, or null. Exactly the registry's resolution
 * (normalizeUnitName, then an id or a global alias: `市资源规划局` and
 * `市自然资源规划局` are one unit, a zero-width space is dropped). Local aliases
 * (`四处`, `二处`, a zone's `市场监管局`) are NOT tried: they name a unit only
 * inside a scope, a token carries none, and the same short name means another
 * unit elsewhere. A group name (各开发区、区县(市)) names no unit either.
 */
export function unitIdOfClaim(registry: UnitRegistry, claimed: string): string | null {
  return registry.resolve(claimed)?.unitId ?? null;
}

/** A well-signed token whose unit the registry does not know (401, naming it). */
export class UnknownTokenUnit extends InvalidToken {
  constructor(readonly unit: string) {
    super(
      'unknown-unit',
      `token unit ${JSON.stringify(unit)} is not a unit of the registry (use a unit id or a global alias; see GET /api/v1/units/resolve)`,
    );
    this.name = 'UnknownTokenUnit';
  }
}
