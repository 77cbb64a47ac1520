/**
 * UnitsService over a real (in-memory SQLite) store, without Nest: the fold at
 * start-up, its own commands visible at once, other writers followed on the log.
 */
import { Logger } from '@nestjs/common';
import { CommandExecutor } from '@duban/application';
import type { CommandEnvelope } from '@duban/application';
import type { Actor } from '@duban/domain/decider';
import { UnitRegistry, UnitRegistryReplayError, unitRegistryDecider } from '@duban/domain/units';
import type { AddUnit, AddUnitAlias, SetGroupMembers, UnitRegistryCommand } from '@duban/domain/units';
import { NO_STREAM, SqliteEventStore } from '@duban/eventstore';
import { randomUUID } from 'node:crypto';
import type { EventStore, Subscription } from '@duban/eventstore';
import { liveRegistry, UnitsService } from './units.service';

const admin: Actor = { userId: 'admin-1', unitId: '市政府办公厅', role: 'admin' };
let seq = 0;
const envelope = (): CommandEnvelope => ({
  commandId: `cmd-${++seq}`,
  correlationId: 'c',
  causationId: 'c',
  actor: admin,
  receivedAt: new Date().toISOString(),
});
const addUnit = (id: string, aliases: string[] = []): AddUnit => ({
  type: 'AddUnit',
  at: new Date().toISOString(),
  actor: admin,
  data: { id, kind: 'department', parent: '郑州市人民政府', aliases },
});
const addAlias = (unitId: string, alias: string): AddUnitAlias => ({ type: 'AddUnitAlias', at: new Date().toISOString(), actor: admin, data: { unitId, alias } });

const setMembers = (groupId: string, members: string[]): SetGroupMembers => ({ type: 'SetGroupMembers', at: new Date().toISOString(), actor: admin, data: { groupId, members } });

/** Another process writing to the same store (it has no UnitsService of ours). */
const elsewhere = (store: EventStore) => (command: UnitRegistryCommand) =>
  new CommandExecutor(store).execute(unitRegistryDecider, 'unit-registry', command, envelope(), { creates: true });

