import { Clock } from '../clock';
import { InvalidScheduleError } from '../cron';
import { Fire, InvalidTimerIdError, Scheduler } from '../scheduler.port';

/**
 * The one contract both scheduler adapters pass. A spec calls schedulerContract(name, makeHarness) with a harness
 * giving a fresh scheduler (its own queue) whose retry backoff is RETRY_MS at first, and a way to let time pass:
 * advancing a ManualClock, or sleeping on real time. Assertions wait with `eventually` on real time, so the same
 * test body serves both kinds of clock.
 */
export const RETRY_MS = 100;

export interface SchedulerHarness {
  scheduler: Scheduler<unknown>;
  clock: Clock;
  /** Lets ms of the scheduler's time pass. */
  passTime(ms: number): Promise<void>;
  cleanup(): Promise<void>;
}

interface Seen {
  fire: Fire;
  /** clock.now() when the handler was called */
  at: number;
}

export async function eventually(check: () => void | Promise<void>, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (err) {
      if (Date.now() > until) throw err;
      await new Promise((r) => setTimeout(r, 25));
    }
  }
}

const sleepReal = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The hour (0–23) of an instant in Beijing time. */
const shanghaiHour = (t: number) => Number(new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Shanghai', hour: '2-digit', hourCycle: 'h23' }).format(t));

export function schedulerContract(name: string, makeHarness: () => Promise<SchedulerHarness>): void {
  describe(`scheduler contract: ${name}`, () => {
    let h: SchedulerHarness;
    let seen: Seen[];
    /** What the handler does besides recording; tests replace it. */
    let behaviour: (fire: Fire) => Promise<void>;
    const now = () => h.clock.now();
    const ids = () => seen.map((s) => s.fire.id);

    beforeEach(async () => {
      h = await makeHarness();
      seen = [];
      behaviour = async () => undefined;
    });
    afterEach(async () => {
      await h.cleanup();
    });
    const start = () =>
      h.scheduler.start(async (fire) => {
        seen.push({ fire, at: now() });
        await behaviour(fire);
      });

    it('fires an armed timer once, not before its due instant, with its payload intact', async () => {
      await start();
      const dueAt = now() + 600;
      const payload = { step: '临近提醒', item: 'item-1', text: '郑政办〔2021〕34号、三/1：全年新开工20个以上小微企业园' };
      await h.scheduler.arm([{ id: 'ladder-item-1-reminder-3', dueAt, payload }]);
      await h.passTime(200);
      await sleepReal(100);
      expect(seen).toEqual([]);
      await h.passTime(600);
      await eventually(() => expect(seen).toHaveLength(1));
      const [{ fire, at }] = seen;
      expect(fire).toEqual({ kind: 'timer', id: 'ladder-item-1-reminder-3', dueAt, payload, attempt: 1 });
      expect(at).toBeGreaterThanOrEqual(dueAt);
      await h.passTime(600);
      await sleepReal(100);
      expect(seen).toHaveLength(1);
      await eventually(async () => expect(await h.scheduler.armedIds()).toEqual([]));
    });

    it('fires timers that are already due as soon as it starts, oldest first', async () => {
      const t = now();
      await h.scheduler.arm([
        { id: 'late-c', dueAt: t - 100, payload: 'c' },
        { id: 'late-a', dueAt: t - 3000, payload: 'a' },
        { id: 'late-b', dueAt: t - 2000, payload: 'b' },
      ]);
      await start();
      await h.passTime(0);
      await eventually(() => expect(seen).toHaveLength(3));
      expect(ids()).toEqual(['late-a', 'late-b', 'late-c']);
    });

    it('retries a throwing handler with backoff; the timer stays armed until a run resolves', async () => {
      behaviour = async (fire) => {
        if (fire.attempt < 3) throw new Error(`attempt ${fire.attempt} fails`);
      };
      await start();
      await h.scheduler.arm([{ id: 'flaky', dueAt: now(), payload: 1 }]);
      await h.passTime(0);
      await eventually(() => expect(seen.length).toBeGreaterThanOrEqual(1));
      expect(await h.scheduler.armedIds()).toEqual(['flaky']);
      for (let i = 0; i < 10 && seen.length < 3; i++) {
        await h.passTime(RETRY_MS * 2);
        await sleepReal(50);
      }
      await eventually(() => expect(seen.map((s) => s.fire.attempt)).toEqual([1, 2, 3]));
      expect(seen[1].at - seen[0].at).toBeGreaterThanOrEqual(RETRY_MS);
      expect(seen[2].at - seen[1].at).toBeGreaterThanOrEqual(RETRY_MS * 2);
      await eventually(async () => expect(await h.scheduler.armedIds()).toEqual([]));
      await h.passTime(RETRY_MS * 8);
      await sleepReal(100);
      expect(seen).toHaveLength(3);
    });

    it('arming the same timer again changes nothing: it fires once', async () => {
      await start();
      const timer = { id: 'same', dueAt: now() + 300, payload: { n: 1 } };
      await h.scheduler.arm([timer]);
      await h.scheduler.arm([timer]);
      await h.scheduler.arm([{ ...timer, payload: { n: 1 } }]);
      expect(await h.scheduler.armedIds()).toEqual(['same']);
      await h.passTime(400);
      await eventually(() => expect(seen).toHaveLength(1));
      await h.passTime(400);
      await sleepReal(150);
      expect(seen).toHaveLength(1);
    });

    it('arming an id with another instant moves it, later or earlier, and the new payload goes with it', async () => {
      await start();
      const t = now();
      await h.scheduler.arm([
        { id: 'later', dueAt: t + 300, payload: 'v1' },
        { id: 'earlier', dueAt: t + 60_000, payload: 'v1' },
      ]);
      await h.scheduler.arm([
        { id: 'later', dueAt: t + 1200, payload: 'v2' },
        { id: 'earlier', dueAt: t + 200, payload: 'v2' },
      ]);
      await h.passTime(700);
      await eventually(() => expect(ids()).toEqual(['earlier']));
      await sleepReal(100);
      expect(ids()).toEqual(['earlier']); // 'later' did not fire at its old instant
      await h.passTime(700);
      await eventually(() => expect(ids()).toEqual(['earlier', 'later']));
      expect(seen.map((s) => [s.fire.dueAt, s.fire.payload])).toEqual([
        [t + 200, 'v2'],
        [t + 1200, 'v2'],
      ]);
      expect(seen[1].at).toBeGreaterThanOrEqual(t + 1200);
    });

    it('disarms timers by id (unknown ids are ignored) and lists what stays armed', async () => {
      await start();
      const t = now();
      await h.scheduler.arm([
        { id: 'keep', dueAt: t + 300, payload: null },
        { id: 'drop', dueAt: t + 300, payload: null },
        { id: 'far', dueAt: t + 3_600_000, payload: null },
      ]);
      expect((await h.scheduler.armedIds()).sort()).toEqual(['drop', 'far', 'keep']);
      await h.scheduler.disarm(['drop', 'never-armed']);
      expect((await h.scheduler.armedIds()).sort()).toEqual(['far', 'keep']);
      await h.passTime(500);
      await eventually(() => expect(ids()).toEqual(['keep']));
      await eventually(async () => expect(await h.scheduler.armedIds()).toEqual(['far']));
      await sleepReal(100);
      expect(ids()).toEqual(['keep']);
    });

    it("refuses ids with ':' (and plain integers) for the whole batch, arming nothing", async () => {
      const t = now();
      for (const bad of ['ladder:item-1:urge:3', '12345', '', 'with space']) {
        await expect(h.scheduler.arm([{ id: 'fine-1', dueAt: t, payload: null }, { id: bad, dueAt: t, payload: null }])).rejects.toBeInstanceOf(InvalidTimerIdError);
      }
      await expect(h.scheduler.arm([{ id: 'twice', dueAt: t, payload: 1 }, { id: 'twice', dueAt: t + 1, payload: 2 }])).rejects.toBeInstanceOf(InvalidTimerIdError);
      await expect(h.scheduler.upsertRecurring('cycle:weekly', { pattern: '0 9 * * 1', tz: 'Asia/Shanghai' }, null)).rejects.toBeInstanceOf(InvalidTimerIdError);
      expect(await h.scheduler.armedIds()).toEqual([]);
      expect(await h.scheduler.recurringIds()).toEqual([]);
    });

    it('an arm() of its own id from inside a running handler takes effect when that run ends', async () => {
      behaviour = async (fire) => {
        if (fire.payload === 'first') await h.scheduler.arm([{ id: 'self', dueAt: now() + 300, payload: 'second' }]);
      };
      await start();
      await h.scheduler.arm([{ id: 'self', dueAt: now(), payload: 'first' }]);
      await h.passTime(0);
      await eventually(() => expect(seen).toHaveLength(1));
      await eventually(async () => expect(await h.scheduler.armedIds()).toEqual(['self']));
      await h.passTime(400);
      await eventually(() => expect(seen.map((s) => s.fire.payload)).toEqual(['first', 'second']));
      await eventually(async () => expect(await h.scheduler.armedIds()).toEqual([]));
    });

    it('runs a recurring schedule read in its time zone (Asia/Shanghai), replaces it on upsert, stops it on remove', async () => {
      // a pattern that matches only during the current hour in Beijing: read in UTC (8 hours off) it never fires now
      if (new Date(now()).getUTCMinutes() === 59 && new Date(now()).getUTCSeconds() > 50) await h.passTime(12_000);
      const hour = shanghaiHour(now());
      const schedule = { pattern: `*/2 * ${hour} * * *`, tz: 'Asia/Shanghai' };
      await expect(h.scheduler.upsertRecurring('cycle-bad', { pattern: 'every tuesday', tz: 'Asia/Shanghai' }, null)).rejects.toBeInstanceOf(InvalidScheduleError);
      await expect(h.scheduler.upsertRecurring('cycle-bad', { pattern: '0 9 * * 1', tz: 'Mars/Olympus' }, null)).rejects.toBeInstanceOf(InvalidScheduleError);
      await start();
      await h.scheduler.upsertRecurring('cycle-report', schedule, { v: 1 });
      await h.scheduler.upsertRecurring('cycle-report', schedule, { v: 2 }); // same id: replaced, not doubled
      expect(await h.scheduler.recurringIds()).toEqual(['cycle-report']);
      expect(await h.scheduler.armedIds()).toEqual([]); // occurrences are not timers
      await h.passTime(2100);
      await eventually(() => expect(seen.length).toBeGreaterThanOrEqual(1));
      await h.passTime(2100);
      await eventually(() => expect(seen.length).toBeGreaterThanOrEqual(2));
      for (const { fire, at } of seen) {
        expect(fire).toMatchObject({ kind: 'recurring', id: 'cycle-report', payload: { v: 2 }, attempt: 1 });
        expect(shanghaiHour(fire.dueAt)).toBe(hour);
        expect(fire.dueAt % 2000).toBe(0);
        expect(at).toBeGreaterThanOrEqual(fire.dueAt);
      }
      expect(new Set(seen.map((s) => s.fire.dueAt)).size).toBe(seen.length);
      await h.scheduler.removeRecurring('cycle-report');
      expect(await h.scheduler.recurringIds()).toEqual([]);
      await sleepReal(300);
      const count = seen.length;
      await h.passTime(4200);
      await sleepReal(200);
      expect(seen).toHaveLength(count);
    });

    it('close() lets the run under way finish, then nothing more fires', async () => {
      let finished = 0;
      behaviour = async (fire) => {
        if (fire.id === 'slow') {
          await sleepReal(400);
          finished++;
        }
      };
      await start();
      const t = now();
      await h.scheduler.arm([
        { id: 'slow', dueAt: t, payload: null },
        { id: 'after-close', dueAt: t + 500, payload: null },
      ]);
      await h.passTime(0);
      await eventually(() => expect(ids()).toContain('slow'));
      await h.scheduler.close();
      expect(finished).toBe(1);
      expect((await h.scheduler.health()).status).toBe('down');
      await h.passTime(800);
      await sleepReal(200);
      expect(ids()).toEqual(['slow']);
    });

    it('reports itself up while it runs', async () => {
      await start();
      expect(await h.scheduler.health()).toEqual({ status: 'up' });
    });
  });
}
