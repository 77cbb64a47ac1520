import {
  AlignmentType,
  BorderStyle,
  Document,
  DocumentGridType,
  Footer,
  LineRuleType,
  Packer,
  PageNumber,
  PageOrientation,
  Paragraph as DocxParagraph,
  Table,
  TableCell,
  TableRow,
  TextRun,
  VerticalAlign,
  WidthType,
} from 'docx';
import type { ISectionOptions } from 'docx';
import type { BulletinDocument, Paragraph } from '../document';
import { beijingDateParts, beijingMidnightUtc } from '../format';
import { fixZipTimestamps } from './zip-timestamps';

/**
 * GB/T 9704-2012 (党政机关公文格式) in Word's units: twips (1/20 pt;
 * 1 mm = 1440/25.4 twips) and half-points for font sizes.
 */
const mm = (millimetres: number) => Math.round((millimetres * 1440) / 25.4);
export const GBT9704 = {
  /** A4 */
  page: { width: mm(210), height: mm(297) },
  /** 天头 37 mm, 订口 28 mm; 版心 156 × 225 mm. */
  margin: { top: mm(37), bottom: mm(35), left: mm(28), right: mm(26) },
  /** 22 lines in the 225 mm text block: 28.9 pt, exact. */
  line: Math.round(28.9 * 20),
  /** 2号 22 pt, 3号 16 pt, 4号 14 pt, 小四 12 pt (docx sizes are half-points). */
  size: { title: 44, body: 32, pageNumber: 28, table: 24 },
  /** One 3号 character: the "空二字" indents. */
  char: 16 * 20,
} as const;

/** The faces of GB/T 9704 (the first name is what Word asks for; the fallbacks go in the font table, see FONT_TABLE). */
export const FACES = {
  title: { name: '方正小标宋简体', fallbacks: ['华文中宋', '宋体'] },
  body: { name: '仿宋_GB2312', fallbacks: ['仿宋', 'FangSong'] },
  hei: { name: '黑体', fallbacks: ['SimHei'] },
  kai: { name: '楷体_GB2312', fallbacks: ['楷体', 'KaiTi'] },
  /** Digits of the page number: 4号半角宋体. */
  song: { name: '宋体', fallbacks: ['SimSun'] },
} as const;
type Face = keyof typeof FACES;

/** Latin text in a GB document: Times New Roman. */
const LATIN = 'Times New Roman';

/** A run with its East-Asian face set explicitly (Word would otherwise fall back to the theme's face for CJK). */
function run(text: string, face: Face, size: number, bold = false): TextRun {
  return new TextRun({ text, bold, size, font: { eastAsia: FACES[face].name, ascii: LATIN, hAnsi: LATIN, cs: LATIN, hint: 'eastAsia' } });
}

const exact = { line: GBT9704.line, lineRule: LineRuleType.EXACT, before: 0, after: 0 };

function bodyParagraph(p: Paragraph): DocxParagraph {
  const runs = p.lead === undefined ? [] : [run(p.lead, 'kai', GBT9704.size.body)];
  runs.push(run(p.text, 'body', GBT9704.size.body));
  return new DocxParagraph({ children: runs, spacing: exact, indent: { firstLine: 2 * GBT9704.char }, alignment: AlignmentType.JUSTIFIED });
}

function line(text: string, face: Face, options: { size?: number; align?: (typeof AlignmentType)[keyof typeof AlignmentType]; indentChars?: number; rightChars?: number } = {}): DocxParagraph {
  return new DocxParagraph({
    children: text === '' ? [] : [run(text, face, options.size ?? GBT9704.size.body)],
    spacing: exact,
    alignment: options.align ?? AlignmentType.LEFT,
    indent: { firstLine: (options.indentChars ?? 0) * GBT9704.char, right: (options.rightChars ?? 0) * GBT9704.char },
  });
}

const blank = () => line('', 'body');

/** Page numbers "— 1 —" in 4号宋体: odd pages right, even pages left, one character in from the edge (GB/T 9704 7.5). */
function pageNumberFooter(side: 'odd' | 'even'): Footer {
  const font = { eastAsia: FACES.song.name, ascii: FACES.song.name, hAnsi: FACES.song.name, cs: FACES.song.name, hint: 'eastAsia' };
  const oneChar = 14 * 20;
  return new Footer({
    children: [
      new DocxParagraph({
        alignment: side === 'odd' ? AlignmentType.RIGHT : AlignmentType.LEFT,
        indent: side === 'odd' ? { right: oneChar } : { left: oneChar },
        children: [new TextRun({ children: ['— ', PageNumber.CURRENT, ' —'], size: GBT9704.size.pageNumber, font })],
      }),
    ],
  });
}

const BORDER = { style: BorderStyle.SINGLE, size: 4, color: '000000' };

function annexTable(table: BulletinDocument['annex']['tables'][number], width: number): Table {
  // The unit column takes what the 12 figures leave; each figure column the same.
  const unitWidth = Math.round(width * 0.16);
  const figureWidth = Math.floor((width - unitWidth) / (table.columns.length - 1));
  const widths = table.columns.map((_, i) => (i === 0 ? unitWidth : figureWidth));
  const cell = (text: string, i: number, header: boolean) =>
    new TableCell({
      width: { size: widths[i]!, type: WidthType.DXA },
      verticalAlign: VerticalAlign.CENTER,
      children: [
        new DocxParagraph({
          alignment: i === 0 && !header ? AlignmentType.LEFT : AlignmentType.CENTER,
          spacing: { line: 300, lineRule: LineRuleType.EXACT, before: 0, after: 0 },
          children: [run(text, header ? 'hei' : 'body', GBT9704.size.table)],
        }),
      ],
    });
  return new Table({
    width: { size: widths.reduce((a, b) => a + b, 0), type: WidthType.DXA },
    columnWidths: widths,
    borders: { top: BORDER, bottom: BORDER, left: BORDER, right: BORDER, insideHorizontal: BORDER, insideVertical: BORDER },
    rows: [
      new TableRow({ tableHeader: true, children: table.columns.map((c, i) => cell(c, i, true)) }),
      ...table.rows.map((row) => new TableRow({ cantSplit: true, children: row.cells.map((c, i) => cell(c, i, false)) })),
    ],
  });
}