/** The store, but a subscription that never delivers: only the service's own bookkeeping can make additions visible. */
function withoutFollowing(store: EventStore): EventStore {
  const idle = (): Subscription => {
    let stop: () => void = () => undefined;
    const stopped = new Promise<void>((resolve) => (stop = resolve));
    return {
      stop: async () => stop(),
      [Symbol.asyncIterator]: () => ({ next: async () => (await stopped, { done: true as const, value: undefined }) }),
    };
  };
  return new Proxy(store, {
    get(target, property) {
      if (property === 'subscribe') return idle;
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

async function eventually(check: () => boolean, timeoutMs = 3000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('UnitsService', () => {
  let store: SqliteEventStore;
  const services: UnitsService[] = [];
  const start = async (over: EventStore = store) => {
    const service = new UnitsService(over, new CommandExecutor(over));
    services.push(service);
    await service.onModuleInit();
    return service;
  };

  beforeAll(() => Logger.overrideLogger(false));
  beforeEach(() => (store = new SqliteEventStore({ file: ':memory:', pollIntervalMs: 20 })));
  afterEach(async () => {
    for (const s of services.splice(0)) await s.onModuleDestroy();
    await store.close();
  });

  it('starts from the seed when the stream is empty', async () => {
    const units = await start();
    expect(units.current).toBe(UnitRegistry.seeded());
    expect(units.streamVersion).toBeNull();
    expect(units.position).toBe(0n);
  });

  it('folds what is already recorded at start-up', async () => {
    await elsewhere(store)(addUnit('市信访局', ['郑州市信访局']));
    const last = await elsewhere(store)(addAlias('市信访局', '市信访办'));
    const units = await start();
    expect(units.current.resolve('市信访办')?.unitId).toBe('市信访局');
    expect(units.streamVersion).toBe(1n);
    expect(units.position).toBe(last.position);
  });

  it('its own additions are visible as soon as the command returns (without the log)', async () => {
    const units = await start(withoutFollowing(store));
    const result = await units.execute(addUnit('市信访局'), envelope());
    expect(result.version).toBe(0n);
    expect(units.current.has('市信访局')).toBe(true);
    expect(units.streamVersion).toBe(0n);
    expect(units.position).toBe(result.position);

    // a replayed earlier command does not take the registry back
    const env = envelope();
    await units.execute(addAlias('市信访局', '市信访办'), env);
    const replay = await units.execute(addAlias('市信访局', '市信访办'), env);
    expect(replay.replayed).toBe(true);
    expect(units.streamVersion).toBe(1n);
    expect(units.current.resolve('市信访办')?.unitId).toBe('市信访局');
  });

  it("follows other writers' appends from the position it loaded, and its own come back only once", async () => {
    await elsewhere(store)(addUnit('市信访局'));
    const units = await start();
    await units.execute(addAlias('市信访局', '市信访办'), envelope());
    await elsewhere(store)(addUnit('市退役军人局', ['市退役军人事务局']));
    await eventually(() => units.current.has('市退役军人局'));
    expect(units.streamVersion).toBe(2n);
    expect(units.current.get('市信访局')!.aliases).toEqual(['市信访办']);
    expect(units.current.resolve('市退役军人事务局')?.unitId).toBe('市退役军人局');
  });

  it('starts following at the head of the log, not at the stream\'s last event: a start does not walk the log', async () => {
    await elsewhere(store)(addUnit('市信访局'));
    for (let i = 0; i < 20; i++) {
      const events = Array.from({ length: 100 }, (_, j) => ({
        id: randomUUID(),
        type: 'task.share.note_added.v1',
        data: { n: i * 100 + j },
        metadata: { actorUserId: 'u', actorUnitId: '中牟县', actorRole: 'unit' as const, commandId: randomUUID(), correlationId: randomUUID(), causationId: randomUUID(), occurredAt: '2021-05-01T00:00:00Z' },
      }));
      await store.appendToStream(`task-${i}`, events, { expectedVersion: NO_STREAM });
    }
    const head = await store.headPosition();
    // the real store, with its subscriptions' starting points and the events they deliver counted
    const from: bigint[] = [];
    let delivered = 0;
    const counting: EventStore = Object.assign(Object.create(store) as EventStore, {
      subscribe: (options?: { fromPosition?: bigint }): Subscription => {
        from.push(options?.fromPosition ?? 0n);
        const sub = store.subscribe(options);
        return {
          stop: () => sub.stop(),
          async *[Symbol.asyncIterator]() {
            for await (const e of sub) {
              delivered++;
              yield e;
            }
          },
        };
      },
    });
    const units = await start(counting);
    expect(units.current.has('市信访局')).toBe(true);
    expect(from).toEqual([head]);
    await elsewhere(store)(addUnit('市退役军人局'));
    await eventually(() => units.current.has('市退役军人局'));
    expect(delivered).toBe(1); // the new event only, not the 2,000 before it
  });

  it("group members set by another writer are followed, and are in the fold at start-up", async () => {
    const units = await start();
    expect(units.current.resolveList('各产业集聚区').unresolved).toHaveLength(1);
    await elsewhere(store)(addUnit('郑州市白沙产业集聚区管委会'));
    await elsewhere(store)(setMembers('各产业集聚区', ['郑州市白沙产业集聚区管委会', '中牟县']));
    await eventually(() => units.current.membersOf('各产业集聚区') !== null);
    expect(units.current.resolveList('市商务局、各产业集聚区').units).toEqual(['市商务局', '郑州市白沙产业集聚区管委会', '中牟县']);
    expect(units.streamVersion).toBe(1n);
    const later = await start();
    expect(later.current.membersOf('各产业集聚区')).toEqual(['郑州市白沙产业集聚区管委会', '中牟县']);
    expect(later.current.membersSource('各产业集聚区')).toBe('set');
  });

  it('an event this seed contradicts stops the start-up, naming it', async () => {
    await store.appendToStream(
      'unit-registry',
      [
        {
          id: '00000000-0000-8000-8000-000000000001',
          type: 'unit.alias_added.v1',
          data: { unitId: '市并无此局', alias: '无此局' },
          metadata: { actorUserId: 'x', actorUnitId: null, actorRole: 'admin', commandId: 'x', correlationId: 'x', causationId: 'x', occurredAt: new Date().toISOString() },
        },
      ],
      { expectedVersion: 'no_stream' },
    );
    await expect(start()).rejects.toThrow(UnitRegistryReplayError);
  });

  it('liveRegistry answers from the registry of the moment', async () => {
    const units = await start(withoutFollowing(store));
    const live = liveRegistry(() => units.current);
    expect(live).toBeInstanceOf(UnitRegistry);
    expect(live.has('市信访局')).toBe(false);
    const before = live.units.length;
    await units.execute(addUnit('市信访局'), envelope());
    expect(live.has('市信访局')).toBe(true);
    expect(live.units).toHaveLength(before + 1);
    expect(live.resolveList('市财政局、信访局').units).toEqual(['市财政局', '市信访局']);
  });
});
