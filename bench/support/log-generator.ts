/**
 * Generates a realistic Duban event log for projections.bench.ts: task and issue lifecycles over 2021–2022,
 * decided by the real deciders (decideTask / decideIssue, folded with evolveTask / evolveIssue), written through
 * SqliteEventStore. Fast because each stream's whole lifecycle is decided in memory (no readStream per command)
 * and appended in ONE appendToStream (NO_STREAM), and the store runs with synchronous = NORMAL (a generated cache
 * file, not data anyone would lose).
 *
 * Units: the 16 responsible units (开发区/县市/市内区) and up to 60 city departments of UnitRegistry.seeded()
 * (the departments lead / cooperate on tasks and take some issues). Every deadline is explicit, so the working-day
 * calendar stays out of generation. Deterministic (seeded PRNG) apart from event ids and recordedAt.
 *
 * Lifecycles: assign → acknowledge → progress ×1–3 → [extension request → grant | refuse] → submit →
 * [reject → progress → resubmit] → approve → [reopen → progress → submit → approve]; some are left open at any
 * step (more of them the later they start), some task shares are never assigned. A command the decider refuses is
 * skipped and counted (there should be none).
 */
import { NO_STREAM, NewEvent, SqliteEventStore } from '@duban/eventstore';
import type { Actor, Command, DomainEvent } from '@duban/domain/decider';
import type { IssueCommand, IssueEvent, IssueState } from '@duban/domain/issue';
import { decideIssue, evolveIssue, initialIssueState } from '@duban/domain/issue';
import type { TaskCommand, TaskEvent, TaskState } from '@duban/domain/task';
import { decideTask, evolveTask, initialTaskState } from '@duban/domain/task';
import { UnitRegistry } from '@duban/domain/units';
import { toNewEvent } from '@duban/projections/testing/ledger';

/** Bump when the generated log changes: the cache file name carries it. */
export const GENERATOR_VERSION = 'g1';

export const OFFICE = '市政府办公厅四处';
export const SUPERVISOR: Actor = { userId: '督查员-李', unitId: OFFICE, role: 'supervisor' };
export const staff = (unitId: string): Actor => ({ userId: `${unitId}-联络员`, unitId, role: 'unit' });

const DAY = 86_400_000;
const HOUR = 3_600_000;
const START = Date.parse('2021-01-04T01:00:00Z');
const LAST_START = Date.parse('2022-11-30T01:00:00Z');
const END = Date.parse('2022-12-31T09:00:00Z'); // no effective time after this: what is not done by then stays open
const DEPARTMENT_KINDS = new Set(['department', 'vertical-agency', 'centre', 'enterprise', 'task-force', 'sub-district', 'organisation']);

export function benchUnits() {
  const registry = UnitRegistry.seeded();
  const responsible = registry.units.filter((u) => u.group).map((u) => u.id);
  const departments = registry.units.filter((u) => !u.group && DEPARTMENT_KINDS.has(u.kind)).map((u) => u.id).slice(0, 60);
  return { responsible, departments };
}

/** mulberry32 */
function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    chance: (p: number) => next() < p,
    int: (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1)),
    pick: <T>(xs: readonly T[]) => xs[Math.floor(next() * xs.length)],
    sample: <T>(xs: readonly T[], n: number) => {
      const copy = [...xs];
      for (let i = copy.length - 1; i > 0; i--) {
        const j = Math.floor(next() * (i + 1));
        [copy[i], copy[j]] = [copy[j], copy[i]];
      }
      return copy.slice(0, n);
    },
  };
}
type Rng = ReturnType<typeof prng>;

const iso = (ms: number) => new Date(ms).toISOString();
const EVIDENCE = [{ ref: 'archive://bench/佐证材料.pdf', title: '佐证材料' }];

/** One closure loop (a task share or an issue) as timed steps; `kind` maps to the aggregate's command. */
type Step =
  | { at: number; kind: 'assign'; deadline: number }
  | { at: number; kind: 'acknowledge' | 'approve' | 'submit' }
  | { at: number; kind: 'progress'; percent: number }
  | { at: number; kind: 'reject' | 'refuse' }
  | { at: number; kind: 'reopen' | 'grant' | 'request'; deadline: number };

