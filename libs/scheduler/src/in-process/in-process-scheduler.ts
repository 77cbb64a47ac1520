import type { Clock } from '../clock';
import { assertSchedule, nextOccurrence } from '../cron';
import {
  assertTimerId,
  assertTimers,
  backoffDelay,
  DEFAULT_RETRY,
  Fire,
  FireHandler,
  jsonCopy,
  RecurringSchedule,
  RetryPolicy,
  Scheduler,
  SchedulerHealth,
  Timer,
} from '../scheduler.port';
import { HeapItem, MinHeap } from './min-heap';

export interface InProcessSchedulerOptions {
  clock: Clock;
  retry?: RetryPolicy;
  /** Handlers running at once; 1 (the default) runs due timers one at a time, oldest first. */
  concurrency?: number;
  /** Called with a run's error before it is retried (Nest: the logger). */
  onError?: (fire: Fire, err: unknown) => void;
}

/** A timer, or one occurrence of a recurring schedule, armed and not yet done. */
interface Armed {
  key: string;
  fire: Omit<Fire, 'attempt'>;
  /** When to run next: dueAt, or a retry's instant. */
  wakeAt: number;
  /** Runs that failed so far. */
  failures: number;
  /** Changes on every (re-)arm: a heap slot or a run holding an older generation is stale. */
  gen: number;
}

interface Wake extends HeapItem {
  key: string;
  gen: number;
}

const timerKey = (id: string) => `t:${id}`;
const occurrenceKey = (id: string, dueAt: number) => `r:${id}@${dueAt}`;

/**
 * The embedded scheduler (REDIS_URL unset): armed timers live in memory, and ONE clock wait is pending, for the
 * earliest of them. Nothing survives a restart by design: the ladder processor reconciles from its due table at
 * start, which re-arms every timer and fires the overdue ones (reconcile.ts).
 */
export class InProcessScheduler<P = unknown> implements Scheduler<P> {
  readonly kind = 'in-process' as const;
  private readonly armed = new Map<string, Armed>();
  private readonly heap = new MinHeap<Wake>();
  private readonly running = new Map<string, Promise<void>>();
  private readonly schedules = new Map<string, { schedule: RecurringSchedule; payload: P }>();
  private readonly retry: RetryPolicy;
  private readonly concurrency: number;
  private handler: FireHandler<P> | null = null;
  private loopDone: Promise<void> | null = null;
  private wait: AbortController | null = null;
  private closed = false;
  private seq = 0;
  private gen = 0;

  constructor(private readonly options: InProcessSchedulerOptions) {
    this.retry = options.retry ?? DEFAULT_RETRY;
    this.concurrency = Math.max(1, options.concurrency ?? 1);
  }

  async arm(timers: readonly Timer<P>[]): Promise<void> {
    assertTimers(timers);
    for (const t of timers) {
      const key = timerKey(t.id);
      const payload = jsonCopy(t.payload);
      const current = this.armed.get(key);
      if (current && current.fire.dueAt === t.dueAt && JSON.stringify(current.fire.payload) === JSON.stringify(payload)) continue;
      this.put({ key, fire: { kind: 'timer', id: t.id, dueAt: t.dueAt, payload }, wakeAt: t.dueAt, failures: 0, gen: 0 });
    }
  }

  async disarm(ids: readonly string[]): Promise<void> {
    for (const id of ids) this.armed.delete(timerKey(id));
    this.wakeUp();
  }

  async armedIds(): Promise<string[]> {
    return [...this.armed.values()].filter((a) => a.fire.kind === 'timer').map((a) => a.fire.id);
  }

  async upsertRecurring(id: string, schedule: RecurringSchedule, payload: P): Promise<void> {
    assertTimerId(id);
    assertSchedule(schedule);
    this.dropOccurrences(id);
    this.schedules.set(id, { schedule: { ...schedule }, payload: jsonCopy(payload) });
    this.armNextOccurrence(id, this.options.clock.now());
  }

  async removeRecurring(id: string): Promise<void> {
    this.schedules.delete(id);
    this.dropOccurrences(id);
    this.wakeUp();
  }

  async recurringIds(): Promise<string[]> {
    return [...this.schedules.keys()];
  }

