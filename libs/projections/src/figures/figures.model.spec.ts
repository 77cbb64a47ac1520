/**
 * Property: the figures do not depend on how the read model was built.
 *
 * Random command sequences (through the real deciders; refused commands are
 * dropped, as the application layer would) are appended in chunks of random
 * sizes. Between chunks the runner is stopped — sometimes before it has caught
 * up — and started again with another batch size. At every stop the figures of
 * every period of 2021 are taken as the read model then stands (at its
 * checkpoint). At the end:
 *
 * - the read models (figures and targets: two units have targets, progress
 *   comes every fifth step) rebuilt from zero give the same figures as the
 *   ones built incrementally;
 * - each snapshot is given again exactly by the final read model asked for at
 *   the snapshot's position (`atPosition`): a published bulletin can be
 *   recomputed later, whatever was appended since.
 */
import fc from 'fast-check';
import { DomainError } from '@duban/domain/decider';
import type { LoopStatus, LoopStepKind } from '@duban/domain/closure-loop';
import { ALLOWED_FROM } from '@duban/domain/closure-loop';
import type { IssueCommand } from '@duban/domain/issue';
import { isIssueReported } from '@duban/domain/issue';
import type { TaskCommand, TaskState } from '@duban/domain/task';
import { isTaskRegistered } from '@duban/domain/task';
import { Harness } from '../testing/harness';
import { command, EVIDENCE, registerTask, reportIssue, staffOf, supervisor } from '../testing/fixtures';
import type { FiguresReport, Leaderboard } from './figures';
import { recordProgress, setTarget, TargetLedger } from '../targets/target-ledger';
import { TargetsProjection } from '../targets/targets.projection';
import { FiguresProjection } from './figures.projection';
import type { FiguresRequest } from './figures.query';
import { FiguresQuery } from './figures.query';
import type { Period } from './period';

const UNITS = ['郑州航空港区', '郑东新区', '中牟县', '巩义市']; // 2 开发区, 2 县市
const TASKS = ['model-a', 'model-b'];
const ISSUES = [
  { issueId: 'model-i1', unitId: '巩义市' },
  { issueId: 'model-i2', unitId: '市城乡建设局' }, // outside the groups
];
/** targets 0–7: the shares of the two tasks; 8–9: the issues */
const TARGETS = TASKS.length * UNITS.length + ISSUES.length;
const BASE = Date.parse('2021-01-04T09:00:00+08:00');
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const iso = (ms: number) => new Date(ms).toISOString();
const NOW = new Date('2022-06-01T00:00:00+08:00');

const PERIODS: Period[] = [
  ...Array.from({ length: 12 }, (_, i) => ({ kind: 'month' as const, year: 2021, index: i + 1 })),
  ...Array.from({ length: 4 }, (_, i) => ({ kind: 'quarter' as const, year: 2021, index: i + 1 })),
  { kind: 'half', year: 2021, index: 1 },
  { kind: 'half', year: 2021, index: 2 },
  { kind: 'year', year: 2021 },
];
/** The same periods, plus one taken in the middle of a month. */
const REQUESTS: FiguresRequest[] = [
  ...PERIODS.map((period) => ({ period })),
  { period: { kind: 'month', year: 2021, index: 6 }, asOf: '2021-06-15T12:00:00+08:00' },
];

interface Intent {
  target: number;
  /** 0–6: the loop's next step forward (so items really get closed, rejected, reopened, extended); 7–9: any allowed step */
  forward: number;
  choice: number;
  /** days from the step's time to a deadline it sets */
  days: number;
  withDeadline: boolean;
}

const intent = fc.record({
  // half the steps go to three items (a share of each task, an issue), so their loops go a long way
  target: fc.oneof(fc.constantFrom(0, 5, 8), fc.integer({ min: 0, max: TARGETS - 1 })),
  forward: fc.integer({ min: 0, max: 9 }),
  choice: fc.nat(),
  days: fc.integer({ min: 1, max: 60 }),
  withDeadline: fc.boolean(),
});

function allowedSteps(status: LoopStatus, isIssue: boolean): LoopStepKind[] {
  return (Object.keys(ALLOWED_FROM) as LoopStepKind[]).filter((k) => ALLOWED_FROM[k].includes(status) && !(isIssue && k === 'add_note'));
}

