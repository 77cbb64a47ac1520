/**
 * Committing the five real seed documents (DUBAN_SEEDS_DIR; without it the suites
 * say so and skip — commit-examples.spec.ts checks the same on the project's own
 * documents, always) into a real
 * SQLite store in a temp dir, through the same writer as `duban import`
 * (CommandExecutor, units checked against the registry). Counts were made from
 * the previews (seeds.spec.ts) and the rules of README "Committing".
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { targetStream } from '@duban/application/parks/streams';
import { CommandExecutor, fold } from '@duban/application/command-executor';
import { taskIdFor, taskStream } from '@duban/application/streams';
import type { Actor } from '@duban/domain/decider';
import { isTargetSet, targetDecider, targetIdFor } from '@duban/domain/target';
import { isTaskRegistered, taskDecider } from '@duban/domain/task';
import { UnitRegistry } from '@duban/domain/units';
import { SqliteEventStore } from '@duban/eventstore';
import { ImportError } from '../errors';
import { parsePolicyDocument } from '../preview';
import { describeWithSeeds, seed } from '../testing/seeds';
import type { ImportPreview } from '../types';
import { commitImport, loadExisting } from './commit';
import type { ImportWriter } from './commit';
import { executorWriter } from './executor-writer';
import { formatPlan, formatReport } from './format';
import { NO_DEADLINE, planImport } from './plan';
import type { PlanOptions } from './plan';
import type { ImportPlan, ImportProgress, ImportReport, PlannedTask } from './types';


const supervisor: Actor = { userId: '张督查', unitId: '市政府办公厅四处', role: 'supervisor' };
const registry = UnitRegistry.seeded();
const previews = new Map<string, ImportPreview>();
const previewOf = (prefix: string): ImportPreview => {
  if (!previews.has(prefix)) previews.set(prefix, parsePolicyDocument(seed(prefix), { registry }));
  return previews.get(prefix)!;
};
const task = (plan: ImportPlan, path: string): PlannedTask => {
  const found = plan.tasks.find((t) => t.path === path);
  if (found === undefined) throw new Error(`no item ${path} in the plan`);
  return found;
};

/** What `duban import FILE --default-deadline year-end --effective-at document` does (effective now for a document without a date). */
const YEAR_END: Omit<PlanOptions, 'actor'> = { defaultDeadline: 'year-end' };

