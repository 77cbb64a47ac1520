/**
 * The scheduler port: Duban's alarm clock. The source of truth for what is due is the event log (the ladder
 * processor's due table); a scheduler only wakes the processor up at the right instant. Two adapters pass one
 * contract suite (testing/scheduler.contract.ts): BullMQ delayed jobs and job schedulers (REDIS_URL set) and an
 * in-process set of armed timers with one wake-up for the next due instant (the embedded default).
 *
 * Instants are epoch milliseconds (UTC). Payloads are JSON values: both adapters deliver what JSON.parse of
 * JSON.stringify gives back.
 */

/** A one-off alarm. The id is chosen by the caller and is deterministic, e.g. `ladder-<item>-<step>-<deadline version>`. */
export interface Timer<P = unknown> {
  id: string;
  /** When it is due (epoch ms). A past instant fires at once. */
  dueAt: number;
  payload: P;
}

/** A cron schedule, evaluated in a time zone (Duban: Beijing time). */
export interface RecurringSchedule {
  /** Cron pattern, 5 fields (minute first) or 6 (second first), as cron-parser reads it. */
  pattern: string;
  /** IANA zone the pattern is read in, e.g. 'Asia/Shanghai'. */
  tz: string;
}

/** What a handler receives when a timer or an occurrence of a recurring schedule comes due. */
export interface Fire<P = unknown> {
  kind: 'timer' | 'recurring';
  /** The timer id, or the recurring schedule's id. */
  id: string;
  /** The instant it was due: the timer's dueAt, or this occurrence of the schedule. */
  dueAt: number;
  payload: P;
  /** 1 on the first run, 2 after one failure, … */
  attempt: number;
}

/**
 * Runs at least once per due timer (and per occurrence). A timer is done only when the handler resolves; a
 * rejection is retried with backoff. So the handler's effect must be idempotent (Duban: deterministic event ids).
 */
export type FireHandler<P = unknown> = (fire: Fire<P>) => Promise<void>;

export interface SchedulerHealth {
  status: 'up' | 'down';
  /** Why it is down, and what to do about it. */
  reason?: string;
}

export interface Scheduler<P = unknown> {
  readonly kind: 'bullmq' | 'in-process';
  /**
   * Arms timers, idempotent by id: arming an armed id with the same dueAt and payload changes nothing; with another
   * dueAt or payload it moves it. An id whose handler is running right now is armed again for its new instant once
   * that run ends. Ids are checked first (assertTimerId): one bad id refuses the whole batch, nothing is armed.
   */
  arm(timers: readonly Timer<P>[]): Promise<void>;
  /** Disarms timers by id; unknown ids are ignored. A run already under way finishes. */
  disarm(ids: readonly string[]): Promise<void>;
  /** Ids of the timers armed and not yet done (waiting, retrying or running): what reconcile compares with. */
  armedIds(): Promise<string[]>;
  /** Creates or replaces a recurring schedule. BullMQ: a job scheduler; it never backfills missed occurrences. */
  upsertRecurring(id: string, schedule: RecurringSchedule, payload: P): Promise<void>;
  removeRecurring(id: string): Promise<void>;
  recurringIds(): Promise<string[]>;
  /** Starts delivering due timers to the handler (once per scheduler instance). */
  start(handler: FireHandler<P>): Promise<void>;
  health(): Promise<SchedulerHealth>;
  /** Stops taking new work, waits for the runs under way to finish, releases connections. Idempotent. */
  close(): Promise<void>;
}

/** Backoff after a failed run: initialMs · 2^(attempt−1), at most maxMs. */
export interface RetryPolicy {
  initialMs: number;
  maxMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { initialMs: 1_000, maxMs: 5 * 60_000 };

/** Delay before the next attempt after `failedAttempts` failures (1 → initialMs). */
export function backoffDelay(policy: RetryPolicy, failedAttempts: number): number {
  return Math.min(policy.maxMs, policy.initialMs * 2 ** Math.max(0, Math.min(failedAttempts - 1, 30)));
}

export class InvalidTimerIdError extends Error {
  constructor(readonly id: string, reason: string) {
    super(`invalid timer id ${JSON.stringify(id)}: ${reason}`);
    this.name = 'InvalidTimerIdError';
  }
}

/**
 * Timer and schedule ids: 1–200 characters, no ':' (BullMQ's key separator), no white space or control characters,
 * and not a plain integer (BullMQ keeps those for its own ids). Both adapters refuse the same ids, so code that runs
 * embedded also runs on Redis.
 */
export function assertTimerId(id: unknown): asserts id is string {
  if (typeof id !== 'string') throw new InvalidTimerIdError(String(id), 'must be a string');
  if (id.length === 0 || id.length > 200) throw new InvalidTimerIdError(id, 'must be 1 to 200 characters long');
  if (id.includes(':')) throw new InvalidTimerIdError(id, "must not contain ':' (use '-', e.g. ladder-<item>-<step>-<version>)");
  if (/[\s\p{Cc}]/u.test(id)) throw new InvalidTimerIdError(id, 'must not contain white space or control characters');
  if (/^\d+$/.test(id)) throw new InvalidTimerIdError(id, 'must not be a plain integer');
}

/** Checks a batch before anything is armed: ids, instants, and one entry per id. */
export function assertTimers(timers: readonly Timer[]): void {
  const seen = new Set<string>();
  for (const t of timers) {
    assertTimerId(t.id);
    if (!Number.isFinite(t.dueAt)) throw new InvalidTimerIdError(t.id, `dueAt ${String(t.dueAt)} is not an instant (epoch ms)`);
    if (seen.has(t.id)) throw new InvalidTimerIdError(t.id, 'appears twice in one arm() call');
    seen.add(t.id);
  }
}

/** The JSON round trip both adapters apply to payloads, so the embedded scheduler cannot hand out what Redis could not. */
export function jsonCopy<T>(value: T): T {
  return value === undefined ? (null as T) : (JSON.parse(JSON.stringify(value)) as T);
}
