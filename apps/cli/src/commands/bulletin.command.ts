import type { Command } from 'commander';
import { existsSync, writeFileSync } from 'node:fs';
import { eventStoreFile, loadConfig } from '@duban/config';
import { fold } from '@duban/application/command-executor';
import { bulletinInputFromClose, bulletinIssuer } from '@duban/application/periods/bulletin-input';
import { periodStream } from '@duban/application/periods/messages';
import type { BulletinInput } from '@duban/bulletin';
import { anchorOf, BulletinInputError, bulletinContentHash, draftBulletin, firstDifference, renderDocx, renderHtml, renderMarkdown } from '@duban/bulletin';
import { officialCalendar } from '@duban/domain/calendar';
import type { BulletinPublishedData, CloseRevision, PeriodRef, PeriodState } from '@duban/domain/period';
import { latestRevision, periodDecider } from '@duban/domain/period';
import { UNIT_REGISTRY_STREAM, unitRegistryDecider } from '@duban/domain/units';
import { createEventStore } from '@duban/eventstore';
import type { EventStore, EventStoreSettings } from '@duban/eventstore';
import { builtInProjections, FiguresQuery, ItemsQuery, openReadModelDatabase, ProjectionRunner, readModelFile } from '@duban/projections';
import type { RunnerLogger } from '@duban/projections';
import { InvalidFiguresQueryError, parsePeriodId } from '@duban/projections/figures/period';
import { computeClose, periodRef } from '@duban/projections/periods/close-content';

const SILENT: RunnerLogger = { log: () => undefined, warn: () => undefined, error: () => undefined };

interface WriteOptions {
  revision?: string;
  docx?: string;
  html?: string;
  md?: string;
}

/** Adds `duban bulletin PERIOD --docx|--html|--md FILE` and `duban bulletin verify PERIOD` (apps/cli/src/main.ts). */
export function addBulletinCommand(program: Command): void {
  const bulletin = program
    .command('bulletin')
    .description('the bulletin (通报) of a closed period: write it as .docx, HTML or Markdown, or verify a published one (docs/periods.md)')
    .argument('[period]', 'the period: 2021-05, 2021-Q2, 2021-H1, 2021')
    .option('--revision <n>', 'the close revision (default: the latest)')
    .option('--docx <file>', 'write the .docx (GB/T 9704) here')
    .option('--html <file>', 'write the HTML page here')
    .option('--md <file>', 'write the Markdown here')
    .action(async (id: string | undefined, opts: WriteOptions) => {
      if (id === undefined) {
        bulletin.help({ error: true });
        return;
      }
      process.exitCode = await bulletinWriteCommand(id, opts);
    });
  bulletin
    .command('verify <period>')
    .description(
      'rebuild every published bulletin of the period from the close revision it names and compare with the published sha256: exit 0 printing the hash and anchor; 1 naming the first difference',
    )
    .option('--catch-up-timeout <seconds>', 'on a mismatch, wait this long for the read models to recompute the close from the log', '600')
    .action(async (id: string, opts: { catchUpTimeout?: string }) => {
      process.exitCode = await bulletinVerifyCommand(id, opts);
    });
}

interface Opened {
  store: EventStore;
  dataDir: string;
  period: PeriodRef;
  state: PeriodState;
  nameOf: (unitId: string) => string;
}