describeWithSeeds('committing the seeds into a real SQLite store', () => {
  let dir: string;
  let store: SqliteEventStore;
  let writer: ImportWriter;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'duban-import-commit-'));
    store = new SqliteEventStore({ file: join(dir, 'duban.db') });
    writer = executorWriter(new CommandExecutor(store), store, registry);
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const head = async (): Promise<bigint> => (await store.verify()).head?.position ?? 0n;
  async function importPreview(
    preview: ImportPreview,
    options: Omit<PlanOptions, 'actor'> = {},
    commit: { writer?: ImportWriter; correlationId?: string; onProgress?: (p: ImportProgress) => void } = {},
  ): Promise<{ plan: ImportPlan; report: ImportReport }> {
    const w = commit.writer ?? writer;
    const existing = await loadExisting(preview, w);
    const effectiveAt = preview.document.date !== null ? { effectiveAt: 'document' } : {};
    const plan = planImport(preview, existing.tasks, { actor: supervisor, ...effectiveAt, ...options, existingTargets: existing.targets });
    const report = await commitImport(plan, w, { origins: existing.origins, ...commit });
    return { plan, report };
  }
  const importSeed = (prefix: string, options: Omit<PlanOptions, 'actor'> = YEAR_END) => importPreview(previewOf(prefix), options);

  it('writes per seed, with --default-deadline year-end: 44 + 64, 0, 11, 22 + 21, 0; one event per command', async () => {
    const expected: Record<string, { tasks: number; targets: number; skipped: number }> = {
      '000': { tasks: 44, targets: 64, skipped: 0 }, // 42 complete + 2 taking the 主办 市工信局 as lead; 16 units × 4 metrics
      '001': { tasks: 0, targets: 0, skipped: 25 }, // a draft: no 文号, no 主办, no date
      '002': { tasks: 11, targets: 0, skipped: 6 }, // the 6 rows whose 牵头部门 is 各产业集聚区 (members unknown) are not registrable
      '003': { tasks: 22, targets: 21, skipped: 0 }, // every item by year-end 2023; 7 metrics × 3 years
      '004': { tasks: 0, targets: 0, skipped: 0 }, // a 通报: no items
    };
    let events = 0;
    for (const [prefix, want] of Object.entries(expected)) {
      const { report } = await importSeed(prefix);
      expect({ prefix, tasks: report.counts.tasks.written, targets: report.counts.targets.written, skipped: report.skipped.length }).toEqual({
        prefix,
        ...want,
      });
      expect(report.errors).toEqual([]);
      expect(report.counts.events).toBe(want.tasks + want.targets);
      events += report.counts.events;
    }
    expect(await head()).toBe(BigInt(events));
    expect(events).toBe(44 + 64 + 11 + 22 + 21);
    expect((await store.verify()).ok).toBe(true);
  });

  it('re-importing every seed writes nothing: the store position does not move, every entry is unchanged', async () => {
    for (const prefix of ['000', '001', '002', '003', '004']) await importSeed(prefix);
    const before = await head();
    for (const prefix of ['000', '001', '002', '003', '004']) {
      // effective "now" this time: the plan compares content, the effective time does not matter for what exists
      const { plan, report } = await importPreview(previewOf(prefix), { defaultDeadline: 'year-end', effectiveAt: undefined });
      expect(plan.summary.tasks.register + plan.summary.targets.register).toBe(0);
      expect(report.written).toEqual([]);
      expect(report.counts.events).toBe(0);
      expect(report.unchanged.length).toBe(plan.summary.tasks.unchanged + plan.summary.targets.unchanged);
    }
    expect(await head()).toBe(before);
    expect((await importSeed('000')).report.counts).toMatchObject({ tasks: { unchanged: 44 }, targets: { unchanged: 64 } });
  });

  it('registers what the document says and what the rules filled in', async () => {
    const { plan } = await importSeed('000');
    const p = previewOf('000');
    // 一/（三）/1: lead, responsible (the 16 districts), cooperating, 2021年12月, the first target
    const id = taskIdFor('郑政办〔2021〕34号', '一/（三）/1');
    const state = fold(taskDecider, await store.readStream(taskStream(id)));
    if (!isTaskRegistered(state)) throw new Error('not registered');
    expect(state).toMatchObject({
      taskId: id,
      sourceDocument: { docNumber: '郑政办〔2021〕34号', title: p.document.title },
      itemPath: '一/（三）/1',
      title: '全年新开工20个以上小微企业园',
      leadUnits: ['市工信局'],
      deadline: '2021-12-31T23:59:59+08:00',
      target: { value: 20, unit: '个', comparator: '>=' },
      supervisingOffice: '市政府办公厅四处',
    });
    expect(state.responsibleUnits).toHaveLength(16);
    const events = await store.readStream(taskStream(id));
    expect(events[0]!.metadata).toMatchObject({
      actorUserId: '张督查',
      actorRole: 'supervisor',
      commandId: 'import:郑政办〔2021〕34号:一/（三）/1',
      occurredAt: '2021-04-30T00:00:00+08:00',
    });
    // 一/（四） states no lead: the document's 主办 市工信局
    expect(task(plan, '一/（四）')).toMatchObject({ action: 'register', filled: ["lead: the document's 主办 市工信局"] });
    // 二/（十二） has two targets: the first is carried, the other listed
    const several = task(plan, '二/（十二）');
    expect(several.command?.data.target).toEqual({ value: p.items.find((i) => i.path === '二/（十二）')!.targets[0]!.value, unit: '个', comparator: '>=' });
    expect(several.otherTargets).toHaveLength(1);
    expect(several.notes.join(' ')).toContain('1 more target in the text not carried');
  });

  it('writes the annex target rows as SetTarget, with deterministic ids and the known metric’s unit of measure', async () => {
    const { report } = await importSeed('000');
    expect(report.counts.targets.written).toBe(64);
    const targetId = targetIdFor('郑州航空港区', 2021, '集聚入园企业');
    const state = fold(targetDecider, await store.readStream(targetStream(targetId)));
    if (!isTargetSet(state)) throw new Error('target not set');
    expect(state).toMatchObject({
      unitId: '郑州航空港区',
      year: 2021,
      metric: '集聚入园企业',
      value: 200,
      unitOfMeasure: '家',
      sourceDocument: { docNumber: '郑政办〔2021〕34号', annex: '附件1' },
    });
    const specialized = fold(targetDecider, await store.readStream(targetStream(targetIdFor('中原区', 2021, '“专精特新”企业'))));
    expect(specialized).toMatchObject({ value: 5, unitOfMeasure: '家' });
    const parks = fold(targetDecider, await store.readStream(targetStream(targetIdFor('巩义市', 2021, '新开工市级小微企业园'))));
    expect(parks).toMatchObject({ value: 1, unitOfMeasure: '个' });
    // seed 003's table states 单位：家; its years are columns
    await importSeed('003');
    const zone = fold(targetDecider, await store.readStream(targetStream(targetIdFor('郑州高新区', 2025, '年新增市场主体'))));
    expect(zone).toMatchObject({ value: 18000, unitOfMeasure: '家', sourceDocument: { docNumber: '郑开管文〔2023〕146号' } });
  });

  /** Seed 000 with item 一/（三）/1 edited. */
  const edited000 = (edit: (block: string) => string): ImportPreview => {
    const text = seed('000');
    const start = text.indexOf('1.全年新开工20个以上小微企业园。');
    const end = text.indexOf('2.推动2000家以上小微企业入园集聚发展。');
    const block = text.slice(start, end);
    const changed = edit(block);
    expect(changed).not.toBe(block);
    return parsePolicyDocument(text.slice(0, start) + changed + text.slice(end), { registry });
  };
  const amendedCopy = () =>
    edited000((block) => block.replace('牵头单位:市工信局', '牵头单位:市科技局').replace('完成时限:2021年12月', '完成时限:2021年11月'));
  const ITEM = '一/（三）/1';
  const ITEM_ID = taskIdFor('郑政办〔2021〕34号', ITEM);
  const stateOf = async (taskId = ITEM_ID) => fold(taskDecider, await store.readStream(taskStream(taskId)));

  it('an amended copy of seed 000 (one deadline, one unit changed) shows the diff and writes nothing unless amendments are accepted', async () => {
    await importSeed('000');
    const before = await head();
    const amended = amendedCopy();

    const { plan, report } = await importPreview(amended, YEAR_END);
    expect(plan.summary.tasks).toEqual({ register: 0, unchanged: 43, amended: 1, notRegistrable: 0 });
    expect(plan.summary.targets).toMatchObject({ unchanged: 64, amended: 0 });
    const changed = task(plan, ITEM);
    expect(changed.action).toBe('amended');
    expect(changed.changes).toEqual([
      { field: 'leadUnits', before: ['市工信局'], after: ['市科技局'], added: ['市科技局'], removed: ['市工信局'] },
      { field: 'deadline', before: '2021-12-31T23:59:59+08:00', after: '2021-11-30T23:59:59+08:00' },
    ]);
    expect(formatPlan(plan)).toContain('amended (the ledger holds other content; not written: accept amendments to write them):');
    expect(formatPlan(plan)).toMatch(/deadline\s+2021-12-31 → 2021-11-30/);
    expect(formatPlan(plan)).toMatch(/leadUnits\s+− 市工信局  \+ 市科技局/);
    expect(report.written).toEqual([]);
    expect(report.skipped).toEqual([
      expect.objectContaining({ path: ITEM, reason: expect.stringContaining('amended in the document: not written'), changes: changed.changes }),
    ]);
    expect(formatReport(report)).toContain('2021-12-31 → 2021-11-30');
    expect(await head()).toBe(before);
    expect(await stateOf()).toMatchObject({ leadUnits: ['市工信局'], deadline: '2021-12-31T23:59:59+08:00' });
  });

  it('accepting amendments writes task.amended.v1 once; a re-run replays it; a re-import of the amended document is unchanged', async () => {
    await importSeed('000');
    const before = await head();
    const amended = amendedCopy();

    const accepted = await importPreview(amended, { ...YEAR_END, acceptAmendments: true, sourceName: '000-修订.txt' });
    const planned = task(accepted.plan, ITEM);
    expect(planned.reasons).toEqual([]);
    expect(planned.amendment!.commandId).toMatch(/^import:郑政办〔2021〕34号:一\/（三）\/1:amend:1:[0-9a-f]{16}$/);
    expect(planned.amendment!.command).toMatchObject({
      type: 'AmendTask',
      at: '2021-04-30T00:00:00+08:00',
      data: {
        taskId: ITEM_ID,
        leadUnits: ['市科技局'],
        deadline: '2021-11-30T23:59:59+08:00',
        reason: 're-import of 郑政办〔2021〕34号 (000-修订.txt)',
        documentRef: '郑政办〔2021〕34号',
      },
    });
    expect(Object.keys(planned.amendment!.command.data).sort()).toEqual(['deadline', 'documentRef', 'leadUnits', 'reason', 'taskId']);
    expect(formatPlan(accepted.plan)).toContain('amended (the ledger holds other content; written as amendments):');

    expect(accepted.report.errors).toEqual([]);
    expect(accepted.report.skipped).toEqual([]);
    expect(accepted.report.written).toEqual([
      expect.objectContaining({ path: ITEM, outcome: 'written', events: ['task.amended.v1'], version: '1', changes: planned.changes, replayed: false }),
    ]);
    expect(accepted.report.counts).toMatchObject({ tasks: { written: 1, unchanged: 43 }, targets: { unchanged: 64 }, events: 1 });
    expect(formatReport(accepted.report)).toMatch(/amended:\n {2}郑政办〔2021〕34号 一\/（三）\/1 \(市科技局\)\n {4}leadUnits {2}− 市工信局 {2}\+ 市科技局\n {4}deadline +2021-12-31 → 2021-11-30/);
    expect(await head()).toBe(before + 1n);

    const events = await store.readStream(taskStream(ITEM_ID));
    expect(events.map((e) => e.type)).toEqual(['task.registered.v1', 'task.amended.v1']);
    expect(events[1]).toMatchObject({
      data: {
        taskId: ITEM_ID,
        changes: [
          { field: 'leadUnits', from: ['市工信局'], to: ['市科技局'] },
          { field: 'deadline', from: '2021-12-31T23:59:59+08:00', to: '2021-11-30T23:59:59+08:00' },
        ],
        addedResponsibleUnits: [],
        removedResponsibleUnits: [],
        reason: 're-import of 郑政办〔2021〕34号 (000-修订.txt)',
        documentRef: '郑政办〔2021〕34号',
        at: '2021-04-30T00:00:00+08:00',
      },
      metadata: { commandId: planned.amendment!.commandId, actorUserId: '张督查', actorRole: 'supervisor' },
    });
    expect(await stateOf()).toMatchObject({ leadUnits: ['市科技局'], deadline: '2021-11-30T23:59:59+08:00', amendmentCount: 1 });

    // the same plan committed again (a retry after a lost answer): the store holds the command id, nothing new
    const retried = await commitImport(accepted.plan, writer);
    expect(retried.written).toEqual([expect.objectContaining({ path: ITEM, replayed: true, events: ['task.amended.v1'] })]);
    expect(retried.counts.events).toBe(0);
    // a retried request with the same correlation id plans 'unchanged' and recognises its own amendment
    const sameRun = await importPreview(amended, { ...YEAR_END, acceptAmendments: true }, { correlationId: accepted.report.correlationId });
    expect(sameRun.report.written).toEqual([expect.objectContaining({ path: ITEM, outcome: 'written', replayed: true })]);

    // a re-import of the amended document, accepting or not, is unchanged everywhere
    for (const acceptAmendments of [true, false]) {
      const again = await importPreview(amended, { ...YEAR_END, acceptAmendments });
      expect(again.plan.summary.tasks).toEqual({ register: 0, unchanged: 44, amended: 0, notRegistrable: 0 });
      expect(again.report.counts).toMatchObject({ tasks: { written: 0, unchanged: 44 }, events: 0 });
    }
    expect(await head()).toBe(before + 1n);
  });

  it('amending back and forth writes every amendment (A → B → A → B): the command id counts the amendments', async () => {
    await importSeed('000');
    const original = previewOf('000');
    const amended = amendedCopy();
    const accept = { ...YEAR_END, acceptAmendments: true };
    const ids: string[] = [];
    for (const [preview, leadUnits] of [[amended, ['市科技局']], [original, ['市工信局']], [amended, ['市科技局']]] as const) {
      const { plan, report } = await importPreview(preview, accept);
      ids.push(task(plan, ITEM).amendment!.commandId);
      expect(report.written).toEqual([expect.objectContaining({ path: ITEM, replayed: false, events: ['task.amended.v1'] })]);
      expect(await stateOf()).toMatchObject({ leadUnits });
    }
    expect(ids.map((id) => id.split(':').slice(-2, -1)[0])).toEqual(['1', '2', '3']);
    expect(ids[2]!.split(':').pop()).toBe(ids[0]!.split(':').pop()); // the same content, another amendment
    expect((await store.readStream(taskStream(ITEM_ID))).map((e) => e.type)).toEqual([
      'task.registered.v1',
      'task.amended.v1',
      'task.amended.v1',
      'task.amended.v1',
    ]);
  });

  it('an amendment the domain refuses is shown with the reason and not written; the rest of the import goes on', async () => {
    await importSeed('000');
    // 巩义市 signed for its share (签收): dropping it from the responsible units is refused (ShareHasWork)
    const executor = new CommandExecutor(store);
    const envelope = (commandId: string) => ({ commandId, correlationId: commandId, causationId: commandId, actor: supervisor, receivedAt: '2021-05-07T09:00:00Z' });
    const share = { taskId: ITEM_ID, unitId: '巩义市' };
    await executor.execute(taskDecider, taskStream(ITEM_ID), { type: 'AssignShare', at: '2021-05-06T09:00:00+08:00', actor: supervisor, data: share }, envelope('assign'), { creates: false });
    const gongyi: Actor = { userId: 'gy', unitId: '巩义市', role: 'unit' };
    await executor.execute(taskDecider, taskStream(ITEM_ID), { type: 'AcknowledgeShare', at: '2021-05-07T09:00:00+08:00', actor: gongyi, data: share }, envelope('ack'), { creates: false });
    const before = await head();

    const fewer = edited000((block) => block.replace('责任单位:各开发区、区县 (市)', '责任单位:郑州航空港区、中牟县'));
    const { plan, report } = await importPreview(fewer, { ...YEAR_END, acceptAmendments: true });
    const refused = task(plan, ITEM);
    expect(refused.action).toBe('amended');
    expect(refused.reasons).toEqual([expect.stringMatching(/^AmendTask: responsible unit 巩义市 cannot be removed from task [0-9a-f]{32}: its share has work on it \(status acknowledged\)$/)]);
    expect(formatPlan(plan)).toContain('written as amendments, except 1 the domain refuses');
    expect(formatPlan(plan)).toContain('    refused: AmendTask: responsible unit 巩义市 cannot be removed');
    expect(report.skipped).toEqual([expect.objectContaining({ path: ITEM, reason: expect.stringContaining('amendment refused: AmendTask: responsible unit 巩义市') })]);
    expect(report.counts.tasks).toEqual({ written: 0, unchanged: 43, skipped: 1, failed: 0 });
    expect(await head()).toBe(before);

    // a changed deadline before the effective time (now) is refused too, with the way out
    const late = await importPreview(amendedCopy(), { defaultDeadline: 'year-end', effectiveAt: undefined, acceptAmendments: true });
    expect(task(late.plan, ITEM).reasons).toEqual([
      expect.stringMatching(/^AmendTask: deadline 2021-11-30T23:59:59\+08:00 is before the effective time .*: back-date with --effective-at \(e.g. --effective-at document: 2021-04-30\)$/),
    ]);
    expect(late.report.written).toEqual([]);
    expect(await head()).toBe(before);
  });

  it('an amended annex row is revised (ReviseTarget → target.revised.v1) when accepted, once', async () => {
    await importSeed('000');
    const before = await head();
    const text = seed('000');
    expect(text).toContain('中牟县 1 150 10 30');
    const revised = parsePolicyDocument(text.replace('中牟县 1 150 10 30', '中牟县 1 160 10 30'), { registry });
    const shown = await importPreview(revised, YEAR_END);
    const row = shown.plan.targets.find((r) => r.action === 'amended')!;
    expect(row).toMatchObject({ unitId: '中牟县', metric: '集聚入园企业', changes: [{ field: 'value', before: 150, after: 160 }] });
    expect(shown.report.counts.targets).toEqual({ written: 0, unchanged: 63, skipped: 1, failed: 0 });

    const accepted = await importPreview(revised, { ...YEAR_END, acceptAmendments: true });
    const planned = accepted.plan.targets.find((r) => r.action === 'amended')!;
    expect(planned.amendment!.commandId).toMatch(/^import:郑政办〔2021〕34号:target:中牟县\/2021\/集聚入园企业:revise:1:[0-9a-f]{16}$/);
    expect(accepted.report.counts.targets).toEqual({ written: 1, unchanged: 63, skipped: 0, failed: 0 });
    expect(accepted.report.written).toEqual([expect.objectContaining({ kind: 'target', events: ['target.revised.v1'], changes: planned.changes })]);
    const stream = targetStream(targetIdFor('中牟县', 2021, '集聚入园企业'));
    const events = await store.readStream(stream);
    expect(events[1]).toMatchObject({
      type: 'target.revised.v1',
      data: { changes: [{ field: 'value', from: 150, to: 160 }], reason: 're-import of 郑政办〔2021〕34号', documentRef: '郑政办〔2021〕34号' },
    });
    expect(fold(targetDecider, events)).toMatchObject({ value: 160, revisionCount: 1 });
    expect(await head()).toBe(before + 1n);

    const again = await importPreview(revised, { ...YEAR_END, acceptAmendments: true });
    expect(again.report.counts.targets).toEqual({ written: 0, unchanged: 64, skipped: 0, failed: 0 });
    expect(await head()).toBe(before + 1n);
  });

  it('partial failure: each item is its own stream; the report names document, path and unit; a re-run completes the rest', async () => {
    // a directory that does not know 市科技局 yet: every command naming it is refused by the unit check
    const partial = executorWriter(new CommandExecutor(store), store, { has: (u) => u !== '市科技局' && registry.has(u) });
    const first = await importPreview(previewOf('000'), YEAR_END, { writer: partial });
    const failedPaths = first.report.errors.map((e) => e.path);
    // the 8 items naming 市科技局 (lead, responsible or cooperating)
    expect(failedPaths).toEqual(['一/（三）/1', '一/（三）/2', '一/（三）/4', '一/（七）', '二/（十五）', '三/（十八）', '三/（十九）/2', '四/（二十五）']);
    expect(first.report.errors[2]).toMatchObject({
      kind: 'task',
      docNumber: '郑政办〔2021〕34号',
      path: '一/（三）/4',
      outcome: 'failed',
      units: ['市科技局'],
      error: { name: 'UnknownUnits', unknownUnits: ['市科技局'] },
    });
    expect(formatReport(first.report)).toContain('郑政办〔2021〕34号 一/（三）/4 (市科技局): UnknownUnits: unknown unit: 市科技局');
    expect(first.report.counts.tasks).toEqual({ written: 36, unchanged: 0, skipped: 0, failed: 8 });
    expect(first.report.counts.targets.written).toBe(64);

    // the re-run meets a store error (simulated) on one of the missing items: the others are written
    const flaky: ImportWriter = {
      ...writer,
      registerTask: async (c, e) => {
        if (c.data.itemPath === '二/（十五）') throw new Error('SQLITE_FULL: database or disk is full (simulated)');
        return writer.registerTask(c, e);
      },
    };
    const second = await importPreview(previewOf('000'), YEAR_END, { writer: flaky });
    expect(second.report.written.map((e) => e.path)).toEqual(failedPaths.filter((p) => p !== '二/（十五）'));
    expect(second.report.errors).toEqual([
      expect.objectContaining({ path: '二/（十五）', units: ['市工信局'], error: { name: 'Error', message: 'SQLITE_FULL: database or disk is full (simulated)' } }),
    ]);
    expect(second.report.counts.tasks).toEqual({ written: 7, unchanged: 36, skipped: 0, failed: 1 });

    const third = await importSeed('000');
    expect(third.report.errors).toEqual([]);
    expect(third.report.written.map((e) => e.path)).toEqual(['二/（十五）']);
    const fourth = await importSeed('000');
    expect(fourth.report.counts).toMatchObject({ tasks: { written: 0, unchanged: 44 }, targets: { written: 0, unchanged: 64 }, events: 0 });
    expect(await head()).toBe(44n + 64n);
  });

  it('a retried commit with the same correlation id (the api’s Idempotency-Key) reports its first writes as written, replayed', async () => {
    const first = await importPreview(previewOf('003'), YEAR_END, { correlationId: 'import:idem:abc' });
    const position = await head();
    const retry = await importPreview(previewOf('003'), YEAR_END, { correlationId: 'import:idem:abc' });
    expect(retry.report.written).toHaveLength(first.report.written.length);
    expect(retry.report.written.every((e) => e.replayed)).toBe(true);
    expect(retry.report.counts.events).toBe(0);
    expect(await head()).toBe(position);
    const other = await importPreview(previewOf('003'), YEAR_END, { correlationId: 'import:idem:other' });
    expect(other.report.counts).toMatchObject({ tasks: { written: 0, unchanged: 22 }, targets: { written: 0, unchanged: 21 } });
  });

  it('calls back once per item and row, in order', async () => {
    const seen: ImportProgress[] = [];
    await importPreview(previewOf('003'), YEAR_END, { onProgress: (p) => seen.push(p) });
    expect(seen.map((p) => p.done)).toEqual(Array.from({ length: 43 }, (_, i) => i + 1));
    expect(seen.every((p) => p.total === 43)).toBe(true);
    expect(seen[0]!.entry).toMatchObject({ kind: 'task', path: '三/（一）/1', outcome: 'written' });
    expect(seen[42]!.entry).toMatchObject({ kind: 'target', outcome: 'written' });
  });
});

