/**
 * Bearer tokens: compact JWTs signed with HS256 and nothing else.
 *
 * Claims (all required):
 *   sub  — the user id (Actor.userId)
 *   unit — the unit the user acts for (Actor.unitId), e.g. "郑东新区" or
 *          "市政府办公厅四处"; Chinese text is kept exactly as signed
 *   role — one of 'supervisor' | 'unit' | 'auditor' | 'admin'
 *   iat, exp — issued-at and expiry (seconds since the epoch); a token
 *          without exp is refused, and one whose lifetime (exp − iat, or exp
 *          from now) exceeds the maximum (DUBAN_TOKEN_MAX_LIFETIME, 30 days by
 *          default) is refused too, so no token lives for ever
 *
 * The unit claim is checked here only as text; that it names a unit of the
 * registry (and which id) is decided where the registry is known: the api's
 * TokenService (see ./nest/token.service.ts) and `duban token`.
 *
 * Pure functions, no Nest: the api guard, the CLI and tests share them.
 */
import { createSecretKey, KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import type { Actor, HumanRole } from '@duban/domain/decider';
import { HUMAN_ROLES } from '@duban/domain/decider';
import { DEFAULT_TOKEN_MAX_LIFETIME_SECONDS, parseDurationSeconds } from '@duban/config/config';

/** The only algorithm issued or accepted. */
export const TOKEN_ALGORITHM = 'HS256' as const;

/** Same floor as JWT_SECRET in the configuration: 32 characters. */
export const MIN_SECRET_LENGTH = 32;

/** Lifetime of a token when the caller names none. */
export const DEFAULT_TOKEN_LIFETIME = '12h';

/** The longest lifetime accepted or minted when the caller names no maximum (DUBAN_TOKEN_MAX_LIFETIME's default). */
export const DEFAULT_MAX_TOKEN_LIFETIME_SECONDS = DEFAULT_TOKEN_MAX_LIFETIME_SECONDS;

/** Why a presented token was refused. */
export type InvalidTokenReason =
  /** not three base64url parts, or header/payload not JSON */
  | 'malformed'
  /** alg is not HS256 (none, HS512, RS256 …) */
  | 'unsupported-algorithm'
  /** the signature does not match the secret */
  | 'bad-signature'
  /** exp has passed */
  | 'expired'
  /** nbf lies in the future */
  | 'not-yet-valid'
  /** sub, unit, role or exp is absent */
  | 'missing-claim'
  /** a claim is present but unusable (unknown role, empty unit …) */
  | 'bad-claim'
  /** exp − iat, or exp from now, exceeds the maximum lifetime */
  | 'lifetime-too-long'
  /** the unit claim names no unit of the registry (see TokenService) */
  | 'unknown-unit';

/** A presented token cannot be trusted; `message` says why in plain words. */
export class InvalidToken extends Error {
  constructor(
    readonly reason: InvalidTokenReason,
    message: string,
  ) {
    super(message);
    this.name = 'InvalidToken';
  }
}

/** mintToken was asked for a token it must not issue (unknown role, empty unit, bad lifetime). */
export class InvalidTokenRequest extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidTokenRequest';
  }
}

/** The claims Duban puts in a token. */
export interface TokenClaims {
  sub: string;
  unit: string;
  role: HumanRole;
  iat: number;
  exp: number;
}

export interface MintOptions {
  /**
   * Lifetime: whole seconds as a number, or a string such as "90s", "30m",
   * "12h", "7d" (a bare "3600" means seconds). Default DEFAULT_TOKEN_LIFETIME.
   */
  expiresIn?: number | string;
  /** The issue time (tests); default now. */
  now?: Date;
  /** The longest lifetime allowed, in seconds; default DEFAULT_MAX_TOKEN_LIFETIME_SECONDS. */
  maxLifetimeSeconds?: number;
}

export interface VerifyOptions {
  /** The time to check exp/nbf against (tests); default now. */
  now?: Date;
  /** Seconds of clock skew tolerated on exp/nbf; default 0. */
  clockToleranceSeconds?: number;
  /** The longest lifetime accepted (exp − iat, and exp from now), in seconds; default DEFAULT_MAX_TOKEN_LIFETIME_SECONDS. */
  maxLifetimeSeconds?: number;
}

/** A role a token may name: a person's role. 'system' (the ladder's clock) is never one: no request acts as the clock. */
export function isRole(value: unknown): value is HumanRole {
  return typeof value === 'string' && (HUMAN_ROLES as readonly string[]).includes(value);
}

/**
 * Parses a lifetime ("30m", "12h", "7d", "90s", "3600" or 3600) into whole
 * seconds; throws InvalidTokenRequest for anything else or for zero.
 */
