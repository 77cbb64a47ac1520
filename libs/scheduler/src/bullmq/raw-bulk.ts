import { Queue } from 'bullmq';
import IORedis from 'ioredis';

/**
 * The limit for `npm run bench:timers`: BullMQ's own addBulk of delayed jobs shaped like the adapter's (same name,
 * data, job ids and chunk size), with nothing of ours in between. Lives here because this folder is the only one
 * that touches bullmq.
 */
export async function rawAddBulk(url: string, queueName: string, jobs: { id: string; dueAt: number; payload: unknown }[], chunk = 1000): Promise<void> {
  const connection = new IORedis(url, { maxRetriesPerRequest: null });
  const queue = new Queue(queueName, { connection, prefix: 'duban' });
  try {
    const now = Date.now();
    for (let i = 0; i < jobs.length; i += chunk) {
      await queue.addBulk(
        jobs.slice(i, i + chunk).map((j) => ({
          name: 'timer',
          data: { dueAt: j.dueAt, payload: j.payload },
          opts: { jobId: j.id, delay: Math.max(0, j.dueAt - now), attempts: 2 ** 31 - 1, removeOnComplete: true },
        })),
      );
    }
  } finally {
    await queue.close();
    await connection.quit();
  }
}
