/**
 * Reading a 完成时限 as a date. A month means its last day ("2021年4月" →
 * 2021-04-30, as the supervision office reads it); a date without a year takes
 * the document's year ("6月底前" in a document of 2021-04-30 → 2021-06-30);
 * "长期坚持" and "每季度" are not dates and say so.
 */
import type { DeadlineKind, Recurrence } from './types';
import { parseChineseNumeral } from './numbers';

export interface DeadlineContext {
  /** The document's date (YYYY-MM-DD), for dates written without a year. */
  readonly documentDate: string | null;
  /** The year to use when there is no document date (e.g. the 文号's year); null when unknown. */
  readonly fallbackYear: number | null;
}

export interface DeadlineReading {
  readonly kind: DeadlineKind;
  /** YYYY-MM-DD; null unless kind is 'date'. */
  readonly date: string | null;
  readonly recurrence: Recurrence | null;
  /** Remarks for the preview's warnings (year inferred, ambiguous wording, several dates). */
  readonly notes: ReadonlyArray<{ readonly code: 'deadline-year-inferred' | 'deadline-ambiguous' | 'deadline-several' | 'deadline-unrecognised'; readonly message: string }>;
}

const pad = (n: number): string => String(n).padStart(2, '0');
const iso = (y: number, m: number, d: number): string => `${String(y).padStart(4, '0')}-${pad(m)}-${pad(d)}`;
const lastDay = (y: number, m: number): number => new Date(Date.UTC(y, m, 0)).getUTCDate();
const validDay = (y: number, m: number, d: number): boolean => m >= 1 && m <= 12 && d >= 1 && d <= lastDay(y, m);

const RECURRENCES: ReadonlyArray<[RegExp, Recurrence]> = [
  [/(?:每|按)(?:个)?(?:周|星期)|每周/, 'weekly'],
  [/(?:每|按)(?:个)?月|月度(?:报送|调度|通报)?$/, 'monthly'],
  [/(?:每|按)(?:个)?季(?:度)?|季度(?:报送|调度|通报)?$/, 'quarterly'],
  [/(?:每|按)半年/, 'half-yearly'],
  [/(?:每|按)(?:一)?年(?:度)?(?!底|末|内)/, 'yearly'],
];
const ONGOING = /长期|持续|常态|长效|经常性|不定期|定期/;
const IMMEDIATE = /立即|即时|立行立改|马上/;

/** Chinese-numeral months and days ("六月底", "十二月三十一日") as digits. */
function digitsForChineseDates(text: string): string {
  return text
    .replace(/([零〇一二三四五六七八九]{4})年/g, (_m, y: string) => `${[...y].map((c) => parseChineseNumeral(c) ?? 0).join('')}年`)
    .replace(/([一二三四五六七八九十]{1,3})(月|日)/g, (m, n: string, unit: string) => {
      const value = parseChineseNumeral(n);
      return value === null ? m : `${value}${unit}`;
    });
}

interface Found {
  readonly start: number;
  readonly y: number | null;
  readonly m: number;
  readonly d: number;
  /** For a month/quarter written without 底/末: "6月前" (before June) is ambiguous. */
  readonly before?: boolean;
}

/** Every date expression in the text, in order of appearance. */
function findDates(text: string): Found[] {
  const found: Found[] = [];
  const taken: Array<[number, number]> = [];
  const free = (a: number, b: number): boolean => taken.every(([s, e]) => b <= s || a >= e);
  const add = (re: RegExp, make: (m: RegExpExecArray) => Omit<Found, 'start'> | null): void => {
    for (const m of text.matchAll(new RegExp(re.source, 'g'))) {
      const start = m.index!;
      const end = start + m[0].length;
      if (!free(start, end)) continue;
      // "2021年4月起", "自6月开始": a starting point, not a deadline.
      if (/^(?:起|开始|以来|至今)/.test(text.slice(end))) {
        taken.push([start, end]);
        continue;
      }
      const value = make(m as RegExpExecArray);
      if (value === null) continue;
      taken.push([start, end]);
      found.push({ start, ...value });
    }
  };
  const Y = '(?:(\\d{4})年)?';
  // 2021年4月30日, 4月30日
  add(new RegExp(`${Y}(\\d{1,2})月(\\d{1,2})[日号]`), (m) => ({ y: m[1] ? Number(m[1]) : null, m: Number(m[2]), d: Number(m[3]) }));
  // 2021年4月上旬/中旬/下旬/底/末, 6月底前, 2021年4月, 6月前
  add(new RegExp(`${Y}(\\d{1,2})(?:个)?月(上旬|中旬|下旬|底|末|份)?(前|以前|之前)?`), (m) => {
    if (m[0].includes('个月')) return null; // "3个月" is a duration
    const y = m[1] ? Number(m[1]) : null;
    const month = Number(m[2]);
    if (month < 1 || month > 12) return null;
    const part = m[3];
    const d = part === '上旬' ? 10 : part === '中旬' ? 20 : 0;
    const before = m[4] !== undefined && (part === undefined || part === '份');
    return { y, m: month, d, before };
  });
  // 2021年上半年/下半年, 2021年一季度/第二季度/三季度末
  add(new RegExp(`${Y}(上半年|下半年|第?[一二三四1-4]季度)`), (m) => {
    const y = m[1] ? Number(m[1]) : null;
    const what = m[2]!;
    if (what === '上半年') return { y, m: 6, d: 0 };
    if (what === '下半年') return { y, m: 12, d: 0 };
    const q = parseChineseNumeral(what.replace(/第|季度/g, '')) ?? Number(what.replace(/第|季度/g, ''));
    return { y, m: q * 3, d: 0 };
  });
  // 2022年底前, 2022年年底, 2022年末, 年底前, 年内, 2022年前
  add(/(?:(\d{4})年)?(?:年底|年末|底|末|年内|内)(?:前|以前|之前)?|(\d{4})年(?:前|以前|之前|完成|全面完成)/, (m) => {
    const yText = m[1] ?? m[2];
    if (yText === undefined && !/^(年底|年末|年内)/.test(m[0])) return null;
    return { y: yText ? Number(yText) : null, m: 12, d: 31 };
  });
  return found.sort((a, b) => a.start - b.start);
}

