/**
 * Task progress → targets on a real SQLite store, through the real command
 * handlers: a share's progress report with measured values feeds the targets
 * of the share's unit for the report's year (Beijing time), exactly once
 * across a restart and a replay from zero; metrics without a target, targets
 * of other years and units of measure that do not match are left alone, the
 * last two logged naming the task, the unit and the metric.
 */
import type Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { SqliteEventStore } from '@duban/eventstore';
import type { Actor } from '@duban/domain/decider';
import type { MetricValue } from '@duban/domain/closure-loop';
import type { SetTargetState, TargetCommand } from '@duban/domain/target';
import { PARK_PROGRAMME_METRICS, targetCompletion, targetDecider, targetIdFor } from '@duban/domain/target';
import type { TaskCommand } from '@duban/domain/task';
import { UnitRegistry } from '@duban/domain/units';
import type { CommandEnvelope } from '../command-executor';
import { CommandExecutor, fold } from '../command-executor';
import { TaskCommandHandler } from '../nest/handlers';
import { ExecuteTaskCommand } from '../nest/messages';
import { TargetCommandHandler } from './handlers';
import { ExecuteTargetCommand } from './messages';
import { openProcessorDatabase, ProcessorStore } from '../processors/processor-store';
import { LogIntegrityBroken } from '../write-gate';
import { targetStream } from './streams';
import type { TaskProgressProcessorOptions } from './task-progress.processor';
import { beijingYear, TASK_PROGRESS_PROCESSOR, TaskProgressProcessor, taskProgressRef } from './task-progress.processor';

const AIRPORT = '郑州航空港区';
const ZHENGDONG = '郑东新区';
const OFFICE = '市政府办公厅四处';
const supervisor: Actor = { userId: 'li.duban', unitId: OFFICE, role: 'supervisor' };
const staffOf = (unitId: string): Actor => ({ userId: `staff@${unitId}`, unitId, role: 'unit' });
const NEW_PARKS = PARK_PROGRAMME_METRICS.newParks.metric; // 新开工市级小微企业园, 个
const ENTERPRISES = PARK_PROGRAMME_METRICS.enterprises.metric; // 集聚入园企业, 家
const TASK = '郑政办〔2021〕34号-三-1';

const envelope = (actor: Actor): CommandEnvelope => {
  const commandId = randomUUID();
  return { commandId, correlationId: `corr-${commandId}`, causationId: `req-${commandId}`, actor, receivedAt: new Date().toISOString() };
};

interface Warned {
  warnings: string[];
}

