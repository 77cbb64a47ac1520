import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore } from '@duban/eventstore';
import { DueEntry, Fire, reconcile, SystemClock } from '@duban/scheduler';
import { BullmqScheduler } from '@duban/scheduler/bullmq';
import { eventually } from '@duban/scheduler/testing/scheduler.contract';
import { appendLadderStep, LadderPayload, ladderEventsByTimer } from '@duban/scheduler/testing/ladder-effect';
import { PrivateRedis, startPrivateRedis } from '@duban/scheduler/testing/private-redis';

/**
 * Redis is only the alarm clock. On a private redis-server (never the shared one): 1,000 timers are armed, Redis
 * loses everything (FLUSHALL, as a restart without AOF would), and reconcile from the due table brings every one
 * back; each fires, and its effect — an event with an id derived from the timer — is in the log exactly once.
 */
const N = 1000;

describe('BullMQ scheduler: Redis loses its data', () => {
  let redis: PrivateRedis;
  let dir: string;
  let store: SqliteEventStore;
  let scheduler: BullmqScheduler<LadderPayload> | undefined;

  beforeAll(async () => {
    redis = await startPrivateRedis();
  });
  afterAll(async () => {
    await redis?.stop();
  });
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'duban-sched-'));
    store = new SqliteEventStore({ file: join(dir, 'events.db'), synchronous: 'NORMAL' });
  });
  afterEach(async () => {
    await scheduler?.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('re-arms 1,000 timers from the due table after FLUSHALL; all fire, each effect once, overdue ones oldest first', async () => {
    const clock = new SystemClock();
    const t0 = clock.now();
    // the due table: half of it will be overdue by the time Redis comes back, half still ahead
    const dueTable: DueEntry<LadderPayload>[] = Array.from({ length: N }, (_, i) => ({
      id: `ladder-item${i}-urge-1`,
      dueAt: i % 2 === 0 ? t0 + 500 + (N - i) : t0 + 4000 + i, // the overdue half listed newest first
      payload: { item: `item${i}`, step: 'urge' },
    }));
    scheduler = new BullmqScheduler<LadderPayload>({ url: redis.url, queueName: 'timers', clock, retry: { initialMs: 100, maxMs: 400 } });
    await scheduler.arm(dueTable);
    expect((await scheduler.armedIds()).length).toBe(N);

    redis.flushAll();
    expect(await scheduler.armedIds()).toEqual([]); // BullMQ does not backfill by itself
    await new Promise((r) => setTimeout(r, 1600)); // the even half is now overdue

    const report = await reconcile(scheduler, dueTable, { clock });
    expect(report).toMatchObject({ entries: N, alreadyArmed: 0, rearmed: N, overdue: N / 2 });
    expect((await scheduler.armedIds()).length).toBe(N);
    // a second reconcile finds everything armed and arms nothing
    expect(await reconcile(scheduler, dueTable, { clock })).toMatchObject({ alreadyArmed: N, rearmed: 0 });

    const calls: Fire<LadderPayload>[] = [];
    await scheduler.start(async (fire) => {
      calls.push(fire);
      await appendLadderStep(store, fire);
    });
    await eventually(async () => expect((await ladderEventsByTimer(store)).size).toBe(N), 30_000);
    const overdue = calls.slice(0, N / 2).map((f) => f.dueAt);
    expect(overdue).toEqual([...overdue].sort((a, b) => a - b));
    expect(overdue.every((d) => d < t0 + 4000)).toBe(true);

    // the processor has not yet dropped the fired rows from its table: reconcile fires them again, and the
    // deterministic event ids keep every effect single
    await eventually(async () => expect(await scheduler!.armedIds()).toEqual([]), 15_000);
    expect(await reconcile(scheduler, dueTable, { clock })).toMatchObject({ rearmed: N, overdue: N });
    await eventually(() => expect(calls.length).toBe(2 * N), 30_000);
    const events = await ladderEventsByTimer(store);
    expect(events.size).toBe(N);
    expect([...events.values()].every((n) => n === 1)).toBe(true);
    expect(await store.headPosition()).toBe(BigInt(N));
  });

  it('health says down with what to do while Redis is unreachable, and up again once it is back', async () => {
    let other = await startPrivateRedis();
    const clock = new SystemClock();
    const messages: string[] = [];
    const logger = { log: (m: string) => messages.push(m), warn: (m: string) => messages.push(m), error: (m: string) => messages.push(m) };
    try {
      scheduler = new BullmqScheduler<LadderPayload>({ url: other.url, clock, logger });
      expect(await scheduler.health()).toEqual({ status: 'up' });
      await other.stop();
      await eventually(async () => expect((await scheduler!.health()).status).toBe('down'));
      const health = await scheduler.health();
      expect(health.reason).toMatch(/^Redis at redis:\/\/127\.0\.0\.1:\d+ is unreachable/);
      expect(health.reason).toMatch(/no timer is lost.*reconcile/);
      await eventually(() => expect(messages.join('\n')).toMatch(/Redis at redis:\/\/127\.0\.0\.1:\d+ .*ECONNREFUSED.*no timer is lost/));
      other = await startPrivateRedis(other.port);
      await eventually(async () => expect(await scheduler!.health()).toEqual({ status: 'up' }), 20_000);
    } finally {
      await other.stop();
    }
  });
});
