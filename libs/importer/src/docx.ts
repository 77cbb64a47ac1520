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
import { constants as zlibConstants, inflateRawSync } from 'node:zlib';
import mammoth from 'mammoth';
import { ImportError } from './errors';

/**
 * The unpacked size of all of a .docx's parts together (as the zip declares them) above which it
 * is refused: a "zip bomb" guard. Every part counts, whatever its name; images and other media
 * can be large (they are never unpacked here).
 */
export const MAX_DOCX_UNPACKED_BYTES = 64 * 1024 * 1024;

/**
 * The unpacked size of the XML parts mammoth parses (the main document part, wherever the package
 * points to it, and the styles, numbering, notes, comments, relationship and content-type parts)
 * above which a .docx is refused, before mammoth runs. mammoth holds each part as a string and a
 * whole XML tree: 8 MB of document XML blocked the event loop 13 s and took about 1 GB. A
 * 公文 is far below: the seeds' document.xml is 25–50 KB, a long one from Word well under 2 MB.
 * (At this limit the costliest shape, hundreds of thousands of tiny paragraphs, still takes mammoth
 * about 4 s and 500 MB.) Checked as the zip declares the sizes, then as the parts really unpack (at
 * most this much is unpacked here).
 */
export const MAX_DOCX_XML_BYTES = 4 * 1024 * 1024;

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
// The zip container: a clear message for what is not one, and the size guards.
//
// The archive is read here as JSZip (mammoth's zip reader) will read it, so that the guards see
// the parts mammoth will: the central directory is walked for as long as its entries follow one
// another (JSZip does not stop at the count the end record gives), and a part's name is the one in
// its local header (JSZip's, not the central directory's), "." and ".." resolved as JSZip resolves
// them. What JSZip would read otherwise than this reader is refused: bytes before the archive
// (JSZip reads it shifted), ZIP64 records. A size of 0xFFFFFFFF is a ZIP64 size, 4 GB or more, and
// counted as such.

const u16 = (b: Uint8Array, at: number): number => b[at]! | (b[at + 1]! << 8);
const u32 = (b: Uint8Array, at: number): number => (u16(b, at) | (u16(b, at + 2) << 16)) >>> 0;

const LOCAL_HEADER = 0x04034b50;
const CENTRAL_HEADER = 0x02014b50;
const END_OF_CENTRAL_DIRECTORY = 0x06054b50;

/** One part of the archive as JSZip gives it. */
interface ZipPart {
  /** The names JSZip may give it: its local header's, and an Info-ZIP Unicode path when it has one. */
  readonly names: readonly string[];
  /** The unpacked size the central directory declares. */
  readonly size: number;
  readonly method: number;
  /** The packed bytes. */
  readonly data: Uint8Array;
}

/** JSZip's `utils.resolve`: the name a part is stored (and looked up) under. */
function resolveZipPath(path: string): string {
  const parts = path.split('/');
  const out: string[] = [];
  parts.forEach((part, i) => {
    if (part === '.' || (part === '' && i !== 0 && i !== parts.length - 1)) return;
    if (part === '..') out.pop();
    else out.push(part);
  });
  return out.join('/');
}

const megabytes = (bytes: number): number => Math.ceil((bytes / 2 ** 20) * 10) / 10;

