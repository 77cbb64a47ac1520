/**
 * A read-side process for the kill -9 test: runs the projection runner with
 * the log projection over an event store file and prints its committed
 * checkpoint every few milliseconds. The test kills it with SIGKILL.
 */
import { writeSync } from 'node:fs';
import { SqliteEventStore } from '@duban/eventstore';
import { ProjectionRunner } from '../runner/projection-runner';
import { openReadModelDatabase } from '../runner/read-model-db';
import { LogProjection } from './log-projection';

const [storeFile, readFile, batchSize] = process.argv.slice(2);

async function main(): Promise<void> {
  const store = new SqliteEventStore({ file: storeFile, pollIntervalMs: 20 });
  const db = openReadModelDatabase(readFile);
  const runner = new ProjectionRunner({ store, db, projections: [new LogProjection()], batchSize: Number(batchSize) });
  await runner.start();
  setInterval(() => writeSync(1, `at ${runner.status()[0].checkpoint}\n`), 5);
}

main().catch((err) => {
  process.stderr.write(`${(err as Error).stack}\n`);
  process.exit(2);
});