export function parseLifetime(value: number | string): number {
  const seconds = parseDurationSeconds(value);
  if (seconds === null) {
    throw new InvalidTokenRequest(
      `lifetime ${JSON.stringify(value)} is not valid: use whole seconds or a number with s, m, h or d (e.g. 30m, 12h, 7d)`,
    );
  }
  return seconds;
}

/** Throws a plain Error for a secret too short to sign with (a configuration fault, not a bad token). */
export function assertUsableSecret(secret: string): void {
  if (typeof secret !== 'string' || secret.length < MIN_SECRET_LENGTH) {
    throw new Error(`the JWT secret must be a string of at least ${MIN_SECRET_LENGTH} characters`);
  }
}

/** Problem with a sub/unit text, or null when usable. Text is never altered, only checked. */
function textProblem(value: unknown): string | null {
  if (typeof value !== 'string') return 'must be a string';
  if (value.trim() === '') return 'must not be empty';
  if (value !== value.trim()) return 'must not start or end with spaces';
  return null;
}

/**
 * Signs a token for an actor. Throws InvalidTokenRequest for an unknown role,
 * an empty user or unit, or a bad lifetime.
 */
/**
 * The HS256 key as a KeyObject, made once per secret: handed a string,
 * jsonwebtoken first tries to parse it as a PEM public key, which fails inside
 * OpenSSL on every call (measured: ~420 µs per verify against ~10 µs).
 */
const keys = new Map<string, KeyObject>();
function keyFor(secret: string): KeyObject {
  let key = keys.get(secret);
  if (!key) {
    key = createSecretKey(Buffer.from(secret, 'utf8'));
    if (keys.size > 16) keys.clear(); // a process uses one or two secrets; never grow without bound
    keys.set(secret, key);
  }
  return key;
}

export function mintToken(actor: Actor, secret: string, options: MintOptions = {}): string {
  assertUsableSecret(secret);
  const { userId, unitId, role } = actor;
  const userProblem = textProblem(userId);
  if (userProblem) throw new InvalidTokenRequest(`user ${userProblem}`);
  const unitProblem = textProblem(unitId);
  if (unitProblem) throw new InvalidTokenRequest(`unit ${unitProblem}`);
  if (!isRole(role)) {
    throw new InvalidTokenRequest(`role ${JSON.stringify(role)} is not one of ${HUMAN_ROLES.join(', ')}`);
  }
  const lifetime = parseLifetime(options.expiresIn ?? DEFAULT_TOKEN_LIFETIME);
  const max = options.maxLifetimeSeconds ?? DEFAULT_MAX_TOKEN_LIFETIME_SECONDS;
  if (lifetime > max) {
    throw new InvalidTokenRequest(`lifetime ${JSON.stringify(options.expiresIn)} (${lifetime} s) is longer than the maximum ${max} s (DUBAN_TOKEN_MAX_LIFETIME)`);
  }
  const iat = Math.floor((options.now ?? new Date()).getTime() / 1000);
  const claims: TokenClaims = { sub: userId, unit: unitId, role, iat, exp: iat + lifetime };
  return jwt.sign(claims, keyFor(secret), { algorithm: TOKEN_ALGORITHM });
}

const COMPACT_JWT = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

/**
 * Checks a token and returns the Actor it names. Throws InvalidToken (with a
 * reason) for anything not signed with HS256 and this secret, expired, not yet
 * valid, or missing/bad claims. Throws a plain Error only for a bad secret.
 */
export function verifyToken(token: string, secret: string, options: VerifyOptions = {}): Actor {
  return verifyTokenWindow(token, secret, options).actor;
}

/** A verified token's actor and the window it is valid in (epoch ms; nbf 0 when absent). */
export interface VerifiedToken {
  readonly actor: Actor;
  readonly expMs: number;
  readonly nbfMs: number;
}

