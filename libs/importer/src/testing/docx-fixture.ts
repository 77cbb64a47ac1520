/**
 * Real .docx files for the tests, built with jszip: the minimal WordprocessingML
 * package Word and WPS open ([Content_Types].xml, _rels/.rels, word/document.xml,
 * word/_rels/document.xml.rels), with paragraphs, Heading 1–6 paragraphs, bold
 * runs, tables (header rows, gridSpan, vMerge). `seedBlocks` turns a seed's text
 * into such blocks the way the document looks in Word: one paragraph per line,
 * tab-separated rows as a table, markdown headings as headings, **…** and
 * <b>…</b> as bold runs.
 */
import JSZip from 'jszip';
import { ImportError } from '../errors';

export interface DocxCell {
  readonly text: string;
  /** Columns the cell spans (w:gridSpan). */
  readonly span?: number;
  /** Vertical merge (w:vMerge): 'restart' opens a merged cell, 'continue' is covered by the one above. */
  readonly vMerge?: 'restart' | 'continue';
}

export type DocxBlock =
  | { readonly kind: 'p'; readonly text: string; readonly heading?: 1 | 2 | 3 | 4 | 5 | 6 }
  | { readonly kind: 'table'; readonly rows: ReadonlyArray<ReadonlyArray<string | DocxCell>>; readonly headerRows?: number };

const W_NS = 'http://schemas.openxmlformats.org/wordprocessingml/2006/main';
const REL_NS = 'http://schemas.openxmlformats.org/package/2006/relationships';

const escapeXml = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Runs of a text: **…** and <b>…</b> bold, tabs as <w:tab/>. */
function runs(text: string): string {
  return text
    .split(/(\*\*[^*]+\*\*|<b>[^<]*<\/b>)/)
    .filter((part) => part !== '')
    .map((part) => {
      const bold = /^\*\*[^*]+\*\*$/.test(part) || /^<b>[^<]*<\/b>$/.test(part);
      const content = bold ? part.replace(/^\*\*|\*\*$|^<b>|<\/b>$/g, '') : part;
      const inner = content
        .split('\t')
        .map((piece) => (piece === '' ? '' : `<w:t xml:space="preserve">${escapeXml(piece)}</w:t>`))
        .join('<w:tab/>');
      return `<w:r>${bold ? '<w:rPr><w:b/></w:rPr>' : ''}${inner}</w:r>`;
    })
    .join('');
}

const paragraph = (text: string, heading?: number): string =>
  `<w:p>${heading !== undefined ? `<w:pPr><w:pStyle w:val="Heading${heading}"/></w:pPr>` : ''}${runs(text)}</w:p>`;

function table(block: Extract<DocxBlock, { kind: 'table' }>): string {
  const width = Math.max(...block.rows.map((r) => r.reduce((n, c) => n + (typeof c === 'string' ? 1 : (c.span ?? 1)), 0)));
  const grid = `<w:tblGrid>${'<w:gridCol w:w="1800"/>'.repeat(width)}</w:tblGrid>`;
  const rows = block.rows.map((row, r) => {
    const header = r < (block.headerRows ?? 0) ? '<w:trPr><w:tblHeader/></w:trPr>' : '';
    const cells = row.map((c) => {
      const cell: DocxCell = typeof c === 'string' ? { text: c } : c;
      const props = [
        cell.span !== undefined && cell.span > 1 ? `<w:gridSpan w:val="${cell.span}"/>` : '',
        cell.vMerge === 'restart' ? '<w:vMerge w:val="restart"/>' : cell.vMerge === 'continue' ? '<w:vMerge/>' : '',
      ].join('');
      return `<w:tc>${props !== '' ? `<w:tcPr>${props}</w:tcPr>` : ''}${paragraph(cell.text)}</w:tc>`;
    });
    return `<w:tr>${header}${cells.join('')}</w:tr>`;
  });
  return `<w:tbl><w:tblPr><w:tblW w:w="0" w:type="auto"/></w:tblPr>${grid}${rows.join('')}</w:tbl>`;
}

