/**
 * Timer benchmark: `npm run bench:timers` (BENCH_QUICK=1 for a ~10x smaller smoke run).
 *
 * Everything runs against a private redis-server started for the run (free port, no persistence), so FLUSHALL
 * is safe and the shared Redis is untouched. In one run:
 *   arming     N timers through the Scheduler port (BullMQ adapter), beside raw BullMQ addBulk of the same jobs
 *              (same ids, data, chunks of 1,000): the limit. Interleaved rounds, a fresh queue each time.
 *   lateness   10,000 timers due within one minute, a worker running (concurrency 8): fire time − due instant.
 *   re-arm     N timers armed, FLUSHALL, then reconcile() from the due table: the time until all are armed again.
 * There is no separate peer: @nestjs/bullmq wraps the same Queue.addBulk, which is the limit here.
 */
import os from 'node:os';
import { reconcile, SystemClock, Timer } from '@duban/scheduler';
import { BullmqScheduler } from '@duban/scheduler/bullmq';
import { rawAddBulk } from '@duban/scheduler/bullmq/raw-bulk';
import { startPrivateRedis } from '@duban/scheduler/testing/private-redis';

const QUICK = process.env.BENCH_QUICK === '1';
const N_ARM = QUICK ? 10_000 : 100_000;
const N_LATE = QUICK ? 1_000 : 10_000;
const LATE_WINDOW_MS = QUICK ? 6_000 : 60_000;
const ROUNDS = QUICK ? 1 : 2;
const GOAL_ARM_VS_RAW = 0.5;
const GOAL_P99_MS = 1000;
const GOAL_REARM_S = 30;

const out = (line = '') => process.stdout.write(`${line}\n`);
const clock = new SystemClock();
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

function dueTable(n: number, tag: string, from: number, spreadMs: number): Timer<{ item: string; step: string }>[] {
  const steps = ['reminder', 'urge', 'escalation', 'listing'];
  return Array.from({ length: n }, (_, i) => ({
    id: `ladder-${tag}${i}-${steps[i % 4]}-1`,
    dueAt: from + Math.floor((i * spreadMs) / n),
    payload: { item: `${tag}${i}`, step: steps[i % 4]! },
  }));
}

async function main(): Promise<void> {
  const redis = await startPrivateRedis();
  const version = redis.cli('INFO', 'server').match(/redis_version:(\S+)/)?.[1];
  out(`bench:timers${QUICK ? ' (BENCH_QUICK)' : ''}: Node ${process.version}, ${os.cpus().length} cores, redis-server ${version} (private, no persistence), bullmq ${require('bullmq/package.json').version}`);
  out(`load average at start: ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  out();
  try {
    // ---------------------------------------------------------------- arming
    let rawMs = 0;
    let oursMs = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const jobs = dueTable(N_ARM, `r${round}-`, clock.now() + 86_400_000, 86_400_000);
      redis.flushAll();
      let t = performance.now();
      await rawAddBulk(redis.url, `raw-${round}`, jobs);
      rawMs += performance.now() - t;

      redis.flushAll();
      const scheduler = new BullmqScheduler({ url: redis.url, queueName: `ours-${round}`, clock });
      t = performance.now();
      await scheduler.arm(jobs);
      oursMs += performance.now() - t;
      const armed = (await scheduler.armedIds()).length;
      if (armed !== N_ARM) throw new Error(`armed ${armed}, expected ${N_ARM}`);
      await scheduler.close();
    }
    const rawRate = (N_ARM * ROUNDS) / (rawMs / 1000);
    const ourRate = (N_ARM * ROUNDS) / (oursMs / 1000);
    out(`arming ${fmt(N_ARM)} delayed timers (${ROUNDS} round(s), fresh queue each)`);
    out(`  raw BullMQ addBulk (limit)     ${fmt(rawRate)} jobs/s`);
    out(`  Scheduler.arm (BullMQ adapter) ${fmt(ourRate)} jobs/s   ${((100 * ourRate) / rawRate).toFixed(0)} % of raw   goal ≥ ${GOAL_ARM_VS_RAW * 100} %: ${ourRate / rawRate >= GOAL_ARM_VS_RAW ? 'met' : 'MISSED'}`);
    out();

    // ---------------------------------------------------------------- lateness
    redis.flushAll();
    const late: number[] = [];
    const scheduler = new BullmqScheduler({ url: redis.url, queueName: 'lateness', clock, concurrency: 8 });
    await scheduler.start(async (fire) => void late.push(clock.now() - fire.dueAt));
    const start = clock.now() + 2000;
    await scheduler.arm(dueTable(N_LATE, 'late', start, LATE_WINDOW_MS));
    while (late.length < N_LATE && clock.now() < start + LATE_WINDOW_MS + 30_000) await new Promise((r) => setTimeout(r, 200));
    await scheduler.close();
    late.sort((a, b) => a - b);
    out(`lateness of ${fmt(N_LATE)} timers due within ${LATE_WINDOW_MS / 1000} s (worker concurrency 8, fire instant − due instant)`);
    out(`  fired ${fmt(late.length)}/${fmt(N_LATE)}; p50 ${pct(late, 50)} ms, p99 ${pct(late, 99)} ms, max ${late[late.length - 1]} ms, min ${late[0]} ms   goal p99 ≤ ${GOAL_P99_MS} ms: ${late.length === N_LATE && pct(late, 99) <= GOAL_P99_MS ? 'met' : 'MISSED'}`);
    out();

    // ---------------------------------------------------------------- re-arm after FLUSHALL
    redis.flushAll();
    const table = dueTable(N_ARM, 'rearm', clock.now() + 86_400_000, 30 * 86_400_000);
    const victim = new BullmqScheduler({ url: redis.url, queueName: 'timers', clock });
    await victim.arm(table);
    redis.flushAll();
    const t = performance.now();
    const report = await reconcile(victim, table, { clock });
    const seconds = (performance.now() - t) / 1000;
    const armed = (await victim.armedIds()).length;
    await victim.close();
    out(`re-arm ${fmt(N_ARM)} timers from the due table after FLUSHALL (reconcile)`);
    out(`  ${seconds.toFixed(1)} s (${fmt(report.rearmed / seconds)} timers/s); armed afterwards: ${fmt(armed)}   goal ≤ ${GOAL_REARM_S} s: ${seconds <= GOAL_REARM_S && armed === N_ARM ? 'met' : 'MISSED'}`);
    out();
    out(`load average at end: ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  } finally {
    await redis.stop();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench:timers failed: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
