import { randomUUID } from 'node:crypto';
import type { EventStore, NewEvent, RecordedEvent } from '@duban/eventstore';
import { ANY } from '@duban/eventstore';
import type { Projection, ProjectionTx } from '../runner/projection';

/**
 * Test support: a projection that records every event it applies, one row
 * per global position, counting applications in `times` (so a duplicate shows
 * as times = 2 instead of hiding behind a constraint). Types starting with
 * `ignored.` are not handled. `failWhen` makes apply throw (a poison event).
 */
export class LogProjection implements Projection {
  readonly schema: string;
  failWhen: ((event: RecordedEvent) => boolean) | null = null;

  constructor(
    readonly name = 'log',
    readonly version = 1,
    readonly table = `${name}_seen`,
  ) {
    this.schema = `CREATE TABLE IF NOT EXISTS ${table} (
      position INTEGER PRIMARY KEY,
      stream   TEXT    NOT NULL,
      type     TEXT    NOT NULL,
      times    INTEGER NOT NULL,
      version  INTEGER NOT NULL
    );`;
  }

  handles(type: string): boolean {
    return !type.startsWith('ignored.');
  }

  apply(event: RecordedEvent, tx: ProjectionTx): void {
    if (this.failWhen?.(event)) throw new Error(`poison event at position ${event.globalPosition}`);
    tx.run(
      `INSERT INTO ${this.table} (position, stream, type, times, version) VALUES (?, ?, ?, 1, ?)
       ON CONFLICT (position) DO UPDATE SET times = times + 1`,
      [event.globalPosition, event.stream, event.type, this.version],
    );
  }
}

export function fillerEvent(type = 'test.happened.v1', data: unknown = {}): NewEvent {
  const id = randomUUID();
  return {
    id,
    type,
    data,
    metadata: {
      actorUserId: 'tester',
      actorUnitId: null,
      actorRole: 'system',
      commandId: id,
      correlationId: id,
      causationId: id,
      occurredAt: '2021-05-01T00:00:00Z',
    },
  };
}

/** Appends `count` events over `streams` streams, `perAppend` at a time. Returns the last position. */
export async function appendMany(
  store: EventStore,
  count: number,
  options: { streams?: number; perAppend?: number; type?: string; prefix?: string } = {},
): Promise<bigint> {
  const streams = options.streams ?? 7;
  const per = options.perAppend ?? 5;
  let last = 0n;
  for (let done = 0, n = 0; done < count; n++) {
    const size = Math.min(per, count - done);
    const events = Array.from({ length: size }, (_, i) => fillerEvent(options.type, { n, i }));
    last = (await store.appendToStream(`${options.prefix ?? 'filler'}-${n % streams}`, events, { expectedVersion: ANY })).position;
    done += size;
  }
  return last;
}
