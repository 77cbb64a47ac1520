import { PayloadTooLargeException } from '@nestjs/common';
import { docxToText } from '@duban/importer';
import type { ImportPreviewDto } from './dto';
import { MAX_TEXT_LENGTH } from './dto';

/** The document's text, and how it was read. */
export interface ImportDocument {
  readonly text: string;
  readonly extraction: {
    readonly format: 'text' | 'docx';
    /** What a .docx could not carry over (automatic list numbering). */
    readonly warnings: readonly string[];
  };
}

/**
 * The text of the document a request carries: `text` as it is, or
 * `docxBase64` read as `duban import FILE.docx` reads a file. A broken .docx is
 * an ImportError (422, as every unreadable document); a .docx whose text is
 * longer than a text body may be is refused with 413, as a text body that long is.
 */
export async function documentOf(dto: ImportPreviewDto): Promise<ImportDocument> {
  if (dto.docxBase64 === undefined) return { text: dto.text ?? '', extraction: { format: 'text', warnings: [] } };
  const { text, warnings } = await docxToText(Buffer.from(dto.docxBase64, 'base64'), dto.fileName ?? 'docxBase64');
  if (text.length > MAX_TEXT_LENGTH) {
    throw new PayloadTooLargeException(
      `the .docx holds ${text.length} characters of text, more than the ${MAX_TEXT_LENGTH} a request may carry; import it with duban import FILE`,
    );
  }
  return { text, extraction: { format: 'docx', warnings } };
}
