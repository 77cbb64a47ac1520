/**
 * From a policy document's text to a proposed ledger (the import preview).
 * See README.md for the preview format, the path notation and the rules.
 */
import { createHash } from 'node:crypto';
import { taskIdFor } from '@duban/application/streams';
import { normalizeItemPath } from '@duban/domain/task';
import { endOfLocalDay, toShanghaiIso } from '@duban/domain/calendar';
import { UnitRegistry } from '@duban/domain/units';
import type { ResolvedList } from '@duban/domain/units';
import { readDeadline } from './deadline';
import type { DeadlineContext } from './deadline';
import { ImportError } from './errors';
import { isResponsibilityParenthesis, parentheses, splitClauses, splitLabelled, splitRoleClauses, splitRoleMarks } from './fields';
import type { FieldRole } from './fields';
import { SourceText, toLines } from './lines';
import { findRegions, readDate, readFooter, readHeader } from './meta';
import { buildOutline, headingOf, markerOf, pathOf, rootOf, titleFromText, titleOf, walk } from './outline';
import type { OutlineNode } from './outline';
import { findTables, isNumericCell, numericValue } from './tables';
import type { TableBlock } from './tables';
import { findTargets } from './targets';
import { PREVIEW_FORMAT } from './types';
import type {
  FieldSource,
  ImportPreview,
  NamedUnit,
  PreviewDocument,
  PreviewItem,
  PreviewTable,
  PreviewUnresolved,
  PreviewWarning,
  ResponsibilityRole,
  TargetRow,
  UnresolvedRole,
  WarningCode,
  WrittenUnits,
} from './types';

export interface ParseOptions {
  /** The unit registry (default: the seeded Zhengzhou registry). */
  readonly registry?: UnitRegistry;
  /** 文号 to use when the document has none (a draft) or to override the header's. */
  readonly docNumber?: string;
  /** Unit whose local names are tried first (default: the issuer, when it resolves). */
  readonly scope?: string;
}

const ROLES: readonly ResponsibilityRole[] = ['lead', 'responsible', 'cooperating'];
const CJK = /[\u4e00-\u9fff]/g;

/** Rejects what is not a readable Chinese text document, with a typed error. */
export function checkText(text: string): void {
  if (text.trim() === '') throw new ImportError('empty', 'the document is empty (no text, or whitespace only)');
  const nul = text.indexOf('\u0000');
  if (nul >= 0) {
    throw new ImportError('binary', `the text contains NUL characters (first at character ${nul}): a binary file, not text`, { offset: nul });
  }
  const controls = (text.match(/[\u0001-\u0008\u000e-\u001f\u007f]/g) ?? []).length;
  const replacement = (text.match(/\ufffd/g) ?? []).length;
  if (controls + replacement > Math.max(8, text.length * 0.01)) {
    throw new ImportError(
      'binary',
      `the text holds ${controls} control characters and ${replacement} undecodable characters (U+FFFD) in ${text.length}: a binary file or the wrong encoding`,
      { controls, replacement },
    );
  }
  const cjk = (text.match(CJK) ?? []).length;
  const latin = (text.match(/[A-Za-z]/g) ?? []).length;
  if (cjk < 10 || cjk < (cjk + latin) * 0.2) {
    throw new ImportError(
      'not-chinese',
      `the text holds ${cjk} Chinese characters and ${latin} Latin letters: a Chinese policy document is expected`,
      { chinese: cjk, latin },
    );
  }
}

/** 文号 in normal form: no whitespace, 〔〕 brackets. */
export function normalizeDocNumber(docNumber: string): string {
  return docNumber
    .replace(/\s+/g, '')
    .replace(/[［\[【（(]((?:19|20)\d{2})[］\]】）)]/, '〔$1〕');
}

interface Value {
  readonly source: SourceText;
  readonly from: FieldSource;
  readonly line: number;
  readonly inheritedFrom: string | null;
}

interface Own {
  roles: Partial<Record<ResponsibilityRole, Value>>;
  deadline: Value | null;
  /** The item's text with the parentheses and labels that stated responsibilities removed. */
  text: SourceText;
}

const DEADLINE_LIKE = /\d{4}年|\d{1,2}月|年底|年内|年末|上半年|下半年|季度|长期|持续|常态|每月|每季|每半年|每年|立即|即时/;
const DATE_LIKE = /\d{4}年|\d{1,2}月|年底|年内|年末|上半年|下半年|季度/;
const DEADLINE_CLAUSE_END = /(?:前|以前|之前|底|末)(?:全面)?(?:完成|办结|落实到位|到位)?$|(?:完成|办结)$|长期坚持$|持续推进$/;

const joinSources = (a: SourceText, b: SourceText, sep: string): SourceText => {
  const out = new SourceText();
  const copy = (s: SourceText): void => {
    for (let i = 0; i < s.text.length; ) {
      const line = s.lineAt(i);
      let j = i + 1;
      while (j < s.text.length && s.lineAt(j) === line) j++;
      out.append(s.text.slice(i, j), line);
      i = j;
    }
  };
  copy(a);
  if (a.text !== '' && b.text !== '') out.append(sep, a.lineAt(a.text.length - 1));
  copy(b);
  return out;
};

