/**
 * The unit registry: a tree of organisations and units (郑州市人民政府 with its
 * departments and the 16 开发区/县市/市内区, 郑州高新区 with its own departments,
 * 中共郑州市委 …), their aliases, and named groups of units.
 *
 * Resolution is exact: a name resolves when, in normal form (see
 * normalizeUnitName), it equals a unit id or alias; an unknown name is reported,
 * never guessed. Pure and immutable: `withUnit`/`withAlias`/`withGroupMembers`
 * return a new registry.
 */
import seededData from './zhengzhou-units.json';
import { LIST_SEPARATORS, UnitDataError, normalizeUnitName, validateUnitData } from './unit-data';
import type { Group, GroupEntry, NameTarget, Unit, UnitCategory, UnitEntry, UnitRegistryData, ValidatedUnitData } from './unit-data';

/** A unit id that the registry does not contain, given where an id is required. */
export class UnknownUnitError extends Error {
  constructor(readonly unitId: string) {
    super(`Unknown unit id "${unitId}" (resolve a name to an id first with resolve())`);
    this.name = 'UnknownUnitError';
  }
}

export interface ResolveOptions {
  /**
   * The unit in whose documents the name is written (e.g. "郑州高新区" for seed
   * 003, or the acting user's unit). Local aliases of that unit's children and of
   * each ancestor's children are tried first, nearest first, then the global names.
   * An unknown scope throws {@link UnknownUnitError}.
   */
  readonly scope?: string;
}

export type ResolvedVia = 'id' | 'alias' | 'local-alias';

/**
 * Where a group's members come from:
 * - 'category': the units whose ranking group is the group's category (开发区 / 县市 / 市内区): fixed by definition;
 * - 'listed':   listed in the registry data (市内五区, 各开发区、区县(市) …): fixed by definition;
 * - 'unknown':  the data names the group without its members (`"members": null`) and nobody has set them;
 * - 'set':      the data leaves them open and they were set since (`withGroupMembers`, i.e. SetGroupMembers).
 * Only 'unknown' and 'set' groups may be given members (see {@link UnitRegistry.membersSettable}).
 */
export type GroupMembersSource = 'category' | 'listed' | 'unknown' | 'set';

export interface ResolvedUnit {
  readonly unitId: string;
  readonly via: ResolvedVia;
}

/** What a name stands for: a unit, or a group (members null when the seeds never define them). */
export type NameLookup =
  | { readonly type: 'unit'; readonly unitId: string; readonly via: ResolvedVia }
  | { readonly type: 'group'; readonly groupId: string; readonly members: readonly string[] | null; readonly via: ResolvedVia };

export type UnresolvedReason =
  /** No unit or group has this name (also not with the carried 市 prefix). */
  | 'unknown'
  /** A group name the registry knows, whose members the seeds never list. */
  | 'group-members-unknown'
  /** With the carried prefix the name matches two different units (市委X and 市X). */
  | 'ambiguous';

export interface UnresolvedName {
  /** The item as written (trimmed). */
  readonly name: string;
  /** 0-based position of the item in the list (empty items are skipped; a group name containing 、 counts once). */
  readonly index: number;
  readonly reason: UnresolvedReason;
  /** For 'group-members-unknown': the group's id. */
  readonly groupId?: string;
  /** For 'ambiguous': the candidate unit ids. */
  readonly candidates?: readonly string[];
}

export type ResolvedListItem =
  | { readonly kind: 'unit'; readonly index: number; readonly name: string; readonly unitId: string; readonly via: ResolvedVia | 'carried-prefix' }
  | { readonly kind: 'group'; readonly index: number; readonly name: string; readonly groupId: string; readonly unitIds: readonly string[] }
  | ({ readonly kind: 'unresolved' } & UnresolvedName);

export interface ResolvedList {
  /** Unit ids, groups expanded, deduplicated, in order of first mention. */
  readonly units: readonly string[];
  readonly unresolved: readonly UnresolvedName[];
  /** One entry per list item, for display and audit. */
  readonly items: readonly ResolvedListItem[];
}

