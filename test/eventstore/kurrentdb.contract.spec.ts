import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import {
  ANY,
  DuplicateEventIdError,
  GENESIS,
  globalHash,
  InvalidAppendError,
  NO_STREAM,
  SqliteEventStore,
  STREAM_EXISTS,
  WrongExpectedVersionError,
} from '@duban/eventstore';
import type { NewEvent, RecordedEvent } from '@duban/eventstore';
import {
  actualVersionOf,
  buildSealData,
  CatchUpSubscription,
  chainEvents,
  ChainVerifier,
  exactStreamState,
  expectationHolds,
  ID_LOOKUP_WINDOW,
  isInternalEvent,
  KurrentDbEventStore,
  normaliseConnectionString,
  packMetadata,
  previousAppendIn,
  recomputeHash,
  redactConnectionString,
  SEAL_EVENT_TYPE,
  SEAL_STREAM,
  sealedHeads,
  unpackMetadata,
} from '@duban/eventstore/kurrentdb/kurrentdb-event-store';
import type { ChainHead, SubscriptionSource } from '@duban/eventstore/kurrentdb/kurrentdb-event-store';
import { eventStoreContract, newEvent } from '@duban/eventstore/testing/event-store.contract';

/**
 * The KurrentDB adapter. The contract suite needs a real server
 * (KURRENTDB_URL); without one it is skipped, visibly. The tests below it
 * exercise the adapter's own logic, which needs no server: connection
 * strings, expected versions, metadata packing, the hash chain (checked
 * against the SQLite store), retried appends (over an in-memory stand-in for
 * the client), the verifier, and the subscription wrapper.
 */

const url = process.env.KURRENTDB_URL;
const SKIPPED =
  'skipped: no KurrentDB server (set KURRENTDB_URL=kurrentdb://127.0.0.1:2113?tls=false to run the contract suite against one)';

if (url) {
  eventStoreContract('kurrentdb', async () => {
    // unique streams per harness, so the suite can run again and again on one server
    const prefix = `t${randomUUID().slice(0, 8)}-`;
    const opened: KurrentDbEventStore[] = [];
    const open = async () => {
      const store = new KurrentDbEventStore({ connectionString: url });
      opened.push(store);
      return store;
    };
    return {
      prefix,
      open,
      reopen: open,
      cleanup: async () => {
        await Promise.all(opened.map((s) => s.close()));
      },
    };
  });
} else {
  process.stdout.write(`${SKIPPED}\n`);
  describe('event store contract: kurrentdb', () => {
    it.skip(SKIPPED, () => undefined);
  });
}

describe('KurrentDB adapter: connection strings', () => {
  it('keeps kurrentdb://, kurrent:// and kdb:// and rewrites the deprecated esdb:// to kurrentdb://', () => {
    expect(normaliseConnectionString('kurrentdb://127.0.0.1:2113?tls=false')).toBe('kurrentdb://127.0.0.1:2113?tls=false');
    expect(normaliseConnectionString('kdb+discover://a:2113,b:2113')).toBe('kdb+discover://a:2113,b:2113');
    expect(normaliseConnectionString('esdb://admin:changeit@127.0.0.1:2113?tls=false')).toBe(
      'kurrentdb://admin:changeit@127.0.0.1:2113?tls=false',
    );
    expect(normaliseConnectionString('  ESDB+discover://cluster.local:2113 ')).toBe('kurrentdb+discover://cluster.local:2113');
  });

  it('refuses other schemes without echoing the password', () => {
    expect(() => normaliseConnectionString('http://admin:secret@127.0.0.1:2113')).toThrow(/not a KurrentDB connection string/);
    expect(() => normaliseConnectionString('http://admin:secret@127.0.0.1:2113')).not.toThrow(/secret/);
    expect(() => normaliseConnectionString('127.0.0.1:2113')).toThrow(/kurrentdb:\/\//);
    expect(redactConnectionString('kurrentdb://admin:changeit@h:2113')).toBe('kurrentdb://***@h:2113');
  });

  it('opens a client for an esdb:// string without the client deprecation warning (no server contacted)', async () => {
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      const store = new KurrentDbEventStore({ connectionString: 'esdb://127.0.0.1:1?tls=false' });
      expect(store.kind).toBe('kurrentdb');
      await store.close();
      await store.close(); // idempotent
      expect(warn).not.toHaveBeenCalled();
    } finally {
      warn.mockRestore();
    }
  });

  it('refuses reserved stream names and metadata keys before contacting the server', async () => {
    const store = new KurrentDbEventStore({ connectionString: 'kurrentdb://127.0.0.1:1?tls=false' });
    try {
      for (const stream of ['$ce-task', '$$task-1', SEAL_STREAM]) {
        await expect(store.appendToStream(stream, [newEvent()], { expectedVersion: ANY })).rejects.toBeInstanceOf(InvalidAppendError);
      }
      const withHash = newEvent('test.happened.v1', {}, { $hash: 'f'.repeat(64) });
      await expect(store.appendToStream('task-1', [withHash], { expectedVersion: ANY })).rejects.toThrow(/\$hash is reserved/);
      await expect(store.appendToStream('task-1', [], { expectedVersion: ANY })).rejects.toBeInstanceOf(InvalidAppendError);
    } finally {
      await store.close();
    }
    await expect(store.readStream('task-1')).rejects.toThrow(/closed/);
  });
});

