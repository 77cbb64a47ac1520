import { Inject, Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import type { EventStore } from '@duban/eventstore';
import { EVENT_STORE } from '@duban/eventstore/nest/event-store.module';

/** Ready means the event store answers a round trip. */
@Injectable()
export class EventStoreHealthIndicator {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly indicator: HealthIndicatorService,
  ) {}

  async check(key = 'eventStore') {
    const status = this.indicator.check(key);
    try {
      await this.store.ping();
      return status.up({ kind: this.store.kind });
    } catch (err) {
      return status.down({ kind: this.store.kind, error: (err as Error).message });
    }
  }
}
