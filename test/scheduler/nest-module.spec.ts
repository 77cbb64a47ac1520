import { randomUUID } from 'node:crypto';
import { Test } from '@nestjs/testing';
import express from 'express';
import request from 'supertest';
import { APP_CONFIG, DubanConfigModule, loadConfig } from '@duban/config';
import { ManualClock, mountQueueDashboard, Scheduler } from '@duban/scheduler';
import { BullmqScheduler } from '@duban/scheduler/bullmq';
import { CLOCK, SCHEDULER, SchedulerModule } from '@duban/scheduler/nest/scheduler.module';

const redisUrl = process.env.DUBAN_TEST_REDIS || 'redis://127.0.0.1:6379';

async function boot(url: string | null, queueName?: string) {
  const moduleRef = await Test.createTestingModule({
    imports: [DubanConfigModule, SchedulerModule.register({ clock: new ManualClock(), queueName, prefix: 'duban-test' })],
  })
    .overrideProvider(APP_CONFIG)
    .useValue({ ...loadConfig({}), redisUrl: url })
    .compile();
  const app = moduleRef.createNestApplication();
  await app.init();
  return { app, scheduler: app.get<Scheduler>(SCHEDULER) };
}

/** Answers 403 unless the request says it is the admin: stands in for the api's admin-only guard. */
const adminOnly = (req: express.Request, res: express.Response, next: express.NextFunction) =>
  req.header('x-test-admin') === 'yes' ? next() : void res.status(403).json({ message: 'admin only' });

describe('SchedulerModule', () => {
  it('without REDIS_URL: the in-process scheduler on the given clock, no dashboard, closed on shutdown', async () => {
    const { app, scheduler } = await boot(null);
    expect(scheduler.kind).toBe('in-process');
    expect(app.get(CLOCK)).toBeInstanceOf(ManualClock);
    expect(mountQueueDashboard(express(), scheduler, adminOnly)).toBe(false);
    await app.close();
    expect((await scheduler.health()).status).toBe('down');
  });

  it('with REDIS_URL: BullMQ, bull-board mountable at /admin/queues behind a guard, closed on shutdown', async () => {
    const queueName = `nest-${randomUUID()}`;
    const { app, scheduler } = await boot(redisUrl, queueName);
    try {
      expect(scheduler.kind).toBe('bullmq');
      // the first connection may take longer than health()'s one-second ping on a loaded machine: up within 10 s
      let health = await scheduler.health();
      for (let i = 0; i < 20 && health.status !== 'up'; i++) {
        await new Promise((r) => setTimeout(r, 500));
        health = await scheduler.health();
      }
      expect(health).toEqual({ status: 'up' });
      await scheduler.arm([{ id: 'ladder-item-9-listing-1', dueAt: Date.now() + 3_600_000, payload: { item: '9' } }]);
      const web = express();
      expect(mountQueueDashboard(web, scheduler, adminOnly)).toBe(true);

      const refused = await request(web).get('/admin/queues/api/queues');
      expect(refused.status).toBe(403);
      expect(refused.body).toEqual({ message: 'admin only' });
      const page = await request(web).get('/admin/queues').set('x-test-admin', 'yes');
      expect(page.status).toBe(200);
      expect(page.text).toMatch(/<html/i);
      const api = await request(web).get('/admin/queues/api/queues?activeQueue=' + queueName).set('x-test-admin', 'yes');
      expect(api.status).toBe(200);
      const queue = (api.body.queues as { name: string; counts: Record<string, number> }[]).find((q) => q.name === queueName);
      expect(queue?.counts.delayed).toBe(1);
    } finally {
      await app.close();
      expect((await scheduler.health()).status).toBe('down');
      await new BullmqScheduler({ url: redisUrl, prefix: 'duban-test', queueName }).obliterateAndClose();
    }
  });
});
