import type { IssueCommand } from '@duban/domain/issue';
import type { ParkCommand } from '@duban/domain/park';
import { targetIdFor } from '@duban/domain/target';
import type { TargetCommand } from '@duban/domain/target';
import type { TaskCommand } from '@duban/domain/task';

/**
 * What the write path needs of the unit registry: the unit a written name
 * stands for. The registry itself lives in the domain library (a UnitRegistry
 * satisfies this as it is: `resolve` normalises the name — full-width
 * parentheses, whitespace, zero-width spaces — then matches a unit id or a
 * global alias exactly; group names and local aliases resolve to null). This
 * keeps the executor independent of how units are stored.
 */
export interface UnitResolver {
  resolve(name: string): { readonly unitId: string } | null;
}

/** Whether a unit id exists: enough for writers whose commands carry ids already (the importer; see requireKnownUnits). */
export interface UnitDirectory {
  has(unitId: string): boolean;
}

/** A command names units the registry does not know (answered with 422, naming them as written). */
export class UnknownUnits extends Error {
  constructor(readonly units: string[]) {
    super(`unknown unit${units.length > 1 ? 's' : ''}: ${units.join('、')}`);
    this.name = 'UnknownUnits';
  }
}

/**
 * Maps the unit names of one command to ids, collecting every name that names
 * no unit; `done()` throws UnknownUnits naming all of them at once.
 */
class UnitNames {
  private readonly unknown: string[] = [];
  constructor(private readonly directory: UnitResolver) {}

  id(name: string): string {
    if (typeof name !== 'string') return name; // the decider refuses a non-text field, naming it
    const unitId = this.directory.resolve(name)?.unitId;
    if (unitId !== undefined) return unitId;
    if (!this.unknown.includes(name)) this.unknown.push(name);
    return name;
  }

  ids(names: readonly string[]): readonly string[] {
    // a unit named twice under two names stays twice: the decider refuses the list ("lists a unit twice")
    return Array.isArray(names) ? names.map((n) => this.id(n)) : names;
  }

  done<C>(command: C): C {
    if (this.unknown.length > 0) throw new UnknownUnits(this.unknown);
    return command;
  }
}

/**
 * Commands name units as people write them (`市资源规划局` for 市自然资源规划局):
 * each is resolved to its registry id here, before deciding, exactly as the
 * importer resolves a document's names; the events record ids only. A name
 * that resolves to no unit — unknown, a local alias outside its scope, or a
 * group (各开发区、区县(市): name its units) — is a 422 naming it.
 */
export function resolveTaskUnits(directory: UnitResolver, c: TaskCommand): TaskCommand {
  const names = new UnitNames(directory);
  if (c.type === 'RegisterTask') {
    const d = c.data;
    return names.done({
      ...c,
      data: {
        ...d,
        leadUnits: names.ids(d.leadUnits),
        responsibleUnits: names.ids(d.responsibleUnits),
        cooperatingUnits: names.ids(d.cooperatingUnits),
        supervisingOffice: names.id(d.supervisingOffice),
      },
    });
  }
  if (c.type === 'AmendTask') {
    const d = c.data;
    return names.done({
      ...c,
      data: {
        ...d,
        ...(d.leadUnits !== undefined ? { leadUnits: names.ids(d.leadUnits) } : {}),
        ...(d.responsibleUnits !== undefined ? { responsibleUnits: names.ids(d.responsibleUnits) } : {}),
        ...(d.cooperatingUnits !== undefined ? { cooperatingUnits: names.ids(d.cooperatingUnits) } : {}),
      },
    });
  }
  return c;
}

/**
 * ReportIssue's reportingUnit and AssignIssue's unitId, as ids (see
 * resolveTaskUnits). Generic: an AssignIssue may still lack its deadline here.
 */
export function resolveIssueUnits<C extends Pick<IssueCommand, 'type'> & { readonly data: object }>(directory: UnitResolver, c: C): C {
  const names = new UnitNames(directory);
  const d = c.data as { readonly reportingUnit: string; readonly unitId: string };
  if (c.type === 'ReportIssue') return names.done({ ...c, data: { ...c.data, reportingUnit: names.id(d.reportingUnit) } });
  if (c.type === 'AssignIssue') return names.done({ ...c, data: { ...c.data, unitId: names.id(d.unitId) } });
  return c;
}

/** RegisterPark's district as an id (the decider then checks it is one of the 16). */
export function resolveParkUnits(directory: UnitResolver, c: ParkCommand): ParkCommand {
  const names = new UnitNames(directory);
  if (c.type === 'RegisterPark') return names.done({ ...c, data: { ...c.data, district: names.id(c.data.district) } });
  return c;
}

/**
 * SetTarget's unit as an id. The target's id is derived from the unit
 * (targetIdFor: one stream per cell), so an id derived from the written name
 * is derived again from the unit's id: an alias and the id name one cell.
 */
export function resolveTargetUnits(directory: UnitResolver, c: TargetCommand): TargetCommand {
  if (c.type !== 'SetTarget') return c;
  const names = new UnitNames(directory);
  const d = c.data;
  const unitId = names.id(d.unitId);
  const derivedFromName = typeof d.year === 'number' && typeof d.metric === 'string' && d.targetId === targetIdFor(d.unitId, d.year, d.metric);
  const targetId = derivedFromName && unitId !== d.unitId ? targetIdFor(unitId, d.year, d.metric) : d.targetId;
  return names.done({ ...c, data: { ...d, unitId, targetId } });
}

/**
 * For writers whose commands carry unit ids already (the importer resolves a
 * document's names itself): every unit must be an id of the registry, not
 * merely a name of one, so nothing but ids is ever recorded.
 */
export function requireKnownUnits(directory: UnitDirectory, units: Iterable<string | undefined>): void {
  const unknown = [...new Set([...units].filter((u): u is string => typeof u === 'string' && !directory.has(u)))];
  if (unknown.length > 0) throw new UnknownUnits(unknown);
}

/** Units a task command names (RegisterTask, AmendTask), for requireKnownUnits. */
export function unitsOfTaskCommand(c: TaskCommand): Array<string | undefined> {
  if (c.type === 'RegisterTask') return [...c.data.leadUnits, ...c.data.responsibleUnits, ...c.data.cooperatingUnits, c.data.supervisingOffice];
  if (c.type === 'AmendTask') return [...(c.data.leadUnits ?? []), ...(c.data.responsibleUnits ?? []), ...(c.data.cooperatingUnits ?? [])];
  return [];
}
