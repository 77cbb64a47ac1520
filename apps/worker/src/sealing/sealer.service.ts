import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@duban/config';
import type { AppendResult, EventStore } from '@duban/eventstore';
import { EVENT_STORE } from '@duban/eventstore/nest/event-store.module';

interface Sealable {
  seal(): Promise<AppendResult>;
}
const isSealable = (store: EventStore): store is EventStore & Sealable =>
  typeof (store as Partial<Sealable>).seal === 'function';

/**
 * With KurrentDB the server assigns global order, so no global hash chain is
 * possible; instead the worker periodically records every stream's chain head
 * in a seal event, which lets verify() detect a deleted or truncated stream.
 * The SQLite store chains globally and needs no seals.
 */
@Injectable()
export class SealerService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(SealerService.name);
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (!isSealable(this.store) || this.config.sealIntervalSeconds === 0) {
      this.logger.log(`sealing off (store ${this.store.kind}, interval ${this.config.sealIntervalSeconds}s)`);
      return;
    }
    const store = this.store;
    this.timer = setInterval(() => {
      if (this.running) return; // one seal at a time
      this.running = store
        .seal()
        .then((r) => this.logger.log(`sealed chain heads at position ${r.position}`))
        .catch((err: Error) => this.logger.error(`seal failed: ${err.message}`))
        .finally(() => (this.running = null));
    }, this.config.sealIntervalSeconds * 1000);
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }
}