interface Piece {
  /** Raw text of the piece (untrimmed). */
  readonly raw: string;
  readonly start: number;
  readonly end: number;
}

const OPEN = new Set(['(', '（']);
const CLOSE = new Set([')', '）']);
/** Trailing punctuation that ends a list in the documents ("…、航空港实验区税务局。"). */
const TRAILING_PUNCTUATION = /[。.]+$/;

/** Splits on list separators outside parentheses; keeps offsets into the text. */
function splitTopLevel(text: string): Piece[] {
  const pieces: Piece[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (OPEN.has(ch)) depth++;
    else if (CLOSE.has(ch) && depth > 0) depth--;
    else if (depth === 0 && LIST_SEPARATORS.has(ch)) {
      pieces.push({ raw: text.slice(start, i), start, end: i });
      start = i + 1;
    }
  }
  pieces.push({ raw: text.slice(start), start, end: text.length });
  return pieces;
}

/** The prefixes a bare list item may inherit from the unit before it ("市财政局、编办" → 市编办). */
function carriedPrefixes(previousUnitId: string): readonly string[] {
  if (previousUnitId.startsWith('市委')) return ['市委', '市'];
  if (previousUnitId.startsWith('市')) return ['市'];
  return [];
}

export class UnitRegistry {
  private static seededRegistry: UnitRegistry | undefined;

  private readonly byId: ReadonlyMap<string, Unit>;
  private readonly groupById: ReadonlyMap<string, Group>;
  private readonly childIds: ReadonlyMap<string, readonly string[]>;

  /**
   * @param openGroups ids of the groups whose members the data this registry was
   *   first built from leaves open (`"members": null`); carried unchanged through
   *   `withUnit` / `withAlias` / `withGroupMembers`, so a group whose members were
   *   set at run time stays settable, and a group the data defines never is.
   */
  private constructor(
    private readonly data: ValidatedUnitData,
    private readonly openGroups: ReadonlySet<string>,
  ) {
    this.byId = new Map(data.units.map((u) => [u.id, u]));
    this.groupById = new Map(data.groups.map((g) => [g.id, g]));
    const children = new Map<string, string[]>();
    for (const u of data.units) {
      if (u.parent === null) continue;
      const list = children.get(u.parent) ?? [];
      list.push(u.id);
      children.set(u.parent, list);
    }
    this.childIds = children;
  }

  /** Builds a registry from raw (parsed JSON) data; throws {@link UnitDataError} naming the bad entry. */
  static fromData(json: unknown): UnitRegistry {
    const data = validateUnitData(json);
    return new UnitRegistry(data, new Set(data.groups.filter((g) => g.category === null && g.declaredMembers === null).map((g) => g.id)));
  }

  /** The registry shipped in zhengzhou-units.json (validated once, then shared: it is immutable). */
  static seeded(): UnitRegistry {
    UnitRegistry.seededRegistry ??= UnitRegistry.fromData(seededData);
    return UnitRegistry.seededRegistry;
  }

  // ---------------------------------------------------------------- reading

  /** All units, in data order. */
  get units(): readonly Unit[] {
    return this.data.units;
  }

  /** All named groups, in data order. */
  get groups(): readonly Group[] {
    return this.data.groups;
  }

  /** The unit with this exact id, or undefined like Map#get (aliases are not accepted here: see resolve()). */
  get(unitId: string): Unit | undefined {
    return this.byId.get(unitId);
  }

  has(unitId: string): boolean {
    return this.byId.has(unitId);
  }

  /** Ids of the unit's direct children, in data order. */
  children(unitId: string): readonly string[] {
    this.require(unitId);
    return this.childIds.get(unitId) ?? [];
  }

  /** Ids of the unit's ancestors, nearest first (parent, grandparent, …, root). */
  ancestors(unitId: string): readonly string[] {
    const result: string[] = [];
    let current = this.require(unitId).parent;
    while (current !== null) {
      result.push(current);
      current = this.byId.get(current)!.parent;
    }
    return result;
  }

