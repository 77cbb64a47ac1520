import type { Command } from 'commander';
import { createWriteStream, existsSync } from 'node:fs';
import { finished } from 'node:stream/promises';
import { loadWorkingCalendar, eventStoreFile, loadConfig } from '@duban/config';
import type { LoopStatus } from '@duban/domain/closure-loop';
import { UNIT_CATEGORIES, UnitRegistry } from '@duban/domain/units';
import type { UnitCategory } from '@duban/domain/units';
import { createEventStore, describeEventStore } from '@duban/eventstore';
import type { EventStoreSettings } from '@duban/eventstore';
import { openReadModelDatabase, ProjectionRunner, readModelFile } from '@duban/projections';
import type { RunnerLogger } from '@duban/projections';
import type { AsOf, LedgerColour, LedgerFilter, LedgerHeader, LedgerRow } from '@duban/projections/ledger';
import {
  dueText,
  InvalidLedgerQueryError,
  itemText,
  LEDGER_PROJECTION,
  LedgerProjection,
  LedgerQuery,
  ledgerTitle,
  parseLedgerInstant,
  writeLedgerXlsx,
} from '@duban/projections/ledger';

export interface LedgerCommandOptions {
  asOf?: string;
  axis?: string;
  position?: string;
  unit?: string;
  group?: string;
  document?: string;
  status?: string;
  kind?: string;
  json?: boolean;
  xlsx?: string;
  /** false with --no-catch-up */
  catchUp?: boolean;
  /** seconds */
  catchUpTimeout?: string;
}

const STATUSES: readonly LoopStatus[] = ['registered', 'reported', 'assigned', 'acknowledged', 'in_progress', 'submitted', 'closed'];
const SILENT: RunnerLogger = { log: () => undefined, warn: () => undefined, error: () => undefined };

class UsageError extends Error {}

/** Adds `duban ledger` to the command line (apps/cli/src/main.ts: `addLedgerCommand(program);`). */
export function addLedgerCommand(program: Command): void {
  program
    .command('ledger')
    .description('the ledger (台账) as of an instant or exactly after a log position: a table, JSON or an .xlsx workbook; catches the read model up with the store first')
    .option('--as-of <instant>', 'ISO 8601 instant with a zone (2021-06-30T18:00+08:00) or a date (its end, Asia/Shanghai); default: now, the live ledger')
    .option('--axis <axis>', 'recorded: what the system knew then (default) | effective: what was in effect then (back-filled records by their effective time)')
    .option('--position <n>', 'exact to the event: the ledger after the event at this global position (instead of --as-of)')
    .option('--unit <unit>', 'responsible unit, exactly as registered (e.g. 中牟县)')
    .option('--group <group>', `${UNIT_CATEGORIES.join(' | ')}`)
    .option('--document <docNumber>', '文号, e.g. 郑政办〔2021〕34号')
    .option('--status <status>', STATUSES.join(' | '))
    .option('--kind <kind>', 'task | issue')
    .option('--json', 'print one JSON object (the header and every row)')
    .option('--xlsx <file>', 'write the ledger as an .xlsx workbook to FILE')
    .option('--no-catch-up', 'answer from the read model as it is (and say how far it trails the store) instead of catching up first')
    .option('--catch-up-timeout <seconds>', 'give up catching up after this long', '600')
    .action(async (opts: LedgerCommandOptions) => {
      process.exitCode = await ledgerCommand(opts);
    });
}

/**
 * `duban ledger [--as-of <instant> [--axis recorded|effective] | --position <n>] [filters] [--json | --xlsx FILE]`
 *
 * Answers from the read-model file in DUBAN_DATA_DIR (read-models.db). The
 * ledger read model is derived data and may trail the log (the api applies
 * events as they come; a stopped api applies nothing), so by default the
 * command first CATCHES UP: it runs the ledger projection over the store until
 * it has applied the log's last event (the checkpoints are guarded, so doing
 * it beside a running api is safe), then answers. `--no-catch-up` answers from
 * the file as it is and says on stderr how many events it is behind.
 *
 * Output: a readable table (stdout), one JSON object (--json), or the .xlsx
 * workbook (--xlsx FILE). Exit 0; 2 on a usage or configuration error.
 */
