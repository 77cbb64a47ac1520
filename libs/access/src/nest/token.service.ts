import { Inject, Injectable } from '@nestjs/common';
import type { Actor } from '@duban/domain/decider';
import type { UnitRegistry } from '@duban/domain/units';
import { InvalidTokenRequest, mintToken, verifyTokenWindow } from '../tokens';
import type { MintOptions, VerifiedToken, VerifyOptions } from '../tokens';
import { unitIdOfClaim, UnknownTokenUnit } from '../token-unit';
import { ACCESS_MAX_LIFETIME, ACCESS_SECRET, ACCESS_UNIT_REGISTRY } from './access.constants';

/** Verified tokens kept (a client sends the same token with every request until it expires). */
const VERIFIED_CACHE_SIZE = 10_000;

/**
 * Where the registry of the moment comes from: the api's UnitsService (its
 * `current` is replaced, never mutated, when the `unit-registry` stream moves).
 */
export interface UnitRegistrySource {
  readonly current: UnitRegistry;
}

/** A remembered token: verified once; its unit resolved against `registry` (the actor then carries the id, or null: unknown). */
interface Remembered {
  readonly verified: VerifiedToken;
  registry: UnitRegistry;
  actor: Actor | null;
}

/**
 * mintToken/verifyToken bound to the application's secret (JWT_SECRET, or the
 * one generated in the data dir) and maximum lifetime (DUBAN_TOKEN_MAX_LIFETIME),
 * read once at start-up, and to the live unit registry. E2e tests of other
 * modules mint their tokens with `app.get(TokenService).mint({...})`.
 *
 * verify() answers the Actor with `unitId` = the registry id the token's unit
 * claim resolves to (see unitIdOfClaim); a unit the registry does not know is
 * refused (UnknownTokenUnit → 401).
 *
 * A token that verified once is remembered (its actor, exp and nbf) so the
 * same token on the next request costs a map lookup instead of a base64 decode,
 * JSON parse and HMAC (measured: ~6 % of the api's CPU under read load): the
 * secret is fixed for the process, so a signature that matched still matches.
 * exp and nbf are checked against the clock on every use; an expired token is
 * forgotten and verified again, which refuses it with the usual reason. The
 * lifetime cap needs no re-check: exp − now only shrinks.
 *
 * The unit is resolved again only when the registry object changed (one
 * reference comparison per request otherwise): so a token refused because its
 * unit was unknown is accepted once an admin adds the unit (or alias), without
 * a restart. The registry's events only add units and aliases (there is no
 * removal or rename), so an id once resolved stays right; re-resolving on every
 * change would still pick up a removal should the registry ever learn one.
 */
@Injectable()
export class TokenService {
  private readonly verified = new Map<string, Remembered>();

  constructor(
    @Inject(ACCESS_SECRET) private readonly secret: string,
    @Inject(ACCESS_UNIT_REGISTRY) private readonly units: UnitRegistrySource,
    @Inject(ACCESS_MAX_LIFETIME) private readonly maxLifetimeSeconds: number,
  ) {}

  /**
   * Signs a token for the unit's registry id (as `duban token` does); refuses
   * (InvalidTokenRequest) a unit the registry does not know and a lifetime over
   * the maximum: it mints only what verify() accepts.
   */
  mint(actor: Actor, options?: MintOptions): string {
    const unitId = typeof actor.unitId === 'string' ? unitIdOfClaim(this.units.current, actor.unitId) : null;
    if (unitId === null) throw new InvalidTokenRequest(`unit ${JSON.stringify(actor.unitId)} is not a unit of the registry`);
    return mintToken({ ...actor, unitId }, this.secret, { maxLifetimeSeconds: this.maxLifetimeSeconds, ...options });
  }

  /** Throws InvalidToken (UnknownTokenUnit for a unit the registry does not know). */
  verify(token: string, options?: VerifyOptions): Actor {
    const registry = this.units.current;
    if (options !== undefined) {
      // a caller's own clock or tolerance: nothing remembered
      const verified = verifyTokenWindow(token, this.secret, { maxLifetimeSeconds: this.maxLifetimeSeconds, ...options });
      return this.answer({ verified, registry, actor: resolveActor(verified.actor, registry) });
    }
    const now = Date.now();
    const hit = this.verified.get(token);
    if (hit !== undefined) {
      if (now < hit.verified.expMs && now >= hit.verified.nbfMs) {
        if (hit.registry !== registry) {
          hit.registry = registry;
          hit.actor = resolveActor(hit.verified.actor, registry);
        }
        return this.answer(hit);
      }
      this.verified.delete(token);
    }
    const verified = verifyTokenWindow(token, this.secret, { maxLifetimeSeconds: this.maxLifetimeSeconds });
    const remembered: Remembered = { verified, registry, actor: resolveActor(verified.actor, registry) };
    if (this.verified.size >= VERIFIED_CACHE_SIZE) this.verified.delete(this.verified.keys().next().value!);
    this.verified.set(token, remembered);
    return this.answer(remembered);
  }

  private answer(remembered: Remembered): Actor {
    if (remembered.actor === null) throw new UnknownTokenUnit(remembered.verified.actor.unitId);
    return remembered.actor;
  }
}

/** The token's actor with its unit as the registry id, or null when the registry does not know the unit. */
function resolveActor(claimed: Actor, registry: UnitRegistry): Actor | null {
  const unitId = unitIdOfClaim(registry, claimed.unitId);
  if (unitId === null) return null;
  return unitId === claimed.unitId ? claimed : Object.freeze({ ...claimed, unitId });
}
