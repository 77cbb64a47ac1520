/**
 * The unit registry: Zhengzhou's organisations and units as a tree, their
 * aliases and named groups, and exact (never fuzzy) name resolution.
 * Pure code: no I/O beyond the bundled JSON (zhengzhou-units.json).
 */
export { LIST_SEPARATORS, UNIT_CATEGORIES, UNIT_KINDS, UnitDataError, normalizeUnitName } from './unit-data';
export type { Group, GroupEntry, Unit, UnitCategory, UnitEntry, UnitKind, UnitRegistryData } from './unit-data';
export { UnitRegistry, UnknownUnitError } from './unit-registry';
export type {
  NameLookup,
  ResolveOptions,
  ResolvedList,
  ResolvedListItem,
  ResolvedUnit,
  ResolvedVia,
  UnresolvedName,
  UnresolvedReason,
} from './unit-registry';