describe('KurrentDB adapter: expected versions', () => {
  it('checks the caller expectation against the head it read', () => {
    const cases: Array<[Parameters<typeof expectationHolds>[0], bigint | null, boolean]> = [
      [ANY, null, true],
      [ANY, 4n, true],
      [NO_STREAM, null, true],
      [NO_STREAM, 0n, false],
      [STREAM_EXISTS, null, false],
      [STREAM_EXISTS, 0n, true],
      [3n, 3n, true],
      [3n, 4n, false],
      [0n, null, false],
    ];
    for (const [expected, current, holds] of cases) expect([expected, current, expectationHolds(expected, current)]).toEqual([expected, current, holds]);
  });

  it('always writes with the exact state it read, and maps the client conflict state back', () => {
    expect(exactStreamState(null)).toBe('no_stream');
    expect(exactStreamState(7n)).toBe(7n);
    expect(actualVersionOf(5n)).toBe(5n);
    expect(actualVersionOf('no_stream')).toBe('no_stream');
    expect(actualVersionOf(-1n)).toBe('no_stream');
    expect(actualVersionOf(undefined)).toBe('no_stream');
  });
});

describe('KurrentDB adapter: metadata and hashes', () => {
  const recordedAt = '2024-05-06T07:08:09.010Z';

  it('packs the hash, $correlationId and $causationId next to our metadata, and unpacks to our metadata only', () => {
    const e = newEvent('task.registered.v1', { title: '督办' }, { extra: { b: 1, a: [1, 'x'] }, gone: undefined });
    const [c] = chainEvents('task-1', null, [e], recordedAt);
    const packed = packMetadata(c.metadata, c.hash);
    expect(packed).toMatchObject({ $hash: c.hash, $correlationId: e.metadata.correlationId, $causationId: e.metadata.causationId, recordedAt });
    expect('gone' in packed).toBe(false);
    // what the client sends and reads back is JSON
    const back = unpackMetadata(JSON.parse(JSON.stringify(packed)));
    expect(back.hash).toBe(c.hash);
    expect(back.metadata).toEqual({ ...JSON.parse(JSON.stringify(e.metadata)), recordedAt });
    expect(Object.keys(back.metadata).some((k) => k.startsWith('$'))).toBe(false);
    expect(unpackMetadata(undefined)).toEqual({ metadata: {}, hash: null });
    expect(unpackMetadata(new Uint8Array([1]))).toEqual({ metadata: {}, hash: null });
  });

  it('computes exactly the hashes the SQLite store stores for the same stream', async () => {
    const sqlite = new SqliteEventStore({ file: ':memory:', clock: () => new Date(recordedAt) });
    try {
      const first = [newEvent('task.registered.v1', { 标题: '郑政办〔2021〕34号', n: 1 }), newEvent('task.assigned.v1', { z: 1, a: { y: 2, b: null } })];
      const second = [newEvent('task.reported.v1', ['x', 1.5, true])];
      await sqlite.appendToStream('task-7', first, { expectedVersion: NO_STREAM });
      await sqlite.appendToStream('task-7', second, { expectedVersion: 1n });
      const stored = await sqlite.readStream('task-7');

      const a = chainEvents('task-7', null, first, recordedAt);
      const b = chainEvents('task-7', { version: a[1].version, hash: a[1].hash }, second, recordedAt);
      expect([...a, ...b].map((c) => [c.version, c.hash])).toEqual(stored.map((e) => [e.streamVersion, e.hash]));
    } finally {
      await sqlite.close();
    }
  });

  it('recomputes the hash of an event read back through JSON, and not of a changed one', () => {
    const [c] = chainEvents('task-1', null, [newEvent('test.happened.v1', { 1: 'x', 10: 'y', 9: 'z' })], recordedAt);
    const read = asRecorded('task-1', c, 100n);
    expect(recomputeHash(GENESIS, read)).toBe(c.hash);
    expect(recomputeHash(GENESIS, { ...read, data: { ...(read.data as object), 9: 'Z' } })).not.toBe(c.hash);
    expect(recomputeHash(GENESIS, { ...read, data: new Uint8Array([1]) })).toBeNull();
  });

  it('tells domain events from KurrentDB system events and its own bookkeeping', () => {
    expect(isInternalEvent('task-1', 'task.registered.v1')).toBe(false);
    expect(isInternalEvent('$ce-task', '$>')).toBe(true);
    expect(isInternalEvent('task-1', '$metadata')).toBe(true);
    expect(isInternalEvent(SEAL_STREAM, SEAL_EVENT_TYPE)).toBe(true);
  });
});

