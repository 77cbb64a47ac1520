import type { Clock } from './clock';
import { InProcessScheduler } from './in-process/in-process-scheduler';
import type { RetryPolicy, Scheduler } from './scheduler.port';

export interface SchedulerSettings {
  /** Set: BullMQ on this Redis. Null: the in-process scheduler. */
  redisUrl: string | null;
  clock: Clock;
  queueName?: string;
  prefix?: string;
  concurrency?: number;
  retry?: RetryPolicy;
  logger?: { log(m: string): void; warn(m: string): void; error(m: string): void };
}

/** Picks the adapter from configuration. bullmq and ioredis are only loaded when REDIS_URL is set. */
export function createScheduler<P = unknown>(settings: SchedulerSettings): Scheduler<P> {
  if (settings.redisUrl) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { BullmqScheduler } = require('./bullmq/bullmq-scheduler') as typeof import('./bullmq/bullmq-scheduler');
    return new BullmqScheduler<P>({
      url: settings.redisUrl,
      clock: settings.clock,
      queueName: settings.queueName,
      prefix: settings.prefix,
      concurrency: settings.concurrency,
      retry: settings.retry,
      logger: settings.logger,
    });
  }
  return new InProcessScheduler<P>({
    clock: settings.clock,
    retry: settings.retry,
    concurrency: settings.concurrency,
    onError: (fire, err) => settings.logger?.warn(`scheduler: ${fire.kind} ${fire.id} (attempt ${fire.attempt}) failed, retried with backoff: ${(err as Error).message}`),
  });
}

/** Human description for start-up messages. */
export function describeScheduler(settings: Pick<SchedulerSettings, 'redisUrl'>): string {
  return settings.redisUrl ? `BullMQ on Redis at ${settings.redisUrl.replace(/\/\/[^@/]*@/, '//***@')}` : 'in-process (timers re-armed from the due table at start)';
}

/** Closes the scheduler on SIGTERM/SIGINT for processes without Nest's shutdown hooks (runs under way finish first). */
export function closeOnSignals(scheduler: Scheduler, signals: NodeJS.Signals[] = ['SIGTERM', 'SIGINT'], exit = true): void {
  for (const signal of signals) {
    process.once(signal, () => {
      void scheduler.close().then(
        () => exit && process.exit(0),
        () => exit && process.exit(1),
      );
    });
  }
}
