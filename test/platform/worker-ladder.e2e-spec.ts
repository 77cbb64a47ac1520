/**
 * The worker of the split deployment runs the processors: its Nest context (no
 * HTTP) on a data dir where an item was back-filled with a deadline in 2021
 * writes the item's four ladder steps, once, after its first verification
 * pass; with DUBAN_PROCESSORS=off it writes nothing.
 */
import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NestFactory } from '@nestjs/core';
import { CommandExecutor, taskStream } from '@duban/application';
import { SqliteEventStore } from '@duban/eventstore';
import { taskDecider } from '@duban/domain/task';
import type { TaskCommand } from '@duban/domain/task';
import { WorkerModule } from '../../apps/worker/src/worker.module';

const OFFICE = '市政府办公厅四处';
const TASK = 'worker-ladder-1';
const supervisor = { userId: 'li.duban', unitId: OFFICE, role: 'supervisor' as const };

async function backfill(dir: string): Promise<void> {
  const store = new SqliteEventStore({ file: join(dir, 'duban.db') });
  const executor = new CommandExecutor(store);
  const run = (command: TaskCommand, creates = false) =>
    executor.execute(taskDecider, taskStream(TASK), command, { commandId: randomUUID(), correlationId: 'c', causationId: 'c', actor: command.actor, receivedAt: new Date().toISOString() }, { creates });
  await run(
    {
      type: 'RegisterTask',
      at: '2021-04-30T10:00:00+08:00',
      actor: supervisor,
      data: {
        taskId: TASK,
        sourceDocument: { docNumber: '郑政办〔2021〕34号' },
        itemPath: '三/1',
        title: '全年新开工20个以上小微企业园',
        text: '全年新开工20个以上小微企业园。',
        leadUnits: ['市工信局'],
        responsibleUnits: ['中牟县'],
        cooperatingUnits: [],
        deadline: '2021-12-31T23:59:59+08:00',
        supervisingOffice: OFFICE,
      },
    } as TaskCommand,
    true,
  );
  await run({ type: 'AssignShare', at: '2021-05-06T09:00:00+08:00', actor: supervisor, data: { taskId: TASK, unitId: '中牟县', deadline: '2021-06-07T18:00:00+08:00' } });
  await store.close();
}

async function ladderTypes(dir: string): Promise<string[]> {
  const store = new SqliteEventStore({ file: join(dir, 'duban.db') });
  try {
    return (await store.readStream(taskStream(TASK))).map((e) => e.type).filter((t) => /reminded|urged|escalated|listed/.test(t));
  } finally {
    await store.close();
  }
}

describe('the worker runs the processors (split deployment)', () => {
  let dir: string;
  const saved = { ...process.env };
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'duban-worker-'));
    await backfill(dir);
  });
  afterEach(() => {
    process.env = { ...saved };
    rmSync(dir, { recursive: true, force: true });
  });

  const runWorker = async (env: Record<string, string>, ms: number) => {
    Object.assign(process.env, { DUBAN_DATA_DIR: dir, JWT_SECRET: 'duban-e2e-secret-0123456789-abcdefghijklmnop', LOG_LEVEL: 'silent', ...env });
    const app = await NestFactory.createApplicationContext(WorkerModule, { logger: false });
    await app.init();
    const until = Date.now() + ms;
    while (Date.now() < until && (await ladderTypes(dir)).length < 4) await new Promise((r) => setTimeout(r, 100));
    await app.close();
  };

  it('DUBAN_PROCESSORS=on: the back-filled share gets its four steps, once across two runs', async () => {
    await runWorker({ DUBAN_PROCESSORS: 'on' }, 10_000);
    const steps = ['task.share.reminded.v1', 'task.share.urged.v1', 'task.share.escalated.v1', 'task.share.listed_for_criticism.v1'];
    expect(await ladderTypes(dir)).toEqual(steps);
    await runWorker({ DUBAN_PROCESSORS: 'on' }, 1_000);
    expect(await ladderTypes(dir)).toEqual(steps);
  });

  it('DUBAN_PROCESSORS=off: nothing is written', async () => {
    await runWorker({ DUBAN_PROCESSORS: 'off' }, 1_500);
    expect(await ladderTypes(dir)).toEqual([]);
  });
});
