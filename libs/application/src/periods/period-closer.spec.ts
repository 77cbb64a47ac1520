/**
 * Closing periods over a real store and real read models (items, figures):
 * a year of synthetic activity closes 12 months, 4 quarters, 2 halves and the
 * year via closeDuePeriods; closing again unchanged writes nothing; a
 * back-dated fact shows the period "changed since close" and a supervisor's
 * re-close writes revision 2; an item listed for criticism (通报批评) puts its
 * unit on the black list.
 */
import type { Actor } from '@duban/domain/decider';
import { RoleNotPermitted } from '@duban/domain/decider';
import { officialCalendar } from '@duban/domain/calendar';
import { DUBAN_LADDER_V1, LADDER_ACTOR, dueLadderSteps, ladderStateOf } from '@duban/domain/ladder';
import type { PeriodClosedData } from '@duban/domain/period';
import { PeriodAlreadyClosed, PeriodNotEnded } from '@duban/domain/period';
import type { RegisteredTask, TaskCommand } from '@duban/domain/task';
import { FiguresProjection, FiguresQuery, ItemsProjection } from '@duban/projections';
import { Harness } from '@duban/projections/testing';
import {
  acknowledgeShare,
  AIRPORT_ZONE,
  approveShare,
  assignShare,
  registerTask,
  reportShare,
  submitShare,
  supervisor,
  ZHENGDONG,
  ZHONGMU,
} from '@duban/projections/testing/fixtures';
import { CommandExecutor } from '../command-executor';
import { PeriodCommandHandler } from './handlers';
import { ExecutePeriodCommand, periodStream } from './messages';
import { duePeriods, PeriodCloser } from './period-closer';

const A = AIRPORT_ZONE; // 开发区: on time every month → red
const B = ZHENGDONG; // 开发区: never submits → black (last place), with its overdue item
const C = ZHONGMU; // 县市: alone in its group (no ranked lists); its March item reaches 通报批评
const mm = (m: number) => String(m).padStart(2, '0');
const task = (m: number) => `syn-2021-${mm(m)}`;

let h: Harness;
let closer: PeriodCloser;
let clock = new Date('2022-01-02T09:00:00+08:00');

async function month(m: number): Promise<void> {
  const t = task(m);
  const day = (d: number, time = '10:00:00') => `2021-${mm(m)}-${String(d).padStart(2, '0')}T${time}+08:00`;
  await h.ledger.runAll([
    registerTask(t, { itemPath: `一/${m}`, title: `第${m}月重点任务`, responsibleUnits: [A, B, C], deadline: day(20, '18:00:00') }, day(1, '08:00:00')),
    ...[A, B, C].flatMap((u) => [assignShare(t, u, day(2, '09:00:00')), acknowledgeShare(t, u, day(3)), reportShare(t, u, day(4), 30)]),
    submitShare(t, A, day(10)),
    approveShare(t, A, day(11)),
    submitShare(t, C, day(12)),
    approveShare(t, C, day(13)),
  ] as TaskCommand[]);
}

