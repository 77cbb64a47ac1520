/**
 * The unit registry as a decider over ONE stream, `unit-registry`: its state is
 * the seeded registry (zhengzhou-units.json) with every recorded addition
 * applied. An admin adds units and global aliases; every other reader of the
 * registry sees seed + events.
 *
 * Commands (role admin only; auditors never write):
 * - AddUnit { id, kind, parent, group?, aliases?, localAliases?, note? }
 *     → unit.added.v1, whose data is the unit exactly as a line of
 *       zhengzhou-units.json (names in normal form, empty lists left out), so an
 *       addition can later be folded into the seed file as is.
 * - AddUnitAlias { unitId, alias } → unit.alias_added.v1 { unitId, alias }.
 *
 * Names are normalised first (normalizeUnitName: half-width parentheses, no
 * whitespace, ASCII digits), as `withAlias` does, and recorded in normal form.
 * The checks are the registry's own (`withUnit` / `withAlias` run on the
 * current state); their failures become typed refusals (registry-errors.ts):
 * a name already taken → UnitNameTaken (409), an unknown unit in
 * AddUnitAlias → UnitNotFound (404), anything else → InvalidCommandData (422).
 *
 * Replaying (evolve) tolerates a seed that has caught up with the stream: a
 * unit.added.v1 whose id the seed now holds, or an alias the unit already has,
 * is skipped (the seed wins). An event the seed contradicts (its alias now
 * names another unit, its parent is gone) throws UnitRegistryReplayError.
 */
import type { Command, Decider, DomainEvent } from '../decider/decider';
import { assertNever } from '../decider/decider';
import { InvalidCommandData } from '../decider/errors';
import { checkEnvelope, requireRole } from '../decider/guards';
import { UnitDataError, normalizeUnitName } from './unit-data';
import type { UnitCategory, UnitEntry, UnitKind } from './unit-data';
import { UnitRegistry, UnknownUnitError } from './unit-registry';
import type { NameHolder } from './registry-errors';
import { UnitNameTaken, UnitNotFound, UnitRegistryReplayError } from './registry-errors';

/** The one stream holding every run-time change to the unit registry. */
export const UNIT_REGISTRY_STREAM = 'unit-registry';

export const UNIT_ADDED = 'unit.added.v1';
export const UNIT_ALIAS_ADDED = 'unit.alias_added.v1';

// ------------------------------------------------------------------ commands

export interface AddUnitData {
  /** The new unit's id: its canonical Chinese name (see README "Ids"). */
  readonly id: string;
  readonly kind: UnitKind;
  /** The organisation it belongs to (a unit id, not an alias); null for a new root. */
  readonly parent: string | null;
  /** Ranking group, only for a new responsible unit (开发区 / 县市 / 市内区). */
  readonly group?: UnitCategory;
  /** Global aliases. */
  readonly aliases?: readonly string[];
  /** Names valid only inside the parent (a zone's own departments). */
  readonly localAliases?: readonly string[];
  readonly note?: string;
}

export type AddUnit = Command<'AddUnit', AddUnitData>;
export type AddUnitAlias = Command<'AddUnitAlias', { readonly unitId: string; readonly alias: string }>;
export type UnitRegistryCommand = AddUnit | AddUnitAlias;

// ------------------------------------------------------------------ events

/** data: the unit as a line of zhengzhou-units.json (normal form; absent fields left out). */
export type UnitAdded = DomainEvent<typeof UNIT_ADDED, UnitEntry>;
export type UnitAliasAdded = DomainEvent<typeof UNIT_ALIAS_ADDED, { readonly unitId: string; readonly alias: string }>;
export type UnitRegistryEvent = UnitAdded | UnitAliasAdded;

export const UNIT_REGISTRY_EVENT_TYPES: readonly UnitRegistryEvent['type'][] = [UNIT_ADDED, UNIT_ALIAS_ADDED];

