import { basename } from 'node:path';
import type { Command } from 'commander';
import { eventStoreFile, loadConfig } from '@duban/config';
import { cliExecutor } from '../cli-executor';
import type { Actor } from '@duban/domain/decider';
import { FUTURE_TOLERANCE_MS, isIsoInstant } from '@duban/domain/decider';
import type { EventStoreSettings } from '@duban/eventstore';
import { createEventStore } from '@duban/eventstore';
import { ImportError, extractText, formatPreview, parsePolicyDocument } from '@duban/importer';
import type { ImportPreview } from '@duban/importer';
import { truncate } from '@duban/importer/format';
import {
  checkDefaultDeadline,
  commitImport,
  executorWriter,
  formatPlan,
  formatReport,
  loadExisting,
  planImport,
  registryOf,
} from '@duban/importer/commit';
import type { ImportPlan, ImportProgress, ImportReport } from '@duban/importer/commit';

export interface ImportCommandOptions {
  dryRun?: boolean;
  json?: boolean;
  /** 文号 for a document without one (a draft), or to override the header's. */
  docNumber?: string;
  /** 'auto' (UTF-8, or UTF-16 with a BOM) or 'gb18030'. */
  encoding?: string;
  /** Unit id whose local names are tried first (default: the issuer). */
  scope?: string;
  /** 'year-end' or YYYY-MM-DD: the deadline of items that state none. */
  defaultDeadline?: string;
  /** The supervisor the commit is recorded under (required without --dry-run). */
  user?: string;
  /** The unit the supervisor acts for (default 市政府办公厅四处). */
  unit?: string;
  /** The commands' effective time: ISO 8601 with offset, or 'document' (the document's date); default now. */
  effectiveAt?: string;
  /** Write amendments too: AmendTask per amended item, ReviseTarget per amended annex row (otherwise they are only shown). */
  acceptAmendments?: boolean;
}

/** Where the command writes (the tests pass their own). */
export interface ImportCommandIo {
  stdout: { write(s: string): unknown };
  stderr: { write(s: string): unknown; isTTY?: boolean; columns?: number };
}

export const DEFAULT_SUPERVISOR_UNIT = '市政府办公厅四处';
export const IMPORT_COMMIT_FORMAT = 'duban.import-commit/1';

const ENCODINGS = ['auto', 'utf-8', 'gb18030'] as const;
type Encoding = (typeof ENCODINGS)[number];
const isEncoding = (value: string): value is Encoding => (ENCODINGS as readonly string[]).includes(value);

/** The output of a commit with --json: ONE object on stdout. */
export interface ImportCommitOutput {
  format: typeof IMPORT_COMMIT_FORMAT;
  document: ImportPreview['document'];
  summary: ImportPreview['summary'];
  unresolved: ImportPreview['unresolved'];
  warnings: ImportPreview['warnings'];
  plan: ImportPlan;
  report: ImportReport;
}

/**
 * `duban import FILE`: reads a policy document (.txt/.md, or .docx through
 * mammoth: paragraphs as lines, table rows as tab-separated cells) and
 * - with --dry-run prints the ledger it proposes (the preview; --json: one
 *   JSON object), nothing is read from or written to the store;
 * - without it, opens the store (as `duban serve` does), shows the plan
 *   (register / unchanged / amended with the diff / not registrable, and why),
 *   commits it (RegisterTask per item, SetTarget per annex row, as --user, a
 *   supervisor; with --accept-amendments also AmendTask / ReviseTarget for
 *   what the ledger holds with other content) and prints what it wrote (--json: one object with the plan and
 *   the report). A progress line goes to stderr when it is a terminal.
 *
 * Exit codes: 0 the preview was printed / the plan was committed (items that
 * cannot be registered are reported, they are not failures); 1 the file is not
 * a readable Chinese text document, or a broken .docx (with --json also {"error": {code,
 * message, details}} on stdout), or a command failed (the report names
 * document, item path and unit; what was written stays and a re-run completes
 * the rest); 2 usage (a bad --encoding, --scope, --doc-number,
 * --default-deadline, --effective-at or --unit, no --user for a commit).
 */
