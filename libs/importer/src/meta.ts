/**
 * The document's header and footer: issuer (发文机关), 文号, title, dates,
 * 主办 and 督办, and where the body, the annexes and the footer begin.
 */
import type { Line } from './lines';
import { markerOf } from './outline';
import { parseChineseNumeral } from './numbers';

const pad = (n: number): string => String(n).padStart(2, '0');

/** "〔2021〕" in any bracket the extraction produced: 〔〕 ［］ [] 【】 （） (). */
const DOC_NUMBER = /^([\u4e00-\u9fa5]{1,12}?)[〔［\[【（(]((?:19|20)\d{2})[〕］\]】）)](\d{1,5})号/;
const GENRES = ['实施方案', '工作方案', '实施意见', '指导意见', '工作要点', '通知', '通报', '意见', '方案', '要点', '决定', '批复', '报告', '办法', '规定', '细则', '计划', '规划', '公告', '通告', '纪要', '请示', '措施', '函'];
const GENRE_AT_END = new RegExp(`(${GENRES.join('|')})(?:[（(][^）)]*[）)])?$`);
export const ANNEX_HEADING = /^附\s*件\s*\d*$/;
export const ANNEX_REFERENCE = /^附\s*件\s*\d*\s*[:：]/;
const FOOTER = /^(?:主办|督办|抄送|抄报|分送|发送)[:：]|印发$/;
const CLOSING = /^本(?:意见|方案|通知|办法|规定|细则|要点|计划|决定|措施|实施方案|工作方案|实施意见).*(?:施行|执行|负责解释|有效期|废止)/;
const ORG_SUFFIX = /(?:人民政府|政府|办公厅|办公室|委员会|管委会|管理委员会|局|委|中心|公司)$/;

export function parseDateText(text: string): string | null {
  const t = text.replace(/\s+/g, '');
  let m = t.match(/^(\d{4})年(\d{1,2})月(\d{1,2})日/);
  if (m) return valid(Number(m[1]), Number(m[2]), Number(m[3]));
  m = t.match(/^([〇零一二三四五六七八九]{4})年([一二三四五六七八九十]{1,2})月([一二三四五六七八九十]{1,3})日/);
  if (m) {
    const year = Number([...m[1]!].map((c) => parseChineseNumeral(c) ?? 0).join(''));
    return valid(year, parseChineseNumeral(m[2]!) ?? 0, parseChineseNumeral(m[3]!) ?? 0);
  }
  return null;
}

function valid(y: number, m: number, d: number): string | null {
  if (m < 1 || m > 12 || d < 1) return null;
  const last = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return d <= last ? `${y}-${pad(m)}-${pad(d)}` : null;
}

/** A line holding only a date ("2021年4月30日", "二〇二一年四月三十日"). */
export function standaloneDate(text: string): string | null {
  const t = text.replace(/\s+/g, '');
  if (!/^(?:\d{4}|[〇零一二三四五六七八九]{4})年[\d一二三四五六七八九十]{1,2}月[\d一二三四五六七八九十]{1,3}日$/.test(t)) return null;
  return parseDateText(t);
}

export interface Located<T> {
  readonly value: T;
  readonly line: number;
}

export interface Header {
  readonly issuer: Located<string> | null;
  readonly docNumber: Located<string> | null;
  readonly title: (Located<string> & { readonly endLine: number; readonly kind: string | null }) | null;
  /** The title is the header's first short line, not a 关于… title. */
  readonly titleFallback: boolean;
  readonly draft: boolean;
}

/** Index of the first line starting with an outline marker (or lines.length). */
export function firstMarkerIndex(lines: readonly Line[], from = 0, to = lines.length): number {
  for (let i = from; i < to; i++) if (lines[i]!.text !== '' && markerOf(lines[i]!.text) !== null) return i;
  return to;
}

