import { Job, Queue, Worker } from 'bullmq';
import IORedis from 'ioredis';
import { Clock, SystemClock } from '../clock';
import { assertSchedule } from '../cron';
import {
  assertTimerId,
  assertTimers,
  backoffDelay,
  DEFAULT_RETRY,
  Fire,
  FireHandler,
  RecurringSchedule,
  RetryPolicy,
  Scheduler,
  SchedulerHealth,
  Timer,
} from '../scheduler.port';

/**
 * The Redis adapter: timers are BullMQ delayed jobs whose job id is the timer id; recurring schedules are BullMQ
 * job schedulers. This folder is the only place that touches bullmq, ioredis and bull-board.
 */

export interface SchedulerLogger {
  log(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export interface BullmqSchedulerOptions {
  /** redis:// or rediss:// */
  url: string;
  /** Default 'timers'. */
  queueName?: string;
  /** Redis key prefix (default 'duban'), so Duban's keys are recognisable and apart from other BullMQ users. */
  prefix?: string;
  /** Handlers running at once in this process (default 8). */
  concurrency?: number;
  retry?: RetryPolicy;
  /** How long a run holds its lock before another worker may take the job over (default 30 s; renewed while it runs). */
  lockDuration?: number;
  /** How often workers look for jobs whose lock expired: a crashed worker's run (default 30 s). */
  stalledInterval?: number;
  /** A job that stalls more often than this fails (default 20): a crash loop must not spin for ever. */
  maxStalledCount?: number;
  /** Must be real time: BullMQ measures delays on the system clock. Default: new SystemClock(). */
  clock?: Clock;
  logger?: SchedulerLogger;
}

interface TimerData {
  dueAt: number;
  payload: unknown;
}

const TIMER = 'timer';
const RECURRING = 'recurring';
/** BullMQ counts attempts; an alarm is retried until it succeeds (with backoff up to retry.maxMs). */
const ATTEMPTS = 2 ** 31 - 1;
const BACKOFF_TYPE = 'duban';
const ARMED_STATES = ['delayed', 'waiting', 'active', 'prioritized'] as const;
const CHUNK = 1000;
const REDIS_ADVICE =
  'no timer is lost: the due table in the event log keeps every deadline, and the processor re-arms them (reconcile) once Redis answers; start Redis or fix REDIS_URL';

function chunks<T>(items: readonly T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

function redactUrl(url: string): string {
  return url.replace(/\/\/[^@/]*@/, '//***@');
}

export class BullmqScheduler<P = unknown> implements Scheduler<P> {
  readonly kind = 'bullmq' as const;
  readonly queue: Queue;
  private readonly clock: Clock;
  private readonly retry: RetryPolicy;
  private readonly clients: IORedis[] = [];
  private readonly queueClient: IORedis;
  private worker: Worker | null = null;
  /** Timer ids whose handler runs in this process now. */
  private readonly inFlight = new Set<string>();
  /** Arms requested for an id while its handler ran here: applied when that run ends. */
  private readonly afterRun = new Map<string, Timer<P>>();
  /** Ids disarmed while their handler ran here: a failure of that run is not retried. */
  private readonly disarmedInFlight = new Set<string>();
  private closing: Promise<void> | null = null;
  private lastRedisWarning = 0;

  constructor(private readonly options: BullmqSchedulerOptions) {
    this.clock = options.clock ?? new SystemClock();
    this.retry = options.retry ?? DEFAULT_RETRY;
    this.queueClient = this.client('queue');
    this.queue = new Queue(options.queueName ?? 'timers', {
      connection: this.queueClient,
      prefix: options.prefix ?? 'duban',
      defaultJobOptions: { attempts: ATTEMPTS, backoff: { type: BACKOFF_TYPE }, removeOnComplete: true },
    });
    this.queue.on('error', (err) => this.redisTrouble('queue', err));
  }

  /** An ioredis connection; maxRetriesPerRequest null (BullMQ's rule for workers): commands wait for Redis to come back. */
  private client(role: string): IORedis {
    const c = new IORedis(this.options.url, { maxRetriesPerRequest: null, connectionName: `duban-${role}` });
    c.on('error', (err) => this.redisTrouble(role, err));
    this.clients.push(c);
    return c;
  }

  private redisTrouble(role: string, err: Error): void {
    const now = Date.now(); // log throttling only, not scheduling
    if (now - this.lastRedisWarning < 30_000) return;
    this.lastRedisWarning = now;
    this.options.logger?.error(`scheduler: Redis at ${redactUrl(this.options.url)} (${role}): ${err.message}; ${REDIS_ADVICE}`);
  }

  async arm(timers: readonly Timer<P>[]): Promise<void> {
    assertTimers(timers);
    // oldest first: overdue timers go to the wait list in this order and start in it
    const sorted = [...timers].sort((a, b) => a.dueAt - b.dueAt);
    for (const batch of chunks(sorted)) {
      const existing = await Promise.all(batch.map((t) => this.queue.getJob(t.id)));
      const add: Timer<P>[] = [];
      const move: Timer<P>[] = [];
      batch.forEach((t, i) => {
        const job = existing[i];
        if (!job) add.push(t);
        else if (job.finishedOn || !this.sameTimer(job, t)) move.push(t);
      });
      for (const t of move) {
        if (this.inFlight.has(t.id)) this.afterRun.set(t.id, t);
        else if (await this.removeWhenIdle(t.id)) add.push(t);
      }
      await this.add(add);
    }
  }

  private sameTimer(job: Job, t: Timer<P>): boolean {
    const data = job.data as TimerData;
    return data.dueAt === t.dueAt && JSON.stringify(data.payload) === JSON.stringify(t.payload ?? null);
  }

  private async add(timers: readonly Timer<P>[]): Promise<void> {
    if (timers.length === 0) return;
    const now = this.clock.now();
    await this.queue.addBulk(
      timers.map((t) => ({
        name: TIMER,
        data: { dueAt: t.dueAt, payload: t.payload ?? null } satisfies TimerData,
        opts: { jobId: t.id, delay: Math.max(0, t.dueAt - now), timestamp: now },
      })),
    );
  }

  /**
   * Removes a job so it can be added again with its new instant. A job running in another worker is locked: wait
   * for that run to end (it takes at most a lock duration to be declared stalled). Returns false if it vanished
   * on its own meanwhile… in which case adding is right too, so this only throws when the lock never frees.
   */
  private async removeWhenIdle(id: string): Promise<boolean> {
    const deadline = this.clock.now() + 2 * (this.options.lockDuration ?? 30_000) + 5_000;
    for (;;) {
      if ((await this.queue.remove(id)) === 1) return true;
      if (!(await this.queue.getJob(id))) return true;
      if (this.clock.now() > deadline) throw new Error(`scheduler: timer ${id} stayed locked by a running handler; not moved`);
      await this.clock.sleepUntil(this.clock.now() + 100);
    }
  }

  async disarm(ids: readonly string[]): Promise<void> {
    for (const id of ids) {
      this.afterRun.delete(id);
      if (this.inFlight.has(id)) this.disarmedInFlight.add(id);
    }
    for (const batch of chunks(ids)) await Promise.all(batch.map((id) => this.queue.remove(id)));
  }

  async armedIds(): Promise<string[]> {
    const ids = await this.queue.getRanges([...ARMED_STATES], 0, -1);
    // job schedulers' jobs are named repeat:<id>:<instant>; timer ids never hold ':'
    return [...new Set(ids.filter((id) => !id.includes(':')))];
  }

  async upsertRecurring(id: string, schedule: RecurringSchedule, payload: P): Promise<void> {
    assertTimerId(id);
    assertSchedule(schedule);
    await this.queue.upsertJobScheduler(
      id,
      { pattern: schedule.pattern, tz: schedule.tz },
      { name: RECURRING, data: { payload: payload ?? null }, opts: { attempts: ATTEMPTS, backoff: { type: BACKOFF_TYPE }, removeOnComplete: true } },
    );
  }

  async removeRecurring(id: string): Promise<void> {
    await this.queue.removeJobScheduler(id);
  }

  async recurringIds(): Promise<string[]> {
    return (await this.queue.getJobSchedulers(0, -1)).map((s) => s.key);
  }

  async start(handler: FireHandler<P>): Promise<void> {
    if (this.worker) throw new Error('scheduler already started');
    if (this.closing) throw new Error('scheduler is closed');
    const o = this.options;
    this.worker = new Worker(this.queue.name, (job) => this.process(job, handler), {
      connection: this.client('worker'),
      prefix: o.prefix ?? 'duban',
      concurrency: o.concurrency ?? 8,
      lockDuration: o.lockDuration ?? 30_000,
      stalledInterval: o.stalledInterval ?? 30_000,
      maxStalledCount: o.maxStalledCount ?? 20,
      settings: { backoffStrategy: (attemptsMade: number) => backoffDelay(this.retry, attemptsMade) },
      autorun: false,
    });
    this.worker.on('error', (err) => this.redisTrouble('worker', err));
    this.worker.on('completed', (job) => void this.runEnded(job));
    this.worker.on('failed', (job) => job && void this.runEnded(job));
    void this.worker.run().catch((err: Error) => o.logger?.error(`scheduler: the worker stopped: ${err.message}`));
    await this.worker.waitUntilReady();
  }

  private async process(job: Job, handler: FireHandler<P>): Promise<void> {
    const fire = this.toFire(job);
    const timerId = fire.kind === 'timer' ? fire.id : null;
    if (timerId) this.inFlight.add(timerId);
    try {
      await handler(fire);
    } catch (err) {
      if (timerId && this.disarmedInFlight.has(timerId)) return; // disarmed meanwhile: nothing to retry
      this.options.logger?.warn(`scheduler: ${fire.kind} ${fire.id} (attempt ${fire.attempt}) failed, retried with backoff: ${(err as Error).message}`);
      throw err;
    } finally {
      if (timerId) {
        this.inFlight.delete(timerId);
        this.disarmedInFlight.delete(timerId);
      }
    }
  }

  private toFire(job: Job): Fire<P> {
    const attempt = job.attemptsMade + 1;
    if (job.name === RECURRING) {
      const id = job.repeatJobKey ?? String(job.id).split(':')[1]!;
      const dueAt = job.opts.prevMillis ?? job.timestamp + (job.delay ?? 0);
      return { kind: 'recurring', id, dueAt, payload: (job.data as { payload: P }).payload, attempt };
    }
    const data = job.data as TimerData;
    return { kind: 'timer', id: String(job.id), dueAt: data.dueAt, payload: data.payload as P, attempt };
  }

  /** An arm() that came while the id ran here takes effect now (the finished job is gone or waits for its retry). */
  private async runEnded(job: Job): Promise<void> {
    const id = String(job.id);
    const next = this.afterRun.get(id);
    if (!next || this.inFlight.has(id)) return;
    this.afterRun.delete(id);
    try {
      await this.queue.remove(id);
      await this.add([next]);
    } catch (err) {
      this.options.logger?.error(`scheduler: re-arming ${id} after its run failed (${(err as Error).message}); reconcile will re-arm it`);
    }
  }

  async health(): Promise<SchedulerHealth> {
    if (this.closing) return { status: 'down', reason: 'the scheduler is closed' };
    const where = `Redis at ${redactUrl(this.options.url)}`;
    const status = this.queueClient.status;
    if (status === 'reconnecting' || status === 'end' || status === 'close') {
      return { status: 'down', reason: `${where} is unreachable (${status}); ${REDIS_ADVICE}` };
    }
    let timer: NodeJS.Timeout | undefined;
    try {
      // while (re)connecting, the ping waits in ioredis' queue: give it a second
      await Promise.race([
        this.queueClient.ping(),
        new Promise((_, reject) => (timer = setTimeout(() => reject(new Error('no answer within 1 s')), 1000))),
      ]);
      return { status: 'up' };
    } catch (err) {
      return { status: 'down', reason: `${where} is unreachable: ${(err as Error).message}; ${REDIS_ADVICE}` };
    } finally {
      clearTimeout(timer);
    }
  }

  /** Tests and benchmarks: closes the worker, deletes every key of this queue, then closes. */
  async obliterateAndClose(): Promise<void> {
    await this.worker?.close();
    await this.queue.obliterate({ force: true });
    await this.close();
  }

  /** Graceful: the worker takes no new job and waits for the runs under way, then the connections close. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      if (this.queueClient.status !== 'ready') {
        // Redis unreachable: nothing can close gracefully, and a connection left retrying (BullMQ duplicates ours
        // for its blocking reads) keeps the process alive for ever. Drop ours first, so what waits on them fails.
        for (const c of this.clients) c.disconnect();
        const settled = Promise.allSettled([this.worker?.close(true), this.queue.close()]);
        await Promise.race([settled, new Promise<void>((resolve) => setTimeout(resolve, 2_000).unref())]);
        return;
      }
      const graceful = (async () => {
        await this.worker?.close();
        await this.queue.close();
        await Promise.all(this.clients.map((c) => c.quit().catch(() => undefined)));
      })();
      // Redis gone: do not hang the shutdown for ever
      const forced = new Promise<void>((resolve) => setTimeout(resolve, 60_000).unref());
      await Promise.race([graceful, forced]);
      for (const c of this.clients) c.disconnect();
    })();
    return this.closing;
  }
}
