import type { Clock } from './clock';
import type { Scheduler, Timer } from './scheduler.port';

/** One row of the ladder processor's due table (the source of truth), as the timer that should be armed for it. */
export type DueEntry<P = unknown> = Timer<P>;

export interface ReconcileOptions {
  clock: Clock;
  /** Timers per arm() call (default 1,000). */
  batchSize?: number;
  /** Also disarm armed timers that have no entry (default false: a stale alarm is harmless, its handler finds nothing due). */
  disarmUnknown?: boolean;
}

export interface ReconcileReport {
  entries: number;
  alreadyArmed: number;
  /** Entries that were missing from the scheduler and are armed again. */
  rearmed: number;
  /** Of those, already due: they fire at once, oldest first. */
  overdue: number;
  disarmed: number;
}

/**
 * Makes the scheduler agree with the due table: every entry missing from it is armed again, oldest first, so the
 * ones already due fire at once in due order. Redis is only the alarm clock; after a FLUSHALL, a restart without
 * AOF or a start of the embedded scheduler (which remembers nothing), this brings back every timer. Neither
 * adapter backfills by itself. Entries already armed are left alone (arm() would only move them if the due
 * instant differs; the processor arms changed entries itself when it reads the change).
 */
export async function reconcile<P>(scheduler: Scheduler<P>, entries: Iterable<DueEntry<P>>, options: ReconcileOptions): Promise<ReconcileReport> {
  const batchSize = Math.max(1, options.batchSize ?? 1000);
  const armed = new Set(await scheduler.armedIds());
  const wanted = new Set<string>();
  const missing: DueEntry<P>[] = [];
  let count = 0;
  for (const entry of entries) {
    count++;
    wanted.add(entry.id);
    if (!armed.has(entry.id)) missing.push(entry);
  }
  missing.sort((a, b) => a.dueAt - b.dueAt);
  for (let i = 0; i < missing.length; i += batchSize) await scheduler.arm(missing.slice(i, i + batchSize));

  let disarmed = 0;
  if (options.disarmUnknown) {
    const unknown = [...armed].filter((id) => !wanted.has(id));
    for (let i = 0; i < unknown.length; i += batchSize) await scheduler.disarm(unknown.slice(i, i + batchSize));
    disarmed = unknown.length;
  }
  const now = options.clock.now();
  return {
    entries: count,
    alreadyArmed: count - missing.length,
    rearmed: missing.length,
    overdue: missing.filter((e) => e.dueAt <= now).length,
    disarmed,
  };
}