function loopPlan(rng: Rng, start: number, deadline: number, openBias: number): Step[] {
  const steps: Step[] = [];
  let t = start;
  const after = (lo: number, hi: number) => (t += lo + rng.next() * (hi - lo));
  steps.push({ at: t, kind: 'assign', deadline });
  steps.push({ at: after(HOUR, 3 * DAY), kind: 'acknowledge' });
  let dl = deadline;
  const span = Math.max(DAY, dl - t);
  const reports = rng.int(1, 3);
  for (let i = 1; i <= reports; i++) steps.push({ at: after(span / (reports + 2) / 2, span / (reports + 1)), kind: 'progress', percent: Math.min(90, Math.round((100 * i) / (reports + 1))) });
  if (rng.chance(0.12)) {
    const requested = dl + rng.int(15, 45) * DAY;
    steps.push({ at: after(HOUR, 5 * DAY), kind: 'request', deadline: requested });
    if (rng.chance(0.7)) {
      steps.push({ at: after(HOUR, 3 * DAY), kind: 'grant', deadline: requested });
      dl = requested;
    } else steps.push({ at: after(HOUR, 3 * DAY), kind: 'refuse' });
  }
  // about 20% submit after the deadline
  const due = rng.chance(0.2) ? dl + rng.int(1, 20) * DAY : t + (dl - t) * (0.3 + 0.65 * rng.next());
  t = Math.max(t + HOUR, due);
  steps.push({ at: t, kind: 'progress', percent: 100 });
  steps.push({ at: after(HOUR, 2 * DAY), kind: 'submit' });
  if (rng.chance(0.2)) {
    steps.push({ at: after(DAY, 5 * DAY), kind: 'reject' });
    steps.push({ at: after(DAY, 6 * DAY), kind: 'progress', percent: 100 });
    steps.push({ at: after(HOUR, 2 * DAY), kind: 'submit' });
  }
  steps.push({ at: after(DAY, 5 * DAY), kind: 'approve' });
  if (rng.chance(0.05)) {
    const reopenDeadline = t + rng.int(40, 70) * DAY;
    steps.push({ at: after(10 * DAY, 40 * DAY), kind: 'reopen', deadline: reopenDeadline });
    steps.push({ at: after(DAY, 10 * DAY), kind: 'progress', percent: 100 });
    steps.push({ at: after(HOUR, 2 * DAY), kind: 'submit' });
    steps.push({ at: after(DAY, 5 * DAY), kind: 'approve' });
  }
  // left open: anything after the end of 2022, plus some at a random step
  let keep = steps.findIndex((s) => s.at > END);
  if (keep < 0) keep = steps.length;
  if (rng.chance(0.06 + openBias)) keep = Math.min(keep, rng.int(1, steps.length - 1));
  return steps.slice(0, keep);
}

function shareCommand(s: Step, taskId: string, unitId: string): TaskCommand {
  const at = iso(s.at);
  const ref = { taskId, unitId };
  const u = staff(unitId);
  switch (s.kind) {
    case 'assign': return { type: 'AssignShare', at, actor: SUPERVISOR, data: { ...ref, deadline: iso(s.deadline) } };
    case 'acknowledge': return { type: 'AcknowledgeShare', at, actor: u, data: ref };
    case 'progress': return { type: 'ReportShareProgress', at, actor: u, data: { ...ref, percent: s.percent, narrative: `已完成${s.percent}%，按计划推进。` } };
    case 'request': return { type: 'RequestShareExtension', at, actor: u, data: { ...ref, requestedDeadline: iso(s.deadline), reason: '土地报批未完成' } };
    case 'grant': return { type: 'GrantShareExtension', at, actor: SUPERVISOR, data: { ...ref, deadline: iso(s.deadline) } };
    case 'refuse': return { type: 'RefuseShareExtension', at, actor: SUPERVISOR, data: { ...ref, reason: '理由不充分' } };
    case 'submit': return { type: 'SubmitShareCompletion', at, actor: u, data: { ...ref, summary: '已办结', evidence: EVIDENCE } };
    case 'reject': return { type: 'RejectShareCompletion', at, actor: SUPERVISOR, data: { ...ref, reason: '佐证材料不全' } };
    case 'approve': return { type: 'ApproveShareCompletion', at, actor: SUPERVISOR, data: ref };
    case 'reopen': return { type: 'ReopenShare', at, actor: SUPERVISOR, data: { ...ref, reason: '复查发现问题', deadline: iso(s.deadline) } };
  }
}

