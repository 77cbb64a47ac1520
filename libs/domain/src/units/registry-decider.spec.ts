/**
 * The unit-registry decider: admins add units and aliases as events; the state
 * is the seeded registry with those events applied.
 */
import type { Actor } from '@duban/domain/decider';
import { AuditorCannotWrite, InvalidCommandData, RoleNotPermitted, foldEvents, specFor } from '@duban/domain/decider';
import type {
  AddUnit,
  AddUnitAlias,
  AddUnitData,
  GroupMembersSet,
  SetGroupMembers,
  SetGroupMembersData,
  UnitAdded,
  UnitAliasAdded,
  UnitRegistryEvent,
} from '@duban/domain/units';
import {
  GroupMembersFixed,
  UnitGroupNotFound,
  UnitNameTaken,
  UnitNotFound,
  UnitRegistry,
  UnitRegistryReplayError,
  UnresolvedMemberNames,
  evolveUnitRegistry,
  unitRegistryDecider,
} from '@duban/domain/units';

const given = specFor(unitRegistryDecider);
const seed = UnitRegistry.seeded();

const admin: Actor = { userId: 'admin.zhang', unitId: '市政府办公厅', role: 'admin' };
const supervisor: Actor = { userId: 'li.duban', unitId: '市政府办公厅四处', role: 'supervisor' };
const auditor: Actor = { userId: 'wang.shenji', unitId: '市审计局', role: 'auditor' };
const unitStaff: Actor = { userId: 'staff@中牟县', unitId: '中牟县', role: 'unit' };
const AT = '2024-03-01T09:00:00+08:00';

const CULTURE = '市文化广电和旅游局';
const cultureData: AddUnitData = { id: CULTURE, kind: 'department', parent: '郑州市人民政府', aliases: ['市文广旅局'] };

const addUnit = (data: Partial<AddUnitData> = {}, actor: Actor = admin): AddUnit => ({
  type: 'AddUnit',
  at: AT,
  actor,
  data: { ...cultureData, ...data } as AddUnitData,
});
const addAlias = (unitId: string, alias: string, actor: Actor = admin): AddUnitAlias => ({ type: 'AddUnitAlias', at: AT, actor, data: { unitId, alias } });

const cultureAdded: UnitAdded = {
  type: 'unit.added.v1',
  data: { id: CULTURE, kind: 'department', parent: '郑州市人民政府', aliases: ['市文广旅局'] },
};
const aliasAdded = (unitId: string, alias: string): UnitAliasAdded => ({ type: 'unit.alias_added.v1', data: { unitId, alias } });

