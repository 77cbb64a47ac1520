import { createHash } from 'node:crypto';
import { ANY, EventStore } from '@duban/eventstore';
import type { Fire } from '../scheduler.port';

/**
 * The effect a ladder timer has in the product, for tests and benchmarks: one event on the item's stream, written
 * by the system actor, whose id is derived from the timer id. A second run of the same timer re-appends the same
 * id, which the event store treats as an idempotent retry: the effect happens exactly once.
 */
export interface LadderPayload {
  item: string;
  step: string;
}

/** A UUID-shaped id derived from a name (sha256), stable across runs and processes. */
export function deterministicId(name: string): string {
  const h = createHash('sha256').update(name).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export async function appendLadderStep(store: EventStore, fire: Fire<LadderPayload>): Promise<void> {
  await store.appendToStream(
    `item-${fire.payload.item}`,
    [
      {
        id: deterministicId(`ladder/${fire.id}`),
        type: 'ladder.step-due.v1',
        data: { step: fire.payload.step, timer: fire.id, dueAt: new Date(fire.dueAt).toISOString() },
        metadata: {
          actorUserId: 'scheduler',
          actorUnitId: null,
          actorRole: 'system',
          commandId: deterministicId(`ladder-command/${fire.id}`),
          correlationId: deterministicId(`ladder-command/${fire.id}`),
          causationId: deterministicId(`ladder-command/${fire.id}`),
          occurredAt: new Date(fire.dueAt).toISOString(),
        },
      },
    ],
    { expectedVersion: ANY },
  );
}

/** All ladder events in the store, by timer id (a count above 1 is a duplicated effect). */
export async function ladderEventsByTimer(store: EventStore): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  let after = 0n;
  for (;;) {
    const page = await store.readAll({ fromPosition: after, limit: 1000 });
    if (page.length === 0) return counts;
    for (const e of page) {
      if (e.type !== 'ladder.step-due.v1') continue;
      const timer = (e.data as { timer: string }).timer;
      counts.set(timer, (counts.get(timer) ?? 0) + 1);
    }
    after = page[page.length - 1]!.globalPosition;
  }
}
