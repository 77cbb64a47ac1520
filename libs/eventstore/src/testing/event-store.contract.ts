import { randomUUID } from 'node:crypto';
import {
  ANY,
  EventStore,
  NewEvent,
  NO_STREAM,
  RecordedEvent,
  START,
  STREAM_EXISTS,
} from '../event-store.port';
import { DuplicateEventIdError, InvalidAppendError, WrongExpectedVersionError } from '../errors';

/**
 * The one contract every event store adapter passes. A spec file calls
 * `eventStoreContract('sqlite', harness)` with a harness that opens a fresh,
 * empty store, and can reopen the same store (a restart).
 */
export interface ContractHarness {
  /** A fresh, empty store (or a store where `prefix` isolates the streams of this test). */
  open(): Promise<EventStore>;
  /** The same underlying store, opened again (a process restart). */
  reopen(): Promise<EventStore>;
  cleanup(): Promise<void>;
  /**
   * Stream names are prefixed so a shared server (KurrentDB) can run the
   * suite more than once; readAll-based assertions filter by this prefix.
   */
  prefix: string;
}

export function newEvent(type = 'test.happened.v1', data: unknown = {}, extra: Partial<NewEvent['metadata']> = {}): NewEvent {
  const id = randomUUID();
  return {
    id,
    type,
    data,
    metadata: {
      actorUserId: 'tester',
      actorUnitId: '市政府办公厅四处',
      actorRole: 'supervisor',
      commandId: randomUUID(),
      correlationId: randomUUID(),
      causationId: randomUUID(),
      occurredAt: '2021-04-30T15:59:59.000Z',
      ...extra,
    },
  };
}

async function collect(store: EventStore, prefix: string, fromPosition = START): Promise<RecordedEvent[]> {
  const out: RecordedEvent[] = [];
  let after = fromPosition;
  for (;;) {
    const page = await store.readAll({ fromPosition: after, limit: 200 });
    if (page.length === 0) return out.filter((e) => e.stream.startsWith(prefix));
    out.push(...page);
    after = page[page.length - 1].globalPosition;
  }
}