/** Reads a deadline as written in a 完成时限 field, a division table or a parenthesis. */
export function readDeadline(written: string, context: DeadlineContext): DeadlineReading {
  const text = digitsForChineseDates(written.replace(/\s+/g, ''));
  const notes: Array<DeadlineReading['notes'][number]> = [];
  const dates = findDates(text);

  if (dates.length === 0) {
    for (const [re, recurrence] of RECURRENCES) {
      if (re.test(text)) return { kind: 'recurring', date: null, recurrence, notes };
    }
    if (IMMEDIATE.test(text)) return { kind: 'immediate', date: null, recurrence: null, notes };
    if (ONGOING.test(text)) return { kind: 'ongoing', date: null, recurrence: null, notes };
    notes.push({ code: 'deadline-unrecognised', message: `完成时限 "${written}" is not read as a date` });
    return { kind: 'unrecognised', date: null, recurrence: null, notes };
  }

  const docYear = context.documentDate !== null ? Number(context.documentDate.slice(0, 4)) : context.fallbackYear;
  const resolved: string[] = [];
  let lastYear: number | null = null;
  for (const f of dates) {
    // "2021年6月底前完成方案，12月底前全面完成": a date without a year follows the year written before it.
    const inherited = f.y === null && lastYear !== null;
    let year = f.y ?? lastYear;
    if (f.y !== null) lastYear = f.y;
    if (year === null) {
      if (docYear === null) {
        notes.push({ code: 'deadline-unrecognised', message: `"${written}" gives no year and the document has no date: not read as a date` });
        continue;
      }
      year = docYear;
    }
    let month = f.m;
    let day = f.d;
    if (f.before) {
      // "6月前": before June, i.e. by the end of May (a month written without 底 is read literally).
      notes.push({ code: 'deadline-ambiguous', message: `"${written}": "${f.m}月前" is read as before ${f.m}月, i.e. by the end of ${f.m === 1 ? 12 : f.m - 1}月` });
      month = f.m - 1;
      if (month === 0) {
        month = 12;
        year -= 1;
      }
      day = 0;
    }
    if (day === 0) day = lastDay(year, month);
    if (!validDay(year, month, day)) {
      notes.push({ code: 'deadline-unrecognised', message: `"${written}" names no real date (${year}-${month}-${day})` });
      continue;
    }
    let date = iso(year, month, day);
    if (f.y === null && !inherited) {
      // Written without a year: the document's year, or the next one when that date is already past at issue.
      if (context.documentDate !== null && date < context.documentDate) {
        const next = iso(year + 1, month, Math.min(day, lastDay(year + 1, month)));
        notes.push({ code: 'deadline-year-inferred', message: `"${written}" has no year; ${date} is before the document's date ${context.documentDate}, so ${next} is proposed` });
        date = next;
      } else {
        notes.push({
          code: 'deadline-year-inferred',
          message: `"${written}" has no year; the ${context.documentDate !== null ? "document's" : "文号's"} year ${year} is used`,
        });
      }
    }
    resolved.push(date);
  }
  if (resolved.length === 0) return { kind: 'unrecognised', date: null, recurrence: null, notes };
  const latest = [...resolved].sort().at(-1)!;
  if (new Set(resolved).size > 1) {
    notes.push({ code: 'deadline-several', message: `"${written}" names ${resolved.length} dates (${resolved.join(', ')}); the latest, ${latest}, is proposed` });
  }
  return { kind: 'date', date: latest, recurrence: null, notes };
}
