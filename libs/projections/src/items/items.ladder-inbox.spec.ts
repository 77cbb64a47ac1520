/**
 * The ladder in the inboxes: the unit's shows the 催办通知 of an urged item;
 * the office's lists open items the ladder escalated (督办 → needs
 * 'supervise') or listed (通报批评 → needs 'criticise'), through its index.
 * The steps are recorded as the processor records them: dueLadderSteps over
 * the folded loop, by LADDER_ACTOR.
 */
import { officialCalendar } from '@duban/domain/calendar';
import type { ClosureLoopState } from '@duban/domain/closure-loop';
import type { LadderStepName } from '@duban/domain/ladder';
import { DUBAN_LADDER_V1, dueLadderSteps, LADDER_ACTOR, ladderStateOf } from '@duban/domain/ladder';
import type { TaskCommand } from '@duban/domain/task';
import { Harness } from '../testing/harness';
import { registerTask, rejectShare, reportShare, shareInProgress, submitShare, ZHONGMU } from '../testing/fixtures';
import { taskItemKey } from './item';

const T = 'zzb-2021-34-3-1';
const KEY = taskItemKey(T, ZHONGMU);
const DEADLINE = '2021-07-30T23:59:59+08:00'; // a Friday

describe('the ladder in the inboxes', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await Harness.open();
    await h.ledger.runAll([registerTask(T), ...shareInProgress(T, ZHONGMU, DEADLINE)]);
    await h.settle();
  });
  afterAll(async () => {
    await h.close();
  });

  /** Records every step due at `now` on the share, as the processor would; returns the steps written. */
  async function clock(now: string): Promise<LadderStepName[]> {
    const { loop } = h.db.prepare('SELECT loop FROM items WHERE key = ?').get(KEY) as { loop: string };
    const due = dueLadderSteps(ladderStateOf(JSON.parse(loop) as ClosureLoopState), DUBAN_LADDER_V1, officialCalendar, now);
    for (const d of due) {
      const command = { type: 'RecordShareLadderStep', actor: LADDER_ACTOR, at: d.at, data: { taskId: T, unitId: ZHONGMU, ...d } } as TaskCommand;
      await h.ledger.runAll([command]);
    }
    await h.settle();
    return due.map((d) => d.step);
  }

  const office = (at: string, needs?: Parameters<Harness['query']['supervisorInbox']>[1]) =>
    h.query.supervisorInbox(at, needs).rows.filter((e) => e.item.key === KEY).map((e) => e.needs);

  it('the unit sees the 催办通知 once urged; the office sees nothing of a merely overdue item', async () => {
    expect(h.query.inbox(ZHONGMU, '2021-07-20T09:00:00+08:00').rows[0].notice).toBeNull();
    expect(await clock('2021-07-31T10:00:00+08:00')).toEqual(['reminder', 'urge']);
    const [entry] = h.query.inbox(ZHONGMU, '2021-08-02T09:00:00+08:00').rows;
    expect(entry.item.key).toBe(KEY);
    expect(entry.notice).toMatch(/^催办通知\n中牟县：\n你单位承办的郑政办〔2021〕34号（三\/1）“全年新开工20个以上小微企业园”事项，办理时限为2021年7月30日23:59（北京时间）/);
    expect(entry.notice).toBe(entry.item.ladder.taken.find((t) => t.step === 'urge')!.notice);
    expect(office('2021-08-02T09:00:00+08:00')).toEqual([]);
  });

  it("督办 puts the open item in the office's inbox (supervise), 通报批评 turns it into criticise", async () => {
    expect(await clock('2021-08-06T10:00:00+08:00')).toEqual(['escalation']); // the 5th working day after 30 July
    expect(office('2021-08-06T10:00:00+08:00')).toEqual([['supervise']]);
    expect(office('2021-08-06T10:00:00+08:00', { needs: ['supervise'] })).toEqual([['supervise']]);
    expect(office('2021-08-06T10:00:00+08:00', { needs: ['criticise', 'assign'] })).toEqual([]);

    expect(await clock('2021-08-13T10:00:00+08:00')).toEqual(['listing']); // the 10th
    expect(office('2021-08-13T10:00:00+08:00')).toEqual([['criticise']]);
    expect(office('2021-08-13T10:00:00+08:00', { needs: ['supervise'] })).toEqual([]);
    // the unit keeps its notice and its own work
    expect(h.query.inbox(ZHONGMU, '2021-08-13T10:00:00+08:00').rows[0]).toMatchObject({ needs: ['report_progress', 'submit_completion'], overdue: true });
  });

  it('a submission moves it to verify_completion (the clock stands); a rejection brings the listing back', async () => {
    await h.ledger.runAll([reportShare(T, ZHONGMU, '2021-08-16T10:00:00+08:00', 100), submitShare(T, ZHONGMU, '2021-08-16T16:00:00+08:00')]);
    await h.settle();
    expect(office('2021-08-17T09:00:00+08:00')).toEqual([['verify_completion']]);
    await h.ledger.runAll([rejectShare(T, ZHONGMU, '2021-08-18T10:00:00+08:00')]);
    await h.settle();
    expect(office('2021-08-18T11:00:00+08:00')).toEqual([['criticise']]);
  });

  it("walks the office inbox's partial index (no sort) with every kind of work", () => {
    const sql = (h.query as unknown as { statements: Map<string, unknown> }).statements;
    const inboxSql = [...sql.keys()].find((s) => s.startsWith("SELECT * FROM items WHERE (status IN ('registered', 'reported', 'submitted') OR pending_extension = 1 OR (ladder_step IN ('escalation', 'listing')"))!;
    expect(inboxSql).toBeDefined();
    const plan = h.db.prepare(`EXPLAIN QUERY PLAN ${inboxSql}`).all({ limit: 50, offset: 0 }) as { detail: string }[];
    expect(plan.map((p) => p.detail).join('\n')).toMatch(/USING INDEX items_office_inbox/);
    expect(plan.map((p) => p.detail).join('\n')).not.toMatch(/TEMP B-TREE/);
  });
});
