import type { CommandBus } from '@nestjs/cqrs';
import { CommandHandlerNotFoundException } from '@nestjs/cqrs';
import { ExecuteTaskCommand } from '@duban/application';
import { ExecuteTargetCommand } from '@duban/application/parks';
import type { EventStore } from '@duban/eventstore';
import type { ImportWriter } from '@duban/importer/commit';

/** The target handler is missing: the api runs without ParksModule. */
export class TargetsNotAvailable extends Error {
  constructor() {
    super('SetTarget / ReviseTarget cannot be executed: this api runs without the targets module (ParksModule)');
    this.name = 'TargetsNotAvailable';
  }
}

async function targets<T>(send: () => Promise<T>): Promise<T> {
  try {
    return await send();
  } catch (err) {
    if (err instanceof CommandHandlerNotFoundException) throw new TargetsNotAvailable();
    throw err;
  }
}

/**
 * The import's writer in the api: commands through the CommandBus (the same
 * handlers as POST /tasks and POST /targets: unit checks, executor, retries),
 * current states read from the store.
 */
export function busWriter(commands: CommandBus, store: EventStore): ImportWriter {
  return {
    readStream: (stream) => store.readStream(stream),
    registerTask: (command, envelope) => commands.execute(new ExecuteTaskCommand(command, envelope)),
    amendTask: (command, envelope) => commands.execute(new ExecuteTaskCommand(command, envelope)),
    setTarget: (command, envelope) => targets(() => commands.execute(new ExecuteTargetCommand(command, envelope))),
    reviseTarget: (command, envelope) => targets(() => commands.execute(new ExecuteTargetCommand(command, envelope))),
  };
}
