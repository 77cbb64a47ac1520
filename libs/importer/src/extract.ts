/**
 * The seam between files and the parser: `extractText(file)` returns the
 * document's plain text, whatever the file format. It reads plain text (.txt,
 * .text) and markdown (.md, .markdown) — the form the seeds come in — in UTF-8
 * (with or without BOM), UTF-16 with a BOM, or GB18030 when asked; and Word
 * documents (.docx) through mammoth (docx.ts: paragraphs as lines, table rows
 * as tab-separated cells, which the parser already reads). `extractBytes(name,
 * bytes)` does the same for bytes that did not come from a file (an upload).
 *
 * The other office and PDF formats are refused with a typed error that says how
 * to get text out of them. A new format is an entry of EXTRACTORS below; nothing
 * after this file changes.
 */
import { readFile, stat } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { docxToText } from './docx';
import { ImportError } from './errors';

export type TextEncodingName = 'utf-8' | 'utf-16le' | 'utf-16be' | 'gb18030';

export interface ExtractOptions {
  /** 'auto' (default): UTF-8, or UTF-16 when the file starts with its BOM. 'gb18030' for GBK/GB2312 files. */
  readonly encoding?: 'auto' | 'utf-8' | 'gb18030';
}

export interface ExtractedText {
  readonly text: string;
  readonly format: 'text' | 'markdown' | 'docx';
  /** The text's encoding in the file ('utf-8' for .docx, whose XML is Unicode). */
  readonly encoding: TextEncodingName;
  readonly bytes: number;
  /** What the extraction could not carry over (a .docx's automatic list numbering); absent when nothing. */
  readonly warnings?: readonly string[];
}

interface Extractor {
  readonly format: ExtractedText['format'];
  extract(bytes: Uint8Array, options: ExtractOptions, name: string): ExtractedText | Promise<ExtractedText>;
}

const textExtractor = (format: ExtractedText['format']): Extractor => ({
  format,
  extract: (bytes, options) => ({ ...decodeText(bytes, options), format, bytes: bytes.length }),
});

/** .docx: the XML declares its own encoding, so `options.encoding` does not apply. */
const docxExtractor: Extractor = {
  format: 'docx',
  extract: async (bytes, _options, name) => {
    const { text, warnings } = await docxToText(bytes, name);
    return { text, format: 'docx', encoding: 'utf-8', bytes: bytes.length, ...(warnings.length > 0 ? { warnings } : {}) };
  },
};

/** File extensions (lower case) the importer reads, and how. */
const EXTRACTORS: Readonly<Record<string, Extractor>> = {
  '.txt': textExtractor('text'),
  '.text': textExtractor('text'),
  '.md': textExtractor('markdown'),
  '.markdown': textExtractor('markdown'),
  '.docx': docxExtractor,
};
/** The extensions extractText reads (.docx included, despite the name). */
export const TEXT_EXTENSIONS: readonly string[] = Object.keys(EXTRACTORS);

/** Formats we know and do not read, with what to do instead. */
const NOT_YET: Readonly<Record<string, string>> = {
  '.doc': '.doc (Word 97-2003) is not read; save the document as .docx, or as .txt (UTF-8)',
  '.wps': '.wps is not read; save the document as .docx, or as .txt (UTF-8)',
  '.pdf': '.pdf is not read; extract its text first (e.g. pdftotext -layout file.pdf file.txt) and import the .txt',
  '.ofd': '.ofd is not read; export the document as text first',
  '.xlsx': 'spreadsheets are not read; export the table as text (tab-separated) and import that',
  '.xls': 'spreadsheets are not read; export the table as text (tab-separated) and import that',
};

/** Reads a document file and returns its text (see the file comment for the formats). */
export async function extractText(file: string, options: ExtractOptions = {}): Promise<ExtractedText> {
  const extractor = extractorFor(file);
  let bytes: Buffer;
  try {
    const info = await stat(file);
    if (!info.isFile()) throw new ImportError('unreadable', `${file} is not a file`);
    bytes = await readFile(file);
  } catch (err) {
    if (err instanceof ImportError) throw err;
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    throw new ImportError('unreadable', `${file}: cannot be read (${code === 'ENOENT' ? 'no such file' : code})`, { errno: code });
  }
  return extractor.extract(bytes, options, file);
}