/** verifyToken, also returning exp and nbf (read from the payload it verified) for a caller that keeps the result. */
export function verifyTokenWindow(token: string, secret: string, options: VerifyOptions = {}): VerifiedToken {
  assertUsableSecret(secret);
  if (typeof token !== 'string' || !COMPACT_JWT.test(token)) {
    throw new InvalidToken('malformed', 'token is not a compact JWT (header.payload.signature)');
  }
  let decoded: jwt.Jwt | null;
  try {
    decoded = jwt.decode(token, { complete: true });
  } catch {
    decoded = null;
  }
  if (!decoded || typeof decoded.header !== 'object' || decoded.header === null) {
    throw new InvalidToken('malformed', 'token header or payload is not valid JSON');
  }
  const body: unknown = decoded.payload;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new InvalidToken('malformed', 'token payload is not a JSON object');
  }
  const alg: unknown = decoded.header.alg;
  if (alg !== TOKEN_ALGORITHM) {
    throw new InvalidToken('unsupported-algorithm', `token algorithm ${JSON.stringify(alg ?? null)} is not accepted (only ${TOKEN_ALGORITHM})`);
  }

  let payload: string | jwt.JwtPayload;
  try {
    payload = jwt.verify(token, keyFor(secret), {
      algorithms: [TOKEN_ALGORITHM],
      clockTimestamp: options.now ? Math.floor(options.now.getTime() / 1000) : undefined,
      clockTolerance: options.clockToleranceSeconds ?? 0,
    });
  } catch (err) {
    if (err instanceof jwt.TokenExpiredError) {
      throw new InvalidToken('expired', `token expired at ${err.expiredAt.toISOString()}`);
    }
    if (err instanceof jwt.NotBeforeError) {
      throw new InvalidToken('not-yet-valid', `token is not valid before ${err.date.toISOString()}`);
    }
    if (err instanceof jwt.JsonWebTokenError) {
      if (err.message === 'invalid signature') throw new InvalidToken('bad-signature', 'token signature is invalid');
      if (err.message === 'invalid algorithm') {
        throw new InvalidToken('unsupported-algorithm', `only ${TOKEN_ALGORITHM} tokens are accepted`);
      }
      if (/^invalid (exp|nbf) value$/.test(err.message)) throw new InvalidToken('bad-claim', `token ${err.message}`);
      throw new InvalidToken('malformed', `token rejected: ${err.message}`);
    }
    // the secret was checked above, so anything else is also the token's fault
    throw new InvalidToken('malformed', 'token could not be read');
  }

  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
    throw new InvalidToken('malformed', 'token payload is not a JSON object');
  }
  const actor = actorFromClaims(payload);
  const nowSeconds = (options.now ?? new Date()).getTime() / 1000;
  requireBoundedLifetime(payload, nowSeconds, options.maxLifetimeSeconds ?? DEFAULT_MAX_TOKEN_LIFETIME_SECONDS);
  return { actor, expMs: (payload.exp as number) * 1000, nbfMs: typeof payload.nbf === 'number' ? payload.nbf * 1000 : 0 };
}

/**
 * A token may not live longer than the maximum: neither as issued (exp − iat)
 * nor from now (exp − now, which also covers a token without iat or with an
 * iat set in the past to make exp − iat look short). exp 1e300 is refused here.
 */
function requireBoundedLifetime(payload: Record<string, unknown>, nowSeconds: number, maxSeconds: number): void {
  const exp = payload.exp as number; // a finite number: checked by actorFromClaims
  if (payload.iat !== undefined && (typeof payload.iat !== 'number' || !Number.isFinite(payload.iat))) {
    throw new InvalidToken('bad-claim', 'token iat claim must be a number');
  }
  const issued = typeof payload.iat === 'number' ? exp - payload.iat : 0;
  const remaining = exp - nowSeconds;
  if (issued > maxSeconds || remaining > maxSeconds) {
    throw new InvalidToken(
      'lifetime-too-long',
      `token lifetime is longer than the maximum of ${maxSeconds} s (DUBAN_TOKEN_MAX_LIFETIME): mint a shorter-lived token`,
    );
  }
}

/** Reads sub/unit/role/exp from a verified payload (exact text, no normalisation). */
function actorFromClaims(payload: Record<string, unknown>): Actor {
  const missing = ['sub', 'unit', 'role', 'exp'].filter((k) => payload[k] === undefined || payload[k] === null);
  if (missing.length > 0) {
    throw new InvalidToken('missing-claim', `token lacks the ${missing.join(', ')} claim${missing.length > 1 ? 's' : ''}`);
  }
  if (typeof payload.exp !== 'number' || !Number.isFinite(payload.exp)) {
    throw new InvalidToken('bad-claim', 'token exp claim must be a number');
  }
  const subProblem = textProblem(payload.sub);
  if (subProblem) throw new InvalidToken('bad-claim', `token sub claim ${subProblem}`);
  const unitProblem = textProblem(payload.unit);
  if (unitProblem) throw new InvalidToken('bad-claim', `token unit claim ${unitProblem}`);
  if (!isRole(payload.role)) {
    throw new InvalidToken('bad-claim', `token role ${JSON.stringify(payload.role)} is not one of ${HUMAN_ROLES.join(', ')}`);
  }
  return Object.freeze({ userId: payload.sub as string, unitId: payload.unit as string, role: payload.role });
}
