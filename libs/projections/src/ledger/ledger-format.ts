/**
 * How a supervision office writes the ledger's cells (shared by the .xlsx
 * export and the command line's table): dates in Asia/Shanghai as
 * 2021年6月30日, the 事项 as 文号（路径）标题, counts as 退回1次、延期1次.
 */
import { SHANGHAI_UTC_OFFSET_MS, startOfLocalDay, toInstant } from '@duban/domain/calendar';
import type { LedgerHeader, LedgerRow } from './ledger-row';

function shanghai(instant: string | Date): Date {
  const ms = typeof instant === 'string' ? Date.parse(instant) : instant.getTime();
  return new Date(ms + SHANGHAI_UTC_OFFSET_MS);
}

/** 2021年6月30日 (the Asia/Shanghai date of the instant). */
export function chineseDate(instant: string | Date): string {
  const d = shanghai(instant);
  return `${d.getUTCFullYear()}年${d.getUTCMonth() + 1}月${d.getUTCDate()}日`;
}

/** 2021年6月30日18:00 (Asia/Shanghai). */
export function chineseDateTime(instant: string | Date): string {
  const d = shanghai(instant);
  const hh = String(d.getUTCHours()).padStart(2, '0');
  const mm = String(d.getUTCMinutes()).padStart(2, '0');
  return `${chineseDate(instant)}${hh}:${mm}`;
}

/** 督查事项台账（截至2021年6月30日18:00）, and which clock the ledger follows when it is not the record's. */
export function ledgerTitle(header: LedgerHeader): string {
  if (header.axis === 'effective' && header.effectiveAt !== null) {
    return `督查事项台账（截至${chineseDateTime(header.effectiveAt)}，按事项生效时间）`;
  }
  return `督查事项台账（截至${chineseDateTime(header.instant)}）`;
}

/** 事项: 文号（路径）标题 for a task share; the title for an issue. */
export function itemText(row: LedgerRow): string {
  const { item } = row;
  if (item.kind === 'issue') return item.title;
  const ref = [item.docNumber, item.itemPath ? `（${item.itemPath}）` : null].filter((p) => p !== null).join('');
  return ref === '' ? item.title : `${ref}${item.title}`;
}

/** 进展情况: the latest narrative with the date it was reported, e.g. "2021年6月30日：完成40%". */
export function progressText(row: LedgerRow): string {
  const { narrative, narrativeAt } = row.item;
  if (narrative === null) return '';
  return narrativeAt === null ? narrative : `${chineseDate(narrativeAt)}：${narrative}`;
}

/** 完成时限 as 2021年12月31日, or empty before an issue is assigned. */
export function dueText(row: LedgerRow): string {
  return row.view.due === null ? '' : chineseDate(row.view.due);
}

/** 备注: 退回N次、延期N次、重新打开N次 (only the ones that happened), the calendar gap or the provisional count, if any. */
export function remarksText(row: LedgerRow): string {
  const { item, view } = row;
  const parts: string[] = [];
  if (item.reworkCount > 0) parts.push(`退回${item.reworkCount}次`);
  if (item.extensionCount > 0) parts.push(`延期${item.extensionCount}次`);
  if (item.reopenCount > 0) parts.push(`重新打开${item.reopenCount}次`);
  if (view.calendarGap !== null) parts.push(`缺${view.calendarGap.year}年工作日历，工作日数未计算`);
  if (view.provisional) parts.push('工作日数按法定节假日暂计（待国务院放假通知）');
  return parts.join('、');
}

/**
 * Reads the instant a ledger is asked "as of" (HTTP `asOf`, the CLI's
 * `--as-of`): an ISO 8601 date-time with a zone (`2021-06-30T18:00+08:00`,
 * `2021-06-30T10:00:00Z`), or a bare date `2021-06-30`, read as the END of
 * that day in Asia/Shanghai (23:59:59.999): "the ledger as of 6月30日"
 * includes that day. Null when the text is neither.
 */
export function parseLedgerInstant(text: string): Date | null {
  try {
    if (/^\d{4}-\d{2}-\d{2}$/.test(text)) return new Date(startOfLocalDay(text).getTime() + 86_400_000 - 1);
    if (!/T/.test(text)) return null;
    return toInstant(text);
  } catch {
    return null;
  }
}