export async function importCommand(file: string, options: ImportCommandOptions, io: ImportCommandIo = process): Promise<number> {
  const usage = (message: string): number => {
    io.stderr.write(`duban import: ${message}\n`);
    return 2;
  };
  const encoding = options.encoding ?? 'auto';
  if (!isEncoding(encoding)) return usage(`--encoding ${JSON.stringify(encoding)} is not one of ${ENCODINGS.join(', ')}`);
  if (!options.dryRun) {
    if (options.user === undefined || options.user.trim() === '') {
      return usage('committing needs --user NAME: the supervisor the import is recorded under (or use --dry-run to only look)');
    }
    if (options.effectiveAt !== undefined && options.effectiveAt !== 'document' && !isIsoInstant(options.effectiveAt)) {
      return usage(`--effective-at: effective time "${options.effectiveAt}" is not an ISO 8601 instant with an offset (e.g. 2021-05-07T09:00:00+08:00) nor "document"`);
    }
    if (options.defaultDeadline !== undefined) {
      try {
        checkDefaultDeadline(options.defaultDeadline);
      } catch (err) {
        return usage(`--default-deadline: ${(err as Error).message}`);
      }
    }
  }
  const failed = (err: ImportError): number => {
    if (err.code === 'bad-option') return usage(err.message);
    if (options.json) io.stdout.write(`${JSON.stringify({ error: err.toJSON() })}\n`);
    io.stderr.write(`duban import: ${err.message}\n`);
    return 1;
  };
  const parseOptions = {
    ...(options.docNumber !== undefined ? { docNumber: options.docNumber } : {}),
    ...(options.scope !== undefined ? { scope: options.scope } : {}),
  };

  let text: string;
  try {
    const extracted = await extractText(file, { encoding });
    text = extracted.text;
    // what a .docx could not carry over (automatic list numbering): said on stderr, the preview goes on
    for (const warning of extracted.warnings ?? []) io.stderr.write(`duban import: warning: ${warning}\n`);
    if (options.dryRun) {
      const preview = parsePolicyDocument(text, parseOptions);
      io.stdout.write(options.json ? `${JSON.stringify(preview)}\n` : formatPreview(preview));
      return 0;
    }
  } catch (err) {
    if (err instanceof ImportError) return failed(err);
    throw err;
  }

  const config = loadConfig(process.env);
  if (options.effectiveAt !== undefined && options.effectiveAt !== 'document') {
    const at = Date.parse(options.effectiveAt);
    if (at < Date.parse(config.effectiveTimeFloor)) {
      return usage(`--effective-at ${options.effectiveAt} is before the earliest effective time ${config.effectiveTimeFloor} (DUBAN_EFFECTIVE_TIME_FLOOR)`);
    }
    if (at > Date.now() + FUTURE_TOLERANCE_MS) {
      return usage(`--effective-at ${options.effectiveAt} lies in the future (now is ${new Date().toISOString()})`);
    }
  }
  const settings: EventStoreSettings = {
    kurrentDbUrl: config.kurrentDbUrl,
    sqliteFile: eventStoreFile(config),
    sqliteSynchronous: config.sqliteSynchronous,
  };
  const store = createEventStore(settings);
  try {
    // the registry as the store holds it (seed + the admin's additions): the api resolves with the same one
    const registry = await registryOf(store);
    const unitId = options.unit ?? DEFAULT_SUPERVISOR_UNIT;
    if (!registry.has(unitId)) return usage(`--unit ${JSON.stringify(unitId)} is not a unit id of the registry`);
    const actor: Actor = { userId: options.user!.trim(), unitId, role: 'supervisor' };

    let preview: ImportPreview;
    let plan: ImportPlan;
    // the command's one executor, behind the chain check: nothing is imported onto an altered log
    const writer = executorWriter(await cliExecutor(store), store, registry);
    let origins;
    try {
      preview = parsePolicyDocument(text, { ...parseOptions, registry });
      const existing = await loadExisting(preview, writer);
      origins = existing.origins;
      plan = planImport(preview, existing.tasks, {
        actor,
        existingTargets: existing.targets,
        ...(options.defaultDeadline !== undefined ? { defaultDeadline: options.defaultDeadline } : {}),
        ...(options.effectiveAt !== undefined ? { effectiveAt: options.effectiveAt } : {}),
        ...(options.acceptAmendments ? { acceptAmendments: true } : {}),
        sourceName: basename(file),
      });
    } catch (err) {
      if (err instanceof ImportError) return failed(err);
      throw err;
    }

    if (!options.json) {
      io.stdout.write(formatPlan(plan));
      const general = preview.warnings.filter((w) => w.path === null);
      if (general.length > 0) io.stdout.write(`\ndocument warnings:\n${general.map((w) => `  [${w.code}] ${w.message}\n`).join('')}`);
      io.stdout.write('\n');
    }
    const progress = new ProgressLine(io.stderr);
    const report = await commitImport(plan, writer, { origins, onProgress: (p) => progress.update(p) });
    progress.done();

    if (options.json) {
      const output: ImportCommitOutput = {
        format: IMPORT_COMMIT_FORMAT,
        document: preview.document,
        summary: preview.summary,
        unresolved: preview.unresolved,
        warnings: preview.warnings,
        plan,
        report,
      };
      io.stdout.write(`${JSON.stringify(output)}\n`);
    } else {
      io.stdout.write(formatReport(report));
    }
    return report.errors.length > 0 ? 1 : 0;
  } finally {
    await store.close();
  }
}

