/**
 * Tables in extracted text: tab-separated rows (a PDF or Word table pasted as
 * text), markdown pipe rows, and rows of a label followed by numbers separated
 * by spaces (seed 000 附件: "郑州航空港区 2 200 15 50") whose header the PDF
 * broke over several lines. This file only finds the blocks, their header,
 * title and notes; preview.ts decides what a table means.
 */
import type { Line } from './lines';
import { tighten } from './lines';

export interface TableRow {
  readonly line: number;
  readonly cells: readonly string[];
}

export interface TableBlock {
  readonly style: 'tab' | 'pipe' | 'space';
  readonly line: number;
  readonly endLine: number;
  /** Header cells (for a space table: rebuilt from the header lines); null when none was found. */
  readonly header: TableRow | null;
  readonly rows: readonly TableRow[];
  /** The lines above the table that name it, joined ("2021年郑州市小微企业园建设工作目标任务分解表"). */
  readonly title: string | null;
  /** "单位：家" above the table: the measure of its values. */
  readonly measure: string | null;
  /** Lines just below the table starting with 注 / 说明 / 备注. */
  readonly notes: readonly string[];
  /** Set when the header could not be matched to the columns. */
  readonly headerProblem: string | null;
}

const cleanCell = (cell: string): string => tighten(cell.replace(/<\/?[a-zA-Z][^>]*>/g, '').replace(/\*\*/g, ''));

const NUMERIC = /^-?\d+(?:[.,]\d+)*%?$/;
export const isNumericCell = (cell: string): boolean => NUMERIC.test(cell.replace(/\s+/g, ''));
export const numericValue = (cell: string): number => Number(cell.replace(/[\s,%]/g, ''));

const ANNEX_HEADING = /^附\s*件\s*\d*$/;
const MEASURE = /^(?:计量)?单位[:：]\s*(\S+)$/;
const TITLE_LIKE = /表$|目标任务|任务目标|分解|一览|清单$|计划表/;

function tabCells(raw: string): string[] | null {
  if (!raw.includes('\t')) return null;
  const cells = raw.split('\t').map(cleanCell);
  while (cells.length > 0 && cells.at(-1) === '') cells.pop();
  return cells.filter((c) => c !== '').length >= 2 ? cells : null;
}

function pipeCells(raw: string): string[] | null {
  const t = raw.trim();
  if (!t.startsWith('|') || t.length < 3) return null;
  const inner = t.replace(/^\|/, '').replace(/\|$/, '');
  const cells = inner.split('|').map(cleanCell);
  if (cells.every((c) => /^:?-{2,}:?$/.test(c) || c === '')) return []; // the |---|---| separator
  return cells.length >= 2 ? cells : null;
}

