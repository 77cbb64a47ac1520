/**
 * LedgerQuery: the ledger as of a position (exact to the event), as recorded
 * at an instant, and as in effect at an instant (with back-filled events);
 * filters, paging, the consistent scan, and the view computed at the ledger's
 * instant.
 */
import { ItemsProjection } from '../items/items.projection';
import { issueItemKey, taskItemKey } from '../items/item';
import { Harness } from '../testing/harness';
import {
  acknowledgeShare,
  AIRPORT_ZONE,
  assignIssue,
  assignShare,
  command,
  DOC_34,
  HRSS,
  registerTask,
  reportIssue,
  reportShare,
  requestExtension,
  staffOf,
  ZHENGDONG,
  ZHONGMU,
} from '../testing/fixtures';
import type { IssueCommand } from '@duban/domain/issue';
import type { TaskCommand } from '@duban/domain/task';
import { LedgerProjection } from './ledger.projection';
import { InvalidLedgerQueryError, LedgerQuery } from './ledger.query';
import { DUBAN_LADDER_V1, validateLadderRule } from '@duban/domain/ladder';
import type { LedgerSnapshot } from './ledger-row';

type Cmd = TaskCommand | IssueCommand;
const T = 'zzb-2021-34-3-1';
const T2 = 'zzb-2021-34-4-2';
const key = (unit: string, task = T) => taskItemKey(task, unit);
const byKey = (s: LedgerSnapshot) => new Map(s.rows.map((r) => [r.item.key, r]));

