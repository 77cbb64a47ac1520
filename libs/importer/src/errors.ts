/**
 * Typed errors of the importer: input that is not a readable Chinese text
 * document. Anything that *is* a readable document, even one without a single
 * recognisable item, gives a preview whose `warnings` say what was found.
 */
export type ImportErrorCode =
  /** The file or text is empty, or whitespace only. */
  | 'empty'
  /** NUL bytes or many control characters: a binary file, not text. */
  | 'binary'
  /** Not valid in the expected encoding (UTF-8 unless told otherwise). */
  | 'invalid-encoding'
  /** Readable text, but (almost) no Chinese characters. */
  | 'not-chinese'
  /** A file format the importer cannot read (.doc, .pdf, …, unknown extensions). */
  | 'unsupported-format'
  /** Named or sent as .docx, but not a readable Word document (not a zip archive, no word/document.xml, broken XML, too large unpacked). */
  | 'invalid-docx'
  /** The file cannot be read (missing, a directory, no permission). */
  | 'unreadable'
  /** An option given to the parser is wrong (an unknown scope unit, a malformed 文号). */
  | 'bad-option';

export class ImportError extends Error {
  constructor(
    readonly code: ImportErrorCode,
    message: string,
    readonly details: Readonly<Record<string, string | number>> = {},
  ) {
    super(message);
    this.name = 'ImportError';
  }

  toJSON(): { code: ImportErrorCode; message: string; details: Readonly<Record<string, string | number>> } {
    return { code: this.code, message: this.message, details: this.details };
  }
}