/** "郑州航空港区 2 200 15 50" → ["郑州航空港区", "2", "200", "15", "50"]; null unless a label and ≥1 number. */
function spaceCells(raw: string): string[] | null {
  // PDF spaces around parentheses belong to the name: "区县 (市)" is one cell.
  const t = raw
    .replace(/\t/g, ' ')
    .trim()
    .replace(/\s+(?=[(（])/g, '')
    .replace(/(?<=[(（])\s+/g, '')
    .replace(/\s+(?=[)）])/g, '');
  const tokens = t.split(/\s+/).filter((x) => x !== '');
  if (tokens.length < 2) return null;
  let firstNumber = tokens.findIndex((x) => isNumericCell(x));
  if (firstNumber <= 0) return null;
  if (!tokens.slice(firstNumber).every((x) => isNumericCell(x) || /^[—–\-/]$/.test(x))) return null;
  const label = tighten(tokens.slice(0, firstNumber).join(' '));
  if (/^\d/.test(label) || /[。；]/.test(label)) return null;
  firstNumber = Math.max(firstNumber, 1);
  return [label, ...tokens.slice(firstNumber)];
}

/**
 * Rebuilds a header the PDF broke over lines: tokens of each line; a line
 * holding one token continues the last token of the line above it
 * ("新开工市级" + "小微企业园"). Gives `columns` names, or null.
 */
function rebuildHeader(lines: readonly Line[], columns: number): string[] | null {
  const tokenLines = lines.map((l) =>
    l.raw
      .trim()
      .replace(/\s+(?=[(（])/g, '')
      .replace(/(?<=[(（])\s+/g, '')
      .split(/\s+/)
      .filter((x) => x !== '')
      .map(cleanCell),
  );
  const flat = (): string[] => tokenLines.flat();
  if (flat().length === columns) return flat();
  for (let i = tokenLines.length - 1; i > 0 && flat().length > columns; i--) {
    if (tokenLines[i]!.length === 1 && tokenLines[i - 1]!.length > 0) {
      const prev = tokenLines[i - 1]!;
      prev[prev.length - 1] = prev[prev.length - 1]! + tokenLines[i]![0]!;
      tokenLines.splice(i, 1);
    }
  }
  return flat().length === columns ? flat() : null;
}

/**
 * Finds the tables among `lines` (a region: the body or one annex), with the
 * header, title, measure and notes of each.
 */
export function findTables(lines: readonly Line[]): TableBlock[] {
  const blocks: TableBlock[] = [];
  let i = 0;
  const regionStart = 0;
  while (i < lines.length) {
    const line = lines[i]!;
    const tab = tabCells(line.raw);
    const pipe = tab === null ? pipeCells(line.raw) : null;
    const space = tab === null && pipe === null ? spaceCells(line.raw) : null;
    const style = tab !== null ? 'tab' : pipe !== null ? 'pipe' : space !== null ? 'space' : null;
    if (style === null) {
      i++;
      continue;
    }
    // Collect the block: rows of the same style; blank lines may sit between rows.
    const rows: TableRow[] = [];
    let j = i;
    let last = i;
    while (j < lines.length) {
      const l = lines[j]!;
      if (l.text === '' && !l.raw.includes('\t')) {
        j++;
        continue;
      }
      const cells = style === 'tab' ? tabCells(l.raw) : style === 'pipe' ? pipeCells(l.raw) : spaceCells(l.raw);
      if (cells === null) break;
      if (cells.length > 0) rows.push({ line: l.no, cells });
      last = j;
      j++;
    }
    if (rows.length < 2 && style === 'space') {
      i = last + 1;
      continue;
    }

    let header: TableRow | null = null;
    let body = rows;
    let headerProblem: string | null = null;
    let above = i - 1; // the last line above the table not used by the header
    if (style === 'space') {
      const columns = rows[0]!.cells.length;
      const headerLines: Line[] = [];
      let k = i - 1;
      while (k >= regionStart && headerLines.length < 4) {
        const l = lines[k]!;
        if (l.text === '') {
          k--;
          continue;
        }
        if (ANNEX_HEADING.test(l.text) || MEASURE.test(l.text) || TITLE_LIKE.test(l.text) || /[。；]/.test(l.text)) break;
        headerLines.unshift(l);
        k--;
      }
      above = k;
      if (headerLines.length === 0) {
        headerProblem = 'no header line above the rows';
      } else {
        const named = rebuildHeader(headerLines, columns) ?? rebuildHeader(headerLines, columns - 1);
        if (named === null) {
          headerProblem = `the header (lines ${headerLines[0]!.no}–${headerLines.at(-1)!.no}) does not split into ${columns} columns`;
        } else {
          header = { line: headerLines[0]!.no, cells: named.length === columns ? named : ['', ...named] };
        }
      }
    } else {
      header = rows[0]!;
      body = rows.slice(1);
    }

    // Title and measure: the non-empty lines above, back to the region's start or an annex heading (at most 4).
    const titleParts: string[] = [];
    let measure: string | null = null;
    for (let k = above, taken = 0; k >= regionStart && taken < 4; k--) {
      const l = lines[k]!;
      if (l.text === '') continue;
      if (ANNEX_HEADING.test(l.text) || l.raw.includes('\t')) break;
      const m = l.text.match(MEASURE);
      if (m) {
        measure ??= m[1]!;
        continue;
      }
      if (/[。；：:]$/.test(l.text) || l.text.length > 60) break;
      titleParts.unshift(l.text);
      taken++;
    }
    const notes: string[] = [];
    for (let k = last + 1; k < lines.length; k++) {
      const l = lines[k]!;
      if (l.text === '') continue;
      if (/^(?:注|说明|备注)\s*\d*\s*[:：]/.test(l.text)) notes.push(l.text);
      else break;
    }
    blocks.push({
      style,
      line: header?.line ?? rows[0]!.line,
      endLine: lines[last]!.no,
      header,
      rows: body,
      title: titleParts.length > 0 ? titleParts.join('') : null,
      measure,
      notes,
      headerProblem,
    });
    i = last + 1;
  }
  return blocks;
}
