/**
 * The ladder processor on BullMQ (the shared Redis at DUBAN_TEST_REDIS or
 * 127.0.0.1:6379, every test with its own queue under the duban-test prefix,
 * deleted afterwards): a back-filled item gets its steps end to end through
 * Redis, once each, and two processors with their own workers on one queue
 * (two worker processes in the split deployment) write each step once.
 */
import { randomUUID } from 'node:crypto';
import { officialCalendar } from '@duban/domain/calendar';
import { DUBAN_LADDER_V1, ladderSchedule } from '@duban/domain/ladder';
import { SystemClock } from '@duban/scheduler';
import { BullmqScheduler } from '@duban/scheduler/bullmq';
import type { LadderTimerPayload } from './ladder-due-table';
import { eventually, LADDER_EVENTS, LadderWorld, ladderWorld } from './testing/ladder-world';

const url = process.env.DUBAN_TEST_REDIS || 'redis://127.0.0.1:6379';
const PREFIX = 'duban-test';
const DEADLINE = '2021-06-07T18:00:00+08:00';

describe('LadderProcessor on BullMQ (real Redis)', () => {
  let w: LadderWorld;
  let queueName: string;
  const clock = new SystemClock(); // BullMQ measures delays on real time; 2021's steps are all due
  const bull = () => new BullmqScheduler<LadderTimerPayload>({ url, prefix: PREFIX, queueName, clock, retry: { initialMs: 50, maxMs: 200 } });

  beforeEach(() => {
    w = ladderWorld();
    queueName = `ladder-${randomUUID()}`;
  });
  afterEach(async () => {
    await w.close();
    await new BullmqScheduler({ url, prefix: PREFIX, queueName, clock }).obliterateAndClose();
  });

  it('a back-filled item: its steps through Redis, in order, once, with their historical dueAt; a restart adds nothing', async () => {
    await w.openShare(DEADLINE);
    const first = w.processor(bull(), clock);
    await first.startAll(0);
    await eventually(async () => expect(await w.ladderEvents()).toHaveLength(4), 20_000);
    const events = await w.ladderEvents();
    expect(events.map((e) => e.type)).toEqual(LADDER_EVENTS);
    const expected = ladderSchedule(DUBAN_LADDER_V1, officialCalendar, DEADLINE, [], '2021-05-06T09:00:00+08:00');
    expect(events.map((e) => (e.data as { dueAt: string }).dueAt)).toEqual(expected.map((s) => s.dueAt));
    await first.waitFor(events[3].globalPosition, 5000);
    await first.schedulerSettled();
    expect([...first.table.all()]).toEqual([]);
    await w.stop(first);

    const second = w.processor(bull(), clock);
    await second.startAll(0);
    await second.schedulerSettled();
    await new Promise((r) => setTimeout(r, 300));
    expect((await w.ladderEvents()).map((e) => e.id)).toEqual(events.map((e) => e.id));
  });

  it('two processors, each with its own worker on the one queue, racing on the fires: one effect per step', async () => {
    const errors: string[] = [];
    const a = w.processor(bull(), clock, errors);
    const b = w.processor(bull(), clock, errors);
    await Promise.all([a.startAll(0), b.startAll(0)]);
    const { position } = await w.openShare(DEADLINE);
    await Promise.all([a.waitFor(position, 5000), b.waitFor(position, 5000)]);
    await eventually(async () => expect((await w.ladderEvents()).map((e) => e.type)).toEqual(LADDER_EVENTS), 20_000);
    const events = await w.ladderEvents();
    await Promise.all([a.waitFor(events[3].globalPosition, 5000), b.waitFor(events[3].globalPosition, 5000)]);
    await new Promise((r) => setTimeout(r, 300));
    expect((await w.ladderEvents()).map((e) => e.id)).toEqual(events.map((e) => e.id));
    expect(a.status().fires + b.status().fires).toBeGreaterThanOrEqual(1);
    // on one processors' file they also race on the checkpoint (compare-and-set: the loser resumes from the stored one)
    expect(errors.filter((m) => !m.includes('the checkpoint moved'))).toEqual([]);
  });
});