function issueCommand(s: Step, issueId: string, unitId: string): IssueCommand {
  const at = iso(s.at);
  const u = staff(unitId);
  switch (s.kind) {
    case 'assign': return { type: 'AssignIssue', at, actor: SUPERVISOR, data: { issueId, unitId, deadline: iso(s.deadline) } };
    case 'acknowledge': return { type: 'AcknowledgeIssue', at, actor: u, data: { issueId } };
    case 'progress': return { type: 'ReportIssueProgress', at, actor: u, data: { issueId, percent: s.percent, narrative: `已完成${s.percent}%，正在协调。` } };
    case 'request': return { type: 'RequestIssueExtension', at, actor: u, data: { issueId, requestedDeadline: iso(s.deadline), reason: '需省厅审批' } };
    case 'grant': return { type: 'GrantIssueExtension', at, actor: SUPERVISOR, data: { issueId, deadline: iso(s.deadline) } };
    case 'refuse': return { type: 'RefuseIssueExtension', at, actor: SUPERVISOR, data: { issueId, reason: '理由不充分' } };
    case 'submit': return { type: 'SubmitIssueCompletion', at, actor: u, data: { issueId, summary: '已办结', evidence: EVIDENCE } };
    case 'reject': return { type: 'RejectIssueCompletion', at, actor: SUPERVISOR, data: { issueId, reason: '整改不到位' } };
    case 'approve': return { type: 'ApproveIssueCompletion', at, actor: SUPERVISOR, data: { issueId } };
    case 'reopen': return { type: 'ReopenIssue', at, actor: SUPERVISOR, data: { issueId, reason: '问题反弹', deadline: iso(s.deadline) } };
  }
}

export interface GenerationStats {
  events: number;
  streams: number;
  tasks: number;
  shares: number;
  issues: number;
  refused: Record<string, number>;
  byType: Record<string, number>;
  seconds: number;
}

/** Decides commands in order on an in-memory state; returns the store events (refusals skipped and counted). */
function decideAll<C extends Command, S, E extends DomainEvent>(
  commands: C[],
  initial: S,
  decide: (c: C, s: S) => E[],
  evolve: (s: S, e: E) => S,
  refused: Record<string, number>,
): NewEvent[] {
  let state = initial;
  const out: NewEvent[] = [];
  for (const c of commands) {
    let events: E[];
    try {
      events = decide(c, state);
    } catch (err) {
      const key = `${c.type}: ${(err as Error).message.slice(0, 80)}`;
      refused[key] = (refused[key] ?? 0) + 1;
      continue;
    }
    const ids = { commandId: `${c.type}-${out.length}-${Math.floor(Math.random() * 1e12).toString(36)}`, correlationId: `bench-${out.length}` };
    for (const e of events) {
      state = evolve(state, e);
      out.push(toNewEvent(e, c, ids));
    }
  }
  return out;
}

/**
 * Writes `target` events (exactly: the last lifecycle is cut to fit, a prefix of a valid lifecycle being valid)
 * into a new store file. `progress(done)` is called every ~100k events.
 */