export function isUnitRegistryEventType(type: string): type is UnitRegistryEvent['type'] {
  return (UNIT_REGISTRY_EVENT_TYPES as readonly string[]).includes(type);
}

// ------------------------------------------------------------------ decide

export function decideUnitRegistry(command: UnitRegistryCommand, state: UnitRegistry): UnitRegistryEvent[] {
  checkEnvelope(command);
  requireRole(command.type, command.actor, 'admin');
  switch (command.type) {
    case 'AddUnit':
      return [addUnit(command, state)];
    case 'AddUnitAlias':
      return [addAlias(command, state)];
    default:
      return assertNever(command, 'unit registry command');
  }
}

function addUnit(command: AddUnit, registry: UnitRegistry): UnitAdded {
  const c = command.type;
  const d = (command.data ?? {}) as Partial<Record<keyof AddUnitData, unknown>>;
  const id = requireName(c, 'id', d.id);
  const parent = d.parent === null ? null : requireName(c, 'parent', d.parent);
  const aliases = nameList(c, 'aliases', d.aliases);
  const localAliases = nameList(c, 'localAliases', d.localAliases);
  if (d.note !== undefined && typeof d.note !== 'string') throw new InvalidCommandData(c, 'note', 'must be a string');
  if (d.group !== undefined && d.group !== null && typeof d.group !== 'string') throw new InvalidCommandData(c, 'group', 'must be a ranking group');

  const own = [id, ...aliases];
  own.forEach((name, i) => {
    if (own.indexOf(name) !== i) throw new InvalidCommandData(c, i === 0 ? 'id' : `aliases[${i - 1}]`, `"${name}" is given twice (ids and aliases of one unit are distinct)`);
  });
  localAliases.forEach((name, i) => {
    if (localAliases.indexOf(name) !== i) throw new InvalidCommandData(c, `localAliases[${i}]`, `"${name}" is given twice`);
  });

  // Names already taken: a conflict with the registry as it is now (409).
  const idHolder = globalHolder(registry, id);
  if (idHolder !== null) throw new UnitNameTaken(c, 'id', id, idHolder);
  aliases.forEach((alias, i) => {
    const holder = globalHolder(registry, alias);
    if (holder !== null) throw new UnitNameTaken(c, `aliases[${i}]`, alias, holder);
  });
  if (parent !== null && registry.has(parent)) {
    localAliases.forEach((alias, i) => {
      const holder = localHolder(registry, parent, alias);
      if (holder !== null) throw new UnitNameTaken(c, `localAliases[${i}]`, alias, holder);
    });
  }

  const entry: UnitEntry = {
    id,
    kind: d.kind as UnitKind,
    parent,
    ...(typeof d.group === 'string' ? { group: d.group as UnitCategory } : {}),
    ...(aliases.length > 0 ? { aliases } : {}),
    ...(localAliases.length > 0 ? { localAliases } : {}),
    ...(typeof d.note === 'string' && d.note.trim() !== '' ? { note: d.note } : {}),
  };
  // Everything else (kind, ranking group, parent exists, local aliases of a root …): the registry's own validation.
  try {
    registry.withUnit(entry);
  } catch (err) {
    if (err instanceof UnitDataError) throw invalid(c, err);
    throw err;
  }
  return { type: UNIT_ADDED, data: entry };
}

function addAlias(command: AddUnitAlias, registry: UnitRegistry): UnitAliasAdded {
  const c = command.type;
  const d = (command.data ?? {}) as Partial<Record<'unitId' | 'alias', unknown>>;
  if (typeof d.unitId !== 'string' || d.unitId.trim() === '') throw new InvalidCommandData(c, 'unitId', 'must be a unit id');
  if (!registry.has(d.unitId)) {
    const named = registry.resolve(d.unitId);
    throw new UnitNotFound(c, d.unitId, named?.unitId);
  }
  const alias = requireName(c, 'alias', d.alias);
  const holder = globalHolder(registry, alias);
  if (holder !== null) throw new UnitNameTaken(c, 'alias', alias, holder);
  try {
    registry.withAlias(d.unitId, alias);
  } catch (err) {
    if (err instanceof UnitDataError) throw invalid(c, err);
    throw err;
  }
  return { type: UNIT_ALIAS_ADDED, data: { unitId: d.unitId, alias } };
}