/** Reads the header: the lines before the first outline marker. */
export function readHeader(lines: readonly Line[]): Header {
  const limit = firstMarkerIndex(lines);
  const header = lines.slice(0, limit);
  let issuer: Located<string> | null = null;
  let docNumber: Located<string> | null = null;
  for (const l of header) {
    if (l.text === '') continue;
    const fileLine = l.text.match(/^(.{2,40}?)文件$/);
    if (issuer === null && fileLine && !/[，。：:]/.test(fileLine[1]!)) issuer = { value: fileLine[1]!, line: l.no };
    const n = l.text.match(DOC_NUMBER);
    if (docNumber === null && n) docNumber = { value: `${n[1]}〔${n[2]}〕${n[3]}号`, line: l.no };
  }

  // Title: the line with 关于 (after the issuer's name, if it shares the line), continued until the genre word.
  let title: Header['title'] = null;
  for (let i = 0; i < header.length && title === null; i++) {
    const l = header[i]!;
    const m = l.text.match(/^(.*?)(关于.*)$/);
    if (!m || /[。；]/.test(l.text) || /[:：]$/.test(l.text)) continue;
    const prefix = m[1]!;
    if (prefix !== '' && (!ORG_SUFFIX.test(prefix) || /[，、,]/.test(prefix))) continue;
    let text = m[2]!;
    let end = l.no;
    for (let j = i + 1; j < header.length && !GENRE_AT_END.test(text) && j <= i + 6; j++) {
      const next = header[j]!;
      if (next.text === '') continue;
      if (/[。；：:]/.test(next.text) || standaloneDate(next.text) !== null) break;
      text += next.text;
      end = next.no;
    }
    // "（征求意见稿）" on the next line belongs to the title.
    for (let j = header.findIndex((x) => x.no === end) + 1; j < header.length; j++) {
      const next = header[j]!;
      if (next.text === '') continue;
      if (/^[（(][^）)]{1,10}[）)]$/.test(next.text)) {
        text += next.text;
        end = next.no;
      }
      break;
    }
    if (prefix !== '' && issuer === null) issuer = { value: prefix, line: l.no };
    const kind = text.match(GENRE_AT_END)?.[1] ?? null;
    title = { value: text, line: l.no, endLine: end, kind };
  }
  // No 关于 title: the first short line of the header that is not the issuer, the 文号, a date or an annex mark.
  let titleFallback = false;
  if (title === null) {
    const first = header.find(
      (l) =>
        l.text !== '' &&
        l.text.length <= 40 &&
        !/[。；：:，,]/.test(l.text) &&
        !/文件$/.test(l.text) &&
        !DOC_NUMBER.test(l.text) &&
        standaloneDate(l.text) === null &&
        !ANNEX_HEADING.test(l.text),
    );
    if (first !== undefined) {
      title = { value: first.text, line: first.no, endLine: first.no, kind: first.text.match(GENRE_AT_END)?.[1] ?? null };
      titleFallback = true;
    }
  }
  const draft = header.some((l) => /征求意见稿|草案|送审稿|讨论稿/.test(l.text));
  return { issuer, docNumber, title, titleFallback, draft };
}

export interface Regions {
  /** Index (in lines) of the first body line, i.e. the first item's marker; lines.length when there is no body. */
  readonly bodyStart: number;
  /** Index just past the body. */
  readonly bodyEnd: number;
  /** Annexes: [start, end) indexes, start at the 附件 heading line. */
  readonly annexes: ReadonlyArray<{ readonly start: number; readonly end: number; readonly number: number }>;
  /** Index of the first footer line (主办, 督办, 抄送, …印发), or lines.length. */
  readonly footerStart: number;
  /** The line that ended the body, when it was a signature or date line (for the date). */
  readonly endedBy: string;
}

