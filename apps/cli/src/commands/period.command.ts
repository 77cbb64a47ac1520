import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { eventStoreFile, loadConfig } from '@duban/config';
import { cliExecutor } from '../cli-executor';
import { PeriodCommandHandler } from '@duban/application/periods/handlers';
import { ExecutePeriodCommand } from '@duban/application/periods/messages';
import { PERIOD_CLOSER_ACTOR, PeriodCloser } from '@duban/application/periods/period-closer';
import { officialCalendar } from '@duban/domain/calendar';
import { DomainError } from '@duban/domain/decider';
import type { Actor } from '@duban/domain/decider';
import { createEventStore } from '@duban/eventstore';
import type { EventStoreSettings } from '@duban/eventstore';
import { builtInProjections, FiguresQuery, ItemsQuery, openReadModelDatabase, ProjectionRunner, readModelFile } from '@duban/projections';
import type { RunnerLogger } from '@duban/projections';
import { InvalidFiguresQueryError } from '@duban/projections/figures/period';
import { resolveListRule } from '@duban/projections/periods/list-rule';

const SILENT: RunnerLogger = { log: () => undefined, warn: () => undefined, error: () => undefined };

interface PeriodCommandOptions {
  json?: boolean;
  user?: string;
  /** seconds */
  catchUpTimeout?: string;
}

/** Adds `duban period close|show PERIOD` (apps/cli/src/main.ts: `addPeriodCommand(program);`). */
export function addPeriodCommand(program: Command): void {
  const period = program.command('period').description('periods (月/季/半年/年): close one that has ended, or show its close (docs/periods.md)');
  period
    .command('close <period>')
    .description('close (or, with --user as a supervisor, re-close when late facts changed it) a period that has ended: 2021-05, 2021-Q2, 2021-H1, 2021')
    .option('--user <name>', 'the supervisor the close is recorded under (default: the system clock, which closes once and never re-closes)')
    .option('--json', 'print the outcome as JSON')
    .option('--catch-up-timeout <seconds>', 'wait this long for the read models to reach the head of the log', '600')
    .action(async (id: string, opts: PeriodCommandOptions) => {
      process.exitCode = await periodCommand('close', id, opts);
    });
  period
    .command('show <period>')
    .description('the period: its state, close (figures, ranks, 红黑榜, rule, position, hash) and what changed since')
    .option('--json', 'print the whole view as JSON')
    .option('--catch-up-timeout <seconds>', 'wait this long for the read models to reach the head of the log', '600')
    .action(async (id: string, opts: PeriodCommandOptions) => {
      process.exitCode = await periodCommand('show', id, opts);
    });
}

/**
 * Opens the store and the read-model file of DUBAN_DATA_DIR, catches the
 * read models up with the store (as `duban ledger` does), then closes or
 * shows the period. Exit 0; 1 on a refusal (not ended, already closed …);
 * 2 on a usage or configuration error.
 */
export async function periodCommand(action: 'close' | 'show', id: string, options: PeriodCommandOptions): Promise<number> {
  const fail = (code: number, message: string): number => {
    process.stderr.write(`duban period ${action}: ${message}\n`);
    return code;
  };
  const timeoutSeconds = Number(options.catchUpTimeout ?? 600);
  if (!Number.isFinite(timeoutSeconds) || timeoutSeconds <= 0) return fail(2, '--catch-up-timeout must be a number of seconds > 0');
  const config = loadConfig(process.env);
  const settings: EventStoreSettings = { kurrentDbUrl: config.kurrentDbUrl, sqliteFile: eventStoreFile(config), sqliteSynchronous: config.sqliteSynchronous };
  if (!settings.kurrentDbUrl && !existsSync(settings.sqliteFile)) return fail(2, `no event store at ${settings.sqliteFile} (set DUBAN_DATA_DIR to the api's data dir)`);
  const store = createEventStore(settings);
  const db = openReadModelDatabase(readModelFile(config.dataDir));
  const runner = new ProjectionRunner({ store, db, projections: builtInProjections(), logger: SILENT });
  try {
    runner.prepare();
    await runner.start();
    const handler = new PeriodCommandHandler(await cliExecutor(store)); // the CLI process's one executor, behind the chain check
    const closer = new PeriodCloser({
      store,
      send: (command, envelope) => handler.execute(new ExecutePeriodCommand(command, envelope)),
      figures: new FiguresQuery(db),
      items: new ItemsQuery(db),
      runner,
      db,
      calendar: officialCalendar,
      listRule: resolveListRule(process.env.DUBAN_LIST_RULE),
      waitMs: timeoutSeconds * 1000,
    });
    closer.parse(id);
    await runner.waitFor(await store.headPosition(), timeoutSeconds * 1000);
    const out = (value: unknown) => `${JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? v.toString() : v), options.json ? undefined : 2)}\n`;
    if (action === 'close') {
      const actor: Actor = options.user ? { userId: options.user, unitId: '市政府办公厅四处', role: 'supervisor' } : PERIOD_CLOSER_ACTOR;
      const outcome = await closer.close(id, actor);
      if (options.json) process.stdout.write(out(outcome));
      else process.stdout.write(outcome.events.length === 0 ? `${outcome.periodId}: unchanged since revision ${outcome.revision}, nothing written\n` : `${outcome.periodId}: ${outcome.events.join(', ')} — revision ${outcome.revision} at position ${outcome.position}\n`);
      return 0;
    }
    const view = await closer.view(id);
    if (options.json) {
      process.stdout.write(out(view));
      return 0;
    }
    const lines = [`${view.period.label} (${view.period.id}): ${view.status}`];
    if (view.close) {
      const c = view.close;
      lines.push(`revision ${c.revision}, closed ${c.closedAt}, rule ${c.rule.name}, lists ${c.listRule.name}, anchor ${c.headHash}@${c.position}`);
      for (const g of c.groups) lines.push(`  ${g.group}: 红榜 ${g.red.join('、') || '—'}；黑榜 ${g.black.join('、') || '—'}`);
      for (const u of c.units.filter((x) => x.score !== null)) lines.push(`  ${u.rank ?? '-'}\t${u.score}\t${u.unitId}${u.red ? ' 红' : ''}${u.black ? ' 黑' : ''}`);
      for (const b of c.black) for (const i of b.items) lines.push(`  黑榜 ${b.unitId}: ${i.docNumber ?? ''} ${i.itemPath ?? ''} ${i.title} 逾期${i.workingDaysOverdue}个工作日 ${i.ladderStep ?? ''}`);
    }
    if (view.changedSinceClose) lines.push(`changed since close: ${view.changedSinceClose.changes.map((c) => `${c.unitId} ${c.score.from}→${c.score.to}`).join('; ')}`);
    process.stdout.write(`${lines.join('\n')}\n`);
    return 0;
  } catch (err) {
    if (err instanceof InvalidFiguresQueryError) return fail(2, err.message);
    if (err instanceof DomainError) return fail(1, err.message);
    throw err;
  } finally {
    await runner.stop();
    db.close();
    await store.close();
  }
}
