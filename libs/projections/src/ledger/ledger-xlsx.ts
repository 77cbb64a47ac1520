import ExcelJS from 'exceljs';
import { PassThrough } from 'node:stream';
import type { Writable } from 'node:stream';
import { chineseDateTime, dueText, itemText, ledgerTitle, progressText, remarksText } from './ledger-format';
import type { LedgerPolicy } from './ledger-policy';
import { DEFAULT_LEDGER_POLICY } from './ledger-policy';
import type { LedgerColour, LedgerHeader, LedgerRow } from './ledger-row';

/** The sheet's columns, left to right (as a 督查室 keeps its 台账). */
export const LEDGER_XLSX_HEADERS = ['序号', '事项', '牵头单位', '责任单位', '完成时限', '进展情况', '状态', '备注'] as const;
const WIDTHS = [6, 48, 20, 14, 16, 48, 24, 22];

/** Row fills (ARGB) by colour; green rows are left unfilled, as are closed rows (no colour). */
export const LEDGER_XLSX_FILLS: Readonly<Record<Exclude<LedgerColour, 'green'>, { fill: string; font: string }>> = {
  yellow: { fill: 'FFFFFF00', font: 'FF000000' },
  red: { fill: 'FFFF0000', font: 'FFFFFFFF' },
  black: { fill: 'FF000000', font: 'FFFFFFFF' },
};

export interface LedgerXlsxInput {
  header: LedgerHeader;
  rows: Iterable<LedgerRow> | AsyncIterable<LedgerRow>;
  /** The thresholds the view was computed with (shown on the 说明 sheet). */
  policy?: LedgerPolicy;
  /** What the ledger was filtered by, for the 说明 sheet (e.g. { 责任单位: '中牟县' }). */
  filters?: Readonly<Record<string, string>>;
}

const THIN = { style: 'thin' as const, color: { argb: 'FF999999' } };
const BORDER = { top: THIN, left: THIN, bottom: THIN, right: THIN };

/**
 * Writes the ledger as an .xlsx workbook to `output` (streamed: rows are
 * committed as they are read, so a 125k-row ledger is not held in memory):
 *
 * - sheet 台账: title row (merged, e.g. 督查事项台账（截至2021年6月30日18:00）), header
 *   row 序号 / 事项 / 牵头单位 / 责任单位 / 完成时限 / 进展情况 / 状态 / 备注, one row per
 *   item; yellow, red and black rows filled (green and closed rows plain);
 *   title and header frozen, wrapped text, print setup landscape A4 fit to width
 *   with the header repeated on every page;
 * - sheet 说明: what the ledger is exact to (axis, position, instants, read
 *   model checkpoint), the ladder's thresholds and the filters.
 *
 * Resolves with the number of item rows once the workbook is committed (exceljs ends `output` then).
 */
export async function writeLedgerXlsx(input: LedgerXlsxInput, output: Writable): Promise<number> {
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: output, useStyles: true, useSharedStrings: false });
  workbook.creator = 'Duban 督办';
  workbook.created = new Date(input.header.instant);
  const sheet = workbook.addWorksheet('台账', {
    views: [{ state: 'frozen', xSplit: 0, ySplit: 2, topLeftCell: 'A3', activeCell: 'A3' }],
    pageSetup: {
      paperSize: 9,
      orientation: 'landscape',
      fitToPage: true,
      fitToWidth: 1,
      fitToHeight: 0,
      printTitlesRow: '1:2',
    },
  });
  sheet.columns = WIDTHS.map((width, n) => ({ key: `c${n}`, width }));

  const title = sheet.addRow([ledgerTitle(input.header)]);
  title.height = 30;
  title.getCell(1).font = { bold: true, size: 16 };
  title.getCell(1).alignment = { horizontal: 'center', vertical: 'middle' };
  sheet.mergeCells(1, 1, 1, LEDGER_XLSX_HEADERS.length);
  title.commit();

  const head = sheet.addRow([...LEDGER_XLSX_HEADERS]);
  head.height = 22;
  head.eachCell((cell) => {
    cell.font = { bold: true };
    cell.alignment = { horizontal: 'center', vertical: 'middle', wrapText: true };
    cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFD9D9D9' } };
    cell.border = BORDER;
  });
  head.commit();

  let n = 0;
  for await (const row of input.rows) {
    n++;
    const r = sheet.addRow([
      n,
      itemText(row),
      row.item.leadUnits.join('、'),
      row.item.unitId ?? '',
      dueText(row),
      progressText(row),
      row.view.statusText,
      remarksText(row),
    ]);
    const colour = row.view.colour;
    const style = colour === null || colour === 'green' ? null : LEDGER_XLSX_FILLS[colour];
    for (let c = 1; c <= LEDGER_XLSX_HEADERS.length; c++) {
      const cell = r.getCell(c);
      cell.alignment = { vertical: 'top', wrapText: true, horizontal: c === 1 || c === 5 ? 'center' : 'left' };
      cell.border = BORDER;
      if (style) {
        cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: style.fill } };
        cell.font = { color: { argb: style.font } };
      }
    }
    r.commit();
    // Let the zip stream drain (and the event loop breathe) on long ledgers.
    if (n % 1000 === 0) await new Promise((resolve) => setImmediate(resolve));
  }
  sheet.commit();

  const about = workbook.addWorksheet('说明');
  about.columns = [
    { key: 'k', width: 22 },
    { key: 'v', width: 70 },
  ];
  const h = input.header;
  const policy = input.policy ?? DEFAULT_LEDGER_POLICY;
  const lines: [string, string][] = [
    ['台账', ledgerTitle(h)],
    ['时间轴', { position: '日志位置（精确到事件）', recorded: '记录时间（系统当时所知）', effective: '生效时间（事项当时实际状态）' }[h.axis]],
    ['日志位置', String(h.position)],
    ['计算时点', chineseDateTime(h.instant)],
    ...(h.effectiveAt ? ([['生效时点', chineseDateTime(h.effectiveAt)]] as [string, string][]) : []),
    ['读模型位置', `${h.readModel.position}${h.readModel.recordedAt ? `（记录于${chineseDateTime(h.readModel.recordedAt)}）` : ''}`],
    ['事项数', String(n)],
    ['黄色', `距完成时限不超过${policy.yellowWithin}个工作日（临期）`],
    ['红色', `已逾期（逾期${policy.escalateAt}个工作日起转督办）`],
    ['黑色', `逾期${policy.blackAt}个工作日及以上（通报批评、问责）`],
    ['已销号', '显示最终状态，不标颜色'],
    ...Object.entries(input.filters ?? {}),
  ];
  for (const line of lines) about.addRow(line).commit();
  about.commit();
  await workbook.commit();
  return n;
}

/** The workbook as a Buffer (for small ledgers and tests; prefer writeLedgerXlsx to a stream). */
export async function ledgerXlsxBuffer(input: LedgerXlsxInput): Promise<Buffer> {
  const sink = new PassThrough();
  const chunks: Buffer[] = [];
  sink.on('data', (chunk: Buffer) => chunks.push(chunk));
  const ended = new Promise<void>((resolve, reject) => {
    sink.on('end', resolve);
    sink.on('error', reject);
  });
  await writeLedgerXlsx(input, sink);
  await ended;
  return Buffer.concat(chunks);
}
