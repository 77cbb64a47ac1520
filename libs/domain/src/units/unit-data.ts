/**
 * The unit registry data format, name normalisation, and validation.
 *
 * Shape (see zhengzhou-units.json):
 * {
 *   "description": "...",                       // optional
 *   "units": [
 *     { "id": "市自然资源规划局", "kind": "department", "parent": "郑州市人民政府",
 *       "aliases": ["市资源规划局", "市资划局"] },
 *     { "id": "郑州高新区市场监管局", "kind": "department", "parent": "郑州高新区",
 *       "localAliases": ["市场监管局", "市场监督管理局"] },
 *     { "id": "中牟县", "kind": "county", "parent": "郑州市人民政府", "group": "县市" }
 *   ],
 *   "groups": [
 *     { "id": "县市", "category": "县市", "aliases": ["六县市"] },         // the units whose group is 县市
 *     { "id": "市内五区", "members": ["中原区", "二七区", ...] },          // explicit members
 *     { "id": "各开发区、区县(市)", "members": ["开发区", "县市", "市内区"] }, // members may be groups
 *     { "id": "各产业集聚区", "members": null }                            // named, members unknown
 *   ]
 * }
 *
 * - `parent` is required on every unit (null for a root: the registry is a forest
 *   of organisations, 郑州市人民政府 and 中共郑州市委 being the main roots).
 * - `aliases` are global: they resolve anywhere.
 * - `localAliases` of a unit are valid only inside its parent (resolution with a
 *   `scope` at or below the parent); `localAliases` of a group only inside its
 *   `scope`. A local alias may shadow a global name there (inside 郑州高新区,
 *   市场监督管理局 is the zone's bureau, elsewhere the city's).
 * - Ids and names are written in normal form (see {@link normalizeUnitName}):
 *   half-width parentheses and no whitespace.
 * - All global names (unit ids and aliases, group ids and aliases) are distinct;
 *   local names are distinct within their scope.
 */

/** The three ranking groups of the 16 responsible units (seed 000 附件). */
export const UNIT_CATEGORIES = ['开发区', '县市', '市内区'] as const;
export type UnitCategory = (typeof UNIT_CATEGORIES)[number];

export const UNIT_KINDS = [
  /** 郑州市人民政府 */
  'government',
  /** 中共郑州市委 */
  'party-committee',
  /** other roots: 人大常委会, 政协, 法院, 检察院, 警备区 */
  'organisation',
  /** 办公厅 */
  'office',
  /** a division of an office: 市政府办公厅四处, 市委督查室 */
  'division',
  /** a working department (局, 委, 办, 部) */
  'department',
  /** vertically managed agencies: the tax bureaus */
  'vertical-agency',
  /** companies: 郑州供电公司, 郑州市自来水公司 … */
  'enterprise',
  /** the 4 开发区 */
  'development-zone',
  /** the 6 县市 (county-level cities and 中牟县) */
  'county',
  /** the 6 市内区 */
  'district',
  /** centres of a zone: 政务服务中心, 园区运营中心 … */
  'centre',
  /** 办事处 */
  'sub-district',
  /** 工作专班 */
  'task-force',
] as const;
export type UnitKind = (typeof UNIT_KINDS)[number];

/** One unit as written in the data file (and as given to `withUnit`). */
export interface UnitEntry {
  readonly id: string;
  readonly kind: UnitKind;
  /** The organisation the unit belongs to; null for a root. */
  readonly parent: string | null;
  /** Ranking group, for the 16 responsible units only. */
  readonly group?: UnitCategory | null;
  readonly aliases?: readonly string[];
  /** Names valid only inside the parent organisation (e.g. 创新发展局 inside 郑州高新区). */
  readonly localAliases?: readonly string[];
  readonly note?: string;
}

/** One named group as written in the data file. */
export interface GroupEntry {
  readonly id: string;
  /** Where the group's local aliases are valid (a unit id); null/absent for a global group. */
  readonly scope?: string | null;
  /** Members = the units whose `group` is this category (in data order). Excludes `members`. */
  readonly category?: UnitCategory;
  /** Unit ids and/or group ids; null when the seeds name the group but never its members. */
  readonly members?: readonly string[] | null;
  readonly aliases?: readonly string[];
  readonly localAliases?: readonly string[];
  readonly note?: string;
}

export interface UnitRegistryData {
  readonly description?: string;
  readonly units: readonly UnitEntry[];
  readonly groups?: readonly GroupEntry[];
}

/**
 * The registry data is malformed. `path` points at the entry (`units[12]`,
 * `groups[3].members[1]`), `entry` is the id of the offending unit or group
 * when it has one.
 */