/** Splits the document into header, body, the region after the body, annexes and footer. */
export function findRegions(lines: readonly Line[], titleLine: number | null): Regions {
  const n = lines.length;
  const nonEmptyBefore = (i: number): number => lines.slice(0, i).filter((l) => l.text !== '').length;
  const afterTitle = (i: number): boolean => (titleLine !== null ? lines[i]!.no > titleLine : nonEmptyBefore(i) >= 5);

  let footerStart = n;
  for (let i = 0; i < n; i++) {
    const t = lines[i]!.text;
    if (t !== '' && afterTitle(i) && FOOTER.test(t) && markerOf(t) === null) {
      footerStart = i;
      break;
    }
  }
  const annexStarts: number[] = [];
  for (let i = 0; i < footerStart; i++) {
    if (ANNEX_HEADING.test(lines[i]!.text) && afterTitle(i)) annexStarts.push(i);
  }
  const annexes = annexStarts.map((start, k) => {
    const digits = lines[start]!.text.match(/\d+/);
    return { start, end: annexStarts[k + 1] ?? footerStart, number: digits ? Number(digits[0]) : k + 1 };
  });
  const contentEnd = annexStarts[0] ?? footerStart;
  const bodyStart = firstMarkerIndex(lines, 0, contentEnd);
  let bodyEnd = contentEnd;
  let endedBy = contentEnd === footerStart ? 'footer' : 'annex';
  for (let i = bodyStart + 1; i < contentEnd; i++) {
    const l = lines[i]!;
    const t = l.text;
    if (t === '') continue;
    if (ANNEX_REFERENCE.test(t)) {
      bodyEnd = i;
      endedBy = 'annex-reference';
      break;
    }
    if (CLOSING.test(t)) {
      bodyEnd = i;
      endedBy = 'closing';
      break;
    }
    if (l.raw.split('\t').filter((c) => c.trim() !== '').length >= 3 || /^\s*\|.*\|\s*$/.test(l.raw)) {
      bodyEnd = i;
      endedBy = 'table';
      break;
    }
    if (standaloneDate(t) !== null) {
      bodyEnd = i;
      endedBy = 'date';
      // The signature just above the date ("郑州市人民政府办公厅") is not the last item's text.
      for (let k = i - 1; k > bodyStart; k--) {
        const s = lines[k]!.text;
        if (s === '') continue;
        if (s.length <= 30 && ORG_SUFFIX.test(s) && !/[，。；、]/.test(s)) bodyEnd = k;
        break;
      }
      break;
    }
  }
  return { bodyStart, bodyEnd: Math.max(bodyEnd, bodyStart), annexes, footerStart, endedBy };
}

export interface Footer {
  readonly sponsor: Located<string> | null;
  readonly supervisor: Located<string> | null;
  readonly printedDate: Located<string> | null;
}

/** 主办 and 督办 (on their own lines or sharing one), and the 印发 date, anywhere outside the body. */
export function readFooter(lines: readonly Line[], regions: Regions): Footer {
  let sponsor: Located<string> | null = null;
  let supervisor: Located<string> | null = null;
  let printedDate: Located<string> | null = null;
  lines.forEach((l, i) => {
    if (i >= regions.bodyStart && i < regions.bodyEnd) return;
    const t = l.text;
    if (t === '') return;
    if (/^(?:主办|督办)(?:单位)?[:：]/.test(t)) {
      const s = t.match(/主办(?:单位)?[:：](.+?)(?=督办(?:单位)?[:：]|$)/);
      const v = t.match(/督办(?:单位)?[:：](.+?)(?=主办(?:单位)?[:：]|$)/);
      if (s && sponsor === null) sponsor = { value: s[1]!.replace(/[。，,；;\s]+$/, ''), line: l.no };
      if (v && supervisor === null) supervisor = { value: v[1]!.replace(/[。，,；;\s]+$/, ''), line: l.no };
    }
    const p = t.match(/((?:\d{4}|[〇零一二三四五六七八九]{4})年[\d一二三四五六七八九十]{1,2}月[\d一二三四五六七八九十]{1,3}日)印发$/);
    if (p && printedDate === null) {
      const date = parseDateText(p[1]!);
      if (date !== null) printedDate = { value: date, line: l.no };
    }
  });
  return { sponsor, supervisor, printedDate };
}

/** The 成文日期: the first line holding only a date, outside annexes and footer. */
export function readDate(lines: readonly Line[], regions: Regions): Located<string> | null {
  const inAnnex = (i: number): boolean => regions.annexes.some((a) => i >= a.start && i < a.end);
  for (let i = 0; i < regions.footerStart; i++) {
    if (inAnnex(i) || (i >= regions.bodyStart && i < regions.bodyEnd)) continue;
    const date = standaloneDate(lines[i]!.text);
    if (date !== null) return { value: date, line: lines[i]!.no };
  }
  return null;
}
