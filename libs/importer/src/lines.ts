/**
 * The line model: text extracted from a PDF or a markdown conversion, one
 * entry per line with its 1-based line number, the raw line (tabs kept, for
 * tables) and a cleaned line (markdown and HTML marks removed, the spaces a PDF
 * inserts between Chinese characters removed) for everything else.
 */
import { toSimplified } from './traditional';

export interface Line {
  /** 1-based line number in the input. */
  readonly no: number;
  /** The line after traditional → simplified and full-width digits → ASCII; tabs and spaces kept. */
  readonly raw: string;
  /** Cleaned: no markdown/HTML marks, no PDF spaces, trimmed; '' for blank lines, page numbers and rules. */
  readonly text: string;
  /** A markdown heading (# …). */
  readonly heading: boolean;
}

/** Characters next to which whitespace is a PDF artefact (CJK, full-width forms, Chinese and ASCII punctuation). */
const TIGHT = '\\u2e80-\\u9fff\\uf900-\\ufaff\\ufe30-\\ufe4f\\uff00-\\uffef\\u3000-\\u303f\\u2010-\\u206f\\u2160-\\u2188\\u2460-\\u24ff\\u2150-\\u218f\\u2200-\\u22ff\\u2215\\u00b7\\u00d7()\\[\\]:;,.!?%+\\-/\\\\';
const SPACE_BEFORE_TIGHT = new RegExp(`\\s+(?=[${TIGHT}])`, 'g');
const SPACE_AFTER_TIGHT = new RegExp(`(?<=[${TIGHT}])\\s+`, 'g');
const HTML_TAG = /<\/?[a-zA-Z][^>]*>/g;
const PAGE_NUMBER = /^[-—–－~\s]*[-—–－~]\s*\d{1,3}\s*[-—–－~][-—–－~\s]*$/;
const RULE = /^(?:-{3,}|\*{3,}|_{3,}|={3,})$/;

/** Removes the whitespace a PDF puts between Chinese characters, digits and punctuation; keeps one space between ASCII words. */
export function tighten(text: string): string {
  return text
    .replace(/[\u3000\u00a0\t\f\v]/g, ' ')
    .replace(SPACE_BEFORE_TIGHT, '')
    .replace(SPACE_AFTER_TIGHT, '')
    .replace(/ {2,}/g, ' ')
    .trim();
}

/** Cleans one line for reading: markdown heading marks, bold/italic marks, HTML tags, PDF spaces. */
export function cleanLine(raw: string): { text: string; heading: boolean } {
  let s = raw.replace(HTML_TAG, '');
  const heading = /^\s*#{1,6}\s/.test(s);
  s = s.replace(/^\s*#{1,6}\s+/, '').replace(/^\s*>\s?/, '');
  s = s.replace(/\*\*|__/g, '');
  const text = tighten(s);
  if (PAGE_NUMBER.test(text) || RULE.test(text)) return { text: '', heading: false };
  return { text, heading };
}

export interface LineModel {
  readonly lines: readonly Line[];
  /** Traditional characters replaced, and a few of them as "責→责×3" for the warning. */
  readonly traditional: { readonly replaced: number; readonly samples: readonly string[] };
}

/** Splits text into lines (\r\n, \r, \n; U+2028/2029 too) and cleans each. */
export function toLines(text: string): LineModel {
  const simplified = toSimplified(text);
  const normal = simplified.text.replace(/[０-９]/g, (d) => String.fromCharCode(d.charCodeAt(0) - 0xfee0));
  const rawLines = normal.split(/\r\n|\r|\n|\u2028|\u2029/);
  const lines = rawLines.map((raw, i): Line => {
    const { text: cleaned, heading } = cleanLine(raw);
    return { no: i + 1, raw, text: cleaned, heading };
  });
  return { lines, traditional: { replaced: simplified.replaced, samples: simplified.samples } };
}

/**
 * Text assembled from pieces of several lines, remembering where each piece
 * starts so that a position in the text gives back its line number.
 */
export class SourceText {
  private readonly starts: number[] = [];
  private readonly lineNos: number[] = [];
  private value = '';

  append(text: string, line: number): this {
    if (text === '') return this;
    this.starts.push(this.value.length);
    this.lineNos.push(line);
    this.value += text;
    return this;
  }

  get text(): string {
    return this.value;
  }

  get firstLine(): number | null {
    return this.lineNos[0] ?? null;
  }

  /** Line number of the character at `offset` (the last line for offsets past the end). */
  lineAt(offset: number): number {
    let lo = 0;
    let hi = this.starts.length - 1;
    if (hi < 0) return 0;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return this.lineNos[lo]!;
  }

  /** A slice of the text, keeping the line numbers. */
  slice(start: number, end: number = this.value.length): SourceText {
    const out = new SourceText();
    for (let i = 0; i < this.starts.length; i++) {
      const from = this.starts[i]!;
      const to = i + 1 < this.starts.length ? this.starts[i + 1]! : this.value.length;
      const a = Math.max(from, start);
      const b = Math.min(to, end);
      if (a < b) out.append(this.value.slice(a, b), this.lineNos[i]!);
    }
    return out;
  }
}