/** A stored event as the adapter reads it back: content through JSON, metadata unpacked. */
function asRecorded(stream: string, c: ReturnType<typeof chainEvents>[number], position: bigint): RecordedEvent {
  const { metadata, hash } = unpackMetadata(JSON.parse(JSON.stringify(packMetadata(c.metadata, c.hash))));
  return {
    id: c.id,
    stream,
    type: c.type,
    data: JSON.parse(JSON.stringify(c.data)),
    metadata,
    streamVersion: c.version,
    globalPosition: position,
    hash: hash ?? '',
  };
}

describe('KurrentDB adapter: recognising a retried append among recent events', () => {
  const recordedAt = '2024-05-06T07:08:09.010Z';
  /** The stream's recent events as the adapter reads them (backwards: newest first). */
  function recentOf(stream: string, batches: NewEvent[][]): RecordedEvent[] {
    const out: RecordedEvent[] = [];
    let head: ChainHead | null = null;
    for (const batch of batches) {
      for (const c of chainEvents(stream, head, batch, recordedAt)) {
        out.push(asRecorded(stream, c, 1000n + c.version * 10n));
        head = { version: c.version, hash: c.hash };
      }
    }
    return out.reverse();
  }

  it('answers a batch found whole with its original result, and refuses a batch found in part', () => {
    const first = [newEvent(), newEvent()];
    const second = [newEvent()];
    const recent = recentOf('task-1', [first, second]);
    expect(previousAppendIn('task-1', first, recent)).toEqual({ nextExpectedVersion: 1n, position: 1010n });
    expect(previousAppendIn('task-1', second, recent)).toEqual({ nextExpectedVersion: 2n, position: 1020n });
    // ids compare case-insensitively: KurrentDB returns GUIDs in lower case
    expect(previousAppendIn('task-1', first.map((e) => ({ ...e, id: e.id.toUpperCase() })), recent)).toEqual({
      nextExpectedVersion: 1n,
      position: 1010n,
    });
    expect(() => previousAppendIn('task-1', [first[1], newEvent()], recent)).toThrow(DuplicateEventIdError);
    expect(previousAppendIn('task-1', [newEvent()], recent)).toBeUndefined();
    expect(previousAppendIn('task-1', first, [])).toBeUndefined();
  });
});

