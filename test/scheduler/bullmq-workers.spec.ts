import { ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore } from '@duban/eventstore';
import { Fire, SystemClock } from '@duban/scheduler';
import { BullmqScheduler } from '@duban/scheduler/bullmq';
import { eventually } from '@duban/scheduler/testing/scheduler.contract';
import { appendLadderStep, LadderPayload, ladderEventsByTimer } from '@duban/scheduler/testing/ladder-effect';

/**
 * Several workers on one queue (the shared Redis, a queue of its own per test): a worker killed in the middle of a
 * run loses nothing (another takes the job over once its lock expires), a worker stopped with SIGTERM finishes its
 * run first, and two workers racing for the same timers give each effect once.
 */
const url = process.env.DUBAN_TEST_REDIS || 'redis://127.0.0.1:6379';
const workerScript = join(__dirname, 'support', 'timer-worker.ts');
const fast = { lockDuration: 1000, stalledInterval: 500 };

interface Child {
  process: ChildProcess;
  lines: string[];
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function spawnWorker(queueName: string, file: string, mode: 'hang' | 'slow'): Child {
  const child = spawn(process.execPath, ['--import', 'tsx', workerScript, url, 'duban-test', queueName, file, mode], {
    cwd: join(__dirname, '..', '..'),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  let buffer = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    buffer += chunk;
    const parts = buffer.split('\n');
    buffer = parts.pop()!;
    lines.push(...parts);
  });
  child.stderr!.on('data', (c) => process.stderr.write(c));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  return { process: child, lines, exit };
}

describe('BullMQ scheduler: several workers', () => {
  let dir: string;
  let store: SqliteEventStore;
  let file: string;
  let queueName: string;
  const schedulers: BullmqScheduler<LadderPayload>[] = [];
  const children: Child[] = [];
  const clock = new SystemClock();
  const open = (options: { lockDuration?: number; stalledInterval?: number } = {}) => {
    const s = new BullmqScheduler<LadderPayload>({ url, prefix: 'duban-test', queueName, clock, retry: { initialMs: 100, maxMs: 400 }, ...options });
    schedulers.push(s);
    return s;
  };
  const timer = (i: number) => ({ id: `ladder-item${i}-escalation-2`, dueAt: clock.now(), payload: { item: `item${i}`, step: 'escalation' } });

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'duban-sched-'));
    file = join(dir, 'events.db');
    store = new SqliteEventStore({ file, synchronous: 'NORMAL' });
    queueName = `workers-${randomUUID()}`;
  });
  afterEach(async () => {
    for (const c of children.splice(0)) if (c.process.exitCode === null) c.process.kill('SIGKILL');
    for (const s of schedulers.splice(0)) await s.close();
    await new BullmqScheduler({ url, prefix: 'duban-test', queueName, clock }).obliterateAndClose();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a worker SIGKILLed in the middle of a run: another worker takes the stalled job over, one effect', async () => {
    const producer = open(fast);
    await producer.arm([timer(1)]);
    const child = spawnWorker(queueName, file, 'hang');
    children.push(child);
    await eventually(() => expect(child.lines).toContain('started ladder-item1-escalation-2 1'), 20_000);
    child.process.kill('SIGKILL');
    expect((await child.exit).signal).toBe('SIGKILL');
    expect(await producer.armedIds()).toEqual(['ladder-item1-escalation-2']); // still armed: the run never resolved

    const calls: Fire<LadderPayload>[] = [];
    await producer.start(async (fire) => {
      calls.push(fire);
      await appendLadderStep(store, fire);
    });
    await eventually(() => expect(calls).toHaveLength(1), 20_000);
    await eventually(async () => expect(await producer.armedIds()).toEqual([]));
    expect(await ladderEventsByTimer(store)).toEqual(new Map([['ladder-item1-escalation-2', 1]]));
  });

  it('a worker sent SIGTERM in the middle of a run finishes it and exits; the job is not run again', async () => {
    const producer = open(fast);
    await producer.arm([timer(2)]);
    const child = spawnWorker(queueName, file, 'slow');
    children.push(child);
    await eventually(() => expect(child.lines).toContain('started ladder-item2-escalation-2 1'), 20_000);
    child.process.kill('SIGTERM');
    expect(await child.exit).toEqual({ code: 0, signal: null });
    expect(child.lines).toContain('done ladder-item2-escalation-2');
    expect(await producer.armedIds()).toEqual([]);

    const calls: Fire<LadderPayload>[] = [];
    await producer.start(async (fire) => void calls.push(fire));
    await new Promise((r) => setTimeout(r, 2 * fast.lockDuration + fast.stalledInterval));
    expect(calls).toEqual([]);
    expect(await ladderEventsByTimer(store)).toEqual(new Map([['ladder-item2-escalation-2', 1]]));
  });

  it('two workers racing for 300 due timers: each runs once, each effect once', async () => {
    const a = open(fast);
    const b = open(fast);
    const ran = new Map<string, string[]>();
    const handler = (who: string) => async (fire: Fire<LadderPayload>) => {
      ran.set(fire.id, [...(ran.get(fire.id) ?? []), who]);
      await new Promise((r) => setTimeout(r, 2)); // a little I/O, as the real effect has
      await appendLadderStep(store, fire);
    };
    await a.start(handler('a'));
    await b.start(handler('b'));
    await a.arm(Array.from({ length: 300 }, (_, i) => timer(i)));
    await eventually(async () => expect((await ladderEventsByTimer(store)).size).toBe(300), 30_000);
    await new Promise((r) => setTimeout(r, 500));
    expect(ran.size).toBe(300);
    expect([...ran.values()].filter((who) => who.length !== 1)).toEqual([]);
    const byA = [...ran.values()].filter((who) => who[0] === 'a').length;
    expect(byA).toBeGreaterThan(0); // both really raced
    expect(byA).toBeLessThan(300);
    expect([...(await ladderEventsByTimer(store)).values()].every((n) => n === 1)).toBe(true);
  });
});