/**
 * The text of a document given as bytes (an upload): `name` is its file name,
 * whose extension chooses the format as for extractText, and which the error
 * messages give.
 */
export async function extractBytes(name: string, bytes: Uint8Array, options: ExtractOptions = {}): Promise<ExtractedText> {
  return extractorFor(name).extract(bytes, options, basename(name));
}

function extractorFor(file: string): Extractor {
  const ext = extname(file).toLowerCase();
  const notYet = NOT_YET[ext];
  if (notYet !== undefined) throw new ImportError('unsupported-format', `${file}: ${notYet}`, { extension: ext });
  const extractor = EXTRACTORS[ext];
  if (extractor === undefined) {
    throw new ImportError(
      'unsupported-format',
      `${file}: unknown file type "${ext || '(none)'}"; the importer reads ${TEXT_EXTENSIONS.join(', ')}`,
      { extension: ext },
    );
  }
  return extractor;
}

/** Offset of the first byte that is not valid UTF-8, or -1. */
function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    const need = b < 0x80 ? 0 : b >= 0xc2 && b <= 0xdf ? 1 : b >= 0xe0 && b <= 0xef ? 2 : b >= 0xf0 && b <= 0xf4 ? 3 : -1;
    if (need < 0) return i;
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return i;
    }
    // overlong 3-byte forms, UTF-16 surrogates and code points above U+10FFFF
    if (need === 2 && ((b === 0xe0 && bytes[i + 1]! < 0xa0) || (b === 0xed && bytes[i + 1]! >= 0xa0))) return i;
    if (need === 3 && ((b === 0xf0 && bytes[i + 1]! < 0x90) || (b === 0xf4 && bytes[i + 1]! >= 0x90))) return i;
    i += need + 1;
  }
  return -1;
}

/** Decodes a text file's bytes; refuses binary content and invalid encodings with a typed error. */
export function decodeText(bytes: Uint8Array, options: ExtractOptions = {}): { text: string; encoding: TextEncodingName } {
  if (bytes.length === 0) throw new ImportError('empty', 'the file is empty (0 bytes)');
  const encoding = options.encoding ?? 'auto';
  if (encoding !== 'gb18030') {
    if (bytes[0] === 0xff && bytes[1] === 0xfe) return { text: utf16(bytes.subarray(2), 'utf-16le'), encoding: 'utf-16le' };
    if (bytes[0] === 0xfe && bytes[1] === 0xff) return { text: utf16(bytes.subarray(2), 'utf-16be'), encoding: 'utf-16be' };
  }
  const nul = bytes.indexOf(0);
  if (nul >= 0) {
    throw new ImportError(
      'binary',
      `the file contains NUL bytes (first at byte ${nul}): a binary file, not text (UTF-16 text needs its byte order mark)`,
      { offset: nul },
    );
  }
  if (encoding === 'gb18030') {
    try {
      return { text: new TextDecoder('gb18030', { fatal: true }).decode(bytes), encoding: 'gb18030' };
    } catch {
      throw new ImportError('invalid-encoding', 'the file is not valid GB18030 text', { encoding: 'gb18030' });
    }
  }
  const bad = firstInvalidUtf8(bytes);
  if (bad >= 0) {
    throw new ImportError(
      'invalid-encoding',
      `the file is not valid UTF-8 (first invalid byte 0x${bytes[bad]!.toString(16).padStart(2, '0')} at offset ${bad}); ` +
        'a GBK/GB18030 file can be read with --encoding gb18030, a binary file cannot be imported',
      { offset: bad },
    );
  }
  const start = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(start)), encoding: 'utf-8' };
}

function utf16(bytes: Uint8Array, encoding: 'utf-16le' | 'utf-16be'): string {
  try {
    return new TextDecoder(encoding, { fatal: true }).decode(bytes);
  } catch {
    throw new ImportError('invalid-encoding', `the file starts with a ${encoding.toUpperCase()} byte order mark but is not valid ${encoding.toUpperCase()}`);
  }
}
