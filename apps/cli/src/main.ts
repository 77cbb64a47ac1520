import { Command } from 'commander';
import { ConfigError } from '@duban/config';
import { addBulletinCommand } from './commands/bulletin.command';
import { addImportCommand } from './commands/import.command';
import { addHistoryCommand } from './commands/history.command';
import { addLedgerCommand } from './commands/ledger.command';
import { addPeriodCommand } from './commands/period.command';
import { addRebuildCommand } from './commands/rebuild.command';
import { tokenCommand } from './commands/token.command';
import { verifyCommand } from './commands/verify.command';

/**
 * The `duban` command line. It grows with each capability; every subcommand
 * reads the same environment variables as the service (see README).
 */
export function buildCli(): Command {
  const program = new Command('duban')
    .description('Duban (督办): event-sourced supervision and accountability backend')
    .showHelpAfterError();

  program
    .command('serve')
    .description('start the HTTP api (embedded SQLite store unless KURRENTDB_URL is set)')
    .action(async () => {
      const { startApi } = await import('../../api/src/bootstrap');
      await startApi();
    });

  program
    .command('verify')
    .description('walk the event store and check every hash chain; exit 0 when intact, 1 naming the first altered, removed or reordered event')
    .option('--json', 'print the report as one JSON object')
    .option('--anchor <hash@position>', 'also check that the log up to the position still produces this head hash (an anchor printed by an earlier verify)')
    .action(async (opts: { json?: boolean; anchor?: string }) => {
      process.exitCode = await verifyCommand(opts);
    });

  program
    .command('token')
    .description('print a bearer token (HS256, signed with JWT_SECRET or the secret in DUBAN_DATA_DIR) for a user of a unit; stdout carries only the token')
    .option('--role <role>', 'supervisor | unit | auditor | admin')
    .option('--unit <unit>', 'the unit the user acts for: a unit id or global alias of the registry (e.g. 郑东新区, 市政府办公厅四处); the token carries the id')
    .option('--user <name>', 'the user id (the token subject)')
    .option('--expires-in <lifetime>', 'seconds, or 30m, 12h, 7d; at most DUBAN_TOKEN_MAX_LIFETIME (30d)', '12h')
    .action(async (opts: { role?: string; unit?: string; user?: string; expiresIn?: string }) => {
      process.exitCode = await tokenCommand(opts);
    });

  addImportCommand(program);
  addLedgerCommand(program);
  addHistoryCommand(program);
  addRebuildCommand(program);
  addPeriodCommand(program);
  addBulletinCommand(program);

  return program;
}

export async function runCli(argv: string[]): Promise<void> {
  try {
    await buildCli().parseAsync(argv);
  } catch (err) {
    process.stderr.write(`duban: ${err instanceof ConfigError ? err.message : ((err as Error).stack ?? String(err))}\n`);
    process.exitCode = 2;
  }
}

if (require.main === module) void runCli(process.argv);
