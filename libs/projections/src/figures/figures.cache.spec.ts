/**
 * FiguresQuery keeps what it computed (per period, log position and as-of
 * range) and brings it forward after a commit: it must never serve a stale
 * answer. Checked by hand (a new event, a deadline passing, a fact taking
 * effect later, a rebuild) and as a property: over random command sequences
 * (tasks, issues, targets) and a clock moving through the period, a long-lived
 * query answers exactly as a query without any cache.
 */
import fc from 'fast-check';
import { DomainError } from '@duban/domain/decider';
import type { IssueCommand } from '@duban/domain/issue';
import type { TaskCommand, TaskState } from '@duban/domain/task';
import { isTaskRegistered } from '@duban/domain/task';
import { Harness } from '../testing/harness';
import {
  acknowledgeIssue,
  acknowledgeShare,
  AIRPORT_ZONE,
  approveIssue,
  approveShare,
  assignIssue,
  assignShare,
  grantExtension,
  registerTask,
  rejectShare,
  reopenShare,
  reportIssue,
  reportIssueProgress,
  reportShare,
  requestExtension,
  submitIssue,
  submitShare,
  ZHENGDONG,
  ZHONGMU,
} from '../testing/fixtures';
import { recordProgress, setTarget, TargetLedger } from '../targets/target-ledger';
import { TargetsProjection } from '../targets/targets.projection';
import { FiguresProjection } from './figures.projection';
import type { FiguresRequest } from './figures.query';
import { FiguresQuery } from './figures.query';

const [A, B, C] = [AIRPORT_ZONE, ZHENGDONG, ZHONGMU];
const d = (mmdd: string, time = '10:00:00') => `2021-${mmdd}T${time}+08:00`;
const JUNE = { kind: 'month', year: 2021, index: 6 } as const;

/** A clock the test moves. */
function clock(iso: string) {
  let ms = Date.parse(iso);
  return { now: () => new Date(ms), set: (at: string) => void (ms = Date.parse(at)), advance: (by: number) => void (ms += by) };
}