export function eventStoreContract(name: string, makeHarness: () => Promise<ContractHarness>): void {
  describe(`event store contract: ${name}`, () => {
    let h: ContractHarness;
    let store: EventStore;
    const s = (n: string) => `${h.prefix}${n}`;

    beforeEach(async () => {
      h = await makeHarness();
      store = await h.open();
    });
    afterEach(async () => {
      await store.close();
      await h.cleanup();
    });

    it('appends to a new stream and reads back what it stored, with versions from 0 and recordedAt', async () => {
      const events = [newEvent('task.registered.v1', { title: 'a' }), newEvent('task.assigned.v1', { unit: 'x' })];
      const result = await store.appendToStream(s('task-1'), events, { expectedVersion: NO_STREAM });
      expect(result.nextExpectedVersion).toBe(1n);
      expect(result.position).toBeGreaterThan(0n);

      const read = await store.readStream(s('task-1'));
      expect(read.map((e) => e.id)).toEqual(events.map((e) => e.id));
      expect(read.map((e) => e.streamVersion)).toEqual([0n, 1n]);
      expect(read.map((e) => e.type)).toEqual(['task.registered.v1', 'task.assigned.v1']);
      expect(read[1].data).toEqual({ unit: 'x' });
      expect(read[1].globalPosition).toBe(result.position);
      expect(read[0].globalPosition).toBeLessThan(read[1].globalPosition);
      expect(read[0].metadata).toMatchObject(events[0].metadata);
      expect(Date.parse(read[0].metadata.recordedAt)).not.toBeNaN();
      expect(read[0].hash).toMatch(/^[0-9a-f]{64}$/);
      expect(read[1].hash).not.toBe(read[0].hash);
    });

    it('reads a missing stream as empty', async () => {
      expect(await store.readStream(s('nobody'))).toEqual([]);
    });

    it('keeps global order across streams and reads streams forwards, backwards, from a version, with a limit', async () => {
      const written: string[] = [];
      for (let i = 0; i < 5; i++) {
        for (const stream of ['a', 'b', 'c']) {
          const e = newEvent('test.happened.v1', { i, stream });
          written.push(e.id);
          await store.appendToStream(s(stream), [e], { expectedVersion: ANY });
        }
      }
      const all = await collect(store, h.prefix);
      expect(all.map((e) => e.id)).toEqual(written);
      for (let i = 1; i < all.length; i++) expect(all[i].globalPosition).toBeGreaterThan(all[i - 1].globalPosition);

      const b = await store.readStream(s('b'));
      expect(b.map((e) => (e.data as { i: number }).i)).toEqual([0, 1, 2, 3, 4]);
      const back = await store.readStream(s('b'), { direction: 'backwards', limit: 2 });
      expect(back.map((e) => e.streamVersion)).toEqual([4n, 3n]);
      const from = await store.readStream(s('b'), { from: 3n });
      expect(from.map((e) => e.streamVersion)).toEqual([3n, 4n]);
      const backFrom = await store.readStream(s('b'), { direction: 'backwards', from: 1n });
      expect(backFrom.map((e) => e.streamVersion)).toEqual([1n, 0n]);

      // readAll pages are checkpoints: strictly after the given position
      const page = await store.readAll({ fromPosition: all[2].globalPosition, limit: 2 });
      const ours = page.filter((e) => e.stream.startsWith(h.prefix));
      expect(ours[0].id).toBe(all[3].id);
    });

    it('enforces expected versions with a typed conflict that carries expected and actual', async () => {
      const stream = s('ev');
      await expect(store.appendToStream(stream, [newEvent()], { expectedVersion: STREAM_EXISTS })).rejects.toMatchObject({
        constructor: WrongExpectedVersionError,
        expected: STREAM_EXISTS,
        actual: 'no_stream',
      });
      await expect(store.appendToStream(stream, [newEvent()], { expectedVersion: 0n })).rejects.toBeInstanceOf(
        WrongExpectedVersionError,
      );
      await store.appendToStream(stream, [newEvent(), newEvent()], { expectedVersion: NO_STREAM });
      await expect(store.appendToStream(stream, [newEvent()], { expectedVersion: NO_STREAM })).rejects.toMatchObject({
        expected: NO_STREAM,
        actual: 1n,
      });
      await expect(store.appendToStream(stream, [newEvent()], { expectedVersion: 0n })).rejects.toMatchObject({
        expected: 0n,
        actual: 1n,
      });
      expect((await store.appendToStream(stream, [newEvent()], { expectedVersion: 1n })).nextExpectedVersion).toBe(2n);
      expect((await store.appendToStream(stream, [newEvent()], { expectedVersion: STREAM_EXISTS })).nextExpectedVersion).toBe(3n);
      expect((await store.appendToStream(stream, [newEvent()], { expectedVersion: ANY })).nextExpectedVersion).toBe(4n);
      expect((await store.readStream(stream)).length).toBe(5);
    });

    it('lets exactly one of 20 concurrent writers win each expected version', async () => {
      const stream = s('race');
      await store.appendToStream(stream, [newEvent()], { expectedVersion: NO_STREAM });

      // Round 1: all 20 expect version 0; exactly one may win.
      const first = await Promise.allSettled(
        Array.from({ length: 20 }, () => store.appendToStream(stream, [newEvent()], { expectedVersion: 0n })),
      );
      expect(first.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      for (const r of first) if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(WrongExpectedVersionError);

      // Round 2: 20 writers each retry (read, append at the version read) until they land once.
      const writers = Array.from({ length: 20 }, (_, w) => newEvent('test.happened.v1', { writer: w }));
      let conflicts = 0;
      await Promise.all(
        writers.map(async (e) => {
          for (;;) {
            const [last] = await store.readStream(stream, { direction: 'backwards', limit: 1 });
            try {
              return await store.appendToStream(stream, [e], { expectedVersion: last.streamVersion });
            } catch (err) {
              if (!(err instanceof WrongExpectedVersionError)) throw err;
              conflicts++;
            }
          }
        }),
      );
      const events = await store.readStream(stream);
      expect(events).toHaveLength(22);
      expect(events.map((e) => e.streamVersion)).toEqual(events.map((_, i) => BigInt(i)));
      const landed = events.slice(2).map((e) => e.id).sort();
      expect(landed).toEqual(writers.map((e) => e.id).sort());
      expect(conflicts).toBeGreaterThanOrEqual(0);
    });

    it('treats a retried append (same event ids) as a no-op that returns the original result', async () => {
      const stream = s('idem');
      const batch = [newEvent(), newEvent()];
      const first = await store.appendToStream(stream, batch, { expectedVersion: NO_STREAM });
      await store.appendToStream(stream, [newEvent()], { expectedVersion: 1n });

      expect(await store.appendToStream(stream, batch, { expectedVersion: NO_STREAM })).toEqual(first);
      expect(await store.appendToStream(stream, batch, { expectedVersion: ANY })).toEqual(first);
      expect(await store.appendToStream(stream, batch, { expectedVersion: STREAM_EXISTS })).toEqual(first);
      expect(await store.readStream(stream)).toHaveLength(3);

      // part of an old batch with a new event: refused, nothing written
      await expect(store.appendToStream(stream, [batch[0], newEvent()], { expectedVersion: ANY })).rejects.toBeInstanceOf(
        DuplicateEventIdError,
      );
      expect(await store.readStream(stream)).toHaveLength(3);

      // Cross-stream uniqueness (an id already stored in ANOTHER stream is
      // refused) is adapter-specific and not part of this contract: SQLite
      // enforces it with a UNIQUE index (test/eventstore/sqlite-unique-ids.spec.ts),
      // KurrentDB keeps no index of event ids across streams and checking it
      // would cost an extra write per event. Duban derives event ids from the
      // command id and the stream name, so only a programming error or a UUID
      // collision reuses an id across streams; what every adapter must do is
      // the in-stream idempotency above.
    });

    it('refuses malformed appends before writing anything', async () => {
      const stream = s('bad');
      const bad: Array<[string, NewEvent[]]> = [
        ['empty batch', []],
        ['id that is not a UUID', [{ ...newEvent(), id: 'abc' }]],
        ['unversioned type', [{ ...newEvent(), type: 'TaskAssigned' }]],
        ['NaN in data', [newEvent('test.happened.v1', { n: Number.NaN })]],
        ['a class instance in data', [newEvent('test.happened.v1', { when: new Date() })]],
        ['duplicate id in one batch', (() => { const e = newEvent(); return [e, e]; })()],
        ['bad occurredAt', [newEvent('test.happened.v1', {}, { occurredAt: 'yesterday' })]],
        ['valid first, invalid second', [newEvent(), { ...newEvent(), type: 'nope' }]],
      ];
      for (const [, events] of bad) {
        await expect(store.appendToStream(stream, events, { expectedVersion: ANY })).rejects.toBeInstanceOf(InvalidAppendError);
      }
      expect(await store.readStream(stream)).toEqual([]);
      // a lone surrogate in the stream name: UTF-8 cannot carry it, so it could not be read back as written
      const lone = `${stream}-\ud83d`;
      await expect(store.appendToStream(lone, [newEvent()], { expectedVersion: ANY })).rejects.toBeInstanceOf(InvalidAppendError);
      expect(await store.readStream(lone)).toEqual([]);
      await store.appendToStream(`${stream}-😀`, [newEvent()], { expectedVersion: ANY }); // a pair is one character: fine
      expect(await store.readStream(`${stream}-😀`)).toHaveLength(1);
    });

    it('round-trips Chinese text byte for byte', async () => {
      const text = {
        docNumber: '郑政办〔2021〕34号',
        title: '（三）1. 全年新开工20个以上小微企业园；',
        units: ['市工信局、市人社局', '各开发区、区县(市)', '管城回族区'],
        quote: '“解决一项，销号一项”——做到问题处理闭环管理。',
        rare: '𠀀𪚥 é e\u0301 \u3000全角空格 ①②③',
        nested: { 督办: '市政府办公厅四处', 目标: { 值: 20, 单位: '个', 比较: '≥' } },
      };
      await store.appendToStream(s('中文流-郑政办〔2021〕34号'), [newEvent('task.registered.v1', text, { actorUnitId: '郑州航空港区' })], {
        expectedVersion: NO_STREAM,
      });
      const [back] = await store.readStream(s('中文流-郑政办〔2021〕34号'));
      expect(back.data).toEqual(text);
      expect(Buffer.from(JSON.stringify(back.data), 'utf8').equals(Buffer.from(JSON.stringify(sortDeep(text)), 'utf8'))).toBe(true);
      expect(back.metadata.actorUnitId).toBe('郑州航空港区');
      expect(back.stream).toBe(s('中文流-郑政办〔2021〕34号'));
    });

    it('delivers history then live events from a checkpoint, with no gap and no duplicate across a restart', async () => {
      const ids: string[] = [];
      const append = async (n: number) => {
        for (let i = 0; i < n; i++) {
          const e = newEvent('test.happened.v1', { n: ids.length });
          ids.push(e.id);
          await store.appendToStream(s(`sub-${ids.length % 3}`), [e], { expectedVersion: ANY });
        }
      };
      const start = await lastPosition(store);
      await append(30);

      // first run: consume 12 of ours, slowly, then stop (as if the process ended)
      const seen: RecordedEvent[] = [];
      let checkpoint = start;
      let inFlight = 0;
      const first = store.subscribe({ fromPosition: start });
      for await (const e of first) {
        inFlight++;
        expect(inFlight).toBe(1); // the next event waits for this handler
        await new Promise((r) => setTimeout(r, 2));
        inFlight--;
        checkpoint = e.globalPosition;
        if (!e.stream.startsWith(h.prefix)) continue;
        seen.push(e);
        if (seen.length === 12) break;
      }

      // restart: a new store object on the same data, resume from the checkpoint
      await store.close();
      store = await h.reopen();
      const second = store.subscribe({ fromPosition: checkpoint });
      const live = (async () => {
        await new Promise((r) => setTimeout(r, 50));
        await append(20); // live events arrive while the subscription waits
      })();
      for await (const e of second) {
        if (!e.stream.startsWith(h.prefix)) continue;
        seen.push(e);
        if (seen.length === 50) break;
      }
      await live;
      await second.stop();
      expect(seen.map((e) => e.id)).toEqual(ids);
      for (let i = 1; i < seen.length; i++) expect(seen[i].globalPosition).toBeGreaterThan(seen[i - 1].globalPosition);
    });

    it('names the head of the log: the last event readAll delivers, and a subscription from it gets only later ones', async () => {
      const before = await store.headPosition();
      expect(before).toBe(await lastPosition(store));
      const a = await store.appendToStream(s('head-a'), [newEvent()], { expectedVersion: NO_STREAM });
      const b = await store.appendToStream(s('head-b'), [newEvent(), newEvent()], { expectedVersion: NO_STREAM });
      const head = await store.headPosition();
      expect(head).toBeGreaterThanOrEqual(b.position);
      expect(head).toBe(await lastPosition(store));
      expect(a.position).toBeGreaterThan(before);

      const later = newEvent('test.later.v1');
      const sub = store.subscribe({ fromPosition: head });
      const appended = store.appendToStream(s('head-a'), [later], { expectedVersion: 0n });
      for await (const e of sub) {
        if (!e.stream.startsWith(h.prefix)) continue;
        expect(e.id).toBe(later.id); // nothing at or before the head comes again
        break;
      }
      await sub.stop();
      expect((await appended).position).toBeGreaterThan(head);
    });

    it('stops an idle subscription promptly', async () => {
      const sub = store.subscribe({ fromPosition: await lastPosition(store) });
      const iterator = sub[Symbol.asyncIterator]();
      const pending = iterator.next();
      await new Promise((r) => setTimeout(r, 20));
      await sub.stop();
      await expect(pending).resolves.toMatchObject({ done: true });
    });

    it('verifies an untouched store', async () => {
      await store.appendToStream(s('v1'), [newEvent(), newEvent()], { expectedVersion: NO_STREAM });
      await store.appendToStream(s('v2'), [newEvent()], { expectedVersion: NO_STREAM });
      const report = await store.verify();
      expect(report.failure).toBeUndefined();
      expect(report.ok).toBe(true);
      expect(report.eventsChecked).toBeGreaterThanOrEqual(3);
    });
  });
}

async function lastPosition(store: EventStore): Promise<bigint> {
  let after = START;
  for (;;) {
    const page = await store.readAll({ fromPosition: after, limit: 1000 });
    if (page.length === 0) return after;
    after = page[page.length - 1].globalPosition;
  }
}

function sortDeep(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortDeep);
  if (v && typeof v === 'object') {
    return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortDeep((v as Record<string, unknown>)[k])]));
  }
  return v;
}