function world() {
  const dir = mkdtempSync(join(tmpdir(), 'duban-task-progress-'));
  const store = new SqliteEventStore({ file: join(dir, 'duban.db'), pollIntervalMs: 20 });
  const executor = new CommandExecutor(store); // the process's one executor
  const registry = UnitRegistry.seeded();
  const units = registry; // resolves names to ids, as the api's UNIT_DIRECTORY does
  const tasks = new TaskCommandHandler(executor, units);
  const targets = new TargetCommandHandler(executor, units);
  const sent: ExecuteTargetCommand[] = [];
  const bus = {
    async execute(c: object) {
      if (!(c instanceof ExecuteTargetCommand)) throw new Error(`unexpected command ${c.constructor.name}`);
      sent.push(c);
      return targets.execute(c);
    },
  };
  const dbs: Database.Database[] = [];
  const processors: TaskProgressProcessor[] = [];
  const task = (command: TaskCommand) => tasks.execute(new ExecuteTaskCommand(command, envelope(command.actor)));
  const target = (command: TargetCommand) => targets.execute(new ExecuteTargetCommand(command, envelope(command.actor)));
  return {
    dir,
    store,
    sent,
    task,
    target,
    processor(overrides: Partial<TaskProgressProcessorOptions> = {}): { processor: TaskProgressProcessor; db: Database.Database } & Warned {
      const db = openProcessorDatabase(join(dir, 'processors.db'));
      dbs.push(db);
      const warnings: string[] = [];
      const processor = new TaskProgressProcessor({
        store,
        commands: bus,
        db,
        retryDelayMs: { initial: 10, max: 40 },
        logger: { log: () => undefined, warn: (m) => warnings.push(m), error: () => undefined },
        ...overrides,
      });
      processors.push(processor);
      return { processor, db, warnings };
    },
    async targetState(unitId: string, year: number, metric: string) {
      return fold(targetDecider, await store.readStream(targetStream(targetIdFor(unitId, year, metric)))) as SetTargetState;
    },
    /** Registers the task with the units as responsible, assigns and acknowledges every share. */
    async openTask(units: readonly string[]) {
      await task({
        type: 'RegisterTask',
        at: '2021-04-30T10:00:00+08:00',
        actor: supervisor,
        data: {
          taskId: TASK,
          sourceDocument: { docNumber: '郑政办〔2021〕34号', title: '郑州市2021年小微企业园高质量发展工作要点' },
          itemPath: '三/1',
          title: '全年新开工20个以上小微企业园',
          text: '全年新开工20个以上小微企业园。',
          leadUnits: ['市工信局'],
          responsibleUnits: [...units],
          cooperatingUnits: [],
          deadline: '2022-12-31T23:59:59+08:00',
          supervisingOffice: OFFICE,
        },
      });
      for (const unitId of units) {
        await task({ type: 'AssignShare', at: '2021-05-06T09:00:00+08:00', actor: supervisor, data: { taskId: TASK, unitId } });
        await task({ type: 'AcknowledgeShare', at: '2021-05-07T09:00:00+08:00', actor: staffOf(unitId), data: { taskId: TASK, unitId } });
      }
    },
    report(unitId: string, at: string, metricValues: MetricValue[], percent = 50) {
      return task({ type: 'ReportShareProgress', at, actor: staffOf(unitId), data: { taskId: TASK, unitId, percent, narrative: '已开工园区', metricValues } });
    },
    async close() {
      for (const p of processors) await p.stop();
      for (const db of dbs) if (db.open) db.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
type World = ReturnType<typeof world>;

const setTarget = (unitId: string, year: number, metric: string, value: number, unitOfMeasure: string): TargetCommand => ({
  type: 'SetTarget',
  at: `${year}-04-30T10:00:00+08:00`,
  actor: supervisor,
  data: { targetId: targetIdFor(unitId, year, metric), unitId, year, metric, value, unitOfMeasure, sourceDocument: { docNumber: '郑政办〔2021〕34号', annex: '附件' } },
});

describe('TaskProgressProcessor', () => {
  let w: World;
  beforeEach(() => (w = world()));
  afterEach(() => w.close());

  it("records a share's measured value on its unit's target for the year, once across a restart and a replay from zero", async () => {
    await w.target(setTarget(AIRPORT, 2021, NEW_PARKS, 4, '个'));
    await w.openTask([AIRPORT, ZHENGDONG]);
    const first = w.processor();
    await first.processor.start();
    const reported = await w.report(AIRPORT, '2021-06-30T17:00:00+08:00', [{ metric: NEW_PARKS, value: 3, unit: '个' }]);
    await first.processor.waitFor(reported.position, 5000);

    const target = await w.targetState(AIRPORT, 2021, NEW_PARKS);
    const [reportEvent] = (await w.store.readStream(`task-${TASK}`)).filter((e) => e.type === 'task.share.progress_reported.v1');
    expect(target.progress).toEqual([
      {
        value: 3,
        source: { kind: 'task_progress', ref: taskProgressRef(TASK, AIRPORT, reportEvent!.streamVersion) },
        note: `${AIRPORT}报送任务进展：${NEW_PARKS}3个（任务 ${TASK}）`,
        at: '2021-06-30T17:00:00+08:00',
      },
    ]);
    expect(targetCompletion(target)).toMatchObject({ target: 4, achieved: 3, ratio: 0.75, met: false });
    const [recorded] = (await w.store.readStream(targetStream(targetIdFor(AIRPORT, 2021, NEW_PARKS)))).slice(-1);
    expect(recorded!.metadata).toMatchObject({ actorUserId: 'duban-task-progress', actorRole: 'supervisor', causationId: reportEvent!.id, commandId: `task-progress:${target.targetId}:${reportEvent!.id}` });
    expect(first.processor.status()).toMatchObject({ name: TASK_PROGRESS_PROCESSOR, state: 'running', progressRecorded: 1, noTarget: 0, refused: 0 });

    // a restart on the same checkpoint does not see the report again (the first run goes as far as the target
    // event its own command appended, so the second starts with nothing behind it)
    await first.processor.waitFor(await w.store.headPosition(), 5000);
    await first.processor.stop();
    const second = w.processor();
    await second.processor.start();
    const later = await w.report(AIRPORT, '2021-09-30T17:00:00+08:00', [{ metric: NEW_PARKS, value: 5, unit: '个' }], 80);
    await second.processor.waitFor(later.position, 5000);
    expect(second.processor.status()).toMatchObject({ eventsSeen: 1, progressRecorded: 1 });
    expect((await w.targetState(AIRPORT, 2021, NEW_PARKS)).progress.map((p) => p.value)).toEqual([3, 5]);

    // from zero (the processors' file lost): the same commands, answered from the log, nothing written twice
    await second.processor.stop();
    new ProcessorStore(second.db, TASK_PROGRESS_PROCESSOR).reset();
    const replay = w.processor();
    await replay.processor.start();
    await replay.processor.waitFor(later.position, 5000);
    expect(replay.processor.status()).toMatchObject({ progressRecorded: 0, failures: 0 });
    const events = await w.store.readStream(targetStream(targetIdFor(AIRPORT, 2021, NEW_PARKS)));
    expect(events.map((e) => e.type)).toEqual(['target.set.v1', 'target.progress_recorded.v1', 'target.progress_recorded.v1']);
    expect(targetCompletion(await w.targetState(AIRPORT, 2021, NEW_PARKS))).toMatchObject({ achieved: 5, met: true });
  });

  it('skips a metric without a target and a target of another unit; refuses a unit of measure that differs, naming task, unit and metric', async () => {
    await w.target(setTarget(AIRPORT, 2021, NEW_PARKS, 4, '个'));
    await w.target(setTarget(ZHENGDONG, 2021, ENTERPRISES, 100, '家'));
    await w.openTask([AIRPORT, ZHENGDONG]);
    const p = w.processor();
    await p.processor.start();
    await w.report(AIRPORT, '2021-06-30T17:00:00+08:00', [
      { metric: '开工面积', value: 12.5, unit: '万平方米' }, // no target of that name
      { metric: ENTERPRISES, value: 80, unit: '家' }, // 郑东新区's target, not 郑州航空港区's
      { metric: NEW_PARKS, value: 2, unit: '家' }, // the target counts 个
    ]);
    const last = await w.report(ZHENGDONG, '2021-06-30T18:00:00+08:00', [
      { metric: ENTERPRISES, value: 60 }, // no unit given: taken in the target's
      { metric: ENTERPRISES, value: 65 }, // named twice: the last value counts
    ]);
    await p.processor.waitFor(last.position, 5000);

    expect((await w.targetState(AIRPORT, 2021, NEW_PARKS)).progress).toEqual([]);
    expect((await w.targetState(ZHENGDONG, 2021, ENTERPRISES)).progress.map((x) => x.value)).toEqual([65]);
    expect(p.processor.status()).toMatchObject({ state: 'running', progressRecorded: 1, noTarget: 2, refused: 1, failures: 0 });
    expect(p.warnings).toHaveLength(1);
    expect(p.warnings[0]).toContain(`task ${TASK}`);
    expect(p.warnings[0]).toContain('郑政办〔2021〕34号 三/1「全年新开工20个以上小微企业园」');
    expect(p.warnings[0]).toContain(`by ${AIRPORT} on ${NEW_PARKS} = 2家 (2021)`);
    expect(p.warnings[0]).toContain('报送单位“家”与目标单位“个”不一致');
  });

  it("counts a report in the year of its effective time in Beijing: 31 December 20:00 UTC is the next year's", async () => {
    expect(beijingYear('2021-12-31T15:59:59Z')).toBe(2021);
    expect(beijingYear('2021-12-31T16:00:00Z')).toBe(2022);
    await w.target(setTarget(AIRPORT, 2021, NEW_PARKS, 4, '个'));
    await w.target(setTarget(AIRPORT, 2022, NEW_PARKS, 6, '个'));
    await w.openTask([AIRPORT]);
    const p = w.processor();
    await p.processor.start();
    await w.report(AIRPORT, '2021-12-31T23:00:00+08:00', [{ metric: NEW_PARKS, value: 4 }]);
    const last = await w.report(AIRPORT, '2022-01-01T00:30:00+08:00', [{ metric: NEW_PARKS, value: 1 }]);
    await p.processor.waitFor(last.position, 5000);
    expect((await w.targetState(AIRPORT, 2021, NEW_PARKS)).progress.map((x) => [x.value, x.at])).toEqual([[4, '2021-12-31T23:00:00+08:00']]);
    expect((await w.targetState(AIRPORT, 2022, NEW_PARKS)).progress.map((x) => [x.value, x.at])).toEqual([[1, '2022-01-01T00:30:00+08:00']]);
  });

  it('a target set after the report does not pick it up, live or on a replay; the next report feeds it', async () => {
    await w.openTask([AIRPORT]);
    const p = w.processor();
    await p.processor.start();
    const before = await w.report(AIRPORT, '2021-06-30T17:00:00+08:00', [{ metric: NEW_PARKS, value: 3 }]);
    await w.target(setTarget(AIRPORT, 2021, NEW_PARKS, 4, '个'));
    const after = await w.report(AIRPORT, '2021-07-31T17:00:00+08:00', [{ metric: NEW_PARKS, value: 4 }]);
    await p.processor.waitFor(after.position, 5000);
    expect(before.position < after.position).toBe(true);
    expect((await w.targetState(AIRPORT, 2021, NEW_PARKS)).progress.map((x) => x.value)).toEqual([4]);
    expect(p.processor.status()).toMatchObject({ progressRecorded: 1, noTarget: 1 });
  });

  it('holds at an event whose command fails for a reason other than a refusal, and goes on once it passes', async () => {
    await w.target(setTarget(AIRPORT, 2021, NEW_PARKS, 4, '个'));
    await w.openTask([AIRPORT]);
    let failing = true;
    const db = openProcessorDatabase(join(w.dir, 'processors.db'));
    const targets = new TargetCommandHandler(new CommandExecutor(w.store), { resolve: (name: string) => ({ unitId: name }) });
    const processor = new TaskProgressProcessor({
      store: w.store,
      db,
      retryDelayMs: { initial: 10, max: 20 },
      commands: {
        execute: async (c: object) => {
          if (failing) throw new Error('store unavailable');
          return targets.execute(c as ExecuteTargetCommand);
        },
      },
    });
    try {
      await processor.start();
      const reported = await w.report(AIRPORT, '2021-06-30T17:00:00+08:00', [{ metric: NEW_PARKS, value: 3 }]);
      await new Promise((r) => setTimeout(r, 100));
      expect(processor.status()).toMatchObject({ state: 'failed', lastError: 'store unavailable' });
      expect(BigInt(processor.status().position) < reported.position).toBe(true);
      failing = false;
      await processor.waitFor(reported.position, 5000);
      expect(processor.status()).toMatchObject({ state: 'running', progressRecorded: 1, failures: 0, lastError: null });
    } finally {
      await processor.stop();
      db.close();
    }
  });

  it('a closed write gate (broken chain) is not a refusal to log and pass: held at the report, nothing recorded, then recorded once', async () => {
    await w.target(setTarget(AIRPORT, 2021, NEW_PARKS, 4, '个'));
    await w.openTask([AIRPORT]);
    let broken = true;
    const gated = new CommandExecutor(w.store, {
      refusal: () => (broken ? new LogIntegrityBroken({ kind: 'altered', stream: `task-${TASK}`, streamVersion: '0', globalPosition: '2', detail: 'hash mismatch' }) : null),
    });
    const targets = new TargetCommandHandler(gated, UnitRegistry.seeded());
    const db = openProcessorDatabase(join(w.dir, 'processors.db'));
    const warnings: string[] = [];
    const processor = new TaskProgressProcessor({
      store: w.store,
      db,
      retryDelayMs: { initial: 10, max: 20 },
      commands: { execute: (c: object) => targets.execute(c as ExecuteTargetCommand) },
      logger: { log: () => undefined, warn: (m) => warnings.push(m), error: () => undefined },
    });
    try {
      await processor.start();
      const reported = await w.report(AIRPORT, '2021-06-30T17:00:00+08:00', [{ metric: NEW_PARKS, value: 3, unit: '个' }]);
      await new Promise((r) => setTimeout(r, 150));
      expect(processor.status()).toMatchObject({ state: 'failed', progressRecorded: 0, refused: 0 });
      expect(processor.status().lastError).toMatch(/^the event log failed verification at stream task-/);
      expect(BigInt(processor.status().position) < reported.position).toBe(true);
      expect(new ProcessorStore(db, TASK_PROGRESS_PROCESSOR).get().position < reported.position).toBe(true);
      expect(warnings).toEqual([]);
      expect((await w.targetState(AIRPORT, 2021, NEW_PARKS)).progress).toEqual([]);
      broken = false;
      await processor.waitFor(reported.position, 5000);
      expect((await w.targetState(AIRPORT, 2021, NEW_PARKS)).progress.map((p) => p.value)).toEqual([3]);
      expect(processor.status()).toMatchObject({ state: 'running', progressRecorded: 1, failures: 0, lastError: null });
    } finally {
      await processor.stop();
      db.close();
    }
  });
});