describe('FiguresQuery cache: never stale', () => {
  let h: Harness;
  afterEach(async () => {
    await h.close();
  });

  const open = async () => {
    h = await Harness.open({ projections: () => [new FiguresProjection(), new TargetsProjection()] });
  };
  const start = (task: string, unit: string, deadline?: string): TaskCommand[] => [
    assignShare(task, unit, d('05-06', '09:00:00'), deadline),
    acknowledgeShare(task, unit, d('05-07', '09:00:00')),
    reportShare(task, unit, d('05-08', '09:00:00'), 10),
  ];

  it('a repeated request between commits is a cache hit; a new event changes the next answer', async () => {
    await open();
    await h.ledger.runAll([registerTask('c1', { responsibleUnits: [A, B], deadline: d('06-30', '23:59:59') }), ...start('c1', A), ...start('c1', B)]);
    await h.ledger.runAll([submitShare('c1', A, d('06-10')), approveShare('c1', A, d('06-12'))]);
    await h.settle();
    const query = new FiguresQuery(h.db, { now: () => new Date('2021-08-01T00:00:00+08:00') });
    const first = query.leaderboard({ period: JUNE });
    expect(first.groups[0]).toMatchObject({ red: [A], black: [B] });
    const transaction = jest.spyOn(h.db, 'transaction');
    expect(query.leaderboard({ period: JUNE })).toEqual(first);
    expect(query.unitFigures({ period: JUNE }).position).toBe(first.position);
    expect(transaction).not.toHaveBeenCalled(); // one SELECT of the checkpoints, then the map
    expect(query.cacheStats()).toMatchObject({ hits: 2, computed: 1, forwarded: 0 });

    // B closes its share on time, back-dated into June: the next answer has it, brought forward from the last one
    await h.ledger.runAll([submitShare('c1', B, d('06-20')), approveShare('c1', B, d('06-21'))]);
    await h.settle();
    const next = query.leaderboard({ period: JUNE });
    expect(next.position).toBeGreaterThan(first.position);
    expect(next.groups[0]).toMatchObject({ listsDrawn: false, red: [], black: [] }); // both perfect: tied
    expect(next.groups[0].entries.slice(0, 2).map((e) => e.score)).toEqual([100, 100]);
    expect(query.cacheStats()).toMatchObject({ computed: 1, forwarded: 1 });
    expect(next).toEqual(new FiguresQuery(h.db, { now: () => new Date('2021-08-01T00:00:00+08:00'), cacheEntries: 0 }).leaderboard({ period: JUNE }));
    // the old answer is still there at its position
    expect(query.leaderboard({ period: JUNE, atPosition: first.position })).toEqual(first);

    // a target set and progress recorded: the next answer has them (targets checkpoint)
    const targets = new TargetLedger(h.store);
    await targets.runAll([setTarget(A, 2021, 'enterprises', 200, d('05-07')), recordProgress(A, 2021, 'enterprises', 50, d('06-20'))]);
    await h.settle();
    const withTargets = query.leaderboard({ period: JUNE });
    // A: 85 + 15 × 50/100 = 92.5; B has no target: 100
    expect(withTargets.groups[0].entries.slice(0, 2).map((e) => [e.unitId, e.score, e.targetCompletion])).toEqual([
      [B, 100, null],
      [A, 92.5, 0.5],
    ]);
  });

  it('no event, but time passes: a deadline passing and facts taking effect change the answer for a period still running', async () => {
    await open();
    await h.ledger.runAll([
      registerTask('c2', { responsibleUnits: [A, B, C], deadline: d('06-15', '18:00:00') }),
      ...start('c2', A),
      ...start('c2', B),
      // C's share is assigned ahead of its effective time (交办 on 06-16, due 06-18): it counts from then on
      assignShare('c2', C, d('06-16'), d('06-18', '18:00:00')),
    ]);
    // A's completion is recorded ahead of its effective time too (approved 06-20)
    await h.ledger.runAll([submitShare('c2', A, d('06-14')), approveShare('c2', A, d('06-20'))]);
    await h.settle();
    const t = clock(d('06-14', '12:00:00'));
    const query = new FiguresQuery(h.db, { now: t.now });
    const fresh = () => new FiguresQuery(h.db, { now: t.now, cacheEntries: 0 }).unitFigures({ period: JUNE });
    const of = (unitId: string) => query.unitFigures({ period: JUNE }).units.find((u) => u.unitId === unitId)!;

    expect(of(B)).toMatchObject({ due: 1, notYetDue: 1, assessed: 0, overdue: 0, score: null });
    t.set(d('06-15', '17:59:59')); // still before the deadline: the same answer, from the cache
    expect(of(B)).toMatchObject({ notYetDue: 1, score: null });
    expect(query.cacheStats().hits).toBeGreaterThan(0);
    t.set(d('06-15', '18:00:00')); // at the deadline: not yet late
    expect(of(B)).toMatchObject({ notYetDue: 1 });
    t.advance(1); // a millisecond later: overdue
    expect(of(B)).toMatchObject({ notYetDue: 0, assessed: 1, overdue: 1 });
    expect(of(C)).toMatchObject({ due: 0 });
    expect(query.unitFigures({ period: JUNE })).toEqual(fresh());

    t.set(d('06-16', '12:00:00')); // C's assignment has taken effect
    expect(of(C)).toMatchObject({ due: 1, notYetDue: 1 });
    t.set(d('06-19', '12:00:00'));
    expect(of(C)).toMatchObject({ due: 1, overdue: 1 });
    expect(query.unitFigures({ period: JUNE })).toEqual(fresh());

    // A: submitted on time but approved only on 06-20: until then it is open and (after 18:00 on 06-15) overdue
    expect(of(A)).toMatchObject({ closed: 0, overdue: 1 });
    t.set(d('06-20', '10:00:00'));
    expect(of(A)).toMatchObject({ closed: 1, closedOnTime: 0, overdue: 0, closedInPeriod: 1 });
    expect(query.unitFigures({ period: JUNE })).toEqual(fresh());
  });

  it('a rebuild of the read model is another build: answers stay right', async () => {
    await open();
    await h.ledger.runAll([registerTask('c3', { responsibleUnits: [A, B], deadline: d('06-30', '23:59:59') }), ...start('c3', A), ...start('c3', B)]);
    await h.ledger.runAll([submitShare('c3', A, d('06-10')), approveShare('c3', A, d('06-12'))]);
    await h.settle();
    const query = new FiguresQuery(h.db, { now: () => new Date('2021-08-01T00:00:00+08:00') });
    const before = query.leaderboard({ period: JUNE });
    await h.runner.rebuild('figures');
    expect(query.leaderboard({ period: JUNE })).toEqual(before);
    expect(query.cacheStats().computed).toBe(2);
  });
});

// ------------------------------------------------------------------ property

const UNITS = [A, B, C];
const TASKS = [
  { taskId: 'p1', deadline: d('06-10', '18:00:00') },
  { taskId: 'p2', deadline: d('06-20', '23:59:59') },
  { taskId: 'p3', deadline: d('06-30', '23:59:59') },
];
const SHARES = TASKS.length * UNITS.length;
const ISSUE = 'p-issue';
const BASE = Date.parse(d('05-20', '09:00:00'));
const HOUR = 3_600_000;

interface Intent {
  /** 0…SHARES−1: a share; SHARES: the issue; SHARES+1: a target progress record */
  target: number;
  choice: number;
}
const intent = fc.record({ target: fc.integer({ min: 0, max: SHARES + 1 }), choice: fc.nat({ max: 11 }) });

