import { CommandExecutor } from '@duban/application/command-executor';
import { brokenEventOf, LogIntegrityBroken } from '@duban/application/write-gate';
import type { EventStore } from '@duban/eventstore';

/**
 * The one CommandExecutor of a CLI process that writes (`duban import`,
 * `duban period close`). Like the api's, it writes through a gate: the CLI
 * first walks the whole log (`duban verify`'s check; the CLI keeps no verified
 * head of its own) and refuses every write when a chain is broken, naming the
 * first bad event, so no command is decided on an altered history.
 */
export async function cliExecutor(store: EventStore): Promise<CommandExecutor> {
  const report = await store.verify();
  const refusal = report.ok ? null : new LogIntegrityBroken(brokenEventOf(report.failure!));
  return new CommandExecutor(store, { refusal: () => refusal });
}