export class UnitDataError extends Error {
  constructor(
    readonly path: string,
    readonly entry: string | null,
    detail: string,
  ) {
    super(`Invalid unit registry data at ${path}${entry === null ? '' : ` ("${entry}")`}: ${detail}`);
    this.name = 'UnitDataError';
  }
}

const FULL_WIDTH_DIGIT = /[\uFF10-\uFF19]/g;
const WHITESPACE = /[\s\u3000\u200B\uFEFF]+/g;

/**
 * Normal form of a unit or group name: full-width parentheses （） become
 * half-width (), full-width digits become ASCII digits, and all whitespace is
 * removed (Chinese unit names never contain whitespace; text extracted from PDFs
 * does, e.g. "各开发区、区县 (市)" or a line break inside "市资\n源规划局").
 * Nothing else is changed: this is not fuzzy matching.
 */
export function normalizeUnitName(name: string): string {
  return name
    .replace(WHITESPACE, '')
    .replace(/（/g, '(')
    .replace(/）/g, ')')
    .replace(FULL_WIDTH_DIGIT, (d) => String.fromCharCode(d.charCodeAt(0) - 0xfee0));
}

/** A validated unit (immutable). */
export interface Unit {
  readonly id: string;
  readonly kind: UnitKind;
  readonly parent: string | null;
  readonly group: UnitCategory | null;
  readonly aliases: readonly string[];
  readonly localAliases: readonly string[];
  readonly note?: string;
}

/** A validated group (immutable); `members` are expanded unit ids, or null when unknown. */
export interface Group {
  readonly id: string;
  readonly scope: string | null;
  readonly category: UnitCategory | null;
  /** Expanded, deduplicated unit ids in order; null when the members are unknown. */
  readonly members: readonly string[] | null;
  /** As written in the data: unit and group ids (empty for a category group or unknown members). */
  readonly declaredMembers: readonly string[] | null;
  readonly aliases: readonly string[];
  readonly localAliases: readonly string[];
  readonly note?: string;
}

/** What a name stands for in one name table. */
export type NameTarget =
  | { readonly type: 'unit'; readonly id: string; readonly via: 'id' | 'alias' | 'local-alias' }
  | { readonly type: 'group'; readonly id: string; readonly via: 'id' | 'alias' | 'local-alias' };

export interface ValidatedUnitData {
  readonly description: string | undefined;
  readonly units: readonly Unit[];
  readonly groups: readonly Group[];
  /** Global names (normal form) → target. */
  readonly globalNames: ReadonlyMap<string, NameTarget>;
  /** Scope unit id → local names (normal form) → target. */
  readonly localNames: ReadonlyMap<string, ReadonlyMap<string, NameTarget>>;
  /** Largest number of top-level separators (、) in any name: how far list items may need merging. */
  readonly maxSeparatorsInName: number;
}

const UNIT_KEYS = new Set(['id', 'kind', 'parent', 'group', 'aliases', 'localAliases', 'note']);
const GROUP_KEYS = new Set(['id', 'scope', 'category', 'members', 'aliases', 'localAliases', 'note']);
const ROOT_KEYS = new Set(['description', 'units', 'groups']);

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  return value === undefined ? 'undefined' : JSON.stringify(value);
}

/** Characters that separate the items of a unit list. */
export const LIST_SEPARATORS: ReadonlySet<string> = new Set(['、', '，', ',', '；', ';']);

/** Separators counted outside parentheses (a "、" inside "(市、区)" does not split a list). */
export function topLevelSeparatorCount(name: string): number {
  let depth = 0;
  let count = 0;
  for (const ch of name) {
    if (ch === '(' || ch === '（') depth++;
    else if ((ch === ')' || ch === '）') && depth > 0) depth--;
    else if (depth === 0 && LIST_SEPARATORS.has(ch)) count++;
  }
  return count;
}

/** Reads a name field (id or alias): a non-empty string already in normal form. */
function readName(value: unknown, path: string, entry: string | null, what: string): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new UnitDataError(path, entry, `${what} must be a non-empty string, got ${describe(value)}`);
  }
  const normal = normalizeUnitName(value);
  if (normal !== value) {
    throw new UnitDataError(
      path,
      entry,
      `${what} ${describe(value)} must be written in normal form ${describe(normal)} (half-width parentheses, no whitespace)`,
    );
  }
  return value;
}

