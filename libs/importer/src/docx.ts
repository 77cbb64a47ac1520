/**
 * .docx → the importer's plain text, through mammoth (the maintained .docx
 * reader): paragraphs become lines, each table row one line with its cells
 * joined by TAB — the forms the parser already reads (tables.ts: tab-separated
 * rows; seed 002's division table and the annex target tables of seeds 000/003).
 *
 * Why mammoth's HTML and a small walk over it: `extractRawText` flattens a table
 * into one paragraph per cell (the rows are lost) and drops line breaks, and the
 * document-transform hook, which would hand us mammoth's own tree, is documented
 * as unstable between versions. `convertToHtml` is the stable, documented
 * output; with the embedded style map switched off it uses a small, fixed set of
 * elements (p, h1–h6, ul/ol/li, table/thead/tbody/tr/th/td, br, a, strong, em, sup,
 * sub, s, img), is well formed and escapes only & < > ", so a tokenizer of a few
 * lines reads it exactly (no HTML library, no guessing).
 *
 * Reading rules:
 * - every paragraph is a line, empty paragraphs too (so the lines keep their
 *   numbers); a line break (Shift+Enter) starts a new line; a tab stays a tab;
 * - Heading 1–6 paragraphs are written "# …" to "###### …", the markdown
 *   heading the parser already takes as a heading line;
 * - a table row is one line, cells joined by \t. A cell spanning n columns is
 *   followed by n − 1 empty cells, so the columns stay aligned (as seed 002's
 *   "一\t推动主导产业提质\t\t"); a cell merged down over r rows gives its text
 *   to each of those rows (a merged cell is one value for all of them, e.g. the
 *   lead department of three tasks). Inside a cell, paragraphs and line breaks
 *   are joined by a space (the parser removes spaces between Chinese
 *   characters, as it does for PDF line wraps) and tabs become spaces; a table
 *   inside a cell is read as text of that cell;
 * - bold, italics, hyperlinks are plain text; footnote markers ("[1]") are
 *   dropped, the footnotes themselves are lines at the end; images are skipped.
 *
 * The text is otherwise exactly the document's (full-width punctuation, 〔〕, 、
 * untouched). Automatic Word list numbering is not part of a document's text:
 * mammoth does not render it, so such paragraphs lose their numbers; the
 * extraction says so in a warning.
 */
import mammoth from 'mammoth';
import { ImportError } from './errors';

/** The declared unpacked size of a .docx's XML parts above which it is refused (a "zip bomb" guard: images are never unpacked). */
export const MAX_DOCX_XML_BYTES = 64 * 1024 * 1024;

export interface DocxText {
  readonly text: string;
  /** What the reader could not carry over (automatic list numbering). */
  readonly warnings: readonly string[];
}

/** Reads a .docx file's bytes; `name` is the file name the error messages give. */
export async function docxToText(bytes: Uint8Array, name: string): Promise<DocxText> {
  if (bytes.length === 0) throw new ImportError('empty', `${name}: the file is empty (0 bytes)`);
  checkZip(bytes, name);
  let html: string;
  try {
    const result = await mammoth.convertToHtml(
      { buffer: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) },
      {
        ignoreEmptyParagraphs: false,
        includeEmbeddedStyleMap: false,
        // images are not text: answer without reading (unpacking) them
        convertImage: mammoth.images.imgElement(() => Promise.resolve({ src: '' })),
      },
    );
    html = result.value;
  } catch (err) {
    const reason = err instanceof Error ? err.message.split('\n')[0]!.trim() : String(err);
    throw new ImportError('invalid-docx', `${name}: not a readable .docx document (${reason})`, { reason });
  }
  const { lines, listParagraphs } = htmlToLines(html);
  const text = lines.length === 0 ? '' : `${lines.join('\n')}\n`;
  if (text.trim() === '') {
    throw new ImportError('empty', `${name}: the document has no text (a scanned document must be recognised (OCR) first)`);
  }
  const warnings =
    listParagraphs > 0
      ? [
          `${name}: ${listParagraphs} paragraph(s) are numbered automatically by Word (list numbering), and such numbers are not part of the text: ` +
            'those items are read without their numbers; type the numbers as text, or save the document as plain text (.txt) from Word/WPS, which writes them',
        ]
      : [];
  return { text, warnings };
}

// ---------------------------------------------------------------------------------------------
// The zip container: a clear message for what is not one, and the size guard.

