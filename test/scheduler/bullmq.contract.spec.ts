import { randomUUID } from 'node:crypto';
import { SystemClock } from '@duban/scheduler';
import { BullmqScheduler } from '@duban/scheduler/bullmq';
import { RETRY_MS, schedulerContract } from '@duban/scheduler/testing/scheduler.contract';

const url = process.env.DUBAN_TEST_REDIS || 'redis://127.0.0.1:6379';

// the shared Redis: every test gets its own queue under the duban-test prefix and deletes it afterwards
schedulerContract('BullMQ', async () => {
  const clock = new SystemClock();
  const scheduler = new BullmqScheduler({
    url,
    prefix: 'duban-test',
    queueName: `contract-${randomUUID()}`,
    clock,
    retry: { initialMs: RETRY_MS, maxMs: 4 * RETRY_MS },
  });
  return {
    scheduler,
    clock,
    passTime: (ms) => new Promise((r) => setTimeout(r, ms)),
    cleanup: async () => {
      await scheduler.close();
      const again = new BullmqScheduler({ url, prefix: 'duban-test', queueName: scheduler.queue.name, clock });
      await again.obliterateAndClose();
    },
  };
});
