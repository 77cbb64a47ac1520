import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NO_STREAM, SqliteEventStore } from '@duban/eventstore';
import { newEvent } from '@duban/eventstore/testing/event-store.contract';
import { Ledger } from '@duban/projections/testing';
import {
  acknowledgeShare,
  addNote,
  amendTask,
  approveShare,
  assignIssue,
  assignShare,
  command,
  HRSS,
  MIIT,
  NDRC,
  registerTask,
  reportIssue,
  reportShare,
  shareInProgress,
  submitShare,
  supervisor,
  ZHENGDONG,
  ZHONGMU,
} from '@duban/projections/testing/fixtures';

const root = join(__dirname, '..', '..');
const duban = (args: string[], env: Record<string, string>) =>
  spawnSync(process.execPath, ['--import', 'tsx', join(root, 'apps/cli/src/main.ts'), ...args], {
    cwd: root,
    // the machine's time zone must not matter: times are shown in Asia/Shanghai
    env: { ...process.env, TZ: 'America/New_York', ...env },
    encoding: 'utf8',
  });

const T = 'zzb-2021-34-3-1';
const I = 'wt-2021-001';
const CONSTRUCTION = '市城乡建设局';
const T2 = 'zzb-2021-34-3-2'; // amended: +巩义市 −郑东新区, then closed
const GONGYI = '巩义市';
const SCIENCE = '市科技局';
const DOC_35 = '郑政办〔2021〕35号';