describeWithSeeds('planImport on the seeds: the rules (no store)', () => {
  const none = new Map();
  const plan = (prefix: string, options: Omit<PlanOptions, 'actor'> = {}) => planImport(previewOf(prefix), none, { actor: supervisor, ...options });

  it('an item without a deadline is not registrable unless a default deadline is given', () => {
    const p = plan('003', { effectiveAt: 'document' });
    expect(p.summary.tasks).toEqual({ register: 0, unchanged: 0, amended: 0, notRegistrable: 22 });
    expect(p.tasks.every((t) => t.reasons.includes(NO_DEADLINE))).toBe(true);
    expect(NO_DEADLINE).toBe('no deadline: give --default-deadline');
  });

  it("year-end is 23:59:59 on 31 Dec of the document's year, Asia/Shanghai; an explicit date works the same way", () => {
    expect(plan('003', { defaultDeadline: 'year-end', effectiveAt: 'document' }).tasks[0]!.command!.data.deadline).toBe('2023-12-31T23:59:59+08:00');
    expect(plan('002', { defaultDeadline: 'year-end', effectiveAt: 'document' }).defaultDeadline).toEqual({ given: 'year-end', instant: '2019-12-31T23:59:59+08:00' });
    const dated = plan('003', { defaultDeadline: '2024-06-30', effectiveAt: 'document' });
    expect(dated.tasks[0]).toMatchObject({ action: 'register', filled: ['deadline: 2024-06-30 2024-06-30 (none written)'] });
    expect(dated.tasks[0]!.command!.data.deadline).toBe('2024-06-30T23:59:59+08:00');
    // a stated deadline is kept
    expect(task(plan('000', { defaultDeadline: '2030-01-01', effectiveAt: 'document' }), '一/（一）').command!.data.deadline).toBe('2021-04-30T23:59:59+08:00');
  });

  it('an item with a lead and no responsible units takes its lead as responsible', () => {
    const t = task(plan('002', { defaultDeadline: 'year-end', effectiveAt: 'document' }), '三/（一）/3');
    expect(t.command!.data).toMatchObject({ leadUnits: ['市工信局', '市发展改革委'], responsibleUnits: ['市工信局', '市发展改革委'] });
    expect(t.filled[0]).toBe('responsible: its lead units 市工信局、市发展改革委');
    expect(t.command!.data.supervisingOffice).toBe('市政府办公厅二处'); // the document's 督办
  });

  it('a lead written but not resolving is not replaced by the sponsor; no 主办 and no 文号 make an item not registrable', () => {
    const t = task(plan('002', { defaultDeadline: 'year-end', effectiveAt: 'document' }), '三/（一）/1');
    expect(t.action).toBe('not-registrable');
    expect(t.reasons[0]).toContain('牵头单位 written as "各产业集聚区" does not resolve');
    const draft = plan('001', { defaultDeadline: 'year-end' });
    expect(draft.summary.tasks.notRegistrable).toBe(25);
    expect(draft.tasks[0]!.reasons).toEqual(
      expect.arrayContaining([
        'no 文号: the task id cannot be derived (give --doc-number)',
        'no lead unit (牵头单位), and the document names no 主办 (sponsor)',
      ]),
    );
    const numbered = planImport(parsePolicyDocument(seed('001'), { registry, docNumber: '郑政办〔2022〕5号' }), none, {
      actor: supervisor,
      defaultDeadline: 'year-end',
    });
    expect(numbered.defaultDeadline).toEqual({ given: 'year-end', instant: '2022-12-31T23:59:59+08:00' });
    expect(numbered.tasks.every((t) => t.action === 'not-registrable' && t.reasons.length === 1 && t.reasons[0]!.startsWith('no lead unit'))).toBe(true);
  });

  it('a deadline before the effective time (default now) is not registrable, and says how to back-date', () => {
    const p = planImport(previewOf('000'), none, { actor: supervisor, now: new Date('2026-11-21T00:00:00Z') });
    expect(p.effectiveAtSource).toBe('now');
    expect(p.summary.tasks.notRegistrable).toBe(44);
    expect(task(p, '一/（一）').reasons).toEqual([
      'deadline 2021-04-30 is before the effective time 2026-11-21T08:00:00+08:00: back-date with --effective-at (e.g. --effective-at document: 2021-04-30)',
    ]);
    expect(p.summary.targets.register).toBe(64); // SetTarget has no deadline
  });

  it('refuses bad options with a typed error', () => {
    const bad = (options: Omit<PlanOptions, 'actor'>): unknown => {
      try {
        plan('000', options);
      } catch (err) {
        return err instanceof ImportError ? err.code : err;
      }
      return 'accepted';
    };
    expect(bad({ defaultDeadline: 'end-of-year' })).toBe('bad-option');
    expect(bad({ defaultDeadline: '2021-02-30' })).toBe('bad-option');
    expect(bad({ effectiveAt: '2021-04-30' })).toBe('bad-option'); // no time, no offset
    expect(bad({ effectiveAt: '2999-01-01T00:00:00+08:00' })).toBe('bad-option'); // the future
    expect(bad({ effectiveAt: '2021-04-30T09:00:00+08:00' })).toBe('accepted');
    expect(() => plan('001', { effectiveAt: 'document' })).toThrow(/states no date/);
  });

  it('is deterministic: the same preview, state and options give the same plan', () => {
    const options = { defaultDeadline: 'year-end', effectiveAt: 'document', now: new Date('2026-01-01T00:00:00Z') };
    expect(JSON.stringify(plan('000', options))).toBe(JSON.stringify(plan('000', options)));
  });
});
