import { Inject, Injectable } from '@nestjs/common';
import type { Actor } from '@duban/domain/decider';
import { mintToken, verifyToken } from '../tokens';
import type { MintOptions, VerifyOptions } from '../tokens';
import { ACCESS_SECRET } from './access.constants';

/**
 * mintToken/verifyToken bound to the application's secret (JWT_SECRET, or the
 * one generated in the data dir), read once at start-up. E2e tests of other
 * modules mint their tokens with `app.get(TokenService).mint({...})`.
 */
@Injectable()
export class TokenService {
  constructor(@Inject(ACCESS_SECRET) private readonly secret: string) {}

  mint(actor: Actor, options?: MintOptions): string {
    return mintToken(actor, this.secret, options);
  }

  /** Throws InvalidToken. */
  verify(token: string, options?: VerifyOptions): Actor {
    return verifyToken(token, this.secret, options);
  }
}
