/**
 * The import preview: what a policy document proposes for the ledger, before
 * anything is committed. Plain JSON (no Dates, no classes), deterministic: the
 * same text and registry give the same preview, byte for byte.
 */
import type { TargetComparator } from '@duban/domain/task';
import type { UnresolvedReason } from '@duban/domain/units';

export const PREVIEW_FORMAT = 'duban.import-preview/1';

/** A unit named in the document (sponsor, supervisor): as written, and the unit id when it resolves. */
export interface NamedUnit {
  readonly name: string;
  readonly unitId: string | null;
  readonly line: number;
}

export interface PreviewDocument {
  /** 发文机关 as written in the header ("郑州市人民政府办公厅"), without the trailing 文件. */
  readonly issuer: string | null;
  /** The issuer as a unit id, when it resolves (e.g. 市政府办公厅, 郑州高新区). */
  readonly issuerUnit: string | null;
  /** 文号 in normal form: no whitespace, brackets as 〔〕 ("郑政办〔2021〕34号"). */
  readonly docNumber: string | null;
  /** Where the 文号 came from: the header line, or the caller (options.docNumber / --doc-number). */
  readonly docNumberSource: 'header' | 'option' | null;
  /** 成文日期 (YYYY-MM-DD): the date standing alone on its line; else the 印发 date (with a warning). */
  readonly date: string | null;
  /** 印发 date (YYYY-MM-DD) from the footer line "…年…月…日印发". */
  readonly printedDate: string | null;
  /** The document's title ("关于印发…的通知"), PDF line breaks and spaces removed. */
  readonly title: string | null;
  /** The genre word the title ends with: 通知, 通报, 意见, 方案, 要点, … */
  readonly kind: string | null;
  /** True when the title or header says 征求意见稿 / 草案 / 送审稿. */
  readonly draft: boolean;
  /** 督办 (supervising office), when stated. */
  readonly supervisor: NamedUnit | null;
  /** 主办 (sponsoring department), when stated. */
  readonly sponsor: NamedUnit | null;
  /** The unit whose local names were tried first when resolving (the issuer, or options.scope). */
  readonly scope: string | null;
  /** What RegisterTask needs from the document and the preview lacks: 'docNumber', 'supervisingOffice'. */
  readonly missing: readonly string[];
}

export type ResponsibilityRole = 'lead' | 'responsible' | 'cooperating';

/** Where a responsibility or deadline was read. */
export type FieldSource =
  /** A labelled line after the item ("牵头单位：市工信局"). */
  | 'field'
  /** A parenthesis ending a paragraph ("（责任单位：…）", "（市工信局牵头，…配合）"). */
  | 'parenthesis'
  /** A sentence without labels ("市工信局牵头，市财政局配合。"). */
  | 'clause'
  /** A division table (任务分工表) row. */
  | 'table';

export interface WrittenUnits {
  /** The list exactly as written (PDF line breaks joined). */
  readonly text: string;
  readonly line: number;
  readonly source: FieldSource;
  /** The item path the list was written under, when it is inherited from a parent item. */
  readonly inheritedFrom: string | null;
  /** Groups named in the list, with the number of units each stands for. */
  readonly groups: ReadonlyArray<{ readonly name: string; readonly groupId: string; readonly count: number }>;
}

export interface ItemTarget {
  readonly value: number;
  /** As written: 个, 家, 亩, 万平方米, 亿元, %, 个工作日, … ('' for a bare ratio such as 容积率不低于1.5). */
  readonly unit: string;
  readonly comparator: TargetComparator;
  /** The words it was read from ("20个以上", "不少于2个", "61日内"). */
  readonly text: string;
  /** "10个左右": about, read as '='. */
  readonly approximate?: true;
  readonly line: number;
}

export type DeadlineKind =
  /** A date: the last day of a month for a month deadline. */
  | 'date'
  /** 长期坚持, 持续推进, 常态化: no deadline. */
  | 'ongoing'
  /** 每月, 每季度, 每半年, 每年: a recurring duty, no single deadline. */
  | 'recurring'
  /** 立即, 即时: no date. */
  | 'immediate'
  /** Written, but not read as a date (see warnings). */
  | 'unrecognised';

export type Recurrence = 'weekly' | 'monthly' | 'quarterly' | 'half-yearly' | 'yearly';