describe('AddUnit', () => {
  it('records the unit as a line of the data file; the new state resolves it', () => {
    const state = given().when(addUnit()).then([cultureAdded]);
    expect(state.get(CULTURE)).toEqual({ id: CULTURE, kind: 'department', parent: '郑州市人民政府', group: null, aliases: ['市文广旅局'], localAliases: [] });
    expect(state.resolve('市文广旅局')).toEqual({ unitId: CULTURE, via: 'alias' });
    expect(state.children('郑州市人民政府')).toContain(CULTURE);
    expect(state.resolveList('市财政局、文化广电和旅游局').units).toEqual(['市财政局', CULTURE]); // the 市 prefix carries onto it
    expect(seed.has(CULTURE)).toBe(false); // the seed itself is untouched
  });

  it('records names in normal form (full-width parentheses, whitespace), and leaves out empty lists', () => {
    given()
      .when(addUnit({ id: '郑州航空港区 综合保税区（新郑）', parent: '郑州航空港区', kind: 'centre', aliases: [], localAliases: ['综保区（新郑）'] }))
      .then([
        {
          type: 'unit.added.v1',
          data: { id: '郑州航空港区综合保税区(新郑)', kind: 'centre', parent: '郑州航空港区', localAliases: ['综保区(新郑)'] },
        },
      ]);
  });

  it("a zone's own department: a local alias valid only inside the zone", () => {
    const state = given()
      .when(addUnit({ id: '郑州高新区数据局', kind: 'department', parent: '郑州高新区', aliases: [], localAliases: ['数据局'], note: '2024年新设' }))
      .then([
        {
          type: 'unit.added.v1',
          data: { id: '郑州高新区数据局', kind: 'department', parent: '郑州高新区', localAliases: ['数据局'], note: '2024年新设' },
        },
      ]);
    expect(state.resolve('数据局', { scope: '郑州高新区' })?.unitId).toBe('郑州高新区数据局');
    expect(state.resolve('数据局')).toBeNull();
  });

  it('a new responsible unit with a ranking group joins the groups built on it', () => {
    const state = given()
      .when(addUnit({ id: '郑州中原科技城', kind: 'development-zone', parent: '郑州市人民政府', group: '开发区', aliases: [] }))
      .then([{ type: 'unit.added.v1', data: { id: '郑州中原科技城', kind: 'development-zone', parent: '郑州市人民政府', group: '开发区' } }]);
    expect(state.membersOf('各开发区')).toHaveLength(5);
    expect(state.membersOf('各开发区、区县(市)')).toHaveLength(17);
  });

  it('a new root organisation (parent null)', () => {
    const state = given()
      .when(addUnit({ id: '郑州市监察委员会', kind: 'organisation', parent: null, aliases: ['市监委'] }))
      .then([{ type: 'unit.added.v1', data: { id: '郑州市监察委员会', kind: 'organisation', parent: null, aliases: ['市监委'] } }]);
    expect(state.ancestors('郑州市监察委员会')).toEqual([]);
  });

  describe('only an admin', () => {
    it.each([
      ['supervisor', supervisor],
      ['unit', unitStaff],
    ])('refuses a %s', (_role, actor) => {
      given().when(addUnit({}, actor)).thenThrows(RoleNotPermitted, { role: actor.role, allowedRoles: ['admin'], command: 'AddUnit' });
    });

    it('refuses an auditor', () => {
      given().when(addUnit({}, auditor)).thenThrows(AuditorCannotWrite);
    });

    it('refuses a command without a valid effective time', () => {
      given().when({ ...addUnit(), at: '2024-03-01' }).thenThrows(InvalidCommandData, { field: 'at' });
    });
  });

  describe('a name already taken is a conflict (409)', () => {
    it('the id of a seed unit', () => {
      const error = given()
        .when(addUnit({ id: '市工信局', aliases: [] }))
        .thenThrows(UnitNameTaken, { field: 'id', takenName: '市工信局', takenBy: { type: 'unit', id: '市工信局', as: 'id' } });
      expect(error.kind).toBe('conflict');
      expect(error.name).toBe('UnitNameTaken');
      expect(error.message).toBe('AddUnit.id: "市工信局" is already the id of unit "市工信局"');
    });

    it('an id that is an alias of another unit, or a group name', () => {
      given()
        .when(addUnit({ id: '市资划局', aliases: [] }))
        .thenThrows(UnitNameTaken, { field: 'id', takenBy: { type: 'unit', id: '市自然资源规划局', as: 'alias' } });
      given()
        .when(addUnit({ id: '各开发区', aliases: [] }))
        .thenThrows(UnitNameTaken, { field: 'id', takenBy: { type: 'group', id: '开发区', as: 'alias' } });
    });

    it('an id in a form that normalises to a taken name', () => {
      given()
        .when(addUnit({ id: '市 工信局', aliases: [] }))
        .thenThrows(UnitNameTaken, { field: 'id', takenName: '市工信局' });
    });

    it('a unit added earlier by an event', () => {
      given([cultureAdded]).when(addUnit()).thenThrows(UnitNameTaken, { field: 'id', takenBy: { type: 'unit', id: CULTURE, as: 'id' } });
      given([cultureAdded])
        .when(addUnit({ id: '市文旅局', aliases: ['市文广旅局'] }))
        .thenThrows(UnitNameTaken, { field: 'aliases[0]', takenName: '市文广旅局', takenBy: { type: 'unit', id: CULTURE, as: 'alias' } });
    });

    it('an alias used by another unit', () => {
      given()
        .when(addUnit({ aliases: ['市文广旅局', '市财政局'] }))
        .thenThrows(UnitNameTaken, { field: 'aliases[1]', takenName: '市财政局', takenBy: { type: 'unit', id: '市财政局', as: 'id' } });
    });

    it('a local alias already used inside the parent', () => {
      given()
        .when(addUnit({ id: '郑州高新区新市场监管局', parent: '郑州高新区', aliases: [], localAliases: ['市场监管局'] }))
        .thenThrows(UnitNameTaken, {
          field: 'localAliases[0]',
          takenBy: { type: 'unit', id: '郑州高新区市场监管局', as: 'local-alias', scope: '郑州高新区' },
        });
    });
  });

  describe("the registry's other rules are invalid commands (422)", () => {
    it('an unknown parent', () => {
      const error = given()
        .when(addUnit({ parent: '郑州市政府' }))
        .thenThrows(InvalidCommandData, { field: 'parent', reason: 'parent "郑州市政府" is not a unit id' });
      expect(error.kind).toBe('invalid');
    });

    it('a parent given by its alias names the id to use', () => {
      given()
        .when(addUnit({ parent: '市政府' }))
        .thenThrows(InvalidCommandData, { field: 'parent', reason: 'parent "市政府" is not a unit id; "市政府" is an alias of "郑州市人民政府", use the id' });
    });

    it('an unknown kind or ranking group', () => {
      given()
        .when(addUnit({ kind: 'bureau' as never }))
        .thenThrows(InvalidCommandData, { field: 'kind' });
      given()
        .when(addUnit({ group: '市直' as never }))
        .thenThrows(InvalidCommandData, { field: 'group' });
    });

    it('empty or missing names', () => {
      given().when(addUnit({ id: '  ' })).thenThrows(InvalidCommandData, { field: 'id', reason: 'must not be empty' });
      given().when(addUnit({ id: undefined })).thenThrows(InvalidCommandData, { field: 'id' });
      given().when(addUnit({ parent: undefined })).thenThrows(InvalidCommandData, { field: 'parent' });
      given().when(addUnit({ aliases: ['市文广旅局', ''] })).thenThrows(InvalidCommandData, { field: 'aliases[1]' });
      given().when(addUnit({ aliases: '市文广旅局' as never })).thenThrows(InvalidCommandData, { field: 'aliases' });
    });

    it('a name given twice', () => {
      given().when(addUnit({ aliases: ['市文广旅局', '市文广旅局'] })).thenThrows(InvalidCommandData, { field: 'aliases[1]' });
      given().when(addUnit({ aliases: [CULTURE] })).thenThrows(InvalidCommandData, { field: 'aliases[0]' });
    });

    it('local aliases on a root', () => {
      given()
        .when(addUnit({ id: '郑州市监察委员会', kind: 'organisation', parent: null, aliases: [], localAliases: ['监委'] }))
        .thenThrows(InvalidCommandData, { field: 'localAliases' });
    });
  });
});