/** The document.xml of the blocks. */
export function documentXml(blocks: readonly DocxBlock[]): string {
  const body = blocks.map((b) => (b.kind === 'p' ? paragraph(b.text, b.heading) : table(b))).join('');
  return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:document xmlns:w="${W_NS}"><w:body>${body}<w:sectPr/></w:body></w:document>`;
}

/** A .docx package: the minimal package around the blocks; `replace` gives other parts (a footnotes.xml, a broken document.xml; null leaves a part out). */
export async function buildDocx(blocks: readonly DocxBlock[], replace: Readonly<Record<string, string | null>> = {}): Promise<Buffer> {
  const parts: Record<string, string | null> = {
    '[Content_Types].xml':
      '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' +
      '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
      '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>' +
      '<Default Extension="xml" ContentType="application/xml"/>' +
      '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>' +
      '</Types>',
    '_rels/.rels':
      `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="${REL_NS}">` +
      '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>' +
      '</Relationships>',
    'word/document.xml': documentXml(blocks),
    'word/_rels/document.xml.rels': `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="${REL_NS}"></Relationships>`,
    ...replace,
  };
  const zip = new JSZip();
  for (const [name, content] of Object.entries(parts)) if (content !== null) zip.file(name, content);
  return zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' });
}

/** A table written as lines of text, to lay out as a Word table (seed 000's annex: a label and numbers per line). */
export interface TextTable {
  /** The first line of the table (its start, trimmed). */
  readonly first: string;
  /** The last line of the table (its start, trimmed). */
  readonly last: string;
  /** The header row as Word has it (the text broke it over lines). */
  readonly header: readonly string[];
}

/** Seed 000's annex as Word has it: one table, its header in one row (the PDF text broke it over lines 713–716). */
export const SEED_000_ANNEX: TextTable = {
  first: '各开发区、区县 (市) 新开工市级',
  last: '中原区 1 100 5 20',
  header: ['各开发区、区县 (市)', '新开工市级小微企业园', '集聚入园企业', '“专精特新”企业', '科技型企业'],
};

const HEADING = /^(#{1,6})\s+(.*)$/;
const LABEL_AND_NUMBERS = /^(.*?\S)((?:\s+\d+)+)\s*$/;

/**
 * A seed's text as Word blocks: one paragraph per line (empty lines are empty
 * paragraphs, so the line numbers stay), "# …" lines as Heading 1–6, a run of
 * tab-separated lines as one table (its first row a header row when the run
 * follows text; a row's trailing empty cells merged into its last filled cell,
 * as Word tables have it), and each `tables` range as one table with its header.
 */
export function seedBlocks(text: string, tables: readonly TextTable[] = []): DocxBlock[] {
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  const blocks: DocxBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const spaced = tables.find((t) => line.trim().startsWith(t.first));
    if (spaced !== undefined) {
      const rows: string[][] = [[...spaced.header]];
      for (; i < lines.length; i++) {
        const m = LABEL_AND_NUMBERS.exec(lines[i]!.trim());
        if (m !== null) rows.push([m[1]!, ...m[2]!.trim().split(/\s+/)]);
        if (lines[i]!.trim().startsWith(spaced.last)) break;
      }
      blocks.push({ kind: 'table', rows, headerRows: 1 });
      continue;
    }
    if (line.includes('\t')) {
      const afterText = i > 0 && lines[i - 1]!.trim() !== '';
      const raw: string[][] = [];
      for (; i < lines.length && lines[i]!.includes('\t'); i++) raw.push(lines[i]!.split('\t'));
      i--;
      const width = Math.max(...raw.map((r) => r.length));
      const rows = raw.map((cells): DocxCell[] => {
        const padded = [...cells, ...Array<string>(width - cells.length).fill('')];
        let filled = padded.length;
        while (filled > 1 && padded[filled - 1] === '') filled--;
        return padded.slice(0, filled).map((t, k) => (k === filled - 1 && filled < width ? { text: t, span: width - filled + 1 } : { text: t }));
      });
      blocks.push({ kind: 'table', rows, headerRows: afterText ? 1 : 0 });
      continue;
    }
    const heading = HEADING.exec(line);
    if (heading !== null) blocks.push({ kind: 'p', text: heading[2]!, heading: heading[1]!.length as 1 });
    else blocks.push({ kind: 'p', text: line });
  }
  return blocks;
}

/** The ImportError a promise rejects with (any other outcome fails the spec). */
export async function importErrorOf(p: Promise<unknown>): Promise<ImportError> {
  try {
    await p;
  } catch (err) {
    if (err instanceof ImportError) return err;
    throw err;
  }
  throw new Error('expected an ImportError');
}
