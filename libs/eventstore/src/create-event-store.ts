import type { EventStore } from './event-store.port';
import { SqliteEventStore } from './sqlite/sqlite-event-store';

export interface EventStoreSettings {
  /** When set, KurrentDB; otherwise the embedded SQLite store in `sqliteFile`. */
  kurrentDbUrl: string | null;
  sqliteFile: string;
  sqliteSynchronous: 'FULL' | 'NORMAL';
}

/** Picks the adapter from configuration. The KurrentDB client is only loaded when it is used. */
export function createEventStore(settings: EventStoreSettings): EventStore {
  if (settings.kurrentDbUrl) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { KurrentDbEventStore } = require('./kurrentdb/kurrentdb-event-store') as typeof import('./kurrentdb/kurrentdb-event-store');
    return new KurrentDbEventStore({ connectionString: settings.kurrentDbUrl });
  }
  return new SqliteEventStore({ file: settings.sqliteFile, synchronous: settings.sqliteSynchronous });
}

/** Human description of where events live, for start-up messages. */
export function describeEventStore(settings: EventStoreSettings): string {
  return settings.kurrentDbUrl
    ? `KurrentDB at ${settings.kurrentDbUrl.replace(/\/\/[^@/]*@/, '//***@')}`
    : `embedded SQLite at ${settings.sqliteFile} (synchronous=${settings.sqliteSynchronous})`;
}
