/**
 * Responsibilities and deadlines as the documents write them:
 *
 * - labelled lines after an item: "牵头单位：市工信局", "责任单位：…", "配合单位：…",
 *   "完成时限：2021年4月" (several labels may share a line, separated by spaces or ；);
 * - a parenthesis ending a paragraph: "（责任单位：各开发区、区县（市），市工信局）",
 *   "（牵头单位：市发展改革委；完成时限：2022年6月底前）", "（市工信局牵头，市财政局配合）";
 * - a sentence without labels: "市市场监管局牵头，市公安局、市商务局配合，各区县（市）负责落实。"
 */
import { SourceText } from './lines';
import type { ResponsibilityRole } from './types';

export type FieldRole = ResponsibilityRole | 'deadline' | 'ignored';

/** Labels, longest first; the role each stands for. */
const LABELS: ReadonlyArray<[string, FieldRole]> = (
  [
    ['牵头责任单位', 'lead'], ['牵头单位', 'lead'], ['牵头部门', 'lead'], ['主办单位', 'lead'], ['牵头', 'lead'],
    ['责任单位', 'responsible'], ['责任部门', 'responsible'], ['主责单位', 'responsible'], ['落实单位', 'responsible'],
    ['实施单位', 'responsible'], ['承办单位', 'responsible'], ['责任主体', 'responsible'],
    ['配合单位', 'cooperating'], ['配合部门', 'cooperating'], ['协办单位', 'cooperating'], ['协作单位', 'cooperating'],
    ['参与单位', 'cooperating'], ['协同单位', 'cooperating'], ['配合', 'cooperating'],
    ['完成时限', 'deadline'], ['完成时间', 'deadline'], ['完成期限', 'deadline'], ['时间节点', 'deadline'],
    ['时限要求', 'deadline'], ['办结时限', 'deadline'], ['时间要求', 'deadline'], ['时限', 'deadline'],
    ['牵头领导', 'ignored'], ['责任领导', 'ignored'], ['分管领导', 'ignored'], ['责任人', 'ignored'], ['联系人', 'ignored'],
  ] as Array<[string, FieldRole]>
).sort((a, b) => b[0].length - a[0].length);

const LABEL_ALT = LABELS.map(([l]) => l).join('|');
/** A label followed by a colon. */
const LABEL_RE = new RegExp(`(${LABEL_ALT})\\s*[:：]`, 'g');
/** A line that starts with a label. */
export const FIELD_LINE = new RegExp(`^(?:${LABEL_ALT})\\s*[:：]`);

export interface FieldValue {
  readonly role: FieldRole;
  readonly label: string;
  /** The value, with its line numbers (a value may continue on the next lines). */
  readonly value: SourceText;
  /** Line of the label. */
  readonly line: number;
}

const roleOf = (label: string): FieldRole => LABELS.find(([l]) => l === label)![1];

/** Trailing punctuation that ends a field value. */
const trimValue = (s: SourceText): SourceText => {
  const text = s.text;
  let start = 0;
  let end = text.length;
  while (start < end && /[\s：:；;，,。.]/.test(text[start]!)) start++;
  while (end > start && /[\s；;，,。.]/.test(text[end - 1]!)) end--;
  return s.slice(start, end);
};

/** Splits a text holding labelled fields ("牵头单位：A；责任单位：B") into its fields. */
export function splitLabelled(source: SourceText): FieldValue[] {
  const text = source.text;
  const hits = [...text.matchAll(LABEL_RE)];
  return hits.map((m, i) => {
    const start = m.index! + m[0].length;
    const end = i + 1 < hits.length ? hits[i + 1]!.index! : text.length;
    return { role: roleOf(m[1]!), label: m[1]!, value: trimValue(source.slice(start, end)), line: source.lineAt(m.index!) };
  });
}

/** Role verbs of a sentence without labels, longest first. */
const CLAUSE_VERBS: ReadonlyArray<[RegExp, ResponsibilityRole]> = [
  [/(?:负责牵头|牵头负责|牵头抓总|牵头)$/, 'lead'],
  [/(?:配合落实|协同配合|配合|协助|协办|参与)$/, 'cooperating'],
  [/(?:按职责分工负责|按职责负责|负责具体落实|具体负责|负责落实|抓好落实|分别负责|负责)$/, 'responsible'],
];

export interface Clause {
  readonly role: ResponsibilityRole;
  /** The units part of the clause ("市工信局、市人社局"), with lines. */
  readonly units: SourceText;
  readonly line: number;
  /** The whole clause as written. */
  readonly text: string;
}

