import type { EventStore } from '@duban/eventstore';
import type { Checkpoint } from './checkpoints';

/** The end of the global log as far as the runner knows it. */
export interface LogHead extends Checkpoint {
  /** False when the scan stopped at its budget before reaching the end: the head lies further on. */
  readonly exact: boolean;
}

/**
 * Finds the head of the global log and how many events lie before it,
 * without a "head" call on the EventStore port: it walks forwards with
 * `readAll` from the furthest point it already knows, counting events.
 *
 * Counting (rather than subtracting positions) keeps "events behind" exact on
 * both adapters: SQLite positions are 1, 2, 3 …, KurrentDB commit positions are
 * byte offsets. The known point only moves forwards and is fed by every
 * committed batch (a checkpoint carries its event count), so after the first
 * call a scan only reads the events appended since the last one.
 */
export class HeadTracker {
  private known: Checkpoint;
  private scanning: Promise<LogHead> | null = null;
  private firstRecordedAt: string | null = null;

  constructor(
    private readonly store: EventStore,
    seed: Checkpoint,
    private readonly pageSize = 1000,
  ) {
    this.known = seed;
  }

  /** A committed checkpoint is an exact (position, count) pair: keep the furthest. */
  offer(point: Checkpoint): void {
    if (point.position > this.known.position) this.known = point;
  }

  /** The furthest known point, without reading the store. */
  get lastKnown(): Checkpoint {
    return this.known;
  }

  /**
   * Scans from the furthest known point to the end of the log, reading at most
   * `budget` events (then `exact` is false). Concurrent callers share one scan.
   */
  head(budget: number): Promise<LogHead> {
    if (!this.scanning) {
      this.scanning = this.scan(budget).finally(() => {
        this.scanning = null;
      });
    }
    return this.scanning;
  }

  /** recordedAt of the log's first event (the "as of" time of a projection that has applied nothing). */
  async firstEventRecordedAt(): Promise<string | null> {
    if (this.firstRecordedAt === null) {
      const [first] = await this.store.readAll({ fromPosition: 0n, limit: 1 });
      this.firstRecordedAt = first ? first.metadata.recordedAt : null;
    }
    return this.firstRecordedAt;
  }

  private async scan(budget: number): Promise<LogHead> {
    let read = 0;
    for (;;) {
      const limit = Math.min(this.pageSize, budget - read);
      if (limit <= 0) return { ...this.known, exact: false };
      const from = this.known;
      const page = await this.store.readAll({ fromPosition: from.position, limit });
      if (page.length === 0) return { ...this.known, exact: true };
      read += page.length;
      const last = page[page.length - 1];
      // A commit may have moved `known` past this page while we awaited: keep the furthest.
      this.offer({ position: last.globalPosition, eventsSeen: from.eventsSeen + page.length, recordedAt: last.metadata.recordedAt });
    }
  }
}
