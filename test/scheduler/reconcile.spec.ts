import { DueEntry, Fire, InProcessScheduler, ManualClock, reconcile } from '@duban/scheduler';

/**
 * reconcile() over the embedded scheduler on a hand-moved clock: a fresh process remembers no timer, and the due
 * table alone brings every one back — the overdue ones fire at once, oldest first, the others at their instant.
 */
describe('reconcile', () => {
  const start = new Date('2026-03-02T09:00:00+08:00').getTime();
  const hour = 3_600_000;
  const table: DueEntry<{ step: string }>[] = [
    { id: 'ladder-b-urge-2', dueAt: start - 2 * hour, payload: { step: '催办' } },
    { id: 'ladder-c-listing-1', dueAt: start + 3 * hour, payload: { step: '通报批评' } },
    { id: 'ladder-a-reminder-1', dueAt: start - 5 * hour, payload: { step: '临近提醒' } },
    { id: 'ladder-d-escalation-1', dueAt: start - 1, payload: { step: '督办' } },
  ];

  it('re-arms what is missing; overdue entries fire at once, oldest first; the rest fire when due', async () => {
    const clock = new ManualClock(start);
    const scheduler = new InProcessScheduler<{ step: string }>({ clock });
    const fired: Array<Pick<Fire, 'id' | 'dueAt'> & { at: number }> = [];
    await scheduler.arm([table[1]!]); // survived: already armed
    const report = await reconcile(scheduler, [...table, { ...table[0]!, dueAt: start + hour }], { clock });
    expect(report).toEqual({ entries: 4, alreadyArmed: 1, rearmed: 3, overdue: 3, disarmed: 0 });
    await scheduler.start(async (f) => void fired.push({ id: f.id, dueAt: f.dueAt, at: clock.now() }));
    await clock.advance(0);
    expect(fired.map((f) => f.id)).toEqual(['ladder-a-reminder-1', 'ladder-b-urge-2', 'ladder-d-escalation-1']);
    expect(fired.every((f) => f.at === start)).toBe(true);
    await clock.advance(3 * hour - 1);
    expect(fired).toHaveLength(3);
    await clock.advance(1);
    expect(fired.map((f) => [f.id, f.at])).toContainEqual(['ladder-c-listing-1', start + 3 * hour]);
    expect(await scheduler.armedIds()).toEqual([]);
    // nothing left to re-arm once the table is empty; stale alarms go when asked to
    await scheduler.arm([{ id: 'orphan-1', dueAt: start + 9 * hour, payload: { step: '' } }]);
    expect(await reconcile(scheduler, [], { clock, disarmUnknown: true })).toMatchObject({ entries: 0, rearmed: 0, disarmed: 1 });
    expect(await scheduler.armedIds()).toEqual([]);
    await scheduler.close();
  });

  it('a ManualClock fires a year of timers in due order, each seeing now() equal to its instant', async () => {
    const clock = new ManualClock(start);
    const scheduler = new InProcessScheduler({ clock });
    const seen: number[] = [];
    await scheduler.start(async (f) => {
      expect(clock.now()).toBe(f.dueAt);
      seen.push(f.dueAt);
    });
    const days = Array.from({ length: 365 }, (_, i) => start + ((i * 7919) % 365) * 86_400_000 + 1);
    await scheduler.arm(days.map((d, i) => ({ id: `day-${i}`, dueAt: d, payload: null })));
    await new Promise((r) => setImmediate(r)); // the loop looks again after the arm
    expect(clock.pendingSleeps).toBe(1); // one wait, for the earliest instant
    await clock.advance(366 * 86_400_000);
    expect(seen).toEqual([...days].sort((a, b) => a - b));
    await scheduler.close();
  });
});