/**
 * An in-memory stand-in for the parts of the KurrentDB client the append path
 * uses (readStream, appendToStream), with the client's wire values ('end',
 * 'backwards', 'no_stream', the error types). It counts reads and writes, so
 * the tests can see which look-ups an append costs.
 */
class FakeClient {
  readonly streams = new Map<string, Array<{ id: string; type: string; data: unknown; metadata: unknown; revision: bigint; position: bigint }>>();
  readonly reads: Array<{ stream: string; maxCount: number }> = [];
  writes = 0;
  private position = 0n;
  /** Runs once just before the next write reaches the "server": another writer getting in between read and write. */
  beforeNextWrite: (() => void) | null = null;

  async *readStream(stream: string, options: { direction: string; fromRevision: bigint | string; maxCount: number }) {
    this.reads.push({ stream, maxCount: options.maxCount });
    const stored = this.streams.get(stream);
    if (!stored) throw Object.assign(new Error(`${stream} not found`), { type: 'stream-not-found' });
    const backwards = options.direction === 'backwards';
    let list = backwards ? [...stored].reverse() : [...stored];
    const from = options.fromRevision;
    if (typeof from === 'bigint') list = list.filter((e) => (backwards ? e.revision <= from : e.revision >= from));
    for (const e of list.slice(0, options.maxCount)) {
      yield { event: { streamId: stream, ...e, position: { commit: e.position, prepare: e.position } } };
    }
  }

  async appendToStream(stream: string, events: unknown, options: { streamState: bigint | string }) {
    const hook = this.beforeNextWrite;
    this.beforeNextWrite = null;
    hook?.();
    const stored = this.streams.get(stream) ?? [];
    const current = stored.length ? stored[stored.length - 1].revision : null;
    const state = options.streamState;
    const holds = state === 'any' || (state === 'no_stream' ? current === null : state === 'stream_exists' ? current !== null : state === current);
    if (!holds) {
      throw Object.assign(new Error('wrong expected version'), { type: 'wrong-expected-version', actualState: current ?? 'no_stream' });
    }
    this.writes++;
    return this.store(stream, events as Array<{ id: string; type: string; data: unknown; metadata: unknown }>);
  }

  /** Writes events as they are (for the other writers of a race). */
  store(stream: string, events: Array<{ id: string; type: string; data: unknown; metadata: unknown }>) {
    const stored = this.streams.get(stream) ?? [];
    this.streams.set(stream, stored);
    for (const e of events) {
      this.position += 100n;
      const revision = stored.length ? stored[stored.length - 1].revision + 1n : 0n;
      stored.push({ id: e.id.toLowerCase(), type: e.type, data: JSON.parse(JSON.stringify(e.data)), metadata: JSON.parse(JSON.stringify(e.metadata)), revision, position: this.position });
    }
    const last = stored[stored.length - 1];
    return { success: true, nextExpectedRevision: last.revision, position: { commit: last.position, prepare: last.position } };
  }

  /** Another writer's append of `events` (hashes are not checked here, only present). */
  storeOther(stream: string, events: NewEvent[]) {
    return this.store(stream, events.map((e) => ({ ...e, metadata: { ...e.metadata, $hash: 'f'.repeat(64) } })));
  }

  async dispose(): Promise<void> {}
}

