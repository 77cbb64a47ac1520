// Access at the HTTP boundary: HS256 bearer tokens (pure, ./tokens) and the Nest guards (./nest).
export type { InvalidTokenReason, MintOptions, TokenClaims, VerifiedToken, VerifyOptions } from './tokens';
export {
  DEFAULT_MAX_TOKEN_LIFETIME_SECONDS,
  DEFAULT_TOKEN_LIFETIME,
  InvalidToken,
  InvalidTokenRequest,
  MIN_SECRET_LENGTH,
  TOKEN_ALGORITHM,
  assertUsableSecret,
  isRole,
  mintToken,
  parseLifetime,
  verifyToken,
  verifyTokenWindow,
} from './tokens';
export { UnknownTokenUnit, unitIdOfClaim } from './token-unit';
export * from './nest';
