/**
 * The clock port. Scheduler and reconcile code read time only through it (never Date.now()), so a test — or a demo
 * that runs a year of deadlines on a simulated clock — can drive time by hand and see due timers fire in order.
 */
export interface Clock {
  /** Now, in epoch milliseconds. */
  now(): number;
  /**
   * Resolves once now() ≥ instant (at once when it already is). An abort rejects with the signal's reason and
   * releases the wait. A controlled clock resolves it when advanced past the instant, not when real time passes.
   */
  sleepUntil(instant: number, signal?: AbortSignal): Promise<void>;
}

function aborted(signal: AbortSignal): Error {
  return signal.reason instanceof Error ? signal.reason : new Error('aborted');
}

/** Real time. Long waits are cut into steps so a suspended laptop or a changed system clock is noticed. */
export class SystemClock implements Clock {
  private static readonly MAX_STEP_MS = 60_000;

  now(): number {
    return Date.now();
  }

  sleepUntil(instant: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(aborted(signal));
      let timer: NodeJS.Timeout | undefined;
      const onAbort = () => {
        clearTimeout(timer);
        reject(aborted(signal!));
      };
      const step = () => {
        const left = instant - Date.now();
        if (left <= 0) {
          signal?.removeEventListener('abort', onAbort);
          return resolve();
        }
        timer = setTimeout(step, Math.min(left, SystemClock.MAX_STEP_MS));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      step();
    });
  }
}

interface Sleeper {
  instant: number;
  seq: number;
  resolve: () => void;
}

/** Lets the event loop run what the last wake-ups started (promise chains, I/O callbacks) before time moves on. */
async function settle(turns = 5): Promise<void> {
  for (let i = 0; i < turns; i++) await new Promise<void>((r) => setImmediate(r));
}

/**
 * A clock that moves only when told to. advance() walks through the pending wake-ups in instant order, setting
 * now() to each one and letting the woken code run before going on, so timers fire in due order and see
 * now() equal to their due instant.
 */
export class ManualClock implements Clock {
  private current: number;
  private sleepers: Sleeper[] = [];
  private seq = 0;

  constructor(start: number | Date | string = '2026-01-05T09:00:00+08:00') {
    this.current = typeof start === 'number' ? start : new Date(start).getTime();
    if (!Number.isFinite(this.current)) throw new Error(`ManualClock: ${String(start)} is not an instant`);
  }

  now(): number {
    return this.current;
  }

  sleepUntil(instant: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(aborted(signal));
    if (instant <= this.current) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const sleeper: Sleeper = { instant, seq: this.seq++, resolve: () => resolve() };
      this.sleepers.push(sleeper);
      signal?.addEventListener(
        'abort',
        () => {
          this.sleepers = this.sleepers.filter((s) => s !== sleeper);
          reject(aborted(signal));
        },
        { once: true },
      );
    });
  }

  /** Moves time forward by ms, waking sleepers in instant order (see the class comment). */
  advance(ms: number): Promise<void> {
    if (!(ms >= 0)) throw new Error(`ManualClock.advance: ${ms} is not a duration ≥ 0`);
    return this.advanceTo(this.current + ms);
  }

  /** Moves time forward to instant (never backwards), waking sleepers in instant order. */
  async advanceTo(instant: number): Promise<void> {
    await settle();
    for (;;) {
      const next = this.sleepers.reduce<Sleeper | undefined>(
        (a, s) => (a === undefined || s.instant < a.instant || (s.instant === a.instant && s.seq < a.seq) ? s : a),
        undefined,
      );
      if (next === undefined || next.instant > instant) break;
      this.current = Math.max(this.current, next.instant);
      const woken = this.sleepers.filter((s) => s.instant <= this.current);
      this.sleepers = this.sleepers.filter((s) => s.instant > this.current);
      for (const s of woken) s.resolve();
      await settle();
    }
    this.current = Math.max(this.current, instant);
    await settle();
  }

  /** How many waits are pending (for tests of the scheduler's single wake-up). */
  get pendingSleeps(): number {
    return this.sleepers.length;
  }
}
