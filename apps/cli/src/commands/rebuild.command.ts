import type { Command } from 'commander';
import { eventStoreFile, loadConfig } from '@duban/config';
import type { EventStoreSettings } from '@duban/eventstore';
import { createEventStore, describeEventStore } from '@duban/eventstore';
import type { RebuildProgress, RebuildResult } from '@duban/projections';
import { builtInProjections, openReadModelDatabase, ProjectionRunner, readModelFile, UnknownProjectionError } from '@duban/projections';

export interface RebuildCommandOptions {
  /** Where progress goes (default process.stderr); the bar is drawn only when it is a TTY. */
  progress?: NodeJS.WriteStream;
}

/** How often the bar is redrawn at most. */
const REDRAW_MS = 100;

/** Registers `duban rebuild [PROJECTION]`. */
export function addRebuildCommand(program: Command): void {
  program
    .command('rebuild')
    .description('rebuild read models from the whole event log, offline (every projection when none is named); a progress bar on stderr when it is a terminal')
    .argument('[projection]', 'one projection, e.g. items or audit')
    .action(async (projection: string | undefined) => {
      process.exitCode = await rebuildCommand(projection);
    });
}

/**
 * `duban rebuild [PROJECTION]`: drops the read model(s) and replays the whole
 * log into them, offline — the store and the read-model file opened as the
 * api opens them. Every projection when none is named, in one pass over the log.
 * A progress bar on stderr when it is a terminal; on stdout always: what it
 * rebuilds from where, one line per projection and a total line (events,
 * seconds, events/s).
 * Exit 0 when rebuilt, 1 for an unknown projection or a failed rebuild.
 *
 * Safe while an api runs on the same files (its runner sees the checkpoint
 * move and resumes from the stored one), but wasteful: stop it first.
 */
export async function rebuildCommand(projection: string | undefined, options: RebuildCommandOptions = {}): Promise<number> {
  const config = loadConfig(process.env);
  const settings: EventStoreSettings = {
    kurrentDbUrl: config.kurrentDbUrl,
    sqliteFile: eventStoreFile(config),
    sqliteSynchronous: config.sqliteSynchronous,
  };
  const tty = options.progress ?? process.stderr;
  const projections = builtInProjections();
  if (projection !== undefined && !projections.some((p) => p.name === projection)) {
    process.stderr.write(`duban: ${new UnknownProjectionError(projection, projections.map((p) => p.name)).message}\n`);
    return 1;
  }

  const store = createEventStore(settings);
  const file = readModelFile(config.dataDir);
  const db = openReadModelDatabase(file);
  // the runner itself raises the page cache and the WAL checkpoint interval for the rebuild (and puts them back)
  const runner = new ProjectionRunner({ store, db, projections });
  const bar = new ProgressBar(tty);
  const started = Date.now();
  let results: RebuildResult[];
  try {
    process.stdout.write(`rebuilding ${projection ?? projections.map((p) => p.name).join(', ')} from ${describeEventStore(settings)} into ${file}\n`);
    results = await runner.rebuild(projection, (p) => bar.update(p));
    bar.done();
  } catch (err) {
    bar.done();
    process.stderr.write(`duban: rebuild failed: ${(err as Error).message}\n`);
    return 1;
  } finally {
    await runner.stop();
    if (db.open) db.close();
    await store.close();
  }

  const seconds = (Date.now() - started) / 1000;
  const lines = results.map((r) => `rebuilt ${r.projection}: ${r.events} events up to position ${r.position} in ${secs(r.elapsedMs / 1000)} s (${rate(r.events, r.elapsedMs / 1000)} events/s)`);
  // One pass over the log feeds them all: the events replayed are the log's, not a sum over projections.
  const events = Math.max(0, ...results.map((r) => r.events));
  lines.push(`done: ${results.length} projection${results.length === 1 ? '' : 's'} rebuilt in one pass, ${events} events replayed in ${secs(seconds)} s (${rate(events, seconds)} events/s)`);
  process.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}

function secs(s: number): string {
  return s.toFixed(2);
}

function rate(events: number, seconds: number): number {
  return Math.round(events / Math.max(seconds, 0.001));
}

/**
 * `audit  [██████████░░░░░░░░░░]  52.3%  12345/23600 events  8123 events/s  1.5 s`
 * redrawn in place (\r, clear to end of line), at most every 100 ms; nothing
 * when the stream is not a terminal (a log file gets only the final lines).
 */
export class ProgressBar {
  private last = 0;
  private current: string | null = null;
  private drawn = false;

  constructor(
    private readonly out: { isTTY?: boolean; columns?: number; write(s: string): unknown },
    private readonly now: () => number = Date.now,
  ) {}

  update(p: RebuildProgress): void {
    if (!this.out.isTTY) return;
    const t = this.now();
    if (this.current !== null && this.current !== p.projection) this.finishLine();
    const first = this.current !== p.projection;
    this.current = p.projection;
    const complete = p.total !== null && p.done >= p.total;
    if (!first && !complete && t - this.last < REDRAW_MS) return;
    this.last = t;
    this.out.write(`\r${renderProgress(p, this.out.columns || 80)}\x1b[K`);
    this.drawn = true;
  }

  /** Ends the bar's line (so what follows starts on a fresh one). */
  done(): void {
    this.finishLine();
  }

  private finishLine(): void {
    if (this.drawn) this.out.write('\n');
    this.drawn = false;
  }
}

/** One line of progress, at most `columns` wide. */
export function renderProgress(p: RebuildProgress, columns = 80): string {
  const tail = `${p.done}${p.total !== null ? `/${p.total}` : ''} events  ${p.rate} events/s  ${(p.elapsedMs / 1000).toFixed(1)} s`;
  if (p.total === null || p.total === 0) return `${p.projection}  ${tail}`.slice(0, columns - 1);
  const ratio = Math.min(1, p.done / p.total);
  const pct = `${(ratio * 100).toFixed(1).padStart(5)}%`;
  const room = columns - 1 - `${p.projection}  []  ${pct}  ${tail}`.length;
  if (room < 10) return `${p.projection}  ${pct}  ${tail}`.slice(0, columns - 1); // too narrow for a bar
  const width = Math.min(40, room);
  const full = Math.round(ratio * width);
  return `${p.projection}  [${'█'.repeat(full)}${'░'.repeat(width - full)}]  ${pct}  ${tail}`;
}
