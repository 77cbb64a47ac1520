import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { calendarFileProblem } from './calendar-file';
import type { LadderRule } from '@duban/domain/ladder';
import { InvalidLadderRule, resolveLadderRule } from '@duban/domain/ladder';

/**
 * Duban's configuration, read from the environment once at start-up.
 * Every variable is optional: with none set, Duban runs embedded (SQLite event
 * store in ./data, in-process scheduler). A bad value stops the process with a
 * message naming the variable.
 */
export interface AppConfig {
  port: number;
  dataDir: string;
  kurrentDbUrl: string | null;
  redisUrl: string | null;
  /** Null when not set: embedded mode keeps a generated secret in the data dir (see jwtSecret()). */
  jwtSecret: string | null;
  sqliteSynchronous: 'FULL' | 'NORMAL';
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** How often the worker seals the KurrentDB chains, in seconds (0 = never). */
  sealIntervalSeconds: number;
  /** A working-day calendar JSON replacing the shipped one (e.g. with next year's notice); null = shipped. */
  calendarFile: string | null;
  /** The longest a bearer token may live (exp − iat, and exp − now), in seconds: longer tokens are refused and not minted. */
  tokenMaxLifetimeSeconds: number;
  /** How often the api verifies the hash chains past its last verified head, in seconds (0 = only at start). */
  verifyIntervalSeconds: number;
  /** No command takes effect before this instant (ISO 8601 with offset): back-filling stops here. */
  effectiveTimeFloor: string;
  /** The lateness ladder's rule (DUBAN_LADDER_RULE), validated: one rule per process for the steps, nextStep and the ledger's colours. */
  ladderRule: LadderRule;
  /** Whether this process runs the processors (park rules, task progress, the ladder) and the scheduler's worker. */
  processors: boolean;
  /** How often the ladder processor re-arms the due table into the scheduler, in seconds (0 = only at start). */
  reconcileIntervalSeconds: number;
}

/** The default floor of effective times: no supervision record of this office predates 2000. */
export const DEFAULT_EFFECTIVE_TIME_FLOOR = '2000-01-01T00:00:00+08:00';

export interface ConfigVariable {
  name: string;
  default: string;
  meaning: string;
}

/** The table the README shows; kept beside the parser so the two cannot drift. */
export const CONFIG_VARIABLES: ConfigVariable[] = [
  { name: 'PORT', default: '3000', meaning: 'HTTP port of the api' },
  { name: 'DUBAN_DATA_DIR', default: './data', meaning: 'where the embedded event store (duban.db), read models and the generated JWT secret live' },
  { name: 'KURRENTDB_URL', default: '(unset: embedded SQLite)', meaning: 'KurrentDB/EventStoreDB connection string, kurrentdb:// or esdb://' },
  { name: 'REDIS_URL', default: '(unset: in-process scheduler)', meaning: 'Redis for BullMQ timers and cycles, redis:// or rediss://' },
  { name: 'JWT_SECRET', default: '(unset: generated into DUBAN_DATA_DIR/jwt-secret)', meaning: 'HS256 secret for bearer tokens, at least 32 characters' },
  { name: 'DUBAN_SQLITE_SYNCHRONOUS', default: 'FULL', meaning: 'FULL: an acknowledged append survives power loss; NORMAL: faster, survives a process crash but may lose the last commits on power loss' },
  { name: 'LOG_LEVEL', default: 'info', meaning: 'pino log level: fatal, error, warn, info, debug, trace, silent' },
  { name: 'DUBAN_SEAL_INTERVAL_SECONDS', default: '300', meaning: 'worker: how often to seal the KurrentDB hash chains (0 = never)' },
  { name: 'DUBAN_TOKEN_MAX_LIFETIME', default: '30d', meaning: 'the longest a bearer token may live (exp − iat, and exp from now): seconds, or a number with s, m, h or d; longer tokens get 401 and `duban token` will not mint them' },
  { name: 'DUBAN_VERIFY_INTERVAL_SECONDS', default: '60', meaning: 'api: how often to verify the hash chains of the events written since the last verified head (0 = only at start); a break makes /ready 503 and refuses writes' },
  { name: 'DUBAN_CALENDAR_FILE', default: '(unset: the shipped official calendar 2019–2026)', meaning: "a working-day calendar JSON in the shipped file's format, e.g. with the next year's State Council notice" },
  { name: 'DUBAN_PROCESSORS', default: 'on', meaning: 'on: this process runs the processors (park rules, task progress → targets, the lateness ladder) and the timers\' worker; off: it does not (docker compose: off for the api, on for the worker)' },
  { name: 'DUBAN_RECONCILE_INTERVAL_SECONDS', default: '300', meaning: 'how often the ladder processor re-arms every due-table entry missing from the scheduler and fires the ones already due (0 = only at start)' },
  { name: 'DUBAN_EFFECTIVE_TIME_FLOOR', default: DEFAULT_EFFECTIVE_TIME_FLOOR, meaning: 'the earliest effective time a command may carry (ISO 8601 with offset, in the past); an earlier effectiveAt is refused with 422' },
  { name: 'DUBAN_LADDER_RULE', default: '(unset: duban-ladder-v1)', meaning: 'the lateness ladder (临近提醒, 催办, 督办, 通报批评): a built-in rule id or the rule as JSON; its thresholds also colour the ledger' },
];

