/**
 * The outline of a policy document's body: 一、 → （一） → 1. → （1） → ①.
 *
 * Levels are not fixed: the first marker kind met is the top level, a new kind
 * opens a level below the current one, a kind met before closes back to its
 * level (so "四、 7." and "三、（一）1." both work, and the （一） of a later
 * section starts again under it).
 *
 * A path has one segment per level, written as the marker without its
 * punctuation: 一、 → "一", （三） or (三) → "（三）" (full-width parentheses),
 * 1. → "1", （1） → "（1）", ① → "①". Seed 000's "(三)1." under "一、" is
 * "一/（三）/1"; seed 001's "7." under "四、" is "四/7".
 */
import { FIELD_LINE, splitLabelled } from './fields';
import type { FieldValue } from './fields';
import type { Line } from './lines';
import { SourceText } from './lines';
import { CHINESE_NUMERAL_CHARS } from './numbers';

export type MarkerKind = 'cn' | 'cn-paren' | 'num' | 'num-paren' | 'circled';

export interface Marker {
  readonly kind: MarkerKind;
  /** The path segment ("一", "（三）", "1", "（1）", "①"). */
  readonly segment: string;
  /** The number as written, without punctuation ("三", "12"). */
  readonly number: string;
  /** The rest of the line after the marker. */
  readonly rest: string;
}

const CN = `[${CHINESE_NUMERAL_CHARS}]+`;
const MARKERS: ReadonlyArray<[RegExp, MarkerKind]> = [
  [new RegExp(`^(${CN})[、．.](?!\\d)`), 'cn'],
  [new RegExp(`^[（(](${CN})[）)]`), 'cn-paren'],
  [/^(\d{1,3})(?:[.．、](?!\d)|\s*[)）])/, 'num'],
  [/^[（(](\d{1,3})[）)]/, 'num-paren'],
  [/^([\u2460-\u2473])/, 'circled'],
];

/** The outline marker a (cleaned) line starts with, or null. */
export function markerOf(text: string): Marker | null {
  for (const [re, kind] of MARKERS) {
    const m = text.match(re);
    if (!m) continue;
    const number = m[1]!;
    const segment = kind === 'cn-paren' || kind === 'num-paren' ? `（${number}）` : number;
    return { kind, segment, number, rest: text.slice(m[0].length).trim() };
  }
  return null;
}

/** A field whose value may continue on the following lines. */
export interface MutableField extends FieldValue {
  readonly value: SourceText;
}

export interface OutlineNode {
  readonly kind: MarkerKind;
  readonly segment: string;
  readonly number: string;
  readonly line: number;
  endLine: number;
  readonly parent: OutlineNode | null;
  readonly children: OutlineNode[];
  readonly depth: number;
  /** True when the marker line is a heading ("（一）加强组织领导") and the text starts below it. */
  readonly headingOnly: boolean;
  /** The marker line's text after the marker. */
  readonly heading: string;
  /** The item's own text (the marker line's rest unless headingOnly, then the lines below, fields excluded). */
  readonly text: SourceText;
  /** Labelled lines written after (or inside) the item: 牵头单位：…, 完成时限：… */
  readonly fields: MutableField[];
}

export interface Outline {
  readonly roots: readonly OutlineNode[];
  /** Labelled lines before the first item (they apply to nothing; reported). */
  readonly strayFields: readonly MutableField[];
  /** Lines of text before the first item. */
  readonly preamble: SourceText;
}

const HEADING_MAX = 25;
const isHeadingOnly = (rest: string, markdownHeading: boolean): boolean =>
  rest !== '' && (markdownHeading || (rest.length <= HEADING_MAX && !/[，,、。；;：:！？!?]/.test(rest)));

/** Does a line continue the value of the field above it ("市资" / "源规划局、市金融局")? */
function continuesField(field: MutableField, text: string): boolean {
  if (text.length > 60 || /[。！？][^。！？]/.test(text)) return false;
  const value = field.value.text;
  if (field.role === 'deadline') return /[，,、；;]$/.test(value);
  if (field.role === 'ignored') return false;
  return /[、，,]$/.test(value) || text.includes('、') || text.length <= 12;
}

