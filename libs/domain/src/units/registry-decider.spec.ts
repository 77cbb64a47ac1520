/**
 * The unit-registry decider: admins add units and aliases as events; the state
 * is the seeded registry with those events applied.
 */
import type { Actor } from '@duban/domain/decider';
import { AuditorCannotWrite, InvalidCommandData, RoleNotPermitted, foldEvents, specFor } from '@duban/domain/decider';
import type { AddUnit, AddUnitAlias, AddUnitData, UnitAdded, UnitAliasAdded, UnitRegistryEvent } from '@duban/domain/units';
import {
  UnitNameTaken,
  UnitNotFound,
  UnitRegistry,
  UnitRegistryReplayError,
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
