/**
 * The 催办通知 an urge carries: the text the unit's inbox shows, written as a
 * supervision office writes it (Beijing time, full-width punctuation).
 */
import { SHANGHAI_UTC_OFFSET_MS } from '../calendar/local-date';

/** What the notice names: a task share (文号, item path, title) or an issue (its title and number). */
export type UrgeNoticeSubject =
  | { readonly kind: 'task'; readonly docNumber: string; readonly itemPath: string; readonly title: string; readonly unitId: string }
  | { readonly kind: 'issue'; readonly issueId: string; readonly title: string; readonly unitId: string };

/** 2021年6月30日23:59 (Beijing time). */
export function beijingDateTime(instant: string): string {
  const d = new Date(Date.parse(instant) + SHANGHAI_UTC_OFFSET_MS);
  const hh = String(d.getUTCHours()).padStart(2, '0');
  const mm = String(d.getUTCMinutes()).padStart(2, '0');
  return `${d.getUTCFullYear()}年${d.getUTCMonth() + 1}月${d.getUTCDate()}日${hh}:${mm}`;
}

export function urgeNoticeText(subject: UrgeNoticeSubject, deadline: string, workingDaysOverdue: number): string {
  const item =
    subject.kind === 'task'
      ? `${subject.docNumber}（${subject.itemPath}）“${subject.title}”事项` // 文号（路径）, as the ledger writes it
      : `“${subject.title}”问题（编号：${subject.issueId}）`;
  return (
    `催办通知\n${subject.unitId}：\n` +
    `你单位承办的${item}，办理时限为${beijingDateTime(deadline)}（北京时间），截至目前尚未办结销号，` +
    `已逾期${workingDaysOverdue}个工作日。请你单位高度重视，抓紧办理，及时报送办理进展情况；` +
    `确因客观原因不能按期办结的，请书面说明原因及下一步工作措施。`
  );
}