describe('AddUnitAlias', () => {
  it('adds a global alias (normal form) to a seed unit', () => {
    const state = given()
      .when(addAlias('郑州航空港区', '郑州航空港经济综合实验区（郑州新郑综合保税区）'))
      .then([aliasAdded('郑州航空港区', '郑州航空港经济综合实验区(郑州新郑综合保税区)')]);
    expect(state.resolve('郑州航空港经济综合实验区（郑州新郑综合保税区）')).toEqual({ unitId: '郑州航空港区', via: 'alias' });
  });

  it('to a unit added by an event', () => {
    const state = given([cultureAdded]).when(addAlias(CULTURE, '市文旅局')).then([aliasAdded(CULTURE, '市文旅局')]);
    expect(state.get(CULTURE)!.aliases).toEqual(['市文广旅局', '市文旅局']);
  });

  it('only by an admin', () => {
    given().when(addAlias('市工信局', '工信局', supervisor)).thenThrows(RoleNotPermitted);
    given().when(addAlias('市工信局', '工信局', auditor)).thenThrows(AuditorCannotWrite);
  });

  it('an unknown unit is not found (404), naming the id when an alias was given', () => {
    const error = given().when(addAlias(CULTURE, '市文旅局')).thenThrows(UnitNotFound, { unitId: CULTURE });
    expect(error.kind).toBe('not_found');
    given().when(addAlias('市资源规划局', '资源局')).thenThrows(UnitNotFound, { unitId: '市资源规划局', didYouMean: '市自然资源规划局' });
  });

  it('a name already taken is a conflict, also by the same unit', () => {
    given()
      .when(addAlias('市工信局', '市财政局'))
      .thenThrows(UnitNameTaken, { field: 'alias', takenBy: { type: 'unit', id: '市财政局', as: 'id' } });
    given()
      .when(addAlias('市工信局', '各开发区'))
      .thenThrows(UnitNameTaken, { takenBy: { type: 'group', id: '开发区', as: 'alias' } });
    given()
      .when(addAlias('市自然资源规划局', '市资划局'))
      .thenThrows(UnitNameTaken, { takenBy: { type: 'unit', id: '市自然资源规划局', as: 'alias' } });
    given([aliasAdded('市工信局', '工信局')])
      .when(addAlias('市人社局', '工信局'))
      .thenThrows(UnitNameTaken, { takenBy: { type: 'unit', id: '市工信局', as: 'alias' } });
  });

  it('an empty alias is invalid', () => {
    given().when(addAlias('市工信局', ' \u3000')).thenThrows(InvalidCommandData, { field: 'alias' });
  });
});

