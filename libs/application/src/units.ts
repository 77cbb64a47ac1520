import type { TaskCommand } from '@duban/domain/task';

/**
 * What the write path needs of the unit registry: whether a unit id exists.
 * The registry itself lives in the domain library; this keeps the executor
 * independent of how units are stored.
 */
export interface UnitDirectory {
  has(unitId: string): boolean;
}

/** A command names units the registry does not know (answered with 422, naming them). */
export class UnknownUnits extends Error {
  constructor(readonly units: string[]) {
    super(`unknown unit${units.length > 1 ? 's' : ''}: ${units.join('、')}`);
    this.name = 'UnknownUnits';
  }
}

export function requireKnownUnits(directory: UnitDirectory, units: Iterable<string | undefined>): void {
  const unknown = [...new Set([...units].filter((u): u is string => typeof u === 'string' && !directory.has(u)))];
  if (unknown.length > 0) throw new UnknownUnits(unknown);
}

/** Units a task command names, checked against the registry before deciding (RegisterTask, AmendTask). */
export function unitsOfTaskCommand(c: TaskCommand): Array<string | undefined> {
  if (c.type === 'RegisterTask') return [...c.data.leadUnits, ...c.data.responsibleUnits, ...c.data.cooperatingUnits, c.data.supervisingOffice];
  if (c.type === 'AmendTask') return [...(c.data.leadUnits ?? []), ...(c.data.responsibleUnits ?? []), ...(c.data.cooperatingUnits ?? [])];
  return [];
}