  async start(handler: FireHandler<P>): Promise<void> {
    if (this.handler) throw new Error('scheduler already started');
    if (this.closed) throw new Error('scheduler is closed');
    this.handler = handler;
    this.loopDone = this.loop();
  }

  async health(): Promise<SchedulerHealth> {
    return this.closed ? { status: 'down', reason: 'the in-process scheduler is closed' } : { status: 'up' };
  }

  async close(): Promise<void> {
    this.closed = true;
    this.wakeUp();
    await this.loopDone;
    await Promise.allSettled([...this.running.values()]);
  }

  // ------------------------------------------------------------------ internals

  /** (Re-)arms an entry under a new generation; a run under way keeps going and sees the new generation when it ends. */
  private put(entry: Armed): void {
    entry.gen = ++this.gen;
    this.armed.set(entry.key, entry);
    if (!this.running.has(entry.key)) this.heap.push({ at: entry.wakeAt, seq: this.seq++, key: entry.key, gen: entry.gen });
    this.wakeUp();
  }

  private dropOccurrences(id: string): void {
    for (const a of this.armed.values()) {
      if (a.fire.kind === 'recurring' && a.fire.id === id && !this.running.has(a.key)) this.armed.delete(a.key);
    }
  }

  private armNextOccurrence(id: string, after: number): void {
    const s = this.schedules.get(id);
    if (!s) return;
    const at = nextOccurrence(s.schedule, after);
    if (at === null) return;
    this.put({ key: occurrenceKey(id, at), fire: { kind: 'recurring', id, dueAt: at, payload: s.payload }, wakeAt: at, failures: 0, gen: 0 });
  }

  /** The earliest wake-up still valid (stale heap slots are dropped on the way). */
  private peek(): Wake | undefined {
    for (;;) {
      const top = this.heap.peek();
      if (!top) return undefined;
      const a = this.armed.get(top.key);
      if (a && a.gen === top.gen && !this.running.has(top.key)) return top;
      this.heap.pop();
    }
  }

  /** Interrupts the one pending clock wait so the loop looks again (earlier timer, disarm, a run ended, close). */
  private wakeUp(): void {
    this.wait?.abort();
  }

  private async loop(): Promise<void> {
    const clock = this.options.clock;
    while (!this.closed) {
      const next = this.running.size < this.concurrency ? this.peek() : undefined;
      if (next && next.at <= clock.now()) {
        this.heap.pop();
        this.run(this.armed.get(next.key)!);
        continue;
      }
      this.wait = new AbortController();
      const signal = this.wait.signal;
      // the one timer: until the earliest due instant, or until something changes
      const until = next ? clock.sleepUntil(next.at, signal) : new Promise<void>((_, reject) => signal.addEventListener('abort', reject, { once: true }));
      await until.catch(() => undefined);
      this.wait = null;
    }
  }

  private run(entry: Armed): void {
    const { key, gen } = entry;
    const fire: Fire<P> = { ...(entry.fire as Fire<P>), payload: jsonCopy(entry.fire.payload as P), attempt: entry.failures + 1 };
    // BullMQ creates a schedule's next job when this one starts; so here: the next occurrence is armed now
    if (fire.kind === 'recurring' && entry.failures === 0) this.armNextOccurrence(fire.id, Math.max(this.options.clock.now(), fire.dueAt));
    let finished!: () => void;
    // marked running before the handler is called, so an arm() from inside it is seen as "during the run"
    this.running.set(key, new Promise<void>((resolve) => (finished = resolve)));
    void (async () => {
      let failed = false;
      try {
        await this.handler!(fire);
      } catch (err) {
        failed = true;
        this.options.onError?.(fire, err);
      }
      this.running.delete(key);
      const now = this.armed.get(key);
      if (now && now.gen !== gen) {
        // re-armed while it ran: the new instant stands
        this.heap.push({ at: now.wakeAt, seq: this.seq++, key, gen: now.gen });
      } else if (now && failed) {
        now.failures++;
        now.wakeAt = this.options.clock.now() + backoffDelay(this.retry, now.failures);
        this.put(now);
      } else if (now) {
        this.armed.delete(key);
      }
      finished();
      this.wakeUp();
    })();
  }
}