/** The step an intent asks for, given where the item's loop stands. */
function stepFor(i: Intent, status: LoopStatus, pendingExtension: boolean, isIssue: boolean): LoopStepKind {
  const either = (a: LoopStepKind, b: LoopStepKind) => (i.choice % 3 === 0 ? b : a);
  if (i.forward < 7) {
    if (pendingExtension) return either('grant_extension', 'refuse_extension');
    switch (status) {
      case 'registered':
      case 'reported':
        return 'assign';
      case 'assigned':
        return 'acknowledge';
      case 'acknowledged':
        return 'report_progress';
      case 'in_progress':
        return either('submit_completion', 'request_extension');
      case 'submitted':
        return either('approve_completion', 'reject_completion');
      case 'closed':
        return 'reopen';
    }
  }
  const steps = allowedSteps(status, isIssue);
  return steps[i.choice % steps.length];
}

/** Step n happens n × (4 days + 1 hour) after the start of 2021: 70 steps span the year. */
function toCommand(i: Intent, step: LoopStepKind, n: number): TaskCommand | IssueCommand {
  const atMs = BASE + n * (4 * DAY + HOUR);
  const at = iso(atMs);
  const deadline = iso(atMs + i.days * DAY);
  const requested = iso(atMs + 120 * DAY); // later than any deadline set before
  if (i.target >= TASKS.length * UNITS.length) {
    const { issueId, unitId } = ISSUES[i.target - TASKS.length * UNITS.length];
    const ref = { issueId };
    const unit = staffOf(unitId);
    switch (step) {
      case 'assign':
        return command('AssignIssue', supervisor, at, { ...ref, unitId, deadline });
      case 'acknowledge':
        return command('AcknowledgeIssue', unit, at, ref);
      case 'report_progress':
        return command('ReportIssueProgress', unit, at, { ...ref, percent: 50, narrative: '进展' });
      case 'submit_completion':
        return command('SubmitIssueCompletion', unit, at, { ...ref, summary: '已办结', evidence: EVIDENCE });
      case 'approve_completion':
        return command('ApproveIssueCompletion', supervisor, at, ref);
      case 'reject_completion':
        return command('RejectIssueCompletion', supervisor, at, { ...ref, reason: '退回' });
      case 'reopen':
        return command('ReopenIssue', supervisor, at, { ...ref, reason: '复查', ...(i.withDeadline ? { deadline } : {}) });
      case 'request_extension':
        return command('RequestIssueExtension', unit, at, { ...ref, requestedDeadline: requested, reason: '延期' });
      case 'grant_extension':
        return command('GrantIssueExtension', supervisor, at, ref);
      case 'refuse_extension':
        return command('RefuseIssueExtension', supervisor, at, { ...ref, reason: '不同意' });
      case 'add_note':
        throw new Error('issues have no notes');
    }
  }
  const taskId = TASKS[Math.floor(i.target / UNITS.length)];
  const unitId = UNITS[i.target % UNITS.length];
  const ref = { taskId, unitId };
  const unit = staffOf(unitId);
  switch (step) {
    case 'assign':
      return command('AssignShare', supervisor, at, { ...ref, ...(i.withDeadline ? { deadline } : {}) });
    case 'acknowledge':
      return command('AcknowledgeShare', unit, at, ref);
    case 'report_progress':
      return command('ReportShareProgress', unit, at, { ...ref, percent: 50, narrative: '进展' });
    case 'add_note':
      return command('AddShareProgressNote', unit, at, { ...ref, note: '备注' });
    case 'submit_completion':
      return command('SubmitShareCompletion', unit, at, { ...ref, summary: '已完成', evidence: EVIDENCE });
    case 'approve_completion':
      return command('ApproveShareCompletion', supervisor, at, ref);
    case 'reject_completion':
      return command('RejectShareCompletion', supervisor, at, { ...ref, reason: '退回' });
    case 'reopen':
      return command('ReopenShare', supervisor, at, { ...ref, reason: '复查', ...(i.withDeadline ? { deadline } : {}) });
    case 'request_extension':
      return command('RequestShareExtension', unit, at, { ...ref, requestedDeadline: requested, reason: '延期' });
    case 'grant_extension':
      return command('GrantShareExtension', supervisor, at, i.withDeadline ? { ...ref, deadline: iso(atMs + 90 * DAY + i.days * DAY) } : ref);
    case 'refuse_extension':
      return command('RefuseShareExtension', supervisor, at, { ...ref, reason: '不同意' });
  }
}

async function loopOf(h: Harness, target: number): Promise<{ status: LoopStatus; pendingExtension: boolean; isIssue: boolean }> {
  if (target >= TASKS.length * UNITS.length) {
    const issue = await h.ledger.issueState(ISSUES[target - TASKS.length * UNITS.length].issueId);
    if (!isIssueReported(issue)) throw new Error('fixture issue missing');
    return { status: issue.status, pendingExtension: issue.pendingExtension !== null, isIssue: true };
  }
  const task: TaskState = await h.ledger.taskState(TASKS[Math.floor(target / UNITS.length)]);
  if (!isTaskRegistered(task)) throw new Error('fixture task missing');
  const share = task.shares[UNITS[target % UNITS.length]];
  return { status: share.status, pendingExtension: share.pendingExtension !== null, isIssue: false };
}