  /** The ranking group of one of the 16 responsible units ('开发区' | '县市' | '市内区'), else null. */
  groupOf(unitId: string): UnitCategory | null {
    return this.require(unitId).group;
  }

  // ---------------------------------------------------------------- resolving

  /** What a name stands for (unit or group), or null. Exact after normalisation; never guesses. */
  lookup(name: string, options: ResolveOptions = {}): NameLookup | null {
    const key = normalizeUnitName(name);
    if (key === '') return null;
    const target = this.lookupKey(key, options.scope);
    if (target === undefined) return null;
    if (target.type === 'unit') return { type: 'unit', unitId: target.id, via: target.via };
    return { type: 'group', groupId: target.id, members: this.groupById.get(target.id)!.members, via: target.via };
  }

  /** The unit a name (id or alias) stands for, or null; group names resolve to null (see membersOf). */
  resolve(name: string, options: ResolveOptions = {}): ResolvedUnit | null {
    const found = this.lookup(name, options);
    return found?.type === 'unit' ? { unitId: found.unitId, via: found.via } : null;
  }

  /** The group a name stands for (id or alias), or null. */
  group(groupName: string, options: ResolveOptions = {}): Group | null {
    const found = this.lookup(groupName, options);
    return found?.type === 'group' ? this.groupById.get(found.groupId)! : null;
  }

  /** The group with this exact id (aliases are not accepted here: see group()), or undefined. */
  getGroup(groupId: string): Group | undefined {
    return this.groupById.get(groupId);
  }

  /**
   * Where the members of the group with this id come from (see {@link GroupMembersSource});
   * undefined for an id that is not a group's.
   */
  membersSource(groupId: string): GroupMembersSource | undefined {
    const group = this.groupById.get(groupId);
    if (group === undefined) return undefined;
    if (this.openGroups.has(groupId)) return group.members === null ? 'unknown' : 'set';
    return group.category !== null ? 'category' : 'listed';
  }

  /**
   * Whether the group's members may be set (withGroupMembers / SetGroupMembers):
   * only when the registry data names the group without its members. Groups
   * defined by a ranking category or by a member list are fixed by definition.
   */
  membersSettable(groupId: string): boolean {
    return this.openGroups.has(groupId);
  }

  /** The unit ids of a named group, or null when the name is not a group or its members are unknown. */
  membersOf(groupName: string, options: ResolveOptions = {}): readonly string[] | null {
    return this.group(groupName, options)?.members ?? null;
  }

