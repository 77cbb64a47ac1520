import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore } from '@duban/eventstore';
import { eventStoreContract } from '@duban/eventstore/testing/event-store.contract';

for (const synchronous of ['FULL', 'NORMAL'] as const) {
  eventStoreContract(`sqlite (synchronous=${synchronous})`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'duban-contract-'));
    const file = join(dir, 'events.db');
    return {
      prefix: '',
      open: async () => new SqliteEventStore({ file, synchronous }),
      reopen: async () => new SqliteEventStore({ file, synchronous }),
      cleanup: async () => rmSync(dir, { recursive: true, force: true }),
    };
  });
}
