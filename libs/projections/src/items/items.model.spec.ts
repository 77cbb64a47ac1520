/**
 * Model check: for random command sequences (run through the real deciders;
 * refused commands are dropped, as the application layer would), every row of
 * the read model agrees with the domain's own fold of its stream
 * (evolveTask / evolveIssue), field by field and in its stored loop state,
 * also across a restart of the runner in the middle.
 */
import fc from 'fast-check';
import { DomainError } from '@duban/domain/decider';
import type { IssueCommand } from '@duban/domain/issue';
import { isIssueReported } from '@duban/domain/issue';
import type { TaskCommand, TaskState } from '@duban/domain/task';
import { isTaskRegistered } from '@duban/domain/task';
import type { ClosureLoopState, LoopStatus, LoopStepKind } from '@duban/domain/closure-loop';
import { ALLOWED_FROM } from '@duban/domain/closure-loop';
import { Harness } from '../testing/harness';
import { AIRPORT_ZONE, command, EVIDENCE, NDRC, registerTask, reportIssue, staffOf, supervisor, ZHENGDONG, ZHONGMU } from '../testing/fixtures';
import type { Item } from './item';
import { issueItemKey, taskItemKey } from './item';

const TASK = 'model-task';
const ISSUE = 'model-issue';
const UNITS = [AIRPORT_ZONE, ZHENGDONG, ZHONGMU];
const ISSUE_UNIT = '市城乡建设局';
const BASE = Date.parse('2021-05-01T00:00:00+08:00');
const DAY = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString();

type Step = LoopStepKind;

interface Intent {
  target: number; // 0..2: a share of the task, 3: the issue
  /** Picks one of the steps the domain allows from the target's current status (ALLOWED_FROM). */
  choice: number;
  percent: number;
  withDeadline: boolean;
}

const intent = fc.record({
  target: fc.integer({ min: 0, max: 3 }),
  choice: fc.nat(),
  percent: fc.integer({ min: 0, max: 100 }),
  withDeadline: fc.boolean(),
});

/** Steps the loop allows from `status` (so most generated commands are accepted and the loop really moves). */
function allowedSteps(status: LoopStatus, isIssue: boolean): Step[] {
  return (Object.keys(ALLOWED_FROM) as Step[]).filter((k) => ALLOWED_FROM[k].includes(status) && !(isIssue && k === 'add_note'));
}

function toCommand(i: Intent, step: Step, n: number): TaskCommand | IssueCommand {
  const at = iso(BASE + DAY + n * 3_600_000);
  const assignDeadline = iso(BASE + 200 * DAY);
  const reopenDeadline = iso(BASE + 300 * DAY + n * DAY);
  const requested = iso(BASE + 400 * DAY + n * DAY);
  if (i.target === 3) {
    const ref = { issueId: ISSUE };
    const unit = staffOf(ISSUE_UNIT);
    switch (step) {
      case 'assign':
        return command('AssignIssue', supervisor, at, { ...ref, unitId: ISSUE_UNIT, deadline: assignDeadline });
      case 'acknowledge':
        return command('AcknowledgeIssue', unit, at, ref);
      case 'report_progress':
        return command('ReportIssueProgress', unit, at, { ...ref, percent: i.percent, narrative: '进展' });
      case 'add_note':
        throw new Error('issues have no notes');
      case 'submit_completion':
        return command('SubmitIssueCompletion', unit, at, { ...ref, summary: '已办结', evidence: EVIDENCE });
      case 'approve_completion':
        return command('ApproveIssueCompletion', supervisor, at, ref);
      case 'reject_completion':
        return command('RejectIssueCompletion', supervisor, at, { ...ref, reason: '退回' });
      case 'reopen':
        return command('ReopenIssue', supervisor, at, { ...ref, reason: '复查', ...(i.withDeadline ? { deadline: reopenDeadline } : {}) });
      case 'request_extension':
        return command('RequestIssueExtension', unit, at, { ...ref, requestedDeadline: requested, reason: '延期' });
      case 'grant_extension':
        return command('GrantIssueExtension', supervisor, at, ref);
      case 'refuse_extension':
        return command('RefuseIssueExtension', supervisor, at, { ...ref, reason: '不同意' });
    }
  }
  const unitId = UNITS[i.target];
  const ref = { taskId: TASK, unitId };
  const unit = staffOf(unitId);
  switch (step) {
    case 'assign':
      return command('AssignShare', supervisor, at, { ...ref, ...(i.withDeadline ? { deadline: assignDeadline } : {}) });
    case 'acknowledge':
      return command('AcknowledgeShare', unit, at, ref);
    case 'report_progress':
      return command('ReportShareProgress', unit, at, { ...ref, percent: i.percent, narrative: '进展' });
    case 'add_note':
      return command('AddShareProgressNote', staffOf(NDRC), at, { ...ref, note: '配合单位意见' });
    case 'submit_completion':
      return command('SubmitShareCompletion', unit, at, { ...ref, summary: '已完成', evidence: EVIDENCE });
    case 'approve_completion':
      return command('ApproveShareCompletion', supervisor, at, ref);
    case 'reject_completion':
      return command('RejectShareCompletion', supervisor, at, { ...ref, reason: '退回' });
    case 'reopen':
      return command('ReopenShare', supervisor, at, { ...ref, reason: '复查', ...(i.withDeadline ? { deadline: reopenDeadline } : {}) });
    case 'request_extension':
      return command('RequestShareExtension', unit, at, { ...ref, requestedDeadline: requested, reason: '延期' });
    case 'grant_extension':
      return command('GrantShareExtension', supervisor, at, ref);
    case 'refuse_extension':
      return command('RefuseShareExtension', supervisor, at, { ...ref, reason: '不同意' });
  }
}