  /**
   * Resolves a written list of units such as "市财政局、编办、市人社局" or
   * "市工信局、市人社局，各开发区、区县(市)".
   *
   * - Items are separated by 、，,；; outside parentheses ("各县（市、区）" is one
   *   item); a group whose name contains 、 ("各开发区、区县(市)") is recognised
   *   before splitting it.
   * - Group names expand into their members.
   * - The 市 prefix carries over the list: a bare item that is not itself a name
   *   ("编办") is read as 市+item ("市编办") when the item before it resolved to a
   *   市 unit (an id starting with 市; after a 市委 unit, 市委+item is tried too).
   *   A group, an unresolved item or a non-市 unit stops the carry.
   * - An unknown name is reported with its index, never guessed.
   */
  resolveList(text: string, options: ResolveOptions = {}): ResolvedList {
    const scope = options.scope;
    if (scope !== undefined) this.require(scope);
    const pieces = splitTopLevel(text)
      .map((p) => {
        const trimmed = p.raw.trim().replace(TRAILING_PUNCTUATION, '').trim();
        const lead = p.raw.indexOf(trimmed);
        return { name: trimmed, key: normalizeUnitName(trimmed), start: p.start + lead, end: p.start + lead + trimmed.length };
      })
      .filter((p) => p.key !== '');

    const items: ResolvedListItem[] = [];
    const units: string[] = [];
    const unresolved: UnresolvedName[] = [];
    const addUnits = (ids: readonly string[]): void => {
      for (const id of ids) if (!units.includes(id)) units.push(id);
    };
    const report = (entry: UnresolvedName): void => {
      unresolved.push(entry);
      items.push({ kind: 'unresolved', ...entry });
    };

    let carryFrom: string | null = null;
    let index = 0;
    for (let i = 0; i < pieces.length; index++) {
      // A name with separators inside (各开发区、区县(市)): try the longest span first.
      let span = 1;
      let target: NameTarget | undefined;
      for (let n = Math.min(pieces.length - i, this.data.maxSeparatorsInName + 1); n >= 2 && target === undefined; n--) {
        const joined = pieces
          .slice(i, i + n)
          .map((p) => p.key)
          .join('、');
        target = this.lookupKey(joined, scope);
        if (target !== undefined) span = n;
      }
      target ??= this.lookupKey(pieces[i]!.key, scope);
      const first = pieces[i]!;
      const last = pieces[i + span - 1]!;
      const name = span === 1 ? first.name : text.slice(first.start, last.end).trim();
      const key = first.key;
      i += span;

      const previous = carryFrom;
      carryFrom = null;
      if (target?.type === 'group') {
        const group = this.groupById.get(target.id)!;
        if (group.members === null) {
          report({ name, index, reason: 'group-members-unknown', groupId: group.id });
        } else {
          items.push({ kind: 'group', index, name, groupId: group.id, unitIds: group.members });
          addUnits(group.members);
        }
        continue;
      }
      if (target?.type === 'unit') {
        items.push({ kind: 'unit', index, name, unitId: target.id, via: target.via });
        addUnits([target.id]);
        if (target.id.startsWith('市')) carryFrom = target.id;
        continue;
      }

      // Not a name by itself: try the 市 prefix carried from the unit before it.
      const candidates: string[] = [];
      if (previous !== null && !key.startsWith('市')) {
        for (const prefix of carriedPrefixes(previous)) {
          const carried = this.lookupKey(prefix + key, scope);
          if (carried?.type === 'unit' && !candidates.includes(carried.id)) candidates.push(carried.id);
        }
      }
      if (candidates.length === 1) {
        const unitId = candidates[0]!;
        items.push({ kind: 'unit', index, name, unitId, via: 'carried-prefix' });
        addUnits([unitId]);
        carryFrom = unitId;
      } else if (candidates.length > 1) {
        report({ name, index, reason: 'ambiguous', candidates });
      } else {
        report({ name, index, reason: 'unknown' });
      }
    }
    return { units, unresolved, items };
  }

  // ---------------------------------------------------------------- changing (immutable)

  /**
   * The registry's data as plain JSON (the format fromData reads). Members set
   * at run time (withGroupMembers) are written as the group's member list, so
   * `fromData(toData())` holds them as a data file would: fixed, no longer settable.
   */
  toData(): UnitRegistryData {
    const unit = (u: Unit): UnitEntry => ({
      id: u.id,
      kind: u.kind,
      parent: u.parent,
      ...(u.group !== null ? { group: u.group } : {}),
      ...(u.aliases.length > 0 ? { aliases: [...u.aliases] } : {}),
      ...(u.localAliases.length > 0 ? { localAliases: [...u.localAliases] } : {}),
      ...(u.note !== undefined ? { note: u.note } : {}),
    });
    const group = (g: Group): GroupEntry => ({
      id: g.id,
      ...(g.scope !== null ? { scope: g.scope } : {}),
      ...(g.category !== null ? { category: g.category } : { members: g.declaredMembers === null ? null : [...g.declaredMembers] }),
      ...(g.aliases.length > 0 ? { aliases: [...g.aliases] } : {}),
      ...(g.localAliases.length > 0 ? { localAliases: [...g.localAliases] } : {}),
      ...(g.note !== undefined ? { note: g.note } : {}),
    });
    return {
      ...(this.data.description !== undefined ? { description: this.data.description } : {}),
      units: this.data.units.map(unit),
      groups: this.data.groups.map(group),
    };
  }