const u16 = (b: Uint8Array, at: number): number => b[at]! | (b[at + 1]! << 8);
const u32 = (b: Uint8Array, at: number): number => (u16(b, at) | (u16(b, at + 2) << 16)) >>> 0;

function checkZip(bytes: Uint8Array, name: string): void {
  const notDocx = (why: string): ImportError => new ImportError('invalid-docx', `${name}: not a .docx document: ${why}`, { reason: why });
  // End of central directory: 22 bytes + a comment of at most 65,535, at the end of the file.
  let eocd = -1;
  for (let i = bytes.length - 22; i >= 0 && i >= bytes.length - 22 - 0xffff; i--) {
    if (bytes[i] === 0x50 && bytes[i + 1] === 0x4b && bytes[i + 2] === 0x05 && bytes[i + 3] === 0x06) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) {
    if (bytes[0] === 0xd0 && bytes[1] === 0xcf && bytes[2] === 0x11 && bytes[3] === 0xe0) {
      throw notDocx('it is an older Word 97-2003 (.doc) or WPS file with a .docx name; open it in Word or WPS and save it as .docx, or as plain text (.txt, UTF-8)');
    }
    if (bytes[0] === 0x50 && bytes[1] === 0x4b) throw notDocx('a damaged or incomplete zip archive (a .docx is a zip archive)');
    throw notDocx('not a zip archive (a .docx is one); if it is plain text, name it .txt');
  }
  const entries = u16(bytes, eocd + 10);
  let at = u32(bytes, eocd + 16);
  let xmlBytes = 0;
  for (let n = 0; n < entries; n++) {
    if (at + 46 > bytes.length || u32(bytes, at) !== 0x02014b50) throw notDocx('a damaged zip archive (its table of contents is broken)');
    const size = u32(bytes, at + 24);
    const nameLength = u16(bytes, at + 28);
    const entry = Buffer.from(bytes.subarray(at + 46, at + 46 + nameLength)).toString('utf8');
    // 0xFFFFFFFF: the size is in a ZIP64 field, i.e. 4 GB or more; counted as such
    if (/\.(xml|rels)$/i.test(entry)) xmlBytes += size === 0xffffffff ? 2 ** 32 : size;
    at += 46 + nameLength + u16(bytes, at + 30) + u16(bytes, at + 32);
  }
  if (xmlBytes > MAX_DOCX_XML_BYTES) {
    throw new ImportError(
      'invalid-docx',
      `${name}: its XML parts unpack to ${Math.ceil(xmlBytes / 2 ** 20)} MB, more than the ${MAX_DOCX_XML_BYTES / 2 ** 20} MB a document is allowed; not read`,
      { reason: 'too large', bytes: xmlBytes },
    );
  }
}

// ---------------------------------------------------------------------------------------------
// mammoth's HTML → lines.

const BLOCK = new Set(['p', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'li', 'dt', 'dd', 'div', 'pre', 'blockquote']);
const TOKEN = /<(\/?)([a-zA-Z][a-zA-Z0-9]*)((?:\s+[^\s=/>]+(?:="[^"]*")?)*)\s*(\/?)>|([^<]+)/g;
const ATTRIBUTE = /([^\s=/>]+)(?:="([^"]*)")?/g;
/** Footnote/endnote references "[1]" and their "↑" back links. */
const NOTE_LINK = /^#(?:footnote|endnote|comment)-/;

const ENTITIES: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
const unescape = (s: string): string =>
  s.replace(/&(?:(amp|lt|gt|quot|apos)|#(\d+)|#x([0-9a-fA-F]+));/g, (m, named?: string, dec?: string, hex?: string) => {
    if (named !== undefined) return ENTITIES[named]!;
    const code = dec !== undefined ? Number(dec) : parseInt(hex!, 16);
    return code <= 0x10ffff ? String.fromCodePoint(code) : m;
  });

function attributesOf(source: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of source.matchAll(ATTRIBUTE)) out[m[1]!.toLowerCase()] = unescape(m[2] ?? '');
  return out;
}

const spanOf = (value: string | undefined): number => {
  const n = Number(value);
  return Number.isInteger(n) && n > 1 ? Math.min(n, 1000) : 1;
};

/** A merged-down cell still owed to the rows below: its text and how many rows remain. */
interface Carry {
  text: string;
  left: number;
}

