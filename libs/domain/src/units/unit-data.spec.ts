import { UnitDataError, UnitRegistry } from '@duban/domain/units';
import shipped from './zhengzhou-units.json';

type Entry = Record<string, unknown>;
type MutableData = { description?: unknown; units: Entry[]; groups: Entry[] } & Record<string, unknown>;

/** A small valid registry to break in one place. */
const small = (): MutableData => ({
  units: [
    { id: '郑州市人民政府', kind: 'government', parent: null, aliases: ['市政府'] },
    { id: '市工信局', kind: 'department', parent: '郑州市人民政府', aliases: ['市工业和信息化局'] },
    { id: '市自然资源规划局', kind: 'department', parent: '郑州市人民政府', aliases: ['市资源规划局', '市资划局'] },
    { id: '中牟县', kind: 'county', parent: '郑州市人民政府', group: '县市' },
    { id: '巩义市', kind: 'county', parent: '郑州市人民政府', group: '县市' },
    { id: '郑州高新区', kind: 'development-zone', parent: '郑州市人民政府', group: '开发区' },
    { id: '郑州高新区创新发展局', kind: 'department', parent: '郑州高新区', localAliases: ['创新发展局'] },
  ],
  groups: [
    { id: '县市', category: '县市', aliases: ['六县市'] },
    { id: '开发区', category: '开发区' },
    { id: '各开发区、区县(市)', members: ['开发区', '县市'] },
    { id: '各产业集聚区', members: null },
  ],
});

