/**
 * The unit registry: Zhengzhou's organisations and units as a tree, their
 * aliases and named groups, and exact (never fuzzy) name resolution.
 * Pure code: no I/O beyond the bundled JSON (zhengzhou-units.json).
 */
export { LIST_SEPARATORS, UNIT_CATEGORIES, UNIT_KINDS, UnitDataError, normalizeUnitName } from './unit-data';
export type { Group, GroupEntry, Unit, UnitCategory, UnitEntry, UnitKind, UnitRegistryData } from './unit-data';
export { UnitRegistry, UnknownUnitError } from './unit-registry';
export type {
  GroupMembersSource,
  NameLookup,
  ResolveOptions,
  ResolvedList,
  ResolvedListItem,
  ResolvedUnit,
  ResolvedVia,
  UnresolvedName,
  UnresolvedReason,
} from './unit-registry';
// Run-time additions (admin): the `unit-registry` stream's decider and its refusals.
export {
  UNIT_ADDED,
  UNIT_ALIAS_ADDED,
  UNIT_GROUP_MEMBERS_SET,
  UNIT_REGISTRY_EVENT_TYPES,
  UNIT_REGISTRY_STREAM,
  decideUnitRegistry,
  evolveUnitRegistry,
  initialUnitRegistryState,
  isUnitRegistryEventType,
  unitRegistryDecider,
} from './registry-decider';
export type {
  AddUnit,
  AddUnitAlias,
  AddUnitData,
  GroupMembersSet,
  GroupMembersSetData,
  SetGroupMembers,
  SetGroupMembersData,
  UnitAdded,
  UnitAliasAdded,
  UnitRegistryCommand,
  UnitRegistryEvent,
} from './registry-decider';
export { GroupMembersFixed, UnitGroupNotFound, UnitNameTaken, UnitNotFound, UnitRegistryReplayError, UnresolvedMemberNames } from './registry-errors';
export type { NameHolder } from './registry-errors';