/** `[ 12/108] 一/（三）/1 written`, redrawn in place on a terminal; nothing otherwise. */
export class ProgressLine {
  private drawn = false;
  constructor(private readonly out: ImportCommandIo['stderr']) {}

  update(p: ImportProgress): void {
    if (!this.out.isTTY) return;
    const what = p.entry.kind === 'task' ? p.entry.path : `${p.entry.label}`;
    const width = String(p.total).length;
    const line = `importing [${String(p.done).padStart(width)}/${p.total}] ${what} ${p.entry.outcome}`;
    this.out.write(`\r${truncate(line, Math.max(20, (this.out.columns || 80) - 1))}\x1b[K`);
    this.drawn = true;
  }

  done(): void {
    if (this.drawn) this.out.write('\n');
    this.drawn = false;
  }
}

/** Declares `duban import` on the program (main.ts calls it). */
export function addImportCommand(program: Command): void {
  program
    .command('import')
    .argument('<file>', 'the policy document: .txt or .md (UTF-8; --encoding gb18030 for GBK files), or .docx')
    .description(
      'read a policy document and register its ledger (items as tasks, annex target tables as targets): shows the plan, then commits it; ' +
        '--dry-run only prints the proposed ledger, nothing is written',
    )
    .option('--dry-run', 'print the proposed ledger; read and write nothing')
    .option('--json', 'print one JSON object (the preview; with a commit the plan and the report)')
    .option('--doc-number <docNumber>', "the 文号 when the document has none (a draft), or instead of the header's")
    .option('--encoding <name>', 'auto (UTF-8, or UTF-16 with a BOM) | gb18030', 'auto')
    .option('--scope <unit>', 'unit id whose local names are tried first (default: the issuer)')
    .option('--default-deadline <when>', "deadline of items that state none: year-end (31 Dec of the document's year) | YYYY-MM-DD")
    .option('--user <name>', 'the supervisor the import is recorded under (required to commit)')
    .option('--unit <unit>', 'the unit the supervisor acts for', DEFAULT_SUPERVISOR_UNIT)
    .option('--effective-at <instant>', "effective time of the commands: ISO 8601 with offset, or document (the document's date); default now")
    .option('--accept-amendments', 'write amendments too: items and annex rows the ledger holds with other content are amended (task.amended.v1 / target.revised.v1); otherwise only shown')
    .action(async (file: string, opts: ImportCommandOptions) => {
      process.exitCode = await importCommand(file, opts);
    });
}
