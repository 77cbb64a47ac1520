/**
 * Numeric targets written in an item's text, read only where the words say how
 * to compare: "20个以上" (>= 20 个), "不少于2个" (>= 2), "达到500项" (>= 500),
 * "超过3个" (> 3), "不超过300万元" (<= 300 万元), "61日内办结" (<= 61 日),
 * "10个左右" (= 10, approximate). A bare quantity ("培育…企业15家") is not read:
 * its comparator would be a guess (the annex tables carry those figures).
 * "以下" is not read either: in these documents it qualifies a condition
 * ("亩均税收1万元以下…的企业"), not a target.
 */
import type { TargetComparator } from '@duban/domain/task';
import type { SourceText } from './lines';
import type { ItemTarget } from './types';
import { parseChineseNumeral } from './numbers';

const NUMBER = '(\\d+(?:\\.\\d+)?|[一二两三四五六七八九十百千]+)';
const RANGE = `${NUMBER}(?:\\s*[—–\\-－~～至到]\\s*${NUMBER})?`;
/** Measure words, longest first so that 个工作日 wins over 个. */
const UNITS = [
  '个百分点', '个工作日', '平方公里', '万平方米', '平方米', '万千瓦时', '千瓦时', '万千瓦', '千瓦', '万人次', '人次',
  '公里', '万亩', '亿元', '万元', '元', '万人', '万户', '万家', '万个', '万吨', '亿', '万', '个月', '小时', '分钟',
  '家次', '户次', '批次', '场次', '架次', '件次',
  '个', '家', '项', '次', '件', '名', '人', '户', '亩', '座', '所', '条', '批', '台', '套', '场', '宗', '栋', '幢',
  '米', '吨', '倍', '天', '日', '年', '周', '%', '‰',
];
const TIME_UNITS = new Set(['个工作日', '个月', '小时', '分钟', '天', '日', '年', '周']);
const UNIT = `(${UNITS.map((u) => u.replace(/[%]/g, '\\$&')).join('|')})?(?:[/∕每](人|亩|平方米|年|户|家))?`;

const AT_LEAST = ['不少于', '不低于', '不小于', '不得少于', '不得低于', '至少', '最少', '达到', '达'];
const MORE_THAN = ['超过', '高于', '多于', '大于', '超'];
const AT_MOST = ['最高不超过', '不得超过', '不得高于', '不超过', '不高于', '不多于', '不大于', '控制在', '最多', '最高'];
const LESS_THAN = ['低于', '少于', '小于'];
const COMPARATOR_WORDS: ReadonlyArray<[string, TargetComparator]> = [
  ...AT_LEAST.map((w): [string, TargetComparator] => [w, '>=']),
  ...MORE_THAN.map((w): [string, TargetComparator] => [w, '>']),
  ...AT_MOST.map((w): [string, TargetComparator] => [w, '<=']),
  ...LESS_THAN.map((w): [string, TargetComparator] => [w, '<']),
].sort((a, b) => b[0].length - a[0].length);
const WORD = `(${COMPARATOR_WORDS.map(([w]) => w).join('|')})`;

/** "不少于2个", "不得超过工业用地面积的7%" (a short "…的" between the word and the number). */
const WORD_FIRST = new RegExp(`${WORD}((?:[^，。；、\\d\\s]{1,14}?的|[^，。；、\\d\\s的]{1,6}?)?)${RANGE}${UNIT}(以上|以内|左右)?`, 'g');
/** Words that may stand a few characters before their number without a "…的" ("至少新引进1—2家"). */
const LOOSE_WORDS = new Set(['至少', '最少']);
/** "20个以上", "61日内", "10个左右". */
const NUMBER_FIRST = new RegExp(`${RANGE}${UNIT}(以上|及以上|以内|内|左右)`, 'g');

function toNumber(text: string): number | null {
  if (/^\d/.test(text)) return Number(text);
  return parseChineseNumeral(text);
}

interface Span {
  readonly start: number;
  readonly end: number;
  readonly target: Omit<ItemTarget, 'line'>;
}

function make(
  comparator: TargetComparator,
  low: string,
  high: string | undefined,
  unit: string,
  per: string | undefined,
  text: string,
  approximate: boolean,
): Omit<ItemTarget, 'line'> | null {
  const a = toNumber(low);
  const b = high === undefined ? null : toNumber(high);
  if (a === null || (high !== undefined && b === null)) return null;
  // a range a—b: at least a, at most b
  const value = comparator === '<=' || comparator === '<' ? (b ?? a) : a;
  return {
    value,
    unit: per === undefined ? unit : `${unit}/${per}`,
    comparator,
    text,
    ...(approximate ? { approximate: true as const } : {}),
  };
}

/** Years ("2025年") and dates are not quantities. */
function isDateLike(number: string, unit: string, after: string): boolean {
  if (unit === '年' && /^\d{4}$/.test(number)) return true;
  if ((unit === '日' || unit === '年') && /^[月号底]/.test(after)) return true;
  return false;
}

/** The targets in an item's text, in order of appearance, each with its line. */
export function findTargets(source: SourceText): ItemTarget[] {
  const text = source.text;
  const spans: Span[] = [];
  const overlaps = (s: number, e: number): boolean => spans.some((x) => s < x.end && e > x.start);

  for (const m of text.matchAll(WORD_FIRST)) {
    const [all, word, gap, low, high, unitRaw, per, tail] = m;
    const unit = unitRaw ?? '';
    const start = m.index!;
    const end = start + all.length;
    if (gap !== '' && !gap!.endsWith('的') && !LOOSE_WORDS.has(word!)) continue;
    if (isDateLike(low!, unit, text.slice(end))) continue;
    if (unit === '' && per === undefined && tail === undefined && !/^\d/.test(low!)) continue; // "达一流" is not a number
    if (unit === '' && /^(?:\d{3,})$/.test(low!) && /^[强家个]/.test(text.slice(end))) continue; // "500强"
    let comparator = COMPARATOR_WORDS.find(([w]) => w === word)![1];
    if (tail === '以上') comparator = '>=';
    if (tail === '以内') comparator = '<=';
    const target = make(comparator, low!, high, unit, per, all, tail === '左右');
    if (target !== null && !overlaps(start, end)) spans.push({ start, end, target });
  }
  for (const m of text.matchAll(NUMBER_FIRST)) {
    const [all, low, high, unitRaw, per, tail] = m;
    const unit = unitRaw ?? '';
    const start = m.index!;
    const end = start + all.length;
    if (overlaps(start, end)) continue;
    if (unit === '' && tail !== '左右') continue; // "以上" after a bare number ("三年以上" is caught with 年)
    if (/^[一二两三四五六七八九十百千]/.test(low!) && unit === '') continue;
    if (isDateLike(low!, unit, text.slice(end))) continue;
    // "内" only after a time ("61日内办结", "1个工作日内"): "园区内" is a place.
    if (tail === '内' && !TIME_UNITS.has(unit)) continue;
    // The number must not continue a longer one ("2021年" read from "021年").
    if (start > 0 && /[\d.]/.test(text[start - 1]!)) continue;
    const comparator: TargetComparator = tail === '左右' ? '=' : tail === '以上' || tail === '及以上' ? '>=' : '<=';
    const target = make(comparator, low!, high, unit, per, all, tail === '左右');
    if (target !== null) spans.push({ start, end, target });
  }
  return spans
    .sort((a, b) => a.start - b.start)
    .map((s) => ({ ...s.target, line: source.lineAt(s.start) }));
}