export async function generateLog(file: string, target: number, progress: (done: number, elapsedS: number) => void): Promise<GenerationStats> {
  const t0 = process.hrtime.bigint();
  const { responsible, departments } = benchUnits();
  const store = new SqliteEventStore({ file, synchronous: 'NORMAL' });
  const rng = prng(20210104);
  const stats: GenerationStats = { events: 0, streams: 0, tasks: 0, shares: 0, issues: 0, refused: {}, byType: {}, seconds: 0 };
  let nextReport = 100_000;
  let doc = 0;
  while (stats.events < target) {
    const f = stats.events / target;
    const start = START + f * (LAST_START - START) + rng.next() * 20 * DAY;
    const openBias = start > Date.parse('2022-09-01T00:00:00Z') ? 0.25 : 0;
    let stream: string;
    let events: NewEvent[];
    if (rng.chance(1 / 6)) {
      // a task from a policy document, shared out to several responsible units
      const n = ++stats.tasks;
      const taskId = `bt-${n}`;
      const year = new Date(start).getUTCFullYear();
      if (n % 12 === 1) doc++;
      const deadline = start + rng.int(60, 240) * DAY;
      const units = rng.sample(responsible, rng.int(2, 12));
      const register: TaskCommand = {
        type: 'RegisterTask',
        at: iso(start),
        actor: SUPERVISOR,
        data: {
          taskId,
          sourceDocument: { docNumber: `郑政办〔${year}〕${doc}号`, title: `郑州市${year}年重点工作任务分解方案（${doc}）` },
          itemPath: `${rng.int(1, 8)}/${(n % 12) + 1}`,
          title: `重点任务${n}：推进小微企业园建设`,
          text: `全年新开工${rng.int(5, 30)}个以上小微企业园，按月报送进展。`,
          leadUnits: rng.sample(departments, rng.int(1, 2)),
          responsibleUnits: units,
          cooperatingUnits: rng.sample(departments, rng.int(0, 3)),
          deadline: iso(deadline),
          target: { value: rng.int(5, 30), unit: '个', comparator: '>=' },
          supervisingOffice: OFFICE,
        },
      };
      const commands: { at: number; c: TaskCommand }[] = [];
      for (const unitId of units) {
        if (rng.chance(0.03)) continue; // never assigned: stays registered (the supervisor's inbox)
        stats.shares++;
        const plan = loopPlan(rng, start + rng.next() * 3 * DAY, deadline, openBias);
        for (const s of plan) commands.push({ at: s.at, c: shareCommand(s, taskId, unitId) });
      }
      commands.sort((a, b) => a.at - b.at);
      stream = `task-${taskId}`;
      events = decideAll<TaskCommand, TaskState, TaskEvent>([register, ...commands.map((x) => x.c)], initialTaskState(), decideTask, evolveTask, stats.refused);
    } else {
      const n = ++stats.issues;
      const issueId = `bi-${n}`;
      const reporter = rng.pick(responsible);
      const assignee = rng.chance(0.8) ? reporter : rng.pick(departments);
      const report: IssueCommand = {
        type: 'ReportIssue',
        at: iso(start),
        actor: staff(reporter),
        data: {
          issueId,
          title: `${reporter}问题${n}：施工许可证办理滞后`,
          description: '建规证、施工许可证办理等问题影响园区按期开工。',
          category: rng.pick(['施工许可', '用地保障', '资金拨付', '环保审批', '水电配套']),
          urgency: rng.chance(0.2) ? 'urgent' : 'normal',
          reportingUnit: reporter,
        },
      };
      const assignedAt = start + rng.next() * 2 * DAY;
      const plan = rng.chance(0.03) ? [] : loopPlan(rng, assignedAt, assignedAt + rng.int(15, 60) * DAY, openBias);
      stream = `issue-${issueId}`;
      events = decideAll<IssueCommand, IssueState, IssueEvent>([report, ...plan.map((s) => issueCommand(s, issueId, assignee))], initialIssueState(), decideIssue, evolveIssue, stats.refused);
    }
    if (stats.events + events.length > target) events = events.slice(0, target - stats.events);
    if (events.length === 0) continue;
    await store.appendToStream(stream, events, { expectedVersion: NO_STREAM });
    for (const e of events) stats.byType[e.type] = (stats.byType[e.type] ?? 0) + 1;
    stats.events += events.length;
    stats.streams++;
    if (stats.events >= nextReport) {
      progress(stats.events, Number(process.hrtime.bigint() - t0) / 1e9);
      nextReport += 100_000;
    }
  }
  await store.close();
  stats.seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  return stats;
}
