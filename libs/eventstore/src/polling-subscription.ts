import type { EventEmitter } from 'node:events';
import type { RecordedEvent, Subscription } from './event-store.port';

export interface PollingSubscriptionOptions {
  fromPosition: bigint;
  readPage: (after: bigint, limit: number) => Promise<RecordedEvent[]>;
  /** Emits 'append' when this process appended: wakes an idle subscription at once. */
  signal?: EventEmitter;
  /** An idle subscription re-reads this often, to see other processes' appends. */
  pollIntervalMs: number;
  pageSize?: number;
  onStop?: () => void;
}

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * A catch-up subscription built on paged reads of the global log: it reads
 * history page by page, then waits for an append signal or the poll interval.
 * It only fetches a page when the consumer asks for the next event, so a slow
 * consumer is never flooded (backpressure), and it resumes from any checkpoint.
 */
export class PollingSubscription implements Subscription {
  private checkpoint: bigint;
  private buffer: RecordedEvent[] = [];
  private stopped = false;
  private wake: (() => void) | null = null;

  constructor(private readonly options: PollingSubscriptionOptions) {
    this.checkpoint = options.fromPosition;
  }

  [Symbol.asyncIterator](): AsyncIterator<RecordedEvent> {
    return {
      next: () => this.next(),
      return: async () => {
        await this.stop();
        return { done: true, value: undefined };
      },
    };
  }

  private async next(): Promise<IteratorResult<RecordedEvent>> {
    while (!this.stopped) {
      const event = this.buffer.shift();
      if (event) {
        this.checkpoint = event.globalPosition;
        return { done: false, value: event };
      }
      const page = await this.options.readPage(this.checkpoint, this.options.pageSize ?? 500);
      if (this.stopped) break;
      if (page.length > 0) {
        this.buffer = page;
        // A local read resolves at once: without a turn of the event loop per page, a consumer catching up
        // over a long log would run as one chain of microtasks, and the process would answer no request and
        // fire no timer until it reached the end.
        await yieldToEventLoop();
        if (this.stopped) break;
        continue;
      }
      await this.idle();
    }
    return { done: true, value: undefined };
  }

  private idle(): Promise<void> {
    return new Promise<void>((resolve) => {
      let settled = false;
      const done = () => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        this.options.signal?.off('append', soon);
        this.wake = null;
        resolve();
      };
      const timer = setTimeout(done, this.options.pollIntervalMs);
      // an append wakes us on the next turn of the event loop, so a burst of appends is read as one page
      const soon = () => setImmediate(done);
      this.options.signal?.on('append', soon);
      this.wake = done;
    });
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.buffer = [];
    this.wake?.();
    this.options.onStop?.();
  }
}