describe('KurrentDB adapter: appends and retries (over an in-memory client)', () => {
  let fake: FakeClient;
  let store: KurrentDbEventStore;

  beforeEach(async () => {
    fake = new FakeClient();
    store = new KurrentDbEventStore({ connectionString: 'kurrentdb://127.0.0.1:1?tls=false' });
    const internals = store as unknown as { client: { dispose(): Promise<void> } | FakeClient };
    await internals.client.dispose(); // the real client never connected
    internals.client = fake;
  });
  afterEach(async () => {
    await store.close();
  });

  const windowReads = () => fake.reads.filter((r) => r.maxCount === ID_LOOKUP_WINDOW).length;

  it('writes with an exact expected version that holds after reading the head alone: no look-up, no extra writes', async () => {
    await store.appendToStream('task-1', [newEvent(), newEvent()], { expectedVersion: NO_STREAM });
    expect(await store.appendToStream('task-1', [newEvent()], { expectedVersion: 1n })).toEqual({ nextExpectedVersion: 2n, position: 300n });
    expect(fake.reads).toEqual([
      { stream: 'task-1', maxCount: 1 },
      { stream: 'task-1', maxCount: 1 },
    ]);
    expect(fake.writes).toBe(2);
    expect([...fake.streams.keys()]).toEqual(['task-1']); // one stream, nothing on the side
  });

  it('recognises a retry that arrives with a stale expected version, and writes nothing', async () => {
    const batch = [newEvent(), newEvent()];
    const first = await store.appendToStream('task-1', batch, { expectedVersion: NO_STREAM });
    await store.appendToStream('task-1', [newEvent()], { expectedVersion: 1n });
    fake.reads.length = 0;

    expect(await store.appendToStream('task-1', batch, { expectedVersion: NO_STREAM })).toEqual(first);
    expect(fake.reads).toEqual([
      { stream: 'task-1', maxCount: 1 },
      { stream: 'task-1', maxCount: ID_LOOKUP_WINDOW },
    ]);
    expect(await store.appendToStream('task-1', batch, { expectedVersion: 0n })).toEqual(first);
    expect(fake.writes).toBe(2);
    expect(fake.streams.get('task-1')).toHaveLength(3);
  });

  it('looks ANY and STREAM_EXISTS appends up in the window it reads for the head', async () => {
    const batch = [newEvent()];
    const first = await store.appendToStream('task-1', batch, { expectedVersion: ANY });
    expect(fake.reads).toEqual([{ stream: 'task-1', maxCount: ID_LOOKUP_WINDOW }]);
    expect(await store.appendToStream('task-1', batch, { expectedVersion: ANY })).toEqual(first);
    expect(await store.appendToStream('task-1', batch, { expectedVersion: STREAM_EXISTS })).toEqual(first);
    expect(windowReads()).toBe(3);
    expect(fake.reads).toHaveLength(3);
    expect(fake.writes).toBe(1);
  });

  it('refuses part of an old batch mixed with new events, whatever the expected version, and writes nothing', async () => {
    const batch = [newEvent(), newEvent()];
    await store.appendToStream('task-1', batch, { expectedVersion: NO_STREAM });
    for (const expectedVersion of [ANY, STREAM_EXISTS, NO_STREAM, 0n] as const) {
      await expect(store.appendToStream('task-1', [batch[0], newEvent()], { expectedVersion })).rejects.toBeInstanceOf(DuplicateEventIdError);
    }
    expect(fake.writes).toBe(1);
    expect(fake.streams.get('task-1')).toHaveLength(2);
  });

  it('reports a conflict with the actual version when the ids are not in the stream', async () => {
    await store.appendToStream('task-1', [newEvent(), newEvent()], { expectedVersion: NO_STREAM });
    await expect(store.appendToStream('task-1', [newEvent()], { expectedVersion: 0n })).rejects.toMatchObject({
      constructor: WrongExpectedVersionError,
      expected: 0n,
      actual: 1n,
    });
    await expect(store.appendToStream('task-2', [newEvent()], { expectedVersion: STREAM_EXISTS })).rejects.toMatchObject({
      constructor: WrongExpectedVersionError,
      actual: 'no_stream',
    });
  });

  it('after losing a race, answers with the winner when the winner was the same batch, and conflicts otherwise', async () => {
    const batch = [newEvent()];
    fake.beforeNextWrite = () => fake.storeOther('task-1', batch); // a concurrent retry of the same request won
    expect(await store.appendToStream('task-1', batch, { expectedVersion: NO_STREAM })).toEqual({ nextExpectedVersion: 0n, position: 100n });
    expect(fake.streams.get('task-1')).toHaveLength(1);

    fake.beforeNextWrite = () => fake.storeOther('task-1', [newEvent()]);
    await expect(store.appendToStream('task-1', [newEvent()], { expectedVersion: 0n })).rejects.toMatchObject({
      constructor: WrongExpectedVersionError,
      expected: 0n,
      actual: 1n,
    });
    expect(fake.streams.get('task-1')).toHaveLength(2);
  });

  it('with ANY, re-reads after losing a race: lands after the other writer, or finds its own batch there', async () => {
    await store.appendToStream('task-1', [newEvent()], { expectedVersion: NO_STREAM });
    fake.beforeNextWrite = () => fake.storeOther('task-1', [newEvent()]);
    expect((await store.appendToStream('task-1', [newEvent()], { expectedVersion: ANY })).nextExpectedVersion).toBe(2n);

    const batch = [newEvent(), newEvent()];
    fake.beforeNextWrite = () => fake.storeOther('task-1', batch);
    expect(await store.appendToStream('task-1', batch, { expectedVersion: ANY })).toMatchObject({ nextExpectedVersion: 4n });
    expect(fake.streams.get('task-1')!.map((e) => e.revision)).toEqual([0n, 1n, 2n, 3n, 4n]);
  });

  it('does not refuse an id stored in another stream: ids are unique per stream only on KurrentDB (SQLite refuses it)', async () => {
    const e = newEvent();
    await store.appendToStream('task-1', [e], { expectedVersion: NO_STREAM });
    await expect(store.appendToStream('task-2', [e], { expectedVersion: ANY })).resolves.toMatchObject({ nextExpectedVersion: 0n });
    expect([...fake.streams.keys()].sort()).toEqual(['task-1', 'task-2']);
  });
});