function checkZip(bytes: Uint8Array, name: string): void {
  const parts = readZip(bytes, name);
  const sum = (list: readonly ZipPart[]): number => list.reduce((s, p) => s + p.size, 0);
  const total = sum(parts);
  if (total > MAX_DOCX_UNPACKED_BYTES) {
    throw new ImportError(
      'invalid-docx',
      `${name}: its parts unpack to ${megabytes(total)} MB, more than the ${MAX_DOCX_UNPACKED_BYTES / 2 ** 20} MB a document is allowed; not read`,
      { reason: 'too large', bytes: total, limit: MAX_DOCX_UNPACKED_BYTES },
    );
  }

  // The XML parts mammoth parses: as the zip declares them, and as they really unpack (a part may
  // unpack to more than it declares; at most the limit is unpacked here, all parts together).
  const xmlTooLarge = (list: readonly ZipPart[], actual: boolean): ImportError => {
    const names = [...new Set([...list].sort((a, b) => b.size - a.size).map((p) => p.names[0]!))];
    const declared = sum(list);
    const limit = `the ${MAX_DOCX_XML_BYTES / 2 ** 20} MB a document is allowed`;
    const size = actual ? `more than ${limit}, though the archive declares ${megabytes(declared)} MB` : `${megabytes(declared)} MB, more than ${limit}`;
    return new ImportError(
      'invalid-docx',
      `${name}: the XML parts its text is read from (${names.slice(0, 3).join(', ')}${names.length > 3 ? ', …' : ''}) unpack to ${size}; ` +
        'not read (a document this long can be saved as plain text (.txt) from Word or WPS and imported so)',
      { reason: 'too large', bytes: actual ? MAX_DOCX_XML_BYTES + 1 : declared, limit: MAX_DOCX_XML_BYTES },
    );
  };
  const unpacked = new Map<ZipPart, Buffer | null>();
  let unpackedBytes = 0;
  const read = (p: ZipPart): Buffer | null => {
    if (unpacked.has(p)) return unpacked.get(p)!;
    const data = inflate(p, MAX_DOCX_XML_BYTES - unpackedBytes);
    if (data === 'too large') throw xmlTooLarge([...unpacked.keys(), p], true);
    unpackedBytes += data?.length ?? 0;
    unpacked.set(p, data);
    return data;
  };
  // the parts always read as text first (the relationship parts are unpacked to find the others)
  const alwaysRead = parts.filter((p) => p.names.some(isAlwaysRead));
  if (sum(alwaysRead) > MAX_DOCX_XML_BYTES) throw xmlTooLarge(alwaysRead, false);
  const xml = partsMammothParses(parts, read);
  if (sum(xml) > MAX_DOCX_XML_BYTES) throw xmlTooLarge(xml, false);
  for (const p of xml) read(p);
}