interface Snapshot {
  figures: FiguresReport[];
  boards: Leaderboard[];
}

function snapshot(query: FiguresQuery, extra: Partial<FiguresRequest> = {}): Snapshot {
  return {
    figures: REQUESTS.map((r) => query.unitFigures({ ...r, ...extra })),
    boards: REQUESTS.map((r) => query.leaderboard({ ...r, ...extra })),
  };
}

describe('figures do not depend on how the read model was built', () => {
  it('incremental in random chunks with stops and restarts = rebuilt from zero; every snapshot recomputes exactly at its position', async () => {
    const covered = new Set<string>();
    let scoredSomewhere = false;
    let targetScored = false;
    await fc.assert(
      fc.asyncProperty(
        fc.array(intent, { minLength: 30, maxLength: 70 }),
        fc.array(fc.record({ size: fc.integer({ min: 1, max: 15 }), batchSize: fc.integer({ min: 1, max: 9 }), settle: fc.boolean() }), {
          minLength: 1,
          maxLength: 8,
        }),
        async (intents, chunks) => {
          const h = await Harness.open({ projections: () => [new FiguresProjection(), new TargetsProjection()], runner: { batchSize: chunks[0].batchSize } });
          const targets = new TargetLedger(h.store);
          try {
            for (const taskId of TASKS) {
              await h.ledger.run(registerTask(taskId, { responsibleUnits: UNITS, deadline: '2021-12-31T23:59:59+08:00' }, iso(BASE - DAY)));
            }
            for (const { issueId } of ISSUES) await h.ledger.run(reportIssue(issueId));
            // targets of two units (one set in March: periods before it have none), progress on every fifth step
            await targets.runAll([setTarget(UNITS[0], 2021, 'enterprises', 200, iso(BASE)), setTarget(UNITS[2], 2021, 'enterprises', 150, '2021-03-01T10:00:00+08:00')]);

            const snapshots: { position: bigint; at: Snapshot }[] = [];
            let n = 0;
            for (let c = 0; n < intents.length; c++) {
              const chunk = chunks[c % chunks.length];
              for (const i of intents.slice(n, n + chunk.size)) {
                const { status, pendingExtension, isIssue } = await loopOf(h, i.target);
                try {
                  const result = await h.ledger.run(toCommand(i, stepFor(i, status, pendingExtension, isIssue), n));
                  result.events.forEach((e) => covered.add(e.type.replace(/^(task\.share|task|issue)\./, '').replace(/\.v1$/, '')));
                } catch (err) {
                  if (!(err instanceof DomainError)) throw err;
                }
                if (n % 5 === 4) {
                  await targets.run(recordProgress(UNITS[Math.floor(n / 5) % 2 === 0 ? 0 : 2], 2021, 'enterprises', 7 * n, iso(BASE + n * (4 * DAY + HOUR)), `step-${n}`));
                }
                n++;
              }
              if (chunk.settle) await h.settle();
              await h.runner.stop(); // caught up or not: a consistent checkpoint either way
              const query = new FiguresQuery(h.db, { now: () => NOW });
              snapshots.push({ position: query.position(), at: snapshot(query) });
              await h.restart({ runner: { batchSize: chunks[(c + 1) % chunks.length].batchSize } });
            }
            await h.settle();

            const query = new FiguresQuery(h.db, { now: () => NOW });
            const incremental = snapshot(query);
            if (incremental.boards.some((b) => b.groups.some((g) => g.scoredUnits > 1))) scoredSomewhere = true;
            if (incremental.figures.some((f) => f.units.some((u) => (u.targetCompletion ?? 0) > 0 && u.score !== null))) targetScored = true;

            for (const s of snapshots) expect(snapshot(query, { atPosition: s.position })).toEqual(s.at);

            await h.runner.rebuild();
            expect(snapshot(new FiguresQuery(h.db, { now: () => NOW }))).toEqual(incremental);
          } finally {
            await h.close();
          }
        },
      ),
      { numRuns: 25 },
    );
    // the generator really produces the facts the figures are made of
    expect([...covered]).toEqual(
      expect.arrayContaining(['assigned', 'completion_submitted', 'completion_approved', 'completion_rejected', 'reopened', 'extension_granted']),
    );
    expect(scoredSomewhere).toBe(true);
    expect(targetScored).toBe(true);
  });
});