describe('KurrentDB adapter: verify() logic over a walk of the global log', () => {
  const recordedAt = '2024-05-06T07:08:09.010Z';
  let position = 0n;
  const nextPosition = () => (position += 137n); // commit positions are not contiguous

  /** Three streams of three events, interleaved, then a seal of their heads. */
  function history(): { events: RecordedEvent[]; heads: Map<string, ChainHead> } {
    position = 0n;
    const events: RecordedEvent[] = [];
    const heads = new Map<string, ChainHead>();
    for (let v = 0; v < 3; v++) {
      for (const stream of ['task-a', 'task-b', 'issue-c']) {
        const [c] = chainEvents(stream, heads.get(stream) ?? null, [newEvent('test.happened.v1', { stream, v })], recordedAt);
        heads.set(stream, { version: c.version, hash: c.hash });
        events.push(asRecorded(stream, c, nextPosition()));
      }
    }
    return { events, heads };
  }
  function sealOf(heads: Map<string, ChainHead>, covers: bigint, previous: ChainHead | null): { seal: RecordedEvent; head: ChainHead } {
    const [c] = chainEvents(SEAL_STREAM, previous, [newEvent(SEAL_EVENT_TYPE, buildSealData(covers, heads))], recordedAt);
    return { seal: asRecorded(SEAL_STREAM, c, nextPosition()), head: { version: c.version, hash: c.hash } };
  }
  function run(events: RecordedEvent[], seals: RecordedEvent[] = []) {
    const v = new ChainVerifier(sealedHeads(seals));
    for (const e of events) {
      const failure = v.check(e);
      if (failure) return v.report(failure);
    }
    return v.report(v.finish());
  }

  it('accepts an untouched history with its seal, and chains every hash into the head it reports', () => {
    const { events, heads } = history();
    const { seal } = sealOf(heads, events[events.length - 1].globalPosition, null);
    const all = [...events, seal];
    const report = run(all, [seal]);
    expect(report).toMatchObject({ ok: true, eventsChecked: 10, streamsChecked: 4 });
    const expected = all.reduce((chain, e) => globalHash(chain, e.globalPosition, e.hash), GENESIS);
    expect(report.head).toEqual({ position: seal.globalPosition, hash: expected });
  });

  it('ignores KurrentDB system events and ACL-only stream metadata in the walk', () => {
    const { events } = history();
    const noise: RecordedEvent[] = [
      { ...events[0], stream: '$ce-task', type: '$>', hash: '' },
      { ...events[0], stream: '$$task-a', type: '$metadata', data: { $acl: { $r: '$all' } }, hash: '' },
    ];
    expect(run([...noise, ...events]).ok).toBe(true);
  });

  it('reports changed content as altered, naming stream, version and position', () => {
    const { events } = history();
    events[4] = { ...events[4], data: { stream: 'task-b', v: 99 } };
    expect(run(events)).toMatchObject({
      ok: false,
      eventsChecked: 4,
      failure: { kind: 'altered', stream: 'task-b', streamVersion: 1n, globalPosition: events[4].globalPosition },
    });
    const meta = history().events;
    meta[2] = { ...meta[2], metadata: { ...meta[2].metadata, actorUserId: 'someone-else' } };
    expect(run(meta).failure).toMatchObject({ kind: 'altered', stream: 'issue-c', streamVersion: 0n });
    const nohash = history().events;
    nohash[0] = { ...nohash[0], hash: '' };
    expect(run(nohash).failure).toMatchObject({ kind: 'altered', stream: 'task-a', detail: expect.stringContaining('no hash') });
  });

  it('reports a missing event (scavenged or truncated away) as removed', () => {
    const { events } = history();
    events.splice(4, 1); // task-b version 1
    expect(run(events).failure).toMatchObject({ kind: 'removed', stream: 'task-b', streamVersion: 2n, detail: expect.stringContaining('1..1') });
  });

  it('reports a deletion or truncation recorded by the server at once, before anything is scavenged', () => {
    const { events } = history();
    const softDelete: RecordedEvent = { ...events[0], stream: '$$task-b', type: '$metadata', data: { $tb: 9223372036854775807 }, hash: '' };
    expect(run([...events, softDelete]).failure).toMatchObject({ kind: 'removed', stream: 'task-b', detail: expect.stringContaining('$tb') });
    const tombstone: RecordedEvent = { ...events[0], stream: 'issue-c', type: '$streamDeleted', streamVersion: 9223372036854775807n, hash: '' };
    expect(run([...events, tombstone]).failure).toMatchObject({ kind: 'removed', stream: 'issue-c', detail: expect.stringContaining('hard-deleted') });
  });

  it('uses the seals to see a stream whose tail or whole history was removed', () => {
    const { events, heads } = history();
    const { seal } = sealOf(heads, events[events.length - 1].globalPosition, null);
    const withoutTail = [...events.filter((e) => !(e.stream === 'task-a' && e.streamVersion === 2n)), seal];
    expect(run(withoutTail, [seal]).failure).toMatchObject({
      kind: 'removed',
      stream: 'task-a',
      streamVersion: 2n,
      globalPosition: null,
      detail: expect.stringContaining('its last events were removed'),
    });
    const withoutStream = [...events.filter((e) => e.stream !== 'issue-c'), seal];
    expect(run(withoutStream, [seal]).failure).toMatchObject({ kind: 'removed', stream: 'issue-c', detail: expect.stringContaining('is gone') });
  });

  it('uses the seals to see a stream rewritten with recomputed hashes', () => {
    const { events, heads } = history();
    const { seal } = sealOf(heads, events[events.length - 1].globalPosition, null);
    // the attacker rewrites task-b from scratch, recomputing every hash
    let head: ChainHead | null = null;
    const forged = events.map((e) => {
      if (e.stream !== 'task-b') return e;
      const [c] = chainEvents('task-b', head, [newEvent('test.happened.v1', { forged: e.streamVersion.toString() })], recordedAt);
      head = { version: c.version, hash: c.hash };
      return asRecorded('task-b', c, e.globalPosition);
    });
    expect(run(forged).ok).toBe(true); // without a seal the forgery is self-consistent
    expect(run([...forged, seal], [seal]).failure).toMatchObject({
      kind: 'altered',
      stream: 'task-b',
      streamVersion: 2n,
      detail: expect.stringContaining('rewritten'),
    });
  });

  it('reads incremental seals: the latest head of each stream counts', () => {
    const { events, heads } = history();
    const firstHeads = new Map([['task-a', { version: 0n, hash: events[0].hash }]]);
    const first = sealOf(firstHeads, events[0].globalPosition, null);
    const second = sealOf(new Map([['task-a', heads.get('task-a')!]]), events[events.length - 1].globalPosition, first.head);
    const map = sealedHeads([first.seal, second.seal, { ...first.seal, type: 'something.else.v1' }]);
    expect(map.get('task-a')).toEqual({ ...heads.get('task-a'), seal: 1n });
    expect(sealedHeads([{ ...first.seal, data: { heads: { x: { version: 'NaN', hash: 1 } } } }]).size).toBe(0);
  });
});