beforeAll(async () => {
  h = await Harness.open({ projections: () => [new ItemsProjection(), new FiguresProjection()] });
  for (let m = 1; m <= 12; m++) if (m !== 3) await month(m);
  // March: C never submits; the ladder runs up to 通报批评 within March
  const t = task(3);
  await h.ledger.runAll([
    registerTask(t, { itemPath: '一/3', title: '第3月重点任务', responsibleUnits: [A, B, C], deadline: '2021-03-05T18:00:00+08:00' }, '2021-03-01T08:00:00+08:00'),
    ...[A, B, C].flatMap((u) => [assignShare(t, u, '2021-03-02T09:00:00+08:00'), acknowledgeShare(t, u, '2021-03-02T10:00:00+08:00')]),
    reportShare(t, A, '2021-03-02T11:00:00+08:00', 50),
    submitShare(t, A, '2021-03-03T10:00:00+08:00'),
    approveShare(t, A, '2021-03-04T10:00:00+08:00'),
  ] as TaskCommand[]);
  const share = ((await h.ledger.taskState(t)) as RegisteredTask).shares[C];
  const steps = dueLadderSteps(ladderStateOf(share), DUBAN_LADDER_V1, officialCalendar, '2021-03-31T12:00:00+08:00');
  expect(steps.map((s) => s.step)).toContain('listing');
  for (const s of steps) await h.ledger.run({ type: 'RecordShareLadderStep', actor: LADDER_ACTOR, at: s.at, data: { taskId: t, unitId: C, ...s } } as TaskCommand);
  await h.settle();

  const executor = new CommandExecutor(h.store); // the process's one executor (the api's comes from ApplicationModule)
  const handler = new PeriodCommandHandler(executor);
  closer = new PeriodCloser({
    store: h.store,
    send: (command, envelope) => handler.execute(new ExecutePeriodCommand(command, envelope)),
    figures: new FiguresQuery(h.db),
    items: h.query,
    runner: h.runner,
    db: h.db,
    calendar: officialCalendar,
    now: () => clock,
    waitMs: 5000,
  });
}, 60_000);

afterAll(() => h.close());

const periodEvents = async (id: string) => h.store.readStream(periodStream(id));

describe('closeDuePeriods: the catch-up', () => {
  it('orders the due periods by end: months, then the quarter, half and year ending with them', () => {
    const ids = duePeriods(Date.parse('2021-01-02T09:00:00+08:00'), Date.parse('2022-01-02T09:00:00+08:00')).map((p) =>
      p.kind === 'month' ? `M${p.index}` : p.kind === 'quarter' ? `Q${p.index}` : p.kind === 'half' ? `H${p.index}` : 'Y',
    );
    expect(ids).toEqual(['M1', 'M2', 'M3', 'Q1', 'M4', 'M5', 'M6', 'Q2', 'H1', 'M7', 'M8', 'M9', 'Q3', 'M10', 'M11', 'M12', 'Q4', 'H2', 'Y']);
  });

  it('a year of activity closes 12 months, 4 quarters, 2 halves and the year, once each', async () => {
    const closed = await closer.closeDuePeriods(clock);
    expect(closed.map((c) => c.periodId)).toEqual(
      ['01', '02', '03', 'Q1', '04', '05', '06', 'Q2', 'H1', '07', '08', '09', 'Q3', '10', '11', '12', 'Q4', 'H2', ''].map((s) => (s ? `2021-${s}` : '2021')),
    );
    expect(closed.every((c) => c.events.join() === 'period.closed.v1' && c.revision === 1)).toBe(true);
    expect(await closer.closeDuePeriods(clock)).toEqual([]); // all closed: nothing more
  }, 60_000);

  it('the close records figures, ranks, lists, rules, the position and the head hash there', async () => {
    const [event] = await periodEvents('2021-05');
    const data = event.data as PeriodClosedData;
    expect(data.period).toMatchObject({ id: '2021-05', label: '2021年5月', end: '2021-06-01T00:00:00+08:00' });
    expect(data.rule.name).toBe('duban-score-v2');
    expect(data.listRule.name).toBe('duban-lists-v1');
    const zone = data.groups.find((g) => g.group === '开发区')!;
    expect(zone).toMatchObject({ red: [A], black: [B], listsDrawn: true });
    expect(data.units.find((u) => u.unitId === B)).toMatchObject({ rank: 2, black: true, figures: expect.objectContaining({ overdue: 1, due: 1 }) });
    const black = data.black.find((b) => b.unitId === B)!;
    expect(black.reasons).toEqual(['rank']);
    // May's item and the ones carried over from January to April (they weigh on the score as overdueCarried)
    expect(black.items.map((i) => i.key)).toEqual([1, 2, 3, 4, 5].map((m) => `task:${task(m)}:${B}`));
    expect(black.items[4]).toEqual({
      key: `task:${task(5)}:${B}`,
      unitId: B,
      docNumber: '郑政办〔2021〕34号',
      itemPath: '一/5',
      title: '第5月重点任务',
      deadline: '2021-05-20T18:00:00+08:00',
      workingDaysOverdue: 7, // 21, 24–28, 31 May
      ladderStep: null,
    });
    // the anchor: the log's running hash at that position, as `duban verify --anchor` checks it
    const report = await h.store.verify({ anchorAt: BigInt(data.position) });
    expect(report.anchor).toEqual({ position: BigInt(data.position), hash: data.headHash });
  });

  it('an item that reached 通报批评 in the period puts its unit on the black list with the item', async () => {
    const data = (await periodEvents('2021-03'))[0].data as PeriodClosedData;
    const entry = data.black.find((b) => b.unitId === C)!;
    expect(entry.reasons).toEqual(['listed_for_criticism']);
    expect(entry.items).toEqual([expect.objectContaining({ key: `task:${task(3)}:${C}`, ladderStep: 'listing' })]);
    expect(data.groups.find((g) => g.group === '县市')).toMatchObject({ listsDrawn: false, red: [], black: [C] });
    // not in April: the listing took effect in March
    expect(((await periodEvents('2021-04'))[0].data as PeriodClosedData).black.some((b) => b.unitId === C)).toBe(false);
  });
});