export interface PreviewItem {
  /** Canonical item path, e.g. "一/（三）/1" (see README: one segment per outline level). */
  readonly path: string;
  /** taskIdFor(docNumber, path); null when the document has no 文号 (pass one with options.docNumber). */
  readonly taskId: string | null;
  /** Line of the item's number (its table row for an item read from a division table only). */
  readonly line: number;
  readonly endLine: number;
  /** Titles of the enclosing items, outermost first. */
  readonly context: readonly string[];
  readonly title: string;
  readonly text: string;
  readonly leadUnits: readonly string[];
  readonly responsibleUnits: readonly string[];
  readonly cooperatingUnits: readonly string[];
  /** How each role was written (null when the document does not state it for this item). */
  readonly written: { readonly [R in ResponsibilityRole]: WrittenUnits | null };
  /** YYYY-MM-DD (the last day for a month deadline); null when none. */
  readonly deadline: string | null;
  /** The deadline as an instant: 23:59:59 Asia/Shanghai on that day (what RegisterTask takes). */
  readonly deadlineInstant: string | null;
  /** The deadline as written ("2021年4月", "6月底前", "长期坚持", "每季度"). */
  readonly deadlineText: string | null;
  readonly deadlineKind: DeadlineKind | null;
  readonly recurrence: Recurrence | null;
  /** Numeric targets found in the item's own text. */
  readonly targets: readonly ItemTarget[];
  /** What RegisterTask requires and this item lacks: 'leadUnits', 'responsibleUnits', 'deadline'. */
  readonly missing: readonly string[];
}

export interface TargetRow {
  /** Unit id; null when the row names no known unit (see unresolved). */
  readonly unit: string | null;
  /** The unit as written (row label, or the table title's unit for a table by year). */
  readonly unitName: string | null;
  readonly year: number | null;
  readonly metric: string;
  readonly value: number;
  /** 单位 of the value when the table states it ("单位：家"); null otherwise. */
  readonly measure: string | null;
  readonly line: number;
  /** Index of the table in `tables`. */
  readonly table: number;
}

export interface PreviewTable {
  readonly kind: 'division' | 'targets-by-unit' | 'targets-by-year' | 'targets-by-metric' | 'unrecognised';
  readonly title: string | null;
  readonly line: number;
  readonly endLine: number;
  readonly rows: number;
  /** Annex number (附件1 → 1; a single unnumbered 附件 → 1); null for a table in the body. */
  readonly annex: number | null;
  readonly notes: readonly string[];
}

export type UnresolvedRole = ResponsibilityRole | 'sponsor' | 'supervisor' | 'issuer' | 'target-unit';

export interface PreviewUnresolved {
  readonly name: string;
  readonly reason: UnresolvedReason;
  readonly role: UnresolvedRole;
  readonly line: number;
  /** The item the name was written for; null outside items (footer, target tables). */
  readonly path: string | null;
  readonly groupId?: string;
  readonly candidates?: readonly string[];
}

export type WarningCode =
  | 'no-doc-number'
  | 'no-issuer'
  | 'no-date'
  | 'date-from-print-line'
  | 'no-title'
  | 'draft'
  | 'bulletin'
  | 'no-supervisor'
  | 'no-items'
  | 'section-skipped'
  | 'annex-entries-ignored'
  | 'no-units'
  | 'no-lead'
  | 'no-deadline'
  | 'deadline-unrecognised'
  | 'deadline-year-inferred'
  | 'deadline-ambiguous'
  | 'deadline-several'
  | 'shared-responsibility'
  | 'clause-not-applied'
  | 'table-row-unmatched'
  | 'table-title-mismatch'
  | 'table-conflict'
  | 'table-unrecognised'
  | 'table-header'
  | 'duplicate-path'
  | 'traditional-normalised'
  | 'field-ignored';

export interface PreviewWarning {
  readonly code: WarningCode;
  readonly message: string;
  readonly line: number | null;
  readonly path: string | null;
}

export interface PreviewSummary {
  readonly items: number;
  readonly withLead: number;
  readonly withResponsible: number;
  readonly withDeadline: number;
  readonly itemTargets: number;
  readonly targetRows: number;
  readonly unresolved: number;
  readonly warnings: number;
  /** Items RegisterTask would accept as they stand (nothing missing, document included). */
  readonly complete: number;
}

export interface ImportPreview {
  readonly format: typeof PREVIEW_FORMAT;
  readonly source: {
    /** sha256 of the text as given (before any normalisation). */
    readonly sha256: string;
    readonly lines: number;
    /** How many traditional characters were read as simplified (see README). */
    readonly traditionalNormalised: number;
  };
  readonly document: PreviewDocument;
  readonly items: readonly PreviewItem[];
  readonly targets: readonly TargetRow[];
  readonly tables: readonly PreviewTable[];
  readonly unresolved: readonly PreviewUnresolved[];
  readonly warnings: readonly PreviewWarning[];
  readonly summary: PreviewSummary;
}