describe('KurrentDB adapter: CatchUpSubscription (the wrapper around the client subscription stream; no server involved)', () => {
  type Item = { position: bigint; stream: string };
  const event = (i: Item): RecordedEvent => ({
    id: randomUUID(),
    stream: i.stream,
    type: 'test.happened.v1',
    data: {},
    metadata: {} as RecordedEvent['metadata'],
    streamVersion: 0n,
    globalPosition: i.position,
    hash: '',
  });
  /** A readable source that never ends by itself (like a live subscription) after its items. */
  const source = (items: Item[], opened: bigint[], after: bigint, failAfter?: number): SubscriptionSource<Item> => {
    opened.push(after);
    let i = 0;
    const r = new Readable({
      objectMode: true,
      read() {
        if (failAfter !== undefined && i === failAfter) {
          this.destroy(new Error('dropped by the server'));
          return;
        }
        if (i < items.length) this.push(items[i++]);
      },
    });
    return Object.assign(r, { unsubscribe: async () => undefined });
  };
  const sub = (open: (after: bigint) => SubscriptionSource<Item>, fromPosition = 0n) =>
    new CatchUpSubscription<Item>({
      fromPosition,
      open,
      convert: (i) => ({ position: i.position, event: i.stream.startsWith('$') ? null : event(i) }),
      backoffMs: () => 1,
    });

  it('hands out events strictly after the checkpoint, skipping system events, and stops a pending next()', async () => {
    const opened: bigint[] = [];
    const items = [10n, 20n, 30n, 40n].map((position, k) => ({ position, stream: k === 2 ? '$stats' : 'task-1' }));
    const s = sub((after) => source(items, opened, after), 20n);
    const it = s[Symbol.asyncIterator]();
    expect((await it.next()).value.globalPosition).toBe(40n);
    const pending = it.next();
    await new Promise((r) => setTimeout(r, 20));
    await s.stop();
    await expect(pending).resolves.toEqual({ done: true, value: undefined });
    expect(opened).toEqual([20n]);
  });

  it('resubscribes from the last checkpoint when the server drops the subscription', async () => {
    const opened: bigint[] = [];
    const items = [1n, 2n, 3n, 4n, 5n].map((position) => ({ position, stream: 'task-1' }));
    let calls = 0;
    const s = sub((after) => source(items.filter((i) => i.position > after - 1n), opened, after, calls++ === 0 ? 2 : undefined));
    const seen: bigint[] = [];
    for await (const e of s) {
      seen.push(e.globalPosition);
      if (seen.length === 5) break;
    }
    expect(seen).toEqual([1n, 2n, 3n, 4n, 5n]); // no gap, and the replayed event at the checkpoint is dropped
    expect(opened[0]).toBe(0n);
    expect(opened.length).toBeGreaterThanOrEqual(2); // it did resubscribe, each time from the checkpoint reached
    expect([...opened].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0))).toEqual(opened);
  });

  it('gives up after repeated failures without progress', async () => {
    const s = sub((after) => source([], [], after, 0));
    await expect(s[Symbol.asyncIterator]().next()).rejects.toThrow('dropped by the server');
    await s.stop();
  });
});