/** Walks mammoth's HTML (see the file comment for the rules). */
export function htmlToLines(html: string): { lines: string[]; listParagraphs: number } {
  const lines: string[] = [];
  let listParagraphs = 0;

  // outside tables: the current line
  let prefix = '';
  let line = '';
  let open = false;
  let inNote = false; // a footnote's text: its back link is dropped, and the space before it
  const flush = (): void => {
    if (inNote) line = line.trimEnd();
    lines.push(line === '' ? '' : prefix + line);
    prefix = '';
    line = '';
    open = false;
  };

  // tables (only the outermost is laid out; one inside a cell is text of the cell)
  let inTable = false;
  let nested = 0;
  let carries: Array<Carry | undefined> = [];
  let row: string[] | null = null;
  let cell: { parts: string[]; current: string; colspan: number; rowspan: number } | null = null;
  const cellBreak = (): void => {
    if (cell === null) return;
    if (cell.current.trim() !== '') cell.parts.push(cell.current.trim());
    cell.current = '';
  };
  const fillCarried = (): void => {
    if (row === null) return;
    for (let c = carries[row.length]; c !== undefined && c.left > 0; c = carries[row.length]) {
      row.push(c.text);
      c.left--;
    }
  };

  const skipping: boolean[] = []; // the open <a> elements: is each a note link?
  let skip = 0;

  for (const m of html.matchAll(TOKEN)) {
    const [, closing, rawTag, rawAttributes, selfClosing, text] = m;
    if (text !== undefined) {
      if (skip > 0) continue;
      const value = unescape(text);
      if (cell !== null) cell.current += value.replace(/\t/g, ' ');
      else {
        line += value;
        open = true;
      }
      continue;
    }
    const tag = rawTag!.toLowerCase();
    const attributes = attributesOf(rawAttributes ?? '');

    if (tag === 'a') {
      if (selfClosing) continue;
      if (closing) {
        if (skipping.pop()) skip--;
      } else {
        const note = NOTE_LINK.test(attributes['href'] ?? '');
        skipping.push(note);
        if (note) skip++;
      }
      continue;
    }

    if (cell !== null) {
      // inside a cell: blocks, line breaks and a nested table's structure only separate words
      if (tag === 'table') nested += closing ? -1 : 1;
      if (nested === 0 && (tag === 'td' || tag === 'th') && closing) {
        cellBreak();
        const value = cell.parts.join(' ');
        const start = row!.length;
        row!.push(value);
        for (let k = 1; k < cell.colspan; k++) row!.push('');
        if (cell.rowspan > 1) {
          for (let k = 0; k < cell.colspan; k++) carries[start + k] = { text: k === 0 ? value : '', left: cell.rowspan - 1 };
        }
        cell = null;
        fillCarried();
      } else if (BLOCK.has(tag) || tag === 'br' || tag === 'tr' || tag === 'td' || tag === 'th' || tag === 'table') {
        cellBreak();
      }
      continue;
    }

    if (inTable) {
      if (tag === 'table' && closing) {
        inTable = false;
        carries = [];
      } else if (tag === 'tr' && !closing) {
        row = [];
        fillCarried();
      } else if (tag === 'tr' && closing && row !== null) {
        fillCarried();
        lines.push(row.join('\t'));
        row = null;
      } else if ((tag === 'td' || tag === 'th') && !closing && row !== null) {
        fillCarried();
        cell = { parts: [], current: '', colspan: spanOf(attributes['colspan']), rowspan: spanOf(attributes['rowspan']) };
      }
      continue;
    }

    if (tag === 'table' && !closing) {
      if (open || line !== '') flush();
      inTable = true;
      carries = [];
      continue;
    }
    if (tag === 'br') {
      flush();
      continue;
    }
    if (BLOCK.has(tag)) {
      if (!closing) {
        if (line !== '') flush();
        open = true;
        const level = /^h([1-6])$/.exec(tag);
        if (level !== null) prefix = `${'#'.repeat(Number(level[1]))} `;
        if (tag === 'li') {
          inNote = /^(?:footnote|endnote)-/.test(attributes['id'] ?? '');
          if (!inNote) listParagraphs++;
        }
      } else {
        if (open || line !== '') flush();
        if (tag === 'li') inNote = false;
      }
    }
    // every other element (strong, em, sup, sub, s, ul, ol, img, …) is transparent
  }
  if (line !== '') flush();
  return { lines, listParagraphs };
}
