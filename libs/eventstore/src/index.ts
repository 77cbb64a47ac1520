export * from './event-store.port';
export * from './errors';
export { canonicalJson, eventHash, globalHash, GENESIS } from './chain';
export { SqliteEventStore } from './sqlite/sqlite-event-store';
export type { SqliteEventStoreOptions } from './sqlite/sqlite-event-store';
export { createEventStore, describeEventStore } from './create-event-store';
export type { EventStoreSettings } from './create-event-store';