function shareCommand(taskId: string, unitId: string, status: string, pending: boolean, choice: number, at: string): TaskCommand | null {
  if (pending) return grantExtension(taskId, unitId, at);
  switch (status) {
    case 'registered':
      return assignShare(taskId, unitId, at);
    case 'assigned':
      return acknowledgeShare(taskId, unitId, at);
    case 'acknowledged':
      return reportShare(taskId, unitId, at, 30);
    case 'in_progress':
      return choice % 4 === 0 ? requestExtension(taskId, unitId, at, d('07-10', '23:59:59')) : submitShare(taskId, unitId, at);
    case 'submitted':
      return choice % 3 === 0 ? rejectShare(taskId, unitId, at) : approveShare(taskId, unitId, at);
    case 'closed':
      return choice % 2 === 0 ? reopenShare(taskId, unitId, at, choice % 4 === 0 ? d('07-05', '23:59:59') : undefined) : null;
    default:
      return null;
  }
}

describe('FiguresQuery cache: property', () => {
  it('a long-lived query answers as one without a cache, whatever was appended and whatever the time', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(intent, { minLength: 20, maxLength: 60 }),
        fc.array(fc.record({ size: fc.integer({ min: 1, max: 8 }), hours: fc.integer({ min: 0, max: 60 }) }), { minLength: 1, maxLength: 6 }),
        async (intents, chunks) => {
          const h = await Harness.open({ projections: () => [new FiguresProjection(), new TargetsProjection()], runner: { batchSize: 3 } });
          try {
            const targets = new TargetLedger(h.store);
            for (const { taskId, deadline } of TASKS) await h.ledger.run(registerTask(taskId, { responsibleUnits: UNITS, deadline }, d('05-01')));
            await h.ledger.runAll([reportIssue(ISSUE), assignIssue(ISSUE, A, d('05-02'), d('06-05', '18:00:00'))] as IssueCommand[]);
            await targets.runAll([setTarget(A, 2021, 'enterprises', 200, d('05-07')), setTarget(B, 2021, 'enterprises', 200, d('06-10'))]);
            await h.settle();

            const t = clock(d('06-01', '08:00:00'));
            const cached = new FiguresQuery(h.db, { now: t.now });
            const requests = (): FiguresRequest[] => [
              { period: JUNE },
              { period: JUNE, rule: 'duban-score-v1' },
              { period: { kind: 'quarter', year: 2021, index: 2 } },
              { period: { kind: 'year', year: 2021 } },
              { period: JUNE, asOf: d('06-12', '12:00:00') },
              ...(t.now().getTime() >= Date.parse(d('07-01', '00:00:00')) ? [{ period: { kind: 'month', year: 2021, index: 7 } } as const] : []),
            ];
            const check = () => {
              const fresh = new FiguresQuery(h.db, { now: t.now, cacheEntries: 0 });
              for (const r of requests()) {
                expect(cached.leaderboard(r)).toEqual(fresh.leaderboard(r));
                expect(cached.unitFigures(r)).toEqual(fresh.unitFigures(r));
              }
            };
            check();
            let n = 0;
            for (let c = 0; n < intents.length; c++) {
              const chunk = chunks[c % chunks.length];
              for (const i of intents.slice(n, n + chunk.size)) {
                const at = new Date(BASE + n * 13 * HOUR).toISOString();
                try {
                  if (i.target < SHARES) {
                    const { taskId } = TASKS[Math.floor(i.target / UNITS.length)];
                    const unitId = UNITS[i.target % UNITS.length];
                    const task: TaskState = await h.ledger.taskState(taskId);
                    if (!isTaskRegistered(task)) throw new Error('fixture task missing');
                    const share = task.shares[unitId];
                    const cmd = shareCommand(taskId, unitId, share.status, share.pendingExtension !== null, i.choice, at);
                    if (cmd) await h.ledger.run(cmd);
                  } else if (i.target === SHARES) {
                    const status = ((await h.ledger.issueState(ISSUE)) as { status: string }).status;
                    const cmd: IssueCommand | null =
                      status === 'assigned'
                        ? acknowledgeIssue(ISSUE, A, at)
                        : status === 'acknowledged'
                          ? reportIssueProgress(ISSUE, A, at, 50)
                          : status === 'in_progress'
                            ? submitIssue(ISSUE, A, at)
                            : status === 'submitted'
                              ? approveIssue(ISSUE, at)
                              : null;
                    if (cmd) await h.ledger.run(cmd);
                  } else {
                    const unit = i.choice % 2 === 0 ? A : B;
                    await targets.run(recordProgress(unit, 2021, 'enterprises', 20 * i.choice, at, `r${n}`));
                  }
                } catch (err) {
                  if (!(err instanceof DomainError)) throw err;
                }
                n++;
              }
              await h.settle();
              check();
              t.advance(chunk.hours * HOUR); // time passes with nothing new recorded
              check();
            }
            expect(cached.cacheStats().hits + cached.cacheStats().forwarded).toBeGreaterThan(0);
          } finally {
            await h.close();
          }
        },
      ),
      { numRuns: 15 },
    );
  }, 120_000);
});