/** The text without the given [start, end) spans, keeping line numbers. */
function without(source: SourceText, spans: ReadonlyArray<readonly [number, number]>): SourceText {
  let out = new SourceText();
  let at = 0;
  for (const [s, e] of [...spans].sort((x, y) => x[0] - y[0])) {
    if (s > at) out = joinSources(out, source.slice(at, s), '');
    at = Math.max(at, e);
  }
  if (at < source.text.length) out = joinSources(out, source.slice(at), '');
  const t = out.text;
  let a = 0;
  let b = t.length;
  while (a < b && /\s/.test(t[a]!)) a++;
  while (b > a && /\s/.test(t[b - 1]!)) b--;
  return out.slice(a, b);
}

/** Splits a text on top-level 、，； into its clauses (parentheses kept whole). */
function clausesOf(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of text) {
    if (ch === '（' || ch === '(') depth++;
    if ((ch === '）' || ch === ')') && depth > 0) depth--;
    if (depth === 0 && /[，,；;。\n]/.test(ch)) {
      if (cur.trim() !== '') out.push(cur.trim());
      cur = '';
    } else cur += ch;
  }
  if (cur.trim() !== '') out.push(cur.trim());
  return out;
}

export function parsePolicyDocument(text: string, options: ParseOptions = {}): ImportPreview {
  checkText(text);
  const registry = options.registry ?? UnitRegistry.seeded();
  const model = toLines(text);
  const lines = model.lines;
  const warnings: PreviewWarning[] = [];
  const unresolved: PreviewUnresolved[] = [];
  const warn = (code: WarningCode, message: string, line: number | null = null, path: string | null = null): void => {
    warnings.push({ code, message, line, path });
  };

  if (model.traditional.replaced > 0) {
    warn('traditional-normalised', `${model.traditional.replaced} traditional characters read as simplified (${model.traditional.samples.join(', ')})`);
  }

  // ------------------------------------------------------------------ document
  const header = readHeader(lines);
  const regions = findRegions(lines, header.title?.endLine ?? null);
  const footer = readFooter(lines, regions);
  const dateLine = readDate(lines, regions);

  const issuerUnit = header.issuer === null ? null : (registry.resolve(header.issuer.value)?.unitId ?? null);
  if (header.issuer === null) warn('no-issuer', 'no issuer (发文机关) found in the header ("…文件" line or before 关于 in the title)');
  else if (issuerUnit === null) {
    unresolved.push({ name: header.issuer.value, reason: 'unknown', role: 'issuer', line: header.issuer.line, path: null });
  }
  if (options.scope !== undefined && !registry.has(options.scope)) {
    throw new ImportError('bad-option', `scope "${options.scope}" is not a unit id of the registry`, { scope: options.scope });
  }
  const scope = options.scope ?? issuerUnit ?? null;
  const resolveOptions = scope === null ? {} : { scope };

  let docNumber: string | null = header.docNumber?.value ?? null;
  let docNumberSource: PreviewDocument['docNumberSource'] = docNumber === null ? null : 'header';
  if (options.docNumber !== undefined && options.docNumber.trim() !== '') {
    const given = normalizeDocNumber(options.docNumber);
    if (!/^[\u4e00-\u9fa5]{1,12}〔\d{4}〕\d{1,5}号$/.test(given)) {
      throw new ImportError('bad-option', `"${options.docNumber}" is not a 文号 such as 郑政办〔2021〕34号`, { docNumber: options.docNumber });
    }
    if (docNumber !== null && docNumber !== given) {
      warn('no-doc-number', `the header's 文号 ${docNumber} (line ${header.docNumber!.line}) is replaced by the given ${given}`, header.docNumber!.line);
    }
    docNumber = given;
    docNumberSource = 'option';
  }
  if (docNumber === null) {
    warn('no-doc-number', 'no 文号 found in the header: task ids cannot be derived (give one with --doc-number)');
  }

  let date = dateLine?.value ?? null;
  if (date === null && footer.printedDate !== null) {
    date = footer.printedDate.value;
    warn('date-from-print-line', `no 成文日期 line; the 印发 date ${date} (line ${footer.printedDate.line}) is used as the document's date`, footer.printedDate.line);
  } else if (date === null) {
    warn('no-date', 'no date found (neither a 成文日期 line nor a 印发 line): deadlines without a year cannot be dated');
  }
  if (header.title === null) warn('no-title', 'no title (a line starting with 关于 before the first item) found');
  else if (header.titleFallback) {
    warn('no-title', `no 关于… title; the header's first line "${header.title.value}" is taken as the title`, header.title.line);
  }
  if (header.draft) warn('draft', 'the document is a draft (征求意见稿/草案/送审稿): items may change before it is issued', header.title?.line ?? null);
  if (header.title?.kind === '通报') {
    warn('bulletin', 'the document is a 通报 (bulletin): it reports or commends, it usually assigns no tasks', header.title.line);
  }

  const named = (found: { value: string; line: number } | null, role: UnresolvedRole): NamedUnit | null => {
    if (found === null) return null;
    const unitId = registry.resolve(found.value, resolveOptions)?.unitId ?? null;
    if (unitId === null) unresolved.push({ name: found.value, reason: 'unknown', role, line: found.line, path: null });
    return { name: found.value, unitId, line: found.line };
  };
  const sponsor = named(footer.sponsor, 'sponsor');
  const supervisor = named(footer.supervisor, 'supervisor');
  if (supervisor === null) warn('no-supervisor', 'no 督办 (supervising office) line: the commit step must be told which office supervises');

  const docYear = docNumber?.match(/〔(\d{4})〕/)?.[1];
  const deadlineContext: DeadlineContext = { documentDate: date, fallbackYear: docYear === undefined ? null : Number(docYear) };

  // ------------------------------------------------------------------ units
  const resolveWritten = (
    value: Value,
    role: ResponsibilityRole,
    path: string | null,
  ): { units: string[]; written: WrittenUnits } => {
    const source = value.source;
    const list: ResolvedList = registry.resolveList(source.text, resolveOptions);
    let cursor = 0;
    for (const item of list.items) {
      const at = source.text.indexOf(item.name, cursor);
      const offset = at >= 0 ? at : cursor;
      if (at >= 0) cursor = at + item.name.length;
      if (item.kind === 'unresolved') {
        unresolved.push({
          name: item.name,
          reason: item.reason,
          role,
          line: source.lineAt(offset),
          path,
          ...(item.groupId !== undefined ? { groupId: item.groupId } : {}),
          ...(item.candidates !== undefined ? { candidates: item.candidates } : {}),
        });
      }
    }
    const groups = list.items.flatMap((i) => (i.kind === 'group' ? [{ name: i.name, groupId: i.groupId, count: i.unitIds.length }] : []));
    return {
      units: [...list.units],
      written: { text: source.text, line: value.line, source: value.from, inheritedFrom: value.inheritedFrom, groups },
    };
  };
  /** Would every name of the list resolve (units, or known groups)? For sentences without labels. */
  const resolvesCleanly = (text: string): { ok: boolean; some: boolean } => {
    const list = registry.resolveList(text, resolveOptions);
    const known = list.items.filter((i) => i.kind !== 'unresolved' || i.reason === 'group-members-unknown').length;
    return { ok: list.items.length > 0 && known === list.items.length, some: known > 0 };
  };

  // ------------------------------------------------------------------ body
  const bodyLines = lines.slice(regions.bodyStart, regions.bodyEnd);
  const outline = buildOutline(bodyLines);
  for (const f of outline.strayFields) {
    warn('field-ignored', `"${f.label}：${f.value.text}" stands before the first numbered item and applies to none`, f.line);
  }
  const nodes = walk(outline.roots);
  const own = new Map<OutlineNode, Own>();

  for (const node of nodes) {
    const path = pathOf(node);
    const result: Own = { roles: {}, deadline: null, text: node.text };
    const setRole = (role: FieldRole, value: SourceText, from: FieldSource, line: number): void => {
      if (value.text === '') return;
      if (role === 'ignored') return;
      if (role === 'deadline') {
        result.deadline ??= { source: value, from, line, inheritedFrom: null };
        return;
      }
      // "责任单位：市发展改革委牵头，市财政局配合": role verbs inside a labelled value decide the roles.
      const clauses = from === 'field' || from === 'parenthesis' ? splitRoleClauses(value) : [];
      if (clauses.some((c) => c.role !== null)) {
        for (const c of clauses) put(c.role ?? role, c.units, from, c.line);
        return;
      }
      // "市工信局（牵头）、市财政局": the marked unit leads (and stays in the list it is written in).
      const marks = splitRoleMarks(value);
      if (marks.leads !== null && role !== 'lead' && result.roles.lead === undefined) put('lead', marks.leads, from, line);
      put(role, marks.rest, from, line);
    };
    const put = (role: ResponsibilityRole, value: SourceText, from: FieldSource, line: number): void => {
      if (value.text === '') return;
      const known = result.roles[role];
      if (known === undefined) result.roles[role] = { source: value, from, line, inheritedFrom: null };
      else if (known.from === from) result.roles[role] = { ...known, source: joinSources(known.source, value, '、') };
    };
    // 1. labelled lines after the item
    for (const f of node.fields) {
      if (f.role === 'ignored') warn('field-ignored', `"${f.label}：${f.value.text}" names people, not units; not read`, f.line, path);
      setRole(f.role, f.value, 'field', f.line);
    }
    // 2. parentheses stating responsibilities ("（责任单位：…）", "（市工信局牵头，市财政局配合）")
    const removed: Array<[number, number]> = [];
    for (const p of parentheses(node.text)) {
      // "（2022年6月底前完成）": a parenthesis holding only a deadline
      const inner = p.inner.text.trim();
      if (inner.length <= 24 && DEADLINE_LIKE.test(inner) && DEADLINE_CLAUSE_END.test(inner) && !/[，,；;]/.test(inner)) {
        removed.push([p.start, p.end]);
        setRole('deadline', p.inner, 'parenthesis', p.inner.lineAt(0));
        continue;
      }
      if (!isResponsibilityParenthesis(p.inner.text)) continue;
      removed.push([p.start, p.end]);
      const labelled = splitLabelled(p.inner);
      if (labelled.length > 0) {
        for (const f of labelled) {
          if (f.role === 'ignored') warn('field-ignored', `"${f.label}：${f.value.text}" names people, not units; not read`, f.line, path);
          if (f.role === 'deadline' || f.role === 'ignored' || result.roles[f.role] === undefined || result.roles[f.role]!.from === 'parenthesis') {
            setRole(f.role, f.value, 'parenthesis', f.line);
          }
        }
      } else {
        for (const c of splitClauses(p.inner)) {
          if (result.roles[c.role] === undefined) setRole(c.role, c.units, 'parenthesis', c.line);
        }
        for (const clause of clausesOf(p.inner.text)) {
          if (DEADLINE_LIKE.test(clause) && clause.length <= 24 && !/(?:牵头|配合|负责)$/.test(clause)) {
            const at = p.inner.text.indexOf(clause);
            setRole('deadline', p.inner.slice(at, at + clause.length), 'parenthesis', p.inner.lineAt(at));
          }
        }
      }
    }
    let text = without(node.text, removed);
    // 3. labels inside the paragraph ("…闭环管理。牵头单位：市工信局；完成时限：2021年12月。")
    const inline = text.text.search(/(?:^|[。；;\n])\s*(?:牵头单位|牵头部门|责任单位|责任部门|配合单位|配合部门|协办单位|完成时限|完成时间)\s*[:：]/);
    if (inline >= 0) {
      const start = /[。；;\n]/.test(text.text[inline]!) ? inline + 1 : inline;
      for (const f of splitLabelled(text.slice(start))) {
        if (f.role !== 'deadline' && f.role !== 'ignored' && result.roles[f.role] !== undefined) continue;
        setRole(f.role, f.value, 'field', f.line);
      }
      text = without(text, [[start, text.text.length]]);
    }
    // 4. a sentence without labels ("市工信局牵头，市财政局配合，各区县（市）负责落实。")
    // All or nothing: "市数字办牵头，市财政局配合" with an unknown 市数字办 applies neither clause.
    if (ROLES.every((r) => result.roles[r] === undefined)) {
      const clauses = splitClauses(text);
      const checks = clauses.map((c) => resolvesCleanly(c.units.text));
      if (clauses.length > 0 && checks.every((c) => c.ok)) {
        for (const c of clauses) put(c.role, c.units, 'clause', c.line);
      } else if (checks.some((c) => c.some)) {
        const bad = clauses.filter((_c, i) => !checks[i]!.ok).map((c) => `"${c.text}"`);
        for (const c of clauses) {
          for (const u of registry.resolveList(c.units.text, resolveOptions).unresolved) {
            const at = c.units.text.indexOf(u.name);
            unresolved.push({ name: u.name, reason: u.reason, role: c.role, line: c.units.lineAt(Math.max(0, at)), path });
          }
        }
        warn(
          'clause-not-applied',
          `${clauses.map((c) => `"${c.text}"`).join('，')} read like responsibilities, but ${bad.join('，')} names a unit the registry does not know: none applied`,
          clauses[0]!.line,
          path,
        );
      }
    }
    if (result.deadline === null) {
      const clauses = clausesOf(text.text);
      const last = clauses.at(-1);
      // only a date ends a paragraph as its deadline ("2022年底前完成。"); "…持续推进。" in prose is not one
      if (last !== undefined && last.length <= 24 && DATE_LIKE.test(last) && DEADLINE_CLAUSE_END.test(last)) {
        const at = text.text.lastIndexOf(last);
        setRole('deadline', text.slice(at, at + last.length), 'clause', text.lineAt(at));
      }
    }
    result.text = text;
    own.set(node, result);
  }

  // One block of labelled lines after the last sub-item, none on the others: it covers them all.
  for (const node of nodes) {
    if (node.children.length < 2) continue;
    const kids = node.children;
    const last = kids.at(-1)!;
    const fromLines = (n: OutlineNode): boolean => n.fields.some((f) => f.role !== 'ignored');
    const stated = (n: OutlineNode): boolean => {
      const o = own.get(n)!;
      return ROLES.some((r) => o.roles[r] !== undefined) || o.deadline !== null;
    };
    if (!fromLines(last) || last.children.length > 0) continue;
    if (kids.slice(0, -1).some((k) => stated(k) || walk(k.children).some(stated))) continue;
    if (stated(node)) continue;
    const mine = own.get(last)!;
    const parent = own.get(node)!;
    for (const role of ROLES) {
      if (mine.roles[role]?.from === 'field') {
        parent.roles[role] = mine.roles[role];
        delete mine.roles[role];
      }
    }
    if (mine.deadline?.from === 'field') {
      parent.deadline = mine.deadline;
      mine.deadline = null;
    }
    const firstField = last.fields.find((f) => f.role !== 'ignored')!;
    warn(
      'shared-responsibility',
      `the labelled lines from line ${firstField.line} follow ${pathOf(last)}, and ${kids
        .slice(0, -1)
        .map(pathOf)
        .join(', ')} state none: they are read as covering all ${kids.length} sub-items of ${pathOf(node)}`,
      firstField.line,
      pathOf(node),
    );
  }

  // ------------------------------------------------------------------ tables
  const tableBlocks: Array<{ block: TableBlock; annex: number | null }> = [];
  const tailStart = regions.bodyEnd;
  const tailEnd = regions.annexes[0]?.start ?? regions.footerStart;
  for (const block of findTables(lines.slice(tailStart, tailEnd))) tableBlocks.push({ block, annex: null });
  for (const annex of regions.annexes) {
    for (const block of findTables(lines.slice(annex.start, annex.end))) tableBlocks.push({ block, annex: annex.number });
  }

  const leaves = nodes.filter((n) => n.children.length === 0);
  const tableValues = new Map<OutlineNode, { roles: Partial<Record<ResponsibilityRole, Value>>; deadline: Value | null; line: number }>();
  const tableOnly: Array<{
    path: string;
    line: number;
    title: string;
    text: string;
    context: string[];
    roles: Partial<Record<ResponsibilityRole, Value>>;
    deadline: Value | null;
  }> = [];
  const tables: PreviewTable[] = [];
  const targets: TargetRow[] = [];
  let divisionCount = 0;

  const normTitle = (s: string): string => s.replace(/[\s“”"'‘’《》。，、；：:（）()]/g, '');
  const cellSource = (cell: string, line: number): SourceText => new SourceText().append(cell, line);

  tableBlocks.forEach(({ block, annex }, tableIndex) => {
    const headerCells = block.header?.cells ?? [];
    const column = (re: RegExp, taken: Set<number>): number => {
      const i = headerCells.findIndex((c, k) => !taken.has(k) && re.test(c));
      if (i >= 0) taken.add(i);
      return i;
    };
    const taken = new Set<number>();
    const col = {
      number: column(/^(?:序号|编号|序)$/, taken),
      lead: column(/牵头/, taken),
      cooperating: column(/配合|协办|参与|协同/, taken),
      responsible: column(/责任|主责|落实|承办|实施单位/, taken),
      deadline: column(/时限|完成时间|时间节点|期限|进度|时间/, taken),
      text: column(/措施|内容|目标/, taken),
      title: column(/任务|工作|事项|项目|名称/, taken),
    };
    const cell = (row: readonly string[], i: number): string => (i >= 0 ? (row[i] ?? '').trim() : '');
    const describe = (kind: PreviewTable['kind'], rows: number, notes: string[] = []): void => {
      tables.push({ kind, title: block.title, line: block.line, endLine: block.endLine, rows, annex, notes: [...block.notes, ...notes] });
    };

    if (col.lead >= 0 || col.responsible >= 0) {
      // ---------------------------------------------------------- division table (任务分工)
      divisionCount++;
      const t = divisionCount;
      let group: { number: string; title: string } | null = null;
      let dataRow = 0;
      for (const row of block.rows) {
        const cells = row.cells;
        const number = cell(cells, col.number >= 0 ? col.number : 0).replace(/[.．、]$/, '');
        const title = cell(cells, col.title);
        const roleCells = ROLES.map((r) => cell(cells, col[r])).filter((c) => c !== '');
        if (roleCells.length === 0 && /^[一二三四五六七八九十]+$/.test(number)) {
          group = { number, title };
          continue;
        }
        if (roleCells.length === 0 && cell(cells, col.deadline) === '') continue;
        dataRow++;
        const roles: Partial<Record<ResponsibilityRole, Value>> = {};
        for (const r of ROLES) {
          const c = cell(cells, col[r]);
          if (c === '') continue;
          const marks = splitRoleMarks(cellSource(c, row.line));
          roles[r] = { source: marks.rest, from: 'table', line: row.line, inheritedFrom: null };
          if (marks.leads !== null && r !== 'lead' && cell(cells, col.lead) === '') {
            roles.lead = { source: marks.leads, from: 'table', line: row.line, inheritedFrom: null };
          }
        }
        const d = cell(cells, col.deadline);
        const deadline: Value | null = d === '' ? null : { source: cellSource(d, row.line), from: 'table', line: row.line, inheritedFrom: null };

        let match: OutlineNode | undefined;
        if (/^\d+$/.test(number)) {
          let candidates = leaves.filter((n) => (n.kind === 'num' || n.kind === 'num-paren') && n.number === number);
          if (candidates.length > 1 && group !== null) {
            const g = group;
            candidates = candidates.filter((n) => {
              for (let a = n.parent; a !== null; a = a.parent) if (a.number === g.number || normTitle(titleOf(a)) === normTitle(g.title)) return true;
              return false;
            });
          }
          if (candidates.length === 1) match = candidates[0];
        }
        if (match === undefined && title !== '') {
          const byTitle = leaves.filter((n) => normTitle(titleOf(n)) === normTitle(title));
          if (byTitle.length === 1) match = byTitle[0];
        }
        if (match !== undefined) {
          const bodyTitle = titleOf(match);
          if (title !== '' && normTitle(bodyTitle) !== normTitle(title)) {
            warn(
              'table-title-mismatch',
              `table row ${number} (line ${row.line}) names "${title}", the body's item ${pathOf(match)} (line ${match.line}) "${bodyTitle}"`,
              row.line,
              pathOf(match),
            );
          }
          tableValues.set(match, { roles, deadline, line: row.line });
        } else {
          const path = /^\d+$/.test(number) ? `表${t}/${number}` : `表${t}/行${dataRow}`;
          if (leaves.length > 0) warn(
            'table-row-unmatched',
            /^\d+$/.test(number)
              ? `table row ${number} (line ${row.line}) "${title}" matches no numbered item of the body: proposed as item ${path}`
              : `table row at line ${row.line} "${title}" has no number: proposed as item ${path}`,
            row.line,
            path,
          );
          tableOnly.push({
            path,
            line: row.line,
            title: title === '' ? cell(cells, col.text) : title,
            text: cell(cells, col.text) || title,
            context: [block.title ?? `表${t}`, ...(group !== null ? [group.title] : [])],
            roles,
            deadline,
          });
        }
      }
      if (leaves.length === 0 && dataRow > 0) {
        warn(
          'table-row-unmatched',
          `the body has no numbered items: the ${dataRow} rows of the division table at line ${block.line} are proposed as items 表${t}/…`,
          block.line,
        );
      }
      describe('division', block.rows.length);
      return;
    }

    // ------------------------------------------------------------ target tables
    const numericRows = block.rows.filter((r) => r.cells.slice(1).some((c) => isNumericCell(c)));
    if (numericRows.length === 0) {
      describe('unrecognised', block.rows.length);
      warn(
        'table-unrecognised',
        `the table at lines ${block.line}–${block.endLine}${block.title ? ` ("${block.title}")` : ''} has no 牵头/责任/配合 column and no numbers: ignored`,
        block.line,
      );
      return;
    }
    if (block.headerProblem !== null) {
      warn('table-header', `the table at lines ${block.line}–${block.endLine}: ${block.headerProblem}; columns are named 列1, 列2, …`, block.line);
    }
    const metricName = (i: number): string => {
      const h = headerCells[i]?.trim();
      return h === undefined || h === '' ? `列${i}` : h;
    };
    const yearOfCell = (c: string): number | null => {
      const m = c.replace(/\s+/g, '').match(/^(\d{4})年?(?:度|目标|任务)?$/);
      return m ? Number(m[1]) : null;
    };
    const titleYears = [...new Set((block.title ?? '').match(/\d{4}(?=年)/g) ?? [])];
    const titleYear = titleYears.length === 1 ? Number(titleYears[0]) : null;
    const titleUnit = (() => {
      const title = block.title ?? '';
      for (let len = Math.min(title.length, 24); len >= 2; len--) {
        const found = registry.resolve(title.slice(0, len), resolveOptions);
        if (found !== null) return { name: title.slice(0, len), unitId: found.unitId };
      }
      return null;
    })();
    const yearColumns = headerCells.map((c, i) => (i === 0 ? null : yearOfCell(c)));
    const isTotal = (label: string): boolean => /^(?:合计|总计|小计|全市|全区|全县|总数|共计)$/.test(label.replace(/\s+/g, ''));
    const labels = numericRows.map((r) => r.cells[0]!.trim());
    const unitLabels = labels.filter((l) => !isTotal(l) && registry.lookup(l, resolveOptions) !== null).length;
    const byYear = yearColumns.some((y) => y !== null);
    const byUnit = !byYear && unitLabels * 2 >= labels.filter((l) => !isTotal(l)).length && unitLabels > 0;
    const kind: PreviewTable['kind'] = byYear ? 'targets-by-year' : byUnit ? 'targets-by-unit' : 'targets-by-metric';
    const notes: string[] = [];
    let totals = 0;
    const numericColumns = Math.max(...numericRows.map((r) => r.cells.length)) - 1;

    for (const row of numericRows) {
      const label = row.cells[0]!.trim();
      if (isTotal(label)) {
        totals++;
        continue;
      }
      for (let i = 1; i < row.cells.length; i++) {
        const c = row.cells[i]!;
        if (!isNumericCell(c)) continue;
        const value = numericValue(c);
        if (kind === 'targets-by-unit') {
          const found = registry.lookup(label, resolveOptions);
          let unit: string | null = null;
          if (found?.type === 'unit') unit = found.unitId;
          else if (i === 1) {
            if (found === null) unresolved.push({ name: label, reason: 'unknown', role: 'target-unit', line: row.line, path: null });
            else warn('table-header', `target row "${label}" (line ${row.line}) names a group, not one unit: its figures are not split per unit`, row.line);
          }
          targets.push({ unit, unitName: label, year: titleYear, metric: metricName(i), value, measure: block.measure, line: row.line, table: tables.length });
        } else if (kind === 'targets-by-year') {
          targets.push({
            unit: titleUnit?.unitId ?? null,
            unitName: titleUnit?.name ?? null,
            year: yearColumns[i] ?? titleYear,
            metric: label,
            value,
            measure: block.measure,
            line: row.line,
            table: tables.length,
          });
        } else {
          targets.push({
            unit: titleUnit?.unitId ?? null,
            unitName: titleUnit?.name ?? null,
            year: titleYear,
            metric: numericColumns > 1 ? `${label}（${metricName(i)}）` : label,
            value,
            measure: block.measure,
            line: row.line,
            table: tables.length,
          });
        }
      }
    }
    if (totals > 0) notes.push(`${totals} total row(s) (合计/全市) not read as targets`);
    if (kind === 'targets-by-unit' && titleYear === null) {
      warn('table-header', `the target table at line ${block.line} names no single year in its title: year is null`, block.line);
    }
    if (kind !== 'targets-by-unit' && titleUnit === null) {
      warn('table-header', `the target table at line ${block.line} names no unit in its title: its rows have no unit`, block.line);
    }
    describe(kind, block.rows.length, notes);
  });

  // ------------------------------------------------------------------ items
  const valueOf = (node: OutlineNode, pick: (o: Own) => Value | null | undefined): Value | null => {
    for (let n: OutlineNode | null = node; n !== null; n = n.parent) {
      const v = pick(own.get(n)!);
      if (v !== null && v !== undefined) return n === node ? v : { ...v, inheritedFrom: pathOf(n) };
    }
    return null;
  };
  interface Draft {
    readonly node: OutlineNode | null;
    readonly path: string;
    readonly line: number;
    readonly endLine: number;
    readonly context: string[];
    readonly title: string;
    readonly text: SourceText;
    readonly roles: Partial<Record<ResponsibilityRole, Value>>;
    readonly deadline: Value | null;
  }
  const drafts: Draft[] = leaves.map((node) => {
    const path = pathOf(node);
    const roles: Partial<Record<ResponsibilityRole, Value>> = {};
    const table = tableValues.get(node);
    for (const role of ROLES) {
      const mine = own.get(node)!.roles[role];
      const fromTable = table?.roles[role];
      if (mine !== undefined && fromTable !== undefined && mine.source.text !== fromTable.source.text) {
        warn(
          'table-conflict',
          `${path}: the text states ${role} "${mine.source.text}" (line ${mine.line}), the division table "${fromTable.source.text}" (line ${fromTable.line}); the text's is proposed`,
          fromTable.line,
          path,
        );
      }
      const v = mine ?? fromTable ?? valueOf(node, (o) => o.roles[role]);
      if (v !== null) roles[role] = v;
    }
    const mineDeadline = own.get(node)!.deadline;
    const deadline = mineDeadline ?? table?.deadline ?? valueOf(node, (o) => o.deadline);
    const context: string[] = [];
    for (let a = node.parent; a !== null; a = a.parent) context.unshift(headingOf(a));
    const text = own.get(node)!.text;
    return {
      node,
      path,
      line: node.line,
      endLine: node.endLine,
      context,
      title: node.headingOnly ? titleOf(node) : titleFromText(text.text),
      text: node.headingOnly && text.text === '' ? new SourceText().append(node.heading, node.line) : text,
      roles,
      deadline,
    };
  });

  const stated = (d: Draft): boolean => ROLES.some((r) => d.roles[r] !== undefined) || d.deadline !== null;
  const anyStated = drafts.some(stated) || tableOnly.length > 0;
  const bearing = new Set<OutlineNode>();
  for (const d of drafts) if (stated(d)) bearing.add(rootOf(d.node!));

  let chosen: Draft[];
  if (anyStated) {
    chosen = drafts.filter((d) => bearing.has(rootOf(d.node!)));
    for (const root of outline.roots) {
      if (bearing.has(root)) continue;
      const inRoot = drafts.filter((d) => rootOf(d.node!) === root);
      const what = root.children.length === 0 ? 'a section without numbered items' : `${inRoot.length} numbered entr${inRoot.length === 1 ? 'y' : 'ies'}`;
      warn(
        'section-skipped',
        `section ${root.segment} "${headingOf(root)}" (lines ${root.line}–${root.endLine}): ${what}, no responsible unit or deadline stated: not proposed as items`,
        root.line,
        root.segment,
      );
    }
  } else {
    const NON_TASK = /指导思想|总体要求|基本原则|总体目标|主要目标|发展目标|工作目标|保障措施|工作要求|组织保障/;
    chosen = drafts.filter((d) => !NON_TASK.test(titleOf(rootOf(d.node!))));
    if (chosen.length > 0) {
      warn(
        'no-units',
        `no item states a responsible unit or a deadline anywhere (no 牵头/责任/配合 labels, parentheses, sentences or division table): all ${chosen.length} numbered entries are proposed without units`,
      );
    }
  }
  for (const t of tableOnly) {
    const text = new SourceText().append(t.text, t.line);
    chosen.push({ node: null, path: t.path, line: t.line, endLine: t.line, context: t.context, title: t.title, text, roles: t.roles, deadline: t.deadline });
  }

  // Duplicate paths (a numbering slip in the document) get a suffix, so that ids stay distinct.
  const seen = new Map<string, number>();
  const items: PreviewItem[] = chosen.map((d) => {
    const count = (seen.get(d.path) ?? 0) + 1;
    seen.set(d.path, count);
    const path = count === 1 ? d.path : `${d.path}#${count}`;
    if (count > 1) warn('duplicate-path', `two items are numbered ${d.path} (the second at line ${d.line}): the second is ${path}`, d.line, path);

    const resolved = {} as Record<ResponsibilityRole, { units: string[]; written: WrittenUnits | null }>;
    for (const role of ROLES) {
      const v = d.roles[role];
      resolved[role] = v === undefined ? { units: [], written: null } : resolveWritten(v, role, path);
    }
    let deadline: string | null = null;
    let deadlineKind: PreviewItem['deadlineKind'] = null;
    let recurrence: PreviewItem['recurrence'] = null;
    if (d.deadline !== null) {
      const reading = readDeadline(d.deadline.source.text, deadlineContext);
      deadline = reading.date;
      deadlineKind = reading.kind;
      recurrence = reading.recurrence;
      for (const note of reading.notes) warn(note.code, note.message, d.deadline.line, path);
    }
    const forTargets = d.node !== null && d.node.headingOnly ? joinSources(new SourceText().append(d.node.heading, d.node.line), d.text, '\n') : d.text;
    const missing: string[] = [];
    if (resolved.lead.units.length === 0) missing.push('leadUnits');
    if (resolved.responsible.units.length === 0) missing.push('responsibleUnits');
    if (deadline === null) missing.push('deadline');
    // the one canonical form POST /tasks uses too (a no-op on the outline's own paths; it guards the two roads against drifting)
    const canonical = normalizeItemPath(path);
    return {
      path: canonical,
      taskId: docNumber === null ? null : taskIdFor(docNumber, canonical),
      line: d.line,
      endLine: d.endLine,
      context: d.context,
      title: d.title,
      text: d.text.text,
      leadUnits: resolved.lead.units,
      responsibleUnits: resolved.responsible.units,
      cooperatingUnits: resolved.cooperating.units,
      written: { lead: resolved.lead.written, responsible: resolved.responsible.written, cooperating: resolved.cooperating.written },
      deadline,
      deadlineInstant: deadline === null ? null : toShanghaiIso(endOfLocalDay(deadline)),
      deadlineText: d.deadline?.source.text ?? null,
      deadlineKind,
      recurrence,
      targets: findTargets(forTargets),
      missing,
    };
  });

  // ------------------------------------------------------------------ what was not found
  const list = (paths: string[]): string => (paths.length <= 8 ? paths.join(', ') : `${paths.slice(0, 8).join(', ')} and ${paths.length - 8} more`);
  const noUnits = items.filter((i) => i.leadUnits.length + i.responsibleUnits.length + i.cooperatingUnits.length === 0).map((i) => i.path);
  if (noUnits.length > 0 && anyStated) warn('no-units', `${noUnits.length} item(s) name no unit that resolves: ${list(noUnits)}`);
  const noLead = items.filter((i) => i.leadUnits.length === 0 && !noUnits.includes(i.path)).map((i) => i.path);
  if (noLead.length > 0) warn('no-lead', `${noLead.length} item(s) have no 牵头单位 (lead unit): ${list(noLead)}`);
  const noDeadline = items.filter((i) => i.deadlineText === null).map((i) => i.path);
  if (noDeadline.length > 0) warn('no-deadline', `${noDeadline.length} item(s) have no 完成时限: ${list(noDeadline)}`);

  for (const annex of regions.annexes) {
    const numbered = lines.slice(annex.start, annex.end).filter((l) => l.text !== '' && markerOf(l.text) !== null);
    if (numbered.length > 0) {
      warn(
        'annex-entries-ignored',
        `附件${annex.number} (line ${lines[annex.start]!.no}) holds ${numbered.length} numbered entries (lines ${numbered[0]!.no}–${numbered.at(-1)!.no}); entries of an annex are not read as items`,
        lines[annex.start]!.no,
      );
    }
  }
  if (items.length === 0) {
    const markerLines = bodyLines.filter((l) => l.text !== '' && markerOf(l.text) !== null).length;
    warn(
      'no-items',
      markerLines === 0
        ? `no numbered items (一、 （一） 1. （1） ①) found in the body${regions.annexes.length > 0 ? ` before the first annex (line ${lines[regions.annexes[0]!.start]!.no})` : ''}, and no division table: nothing to propose`
        : `${markerLines} numbered entries found in the body (lines ${bodyLines[0]!.no}–${bodyLines.at(-1)!.no}), none of them proposed (see section-skipped)`,
    );
  }

  const documentMissing: string[] = [];
  if (docNumber === null) documentMissing.push('docNumber');
  if (supervisor?.unitId == null) documentMissing.push('supervisingOffice');
  const document: PreviewDocument = {
    issuer: header.issuer?.value ?? null,
    issuerUnit,
    docNumber,
    docNumberSource,
    date,
    printedDate: footer.printedDate?.value ?? null,
    title: header.title?.value ?? null,
    kind: header.title?.kind ?? null,
    draft: header.draft,
    supervisor,
    sponsor,
    scope,
    missing: documentMissing,
  };

  const roleOrder: Record<UnresolvedRole, number> = { issuer: 0, lead: 1, responsible: 2, cooperating: 3, 'target-unit': 4, sponsor: 5, supervisor: 6 };
  unresolved.sort((a, b) => a.line - b.line || roleOrder[a.role] - roleOrder[b.role]);
  const orderedWarnings = warnings
    .map((w, i) => ({ w, i }))
    .sort((a, b) => (a.w.line ?? 0) - (b.w.line ?? 0) || a.i - b.i)
    .map(({ w }) => w);

  const complete = documentMissing.length === 0 ? items.filter((i) => i.missing.length === 0).length : 0;
  return {
    format: PREVIEW_FORMAT,
    source: { sha256: createHash('sha256').update(text).digest('hex'), lines: lines.length, traditionalNormalised: model.traditional.replaced },
    document,
    items,
    targets,
    tables,
    unresolved,
    warnings: orderedWarnings,
    summary: {
      items: items.length,
      withLead: items.filter((i) => i.leadUnits.length > 0).length,
      withResponsible: items.filter((i) => i.responsibleUnits.length > 0).length,
      withDeadline: items.filter((i) => i.deadline !== null).length,
      itemTargets: items.reduce((n, i) => n + i.targets.length, 0),
      targetRows: targets.length,
      unresolved: unresolved.length,
      warnings: orderedWarnings.length,
      complete,
    },
  };
}

