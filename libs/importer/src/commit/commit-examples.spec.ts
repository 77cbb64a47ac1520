/**
 * Committing the project's example documents (examples/documents) into a real
 * SQLite store in a temp dir, through the same writer as `duban import`
 * (CommandExecutor, units checked against the registry). Always runs; the same
 * on the real seeds is commit.spec.ts (DUBAN_SEEDS_DIR). Counts come from the
 * previews (examples.spec.ts) and the rules of README "Committing".
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
import { parsePolicyDocument } from '../preview';
import { example, THE_16 } from '../testing/examples';
import type { ExampleName } from '../testing/examples';
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
const previewOf = (name: ExampleName): ImportPreview => parsePolicyDocument(example(name), { registry });
const task = (plan: ImportPlan, path: string): PlannedTask => {
  const found = plan.tasks.find((t) => t.path === path);
  if (found === undefined) throw new Error(`no item ${path} in the plan`);
  return found;
};
const ALL: ExampleName[] = ['workPlan', 'parentheses', 'divisionTable', 'bulletin'];
const DOC = '郑政办〔2026〕8号';
const ITEM = '一/（三）/1';
const ITEM_ID = taskIdFor(DOC, ITEM);
const YEAR_END: Omit<PlanOptions, 'actor'> = { defaultDeadline: 'year-end' };

/** Example 01 with item 一/（三）/1 (lines 45–53) edited. */
const editedWorkPlan = (edit: (block: string) => string): ImportPreview => {
  const text = example('workPlan');
  const start = text.indexOf('1.全年完成数字化诊断的企业1000家以上。');
  const end = text.indexOf('2.建成市级数字化车间不少于60个。');
  const block = text.slice(start, end);
  const changed = edit(block);
  expect(changed).not.toBe(block);
  return parsePolicyDocument(text.slice(0, start) + changed + text.slice(end), { registry });
};
const amendedCopy = () => editedWorkPlan((b) => b.replace('牵头单位：市工信局', '牵头单位：市科技局').replace('完成时限：2026年12月', '完成时限：2026年11月'));