  /** A new registry with one more unit (validated like the data file: unique names, known parent). */
  withUnit(unit: UnitEntry): UnitRegistry {
    const data = this.toData();
    return this.rebuilt({ ...data, units: [...data.units, unit] });
  }

  /**
   * A new registry where the group `groupId` has exactly these members (unit
   * ids, in this order). Only for a group whose members the registry data
   * leaves open ({@link membersSettable}): a group defined by a ranking
   * category or a member list is fixed. Throws {@link UnitDataError} naming the
   * group (unknown group, fixed group, empty list, a member listed twice or not
   * a unit id).
   */
  withGroupMembers(groupId: string, unitIds: readonly string[]): UnitRegistry {
    const position = this.data.groups.findIndex((g) => g.id === groupId);
    if (position < 0) throw new UnitDataError('groups', groupId, `no group has the id "${groupId}"`);
    const path = `groups[${position}].members`;
    const source = this.membersSource(groupId);
    if (source === 'category' || source === 'listed') {
      throw new UnitDataError(path, groupId, `the members of this group are fixed by the registry data (${source === 'category' ? 'its ranking category' : 'its member list'})`);
    }
    if (unitIds.length === 0) throw new UnitDataError(path, groupId, 'a group given members needs at least one');
    unitIds.forEach((id, j) => {
      if (!this.byId.has(id)) throw new UnitDataError(`${path}[${j}]`, groupId, `member "${id}" is not a unit id`);
    });
    const data = this.toData();
    return this.rebuilt({
      ...data,
      groups: (data.groups ?? []).map((g) => (g.id === groupId ? { ...g, members: [...unitIds] } : g)),
    });
  }

  /**
   * A new registry where `unitId` also answers to `alias` (a global alias). The
   * alias is stored in normal form; it must not already name any unit or group.
   */
  withAlias(unitId: string, alias: string): UnitRegistry {
    this.require(unitId);
    const normal = normalizeUnitName(alias);
    const path = `units[${this.unitPosition(unitId)}].aliases`;
    if (normal === '') throw new UnitDataError(path, unitId, 'an alias must not be empty');
    const taken = this.data.globalNames.get(normal);
    if (taken !== undefined) {
      const holder =
        taken.type === 'unit'
          ? `units[${this.unitPosition(taken.id)}] ("${taken.id}")`
          : `groups[${this.data.groups.findIndex((g) => g.id === taken.id)}] ("${taken.id}")`;
      throw new UnitDataError(path, unitId, `alias "${normal}" is already used by ${holder}`);
    }
    const data = this.toData();
    return this.rebuilt({
      ...data,
      units: data.units.map((u) => (u.id === unitId ? { ...u, aliases: [...(u.aliases ?? []), normal] } : u)),
    });
  }

  // ---------------------------------------------------------------- internals

  /** A registry of changed data that keeps which groups are open (see the constructor). */
  private rebuilt(json: UnitRegistryData): UnitRegistry {
    return new UnitRegistry(validateUnitData(json), this.openGroups);
  }

  private unitPosition(unitId: string): number {
    return this.data.units.findIndex((u) => u.id === unitId);
  }

  private require(unitId: string): Unit {
    const unit = this.byId.get(unitId);
    if (unit === undefined) throw new UnknownUnitError(unitId);
    return unit;
  }

  /** Local names of the scope and each ancestor (nearest first), then global names. */
  private lookupKey(key: string, scope: string | undefined): NameTarget | undefined {
    if (scope !== undefined) {
      for (const at of [this.require(scope).id, ...this.ancestors(scope)]) {
        const hit = this.data.localNames.get(at)?.get(key);
        if (hit !== undefined) return hit;
      }
    }
    return this.data.globalNames.get(key);
  }
}
