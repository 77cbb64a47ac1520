/**
 * The ledger's temporal projection, given/when/then: given these commands
 * (run through the real deciders into a real SQLite store), when this one,
 * then these versions of the rows (read back from a real read-model file
 * after a real runner applied them).
 */
import type { IssueCommand } from '@duban/domain/issue';
import type { TaskCommand } from '@duban/domain/task';
import { issueItemKey, taskItemKey } from '../items/item';
import { ItemsProjection } from '../items/items.projection';
import { Harness } from '../testing/harness';
import {
  acknowledgeIssue,
  acknowledgeShare,
  AIRPORT_ZONE,
  amendTask,
  approveShare,
  HRSS,
  MIIT,
  assignIssue,
  assignShare,
  DOC_34,
  registerTask,
  reopenShare,
  reportIssue,
  reportIssueProgress,
  reportShare,
  shareInProgress,
  submitShare,
  ZHENGDONG,
  ZHONGMU,
} from '../testing/fixtures';
import { LedgerProjection } from './ledger.projection';
import { LedgerQuery } from './ledger.query';
import type { LedgerItem } from './ledger-row';

type Cmd = TaskCommand | IssueCommand;
const T = 'zzb-2021-34-3-1';
const key = (unit: string) => taskItemKey(T, unit);