function readNameList(raw: Record<string, unknown>, field: string, path: string, entry: string): string[] {
  const value = raw[field];
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new UnitDataError(`${path}.${field}`, entry, `expected an array of names, got ${describe(value)}`);
  return value.map((item: unknown, i) => readName(item, `${path}.${field}[${i}]`, entry, field === 'aliases' ? 'alias' : 'local alias'));
}

function readNote(raw: Record<string, unknown>, path: string, entry: string): string | undefined {
  if (raw.note === undefined) return undefined;
  if (typeof raw.note !== 'string') throw new UnitDataError(`${path}.note`, entry, `note must be a string, got ${describe(raw.note)}`);
  return raw.note;
}

function checkKeys(raw: Record<string, unknown>, allowed: ReadonlySet<string>, path: string, entry: string | null): void {
  for (const key of Object.keys(raw)) {
    if (!allowed.has(key)) {
      throw new UnitDataError(path, entry, `unknown field "${key}" (allowed: ${[...allowed].join(', ')})`);
    }
  }
}

function readCategory(value: unknown, path: string, entry: string): UnitCategory {
  if (!(UNIT_CATEGORIES as readonly unknown[]).includes(value)) {
    throw new UnitDataError(path, entry, `expected one of ${UNIT_CATEGORIES.join(', ')}, got ${describe(value)}`);
  }
  return value as UnitCategory;
}

