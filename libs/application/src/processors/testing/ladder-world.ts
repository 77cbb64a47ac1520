/**
 * Test support for the ladder processor's specs (in-process and BullMQ): a real
 * SQLite event store and processors' file, the real command handlers behind a
 * bus, a task of 郑政办〔2021〕34号 with one share, and processors on a given
 * scheduler and clock. Not exported from the package.
 */
import type Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { officialCalendar } from '@duban/domain/calendar';
import type { Actor } from '@duban/domain/decider';
import { DUBAN_LADDER_V1 } from '@duban/domain/ladder';
import type { TaskCommand } from '@duban/domain/task';
import { UnitRegistry } from '@duban/domain/units';
import { SqliteEventStore } from '@duban/eventstore';
import type { RecordedEvent } from '@duban/eventstore';
import type { Clock, Scheduler } from '@duban/scheduler';
import type { CommandEnvelope } from '../../command-executor';
import { CommandExecutor } from '../../command-executor';
import { IssueCommandHandler, TaskCommandHandler } from '../../nest/handlers';
import { ExecuteIssueCommand, ExecuteTaskCommand } from '../../nest/messages';
import { taskStream } from '../../streams';
import type { LadderTimerPayload } from '../ladder-due-table';
import { LadderProcessor } from '../ladder.processor';
import { openProcessorDatabase } from '../processor-store';

export const OFFICE = '市政府办公厅四处';
export const ZHONGMU = '中牟县';
export const TASK_ID = 'zzb-2021-34-3-1';
export const STREAM = taskStream(TASK_ID);
export const supervisor: Actor = { userId: 'li.duban', unitId: OFFICE, role: 'supervisor' };
export const zhongmu: Actor = { userId: 'staff@中牟县', unitId: ZHONGMU, role: 'unit' };
const share = { taskId: TASK_ID, unitId: ZHONGMU };

export const LADDER_EVENTS = ['task.share.reminded.v1', 'task.share.urged.v1', 'task.share.escalated.v1', 'task.share.listed_for_criticism.v1'];

const envelope = (actor: Actor): CommandEnvelope => {
  const commandId = randomUUID();
  return { commandId, correlationId: commandId, causationId: commandId, actor, receivedAt: new Date().toISOString() };
};

export function ladderWorld() {
  const dir = mkdtempSync(join(tmpdir(), 'duban-ladder-'));
  const store = new SqliteEventStore({ file: join(dir, 'duban.db'), pollIntervalMs: 10 });
  const executor = new CommandExecutor(store);
  const units = UnitRegistry.seeded();
  const tasks = new TaskCommandHandler(executor, units);
  const issues = new IssueCommandHandler(executor, units, officialCalendar);
  const bus = {
    execute(c: object): Promise<unknown> {
      if (c instanceof ExecuteTaskCommand) return tasks.execute(c);
      if (c instanceof ExecuteIssueCommand) return issues.execute(c);
      throw new Error(`unexpected command ${c.constructor.name}`);
    },
  };
  const dbs: Database.Database[] = [];
  const running: Array<{ processor: LadderProcessor; scheduler: Scheduler<LadderTimerPayload> }> = [];
  const task = (command: TaskCommand) => tasks.execute(new ExecuteTaskCommand(command, envelope(command.actor)));

  return {
    dir,
    store,
    task,
    /** A ladder processor on the world's files; `startAll` is left to the spec. */
    processor(scheduler: Scheduler<LadderTimerPayload>, clock: Clock, errors: string[] = []) {
      const db = openProcessorDatabase(join(dir, 'processors.db'));
      dbs.push(db);
      const processor = new LadderProcessor({
        store,
        commands: bus,
        db,
        scheduler,
        clock,
        rule: DUBAN_LADDER_V1,
        calendar: officialCalendar,
        retryDelayMs: { initial: 10, max: 40 },
        logger: { log: () => undefined, warn: (m) => errors.push(m), error: (m) => errors.push(m) },
      });
      running.push({ processor, scheduler });
      return processor;
    },
    async stop(processor: LadderProcessor) {
      const i = running.findIndex((r) => r.processor === processor);
      const [{ scheduler }] = running.splice(i, 1);
      await processor.stopAll();
      await scheduler.close();
    },
    /** Registers the task (2021-04-30), assigns the share with `deadline` at `assignedAt` and acknowledges it. */
    async openShare(deadline: string, assignedAt = '2021-05-06T09:00:00+08:00') {
      await task({
        type: 'RegisterTask',
        at: '2021-04-30T10:00:00+08:00',
        actor: supervisor,
        data: {
          taskId: TASK_ID,
          sourceDocument: { docNumber: '郑政办〔2021〕34号', title: '郑州市2021年小微企业园高质量发展工作要点' },
          itemPath: '三/1',
          title: '全年新开工20个以上小微企业园',
          text: '全年新开工20个以上小微企业园。',
          leadUnits: ['市工信局'],
          responsibleUnits: [ZHONGMU],
          cooperatingUnits: [],
          deadline: '2021-12-31T23:59:59+08:00',
          supervisingOffice: OFFICE,
        },
      });
      await task({ type: 'AssignShare', at: assignedAt, actor: supervisor, data: { ...share, deadline } });
      return task({ type: 'AcknowledgeShare', at: assignedAt, actor: zhongmu, data: share });
    },
    share,
    async ladderEvents(): Promise<RecordedEvent[]> {
      return (await store.readStream(STREAM)).filter((e) => LADDER_EVENTS.includes(e.type));
    },
    async head(): Promise<bigint> {
      const all = await store.readAll({ fromPosition: 0n, limit: 100_000 });
      return all.length ? all[all.length - 1].globalPosition : 0n;
    },
    async close() {
      for (const r of running.splice(0)) {
        await r.processor.stopAll();
        await r.scheduler.close();
      }
      for (const db of dbs) if (db.open) db.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export type LadderWorld = ReturnType<typeof ladderWorld>;

/** Waits on real time until the check passes (the scheduler and the processor run in the background). */
export { eventually } from '@duban/scheduler/testing/scheduler.contract';