/** `duban history`: an item's events read straight from the event store (no read model needed). */
describe('duban history (command line)', () => {
  let dir: string;
  let env: Record<string, string>;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'duban-cli-history-'));
    env = { DUBAN_DATA_DIR: dir };
    // recorded one minute after the other from 2021-05-06 01:00:00Z (09:00 Beijing time)
    let minute = 0;
    const store = new SqliteEventStore({ file: join(dir, 'duban.db'), clock: () => new Date(Date.UTC(2021, 4, 6, 1, minute++)) });
    const ledger = new Ledger(store);
    await ledger.runAll([
      registerTask(T), // effective 2021-04-30 10:00 Beijing, recorded 2021-05-06 09:00: back-filled
      ...shareInProgress(T, ZHONGMU),
      addNote(T, ZHONGMU, NDRC, '2021-07-01T09:00:00+08:00'),
      command('AssignShare', supervisor, new Date(Date.UTC(2021, 4, 6, 1, 5)).toISOString(), { taskId: T, unitId: ZHENGDONG }),
      reportIssue(I),
      assignIssue(I, CONSTRUCTION, '2021-05-11T09:00:00+08:00', '2021-06-01T18:00:00+08:00'),
    ]);
    // a task amended by a revised document: a lead unit replaced, 巩义市 added (its share goes through to 销号), 郑东新区 removed
    await ledger.runAll([
      registerTask(T2, { responsibleUnits: [ZHONGMU, ZHENGDONG], itemPath: '三/2', title: '建立问题清单台账' }),
      ...shareInProgress(T2, ZHONGMU),
      amendTask(
        T2,
        '2021-08-01T09:00:00+08:00',
        { title: '建立问题清单和整改台账', leadUnits: [SCIENCE, HRSS], responsibleUnits: [ZHONGMU, GONGYI], deadline: '2022-06-30T23:59:59+08:00', documentRef: DOC_35 },
        `${DOC_35} 修订`,
      ),
      assignShare(T2, GONGYI, '2021-08-02T09:00:00+08:00'),
      acknowledgeShare(T2, GONGYI, '2021-08-03T09:00:00+08:00'),
      reportShare(T2, ZHONGMU, '2021-10-19T10:00:00+08:00', 100),
      submitShare(T2, ZHONGMU, '2021-10-20T16:00:00+08:00'),
      approveShare(T2, ZHONGMU, '2021-10-25T10:00:00+08:00'),
      reportShare(T2, GONGYI, '2021-11-19T10:00:00+08:00', 100),
      submitShare(T2, GONGYI, '2021-11-20T16:00:00+08:00'),
      approveShare(T2, GONGYI, '2021-11-25T10:00:00+08:00'), // the last open share: the task closes
    ]);
    // a task and an issue with the same id
    await store.appendToStream('task-same', [newEvent('task.registered.v1', { taskId: 'same', responsibleUnits: [] })], { expectedVersion: NO_STREAM });
    await store.appendToStream('issue-same', [newEvent('issue.reported.v1', { issueId: 'same' })], { expectedVersion: NO_STREAM });
    await store.close();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("prints a task's events, one line each: version, effective and recorded time in Beijing time, actor, type, a Chinese summary", () => {
    const r = duban(['history', T], env);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^# task zzb-2021-34-3-1 「全年新开工20个以上小微企业园」 .* — 6 events; times in Asia\/Shanghai/);
    expect(lines).toHaveLength(1 + 6 + 1);
    const row = (v: number) => lines[1 + v].split(/ {2,}/);
    expect(row(0)).toEqual([
      'v0',
      '2021-04-30 10:00:00*',
      '2021-05-06 09:00:00',
      '市政府办公厅四处 li.duban (supervisor)',
      'task.registered.v1',
      '登记事项 郑政办〔2021〕34号 三/1「全年新开工20个以上小微企业园」；牵头 市工信局、市人社局；责任 郑州航空港区、郑东新区、中牟县；配合 市发展改革委；完成时限 2021-12-31 23:59:59；目标 >=20个',
    ]);
    expect(row(1).slice(2)).toEqual(['2021-05-06 09:01:00', '市政府办公厅四处 li.duban (supervisor)', 'task.share.assigned.v1', '交办 中牟县，时限 2021-12-31 23:59:59']);
    expect(row(3).slice(3)).toEqual(['中牟县 staff@中牟县 (unit)', 'task.share.progress_reported.v1', '进展报送 中牟县 40%：完成40%']);
    expect(row(4).slice(3)).toEqual(['市发展改革委 staff@市发展改革委 (unit)', 'task.share.note_added.v1', '协办备注 中牟县（市发展改革委）：已协调用地指标']);
    // assigned "now" (its effective time is the time it was recorded): not back-dated
    expect(row(5).slice(0, 3)).toEqual(['v5', '2021-05-06 09:05:00', '2021-05-06 09:05:00']);
    expect(lines[7]).toMatch(/^\* back-dated \(补录\)/);
  });

  it('task:<taskId>:<unitId> shows one share: its events and the registration that opened it', () => {
    const r = duban(['history', `task:${T}:${ZHENGDONG}`], env);
    expect(r.status).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toContain(`share of ${ZHENGDONG} in task ${T}`);
    expect(lines.slice(1, 3).map((l) => l.split(/ {2,}/)[4])).toEqual(['task.registered.v1', 'task.share.assigned.v1']);
    expect(lines).toHaveLength(4); // header, 2 events, the back-dating note
    expect(duban(['history', `task:${T}:${ZHONGMU}`], env).stdout.trimEnd().split('\n')).toHaveLength(1 + 5 + 1);
  });

  it('an amendment: one readable line; the share it added starts with it, the share it removed ends with it; later task-level events concern both', () => {
    const amendment =
      '修订事项：标题 “建立问题清单台账” → “建立问题清单和整改台账”；牵头 −市工信局 +市科技局；责任单位 −郑东新区 +巩义市；' +
      '完成时限 2021-12-31 → 2022-06-30（理由：郑政办〔2021〕35号 修订；依据 郑政办〔2021〕35号）';
    const added = duban(['history', `task:${T2}:${GONGYI}`], env);
    expect(added.stderr).toBe('');
    expect(added.status).toBe(0);
    const lines = added.stdout.trimEnd().split('\n');
    // the title as the amendment left it
    expect(lines[0]).toMatch(new RegExp(`^# share of ${GONGYI} in task ${T2} 「建立问题清单和整改台账」 .* — 7 events`));
    const rows = lines.slice(1, 8).map((l) => l.split(/ {2,}/));
    expect(rows.map((r) => r[4])).toEqual([
      'task.amended.v1',
      'task.share.assigned.v1',
      'task.share.acknowledged.v1',
      'task.share.progress_reported.v1',
      'task.share.completion_submitted.v1',
      'task.share.completion_approved.v1',
      'task.closed.v1',
    ]);
    expect(rows[0].slice(1)).toEqual(['2021-08-01 09:00:00', '2021-05-06 09:12:00', '市政府办公厅四处 li.duban (supervisor)', 'task.amended.v1', amendment]);

    // the removed share: its registration, the amendment that removed it, the closing it took part in
    const removed = duban(['history', `task:${T2}:${ZHENGDONG}`, '--json'], env);
    expect(removed.status).toBe(0);
    const events = removed.stdout.trimEnd().split('\n').map((l) => JSON.parse(l));
    expect(events.map((e) => [e.type, e.item, e.units])).toEqual([
      ['task.registered.v1', `task:${T2}`, [ZHONGMU, ZHENGDONG]],
      // before and after: the units registered, the lead units out and in, the unit added
      ['task.amended.v1', `task:${T2}`, [ZHONGMU, ZHENGDONG, MIIT, HRSS, SCIENCE, GONGYI]],
      // names no unit: every unit the task ever had a share for
      ['task.closed.v1', `task:${T2}`, [ZHONGMU, ZHENGDONG, GONGYI]],
    ]);
    expect(events[1]).toMatchObject({ summary: amendment, data: { addedResponsibleUnits: [GONGYI], removedResponsibleUnits: [ZHENGDONG], documentRef: DOC_35 } });

    // a unit that never had a share is still refused, naming every unit that had one
    const never = duban(['history', `task:${T2}:${MIIT}`], env);
    expect(never.status).toBe(1);
    expect(never.stderr).toContain(`duban: task ${T2} has no share for unit ${MIIT} (responsible units: ${ZHONGMU}、${ZHENGDONG}、${GONGYI})`);
  });

  it('an issue by its id or as issue:<id>', () => {
    const bare = duban(['history', I], env);
    expect(bare.status).toBe(0);
    expect(bare.stdout).toContain(`# issue ${I} 「中牟县某小微企业园施工许可证办理滞后」`);
    expect(bare.stdout).toContain('问题登记「中牟县某小微企业园施工许可证办理滞后」；类别 施工许可；紧急；报告单位 中牟县');
    expect(bare.stdout).toContain('交办 市城乡建设局，时限 2021-06-01 18:00');
    expect(duban(['history', `issue:${I}`], env).stdout).toBe(bare.stdout);
  });

  it('--json prints one JSON object per event, with the audit facts', () => {
    const r = duban(['history', `task:${T}:${ZHONGMU}`, '--json'], env);
    expect(r.status).toBe(0);
    const events = r.stdout.trimEnd().split('\n').map((l) => JSON.parse(l));
    expect(events).toHaveLength(5);
    expect(events[0]).toMatchObject({
      item: `task:${T}`,
      units: ['郑州航空港区', ZHENGDONG, ZHONGMU],
      stream: `task-${T}`,
      version: 0,
      position: '1',
      type: 'task.registered.v1',
      occurredAt: '2021-04-30T10:00:00+08:00',
      recordedAt: '2021-05-06T01:00:00.000Z',
      actor: { userId: 'li.duban', unitId: '市政府办公厅四处', role: 'supervisor' },
      data: { taskId: T, itemPath: '三/1' },
    });
    expect(events[4]).toMatchObject({ item: `task:${T}:${ZHONGMU}`, type: 'task.share.note_added.v1', actor: { unitId: NDRC } });
    for (const e of events) {
      expect(e.hash).toMatch(/^[0-9a-f]{64}$/);
      expect(Object.keys(e)).toEqual(expect.arrayContaining(['commandId', 'correlationId', 'causationId', 'eventId', 'summary']));
    }
  });

  it('exits 1 with a clear message when there is no such item, share or unambiguous name', () => {
    const none = duban(['history', 'no-such-item'], env);
    expect(none.status).toBe(1);
    expect(none.stdout).toBe('');
    expect(none.stderr).toMatch(/^duban: no task or issue no-such-item \(events: embedded SQLite at /);
    expect(duban(['history', 'issue:nope'], env).stderr).toMatch(/^duban: no issue nope/);
    const share = duban(['history', `task:${T}:巩义市`], env);
    expect(share.status).toBe(1);
    expect(share.stderr).toContain(`duban: task ${T} has no share for unit 巩义市 (responsible units: 郑州航空港区、郑东新区、中牟县)`);
    const both = duban(['history', 'same'], env);
    expect(both.status).toBe(1);
    expect(both.stderr).toContain('both a task and an issue are named same: say task:same or issue:same');
    expect(duban(['history', 'task:same'], env).status).toBe(0);
  });

  it('is listed in the help', () => {
    const r = duban(['--help'], {});
    expect(r.stdout).toContain('history');
    expect(duban(['history', '--help'], {}).stdout).toContain('--json');
  });
});
