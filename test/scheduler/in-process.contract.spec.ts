import { InProcessScheduler, ManualClock, SystemClock } from '@duban/scheduler';
import { RETRY_MS, schedulerContract } from '@duban/scheduler/testing/scheduler.contract';

// driven by a hand-moved clock: firing is decided by the clock, not by real time
schedulerContract('in-process, ManualClock', async () => {
  const clock = new ManualClock(Date.now());
  const scheduler = new InProcessScheduler({ clock, retry: { initialMs: RETRY_MS, maxMs: 4 * RETRY_MS } });
  return { scheduler, clock, passTime: (ms) => clock.advance(ms), cleanup: () => scheduler.close() };
});

// and on real time, as it runs in embedded mode
schedulerContract('in-process, SystemClock', async () => {
  const clock = new SystemClock();
  const scheduler = new InProcessScheduler({ clock, retry: { initialMs: RETRY_MS, maxMs: 4 * RETRY_MS } });
  return { scheduler, clock, passTime: (ms) => new Promise((r) => setTimeout(r, ms)), cleanup: () => scheduler.close() };
});