describe('LedgerQuery (time travel)', () => {
  let h: Harness;
  let ledger: LedgerQuery;
  /** position of each named step */
  const at: Record<string, bigint> = {};

  const run = async (name: string, c: Cmd, recordedAt: string) => {
    h.clock.set(recordedAt);
    at[name] = (await h.ledger.run(c)).position;
  };

  beforeEach(async () => {
    h = await Harness.open({ manualClock: true, projections: () => [new ItemsProjection(), new LedgerProjection()] });
    ledger = new LedgerQuery(h.db);
    // 2021-04-30 the task is registered; 2021-05-06 中牟县's share assigned, due 2021-06-25 (a Friday)
    await run('register', registerTask(T), '2021-04-30T02:00:00Z');
    await run('assign', assignShare(T, ZHONGMU, '2021-05-06T09:00:00+08:00', '2021-06-25T23:59:59+08:00'), '2021-05-06T01:00:05Z');
    await run('ack', acknowledgeShare(T, ZHONGMU, '2021-05-07T09:30:00+08:00'), '2021-05-07T01:30:05Z');
    await run('report', reportShare(T, ZHONGMU, '2021-05-20T17:00:00+08:00', 40), '2021-05-20T09:00:05Z');
    // 2021-06-01 a paper record is back-filled: an issue reported on 2021-03-01 and assigned on 03-02, due 03-31
    await run('issue', { ...reportIssue('wt-1'), at: '2021-03-01T09:00:00+08:00' }, '2021-06-01T02:00:00Z');
    await run('issueAssign', assignIssue('wt-1', ZHONGMU, '2021-03-02T09:00:00+08:00', '2021-03-31T23:59:59+08:00'), '2021-06-01T02:00:01Z');
    // 2021-06-10 a second task, for 郑东新区 only
    await run('register2', registerTask(T2, { itemPath: '四/2', title: '完善园区配套', responsibleUnits: [ZHENGDONG], deadline: '2021-09-30T23:59:59+08:00' }, '2021-06-10T09:00:00+08:00'), '2021-06-10T01:00:00Z');
    await h.settle();
  });
  afterEach(async () => {
    await h.close();
  });

  describe('position axis: exact to the event', () => {
    it('shows each item as it stood after the event at P, and nothing registered after P', () => {
      const before = byKey(ledger.asOf({ position: at.assign - 1n }));
      expect(before.get(key(ZHONGMU))?.item.status).toBe('registered');
      const assigned = ledger.asOf({ position: at.assign });
      expect(assigned).toMatchObject({ axis: 'position', position: at.assign, instant: '2021-05-06T01:00:05.000Z', incomplete: false, total: 3 });
      const rows = byKey(assigned);
      expect(rows.get(key(ZHONGMU))?.item).toMatchObject({ status: 'assigned', deadline: '2021-06-25T23:59:59+08:00', validFromPosition: at.assign });
      expect(rows.get(key(AIRPORT_ZONE))?.item.status).toBe('registered');
      expect(rows.has(issueItemKey('wt-1'))).toBe(false);
      expect(ledger.asOf({ position: 0n }).total).toBe(0);
    });

    it('says when P lies beyond what the read model has applied', () => {
      const beyond = ledger.asOf({ position: at.register2 + 5n });
      expect(beyond.incomplete).toBe(true);
      expect(beyond.readModel.position).toBe(at.register2);
    });
  });

  describe('recorded axis: what the system knew at an instant', () => {
    it('maps the instant to the last position recorded at or before it', () => {
      const s = ledger.asOf({ recordedAt: '2021-05-31T18:00:00+08:00' });
      expect(s).toMatchObject({ axis: 'recorded', position: at.report, instant: '2021-05-31T10:00:00.000Z', total: 3 });
      // the back-filled issue was only recorded on 06-01
      expect(byKey(s).has(issueItemKey('wt-1'))).toBe(false);
      expect(ledger.asOf({ recordedAt: '2021-06-01T10:00:00+08:00' }).position).toBe(at.issue);
      expect(ledger.asOf({ recordedAt: '2021-06-01T10:00:00.500+08:00' }).position).toBe(at.issue);
      expect(byKey(ledger.asOf({ recordedAt: '2021-06-01T10:00:00.500+08:00' })).get(issueItemKey('wt-1'))?.item.status).toBe('reported');
      expect(ledger.asOf({ recordedAt: '2021-06-01T10:00:01+08:00' }).position).toBe(at.issueAssign);
      expect(ledger.asOf({ recordedAt: '2021-06-01T10:00:01+08:00' }).total).toBe(4);
      expect(ledger.asOf({ recordedAt: '2021-04-01T00:00:00+08:00' })).toMatchObject({ position: 0n, total: 0 });
    });

    it('computes the view at that instant: the share due Fri 06-25 is yellow on Tue 06-22, red on 06-28, black on 07-09', () => {
      const view = (instant: string) => byKey(ledger.asOf({ recordedAt: instant })).get(key(ZHONGMU))!.view;
      expect(view('2021-06-21T18:00:00+08:00')).toMatchObject({ colour: 'green', workingDaysLeft: 4 });
      expect(view('2021-06-22T18:00:00+08:00')).toMatchObject({ colour: 'yellow', workingDaysLeft: 3, statusText: '推进中，临期(剩3个工作日)' });
      expect(view('2021-06-28T18:00:00+08:00')).toMatchObject({ colour: 'red', workingDaysOverdue: 1 });
      expect(view('2021-07-09T18:00:00+08:00')).toMatchObject({ colour: 'black', workingDaysOverdue: 10, step: 'listed' });
      // and the thresholds are the ladder rule's (the ledger's deps: the rule the clock writes the steps by)
      const strict = new LedgerQuery(h.db, { rule: validateLadderRule({ ...DUBAN_LADDER_V1, id: 'strict', thresholds: { yellowWithin: 5, escalateAt: 5, blackAt: 10 } }) });
      expect(byKey(strict.asOf({ recordedAt: '2021-06-21T18:00:00+08:00' })).get(key(ZHONGMU))!.view.colour).toBe('yellow');
    });
  });

  describe('effective axis: what was in effect at an instant', () => {
    it('shows the back-filled issue as assigned in March although it was recorded in June; the task did not exist yet', () => {
      const march = ledger.asOf({ effectiveAt: '2021-03-10T12:00:00+08:00' });
      expect(march).toMatchObject({ axis: 'effective', effectiveAt: '2021-03-10T04:00:00.000Z', position: at.register2, total: 1 });
      expect(march.rows[0].item).toMatchObject({ key: issueItemKey('wt-1'), status: 'assigned', unitId: ZHONGMU });
      expect(march.rows[0].view).toMatchObject({ workingDaysLeft: 15, colour: 'green' });
      const may = byKey(ledger.asOf({ effectiveAt: '2021-05-06T12:00:00+08:00' }));
      expect(may.get(key(ZHONGMU))?.item.status).toBe('assigned');
      expect(may.get(issueItemKey('wt-1'))?.view).toMatchObject({ colour: 'black', workingDaysOverdue: 23 });
      expect(may.has(key(ZHENGDONG, T2))).toBe(false);
    });

    it('the documented limit: a version back-filled to before a later-effective event still carries that event', async () => {
      // recorded 06-02: an extension request said to have been made on 05-10 — after the 05-20 report in the log
      h.clock.set('2021-06-02T01:00:00Z');
      await h.ledger.run({ ...requestExtension(T, ZHONGMU, '2021-05-10T09:00:00+08:00', '2021-07-31T23:59:59+08:00') });
      await h.settle();
      const row = byKey(ledger.asOf({ effectiveAt: '2021-05-15T12:00:00+08:00' })).get(key(ZHONGMU))!.item;
      // effective 05-15: the latest version that took effect by then is the back-filled one (occurred 05-10) …
      expect(row).toMatchObject({ lastEventType: 'task.share.extension_requested.v1', pendingExtension: true });
      // … and it was folded after the 05-20 report, so it already shows the report's 40 %
      expect(row).toMatchObject({ status: 'in_progress', percent: 40, narrative: '完成40%' });
    });
  });

  describe('filters, paging and the scan', () => {
    it('filters by unit, group, document, status, kind and what a unit may see', () => {
      const now = { recordedAt: '2021-06-30T18:00:00+08:00' };
      const keys = (o: Parameters<LedgerQuery['asOf']>[1]) => ledger.asOf(now, o).rows.map((r) => r.item.key);
      expect(keys({ unitId: ZHONGMU })).toEqual([key(ZHONGMU), issueItemKey('wt-1')]);
      expect(keys({ group: '开发区' })).toEqual([key(AIRPORT_ZONE), key(ZHENGDONG), key(ZHENGDONG, T2)]);
      expect(keys({ group: '县市', kind: 'issue' })).toEqual([issueItemKey('wt-1')]);
      expect(keys({ docNumber: DOC_34, status: 'registered' })).toEqual([key(AIRPORT_ZONE), key(ZHENGDONG), key(ZHENGDONG, T2)]);
      expect(keys({ status: ['in_progress', 'assigned'] })).toEqual([key(ZHONGMU), issueItemKey('wt-1')]);
      // a lead unit (牵头) sees every share it leads; a responsible unit only its own
      expect(keys({ involvesUnit: HRSS })).toHaveLength(4);
      expect(keys({ involvesUnit: ZHONGMU })).toEqual([key(ZHONGMU), issueItemKey('wt-1')]);
      // on a position before the issue's assignment, the issue is nobody's yet
      expect(ledger.asOf({ position: at.issue }, { unitId: ZHONGMU }).rows.map((r) => r.item.key)).toEqual([key(ZHONGMU)]);
      expect(ledger.asOf({ position: at.issueAssign }, { group: '县市' }).rows.map((r) => r.item.key)).toEqual([key(ZHONGMU), issueItemKey('wt-1')]);
      // the issue was assigned only on 03-02 (effective): before that no unit had it
      expect(ledger.asOf({ effectiveAt: '2021-03-01T12:00:00+08:00' }, { unitId: ZHONGMU }).total).toBe(0);
      expect(() => ledger.asOf(now, { status: 'done' as never })).toThrow(InvalidLedgerQueryError);
      expect(() => ledger.asOf(now, { group: '省直' as never })).toThrow('group must be one of 开发区, 县市, 市内区');
      expect(() => ledger.asOf({ recordedAt: '2021-06-30' })).toThrow('recordedAt must be an ISO 8601 instant with a zone');
    });

    it('pages in ledger order (序号) with the total of the whole ledger; the scan reads every row at one position', async () => {
      const live = ledger.current({ now: '2021-06-30T18:00:00+08:00' });
      expect(live.total).toBe(5);
      expect(live.rows.map((r) => r.item.seq)).toEqual([...live.rows.map((r) => r.item.seq)].sort((a, b) => a - b));
      const page = ledger.asOf({ position: at.register2 }, { limit: 2, offset: 2 });
      expect(page).toMatchObject({ total: 5, limit: 2, offset: 2 });
      expect(page.rows.map((r) => r.item.key)).toEqual(live.rows.slice(2, 4).map((r) => r.item.key));
      expect(ledger.asOf({ position: at.register2 }, { limit: 2, offset: 2, status: 'registered' }).rows.map((r) => r.item.key)).toEqual([
        key(ZHENGDONG, T2),
      ]);

      const scan = ledger.scan({ position: at.register2 }, { pageSize: 2 });
      const rows = scan.rows[Symbol.iterator]();
      const first = rows.next().value!;
      // a write lands in the middle of the scan: the scan still answers at its position
      h.clock.set('2021-07-01T01:00:00Z');
      await h.ledger.run(registerTask('late', { responsibleUnits: [AIRPORT_ZONE] }));
      await h.ledger.run(reportShare(T, ZHONGMU, '2021-07-01T09:00:00+08:00', 60));
      await h.settle();
      const rest = [...{ [Symbol.iterator]: () => rows }];
      expect(scan.header).toMatchObject({ total: 5, position: at.register2 });
      expect([first, ...rest].map((r) => r.item)).toEqual(ledger.asOf({ position: at.register2 }).rows.map((r) => r.item));
      expect(ledger.current().total).toBe(6);
      expect(() => ledger.asOf({ position: 1n }, { limit: 0 })).toThrow('limit must be a whole number from 1 to 10000');
    });

    it('the live scan is viewed now and pinned to the checkpoint it started at', () => {
      const clocked = new LedgerQuery(h.db, { clock: () => new Date('2021-06-28T10:00:00+08:00') });
      const { header, rows } = clocked.scan('live');
      expect(header).toMatchObject({ axis: 'position', position: at.register2, instant: '2021-06-28T02:00:00.000Z', total: 5 });
      const mine = [...rows].find((r) => r.item.key === key(ZHONGMU))!;
      expect(mine.view).toMatchObject({ colour: 'red', workingDaysOverdue: 1, statusText: '推进中，逾期1个工作日' });
      expect(mine.item.narrative).toBe('完成40%');
      expect(mine.item.group).toBe('县市');
    });
  });

  it('reads an issue assigned to a unit outside the 16 (no group) and a unit acting on its own issue', async () => {
    h.clock.set('2021-07-02T01:00:00Z');
    await h.ledger.run(reportIssue('wt-2', { reportingUnit: ZHONGMU }));
    await h.ledger.run(assignIssue('wt-2', '市城乡建设局', '2021-07-02T10:00:00+08:00', '2021-07-09T23:59:59+08:00'));
    await h.ledger.run(command('AcknowledgeIssue', staffOf('市城乡建设局'), '2021-07-02T11:00:00+08:00', { issueId: 'wt-2' }));
    await h.settle();
    const row = byKey(ledger.current({ now: '2021-07-06T10:00:00+08:00' })).get(issueItemKey('wt-2'))!;
    expect(row.item).toMatchObject({ unitId: '市城乡建设局', group: null, status: 'acknowledged' });
    expect(row.view).toMatchObject({ workingDaysLeft: 3, colour: 'yellow' });
  });
});
