/**
 * The import's writer without Nest: the process's CommandExecutor (handed in,
 * never built here: one executor, one write gate per process), the units
 * checked against a registry first (as the api's handlers do). Used by
 * `duban import` and `npm run bench:import`.
 */
import type { CommandExecutor } from '@duban/application/command-executor';
import { fold } from '@duban/application/command-executor';
import { taskStream } from '@duban/application/streams';
import { targetStream } from '@duban/application/parks/streams';
import type { UnitDirectory } from '@duban/application/units';
import { requireKnownUnits, unitsOfTaskCommand } from '@duban/application/units';
import { targetDecider } from '@duban/domain/target';
import { taskDecider } from '@duban/domain/task';
import type { UnitRegistry } from '@duban/domain/units';
import { UNIT_REGISTRY_STREAM, unitRegistryDecider } from '@duban/domain/units';
import type { EventStore } from '@duban/eventstore';
import type { ImportWriter } from './commit';

/** `store` is read (what is already recorded); every write goes through `executor`. */
export function executorWriter(executor: CommandExecutor, store: EventStore, units: UnitDirectory): ImportWriter {
  return {
    readStream: (stream) => store.readStream(stream),
    registerTask: async (command, envelope) => {
      requireKnownUnits(units, unitsOfTaskCommand(command));
      return executor.execute(taskDecider, taskStream(command.data.taskId), command, envelope, { creates: true });
    },
    amendTask: async (command, envelope) => {
      requireKnownUnits(units, unitsOfTaskCommand(command));
      return executor.execute(taskDecider, taskStream(command.data.taskId), command, envelope, { creates: false });
    },
    setTarget: async (command, envelope) => {
      requireKnownUnits(units, [command.data.unitId]);
      return executor.execute(targetDecider, targetStream(command.data.targetId), command, envelope, { creates: true });
    },
    reviseTarget: async (command, envelope) =>
      executor.execute(targetDecider, targetStream(command.data.targetId), command, envelope, { creates: false }),
  };
}

/** The unit registry as the store holds it: the seed plus the admin's additions (the `unit-registry` stream). */
export async function registryOf(store: EventStore): Promise<UnitRegistry> {
  return fold(unitRegistryDecider, await store.readStream(UNIT_REGISTRY_STREAM));
}
