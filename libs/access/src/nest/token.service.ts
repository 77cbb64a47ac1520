import { Inject, Injectable } from '@nestjs/common';
import type { Actor } from '@duban/domain/decider';
import { mintToken, verifyToken, verifyTokenWindow } from '../tokens';
import type { MintOptions, VerifiedToken, VerifyOptions } from '../tokens';
import { ACCESS_SECRET } from './access.constants';

/** Verified tokens kept (a client sends the same token with every request until it expires). */
const VERIFIED_CACHE_SIZE = 10_000;

/**
 * mintToken/verifyToken bound to the application's secret (JWT_SECRET, or the
 * one generated in the data dir), read once at start-up. E2e tests of other
 * modules mint their tokens with `app.get(TokenService).mint({...})`.
 *
 * A token that verified once is remembered (its actor, exp and nbf) so the
 * same token on the next request costs a map lookup instead of a base64 decode,
 * JSON parse and HMAC (measured: ~6 % of the api's CPU under read load): the
 * secret is fixed for the process, so a signature that matched still matches.
 * exp and nbf are checked against the clock on every use; an expired token is
 * forgotten and verified again, which refuses it with the usual reason.
 */
@Injectable()
export class TokenService {
  private readonly verified = new Map<string, VerifiedToken>();

  constructor(@Inject(ACCESS_SECRET) private readonly secret: string) {}

  mint(actor: Actor, options?: MintOptions): string {
    return mintToken(actor, this.secret, options);
  }

  /** Throws InvalidToken. */
  verify(token: string, options?: VerifyOptions): Actor {
    if (options !== undefined) return verifyToken(token, this.secret, options); // a caller's own clock or tolerance
    const now = Date.now();
    const hit = this.verified.get(token);
    if (hit !== undefined) {
      if (now < hit.expMs && now >= hit.nbfMs) return hit.actor;
      this.verified.delete(token);
    }
    const verified = verifyTokenWindow(token, this.secret);
    if (this.verified.size >= VERIFIED_CACHE_SIZE) this.verified.delete(this.verified.keys().next().value!);
    this.verified.set(token, verified);
    return verified.actor;
  }
}