/** "市工信局牵头，市财政局配合，各区县（市）负责" → its clauses; clauses without a role verb are skipped. */
export function splitClauses(source: SourceText): Clause[] {
  return splitRoleClauses(source).filter((c): c is Clause => c.role !== null);
}

/** Every clause of a text split on ，；。 outside parentheses, with its role verb (null when it has none). */
export function splitRoleClauses(source: SourceText): Array<Omit<Clause, 'role'> & { readonly role: ResponsibilityRole | null }> {
  const text = source.text;
  const clauses: Array<Omit<Clause, 'role'> & { readonly role: ResponsibilityRole | null }> = [];
  let depth = 0;
  let start = 0;
  const flush = (end: number): void => {
    let a = start;
    let b = end;
    while (a < b && /[\s，,；;。]/.test(text[a]!)) a++;
    while (b > a && /[\s，,；;。]/.test(text[b - 1]!)) b--;
    if (a >= b) return;
    let piece = text.slice(a, b);
    const lead = piece.match(/^(?:由|请|并由|分别由)/);
    if (lead) {
      a += lead[0].length;
      piece = piece.slice(lead[0].length);
    }
    for (const [re, role] of CLAUSE_VERBS) {
      const m = piece.match(re);
      if (m && m.index! > 0) {
        const units = source.slice(a, a + m.index!);
        clauses.push({ role, units, line: source.lineAt(a), text: piece });
        return;
      }
    }
    clauses.push({ role: null, units: source.slice(a, b), line: source.lineAt(a), text: piece });
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === '（' || ch === '(') depth++;
    else if ((ch === '）' || ch === ')') && depth > 0) depth--;
    else if (depth === 0 && /[，,；;。\n]/.test(ch)) {
      flush(i);
      start = i + 1;
    }
  }
  flush(text.length);
  return clauses;
}

/**
 * Role marks in a list ("市工信局（牵头）、市财政局"): the list without the marks,
 * and the names marked 牵头 (with their lines), or null when there is none.
 */
export function splitRoleMarks(source: SourceText): { rest: SourceText; leads: SourceText | null } {
  const text = source.text;
  const marks = [...text.matchAll(ROLE_MARK)];
  if (marks.length === 0) return { rest: source, leads: null };
  const leads = new SourceText();
  let rest = new SourceText();
  let at = 0;
  for (const m of marks) {
    const start = m.index!;
    let nameStart = start;
    while (nameStart > 0 && !/[、，,；;：:\s]/.test(text[nameStart - 1]!)) nameStart--;
    if (leads.text !== '') leads.append('、', source.lineAt(nameStart));
    leads.append(text.slice(nameStart, start), source.lineAt(nameStart));
    appendSlice(rest, source, at, start);
    at = start + m[0].length;
  }
  appendSlice(rest, source, at, text.length);
  rest = rest.text === '' ? source.slice(0, 0) : rest;
  return { rest, leads: leads.text === '' ? null : leads };
}

function appendSlice(target: SourceText, source: SourceText, start: number, end: number): void {
  for (let i = start; i < end; ) {
    const line = source.lineAt(i);
    let j = i + 1;
    while (j < end && source.lineAt(j) === line) j++;
    target.append(source.text.slice(i, j), line);
    i = j;
  }
}

export interface Parenthesis {
  readonly start: number;
  /** Offset just after the closing parenthesis. */
  readonly end: number;
  /** The content between the parentheses, with lines. */
  readonly inner: SourceText;
}

/** Top-level parentheses (（…） or (…), nested ones inside) of a text, in order. */
export function parentheses(source: SourceText): Parenthesis[] {
  const text = source.text;
  const found: Parenthesis[] = [];
  let depth = 0;
  let open = -1;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === '（' || ch === '(') {
      if (depth === 0) open = i;
      depth++;
    } else if ((ch === '）' || ch === ')') && depth > 0) {
      depth--;
      if (depth === 0) found.push({ start: open, end: i + 1, inner: source.slice(open + 1, i) });
    }
  }
  return found;
}

/** A role mark after a unit name in a list: "市工信局（牵头）、市财政局". */
export const ROLE_MARK = /[（(]\s*(牵头单位|牵头|主办|主责)\s*[）)]/g;

/** Does a parenthesis state responsibilities ("（责任单位：…）", "（市工信局牵头，…配合）")? A bare mark "（牵头）" does not. */
export function isResponsibilityParenthesis(inner: string): boolean {
  const t = inner.trim();
  if (/^(?:牵头单位|牵头|主办|主责|配合|协办)$/.test(t)) return false;
  if (new RegExp(`^\\s*(?:${LABEL_ALT})\\s*[:：]`).test(t)) return true;
  return /(?:牵头|配合|负责|协办)(?:[，,；;。]|$)/.test(t);
}