export async function ledgerCommand(options: LedgerCommandOptions): Promise<number> {
  const fail = (message: string): number => {
    process.stderr.write(`duban ledger: ${message}\n`);
    return 2;
  };
  let at: AsOf | 'live';
  let filter: LedgerFilter;
  try {
    at = asOf(options);
    filter = filters(options);
    if (options.json && options.xlsx !== undefined) throw new UsageError('give --json or --xlsx FILE, not both');
  } catch (err) {
    if (err instanceof UsageError) return fail(err.message);
    throw err;
  }
  const timeoutSeconds = Number(options.catchUpTimeout ?? 600);
  if (!Number.isFinite(timeoutSeconds) || timeoutSeconds <= 0) return fail('--catch-up-timeout must be a number of seconds > 0');

  const config = loadConfig(process.env);
  const settings: EventStoreSettings = {
    kurrentDbUrl: config.kurrentDbUrl,
    sqliteFile: eventStoreFile(config),
    sqliteSynchronous: config.sqliteSynchronous,
  };
  if (!settings.kurrentDbUrl && !existsSync(settings.sqliteFile)) {
    return fail(`no event store at ${settings.sqliteFile} (set DUBAN_DATA_DIR to the api's data dir)`);
  }
  const store = createEventStore(settings);
  const db = openReadModelDatabase(readModelFile(config.dataDir));
  try {
    const runner = new ProjectionRunner({ store, db, projections: [new LedgerProjection()], logger: SILENT });
    runner.prepare();
    if (options.catchUp === false) {
      const [lag] = await runner.lag();
      if (lag.eventsBehind > 0) {
        process.stderr.write(
          `duban ledger: the ledger read model is ${lag.eventsBehind}${lag.exact ? '' : '+'} events behind the store ` +
            `(applied up to position ${lag.checkpoint}, the log is at ${lag.head}): the answer leaves them out; run without --no-catch-up to catch up first\n`,
        );
      }
    } else {
      await catchUp(runner, settings, timeoutSeconds * 1000);
    }

    const query = new LedgerQuery(db, { rule: config.ladderRule, calendar: loadWorkingCalendar(config) });
    const scan = query.scan(at, filter);
    if (options.xlsx !== undefined) {
      const out = createWriteStream(options.xlsx);
      const rows = await writeLedgerXlsx({ ...scan, filters: describe(options), policy: config.ladderRule.thresholds }, out);
      await finished(out);
      process.stdout.write(`${ledgerTitle(scan.header)}: ${rows} rows written to ${options.xlsx}\n`);
    } else if (options.json) {
      const rows = [...scan.rows].map((r) => ({ ...r.item, view: r.view }));
      process.stdout.write(`${JSON.stringify({ ...scan.header, rows }, (_k, v) => (typeof v === 'bigint' ? v.toString() : v))}\n`);
    } else {
      process.stdout.write(table(scan.header, scan.rows, process.stdout.isTTY === true));
    }
    return 0;
  } catch (err) {
    if (err instanceof InvalidLedgerQueryError) return fail(err.message);
    throw err;
  } finally {
    db.close();
    await store.close();
  }
}

/** Runs the ledger projection until it has applied the log's last event (progress on stderr when it is a terminal). */
async function catchUp(runner: ProjectionRunner, settings: EventStoreSettings, timeoutMs: number): Promise<void> {
  const [before] = await runner.lag();
  if (before.eventsBehind === 0) return;
  const tty = process.stderr.isTTY === true;
  if (tty) process.stderr.write(`catching the ledger up with ${describeEventStore(settings)}: ${before.eventsBehind} events\n`);
  await runner.start();
  const progress = tty
    ? setInterval(() => {
        const status = runner.status().find((s) => s.name === LEDGER_PROJECTION);
        if (status) process.stderr.write(`\r  at position ${status.checkpoint} of ${before.head}`);
      }, 500)
    : null;
  try {
    await runner.waitFor(before.head, timeoutMs, [LEDGER_PROJECTION]);
  } finally {
    if (progress) clearInterval(progress);
    await runner.stop();
  }
  if (tty) process.stderr.write(`\r  caught up at position ${before.head}\n`);
}

function asOf(o: LedgerCommandOptions): AsOf | 'live' {
  if (o.axis !== undefined && o.axis !== 'recorded' && o.axis !== 'effective') throw new UsageError('--axis must be recorded or effective');
  if (o.position !== undefined) {
    if (o.asOf !== undefined || o.axis !== undefined) throw new UsageError('give --position or --as-of (with --axis), not both');
    if (!/^\d{1,19}$/.test(o.position)) throw new UsageError('--position must be a global position (digits)');
    return { position: BigInt(o.position) };
  }
  if (o.asOf === undefined) {
    if (o.axis !== undefined) throw new UsageError('--axis needs --as-of');
    return 'live';
  }
  const instant = parseLedgerInstant(o.asOf);
  if (instant === null) {
    throw new UsageError(`--as-of ${JSON.stringify(o.asOf)} must be an ISO 8601 instant with a zone (2021-06-30T18:00+08:00) or a date (2021-06-30: its end, Asia/Shanghai)`);
  }
  return o.axis === 'effective' ? { effectiveAt: instant } : { recordedAt: instant };
}