function shareStatus(task: TaskState, unitId: string): string {
  return isTaskRegistered(task) ? task.shares[unitId].status : 'none';
}

/** The row's loop fields as the domain state says they must be. */
function expectedFields(loop: ClosureLoopState): Partial<Item> {
  return {
    status: loop.status,
    unitId: loop.unitId,
    deadline: loop.deadline,
    percent: loop.percent,
    progressReports: loop.progressReports,
    notes: loop.notes,
    reworkCount: loop.reworkCount,
    extensionCount: loop.extensionCount,
    reopenCount: loop.reopenCount,
    pendingExtension: loop.pendingExtension !== null,
    requestedDeadline: loop.pendingExtension?.requestedDeadline ?? null,
    submittedByUnit: loop.submission?.byUnit ?? null,
    submittedAt: loop.submission?.at ?? null,
    closedAt: loop.closedAt,
  };
}

describe('items read model agrees with the domain fold', () => {
  it('for random command sequences, with a runner restart in between', async () => {
    const covered = new Set<string>();
    await fc.assert(
      fc.asyncProperty(
        fc.array(intent, { minLength: 20, maxLength: 80 }),
        fc.nat(),
        fc.integer({ min: 1, max: 7 }),
        async (intents, cut, batchSize) => {
          const h = await Harness.open({ runner: { batchSize } });
          try {
            await h.ledger.run(registerTask(TASK, { deadline: iso(BASE + 180 * DAY) }, iso(BASE)));
            await h.ledger.run(reportIssue(ISSUE));
            const restartAt = cut % intents.length;
            let accepted = 0;
            for (const [n, i] of intents.entries()) {
              if (n === restartAt) await h.restart();
              const status =
                i.target === 3 ? (await h.ledger.issueState(ISSUE)).status : shareStatus(await h.ledger.taskState(TASK), UNITS[i.target]);
              const steps = allowedSteps(status as LoopStatus, i.target === 3);
              const c = toCommand(i, steps[i.choice % steps.length], n);
              try {
                const result = await h.ledger.run(c);
                result.events.forEach((e) => covered.add(e.type.replace(/^(task\.share|task|issue)\./, '').replace(/\.v1$/, '')));
                accepted++;
              } catch (err) {
                if (!(err instanceof DomainError)) throw err;
              }
            }
            await h.settle();

            const task = await h.ledger.taskState(TASK);
            const issue = await h.ledger.issueState(ISSUE);
            if (!isTaskRegistered(task) || !isIssueReported(issue)) throw new Error('fixture streams missing');
            const taskVersion = BigInt((await h.store.readStream(`task-${TASK}`)).length - 1);
            const rawLoop = (key: string) =>
              JSON.parse((h.db.prepare('SELECT loop FROM items WHERE key = ?').get(key) as { loop: string }).loop) as unknown;

            for (const unitId of UNITS) {
              const key = taskItemKey(TASK, unitId);
              const shareState = task.shares[unitId];
              expect(h.query.get(key)).toMatchObject({ ...expectedFields(shareState), taskStatus: task.status, streamVersion: taskVersion });
              expect(rawLoop(key)).toEqual(shareState);
            }
            const { issueId: _i, title: _t, description: _d, category: _c, urgency: _u, parkId: _p, reportingUnit: _r, ...issueLoop } = issue;
            expect(h.query.get(issueItemKey(ISSUE))).toMatchObject(expectedFields(issueLoop));
            expect(rawLoop(issueItemKey(ISSUE))).toEqual(issueLoop);
            expect(h.query.list().total).toBe(4);
            return accepted > 0;
          } finally {
            await h.close();
          }
        },
      ),
      { numRuns: 40 },
    );
    // the generator really drives the loops through every kind of fact
    expect([...covered].sort()).toEqual(
      expect.arrayContaining([
        'acknowledged',
        'assigned',
        'completion_approved',
        'completion_rejected',
        'completion_submitted',
        'extension_granted',
        'extension_refused',
        'extension_requested',
        'note_added',
        'progress_reported',
        'reopened',
      ]),
    );
  });
});