describe('replaying the stream (evolve)', () => {
  const events: UnitRegistryEvent[] = [cultureAdded, aliasAdded(CULTURE, '市文旅局'), aliasAdded('市工信局', '工信局')];

  it('folds to the same registry as the data file with the additions', () => {
    const state = foldEvents(unitRegistryDecider, events);
    const data = seed.toData();
    const expected = UnitRegistry.fromData({
      ...data,
      units: [
        ...data.units.map((u) => (u.id === '市工信局' ? { ...u, aliases: [...(u.aliases ?? []), '工信局'] } : u)),
        { ...cultureAdded.data, aliases: ['市文广旅局', '市文旅局'] },
      ],
    });
    expect(state.toData()).toEqual(expected.toData());
  });

  it('skips what a newer seed already holds (the seed wins)', () => {
    const state = foldEvents(unitRegistryDecider, [
      { type: 'unit.added.v1', data: { id: '市工信局', kind: 'office', parent: null } },
      aliasAdded('市自然资源规划局', '市资划局'),
    ]);
    expect(state).toBe(seed);
  });

  it('an event the seed contradicts stops the replay, naming it', () => {
    expect(() => foldEvents(unitRegistryDecider, [aliasAdded('市文化广电和旅游局', '市文旅局')])).toThrow(UnitRegistryReplayError);
    expect(() => foldEvents(unitRegistryDecider, [{ ...cultureAdded, data: { ...cultureAdded.data, aliases: ['市财政局'] } }])).toThrow(
      /cannot apply unit\.added\.v1 .*alias "市财政局" is already used by units\[\d+\] \("市财政局"\)/,
    );
  });
});