// ------------------------------------------------------------------ evolve

export function evolveUnitRegistry(state: UnitRegistry, event: UnitRegistryEvent): UnitRegistry {
  switch (event.type) {
    case UNIT_ADDED:
      if (state.has(event.data.id)) return state; // the seed has caught up: the seed wins
      return replay(event.type, () => state.withUnit(event.data));
    case UNIT_ALIAS_ADDED: {
      const { unitId, alias } = event.data;
      if (state.get(unitId)?.aliases.includes(alias)) return state; // already in the seed
      return replay(event.type, () => state.withAlias(unitId, alias));
    }
    default:
      return assertNever(event, 'unit registry event');
  }
}

function replay(type: string, apply: () => UnitRegistry): UnitRegistry {
  try {
    return apply();
  } catch (err) {
    if (err instanceof UnitDataError || err instanceof UnknownUnitError) throw new UnitRegistryReplayError(type, err.message);
    throw err;
  }
}

/** The seeded registry: the state of an empty `unit-registry` stream. */
export const initialUnitRegistryState = (): UnitRegistry => UnitRegistry.seeded();

export const unitRegistryDecider: Decider<UnitRegistry, UnitRegistryCommand, UnitRegistryEvent> = {
  decide: decideUnitRegistry,
  evolve: evolveUnitRegistry,
  initialState: initialUnitRegistryState,
};

// ------------------------------------------------------------------ helpers

/** A name field: a non-empty string, returned in normal form. */
function requireName(command: string, field: string, value: unknown): string {
  if (typeof value !== 'string') throw new InvalidCommandData(command, field, 'must be a name (a non-empty string)');
  const normal = normalizeUnitName(value);
  if (normal === '') throw new InvalidCommandData(command, field, 'must not be empty');
  return normal;
}

function nameList(command: string, field: string, value: unknown): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new InvalidCommandData(command, field, 'must be a list of names');
  return value.map((v: unknown, i) => requireName(command, `${field}[${i}]`, v));
}

/** Who holds a global name (unit or group id or alias), or null. */
function globalHolder(registry: UnitRegistry, name: string): NameHolder | null {
  const found = registry.lookup(name); // no scope: global names only
  if (found === null) return null;
  return found.type === 'unit'
    ? { type: 'unit', id: found.unitId, as: found.via === 'id' ? 'id' : 'alias' }
    : { type: 'group', id: found.groupId, as: found.via === 'id' ? 'id' : 'alias' };
}

/** Who holds a local name inside `scope` (a unit whose parent it is, or a group scoped there), or null. */
function localHolder(registry: UnitRegistry, scope: string, name: string): NameHolder | null {
  for (const childId of registry.children(scope)) {
    if (registry.get(childId)!.localAliases.includes(name)) return { type: 'unit', id: childId, as: 'local-alias', scope };
  }
  const group = registry.groups.find((g) => g.scope === scope && g.localAliases.includes(name));
  return group === undefined ? null : { type: 'group', id: group.id, as: 'local-alias', scope };
}

/**
 * A validation failure of the registry as a 422 refusal, naming the command
 * field ("units[212].parent" → "parent") and the registry's own explanation.
 */
function invalid(command: string, err: UnitDataError): InvalidCommandData {
  const field = err.path.replace(/^units\[\d+\]\.?/, '') || 'unit';
  const prefix = `Invalid unit registry data at ${err.path}${err.entry === null ? '' : ` ("${err.entry}")`}: `;
  const reason = err.message.startsWith(prefix) ? err.message.slice(prefix.length) : err.message;
  return new InvalidCommandData(command, field, reason);
}