/** Builds the outline of the body lines (already cut to the body: no header, annexes or footer). */
export function buildOutline(lines: readonly Line[]): Outline {
  const roots: OutlineNode[] = [];
  const stray: MutableField[] = [];
  const preamble = new SourceText();
  /** The open nodes, one per level, outermost first. */
  const stack: OutlineNode[] = [];
  let lastField: MutableField | null = null;

  const appendText = (target: SourceText, text: string, line: number): void => {
    if (target.text !== '') {
      // A PDF line break inside a sentence joins without a space; a finished sentence starts a new line.
      target.append(/[。！？!?：:]$/.test(target.text) ? '\n' : '', line);
    }
    target.append(text, line);
  };

  for (const line of lines) {
    const text = line.text;
    if (text === '') continue;
    const current = stack.at(-1) ?? null;

    if (FIELD_LINE.test(text)) {
      const fields = splitLabelled(new SourceText().append(text, line.no)) as MutableField[];
      for (const f of fields) {
        const field: MutableField = { ...f, value: new SourceText().append(f.value.text, f.line) };
        if (current === null) stray.push(field);
        else current.fields.push(field);
        lastField = field;
      }
      if (current !== null) current.endLine = line.no;
      continue;
    }

    const marker = markerOf(text);
    if (marker !== null) {
      lastField = null;
      const at = stack.findIndex((n) => n.kind === marker.kind);
      if (at >= 0) stack.length = at;
      const parent = stack.at(-1) ?? null;
      const headingOnly = isHeadingOnly(marker.rest, line.heading);
      const node: OutlineNode = {
        kind: marker.kind,
        segment: marker.segment,
        number: marker.number,
        line: line.no,
        endLine: line.no,
        parent,
        children: [],
        depth: stack.length,
        headingOnly,
        heading: marker.rest,
        text: new SourceText(),
        fields: [],
      };
      if (!headingOnly && marker.rest !== '') node.text.append(marker.rest, line.no);
      if (parent === null) roots.push(node);
      else parent.children.push(node);
      for (let n: OutlineNode | null = parent; n !== null; n = n.parent) n.endLine = line.no;
      stack.push(node);
      continue;
    }

    if (lastField !== null && continuesField(lastField, text)) {
      lastField.value.append(text, line.no);
      if (current !== null) current.endLine = line.no;
      continue;
    }
    lastField = null;
    if (current === null) {
      appendText(preamble, text, line.no);
    } else {
      appendText(current.text, text, line.no);
      current.endLine = line.no;
      for (let n: OutlineNode | null = current.parent; n !== null; n = n.parent) n.endLine = line.no;
    }
  }
  return { roots, strayFields: stray, preamble };
}

/** Every node of the outline, in document order. */
export function walk(nodes: readonly OutlineNode[]): OutlineNode[] {
  const out: OutlineNode[] = [];
  const visit = (n: OutlineNode): void => {
    out.push(n);
    n.children.forEach(visit);
  };
  nodes.forEach(visit);
  return out;
}

export const pathOf = (node: OutlineNode): string => {
  const segments: string[] = [];
  for (let n: OutlineNode | null = node; n !== null; n = n.parent) segments.unshift(n.segment);
  return segments.join('/');
};

export const rootOf = (node: OutlineNode): OutlineNode => {
  let n = node;
  while (n.parent !== null) n = n.parent;
  return n;
};

/** The item's title: its heading, or its first sentence (cut at its first comma when longer than 24 characters, at 30 characters with … when it has none early). */
export function titleOf(node: OutlineNode): string {
  const strip = (s: string): string => s.replace(/[。；;，,：:]+$/, '').trim();
  if (node.headingOnly) return strip(node.heading);
  return titleFromText(node.text.text);
}

/** The first sentence of a text, cut as titleOf describes. */
export function titleFromText(text: string): string {
  const strip = (s: string): string => s.replace(/[。；;，,：:]+$/, '').trim();
  const sentence = strip(text.split(/[。！？!?；;\n]/)[0] ?? '');
  if (sentence.length <= 24) return sentence;
  const comma = sentence.search(/[，,]/);
  if (comma >= 4 && comma <= 24) return sentence.slice(0, comma);
  return sentence.length <= 30 ? sentence : `${sentence.slice(0, 30)}…`;
}

/** The item's heading for context: its heading, or its first sentence (at most 40 characters). */
export function headingOf(node: OutlineNode): string {
  if (node.headingOnly) return node.heading.replace(/[。；;，,：:]+$/, '').trim();
  const sentence = (node.text.text.split(/[。！？!?；;\n]/)[0] ?? '').replace(/[，,：:]+$/, '').trim();
  return sentence.length <= 40 ? sentence : `${sentence.slice(0, 40)}…`;
}
