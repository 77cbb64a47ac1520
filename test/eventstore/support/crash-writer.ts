/**
 * A writer process for the crash test: appends batches of 1–5 events to ten
 * streams as fast as it can and reports each batch on stdout before ("try")
 * and after ("ack") the append returns. The test kills it with SIGKILL.
 */
import { randomUUID } from 'node:crypto';
import { writeSync } from 'node:fs';
import { ANY, SqliteEventStore } from '@duban/eventstore';

const [file, synchronous] = process.argv.slice(2);
const store = new SqliteEventStore({ file, synchronous: synchronous === 'NORMAL' ? 'NORMAL' : 'FULL' });

async function main(): Promise<void> {
  for (let n = 0; ; n++) {
    const size = 1 + (n % 5);
    const stream = `crash-${n % 10}`;
    const ids = Array.from({ length: size }, () => randomUUID());
    // writeSync: the line is in the pipe before the next step, so nothing reported is lost in a buffer
    writeSync(1, `try ${ids.join(',')}\n`);
    const result = await store.appendToStream(
      stream,
      ids.map((id, i) => ({
        id,
        type: 'crash.appended.v1',
        data: { n, i, 说明: '崩溃测试：写入后立即确认' },
        metadata: {
          actorUserId: 'crash-writer',
          actorUnitId: null,
          actorRole: 'system' as const,
          commandId: randomUUID(),
          correlationId: randomUUID(),
          causationId: randomUUID(),
          occurredAt: new Date().toISOString(),
        },
      })),
      { expectedVersion: ANY },
    );
    writeSync(1, `ack ${ids.join(',')} ${result.position}\n`);
  }
}

main().catch((err) => {
  process.stderr.write(`${(err as Error).stack}\n`);
  process.exit(2);
});