describe('SetGroupMembers', () => {
  /** Seed 002 names 各产业集聚区 six times as 牵头部门 and never lists them: members unknown in the seed. */
  const CLUSTERS = '各产业集聚区';
  /** Hosts of the 产业集聚区 seed 002 names (郑州高新技术, 新郑市新港, 中牟汽车, 登封市, 巩义市豫联) and of the zones'. */
  const HOSTS = ['郑州高新区', '郑州经开区', '郑州航空港区', '巩义市', '新郑市', '登封市', '中牟县'];
  const setMembers = (members: readonly unknown[], more: Partial<SetGroupMembersData> = {}, actor: Actor = admin): SetGroupMembers => ({
    type: 'SetGroupMembers',
    at: AT,
    actor,
    data: { groupId: CLUSTERS, members: members as string[], ...more },
  });
  const membersSet = (members: string[], previous: string[] | null, more: { groupId?: string; note?: string } = {}): GroupMembersSet => ({
    type: 'unit.group_members_set.v1',
    data: { groupId: more.groupId ?? CLUSTERS, members, previous, ...(more.note !== undefined ? { note: more.note } : {}) },
  });

  it('records the resolved unit ids and that they were unknown; the group then resolves to them', () => {
    const state = given()
      .when(setMembers(['郑州高新区', '郑州经开区', '郑州航空港区', '巩义市人民政府', '新郑市', '登封市', '中牟县'], { note: '市发展改革委 2019年产业集聚区名单' }))
      .then([membersSet(HOSTS, null, { note: '市发展改革委 2019年产业集聚区名单' })]);
    expect(state.membersOf(CLUSTERS)).toEqual(HOSTS);
    expect(state.membersSource(CLUSTERS)).toBe('set');
    // seed 002 row 1: 牵头部门 各产业集聚区; rows 2–16: among the 配合部门
    expect(state.resolveList(CLUSTERS)).toMatchObject({ units: HOSTS, unresolved: [], items: [{ kind: 'group', groupId: CLUSTERS, unitIds: HOSTS }] });
    expect(state.resolveList('市科技局、工信局、财政局、各产业集聚区').units).toEqual(['市科技局', '市工信局', '市财政局', ...HOSTS]);
    expect(seed.membersOf(CLUSTERS)).toBeNull(); // the seed itself is untouched
  });

  it('names are resolved exactly (ids, aliases, full-width forms); a unit named twice counts once', () => {
    given()
      .when(setMembers(['郑州高新技术产业开发区管理委员会', ' 中牟县 ', '中牟县人民政府', '新郑市']))
      .then([membersSet(['郑州高新区', '中牟县', '新郑市'], null)]);
  });

  it('a group with known members stands for its units', () => {
    const state = given()
      .when(setMembers(['四个开发区', '巩义市', '六县市']))
      .then([membersSet(['郑州航空港区', '郑东新区', '郑州高新区', '郑州经开区', '巩义市', '新郑市', '登封市', '荥阳市', '新密市', '中牟县'], null)]);
    expect(state.membersOf(CLUSTERS)).toHaveLength(10);
  });

  it("a group of a zone: its members' local names resolve inside the zone", () => {
    const state = given()
      .when({ ...setMembers(['创新发展局', '国土规划住建局', '市场监督管理局', '政务服务中心']), data: { groupId: '郑州高新区各审批业务部门', members: ['创新发展局', '国土规划住建局', '市场监督管理局', '政务服务中心'] } })
      .then([membersSet(['郑州高新区创新发展局', '郑州高新区国土规划住建局', '郑州高新区市场监管局', '郑州高新区政务服务中心'], null, { groupId: '郑州高新区各审批业务部门' })]);
    expect(state.resolveList('各审批业务部门、税务局', { scope: '郑州高新区' }).units).toEqual([
      '郑州高新区创新发展局',
      '郑州高新区国土规划住建局',
      '郑州高新区市场监管局',
      '郑州高新区政务服务中心',
      '郑州高新区税务局',
    ]);
  });

  it('set again: the new list replaces the old one, which the event carries as previous', () => {
    const state = given([membersSet(HOSTS, null)])
      .when(setMembers(['郑州高新区', '新郑市', '荥阳市']))
      .then([membersSet(['郑州高新区', '新郑市', '荥阳市'], HOSTS)]);
    expect(state.membersOf(CLUSTERS)).toEqual(['郑州高新区', '新郑市', '荥阳市']);
  });

  it('the same units as now, in any order, record nothing', () => {
    given([membersSet(HOSTS, null)]).when(setMembers([...HOSTS].reverse(), { note: '再次确认' })).thenNothingHappens();
    given([membersSet(HOSTS, null)]).when(setMembers([...HOSTS, '巩义市人民政府'])).thenNothingHappens();
  });

  it('a unit added earlier by an event can be a member, and an addition afterwards keeps the members', () => {
    const state = given([cultureAdded, membersSet(HOSTS, null)])
      .when(setMembers([...HOSTS, '市文广旅局']))
      .then([membersSet([...HOSTS, CULTURE], HOSTS)]);
    const later = unitRegistryDecider.evolve(state, aliasAdded(CULTURE, '市文旅局'));
    expect(later.membersOf(CLUSTERS)).toEqual([...HOSTS, CULTURE]);
    expect(later.membersSettable(CLUSTERS)).toBe(true);
  });

  describe('only an admin', () => {
    it.each([
      ['supervisor', supervisor],
      ['unit', unitStaff],
    ])('refuses a %s', (_role, actor) => {
      given().when(setMembers(HOSTS, {}, actor)).thenThrows(RoleNotPermitted, { role: actor.role, allowedRoles: ['admin'], command: 'SetGroupMembers' });
    });

    it('refuses an auditor', () => {
      given().when(setMembers(HOSTS, {}, auditor)).thenThrows(AuditorCannotWrite);
    });
  });

  describe('an unknown group is not found (404)', () => {
    it('naming the id when a name of a group was given, or that the name is a unit', () => {
      const error = given()
        .when(setMembers(HOSTS, { groupId: '产业集聚区' }))
        .thenThrows(UnitGroupNotFound, { groupId: '产业集聚区', didYouMean: undefined, unitId: undefined });
      expect(error.kind).toBe('not_found');
      expect(error.message).toBe('SetGroupMembers: group "产业集聚区" does not exist');
      given().when(setMembers(HOSTS, { groupId: '各开发区' })).thenThrows(UnitGroupNotFound, { groupId: '各开发区', didYouMean: '开发区' });
      given().when(setMembers(HOSTS, { groupId: '各审批业务部门' })).thenThrows(UnitGroupNotFound, { didYouMean: '郑州高新区各审批业务部门' });
      given().when(setMembers(HOSTS, { groupId: '市资划局' })).thenThrows(UnitGroupNotFound, { unitId: '市自然资源规划局' });
    });

    it('an empty or missing group id is invalid', () => {
      given().when(setMembers(HOSTS, { groupId: ' ' })).thenThrows(InvalidCommandData, { field: 'groupId' });
      given().when(setMembers(HOSTS, { groupId: undefined })).thenThrows(InvalidCommandData, { field: 'groupId' });
    });
  });

  describe('a group whose members the seed data defines is fixed (409)', () => {
    it.each([
      ['开发区', 'category', 4], // 四个开发区, 各开发区
      ['县市', 'category', 6], // 六县市
      ['市内区', 'category', 6], // the ranking group, 上街区 included
      ['市内五区', 'listed', 5],
      ['各区县(市)', 'listed', 12],
      ['各开发区、区县(市)', 'listed', 16],
      ['郑州高新区各园区运营中心', 'listed', 4],
    ])('%s (%s)', (groupId, definedBy, count) => {
      const error = given().when(setMembers(['中牟县'], { groupId })).thenThrows(GroupMembersFixed, { groupId, definedBy: definedBy as 'category' | 'listed' });
      expect(error.members).toHaveLength(count);
      expect(error.kind).toBe('conflict');
    });

    it('the message says why', () => {
      const error = given().when(setMembers(['中牟县'], { groupId: '县市' })).thenThrows(GroupMembersFixed);
      expect(error.message).toBe(
        'SetGroupMembers: the members of group "县市" are fixed by the registry data (the units whose ranking group is 县市; a new unit joins it through AddUnit\'s group); only a group named without members ("members": null) can be given members',
      );
    });
  });

  describe('names that do not resolve are listed (422); nothing is guessed', () => {
    it('unknown names and groups without members, each with its index', () => {
      const error = given()
        .when(setMembers(['郑州高新区', '白沙产业集聚区', '中牟县', '市高质量发展领导小组成员单位', '郑州新区']))
        .thenThrows(UnresolvedMemberNames, {
          groupId: CLUSTERS,
          unresolved: [
            { name: '白沙产业集聚区', index: 1, reason: 'unknown' },
            { name: '市高质量发展领导小组成员单位', index: 3, reason: 'group-members-unknown', groupId: '市高质量发展领导小组成员单位' },
            { name: '郑州新区', index: 4, reason: 'unknown' },
          ],
        });
      expect(error.kind).toBe('invalid');
      expect(error.message).toBe(
        'SetGroupMembers.members: 3 names do not resolve in the unit registry: "白沙产业集聚区" (members[1], no unit or group has this name), ' +
          '"市高质量发展领导小组成员单位" (members[3], group "市高质量发展领导小组成员单位" has no known members), "郑州新区" (members[4], no unit or group has this name)',
      );
    });

    it("a zone's local name outside the zone, and a 市 prefix that is not written, do not resolve", () => {
      given().when(setMembers(['创新发展局'])).thenThrows(UnresolvedMemberNames, { unresolved: [{ name: '创新发展局', index: 0, reason: 'unknown' }] });
      given().when(setMembers(['市财政局', '编办'])).thenThrows(UnresolvedMemberNames, { unresolved: [{ name: '编办', index: 1, reason: 'unknown' }] });
    });
  });

  describe('other invalid commands (422)', () => {
    it('an empty list: the members cannot be set back to unknown', () => {
      given().when(setMembers([])).thenThrows(InvalidCommandData, { field: 'members', reason: 'must name at least one unit (members cannot be set back to unknown)' });
      given([membersSet(HOSTS, null)]).when(setMembers([])).thenThrows(InvalidCommandData, { field: 'members' });
    });

    it('not a list, a name that is not a string or is blank, a note that is not a string', () => {
      given().when(setMembers('郑州高新区' as never)).thenThrows(InvalidCommandData, { field: 'members' });
      given().when({ ...setMembers([]), data: { groupId: CLUSTERS } as never }).thenThrows(InvalidCommandData, { field: 'members' });
      given().when(setMembers(['郑州高新区', 7])).thenThrows(InvalidCommandData, { field: 'members[1]' });
      given().when(setMembers(['郑州高新区', ' \u3000'])).thenThrows(InvalidCommandData, { field: 'members[1]', reason: 'must not be empty' });
      given().when(setMembers(HOSTS, { note: 5 as never })).thenThrows(InvalidCommandData, { field: 'note' });
    });

    it('the group itself', () => {
      given([membersSet(HOSTS, null)]).when(setMembers(['中牟县', CLUSTERS])).thenThrows(InvalidCommandData, { field: 'members[1]', reason: '"各产业集聚区" is the group itself' });
    });
  });

  describe('replaying (evolve)', () => {
    it('folds to the registry with the last list', () => {
      const state = foldEvents(unitRegistryDecider, [membersSet(HOSTS, null), cultureAdded, membersSet(['新郑市', CULTURE], HOSTS)]);
      expect(state.membersOf(CLUSTERS)).toEqual(['新郑市', CULTURE]);
      expect(state.toData()).toEqual(seed.withUnit(cultureAdded.data).withGroupMembers(CLUSTERS, ['新郑市', CULTURE]).toData());
    });

    it('a seed that now lists the members wins; a group or member unit the seed no longer has stops the replay', () => {
      const data = seed.toData();
      const newerSeed = UnitRegistry.fromData({ ...data, groups: data.groups!.map((g) => (g.id === CLUSTERS ? { ...g, members: ['新郑市'] } : g)) });
      expect(evolveUnitRegistry(newerSeed, membersSet(HOSTS, null))).toBe(newerSeed);
      expect(evolveUnitRegistry(seed, membersSet(HOSTS, null, { groupId: '市内五区' }))).toBe(seed);
      expect(() => foldEvents(unitRegistryDecider, [membersSet(HOSTS, null, { groupId: '各工业园区' })])).toThrow(UnitRegistryReplayError);
      expect(() => foldEvents(unitRegistryDecider, [membersSet(['新郑市', CULTURE], null)])).toThrow(
        /cannot apply unit\.group_members_set\.v1 .*member "市文化广电和旅游局" is not a unit id/,
      );
    });
  });
});
