import ExcelJS from 'exceljs';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { SqliteEventStore } from '@duban/eventstore';
import { Ledger } from '@duban/projections/testing';
import {
  acknowledgeShare,
  assignIssue,
  assignShare,
  registerTask,
  reportIssue,
  reportShare,
} from '@duban/projections/testing/fixtures';

const root = join(__dirname, '..', '..');
/** The real command line (DUBAN_CLI_ENTRY only lets a checkout run this before `ledger` is wired into main.ts). */
const entry = process.env.DUBAN_CLI_ENTRY ?? join(root, 'apps/cli/src/main.ts');
const duban = (args: string[], env: Record<string, string>) =>
  spawnSync(process.execPath, ['--import', 'tsx', entry, ...args], {
    cwd: root,
    env: { ...process.env, ...env },
    encoding: 'utf8',
  });

const T = 'zzb-2021-34-3-1';

describe('duban ledger (command line)', () => {
  let dir: string;
  let env: Record<string, string>;
  let clock = Date.parse('2021-04-30T02:00:00Z');
  const at = (iso: string) => (clock = Date.parse(iso));

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'duban-cli-ledger-'));
    env = { DUBAN_DATA_DIR: dir, LOG_LEVEL: 'silent' };
    const store = new SqliteEventStore({ file: join(dir, 'duban.db'), clock: () => new Date(clock) });
    const ledger = new Ledger(store);
    await ledger.run(registerTask(T, { responsibleUnits: ['中牟县', '郑东新区'] }));
    at('2021-05-06T01:00:00Z');
    await ledger.run(assignShare(T, '中牟县', '2021-05-06T09:00:00+08:00', '2021-06-25T23:59:59+08:00'));
    await ledger.run(acknowledgeShare(T, '中牟县', '2021-05-07T09:30:00+08:00'));
    at('2021-06-28T09:00:00Z');
    await ledger.run(reportShare(T, '中牟县', '2021-06-28T17:00:00+08:00', 40));
    // recorded on 07-01, in effect since 05-10: a back-filled issue, due 06-10
    at('2021-07-01T02:00:00Z');
    await ledger.run(reportIssue('wt-1'));
    await ledger.run(assignIssue('wt-1', '中牟县', '2021-05-11T09:00:00+08:00', '2021-06-10T23:59:59+08:00'));
    await store.close();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('catches the read model up, then prints the ledger as of an instant as a table', () => {
    const r = duban(['ledger', '--as-of', '2021-06-30T18:00+08:00'], env);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe('督查事项台账（截至2021年6月30日18:00）');
    expect(lines[1]).toContain('按记录时间；日志位置 4；读模型位置 6');
    expect(r.stdout).toMatch(/1 +红 +郑政办〔2021〕34号（三\/1）全年新开工\S*… +中牟县 +2021年6月25日 +推进中，逾期3个工作日/);
    expect(r.stdout).toMatch(/2 +绿 +郑政办〔2021〕34号（三\/1）全年新开工\S*… +郑东新区 +2021年12月31日 +未交办/);
    // the issue was recorded only on 07-01
    expect(r.stdout).not.toContain('施工许可证');
    expect(r.stdout).toContain('共 2 项：红 1，绿 1');
    // the read model now holds the ledger, caught up with the store
    const db = new Database(join(dir, 'read-models.db'), { readonly: true });
    expect(db.prepare("SELECT position FROM projection_checkpoints WHERE name = 'ledger'").get()).toEqual({ position: 6 });
    db.close();
  });

  it('answers on the effective axis as JSON', () => {
    const r = duban(['ledger', '--as-of', '2021-06-30', '--axis', 'effective', '--json'], env);
    expect(r.status).toBe(0);
    const ledger = JSON.parse(r.stdout);
    expect(ledger).toMatchObject({ axis: 'effective', effectiveAt: '2021-06-30T15:59:59.999Z', total: 3 });
    const issue = ledger.rows.find((row: { kind: string }) => row.kind === 'issue');
    expect(issue).toMatchObject({ status: 'assigned', unitId: '中牟县', validFromPosition: '6' });
    expect(issue.view).toMatchObject({ colour: 'black', workingDaysOverdue: 13, statusText: '已交办，逾期13个工作日' });
  });

  it('writes the .xlsx workbook', async () => {
    const file = join(dir, '台账.xlsx');
    const r = duban(['ledger', '--position', '4', '--unit', '中牟县', '--xlsx', file], env);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('1 rows written to');
    expect(existsSync(file)).toBe(true);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(readFileSync(file) as unknown as ExcelJS.Buffer);
    const sheet = wb.getWorksheet('台账')!;
    expect(sheet.getCell('A1').value).toBe('督查事项台账（截至2021年6月28日17:00）');
    expect(sheet.getRow(3).getCell(6).value).toBe('2021年6月28日：完成40%');
  });

  it('with --no-catch-up answers from the file as it is and says how far it is behind', async () => {
    const store = new SqliteEventStore({ file: join(dir, 'duban.db'), clock: () => new Date('2021-07-02T02:00:00Z') });
    await new Ledger(store).run(registerTask('zzb-2021-34-4-2', { itemPath: '四/2', title: '完善园区配套', responsibleUnits: ['荥阳市'] }));
    await store.close();

    const stale = duban(['ledger', '--no-catch-up', '--json'], env);
    expect(stale.status).toBe(0);
    expect(stale.stderr).toContain('the ledger read model is 1 events behind the store (applied up to position 6, the log is at 7)');
    expect(JSON.parse(stale.stdout).total).toBe(3);

    const fresh = duban(['ledger', '--json'], env);
    expect(fresh.stderr).toBe('');
    expect(JSON.parse(fresh.stdout)).toMatchObject({ position: '7', total: 4 });
  });

  it('refuses bad arguments with exit code 2', () => {
    const noZone = duban(['ledger', '--as-of', '2021-06-30T18:00'], env);
    expect(noZone.status).toBe(2);
    expect(noZone.stderr).toContain('--as-of "2021-06-30T18:00" must be an ISO 8601 instant with a zone');
    expect(duban(['ledger', '--as-of', '2021-06-30', '--position', '3'], env).status).toBe(2);
    expect(duban(['ledger', '--group', '省直'], env).stderr).toContain('--group must be one of 开发区, 县市, 市内区');
    const empty = duban(['ledger'], { DUBAN_DATA_DIR: join(dir, 'nowhere') });
    expect(empty.status).toBe(2);
    expect(empty.stderr).toContain('no event store at');
  });

  it('is listed in the help', () => {
    const r = duban(['--help'], {});
    expect(r.stdout).toContain('ledger');
  });
});
