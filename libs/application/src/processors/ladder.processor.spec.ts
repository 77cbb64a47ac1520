/**
 * The ladder processor on a real SQLite store and processors' file, the real
 * handlers, the in-process scheduler and a ManualClock: given the item's
 * events, the due table holds the next step and its timer is armed; when the
 * clock passes it the steps are written through the executor, once each.
 */
import { join } from 'node:path';
import { officialCalendar } from '@duban/domain/calendar';
import { DUBAN_LADDER_V1, ladderSchedule } from '@duban/domain/ladder';
import { InProcessScheduler, ManualClock } from '@duban/scheduler';
import type { LadderTimerPayload } from './ladder-due-table';
import { ladderTimerId } from './ladder-due-table';
import { eventually, LadderWorld, ladderWorld, STREAM, supervisor, zhongmu } from './testing/ladder-world';
import { openProcessorDatabase, ProcessorStore } from './processor-store';

const DEADLINE = '2021-06-07T18:00:00+08:00'; // a Monday
const schedule = (deadline: string, since?: string) => ladderSchedule(DUBAN_LADDER_V1, officialCalendar, deadline, [], since);
const ms = (iso: string) => Date.parse(iso);

describe('LadderProcessor (in-process scheduler, ManualClock)', () => {
  let w: LadderWorld;
  beforeEach(() => (w = ladderWorld()));
  afterEach(() => w.close());

  const start = async (clock: ManualClock, errors: string[] = []) => {
    const scheduler = new InProcessScheduler<LadderTimerPayload>({ clock, retry: { initialMs: 10, maxMs: 40 } });
    const processor = w.processor(scheduler, clock, errors);
    await processor.startAll(0);
    return { processor, scheduler };
  };

  it('runs recurring work on the same alarm clock: the period closes fire on the 1st at 01:00 Beijing time, not before', async () => {
    const clock = new ManualClock('2021-06-30T23:00:00+08:00');
    const { processor } = await start(clock);
    const runs: string[] = [];
    await processor.addRecurring('periods-close', { pattern: '0 1 1 * *', tz: 'Asia/Shanghai' }, async () => {
      runs.push(new Date(clock.now()).toISOString());
    });
    await clock.advance(ms('2021-07-01T00:59:00+08:00') - clock.now());
    expect(runs).toEqual([]);
    await clock.advance(ms('2021-07-01T01:00:30+08:00') - clock.now());
    await eventually(async () => expect(runs).toEqual(['2021-06-30T17:00:00.000Z']));
  });

  it('a back-filled item gets every step that fell due, in order, once, with its historical dueAt — across restarts and a replay', async () => {
    const { position } = await w.openShare(DEADLINE);
    const clock = new ManualClock('2021-07-01T08:00:00+08:00'); // after the 通报批评 (listing) day
    const errors: string[] = [];
    const first = await start(clock, errors);
    await first.processor.waitFor(position, 5000);

    const expected = schedule(DEADLINE, '2021-05-06T09:00:00+08:00');
    await eventually(async () => expect((await w.ladderEvents()).map((e) => e.type)).toHaveLength(4));
    const events = await w.ladderEvents();
    expect(events.map((e) => e.type)).toEqual(['task.share.reminded.v1', 'task.share.urged.v1', 'task.share.escalated.v1', 'task.share.listed_for_criticism.v1']);
    expect(events.map((e) => (e.data as { dueAt: string }).dueAt)).toEqual(expected.map((s) => s.dueAt));
    expect(events.map((e) => e.metadata.occurredAt)).toEqual(expected.map((s) => s.dueAt)); // effective when due, not when noticed
    expect(events.every((e) => e.metadata.actorRole === 'system' && e.metadata.actorUserId === 'duban-clock')).toBe(true);
    expect((events[1].data as { notice: string }).notice).toContain('催办');
    // the processor read its own steps back: the ladder is done, the row is gone
    await first.processor.waitFor(events[3].globalPosition, 5000);
    expect([...first.processor.table.all()]).toEqual([]);

    // a restart (the embedded scheduler remembers nothing) and a replay from zero write nothing more
    await w.stop(first.processor);
    const db = openProcessorDatabase(join(w.dir, 'processors.db'));
    new ProcessorStore(db, 'ladder').reset();
    db.close();
    const second = await start(clock, errors);
    await second.processor.waitFor(events[3].globalPosition, 5000);
    await second.processor.schedulerSettled();
    await clock.advance(30 * 86_400_000);
    expect((await w.ladderEvents()).map((e) => e.id)).toEqual(events.map((e) => e.id));
    expect(errors).toEqual([]);
  });

  it('keeps the next step in the due table and fires it when the clock reaches it, not before', async () => {
    const clock = new ManualClock('2021-05-06T10:00:00+08:00');
    const { processor, scheduler } = await start(clock);
    const { position } = await w.openShare(DEADLINE);
    await processor.waitFor(position, 5000);
    await processor.schedulerSettled();

    const [reminder, urge] = schedule(DEADLINE);
    const rows = [...processor.table.all()];
    expect(rows).toEqual([
      expect.objectContaining({ stream: STREAM, unit: '中牟县', step: 'reminder', dueAt: ms(reminder.dueAt), deadline: DEADLINE, deadlineVersion: 1 }),
    ]);
    expect(await scheduler.armedIds()).toEqual([ladderTimerId(STREAM, '中牟县', 'reminder', DEADLINE)]);
    expect(rows[0].timerId).not.toContain(':');

    await clock.advanceTo(ms(reminder.dueAt) - 1);
    expect(await w.ladderEvents()).toEqual([]);
    await clock.advanceTo(ms(reminder.dueAt));
    await eventually(async () => expect((await w.ladderEvents()).map((e) => e.type)).toEqual(['task.share.reminded.v1']));
    // following the log, the row moves on to the urge and its timer is armed
    await eventually(async () => expect([...processor.table.all()].map((r) => [r.step, r.dueAt])).toEqual([['urge', ms(urge.dueAt)]]));
    await processor.schedulerSettled();
    expect(await scheduler.armedIds()).toEqual([ladderTimerId(STREAM, '中牟县', 'urge', DEADLINE)]);
  });

  it('an extension granted before a step re-arms for the new deadline; the old timer fires for nothing', async () => {
    const clock = new ManualClock('2021-05-20T10:00:00+08:00');
    const { processor, scheduler } = await start(clock);
    await w.openShare(DEADLINE);
    const NEW_DEADLINE = '2021-06-30T18:00:00+08:00';
    await w.task({ type: 'RequestShareExtension', at: '2021-05-21T09:00:00+08:00', actor: zhongmu, data: { ...w.share, requestedDeadline: NEW_DEADLINE, reason: '用地手续未批复' } });
    const granted = await w.task({ type: 'GrantShareExtension', at: '2021-05-21T15:00:00+08:00', actor: supervisor, data: w.share });
    await processor.waitFor(granted.position, 5000);
    await processor.schedulerSettled();

    const oldId = ladderTimerId(STREAM, '中牟县', 'reminder', DEADLINE);
    const newId = ladderTimerId(STREAM, '中牟县', 'reminder', NEW_DEADLINE);
    expect([...processor.table.all()]).toEqual([expect.objectContaining({ step: 'reminder', deadline: NEW_DEADLINE, deadlineVersion: 2, timerId: newId })]);
    expect(await scheduler.armedIds()).toEqual([newId]);

    // the old deadline's dates pass: nothing (its timer is disarmed, and fired by hand it is a no-op)
    await clock.advanceTo(ms('2021-06-10T10:00:00+08:00'));
    await processor.onFire({ kind: 'timer', id: oldId, dueAt: ms(schedule(DEADLINE)[1].dueAt), payload: { stream: STREAM, unit: '中牟县', step: 'urge', deadline: DEADLINE }, attempt: 1 });
    expect(await w.ladderEvents()).toEqual([]);

    const [reminder] = schedule(NEW_DEADLINE);
    await clock.advanceTo(ms(reminder.dueAt));
    await eventually(async () => expect((await w.ladderEvents()).map((e) => (e.data as { deadline: string }).deadline)).toEqual([NEW_DEADLINE]));
  });

  it('申请销号 stops the clock (row deleted, timer disarmed), 退回 restarts it, 销号 ends the ladder', async () => {
    const clock = new ManualClock('2021-05-20T10:00:00+08:00');
    const { processor, scheduler } = await start(clock);
    await w.openShare(DEADLINE);
    await w.task({ type: 'ReportShareProgress', at: '2021-05-24T10:00:00+08:00', actor: zhongmu, data: { ...w.share, percent: 80, narrative: '已开工3个园区' } });
    const submitted = await w.task({
      type: 'SubmitShareCompletion',
      at: '2021-05-25T10:00:00+08:00',
      actor: zhongmu,
      data: { ...w.share, summary: '已开工3个园区', evidence: [{ ref: 'file:kaigong.pdf' }] },
    });
    await processor.waitFor(submitted.position, 5000);
    await processor.schedulerSettled();
    expect([...processor.table.all()]).toEqual([]);
    expect(await scheduler.armedIds()).toEqual([]);

    // the deadline passes while the supervisor looks at the evidence: no urge
    await clock.advanceTo(ms('2021-06-09T10:00:00+08:00'));
    expect(await w.ladderEvents()).toEqual([]);

    // 退回 on 6/9: the clock runs again on the same deadline; what fell due meanwhile (临近提醒, 催办) falls due at the restart
    const rejected = await w.task({ type: 'RejectShareCompletion', at: '2021-06-09T09:30:00+08:00', actor: supervisor, data: { ...w.share, reason: '佐证材料不全' } });
    await processor.waitFor(rejected.position, 5000);
    const STEPS = ['task.share.reminded.v1', 'task.share.urged.v1'];
    await eventually(async () => expect((await w.ladderEvents()).map((e) => e.type)).toEqual(STEPS));
    for (const e of await w.ladderEvents()) expect(ms(e.metadata.occurredAt)).toBeGreaterThanOrEqual(ms('2021-06-09T09:30:00+08:00'));

    // 销号: the row goes, nothing more is written however long the clock runs
    await w.task({
      type: 'SubmitShareCompletion',
      at: '2021-06-10T10:00:00+08:00',
      actor: zhongmu,
      data: { ...w.share, summary: '已补充材料', evidence: [{ ref: 'file:buchong.pdf' }] },
    });
    const approved = await w.task({ type: 'ApproveShareCompletion', at: '2021-06-11T10:00:00+08:00', actor: supervisor, data: w.share });
    await processor.waitFor(approved.position, 5000);
    await processor.schedulerSettled();
    expect([...processor.table.all()]).toEqual([]);
    expect(await scheduler.armedIds()).toEqual([]);
    await clock.advance(60 * 86_400_000);
    expect((await w.ladderEvents()).map((e) => e.type)).toEqual(STEPS);
  });

  it('a scheduler that lost its timers loses nothing: the restart reconciles from the due table and fires what fell due', async () => {
    const clock = new ManualClock('2021-05-20T10:00:00+08:00');
    const first = await start(clock);
    const { position } = await w.openShare(DEADLINE);
    await first.processor.waitFor(position, 5000);
    await first.processor.schedulerSettled();
    expect(await first.scheduler.armedIds()).toHaveLength(1);
    await w.stop(first.processor); // the embedded scheduler's memory is gone, like a FLUSHALL

    await clock.advanceTo(ms('2021-06-08T10:00:00+08:00')); // past the 临近提醒 and the 催办, nobody listening
    expect(await w.ladderEvents()).toEqual([]);
    const second = await start(clock);
    await eventually(async () => expect((await w.ladderEvents()).map((e) => e.type)).toEqual(['task.share.reminded.v1', 'task.share.urged.v1']));
    expect((await w.ladderEvents()).map((e) => (e.data as { dueAt: string }).dueAt)).toEqual(schedule(DEADLINE).slice(0, 2).map((s) => s.dueAt));
    await eventually(async () => expect([...second.processor.table.all()].map((r) => r.step)).toEqual(['escalation']));
  });

  it('two processors firing the same timer at once write each step once', async () => {
    const { position } = await w.openShare(DEADLINE);
    const clock = new ManualClock('2021-07-01T08:00:00+08:00');
    // neither is started: both get the one fire by hand, at the same moment
    const a = w.processor(new InProcessScheduler<LadderTimerPayload>({ clock }), clock);
    const b = w.processor(new InProcessScheduler<LadderTimerPayload>({ clock }), clock);
    const fire = {
      kind: 'timer' as const,
      id: ladderTimerId(STREAM, '中牟县', 'reminder', DEADLINE),
      dueAt: ms(schedule(DEADLINE)[0].dueAt),
      payload: { stream: STREAM, unit: '中牟县', step: 'reminder' as const, deadline: DEADLINE },
      attempt: 1,
    };
    await Promise.all([a.onFire(fire), b.onFire(fire), a.onFire(fire)]);
    const events = await w.ladderEvents();
    expect(events.map((e) => e.type)).toEqual(['task.share.reminded.v1', 'task.share.urged.v1', 'task.share.escalated.v1', 'task.share.listed_for_criticism.v1']);
    expect(events.every((e) => e.globalPosition > position)).toBe(true);
  });
});