function expectDataError(data: unknown, path: string, entry: string | null, message: RegExp): void {
  let error: unknown;
  try {
    UnitRegistry.fromData(data);
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(UnitDataError);
  expect((error as UnitDataError).path).toBe(path);
  expect((error as UnitDataError).entry).toBe(entry);
  expect((error as Error).message).toMatch(message);
}

describe('UnitRegistry.fromData validation', () => {
  it('accepts the shipped data and the small fixture', () => {
    expect(() => UnitRegistry.fromData(shipped)).not.toThrow();
    const registry = UnitRegistry.fromData(small());
    expect(registry.membersOf('各开发区、区县（市）')).toEqual(['郑州高新区', '中牟县', '巩义市']); // in the order of the declared members
    expect(registry.resolve('创新发展局', { scope: '郑州高新区' })?.unitId).toBe('郑州高新区创新发展局');
  });

  it('rejects a non-object, unknown top-level fields and missing lists', () => {
    expectDataError(null, '(root)', null, /JSON object/);
    expectDataError([], '(root)', null, /JSON object/);
    expectDataError({ ...small(), unit: [] }, '(root)', null, /unknown field "unit"/);
    expectDataError({ groups: [] }, 'units', null, /array of units/);
    expectDataError({ ...small(), groups: {} }, 'groups', null, /array of groups/);
  });

  it('rejects duplicate unit ids, naming the entry and the first one', () => {
    const data = small();
    data.units.push({ id: '市工信局', kind: 'department', parent: '郑州市人民政府' });
    expectDataError(data, 'units[7]', '市工信局', /duplicate unit id \(already units\[1\]\)/);
  });

  it('rejects an alias used twice, or equal to an id, or to a group name', () => {
    const twice = small();
    twice.units[1]!.aliases = ['市工业和信息化局', '市资划局'];
    expectDataError(twice, 'units[2].aliases[1]', '市自然资源规划局', /alias "市资划局" is already used by units\[1\] \("市工信局"\)/);

    const asId = small();
    asId.units[1]!.aliases = ['市自然资源规划局'];
    expectDataError(asId, 'units[1].aliases[0]', '市工信局', /alias "市自然资源规划局" is already used by units\[2\] \("市自然资源规划局"\)/);

    const asGroup = small();
    asGroup.units[3]!.aliases = ['六县市'];
    expectDataError(asGroup, 'units[3].aliases[0]', '中牟县', /alias "六县市" is already used by groups\[0\] \("县市"\)/);

    const groupId = small();
    groupId.groups.push({ id: '市工信局', members: null });
    expectDataError(groupId, 'groups[4].id', '市工信局', /id "市工信局" is already used by units\[1\]/);
  });

  it('rejects names that differ only in parenthesis width or whitespace (they would collide)', () => {
    const data = small();
    data.groups[2]!.aliases = ['各开发区、区县（市）'];
    expectDataError(data, 'groups[2].aliases[0]', '各开发区、区县(市)', /must be written in normal form "各开发区、区县\(市\)"/);
    const spaced = small();
    spaced.units[1]!.id = '市 工信局';
    expectDataError(spaced, 'units[1].id', null, /normal form "市工信局"/);
  });

  it('rejects a local alias used twice in the same organisation, but allows one per organisation', () => {
    const data = small();
    data.units.push({ id: '郑州高新区创新协同中心', kind: 'centre', parent: '郑州高新区', localAliases: ['创新发展局'] });
    expectDataError(data, 'units[7].localAliases[0]', '郑州高新区创新协同中心', /local alias "创新发展局" is already used inside "郑州高新区" by units\[6\]/);

    const ok = small();
    ok.units.push({ id: '郑州航空港区', kind: 'development-zone', parent: '郑州市人民政府', group: '开发区' });
    ok.units.push({ id: '郑州航空港区创新发展局', kind: 'department', parent: '郑州航空港区', localAliases: ['创新发展局'] });
    const registry = UnitRegistry.fromData(ok);
    expect(registry.resolve('创新发展局', { scope: '郑州航空港区' })?.unitId).toBe('郑州航空港区创新发展局');
    expect(registry.resolve('创新发展局', { scope: '郑州高新区' })?.unitId).toBe('郑州高新区创新发展局');
  });

  it('rejects local aliases without an organisation to be local to', () => {
    const root = small();
    root.units[0]!.localAliases = ['政府'];
    expectDataError(root, 'units[0].localAliases', '郑州市人民政府', /a root has no parent organisation/);
    const group = small();
    group.groups[3]!.localAliases = ['集聚区'];
    expectDataError(group, 'groups[3].localAliases', '各产业集聚区', /need a "scope"/);
  });

  it('rejects an unknown parent, and points at the id when the parent is an alias', () => {
    const unknown = small();
    unknown.units[1]!.parent = '郑州市政府';
    expectDataError(unknown, 'units[1].parent', '市工信局', /parent "郑州市政府" is not a unit id$/);
    const alias = small();
    alias.units[1]!.parent = '市政府';
    expectDataError(alias, 'units[1].parent', '市工信局', /"市政府" is an alias of "郑州市人民政府", use the id/);
  });

  it('rejects a missing parent field and a unit that is its own parent', () => {
    const missing = small();
    delete missing.units[1]!.parent;
    expectDataError(missing, 'units[1]', '市工信局', /parent is required \(null for a root/);
    const self = small();
    self.units[1]!.parent = '市工信局';
    expectDataError(self, 'units[1].parent', '市工信局', /its own parent/);
  });

  it('rejects parent cycles, naming the entries of the cycle', () => {
    const data = small();
    data.units[0]!.parent = '郑州高新区创新发展局'; // 市政府 → 创新发展局 → 郑州高新区 → 市政府
    expectDataError(data, 'units[0].parent', '郑州市人民政府', /cycle: 郑州市人民政府 → 郑州高新区创新发展局 → 郑州高新区 → 郑州市人民政府/);

    const two = small();
    two.units.push({ id: '甲', kind: 'department', parent: '乙' }, { id: '乙', kind: 'department', parent: '甲' });
    two.units.splice(1, 0, { id: '丙', kind: 'department', parent: '甲' }); // leads into the cycle, is not part of it
    expectDataError(two, 'units[8].parent', '甲', /cycle: 甲 → 乙 → 甲/);
  });

  it('rejects an unknown kind, group category or field', () => {
    const kind = small();
    kind.units[1]!.kind = 'bureau';
    expectDataError(kind, 'units[1].kind', '市工信局', /expected one of government, .*, got "bureau"/);
    const group = small();
    group.units[3]!.group = '县';
    expectDataError(group, 'units[3].group', '中牟县', /expected one of 开发区, 县市, 市内区, got "县"/);
    const field = small();
    field.units[1]!.alias = ['工信'];
    expectDataError(field, 'units[1]', '市工信局', /unknown field "alias"/);
    const note = small();
    note.units[1]!.note = 3;
    expectDataError(note, 'units[1].note', '市工信局', /note must be a string/);
  });

  it('rejects malformed names', () => {
    const noId = small();
    delete noId.units[1]!.id;
    expectDataError(noId, 'units[1].id', null, /id must be a non-empty string, got undefined/);
    const emptyAlias = small();
    emptyAlias.units[1]!.aliases = [''];
    expectDataError(emptyAlias, 'units[1].aliases[0]', '市工信局', /alias must be a non-empty string/);
    const notList = small();
    notList.units[1]!.aliases = '市工业和信息化局';
    expectDataError(notList, 'units[1].aliases', '市工信局', /expected an array of names/);
  });

  it('rejects groups that are malformed, refer to unknown members or contain each other', () => {
    const both = small();
    both.groups[0]!.members = ['中牟县'];
    expectDataError(both, 'groups[0]', '县市', /exactly one of "category".* or "members"/);
    const neither = small();
    delete neither.groups[3]!.members;
    expectDataError(neither, 'groups[3]', '各产业集聚区', /exactly one of/);
    const empty = small();
    empty.groups[2]!.members = [];
    expectDataError(empty, 'groups[2].members', '各开发区、区县(市)', /non-empty array/);
    const unknown = small();
    unknown.groups[2]!.members = ['开发区', '县市', '市内区'];
    expectDataError(unknown, 'groups[2].members[2]', '各开发区、区县(市)', /member "市内区" is neither a unit id nor a group id/);
    const alias = small();
    alias.groups[2]!.members = ['开发区', '六县市'];
    expectDataError(alias, 'groups[2].members[1]', '各开发区、区县(市)', /"六县市" is an alias of "县市", use the id/);
    const twice = small();
    twice.groups[2]!.members = ['开发区', '开发区'];
    expectDataError(twice, 'groups[2].members[1]', '各开发区、区县(市)', /listed twice/);
    const cycle = small();
    cycle.groups.push({ id: '甲组', members: ['乙组'] }, { id: '乙组', members: ['甲组'] });
    expectDataError(cycle, 'groups[4].members', '甲组', /cycle: 甲组 → 乙组 → 甲组/);
    const unknownMembers = small();
    unknownMembers.groups[2]!.members = ['开发区', '各产业集聚区'];
    expectDataError(unknownMembers, 'groups[2].members', '各开发区、区县(市)', /"各产业集聚区" has unknown members/);
    const emptyCategory = small();
    emptyCategory.groups.push({ id: '市内区', category: '市内区' });
    expectDataError(emptyCategory, 'groups[4].category', '市内区', /no unit has group "市内区"/);
    const scope = small();
    scope.groups.push({ id: '郑州高新区各园区运营中心', scope: '高新区', members: ['郑州高新区创新发展局'] });
    expectDataError(scope, 'groups[4].scope', '郑州高新区各园区运营中心', /scope "高新区" is not a unit id/);
  });
});
