import { randomUUID } from 'node:crypto';
import { ANY } from './event-store.port';
import type { NewEvent } from './event-store.port';
import { SqliteEventStore } from './sqlite/sqlite-event-store';

const event = (n: number): NewEvent => ({
  id: randomUUID(),
  type: 'test.happened.v1',
  data: { n },
  metadata: { actorUserId: 'u', actorUnitId: '中牟县', actorRole: 'unit', commandId: randomUUID(), correlationId: randomUUID(), causationId: randomUUID(), occurredAt: '2021-05-01T00:00:00Z' },
});

describe('PollingSubscription (through the SQLite store)', () => {
  let store: SqliteEventStore;
  beforeEach(async () => {
    store = new SqliteEventStore({ file: ':memory:', pollIntervalMs: 20 });
    for (let i = 0; i < 10; i++) await store.appendToStream(`s-${i}`, Array.from({ length: 500 }, (_, j) => event(i * 500 + j)), { expectedVersion: ANY });
  });
  afterEach(() => store.close());

  it('lets timers and I/O run while a consumer catches up over a long log (a turn of the event loop per page)', async () => {
    let consumed = 0;
    let consumedWhenTimerFired: number | null = null;
    setTimeout(() => (consumedWhenTimerFired = consumed), 0);
    const sub = store.subscribe();
    for await (const e of sub) {
      consumed++;
      await Promise.resolve(e); // a consumer whose work resolves at once, like a processor skipping an event
      if (consumed === 5000) break;
    }
    await sub.stop();
    // before the fix, the whole catch-up ran as one chain of microtasks: the timer fired after all 5,000
    expect(consumedWhenTimerFired).not.toBeNull();
    expect(consumedWhenTimerFired!).toBeLessThan(5000);
  });

  it('still delivers every event once, in order, across the pages', async () => {
    const seen: number[] = [];
    const sub = store.subscribe();
    for await (const e of sub) {
      seen.push((e.data as { n: number }).n);
      if (seen.length === 5000) break;
    }
    await sub.stop();
    expect(seen).toEqual(Array.from({ length: 5000 }, (_, i) => i));
  });
});
