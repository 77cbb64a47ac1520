import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ANY, DuplicateEventIdError, NO_STREAM, SqliteEventStore } from '@duban/eventstore';
import { newEvent } from '@duban/eventstore/testing/event-store.contract';

/**
 * SQLite only: event ids are unique across the whole store (a UNIQUE index on
 * events.id). Not part of the shared contract (event-store.contract.ts):
 * KurrentDB keeps no index of event ids across streams, so it guarantees
 * idempotency within a stream only (see docs/tamper-evidence.md).
 */
describe('SQLite event store: event ids are unique across streams', () => {
  let dir: string;
  let store: SqliteEventStore;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'duban-unique-ids-'));
    store = new SqliteEventStore({ file: join(dir, 'events.db') });
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses an id that lives in another stream, and writes nothing', async () => {
    const batch = [newEvent(), newEvent()];
    await store.appendToStream('idem', batch, { expectedVersion: NO_STREAM });

    await expect(store.appendToStream('other', [batch[1]], { expectedVersion: ANY })).rejects.toBeInstanceOf(DuplicateEventIdError);
    await expect(store.appendToStream('other', [batch[0]], { expectedVersion: NO_STREAM })).rejects.toThrow(/already stored in stream idem/);
    await expect(store.appendToStream('other', [newEvent(), batch[0]], { expectedVersion: ANY })).rejects.toBeInstanceOf(
      DuplicateEventIdError,
    );
    expect(await store.readStream('other')).toEqual([]);
    expect(await store.readStream('idem')).toHaveLength(2);
  });
});