/** DUBAN_TOKEN_MAX_LIFETIME when unset: 30 days. */
export const DEFAULT_TOKEN_MAX_LIFETIME_SECONDS = 30 * 86400;
/** No configuration may let a token live longer than a year (and a day): a leaked token must die. */
const MAX_TOKEN_LIFETIME_CEILING_SECONDS = 366 * 86400;

const DURATION_UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };

/**
 * "90s", "30m", "12h", "7d" or "3600" (seconds) as whole seconds; null for
 * anything else or zero. Shared by the configuration and the token lifetimes
 * (@duban/access parseLifetime), so both read a lifetime the same way.
 */
export function parseDurationSeconds(value: number | string): number | null {
  let seconds: number | undefined;
  if (typeof value === 'number') {
    seconds = Number.isInteger(value) ? value : undefined;
  } else {
    const m = /^\s*(\d{1,9})\s*([smhd]?)\s*$/i.exec(value);
    if (m) seconds = Number(m[1]) * DURATION_UNITS[(m[2] || 's').toLowerCase()]!;
  }
  return seconds === undefined || !Number.isSafeInteger(seconds) || seconds <= 0 ? null : seconds;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  ${problems.join('\n  ')}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

export function loadConfig(env: Env = process.env): AppConfig {
  const problems: string[] = [];
  const value = (name: string) => {
    const v = env[name];
    return v === undefined || v.trim() === '' ? undefined : v.trim();
  };
  const integer = (name: string, fallback: number, min: number, max: number): number => {
    const v = value(name);
    if (v === undefined) return fallback;
    if (!/^\d+$/.test(v) || Number(v) < min || Number(v) > max) {
      problems.push(`${name}=${JSON.stringify(v)} must be a whole number from ${min} to ${max}`);
      return fallback;
    }
    return Number(v);
  };
  const oneOf = <T extends string>(name: string, allowed: readonly T[], fallback: T): T => {
    const v = value(name);
    if (v === undefined) return fallback;
    const match = allowed.find((a) => a.toLowerCase() === v.toLowerCase());
    if (!match) problems.push(`${name}=${JSON.stringify(v)} must be one of ${allowed.join(', ')}`);
    return match ?? fallback;
  };
  const url = (name: string, schemes: RegExp, example: string): string | null => {
    const v = value(name);
    if (v === undefined) return null;
    if (!schemes.test(v)) {
      problems.push(`${name}=${JSON.stringify(v)} is not a valid connection string (expected e.g. ${example})`);
      return null;
    }
    return v;
  };

  const lifetime = (name: string, fallback: number): number => {
    const v = value(name);
    if (v === undefined) return fallback;
    const seconds = parseDurationSeconds(v);
    if (seconds === null || seconds > MAX_TOKEN_LIFETIME_CEILING_SECONDS) {
      problems.push(`${name}=${JSON.stringify(v)} must be a lifetime from 1s to 366d: whole seconds or a number with s, m, h or d (e.g. 12h, 30d)`);
      return fallback;
    }
    return seconds;
  };

  const instantInThePast = (name: string, fallback: string): string => {
    const v = value(name);
    if (v === undefined) return fallback;
    const ms = ISO_INSTANT.test(v) ? Date.parse(v) : NaN;
    if (Number.isNaN(ms) || ms > Date.now()) {
      problems.push(`${name}=${JSON.stringify(v)} must be an ISO 8601 instant with an offset, in the past (e.g. ${DEFAULT_EFFECTIVE_TIME_FLOOR})`);
      return fallback;
    }
    return v;
  };

  const ladderRule = (name: string): LadderRule => {
    try {
      return resolveLadderRule(value(name));
    } catch (error) {
      if (!(error instanceof InvalidLadderRule)) throw error;
      problems.push(`${name}: ${error.field} ${error.reason}`);
      return resolveLadderRule(undefined);
    }
  };

  const jwt = value('JWT_SECRET') ?? null;
  if (jwt !== null && jwt.length < 32) problems.push('JWT_SECRET must be at least 32 characters long');

  const config: AppConfig = {
    port: integer('PORT', 3000, 1, 65535),
    dataDir: resolve(value('DUBAN_DATA_DIR') ?? './data'),
    kurrentDbUrl: url('KURRENTDB_URL', /^(kurrentdb|kdb|esdb)(\+discover)?:\/\/[^\s]+$/i, 'kurrentdb://127.0.0.1:2113?tls=false'),
    redisUrl: url('REDIS_URL', /^rediss?:\/\/[^\s]+$/i, 'redis://127.0.0.1:6379'),
    jwtSecret: jwt,
    sqliteSynchronous: oneOf('DUBAN_SQLITE_SYNCHRONOUS', ['FULL', 'NORMAL'] as const, 'FULL'),
    logLevel: oneOf('LOG_LEVEL', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const, 'info'),
    sealIntervalSeconds: integer('DUBAN_SEAL_INTERVAL_SECONDS', 300, 0, 86400),
    calendarFile: value('DUBAN_CALENDAR_FILE') ? resolve(value('DUBAN_CALENDAR_FILE')!) : null,
    tokenMaxLifetimeSeconds: lifetime('DUBAN_TOKEN_MAX_LIFETIME', DEFAULT_TOKEN_MAX_LIFETIME_SECONDS),
    verifyIntervalSeconds: integer('DUBAN_VERIFY_INTERVAL_SECONDS', 60, 0, 86400),
    effectiveTimeFloor: instantInThePast('DUBAN_EFFECTIVE_TIME_FLOOR', DEFAULT_EFFECTIVE_TIME_FLOOR),
    ladderRule: ladderRule('DUBAN_LADDER_RULE'),
    processors: oneOf('DUBAN_PROCESSORS', ['on', 'off'] as const, 'on') === 'on',
    reconcileIntervalSeconds: integer('DUBAN_RECONCILE_INTERVAL_SECONDS', 300, 0, 86400),
  };
  const calendarProblem = config.calendarFile ? calendarFileProblem(config.calendarFile) : null;
  if (calendarProblem) problems.push(calendarProblem);
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

/** The embedded event store file. */
export function eventStoreFile(config: AppConfig): string {
  return join(config.dataDir, 'duban.db');
}

/**
 * The JWT secret: JWT_SECRET when set; otherwise one generated on first start
 * and kept (mode 0600) in the data dir, so tokens survive restarts.
 */
export function jwtSecret(config: AppConfig): string {
  if (config.jwtSecret) return config.jwtSecret;
  const file = join(config.dataDir, 'jwt-secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(config.dataDir, { recursive: true });
  const secret = randomBytes(48).toString('base64url');
  writeFileSync(file, `${secret}\n`, { mode: 0o600, flag: 'wx' });
  chmodSync(file, 0o600);
  return secret;
}