/** The store of DUBAN_DATA_DIR, the period's stream folded and the unit registry (seed + its stream). */
async function open(id: string): Promise<Opened | string | { unreadable: string }> {
  const config = loadConfig(process.env);
  const settings: EventStoreSettings = { kurrentDbUrl: config.kurrentDbUrl, sqliteFile: eventStoreFile(config), sqliteSynchronous: config.sqliteSynchronous };
  if (!settings.kurrentDbUrl && !existsSync(settings.sqliteFile)) return `no event store at ${settings.sqliteFile} (set DUBAN_DATA_DIR to the api's data dir)`;
  let period: PeriodRef;
  try {
    period = periodRef(parsePeriodId(id));
  } catch (err) {
    if (err instanceof InvalidFiguresQueryError) return err.message;
    throw err;
  }
  const store = createEventStore(settings);
  try {
    const state = fold(periodDecider, await store.readStream(periodStream(period.id)));
    const registry = fold(unitRegistryDecider, await store.readStream(UNIT_REGISTRY_STREAM));
    return { store, dataDir: config.dataDir, period, state, nameOf: (unitId) => registry.get(unitId)?.id ?? unitId };
  } catch (err) {
    // an event altered behind the store so that it no longer parses or folds: say so, it is what verify is for
    await store.close();
    return { unreadable: `the streams of period ${period.id} cannot be read: ${(err as Error).message} (run duban verify)` };
  }
}

function inputOf(o: Opened, close: CloseRevision): BulletinInput {
  return bulletinInputFromClose(o.period, close, { issuer: bulletinIssuer(), nameOf: o.nameOf });
}

/** Writes the files asked for; exit 0, 1 when the period is not closed or has no such revision, 2 on a usage error. */
export async function bulletinWriteCommand(id: string, options: WriteOptions): Promise<number> {
  const fail = (code: number, message: string): number => {
    process.stderr.write(`duban bulletin: ${message}\n`);
    return code;
  };
  if (!options.docx && !options.html && !options.md) return fail(2, 'say what to write: --docx FILE, --html FILE and/or --md FILE');
  const revision = options.revision === undefined ? undefined : Number(options.revision);
  if (revision !== undefined && !(Number.isInteger(revision) && revision >= 1)) return fail(2, '--revision must be a whole number ≥ 1');
  const o = await open(id);
  if (typeof o === 'string') return fail(2, o);
  if ('unreadable' in o) return fail(1, o.unreadable);
  try {
    const latest = latestRevision(o.state);
    if (latest === null) return fail(1, `period ${o.period.id} has not been closed`);
    const close = revision === undefined ? latest : o.state.revisions.find((r) => r.revision === revision);
    if (!close) return fail(1, `period ${o.period.id} has no close revision ${revision} (latest: ${latest.revision})`);
    const input = inputOf(o, close);
    const doc = draftBulletin(input);
    const written: string[] = [];
    if (options.md) written.push(write(options.md, renderMarkdown(doc)));
    if (options.html) written.push(write(options.html, renderHtml(doc)));
    if (options.docx) written.push(write(options.docx, await renderDocx(doc, input.issuedAt)));
    const published = o.state.bulletins.filter((b) => b.revision === close.revision).map((b) => b.bulletinId);
    process.stdout.write(
      `${written.join('\n')}\n${o.period.label} (${o.period.id}) revision ${close.revision}, ${published.length > 0 ? `published as ${published.join(', ')}` : 'draft (not published)'}\n` +
        `sha256 ${bulletinContentHash(input)}\nanchor ${anchorOf(input)}\n`,
    );
    return 0;
  } catch (err) {
    if (err instanceof BulletinInputError) return fail(1, `the close cannot be drafted as a bulletin: ${err.message}`);
    throw err;
  } finally {
    await o.store.close();
  }
}

function write(file: string, content: string | Buffer): string {
  writeFileSync(file, content);
  return `wrote ${file} (${Buffer.byteLength(content)} bytes)`;
}

/**
 * Rebuilds each published bulletin of the period from the close revision it
 * names (as the store records it now) and compares the content hash with the
 * one published. The publish event stores the hash, not the text; so on a
 * mismatch the close is computed again from the log at the recorded position
 * under the recorded rules (the read models), and the first difference
 * between that bulletin and the one the recorded close gives is named.
 */