describe('ledger projection (every version of every row)', () => {
  let h: Harness;
  let ledger: LedgerQuery;
  beforeEach(async () => {
    h = await Harness.open({ manualClock: true, projections: () => [new ItemsProjection(), new LedgerProjection()] });
    ledger = new LedgerQuery(h.db);
  });
  afterEach(async () => {
    await h.close();
  });

  /** Runs a command with the store's clock at `recordedAt`. */
  const run = (c: Cmd, recordedAt: string) => {
    h.clock.set(recordedAt);
    return h.ledger.run(c);
  };
  const history = async (k: string): Promise<LedgerItem[]> => {
    await h.settle();
    return ledger.history(k);
  };

  it('given nothing, when a task is registered, then one open-ended version per share, stamped with the event', async () => {
    const reg = await run(registerTask(T), '2021-04-30T02:00:05Z');
    for (const unit of [AIRPORT_ZONE, ZHENGDONG, ZHONGMU]) {
      const versions = await history(key(unit));
      expect(versions).toHaveLength(1);
      expect(versions[0]).toMatchObject({
        key: key(unit),
        kind: 'task',
        docNumber: DOC_34,
        itemPath: '三/1',
        unitId: unit,
        status: 'registered',
        taskStatus: 'open',
        taskDeadline: '2021-12-31T23:59:59+08:00',
        lastEventType: 'task.registered.v1',
        validFromPosition: reg.position,
        validToPosition: null,
        recordedAt: '2021-04-30T02:00:05.000Z',
        occurredAt: '2021-04-30T10:00:00+08:00',
        narrative: null,
        narrativeAt: null,
      });
    }
    // ledger order (序号): the shares in the order the task lists its responsible units
    expect((await history(key(AIRPORT_ZONE)))[0].seq).toBeLessThan((await history(key(ZHENGDONG)))[0].seq);
    expect((await history(key(ZHENGDONG)))[0].seq).toBeLessThan((await history(key(ZHONGMU)))[0].seq);
  });

  it('given a registered task, when a share moves, then its current version closes at that event and a new one starts; the others are untouched', async () => {
    const reg = await run(registerTask(T), '2021-04-30T02:00:05Z');
    const assign = await run(assignShare(T, ZHONGMU, '2021-05-06T09:00:00+08:00', '2021-11-30T23:59:59+08:00'), '2021-05-06T01:00:01Z');
    const ack = await run(acknowledgeShare(T, ZHONGMU, '2021-05-07T09:30:00+08:00'), '2021-05-07T01:30:01Z');

    const versions = await history(key(ZHONGMU));
    expect(versions.map((v) => [v.status, v.validFromPosition, v.validToPosition, v.lastEventType])).toEqual([
      ['registered', reg.position, assign.position, 'task.registered.v1'],
      ['assigned', assign.position, ack.position, 'task.share.assigned.v1'],
      ['acknowledged', ack.position, null, 'task.share.acknowledged.v1'],
    ]);
    expect(versions[1]).toMatchObject({
      deadline: '2021-11-30T23:59:59+08:00',
      recordedAt: '2021-05-06T01:00:01.000Z',
      occurredAt: '2021-05-06T09:00:00+08:00',
    });
    expect(await history(key(AIRPORT_ZONE))).toHaveLength(1);
  });

  it('given a share in progress, then the latest narrative (进展情况) rides along on every later version', async () => {
    await run(registerTask(T), '2021-04-30T02:00:05Z');
    for (const c of shareInProgress(T, ZHONGMU)) await run(c, '2021-07-01T00:00:00Z');
    await run(reportShare(T, ZHONGMU, '2021-11-19T10:00:00+08:00', 100), '2021-11-19T02:00:00Z');
    await run(submitShare(T, ZHONGMU, '2021-11-20T16:00:00+08:00'), '2021-11-20T08:00:00Z');

    const versions = await history(key(ZHONGMU));
    expect(versions.map((v) => [v.status, v.percent, v.narrative, v.narrativeAt])).toEqual([
      ['registered', null, null, null],
      ['assigned', null, null, null],
      ['acknowledged', null, null, null],
      ['in_progress', 40, '完成40%', '2021-06-30T17:00:00+08:00'],
      ['in_progress', 100, '完成100%', '2021-11-19T10:00:00+08:00'],
      ['submitted', 100, '完成100%', '2021-11-19T10:00:00+08:00'],
    ]);
  });

  it('given the last open share, when it is approved, then task.closed makes a version of every share (as the items model moves every row)', async () => {
    const only = registerTask(T, { responsibleUnits: [ZHONGMU, ZHENGDONG] });
    await run(only, '2021-04-30T02:00:05Z');
    for (const unit of [ZHONGMU, ZHENGDONG]) {
      for (const c of [...shareInProgress(T, unit), reportShare(T, unit, '2021-11-19T10:00:00+08:00', 100), submitShare(T, unit, '2021-11-20T16:00:00+08:00')]) {
        await run(c, '2021-11-21T00:00:00Z');
      }
    }
    await run(approveShare(T, ZHENGDONG, '2021-11-24T10:00:00+08:00'), '2021-11-24T02:00:00Z');
    const approval = await run(approveShare(T, ZHONGMU, '2021-11-25T10:00:00+08:00'), '2021-11-25T02:00:00Z');
    expect(approval.events.map((e) => e.type)).toEqual(['task.share.completion_approved.v1', 'task.closed.v1']);

    const mine = await history(key(ZHONGMU));
    expect(mine.slice(-2).map((v) => [v.lastEventType, v.status, v.taskStatus, v.validFromPosition, v.validToPosition])).toEqual([
      ['task.share.completion_approved.v1', 'closed', 'open', approval.position - 1n, approval.position],
      ['task.closed.v1', 'closed', 'closed', approval.position, null],
    ]);
    const other = await history(key(ZHENGDONG));
    expect(other.at(-1)).toMatchObject({ lastEventType: 'task.closed.v1', status: 'closed', taskStatus: 'closed', validToPosition: null });

    // reopening moves the share and, through task.reopened, the task status of both
    const reopen = await run(reopenShare(T, ZHONGMU, '2022-01-10T09:00:00+08:00', '2022-03-31T23:59:59+08:00'), '2022-01-10T01:00:00Z');
    expect((await history(key(ZHONGMU))).at(-1)).toMatchObject({ status: 'in_progress', reopenCount: 1, taskStatus: 'open', validFromPosition: reopen.position });
    expect((await history(key(ZHENGDONG))).at(-1)).toMatchObject({ status: 'closed', taskStatus: 'open', validFromPosition: reopen.position });
  });

  it('given a reported issue, when it is assigned and reported on, then its versions carry the unit and the narrative', async () => {
    const reported = await run(reportIssue('wt-1'), '2021-05-10T02:00:00Z');
    await run(assignIssue('wt-1', '市城乡建设局', '2021-05-11T09:00:00+08:00', '2021-05-18T23:59:59+08:00'), '2021-05-11T01:00:00Z');
    await run(acknowledgeIssue('wt-1', '市城乡建设局', '2021-05-11T10:00:00+08:00'), '2021-05-11T02:00:00Z');
    await run(reportIssueProgress('wt-1', '市城乡建设局', '2021-05-12T10:00:00+08:00', 30), '2021-05-12T02:00:00Z');
    const versions = await history(issueItemKey('wt-1'));
    expect(versions.map((v) => [v.status, v.unitId, v.narrative])).toEqual([
      ['reported', null, null],
      ['assigned', '市城乡建设局', null],
      ['acknowledged', '市城乡建设局', null],
      ['in_progress', '市城乡建设局', '完成30%'],
    ]);
    expect(versions[0]).toMatchObject({ kind: 'issue', issueId: 'wt-1', title: '中牟县某小微企业园施工许可证办理滞后', validFromPosition: reported.position, group: null });
  });

  it('survives a runner restart in the middle (versions continue from the stored head)', async () => {
    await run(registerTask(T), '2021-04-30T02:00:05Z');
    await run(assignShare(T, ZHONGMU, '2021-05-06T09:00:00+08:00'), '2021-05-06T01:00:00Z');
    await h.settle();
    await h.restart();
    ledger = new LedgerQuery(h.db);
    await run(acknowledgeShare(T, ZHONGMU, '2021-05-07T09:30:00+08:00'), '2021-05-07T01:00:00Z');
    const versions = await history(key(ZHONGMU));
    expect(versions.map((v) => v.status)).toEqual(['registered', 'assigned', 'acknowledged']);
    expect(versions.map((v) => v.validToPosition)).toEqual([versions[1].validFromPosition, versions[2].validFromPosition, null]);
    expect(versions[2].group).toBe('县市');
  });

  it('given shares under way, when the task is amended, then the ledger before the amendment is as it was and after it shows the new columns, without the removed unit and with the added one; removed and added back, a unit has a second item', async () => {
    const GONGYI = '巩义市';
    await run(registerTask(T), '2021-04-30T02:00:05Z');
    for (const c of shareInProgress(T, ZHENGDONG)) await run(c, '2021-05-07T02:00:00Z');
    const before = (await run(assignShare(T, ZHONGMU, '2021-05-08T09:00:00+08:00'), '2021-05-08T01:00:00Z')).position;
    const deadline = '2022-06-30T23:59:59+08:00';
    const amendment = (
      await run(
        amendTask(T, '2021-07-01T09:00:00+08:00', { title: '全年新开工25个以上小微企业园', leadUnits: [MIIT], responsibleUnits: [AIRPORT_ZONE, ZHENGDONG, GONGYI], deadline }),
        '2021-07-01T01:00:00Z',
      )
    ).position;
    await h.settle();

    const at = (position: bigint, filter = {}) =>
      ledger.asOf({ position }, { ...filter, limit: 100 }).rows.map((r) => [r.item.unitId ?? r.item.key, r.item.title, r.item.leadUnits, r.item.taskDeadline]);
    expect(at(before)).toEqual(
      [AIRPORT_ZONE, ZHENGDONG, ZHONGMU].map((u) => [u, '全年新开工20个以上小微企业园', [MIIT, HRSS], '2021-12-31T23:59:59+08:00']),
    );
    expect(at(amendment)).toEqual([
      [AIRPORT_ZONE, '全年新开工25个以上小微企业园', [MIIT], deadline],
      [ZHENGDONG, '全年新开工25个以上小微企业园', [MIIT], deadline],
      [GONGYI, '全年新开工25个以上小微企业园', [MIIT], deadline],
    ]);
    // the lead unit dropped by the amendment: its rows before, none after
    expect(ledger.asOf({ position: before }, { involvesUnit: HRSS }).total).toBe(3);
    expect(ledger.asOf({ position: amendment }, { involvesUnit: HRSS }).total).toBe(0);
    // on the effective axis too
    expect(ledger.asOf({ effectiveAt: '2021-06-30T12:00:00+08:00' }).rows.map((r) => r.item.unitId)).toContain(ZHONGMU);
    expect(ledger.asOf({ effectiveAt: '2021-07-02T12:00:00+08:00' }).rows.map((r) => r.item.unitId)).not.toContain(ZHONGMU);
    // the removed share's history ends at the amendment
    expect((await history(key(ZHONGMU))).at(-1)).toMatchObject({ validToPosition: amendment, status: 'assigned' });

    // removed, then added back: a second item with the same key
    await run(amendTask(T, '2021-07-05T09:00:00+08:00', { responsibleUnits: [AIRPORT_ZONE, ZHENGDONG] }), '2021-07-05T01:00:00Z');
    const back = (await run(amendTask(T, '2021-07-06T09:00:00+08:00', { responsibleUnits: [AIRPORT_ZONE, ZHENGDONG, GONGYI] }), '2021-07-06T01:00:00Z')).position;
    await run(assignShare(T, GONGYI, '2021-07-07T09:00:00+08:00'), '2021-07-07T01:00:00Z');
    await h.settle();
    const now = ledger.asOf({ position: back + 10n }, { limit: 100 }).rows;
    expect(now.filter((r) => r.item.key === key(GONGYI)).map((r) => r.item.status)).toEqual(['assigned']);
    expect(now).toHaveLength(3);
    expect(at(back - 1n).map((r) => r[0])).toEqual([AIRPORT_ZONE, ZHENGDONG]);

    const live = ledger.asOf({ position: back + 10n }, { limit: 100 }).rows;
    const liveHistory = await history(key(GONGYI));
    await h.runner.rebuild('ledger');
    expect(ledger.asOf({ position: back + 10n }, { limit: 100 }).rows).toEqual(live);
    expect(ledger.history(key(GONGYI))).toEqual(liveHistory);
  });
});