describe('closing by hand, late facts and re-closing', () => {
  const staff: Actor = { userId: 'staff', unitId: B, role: 'unit' };

  it('closing again with nothing changed writes nothing', async () => {
    const before = (await periodEvents('2021-05')).length;
    expect((await closer.close('2021-05', supervisor)).events).toEqual([]);
    expect((await closer.close('2021-05', { ...supervisor, role: 'system' })).events).toEqual([]);
    expect(await periodEvents('2021-05')).toHaveLength(before);
    expect((await closer.view('2021-05')).status).toBe('closed');
  });

  it('refuses a period not yet ended (naming its end) and a unit', async () => {
    await expect(closer.close('2022-01', supervisor)).rejects.toThrow(PeriodNotEnded);
    await expect(closer.close('2022-01', supervisor)).rejects.toMatchObject({ end: '2022-02-01T00:00:00+08:00' });
    await expect(closer.close('2021-06', staff)).rejects.toThrow(RoleNotPermitted);
  });

  it('a back-dated fact: changed since close (per unit), the system may not re-close, a supervisor writes revision 2', async () => {
    // recorded now, effective in May: B's May item was in fact submitted and approved on time
    await h.ledger.runAll([submitShare(task(5), B, '2021-05-14T10:00:00+08:00'), approveShare(task(5), B, '2021-05-15T10:00:00+08:00')] as TaskCommand[]);
    await h.settle();
    const view = await closer.view('2021-05');
    expect(view.status).toBe('changed-since-close');
    const change = view.changedSinceClose!.changes.find((c) => c.unitId === B)!;
    expect(change.figures.overdue).toEqual({ from: 1, to: 0, by: -1 });
    expect(change.score.to!).toBeGreaterThan(change.score.from!);
    expect(view.close!.revision).toBe(1); // nothing closed is rewritten

    await expect(closer.close('2021-05', { ...supervisor, role: 'system' })).rejects.toThrow(PeriodAlreadyClosed);
    const reclosed = await closer.close('2021-05', supervisor);
    expect(reclosed).toMatchObject({ events: ['period.reclosed.v1'], revision: 2 });
    const after = await closer.view('2021-05');
    expect(after.status).toBe('closed');
    expect(after.revisions.map((r) => r.revision)).toEqual([1, 2]);
    expect((await closer.list(2021, 'quarter')).map((p) => p.status)).toEqual(['closed', 'changed-since-close', 'changed-since-close', 'changed-since-close']); // later quarters carried May's item as overdue
  });

  it('what-if: the close under another scoring rule writes nothing', async () => {
    const before = (await periodEvents('2021-06')).length;
    const v1 = await closer.whatIf('2021-06', 'duban-score-v1');
    expect(v1.rule.name).toBe('duban-score-v1');
    expect(v1.units.find((u) => u.unitId === A)!.score).toBe(85); // v1 leaves the 15 target points out
    expect(await periodEvents('2021-06')).toHaveLength(before);
  });
});