describe('committing the example documents into a real SQLite store', () => {
  let dir: string;
  let store: SqliteEventStore;
  let writer: ImportWriter;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'duban-import-examples-'));
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
    options: Omit<PlanOptions, 'actor'> = YEAR_END,
    commit: { writer?: ImportWriter; correlationId?: string; onProgress?: (p: ImportProgress) => void } = {},
  ): Promise<{ plan: ImportPlan; report: ImportReport }> {
    const w = commit.writer ?? writer;
    const existing = await loadExisting(preview, w);
    const plan = planImport(preview, existing.tasks, { actor: supervisor, effectiveAt: 'document', ...options, existingTargets: existing.targets });
    const report = await commitImport(plan, w, { origins: existing.origins, ...commit });
    return { plan, report };
  }
  const importExample = (name: ExampleName, options: Omit<PlanOptions, 'actor'> = YEAR_END) => importPreview(previewOf(name), options);
  const stateOf = async (taskId = ITEM_ID) => fold(taskDecider, await store.readStream(taskStream(taskId)));

  it('writes per document, with --default-deadline year-end: 6 + 18, 5, 5, 0; one event per command', async () => {
    const expected: Record<ExampleName, { tasks: number; targets: number; skipped: number }> = {
      workPlan: { tasks: 6, targets: 18, skipped: 0 }, // 二/（四） takes the 主办 市工信局 as lead; 6 units × 3 metrics
      parentheses: { tasks: 5, targets: 0, skipped: 0 }, // three leads from the 主办 市政务办, 二/3 by year-end
      divisionTable: { tasks: 5, targets: 0, skipped: 2 }, // the 2 rows led by 各产业集聚区 (members unknown)
      bulletin: { tasks: 0, targets: 0, skipped: 0 },
    };
    let events = 0;
    for (const name of ALL) {
      const { report } = await importExample(name);
      const want = expected[name];
      expect({ name, tasks: report.counts.tasks.written, targets: report.counts.targets.written, skipped: report.skipped.length }).toEqual({ name, ...want });
      expect(report.errors).toEqual([]);
      expect(report.counts.events).toBe(want.tasks + want.targets);
      events += report.counts.events;
    }
    expect(events).toBe(6 + 18 + 5 + 5);
    expect(await head()).toBe(BigInt(events));
    expect((await store.verify()).ok).toBe(true);
  });

  it('re-importing every document writes nothing: the store position does not move, every entry is unchanged', async () => {
    for (const name of ALL) await importExample(name);
    const before = await head();
    for (const name of ALL) {
      // effective now this time: the plan compares content; the effective time does not matter for what exists
      const { plan, report } = await importPreview(previewOf(name), { defaultDeadline: 'year-end', effectiveAt: undefined });
      expect(plan.summary.tasks.register + plan.summary.targets.register).toBe(0);
      expect(report.written).toEqual([]);
      expect(report.counts.events).toBe(0);
      expect(report.unchanged.length).toBe(plan.summary.tasks.unchanged + plan.summary.targets.unchanged);
    }
    expect(await head()).toBe(before);
    expect((await importExample('workPlan')).report.counts).toMatchObject({ tasks: { unchanged: 6 }, targets: { unchanged: 18 } });
  });

  it('registers what the document says and what the rules filled in', async () => {
    const { plan } = await importExample('workPlan');
    const state = await stateOf();
    if (!isTaskRegistered(state)) throw new Error('not registered');
    expect(state).toMatchObject({
      taskId: ITEM_ID,
      sourceDocument: { docNumber: DOC, title: '关于印发郑州市2026年中小企业数字化转型工作要点的通知' },
      itemPath: ITEM,
      title: '全年完成数字化诊断的企业1000家以上',
      leadUnits: ['市工信局'],
      responsibleUnits: THE_16,
      cooperatingUnits: ['市科技局', '市统计局'],
      deadline: '2026-12-31T23:59:59+08:00',
      target: { value: 1000, unit: '家', comparator: '>=' },
      supervisingOffice: '市政府办公厅四处',
    });
    expect((await store.readStream(taskStream(ITEM_ID)))[0]!.metadata).toMatchObject({
      actorUserId: '张督查',
      actorRole: 'supervisor',
      commandId: `import:${DOC}:${ITEM}`,
      occurredAt: '2026-02-27T00:00:00+08:00',
    });
    expect(task(plan, '二/（四）')).toMatchObject({ action: 'register', filled: ["lead: the document's 主办 市工信局"] });
    expect(task(plan, '二/（四）').command!.data).toMatchObject({ leadUnits: ['市工信局'], responsibleUnits: ['市财政局'] });
    // 二/（五）: the unresolved group is listed, the units that resolved are registered
    expect(task(plan, '二/（五）').command!.data.cooperatingUnits).toEqual(['市工信局']);
    expect(task(plan, '二/（五）').notes.join(' ')).toContain('市高质量发展领导小组成员单位');
  });

  it('writes the annex target rows as SetTarget, with the unit of measure the table states', async () => {
    const { report } = await importExample('workPlan');
    expect(report.counts.targets.written).toBe(18);
    const state = fold(targetDecider, await store.readStream(targetStream(targetIdFor('郑州高新区', 2026, '上云企业'))));
    if (!isTargetSet(state)) throw new Error('target not set');
    expect(state).toMatchObject({ unitId: '郑州高新区', year: 2026, metric: '上云企业', value: 320, unitOfMeasure: '家', sourceDocument: { docNumber: DOC, annex: '附件1' } });
    expect(fold(targetDecider, await store.readStream(targetStream(targetIdFor('金水区', 2026, '示范企业'))))).toMatchObject({ value: 2, unitOfMeasure: '家' });
  });

  it('an amended copy shows the diff and writes nothing unless amendments are accepted', async () => {
    await importExample('workPlan');
    const before = await head();
    const { plan, report } = await importPreview(amendedCopy());
    expect(plan.summary.tasks).toEqual({ register: 0, unchanged: 5, amended: 1, notRegistrable: 0 });
    const changed = task(plan, ITEM);
    expect(changed.changes).toEqual([
      { field: 'leadUnits', before: ['市工信局'], after: ['市科技局'], added: ['市科技局'], removed: ['市工信局'] },
      { field: 'deadline', before: '2026-12-31T23:59:59+08:00', after: '2026-11-30T23:59:59+08:00' },
    ]);
    expect(formatPlan(plan)).toMatch(/deadline\s+2026-12-31 → 2026-11-30/);
    expect(report.written).toEqual([]);
    expect(report.skipped).toEqual([expect.objectContaining({ path: ITEM, reason: expect.stringContaining('amended in the document: not written'), changes: changed.changes })]);
    expect(await head()).toBe(before);
    expect(await stateOf()).toMatchObject({ leadUnits: ['市工信局'], deadline: '2026-12-31T23:59:59+08:00' });
  });

  it('accepting writes task.amended.v1 once; a retry replays it; a re-import of the amended document is unchanged', async () => {
    await importExample('workPlan');
    const before = await head();
    const accepted = await importPreview(amendedCopy(), { ...YEAR_END, acceptAmendments: true, sourceName: '01-修订.txt' });
    const planned = task(accepted.plan, ITEM);
    expect(planned.amendment!.commandId).toMatch(/^import:郑政办〔2026〕8号:一\/（三）\/1:amend:1:[0-9a-f]{16}$/);
    expect(planned.amendment!.command).toMatchObject({
      type: 'AmendTask',
      at: '2026-02-27T00:00:00+08:00',
      data: { taskId: ITEM_ID, leadUnits: ['市科技局'], deadline: '2026-11-30T23:59:59+08:00', reason: `re-import of ${DOC} (01-修订.txt)`, documentRef: DOC },
    });
    expect(accepted.report.written).toEqual([expect.objectContaining({ path: ITEM, events: ['task.amended.v1'], version: '1', replayed: false })]);
    expect(formatReport(accepted.report)).toMatch(/amended:\n {2}郑政办〔2026〕8号 一\/（三）\/1 \(市科技局\)\n {4}leadUnits {2}− 市工信局 {2}\+ 市科技局\n {4}deadline +2026-12-31 → 2026-11-30/);
    expect(await head()).toBe(before + 1n);
    expect(await stateOf()).toMatchObject({ leadUnits: ['市科技局'], deadline: '2026-11-30T23:59:59+08:00', amendmentCount: 1 });

    const retried = await commitImport(accepted.plan, writer);
    expect(retried.written).toEqual([expect.objectContaining({ path: ITEM, replayed: true, events: ['task.amended.v1'] })]);
    expect(retried.counts.events).toBe(0);
    for (const acceptAmendments of [true, false]) {
      const again = await importPreview(amendedCopy(), { ...YEAR_END, acceptAmendments });
      expect(again.plan.summary.tasks).toEqual({ register: 0, unchanged: 6, amended: 0, notRegistrable: 0 });
      expect(again.report.counts.events).toBe(0);
    }
    expect(await head()).toBe(before + 1n);
  });

  it('amending back and forth writes every amendment (A → B → A → B)', async () => {
    await importExample('workPlan');
    const ids: string[] = [];
    for (const [preview, leadUnits] of [[amendedCopy(), ['市科技局']], [previewOf('workPlan'), ['市工信局']], [amendedCopy(), ['市科技局']]] as const) {
      const { plan, report } = await importPreview(preview, { ...YEAR_END, acceptAmendments: true });
      ids.push(task(plan, ITEM).amendment!.commandId);
      expect(report.written).toEqual([expect.objectContaining({ path: ITEM, replayed: false, events: ['task.amended.v1'] })]);
      expect(await stateOf()).toMatchObject({ leadUnits });
    }
    expect(ids.map((id) => id.split(':').slice(-2, -1)[0])).toEqual(['1', '2', '3']);
    expect(ids[2]!.split(':').pop()).toBe(ids[0]!.split(':').pop());
  });

  it('an amendment the domain refuses is shown with the reason and not written', async () => {
    await importExample('workPlan');
    const executor = new CommandExecutor(store);
    const envelope = (commandId: string) => ({ commandId, correlationId: commandId, causationId: commandId, actor: supervisor, receivedAt: '2026-03-03T09:00:00+08:00' });
    const share = { taskId: ITEM_ID, unitId: '巩义市' };
    await executor.execute(taskDecider, taskStream(ITEM_ID), { type: 'AssignShare', at: '2026-03-02T09:00:00+08:00', actor: supervisor, data: share }, envelope('assign'), { creates: false });
    const gongyi: Actor = { userId: 'gy', unitId: '巩义市', role: 'unit' };
    await executor.execute(taskDecider, taskStream(ITEM_ID), { type: 'AcknowledgeShare', at: '2026-03-03T09:00:00+08:00', actor: gongyi, data: share }, envelope('ack'), { creates: false });
    const before = await head();

    const fewer = editedWorkPlan((b) => b.replace('责任单位：各开发区、区县（市）', '责任单位：郑州航空港区、中牟县'));
    const { plan, report } = await importPreview(fewer, { ...YEAR_END, acceptAmendments: true });
    expect(task(plan, ITEM).reasons).toEqual([expect.stringMatching(/^AmendTask: responsible unit 巩义市 cannot be removed from task [0-9a-f]{32}: its share has work on it \(status acknowledged\)$/)]);
    expect(report.counts.tasks).toEqual({ written: 0, unchanged: 5, skipped: 1, failed: 0 });
    expect(await head()).toBe(before);

    // a new deadline before the effective time (now: after November 2026) is refused too, with the way out
    const late = await importPreview(amendedCopy(), { defaultDeadline: 'year-end', effectiveAt: undefined, acceptAmendments: true });
    expect(task(late.plan, ITEM).reasons).toEqual([expect.stringMatching(/^AmendTask: deadline 2026-11-30T23:59:59\+08:00 is before the effective time .*: back-date with --effective-at \(e.g. --effective-at document: 2026-02-27\)$/)]);
    expect(await head()).toBe(before);
  });

  it('an amended annex row is revised (ReviseTarget) when accepted, once', async () => {
    await importExample('workPlan');
    const before = await head();
    const text = example('workPlan');
    expect(text).toContain('中牟县\t50\t150\t3');
    const revised = parsePolicyDocument(text.replace('中牟县\t50\t150\t3', '中牟县\t55\t150\t3'), { registry });
    const shown = await importPreview(revised);
    expect(shown.plan.targets.find((r) => r.action === 'amended')).toMatchObject({ unitId: '中牟县', metric: '诊断企业', changes: [{ field: 'value', before: 50, after: 55 }] });
    expect(shown.report.counts.targets).toEqual({ written: 0, unchanged: 17, skipped: 1, failed: 0 });
    const accepted = await importPreview(revised, { ...YEAR_END, acceptAmendments: true });
    expect(accepted.report.written).toEqual([expect.objectContaining({ kind: 'target', events: ['target.revised.v1'] })]);
    expect(fold(targetDecider, await store.readStream(targetStream(targetIdFor('中牟县', 2026, '诊断企业'))))).toMatchObject({ value: 55, revisionCount: 1 });
    expect((await importPreview(revised, { ...YEAR_END, acceptAmendments: true })).report.counts.targets).toEqual({ written: 0, unchanged: 18, skipped: 0, failed: 0 });
    expect(await head()).toBe(before + 1n);
  });

  it('partial failure: each item is its own stream; the report names document, path and unit; a re-run completes the rest', async () => {
    const partial = executorWriter(new CommandExecutor(store), store, { has: (u) => u !== '市统计局' && registry.has(u) });
    const first = await importPreview(previewOf('workPlan'), YEAR_END, { writer: partial });
    expect(first.report.errors.map((e) => e.path)).toEqual(['一/（二）', '一/（三）/1']); // the two naming 市统计局
    expect(first.report.errors[0]).toMatchObject({ kind: 'task', docNumber: DOC, path: '一/（二）', outcome: 'failed', units: ['市统计局'], error: { name: 'UnknownUnits', unknownUnits: ['市统计局'] } });
    expect(first.report.counts.tasks).toEqual({ written: 4, unchanged: 0, skipped: 0, failed: 2 });
    const second = await importExample('workPlan');
    expect(second.report.written.map((e) => e.path)).toEqual(['一/（二）', '一/（三）/1']);
    expect((await importExample('workPlan')).report.counts.events).toBe(0);
    expect(await head()).toBe(6n + 18n);
  });

  it('a retried commit with the same correlation id reports its first writes as written, replayed', async () => {
    const first = await importPreview(previewOf('parentheses'), YEAR_END, { correlationId: 'import:idem:abc' });
    const position = await head();
    const retry = await importPreview(previewOf('parentheses'), YEAR_END, { correlationId: 'import:idem:abc' });
    expect(retry.report.written).toHaveLength(first.report.written.length);
    expect(retry.report.written.every((e) => e.replayed)).toBe(true);
    expect(await head()).toBe(position);
    const other = await importPreview(previewOf('parentheses'), YEAR_END, { correlationId: 'import:idem:other' });
    expect(other.report.counts).toMatchObject({ tasks: { written: 0, unchanged: 5 } });
  });

  it('calls back once per item and row, in order', async () => {
    const seen: ImportProgress[] = [];
    await importPreview(previewOf('workPlan'), YEAR_END, { onProgress: (p) => seen.push(p) });
    expect(seen.map((p) => p.done)).toEqual(Array.from({ length: 24 }, (_, i) => i + 1));
    expect(seen.every((p) => p.total === 24)).toBe(true);
    expect(seen[0]!.entry).toMatchObject({ kind: 'task', path: '一/（一）', outcome: 'written' });
    expect(seen[23]!.entry).toMatchObject({ kind: 'target', outcome: 'written' });
  });
});

