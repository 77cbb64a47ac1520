/**
 * The drafted bulletin: one structure every renderer (docx, HTML, Markdown,
 * the chart) lays out, and the one the content hash is taken of. All text in
 * it is final (numbers formatted, dates in Chinese): a renderer only places it.
 */

/** A paragraph of body text (仿宋, first line indented two characters); `lead` is a （一）… heading run in 楷体 that opens it. */
export interface Paragraph {
  readonly lead?: string;
  readonly text: string;
}

/** 一、总体情况 … 四、工作要求 */
export interface Section {
  /** 一、总体情况 (the heading as printed, 黑体). */
  readonly heading: string;
  readonly paragraphs: readonly Paragraph[];
}

export type RowMark = 'red' | 'black' | null;

/** One group's table in the annex: cells already formatted. */
export interface AnnexTable {
  /** （一）开发区 */
  readonly caption: string;
  readonly group: string;
  readonly columns: readonly string[];
  readonly rows: readonly { readonly unitId: string; readonly mark: RowMark; readonly cells: readonly string[] }[];
}

/** The ranking chart's data: scored units by rank, per group. */
export interface ChartGroup {
  readonly group: string;
  readonly bars: readonly { readonly unit: string; readonly score: number; readonly rank: number; readonly mark: RowMark }[];
}

export interface BulletinDocument {
  /** 郑州市人民政府办公厅关于2021年5月份重点工作督查情况的通报 */
  readonly title: string;
  /** The 文号 placeholder line. */
  readonly documentNumber: string;
  /** 主送 line, ending with "：". */
  readonly addressees: string;
  /** The opening paragraph (why, what, "现将有关情况通报如下："). */
  readonly opening: string;
  /** 一、 to 四、, in order. */
  readonly sections: readonly Section[];
  /** 附件：… (the annex's name, under the text). */
  readonly attachmentNote: string;
  readonly signature: { readonly issuer: string; readonly date: string };
  readonly annex: {
    /** 附件 */
    readonly label: string;
    readonly title: string;
    readonly tables: readonly AnnexTable[];
    /** 注： lines under the tables; the last is the anchor line. */
    readonly notes: readonly string[];
  };
  /**
   * What the bulletin was computed from: `<hash>@<position>` for duban verify
   * --anchor, the scoring rule, and the template (the wording's version: a
   * change of any sentence draftBulletin writes is a new template).
   */
  readonly provenance: { readonly anchor: string; readonly position: string; readonly headHash: string; readonly rule: string; readonly template: string };
  readonly chart: { readonly title: string; readonly groups: readonly ChartGroup[] };
}
