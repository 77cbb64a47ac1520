/**
 * A worker process for the crash tests: runs the BullMQ scheduler on the given queue with short lock and stall
 * settings and reports on stdout ("ready", "started <id> <attempt>", "done <id>"). Mode `hang`: the handler never
 * ends (the test kills the process with SIGKILL). Mode `slow`: it takes 800 ms, then writes the timer's effect to
 * the SQLite store (the test sends SIGTERM meanwhile: a graceful close lets it finish).
 */
import { writeSync } from 'node:fs';
import { SqliteEventStore } from '@duban/eventstore';
import { closeOnSignals } from '@duban/scheduler';
import { BullmqScheduler } from '@duban/scheduler/bullmq';
import { appendLadderStep, LadderPayload } from '@duban/scheduler/testing/ladder-effect';

const [url, prefix, queueName, file, mode] = process.argv.slice(2);
const store = new SqliteEventStore({ file: file!, synchronous: 'NORMAL' });
const scheduler = new BullmqScheduler<LadderPayload>({ url: url!, prefix, queueName, concurrency: 1, lockDuration: 1000, stalledInterval: 500 });
closeOnSignals(scheduler);

void scheduler
  .start(async (fire) => {
    writeSync(1, `started ${fire.id} ${fire.attempt}\n`);
    if (mode === 'hang') await new Promise(() => undefined);
    await new Promise((r) => setTimeout(r, 800));
    await appendLadderStep(store, fire);
    writeSync(1, `done ${fire.id}\n`);
  })
  .then(() => writeSync(1, 'ready\n'));