export async function bulletinVerifyCommand(id: string, options: { catchUpTimeout?: string }): Promise<number> {
  const o = await open(id);
  if (typeof o === 'string') {
    process.stderr.write(`duban bulletin verify: ${o}\n`);
    return 2;
  }
  if ('unreadable' in o) {
    process.stdout.write(`FAILED: ${o.unreadable}\n`);
    return 1;
  }
  try {
    if (o.state.bulletins.length === 0) {
      process.stdout.write(`FAILED: no bulletin of period ${o.period.id} has been published: nothing to verify\n`);
      return 1;
    }
    let failed = false;
    for (const b of o.state.bulletins) {
      const lines = await verifyOne(o, b, Number(options.catchUpTimeout ?? 600));
      if (lines[0].startsWith('FAILED')) failed = true;
      process.stdout.write(`${lines.join('\n')}\n`);
    }
    return failed ? 1 : 0;
  } finally {
    await o.store.close();
  }
}

async function verifyOne(o: Opened, b: BulletinPublishedData, timeoutSeconds: number): Promise<string[]> {
  const name = `bulletin ${b.bulletinId} (${o.period.id} revision ${b.revision})`;
  const anchor = `anchor: duban verify --anchor ${b.headHash}@${b.position}`;
  const close = o.state.revisions.find((r) => r.revision === b.revision);
  if (!close) return [`FAILED: ${name}: the period has no close revision ${b.revision} any more`, anchor];
  let recorded: BulletinInput;
  let hash: string;
  try {
    recorded = inputOf(o, close);
    hash = bulletinContentHash(recorded);
  } catch (err) {
    if (!(err instanceof BulletinInputError)) throw err;
    return [`FAILED: ${name}: the recorded close cannot be drafted as a bulletin: ${err.message}`, anchor];
  }
  if (hash === b.contentSha256) return [`OK: ${name} sha256 ${hash}`, anchor];
  const head = `FAILED: ${name} was published with sha256 ${b.contentSha256}; the close as recorded now gives ${hash}`;
  const fromLog = await closeFromLog(o, close, b, timeoutSeconds);
  const rebuilt = inputOf(o, fromLog);
  const rebuiltHash = bulletinContentHash(rebuilt);
  const diff = firstDifference(draftBulletin(rebuilt), draftBulletin(recorded));
  const where = diff ? `first difference: ${diff.message}` : 'the log gives the same content as the recorded close';
  const source =
    rebuiltHash === b.contentSha256
      ? `the close computed again from the log at position ${b.position} (${b.rule.name}, ${b.listRule.name}) gives the published bulletin: the recorded close was changed; ${where}`
      : `the close computed again from the log at position ${b.position} gives ${rebuiltHash}, not the published hash either (issuer DUBAN_BULLETIN_ISSUER, unit names, template or the log changed); ${where}`;
  return [head, source, anchor];
}

/** The close of the period computed from the read models at the recorded position under the recorded rules (what the close recorded then). */
async function closeFromLog(o: Opened, close: CloseRevision, b: BulletinPublishedData, timeoutSeconds: number): Promise<CloseRevision> {
  const db = openReadModelDatabase(readModelFile(o.dataDir));
  const runner = new ProjectionRunner({ store: o.store, db, projections: builtInProjections(), logger: SILENT });
  try {
    runner.prepare();
    await runner.start();
    await runner.waitFor(await o.store.headPosition(), timeoutSeconds * 1000);
    const { listRule } = b;
    const computed = computeClose(
      { figures: new FiguresQuery(db), items: new ItemsQuery(db), calendar: officialCalendar },
      {
        period: parsePeriodId(o.period.id),
        rule: b.rule,
        listRule: {
          id: listRule.id,
          version: listRule.version,
          name: listRule.name,
          redTop: listRule.redTop,
          blackBottom: listRule.blackBottom,
          minRankedUnits: listRule.minRankedUnits,
          criticismListsBlack: listRule.criticismListsBlack,
        },
        atPosition: BigInt(b.position),
      },
    );
    return { ...computed.close, revision: close.revision, closedAt: close.closedAt, headHash: b.headHash };
  } finally {
    await runner.stop();
    db.close();
  }
}