describe('planImport on the example documents: the rules (no store)', () => {
  const none = new Map();
  const plan = (name: ExampleName, options: Omit<PlanOptions, 'actor'> = {}) => planImport(previewOf(name), none, { actor: supervisor, ...options });

  it('an item without a deadline is not registrable unless a default deadline is given; year-end is 31 Dec 23:59:59 +08:00', () => {
    const without = plan('parentheses', { effectiveAt: 'document' });
    expect(without.summary.tasks).toEqual({ register: 4, unchanged: 0, amended: 0, notRegistrable: 1 });
    expect(task(without, '二/3').reasons).toEqual([NO_DEADLINE]);
    const yearEnd = plan('parentheses', { effectiveAt: 'document', defaultDeadline: 'year-end' });
    expect(yearEnd.defaultDeadline).toEqual({ given: 'year-end', instant: '2026-12-31T23:59:59+08:00' });
    expect(task(yearEnd, '二/3').command!.data.deadline).toBe('2026-12-31T23:59:59+08:00');
    const dated = plan('parentheses', { effectiveAt: 'document', defaultDeadline: '2027-06-30' });
    expect(task(dated, '二/3').command!.data.deadline).toBe('2027-06-30T23:59:59+08:00');
    expect(task(dated, '二/1').command!.data.deadline).toBe('2026-10-31T23:59:59+08:00'); // a stated deadline is kept
  });

  it('a lead without responsible units is responsible; no lead takes the 主办; the 督办 supervises', () => {
    const p = plan('parentheses', { effectiveAt: 'document', defaultDeadline: 'year-end' });
    expect(task(p, '二/2').command!.data).toMatchObject({ leadUnits: ['市大数据局'], responsibleUnits: ['市大数据局'], supervisingOffice: '市政府办公厅二处' });
    expect(task(p, '二/2').filled[0]).toBe('responsible: its lead unit 市大数据局');
    expect(task(p, '三/4')).toMatchObject({ filled: ["lead: the document's 主办 市政务办"] });
  });

  it('a lead written but not resolving is not replaced by the sponsor; a document without 文号 is not registrable', () => {
    const t = task(plan('divisionTable', { effectiveAt: 'document', defaultDeadline: 'year-end' }), '二/（一）/1');
    expect(t.action).toBe('not-registrable');
    expect(t.reasons[0]).toContain('牵头单位 written as "各产业集聚区" does not resolve');
    const unnumbered = parsePolicyDocument(example('parentheses').replace('郑政办〔2026〕11号\n', ''), { registry });
    expect(unnumbered.document.docNumber).toBeNull();
    const p = planImport(unnumbered, none, { actor: supervisor, defaultDeadline: 'year-end', effectiveAt: 'document' });
    expect(p.summary.tasks.notRegistrable).toBe(5);
    expect(p.tasks[0]!.reasons).toContain('no 文号: the task id cannot be derived (give --doc-number)');
  });

  it('a deadline before the effective time is not registrable, and says how to back-date', () => {
    const p = planImport(previewOf('workPlan'), none, { actor: supervisor, now: new Date('2027-01-15T00:00:00Z') });
    expect(p.effectiveAtSource).toBe('now');
    expect(p.summary.tasks.notRegistrable).toBe(6);
    expect(task(p, '一/（一）').reasons).toEqual([
      'deadline 2026-03-31 is before the effective time 2027-01-15T08:00:00+08:00: back-date with --effective-at (e.g. --effective-at document: 2026-02-27)',
    ]);
    expect(p.summary.targets.register).toBe(18);
  });

  it('is deterministic', () => {
    const options = { defaultDeadline: 'year-end', effectiveAt: 'document', now: new Date('2027-01-01T00:00:00Z') };
    expect(JSON.stringify(plan('workPlan', options))).toBe(JSON.stringify(plan('workPlan', options)));
  });
});
