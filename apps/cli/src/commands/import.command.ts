import { ImportError, extractText, formatPreview, parsePolicyDocument } from '@duban/importer';
import type { ImportPreview } from '@duban/importer';

export interface ImportCommandOptions {
  dryRun?: boolean;
  json?: boolean;
  /** 文号 for a document without one (a draft), or to override the header's. */
  docNumber?: string;
  /** 'auto' (UTF-8, or UTF-16 with a BOM) or 'gb18030'. */
  encoding?: string;
  /** Unit id whose local names are tried first (default: the issuer). */
  scope?: string;
}

const ENCODINGS = ['auto', 'utf-8', 'gb18030'] as const;
type Encoding = (typeof ENCODINGS)[number];
const isEncoding = (value: string): value is Encoding => (ENCODINGS as readonly string[]).includes(value);

/**
 * `duban import FILE --dry-run [--json]`: reads a policy document (.txt/.md)
 * and prints the ledger it proposes — with --json as ONE JSON object on
 * stdout, otherwise as a table. Nothing is written to the store.
 *
 * Exit codes: 0 the preview was printed (its warnings say what was not found);
 * 1 the file is not a readable Chinese text document (empty, binary, wrong
 * encoding, not Chinese, unsupported format, missing) — with --json the error
 * is printed as {"error": {code, message, details}} on stdout too; 2 usage
 * (no --dry-run: committing is not implemented yet; a bad --encoding, --scope
 * or --doc-number).
 */
export async function importCommand(file: string, options: ImportCommandOptions): Promise<number> {
  const usage = (message: string): number => {
    process.stderr.write(`duban import: ${message}\n`);
    return 2;
  };
  if (!options.dryRun) return usage('commit is not implemented yet; use --dry-run');
  const encoding = options.encoding ?? 'auto';
  if (!isEncoding(encoding)) return usage(`--encoding ${JSON.stringify(encoding)} is not one of ${ENCODINGS.join(', ')}`);

  let preview: ImportPreview;
  try {
    const extracted = await extractText(file, { encoding });
    preview = parsePolicyDocument(extracted.text, {
      ...(options.docNumber !== undefined ? { docNumber: options.docNumber } : {}),
      ...(options.scope !== undefined ? { scope: options.scope } : {}),
    });
  } catch (err) {
    if (!(err instanceof ImportError)) throw err;
    if (err.code === 'bad-option') return usage(err.message);
    if (options.json) process.stdout.write(`${JSON.stringify({ error: err.toJSON() })}\n`);
    process.stderr.write(`duban import: ${err.message}\n`);
    return 1;
  }
  process.stdout.write(options.json ? `${JSON.stringify(preview)}\n` : formatPreview(preview));
  return 0;
}
