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
 * - SetGroupMembers { groupId, members, note? } → unit.group_members_set.v1
 *     { groupId, members (unit ids), previous (unit ids, or null when unknown), note? }:
 *     an office says who the members of a group are that the seeds name without
 *     listing them ("各产业集聚区"). See "Setting a group's members" below.
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
 *
 * Setting a group's members (SetGroupMembers):
 * - Only a group whose members the registry data leaves open (`"members": null`
 *   in zhengzhou-units.json: 各产业集聚区, 市制造业高质量发展工作领导小组成员单位,
 *   市高质量发展领导小组成员单位, 郑州高新区各审批业务部门) may be set, and set again
 *   (the list replaces the previous one). Groups defined by a ranking category
 *   (开发区 / 县市 / 市内区 = 四个开发区 / 六县市 / …) or by a member list (市内五区,
 *   各区县(市), 各开发区、区县(市) …) are fixed: GroupMembersFixed (409).
 * - `groupId` is a group id (an alias → UnitGroupNotFound naming the id, 404).
 * - Each member is a unit id or any name of a unit (resolved exactly, in the
 *   group's scope when it has one, so a zone's local names work), or a group with
 *   known members (expanded into its unit ids). Unresolved names →
 *   UnresolvedMemberNames listing each with its index (422); nothing is guessed.
 *   A unit named twice counts once; the group itself, an empty list or a
 *   non-string → InvalidCommandData (422). The members cannot be set back to unknown.
 * - The same set of units as now (order aside) → no event.
 * - Replaying: a group the seed now defines is skipped (the seed wins); a group
 *   or member unit the seed no longer has throws UnitRegistryReplayError.
 */
import type { Command, Decider, DomainEvent } from '../decider/decider';
import { assertNever } from '../decider/decider';
import { InvalidCommandData } from '../decider/errors';
import { checkEnvelope, requireRole } from '../decider/guards';
import { UnitDataError, normalizeUnitName } from './unit-data';
import type { UnitCategory, UnitEntry, UnitKind } from './unit-data';
import { UnitRegistry, UnknownUnitError } from './unit-registry';
import type { UnresolvedName } from './unit-registry';
import type { NameHolder } from './registry-errors';
import {
  GroupMembersFixed,
  UnitGroupNotFound,
  UnitNameTaken,
  UnitNotFound,
  UnitRegistryReplayError,
  UnresolvedMemberNames,
} from './registry-errors';

/** The one stream holding every run-time change to the unit registry. */
export const UNIT_REGISTRY_STREAM = 'unit-registry';

export const UNIT_ADDED = 'unit.added.v1';
export const UNIT_ALIAS_ADDED = 'unit.alias_added.v1';
export const UNIT_GROUP_MEMBERS_SET = 'unit.group_members_set.v1';

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
export interface SetGroupMembersData {
  /** The group's id (not an alias): 各产业集聚区. */
  readonly groupId: string;
  /** Unit ids or names (a group with known members stands for its units); at least one. */
  readonly members: readonly string[];
  /** Where the list comes from (a document, a decision of the office). */
  readonly note?: string;
}
export type SetGroupMembers = Command<'SetGroupMembers', SetGroupMembersData>;
export type UnitRegistryCommand = AddUnit | AddUnitAlias | SetGroupMembers;

// ------------------------------------------------------------------ events

/** data: the unit as a line of zhengzhou-units.json (normal form; absent fields left out). */
export type UnitAdded = DomainEvent<typeof UNIT_ADDED, UnitEntry>;
export type UnitAliasAdded = DomainEvent<typeof UNIT_ALIAS_ADDED, { readonly unitId: string; readonly alias: string }>;
export interface GroupMembersSetData {
  readonly groupId: string;
  /** The members from now on: unit ids, deduplicated, in the order given. */
  readonly members: readonly string[];
  /** The members before: unit ids, or null when they were unknown. */
  readonly previous: readonly string[] | null;
  readonly note?: string;
}
export type GroupMembersSet = DomainEvent<typeof UNIT_GROUP_MEMBERS_SET, GroupMembersSetData>;
export type UnitRegistryEvent = UnitAdded | UnitAliasAdded | GroupMembersSet;