/** Validates raw (parsed JSON) registry data and indexes it; throws {@link UnitDataError}. */
export function validateUnitData(raw: unknown): ValidatedUnitData {
  if (!isPlainObject(raw)) throw new UnitDataError('(root)', null, 'expected a JSON object with "units" and "groups"');
  checkKeys(raw, ROOT_KEYS, '(root)', null);
  if (raw.description !== undefined && typeof raw.description !== 'string') {
    throw new UnitDataError('description', null, 'must be a string');
  }
  if (!Array.isArray(raw.units)) throw new UnitDataError('units', null, 'expected an array of units');
  if (raw.groups !== undefined && !Array.isArray(raw.groups)) throw new UnitDataError('groups', null, 'expected an array of groups');

  // ---- units: shape ----
  const units: Unit[] = [];
  const unitIndex = new Map<string, number>();
  (raw.units as unknown[]).forEach((item, i) => {
    const path = `units[${i}]`;
    if (!isPlainObject(item)) throw new UnitDataError(path, null, 'expected an object { id, kind, parent, ... }');
    const id = readName(item.id, `${path}.id`, null, 'id');
    checkKeys(item, UNIT_KEYS, path, id);
    const previous = unitIndex.get(id);
    if (previous !== undefined) throw new UnitDataError(path, id, `duplicate unit id (already units[${previous}])`);
    if (!(UNIT_KINDS as readonly unknown[]).includes(item.kind)) {
      throw new UnitDataError(`${path}.kind`, id, `expected one of ${UNIT_KINDS.join(', ')}, got ${describe(item.kind)}`);
    }
    if (!('parent' in item)) throw new UnitDataError(path, id, 'parent is required (null for a root organisation)');
    const parent = item.parent === null ? null : readName(item.parent, `${path}.parent`, id, 'parent');
    if (parent === id) throw new UnitDataError(`${path}.parent`, id, 'a unit cannot be its own parent');
    const group = item.group === undefined || item.group === null ? null : readCategory(item.group, `${path}.group`, id);
    const aliases = readNameList(item, 'aliases', path, id);
    const localAliases = readNameList(item, 'localAliases', path, id);
    if (localAliases.length > 0 && parent === null) {
      throw new UnitDataError(`${path}.localAliases`, id, 'a root has no parent organisation for its local aliases to be valid in');
    }
    const note = readNote(item, path, id);
    unitIndex.set(id, i);
    units.push(
      Object.freeze({
        id,
        kind: item.kind as UnitKind,
        parent,
        group,
        aliases: Object.freeze(aliases),
        localAliases: Object.freeze(localAliases),
        ...(note !== undefined ? { note } : {}),
      }),
    );
  });

  // ---- groups: shape ----
  const rawGroups = (raw.groups as unknown[] | undefined) ?? [];
  const groupIndex = new Map<string, number>();
  type DraftGroup = Omit<Group, 'members'>;
  const drafts: DraftGroup[] = [];
  rawGroups.forEach((item, i) => {
    const path = `groups[${i}]`;
    if (!isPlainObject(item)) throw new UnitDataError(path, null, 'expected an object { id, members | category, ... }');
    const id = readName(item.id, `${path}.id`, null, 'id');
    checkKeys(item, GROUP_KEYS, path, id);
    const previous = groupIndex.get(id);
    if (previous !== undefined) throw new UnitDataError(path, id, `duplicate group id (already groups[${previous}])`);
    const scope = item.scope === undefined || item.scope === null ? null : readName(item.scope, `${path}.scope`, id, 'scope');
    const hasCategory = item.category !== undefined;
    const hasMembers = 'members' in item;
    if (hasCategory === hasMembers) {
      throw new UnitDataError(
        path,
        id,
        'needs exactly one of "category" (members = the units of that ranking group) or "members" (an array, or null when the members are unknown)',
      );
    }
    const category = hasCategory ? readCategory(item.category, `${path}.category`, id) : null;
    let declaredMembers: string[] | null = null;
    if (hasMembers && item.members !== null) {
      if (!Array.isArray(item.members) || item.members.length === 0) {
        throw new UnitDataError(`${path}.members`, id, `expected a non-empty array of unit or group ids, or null, got ${describe(item.members)}`);
      }
      declaredMembers = [];
      for (const [j, member] of (item.members as unknown[]).entries()) {
        const name = readName(member, `${path}.members[${j}]`, id, 'member');
        if (declaredMembers.includes(name)) throw new UnitDataError(`${path}.members[${j}]`, id, `member "${name}" is listed twice`);
        declaredMembers.push(name);
      }
    }
    const aliases = readNameList(item, 'aliases', path, id);
    const localAliases = readNameList(item, 'localAliases', path, id);
    if (localAliases.length > 0 && scope === null) {
      throw new UnitDataError(`${path}.localAliases`, id, 'local aliases need a "scope" (the unit inside which they are valid)');
    }
    const note = readNote(item, path, id);
    groupIndex.set(id, i);
    drafts.push({
      id,
      scope,
      category,
      declaredMembers: declaredMembers === null ? null : Object.freeze(declaredMembers),
      aliases: Object.freeze(aliases),
      localAliases: Object.freeze(localAliases),
      ...(note !== undefined ? { note } : {}),
    });
  });

  // ---- global names: ids first, then group aliases, then unit aliases, so a clash is
  // reported at the alias, and a unit added at the end (withUnit) is the one blamed ----
  const globalNames = new Map<string, NameTarget>();
  const owner = new Map<string, string>(); // name → description of who holds it
  const claim = (name: string, target: NameTarget, path: string, entry: string, holder: string, what: string): void => {
    const held = owner.get(name);
    if (held !== undefined) throw new UnitDataError(path, entry, `${what} "${name}" is already used by ${held}`);
    owner.set(name, holder);
    globalNames.set(name, target);
  };
  units.forEach((u, i) => {
    claim(u.id, { type: 'unit', id: u.id, via: 'id' }, `units[${i}].id`, u.id, `units[${i}] ("${u.id}")`, 'id');
  });
  drafts.forEach((g, i) => {
    claim(g.id, { type: 'group', id: g.id, via: 'id' }, `groups[${i}].id`, g.id, `groups[${i}] ("${g.id}")`, 'id');
  });
  drafts.forEach((g, i) =>
    g.aliases.forEach((a, j) =>
      claim(a, { type: 'group', id: g.id, via: 'alias' }, `groups[${i}].aliases[${j}]`, g.id, `groups[${i}] ("${g.id}")`, 'alias'),
    ),
  );
  units.forEach((u, i) =>
    u.aliases.forEach((a, j) =>
      claim(a, { type: 'unit', id: u.id, via: 'alias' }, `units[${i}].aliases[${j}]`, u.id, `units[${i}] ("${u.id}")`, 'alias'),
    ),
  );

  /** Points at the id when `name` is only an alias, to make reference errors actionable. */
  const hint = (name: string): string => {
    const target = globalNames.get(name);
    return target !== undefined && target.via === 'alias' ? `; "${name}" is an alias of "${target.id}", use the id` : '';
  };

  // ---- parents exist, no cycles ----
  units.forEach((u, i) => {
    if (u.parent !== null && !unitIndex.has(u.parent)) {
      throw new UnitDataError(`units[${i}].parent`, u.id, `parent "${u.parent}" is not a unit id${hint(u.parent)}`);
    }
  });
  const acyclic = new Set<string>();
  units.forEach((u) => {
    const chain: string[] = [u.id];
    let current = u.parent;
    while (current !== null && !acyclic.has(current)) {
      if (chain.includes(current)) {
        // Report at the cycle's first member in data order, starting the cycle there.
        const members = chain.slice(chain.indexOf(current));
        const first = members.reduce((a, b) => (unitIndex.get(a)! <= unitIndex.get(b)! ? a : b));
        const at = members.indexOf(first);
        const cycle = [...members.slice(at), ...members.slice(0, at), first];
        const firstIndex = unitIndex.get(first)!;
        throw new UnitDataError(`units[${firstIndex}].parent`, first, `the parent chain forms a cycle: ${cycle.join(' → ')}`);
      }
      chain.push(current);
      current = units[unitIndex.get(current)!]!.parent;
    }
    chain.forEach((id) => acyclic.add(id));
  });

  // ---- local names, per scope ----
  const localNames = new Map<string, Map<string, NameTarget>>();
  const localOwner = new Map<string, Map<string, string>>();
  const claimLocal = (scope: string, name: string, target: NameTarget, path: string, entry: string, holder: string): void => {
    let table = localNames.get(scope);
    let owners = localOwner.get(scope);
    if (table === undefined || owners === undefined) {
      table = new Map();
      owners = new Map();
      localNames.set(scope, table);
      localOwner.set(scope, owners);
    }
    const held = owners.get(name);
    if (held !== undefined) throw new UnitDataError(path, entry, `local alias "${name}" is already used inside "${scope}" by ${held}`);
    owners.set(name, holder);
    table.set(name, target);
  };
  units.forEach((u, i) =>
    u.localAliases.forEach((a, j) =>
      claimLocal(u.parent!, a, { type: 'unit', id: u.id, via: 'local-alias' }, `units[${i}].localAliases[${j}]`, u.id, `units[${i}] ("${u.id}")`),
    ),
  );
  drafts.forEach((g, i) => {
    if (g.scope !== null && !unitIndex.has(g.scope)) {
      throw new UnitDataError(`groups[${i}].scope`, g.id, `scope "${g.scope}" is not a unit id${hint(g.scope)}`);
    }
    g.localAliases.forEach((a, j) =>
      claimLocal(g.scope!, a, { type: 'group', id: g.id, via: 'local-alias' }, `groups[${i}].localAliases[${j}]`, g.id, `groups[${i}] ("${g.id}")`),
    );
  });

  // ---- group members: references, cycles, expansion ----
  drafts.forEach((g, i) =>
    g.declaredMembers?.forEach((m, j) => {
      if (!unitIndex.has(m) && !groupIndex.has(m)) {
        throw new UnitDataError(`groups[${i}].members[${j}]`, g.id, `member "${m}" is neither a unit id nor a group id${hint(m)}`);
      }
    }),
  );
  const expanded = new Map<string, readonly string[] | null>();
  const expand = (groupId: string, stack: string[]): readonly string[] | null => {
    const done = expanded.get(groupId);
    if (done !== undefined) return done;
    const i = groupIndex.get(groupId)!;
    const g = drafts[i]!;
    if (stack.includes(groupId)) {
      const cycle = [...stack.slice(stack.indexOf(groupId)), groupId];
      throw new UnitDataError(`groups[${i}].members`, g.id, `groups contain each other in a cycle: ${cycle.join(' → ')}`);
    }
    let members: string[] | null;
    if (g.category !== null) {
      members = units.filter((u) => u.group === g.category).map((u) => u.id);
      if (members.length === 0) throw new UnitDataError(`groups[${i}].category`, g.id, `no unit has group "${g.category}"`);
    } else if (g.declaredMembers === null) {
      members = null;
    } else {
      members = [];
      for (const m of g.declaredMembers) {
        if (unitIndex.has(m)) {
          if (!members.includes(m)) members.push(m);
          continue;
        }
        const inner = expand(m, [...stack, groupId]);
        if (inner === null) {
          throw new UnitDataError(`groups[${i}].members`, g.id, `member group "${m}" has unknown members, so this group cannot be expanded`);
        }
        inner.forEach((id) => {
          if (!members!.includes(id)) members!.push(id);
        });
      }
    }
    const frozen = members === null ? null : Object.freeze(members);
    expanded.set(groupId, frozen);
    return frozen;
  };
  const groups: Group[] = drafts.map((g) => Object.freeze({ ...g, members: expand(g.id, []) }));

  let maxSeparatorsInName = 0;
  for (const name of [...globalNames.keys(), ...[...localNames.values()].flatMap((t) => [...t.keys()])]) {
    maxSeparatorsInName = Math.max(maxSeparatorsInName, topLevelSeparatorCount(name));
  }

  return {
    description: raw.description as string | undefined,
    units: Object.freeze(units),
    groups: Object.freeze(groups),
    globalNames,
    localNames,
    maxSeparatorsInName,
  };
}