const footers = { default: pageNumberFooter('odd'), even: pageNumberFooter('even') };
const grid = { type: DocumentGridType.LINES, linePitch: GBT9704.line };

function bodySection(doc: BulletinDocument): ISectionOptions {
  const children: DocxParagraph[] = [
    line(doc.documentNumber, 'body', { align: AlignmentType.CENTER }),
    blank(),
    line(doc.title, 'title', { size: GBT9704.size.title, align: AlignmentType.CENTER }),
    blank(),
    line(doc.addressees, 'body'),
    bodyParagraph({ text: doc.opening }),
  ];
  for (const section of doc.sections) {
    children.push(line(section.heading, 'hei', { indentChars: 2 }));
    for (const p of section.paragraphs) children.push(bodyParagraph(p));
  }
  children.push(
    blank(),
    line(doc.attachmentNote, 'body', { indentChars: 2 }),
    blank(),
    blank(),
    line(doc.signature.issuer, 'body', { align: AlignmentType.RIGHT, rightChars: 4 }),
    line(doc.signature.date, 'body', { align: AlignmentType.RIGHT, rightChars: 4 }),
  );
  return {
    properties: { page: { size: { ...GBT9704.page, orientation: PageOrientation.PORTRAIT }, margin: GBT9704.margin }, grid },
    footers,
    children,
  };
}

/** The annex on landscape A4 (GB/T 9704 allows a table turned sideways), the same margins on the long edges. */
function annexSection(doc: BulletinDocument): ISectionOptions {
  const width = GBT9704.page.height - GBT9704.margin.left - GBT9704.margin.right;
  const children: (DocxParagraph | Table)[] = [
    line(doc.annex.label, 'hei'),
    line(doc.annex.title, 'title', { size: GBT9704.size.title, align: AlignmentType.CENTER }),
  ];
  for (const table of doc.annex.tables) {
    children.push(line(table.caption, 'kai'), annexTable(table, width));
  }
  children.push(blank());
  for (const note of doc.annex.notes) children.push(line(note, 'body', { size: GBT9704.size.table }));
  return {
    properties: { page: { size: { ...GBT9704.page, orientation: PageOrientation.LANDSCAPE }, margin: GBT9704.margin }, grid },
    footers,
    children,
  };
}

function xmlText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** docProps/core.xml with the issue date as created/modified: docx stamps the time of rendering, which would change the bytes every time. */
function coreProperties(doc: BulletinDocument, issuedAt: string): string {
  const stamp = beijingMidnightUtc(issuedAt).toISOString().replace('.000Z', 'Z');
  return (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' +
    '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">' +
    `<dc:title>${xmlText(doc.title)}</dc:title><dc:creator>${xmlText(doc.signature.issuer)}</dc:creator>` +
    `<dc:description>${xmlText(doc.provenance.anchor)} ${xmlText(doc.provenance.rule)}</dc:description>` +
    `<dcterms:created xsi:type="dcterms:W3CDTF">${stamp}</dcterms:created><dcterms:modified xsi:type="dcterms:W3CDTF">${stamp}</dcterms:modified>` +
    '</cp:coreProperties>'
  );
}

/** word/fontTable.xml naming each GB face with its fallbacks (w:altName), so Word substitutes a close face where the GB one is missing. */
function fontTable(): string {
  const entry = (name: string, alt: readonly string[], family: string) =>
    `<w:font w:name="${name}">${alt.length > 0 ? `<w:altName w:val="${alt.join(',')}"/>` : ''}<w:charset w:val="${name === LATIN ? '00' : '86'}"/><w:family w:val="${family}"/><w:pitch w:val="variable"/></w:font>`;
  return (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' +
    '<w:fonts xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">' +
    entry(FACES.title.name, FACES.title.fallbacks, 'roman') +
    entry(FACES.body.name, FACES.body.fallbacks, 'modern') +
    entry(FACES.hei.name, FACES.hei.fallbacks, 'modern') +
    entry(FACES.kai.name, FACES.kai.fallbacks, 'modern') +
    entry(FACES.song.name, FACES.song.fallbacks, 'auto') +
    entry(LATIN, [], 'roman') +
    '</w:fonts>'
  );
}

/**
 * The bulletin as .docx laid out after GB/T 9704-2012. `issuedAt` (the
 * input's) fixes the file's timestamps, so the same document gives the same
 * bytes.
 */
export async function renderDocx(doc: BulletinDocument, issuedAt: string): Promise<Buffer> {
  const file = new Document({
    title: doc.title,
    creator: doc.signature.issuer,
    evenAndOddHeaderAndFooters: true,
    styles: {
      default: {
        document: {
          run: { size: GBT9704.size.body, font: { eastAsia: FACES.body.name, ascii: LATIN, hAnsi: LATIN, cs: LATIN } },
          paragraph: { spacing: exact },
        },
      },
    },
    sections: [bodySection(doc), annexSection(doc)],
  });
  const packed = await Packer.toBuffer(file, false, [
    { path: 'docProps/core.xml', data: coreProperties(doc, issuedAt) },
    { path: 'word/fontTable.xml', data: fontTable() },
  ]);
  const { year, month, day } = beijingDateParts(issuedAt)!;
  return fixZipTimestamps(packed, { year, month, day });
}