/** The parts of the archive, as JSZip will read them; a typed error for what is not a zip archive. */
function readZip(bytes: Uint8Array, name: string): ZipPart[] {
  const notDocx = (why: string): ImportError => new ImportError('invalid-docx', `${name}: not a .docx document: ${why}`, { reason: why });
  const damaged = (): ImportError => notDocx('a damaged zip archive (its table of contents is broken)');
  // End of central directory: the last one in the file, as JSZip looks for it.
  let eocd = -1;
  for (let i = bytes.length - 4; i >= 0; i--) {
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
  if (eocd + 22 > bytes.length || u32(bytes, eocd) !== END_OF_CENTRAL_DIRECTORY) throw notDocx('a damaged or incomplete zip archive (a .docx is a zip archive)');
  const directorySize = u32(bytes, eocd + 12);
  const directoryOffset = u32(bytes, eocd + 16);
  if ([4, 6, 8, 10].some((at) => u16(bytes, eocd + at) === 0xffff) || directorySize === 0xffffffff || directoryOffset === 0xffffffff) {
    throw notDocx('a ZIP64 archive (one of 4 GB or more, or of more than 65,535 files), which a Word document is not');
  }
  // the central directory ends where the end record starts (else JSZip reads the archive shifted, or not at all)
  if (directoryOffset + directorySize !== eocd) throw damaged();

  const parts: ZipPart[] = [];
  let at = directoryOffset;
  while (at + 4 <= bytes.length && u32(bytes, at) === CENTRAL_HEADER) {
    if (at + 46 > bytes.length) throw damaged();
    const flags = u16(bytes, at + 8);
    const method = u16(bytes, at + 10);
    const packed = u32(bytes, at + 20);
    const size = u32(bytes, at + 24);
    const nameLength = u16(bytes, at + 28);
    const extraLength = u16(bytes, at + 30);
    const local = u32(bytes, at + 42);
    const extraStart = at + 46 + nameLength;
    at = extraStart + extraLength + u16(bytes, at + 32);
    if (at > bytes.length) throw damaged();
    if (packed === 0xffffffff || local === 0xffffffff) throw notDocx('a ZIP64 archive (one of 4 GB or more, or of more than 65,535 files), which a Word document is not');

    const header = local;
    if (header + 30 > bytes.length || u32(bytes, header) !== LOCAL_HEADER) throw damaged();
    const localNameLength = u16(bytes, header + 26);
    const dataStart = header + 30 + localNameLength + u16(bytes, header + 28);
    const dataEnd = dataStart + packed;
    if (dataEnd > bytes.length) throw damaged();
    const names = [Buffer.from(bytes.subarray(header + 30, header + 30 + localNameLength)).toString('utf8')];
    if ((flags & 0x0800) === 0) {
      // an Info-ZIP Unicode path (0x7075: version 1, the CRC of the name, the name in UTF-8), which JSZip prefers
      for (let x = extraStart; x + 4 < extraStart + extraLength; x += 4 + u16(bytes, x + 2)) {
        // JSZip reads a field's declared length even past the extra fields' end
        const length = u16(bytes, x + 2);
        if (x + 4 + length > bytes.length) throw damaged();
        if (u16(bytes, x) === 0x7075 && length > 5 && bytes[x + 4] === 1) names.push(Buffer.from(bytes.subarray(x + 9, x + 4 + length)).toString('utf8'));
      }
    }
    parts.push({
      names: names.map(resolveZipPath),
      size: size === 0xffffffff ? 2 ** 32 : size,
      method,
      data: bytes.subarray(dataStart, dataEnd),
    });
  }
  if (parts.length === 0 && u16(bytes, eocd + 10) !== 0) throw damaged();
  return parts;
}

/**
 * A part unpacked, at most `limit` bytes: its bytes, 'too large' past the limit, or null when it
 * cannot be unpacked here (a method other than stored and deflated, broken data: mammoth says so).
 */
function inflate(part: ZipPart, limit: number): Buffer | 'too large' | null {
  if (part.method === 0) return part.data.length > limit ? 'too large' : Buffer.from(part.data.buffer, part.data.byteOffset, part.data.byteLength);
  if (part.method !== 8) return null;
  try {
    // a truncated stream gives what it holds, as JSZip's inflater does
    return inflateRawSync(part.data, { maxOutputLength: Math.max(limit, 1), finishFlush: zlibConstants.Z_SYNC_FLUSH });
  } catch (err) {
    return (err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE' ? 'too large' : null;
  }
}

/** The parts mammoth reads as text whatever the others: the content types, an embedded style map, the relationship parts (all counted). */
const isAlwaysRead = (name: string): boolean => name === '[Content_Types].xml' || name === 'mammoth/style-map' || name.endsWith('.rels');

/** The relationship types mammoth follows from the main document part, to the parts it parses. */
const MAIN_PART_RELATIONSHIPS = ['comments', 'endnotes', 'footnotes', 'numbering', 'styles'] as const;

/**
 * The parts mammoth reads as text, as mammoth (1.x, docx-reader.js) finds them: [Content_Types].xml,
 * an embedded style map, the relationship parts (all *.rels counted), the main document part (the
 * package relationship "officeDocument", else word/document.xml: any name) and the comments, notes,
 * numbering and styles parts its relationships name (else word/comments.xml, …). Every target of
 * such a relationship is counted, not only the first that exists (the one mammoth takes). When a
 * relationship part mammoth follows cannot be read here (see `relationships`), every part counts.
 */
function partsMammothParses(parts: readonly ZipPart[], read: (p: ZipPart) => Buffer | null): ZipPart[] {
  const byName = new Map<string, ZipPart[]>();
  for (const p of parts) {
    for (const n of new Set(p.names)) {
      const list = byName.get(n);
      if (list === undefined) byName.set(n, [p]);
      else list.push(p);
    }
  }
  let unreadable = false;

  /** The relationships in the relationship part of `source` ('' for the package): each type (lower case) and target, joined as mammoth joins it. */
  const relationshipsOf = (source: string): Array<{ type: string; path: string }> => {
    const slash = source.lastIndexOf('/');
    const dir = slash < 0 ? '' : source.slice(0, slash);
    const out: Array<{ type: string; path: string }> = [];
    for (const rels of byName.get(resolveZipPath(`${dir === '' ? '' : `${dir}/`}_rels/${source.slice(slash + 1)}.rels`)) ?? []) {
      const data = read(rels);
      const found = data === null ? null : relationships(data.toString('utf8'));
      if (found === null) unreadable = true;
      for (const { type, target } of found ?? []) {
        out.push({ type, path: resolveZipPath((target.startsWith('/') || dir === '' ? target : `${dir}/${target}`).replace(/^\//, '')) });
      }
    }
    return out;
  };
  const ofType = (list: ReadonlyArray<{ type: string; path: string }>, type: string): string[] =>
    list.filter((r) => r.type.endsWith(`/${type.toLowerCase()}`)).map((r) => r.path);

  const mains = new Set(['word/document.xml', ...ofType(relationshipsOf(''), 'officeDocument')]);
  const wanted = new Set(mains);
  for (const main of mains) {
    if (!byName.has(main)) continue;
    const related = relationshipsOf(main);
    for (const type of MAIN_PART_RELATIONSHIPS) for (const path of [`word/${type}.xml`, ...ofType(related, type)]) wanted.add(path);
  }
  if (unreadable) return [...parts];
  const xml = new Set<ZipPart>(parts.filter((p) => p.names.some(isAlwaysRead)));
  for (const n of wanted) for (const p of byName.get(n) ?? []) xml.add(p);
  return [...xml];
}

/**
 * The relationships of a relationship part, each type (lower case) with its target: every element
 * with a Type and a Target attribute (any element, any prefix, entities decoded; each target also
 * with its whitespace normalised, as an XML parser gives it). Read strictly, in the shape every
 * writer gives it (an XML declaration, then elements and whitespace only); null for anything else
 * (comments, text, a document type, an unquoted value, a "<" in a value, …), which the caller
 * answers by counting every part. Linear: the patterns never backtrack more than a tag.
 */
function relationships(xml: string): Array<{ type: string; target: string }> | null {
  const DECLARATION = /\uFEFF?\s*(?:<\?xml(?:\s+[^\s=<>"'/?]+\s*=\s*(?:"[^"<]*"|'[^'<]*'))*\s*\?>)?/y;
  const TAG = /\s*<\/?[^\s<>"'/=!?]+((?:\s+[^\s=<>"'/]+\s*=\s*(?:"[^"<]*"|'[^'<]*'))*)\s*\/?>/y;
  const ATTRIBUTE = /\s+([^\s=<>"'/]+)\s*=\s*(?:"([^"<]*)"|'([^'<]*)')/g;
  const END = /\s*$/y;
  const out: Array<{ type: string; target: string }> = [];
  DECLARATION.exec(xml);
  let at = DECLARATION.lastIndex;
  for (;;) {
    TAG.lastIndex = at;
    const tag = TAG.exec(xml);
    if (tag === null) break;
    at = TAG.lastIndex;
    const types: string[] = [];
    const targets = new Set<string>();
    for (const m of tag[1]!.matchAll(ATTRIBUTE)) {
      const local = m[1]!.replace(/^.*:/, '');
      const value = unescape(m[2] ?? m[3] ?? '');
      if (local === 'Type') types.push(value.replace(/\s+/g, ' ').trim().toLowerCase());
      if (local === 'Target') targets.add(value).add(value.replace(/[\t\n\r]/g, ' '));
    }
    for (const type of types) for (const target of targets) out.push({ type, target });
  }
  END.lastIndex = at;
  return END.test(xml) ? out : null;
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