export const UNIT_REGISTRY_EVENT_TYPES: readonly UnitRegistryEvent['type'][] = [UNIT_ADDED, UNIT_ALIAS_ADDED, UNIT_GROUP_MEMBERS_SET];

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
    case 'SetGroupMembers':
      return setGroupMembers(command, state);
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

function setGroupMembers(command: SetGroupMembers, registry: UnitRegistry): GroupMembersSet[] {
  const c = command.type;
  const d = (command.data ?? {}) as Partial<Record<keyof SetGroupMembersData, unknown>>;
  const groupId = requireName(c, 'groupId', d.groupId);
  const group = registry.getGroup(groupId);
  if (group === undefined) throw groupNotFound(c, groupId, registry);
  const source = registry.membersSource(groupId)!;
  if (source === 'category' || source === 'listed') throw new GroupMembersFixed(c, groupId, source, group.members ?? []);

  if (!Array.isArray(d.members)) throw new InvalidCommandData(c, 'members', 'must be a list of unit ids or names');
  if (d.members.length === 0) throw new InvalidCommandData(c, 'members', 'must name at least one unit (members cannot be set back to unknown)');
  if (d.note !== undefined && typeof d.note !== 'string') throw new InvalidCommandData(c, 'note', 'must be a string');
  const names = d.members.map((v: unknown, i) => requireName(c, `members[${i}]`, v));

  // Each name exactly, in the group's scope when it has one; a group stands for its units.
  const scope = group.scope === null ? {} : { scope: group.scope };
  const members: string[] = [];
  const unresolved: UnresolvedName[] = [];
  names.forEach((name, index) => {
    const written = (d.members as unknown[])[index] as string;
    const found = registry.lookup(name, scope);
    if (found === null) {
      unresolved.push({ name: written.trim(), index, reason: 'unknown' });
    } else if (found.type === 'unit') {
      if (!members.includes(found.unitId)) members.push(found.unitId);
    } else if (found.groupId === groupId) {
      throw new InvalidCommandData(c, `members[${index}]`, `"${written.trim()}" is the group itself`);
    } else if (found.members === null) {
      unresolved.push({ name: written.trim(), index, reason: 'group-members-unknown', groupId: found.groupId });
    } else {
      for (const id of found.members) if (!members.includes(id)) members.push(id);
    }
  });
  if (unresolved.length > 0) throw new UnresolvedMemberNames(c, groupId, unresolved);

  const previous = group.members;
  if (previous !== null && previous.length === members.length && members.every((id) => previous.includes(id))) return []; // the same units: nothing to record
  try {
    registry.withGroupMembers(groupId, members);
  } catch (err) {
    if (err instanceof UnitDataError) throw invalid(c, err);
    throw err;
  }
  const note = typeof d.note === 'string' && d.note.trim() !== '' ? { note: d.note } : {};
  return [{ type: UNIT_GROUP_MEMBERS_SET, data: { groupId, members, previous: previous === null ? null : [...previous], ...note } }];
}

/** 404 for a group id, naming the id when a group's name (or a unit) was given instead. */
function groupNotFound(command: string, name: string, registry: UnitRegistry): UnitGroupNotFound {
  const named = registry.groups.find((g) => g.aliases.includes(name) || g.localAliases.includes(name));
  if (named !== undefined) return new UnitGroupNotFound(command, name, named.id);
  const unit = registry.resolve(name);
  return new UnitGroupNotFound(command, name, undefined, unit?.unitId);
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
    case UNIT_GROUP_MEMBERS_SET: {
      const { groupId, members } = event.data;
      const source = state.membersSource(groupId);
      if (source === 'category' || source === 'listed') return state; // the seed defines them now: the seed wins
      return replay(event.type, () => state.withGroupMembers(groupId, members));
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
