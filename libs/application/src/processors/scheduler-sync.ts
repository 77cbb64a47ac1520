import type { Scheduler, Timer } from '@duban/scheduler';
import type { ProcessorLogger } from './checkpointed-processor';

/**
 * The arms and disarms a processor asks for, applied to the scheduler in the
 * background and in order, so a scheduler that is slow or down (Redis
 * unreachable: BullMQ commands wait for it) never holds the processor at an
 * event. What is pending is kept per timer id — the last wish wins (arm then
 * disarm of one id before a flush is one disarm) — so the backlog is bounded
 * by the number of items, however long Redis stays away. A failed flush is
 * logged and dropped: the due table keeps the truth and reconcile re-arms it.
 */
export class SchedulerSync<P> {
  private readonly pending = new Map<string, Timer<P> | null>();
  private flushing: Promise<void> | null = null;
  /** Failed flushes in a row (the message is logged at the 1st, 10th, 100th…: the clock is not read here). */
  private failuresInARow = 0;

  constructor(
    private readonly scheduler: Scheduler<P>,
    private readonly logger: ProcessorLogger,
  ) {}

  arm(timer: Timer<P>): void {
    this.pending.delete(timer.id);
    this.pending.set(timer.id, timer);
    this.kick();
  }

  disarm(id: string): void {
    this.pending.delete(id);
    this.pending.set(id, null);
    this.kick();
  }

  /** Resolves once nothing is pending (every wish reached the scheduler or failed). */
  async idle(): Promise<void> {
    while (this.flushing) await this.flushing;
  }

  private kick(): void {
    this.flushing ??= this.flush().finally(() => {
      this.flushing = null;
      if (this.pending.size > 0) this.kick();
    });
  }

  private async flush(): Promise<void> {
    // let the processor queue the rest of its page first: one scheduler round trip for many items
    await new Promise<void>((r) => setImmediate(r));
    const batch = [...this.pending.entries()];
    this.pending.clear();
    const disarm = batch.filter(([, t]) => t === null).map(([id]) => id);
    const arm = batch.map(([, t]) => t).filter((t): t is Timer<P> => t !== null);
    try {
      if (disarm.length > 0) await this.scheduler.disarm(disarm);
      if (arm.length > 0) await this.scheduler.arm(arm);
      this.failuresInARow = 0;
    } catch (err) {
      this.failuresInARow += 1;
      if (Number.isInteger(Math.log10(this.failuresInARow))) {
        this.logger.error(
          `the ${this.scheduler.kind} scheduler refused ${arm.length} arm(s) and ${disarm.length} disarm(s): ${(err as Error).message}; ` +
            'nothing is lost (the due table keeps every step): the next reconcile re-arms them once the scheduler answers',
        );
      }
    }
  }
}
