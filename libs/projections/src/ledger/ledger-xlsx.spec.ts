/**
 * The .xlsx export, read back with exceljs: title, headers, one row per item,
 * Chinese text byte for byte, fills for yellow / red / black rows, frozen
 * header, wrapped text; written from a real ledger (real store, real runner).
 */
import ExcelJS from 'exceljs';
import { createWriteStream, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Harness } from '../testing/harness';
import {
  acknowledgeShare,
  assignIssue,
  assignShare,
  registerTask,
  reportIssue,
  reportShare,
  ZHENGDONG,
  ZHONGMU,
  AIRPORT_ZONE,
} from '../testing/fixtures';
import { LedgerProjection } from './ledger.projection';
import { LedgerQuery } from './ledger.query';
import { LEDGER_XLSX_HEADERS, ledgerXlsxBuffer, writeLedgerXlsx } from './ledger-xlsx';

const T = 'zzb-2021-34-3-1';

describe('ledger .xlsx export', () => {
  let h: Harness;
  let ledger: LedgerQuery;
  beforeAll(async () => {
    h = await Harness.open({ manualClock: true, projections: () => [new LedgerProjection()] });
    ledger = new LedgerQuery(h.db);
    h.clock.set('2021-05-10T02:00:00Z');
    await h.ledger.run(registerTask(T));
    // 中牟县: due Fri 06-25, in progress → red on 06-30 (3 working days overdue)
    await h.ledger.run(assignShare(T, ZHONGMU, '2021-05-06T09:00:00+08:00', '2021-06-25T23:59:59+08:00'));
    await h.ledger.run(acknowledgeShare(T, ZHONGMU, '2021-05-07T09:30:00+08:00'));
    await h.ledger.run(reportShare(T, ZHONGMU, '2021-06-28T17:00:00+08:00', 40));
    // 郑东新区: due Fri 07-02 → yellow on Wed 06-30 (2 working days left)
    await h.ledger.run(assignShare(T, ZHENGDONG, '2021-05-06T09:00:00+08:00', '2021-07-02T23:59:59+08:00'));
    // 郑州航空港区: registered, measured against the task's 2021-12-31 → green, no fill
    // an issue due 06-10 → black on 06-30 (13 working days overdue)
    await h.ledger.run(reportIssue('wt-1'));
    await h.ledger.run(assignIssue('wt-1', ZHONGMU, '2021-05-11T09:00:00+08:00', '2021-06-10T23:59:59+08:00'));
    await h.settle();
  });
  afterAll(async () => {
    await h.close();
  });

  const read = async (buffer: Buffer) => {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(buffer as unknown as ExcelJS.Buffer);
    return wb;
  };

  it('lays the ledger out as a supervision office keeps it', async () => {
    const scan = ledger.scan({ recordedAt: '2021-06-30T18:00:00+08:00' });
    const buffer = await ledgerXlsxBuffer({ ...scan, filters: { 责任单位: '全部' } });
    const wb = await read(buffer);
    const sheet = wb.getWorksheet('台账')!;

    expect(sheet.getCell('A1').value).toBe('督查事项台账（截至2021年6月30日18:00）');
    expect(sheet.getRow(2).values).toEqual([undefined, ...LEDGER_XLSX_HEADERS]);
    expect(sheet.rowCount).toBe(2 + 4);
    expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 2 });

    // row 3 is the first item: 郑州航空港区's share, byte for byte
    const first = sheet.getRow(3);
    const text = first.getCell(2).value as string;
    expect(Buffer.from(text, 'utf8').equals(Buffer.from('郑政办〔2021〕34号（三/1）全年新开工20个以上小微企业园', 'utf8'))).toBe(true);
    expect(first.getCell(1).value).toBe(1);
    expect(first.getCell(3).value).toBe('市工信局、市人社局');
    expect(first.getCell(4).value).toBe(AIRPORT_ZONE);
    expect(first.getCell(5).value).toBe('2021年12月31日');
    expect(first.getCell(7).value).toBe('未交办');
    expect(first.getCell(2).alignment).toMatchObject({ wrapText: true });
    expect((first.getCell(2).fill as ExcelJS.FillPattern | undefined)?.pattern ?? 'none').not.toBe('solid');

    const byUnit = (unit: string, col = 4) =>
      [3, 4, 5, 6].map((n) => sheet.getRow(n)).find((r) => r.getCell(col).value === unit && r.getCell(2).value !== '中牟县某小微企业园施工许可证办理滞后')!;
    const late = byUnit(ZHONGMU);
    expect(late.getCell(6).value).toBe('2021年6月28日：完成40%');
    expect(late.getCell(7).value).toBe('推进中，逾期3个工作日');
    expect(late.getCell(2).fill).toEqual({ type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFFF0000' } });
    expect(byUnit(ZHENGDONG).getCell(7).value).toBe('已交办，临期(剩2个工作日)');
    expect(byUnit(ZHENGDONG).getCell(8).fill).toMatchObject({ fgColor: { argb: 'FFFFFF00' } });
    const issue = sheet.getRow(6);
    expect(issue.getCell(2).value).toBe('中牟县某小微企业园施工许可证办理滞后');
    expect(issue.getCell(7).value).toBe('已交办，逾期13个工作日');
    expect(issue.getCell(1).fill).toMatchObject({ fgColor: { argb: 'FF000000' } });
    expect(issue.getCell(1).font).toMatchObject({ color: { argb: 'FFFFFFFF' } });

    const about = wb.getWorksheet('说明')!;
    const notes = Object.fromEntries(about.getSheetValues().filter(Boolean).map((r) => [(r as string[])[1], (r as string[])[2]]));
    expect(notes).toMatchObject({ 时间轴: '记录时间（系统当时所知）', 事项数: '4', 责任单位: '全部' });
  });

  it('streams to a file', async () => {
    const file = join(h.dir, 'ledger.xlsx');
    const out = createWriteStream(file);
    const done = new Promise<void>((resolve) => out.on('close', () => resolve()));
    const n = await writeLedgerXlsx(ledger.scan({ effectiveAt: '2021-05-06T12:00:00+08:00' }), out);
    await done;
    expect(n).toBe(3);
    const sheet = (await read(readFileSync(file))).getWorksheet('台账')!;
    expect(sheet.getCell('A1').value).toBe('督查事项台账（截至2021年5月6日12:00，按事项生效时间）');
    expect(sheet.rowCount).toBe(5);
  });
});
