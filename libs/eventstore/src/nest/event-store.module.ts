import { Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG, AppConfig, eventStoreFile } from '@duban/config';
import { createEventStore, EventStoreSettings } from '../create-event-store';
import type { EventStore } from '../event-store.port';

export const EVENT_STORE = Symbol('EVENT_STORE');
export const EVENT_STORE_SETTINGS = Symbol('EVENT_STORE_SETTINGS');

export function eventStoreSettings(config: AppConfig): EventStoreSettings {
  return { kurrentDbUrl: config.kurrentDbUrl, sqliteFile: eventStoreFile(config), sqliteSynchronous: config.sqliteSynchronous };
}

/** Provides the configured EventStore under EVENT_STORE and closes it on shutdown. */
@Global()
@Module({
  providers: [
    { provide: EVENT_STORE_SETTINGS, inject: [APP_CONFIG], useFactory: eventStoreSettings },
    { provide: EVENT_STORE, inject: [EVENT_STORE_SETTINGS], useFactory: (s: EventStoreSettings) => createEventStore(s) },
  ],
  exports: [EVENT_STORE, EVENT_STORE_SETTINGS],
})
export class EventStoreModule implements OnApplicationShutdown {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async onApplicationShutdown(): Promise<void> {
    await this.store.close();
  }
}