function filters(o: LedgerCommandOptions): LedgerFilter {
  if (o.unit !== undefined && !UnitRegistry.seeded().has(o.unit)) throw new UsageError(`--unit ${o.unit}: no such unit in the registry`);
  if (o.group !== undefined && !(UNIT_CATEGORIES as readonly string[]).includes(o.group)) throw new UsageError(`--group must be one of ${UNIT_CATEGORIES.join(', ')}`);
  if (o.status !== undefined && !(STATUSES as readonly string[]).includes(o.status)) throw new UsageError(`--status must be one of ${STATUSES.join(', ')}`);
  if (o.kind !== undefined && o.kind !== 'task' && o.kind !== 'issue') throw new UsageError('--kind must be task or issue');
  return {
    ...(o.unit !== undefined ? { unitId: o.unit } : {}),
    ...(o.group !== undefined ? { group: o.group as UnitCategory } : {}),
    ...(o.document !== undefined ? { docNumber: o.document } : {}),
    ...(o.status !== undefined ? { status: o.status as LoopStatus } : {}),
    ...(o.kind !== undefined ? { kind: o.kind as 'task' | 'issue' } : {}),
  };
}

function describe(o: LedgerCommandOptions): Record<string, string> {
  return {
    ...(o.unit !== undefined ? { 责任单位: o.unit } : {}),
    ...(o.group !== undefined ? { 单位分组: o.group } : {}),
    ...(o.document !== undefined ? { 文号: o.document } : {}),
    ...(o.status !== undefined ? { 状态: o.status } : {}),
    ...(o.kind !== undefined ? { 类别: o.kind === 'task' ? '督办事项' : '问题' } : {}),
  };
}

// ------------------------------------------------------------------ the table

const COLOUR_NAMES: Record<LedgerColour, string> = { green: '绿', yellow: '黄', red: '红', black: '黑' };
const ANSI: Record<LedgerColour, string> = { green: '\x1b[32m', yellow: '\x1b[33m', red: '\x1b[31m', black: '\x1b[7m' };

/** Terminal columns a string takes: CJK and full-width characters take two. */
function width(text: string): number {
  let w = 0;
  for (const ch of text) {
    const c = ch.codePointAt(0)!;
    w += (c >= 0x1100 && c <= 0x115f) || (c >= 0x2e80 && c <= 0xa4cf) || (c >= 0xac00 && c <= 0xd7a3) || (c >= 0xf900 && c <= 0xfaff) || (c >= 0xfe30 && c <= 0xfe4f) || (c >= 0xff00 && c <= 0xff60) || (c >= 0xffe0 && c <= 0xffe6) ? 2 : 1;
  }
  return w;
}

/** Cut to `cols` terminal columns (ending in … when cut) and pad to exactly `cols`. */
function cell(text: string, cols: number): string {
  const clean = text.replace(/\s+/g, ' ');
  const w = width(clean);
  if (w <= cols) return clean + ' '.repeat(cols - w);
  let out = '';
  let used = 0;
  for (const ch of clean) {
    const cw = width(ch);
    if (used + cw > cols - 1) break;
    out += ch;
    used += cw;
  }
  return `${out}…${' '.repeat(cols - used - 1)}`;
}

const COLUMNS: [string, number][] = [
  ['序号', 5],
  ['颜色', 4],
  ['事项', 46],
  ['责任单位', 14],
  ['完成时限', 16],
  ['状态', 30],
];

function table(header: LedgerHeader, rows: Iterable<LedgerRow>, tty: boolean): string {
  const lines = [
    ledgerTitle(header),
    `  ${header.axis === 'effective' ? '按生效时间' : header.axis === 'recorded' ? '按记录时间' : '按日志位置'}；日志位置 ${header.position}；读模型位置 ${header.readModel.position}`,
    '',
    COLUMNS.map(([name, w]) => cell(name, w)).join(' '),
    COLUMNS.map(([, w]) => '-'.repeat(w)).join(' '),
  ];
  const counts = new Map<string, number>();
  let n = 0;
  for (const row of rows) {
    n++;
    const colour = row.view.colour;
    const name = colour === null ? (row.item.status === 'closed' ? '销' : '—') : COLOUR_NAMES[colour];
    counts.set(name, (counts.get(name) ?? 0) + 1);
    const paint = (text: string) => (tty && colour !== null && colour !== 'green' ? `${ANSI[colour]}${text}\x1b[0m` : text);
    lines.push(
      [
        cell(String(n), 5),
        paint(cell(name, 4)),
        cell(itemText(row), 46),
        cell(row.item.unitId ?? '', 14),
        cell(dueText(row), 16),
        cell(row.view.statusText, 30),
      ].join(' '),
    );
  }
  const summary = ['红', '黄', '黑', '绿', '销', '—']
    .filter((k) => counts.has(k))
    .map((k) => `${{ 红: '红', 黄: '黄', 黑: '黑', 绿: '绿', 销: '已销号', '—': '未着色' }[k]} ${counts.get(k)}`)
    .join('，');
  lines.push('', `共 ${n} 项${summary ? `：${summary}` : ''}`);
  if (header.incomplete) lines.push(`注意：日志位置 ${header.position} 超出读模型位置 ${header.readModel.position}，台账可能不全`);
  return `${lines.map((l) => l.trimEnd()).join('\n')}\n`;
}
