import { UnitRegistry, UnknownUnitError, normalizeUnitName } from '@duban/domain/units';
import type { UnitEntry } from '@duban/domain/units';

const registry = UnitRegistry.seeded();
const idOf = (name: string, scope?: string): string | undefined =>
  registry.resolve(name, scope === undefined ? {} : { scope })?.unitId;

const DEVELOPMENT_ZONES = ['郑州航空港区', '郑东新区', '郑州高新区', '郑州经开区'];
const COUNTIES = ['巩义市', '新郑市', '登封市', '荥阳市', '新密市', '中牟县'];
const URBAN_DISTRICTS = ['二七区', '管城回族区', '惠济区', '金水区', '中原区', '上街区'];
const THE_16 = [...DEVELOPMENT_ZONES, ...COUNTIES, ...URBAN_DISTRICTS];

describe('aliases from domain.md', () => {
  it.each([
    ['市资源规划局', '市自然资源规划局'],
    ['市自然资源规划局', '市自然资源规划局'],
    ['市资划局', '市自然资源规划局'],
    ['市金融局', '市金融局'],
    ['市金融工作局', '市金融局'],
    ['市应急局', '市应急局'],
    ['市应急管理局', '市应急局'],
    ['市市场监管局', '市市场监管局'],
    ['市场监督管理局', '市市场监管局'],
    ['市供电公司', '郑州供电公司'],
    ['郑州供电公司', '郑州供电公司'],
  ])('%s → %s', (name, id) => {
    expect(idOf(name)).toBe(id);
  });

  it('tells an id from an alias', () => {
    expect(registry.resolve('市自然资源规划局')).toEqual({ unitId: '市自然资源规划局', via: 'id' });
    expect(registry.resolve('市资源规划局')).toEqual({ unitId: '市自然资源规划局', via: 'alias' });
  });

  it('resolves the typo 市资划局 of seed 001 (item 7) to the planning bureau', () => {
    expect(registry.resolve('市资划局')).toEqual({ unitId: '市自然资源规划局', via: 'alias' });
    const list = registry.resolveList('各开发区、区县（市），市发展改革委、市资划局、市工信局');
    expect(list.unresolved).toEqual([]);
    expect(list.units.slice(16)).toEqual(['市发展改革委', '市自然资源规划局', '市工信局']);
  });
});

describe('resolve()', () => {
  it('tolerates full-/half-width parentheses and whitespace, nothing else', () => {
    expect(idOf('  市工信局\n')).toBe('市工信局');
    expect(idOf('市资\n\n源规划局')).toBe('市自然资源规划局'); // a line break from PDF extraction
    expect(normalizeUnitName('各开发区、区县 （市）')).toBe('各开发区、区县(市)');
    expect(normalizeUnitName('市内５区')).toBe('市内5区');
  });

  it('never guesses', () => {
    for (const name of ['工信局', '市工信', '郑州市工信局', '市工信局局', '市資源規劃局', '发展改革委', '编办', '', '   ']) {
      expect(registry.resolve(name)).toBeNull();
    }
  });

  it('returns null for a group name (groups are resolved by membersOf / resolveList)', () => {
    expect(registry.resolve('各开发区')).toBeNull();
    expect(registry.lookup('各开发区')).toEqual({ type: 'group', groupId: '开发区', members: DEVELOPMENT_ZONES, via: 'alias' });
  });

  it('resolves the city government, the party committee and the supervision office', () => {
    expect(idOf('市政府')).toBe('郑州市人民政府');
    expect(idOf('郑州市人民政府办公厅')).toBe('市政府办公厅');
    expect(idOf('市政府办公厅四处')).toBe('市政府办公厅四处');
    expect(idOf('市委')).toBe('中共郑州市委');
    expect(idOf('编办')).toBeUndefined();
    expect(idOf('市编办')).toBe('市编办');
  });
});

describe('the 16 responsible units and their groups', () => {
  it('are units under the city government, each in its ranking group', () => {
    for (const id of DEVELOPMENT_ZONES) expect(registry.groupOf(id)).toBe('开发区');
    for (const id of COUNTIES) expect(registry.groupOf(id)).toBe('县市');
    for (const id of URBAN_DISTRICTS) expect(registry.groupOf(id)).toBe('市内区');
    for (const id of THE_16) expect(registry.get(id)?.parent).toBe('郑州市人民政府');
    expect(registry.units.filter((u) => u.group !== null).map((u) => u.id)).toEqual(THE_16);
    expect(registry.groupOf('市工信局')).toBeNull();
  });

  it('各开发区、区县(市) in any parenthesis width or spacing = the 16', () => {
    for (const name of ['各开发区、区县(市)', '各开发区、区县（市）', '各开发区、区县 (市)', '开发区、区县（市）', '16个开发区和区县（市）']) {
      expect(registry.membersOf(name)).toEqual(THE_16);
    }
  });

  it('the groups of the seeds', () => {
    expect(registry.membersOf('各开发区')).toEqual(DEVELOPMENT_ZONES);
    expect(registry.membersOf('四个开发区')).toEqual(DEVELOPMENT_ZONES);
    expect(registry.membersOf('各开发区管委会')).toEqual(DEVELOPMENT_ZONES);
    expect(registry.membersOf('六县市')).toEqual(COUNTIES);
    expect(registry.membersOf('各县(市)')).toEqual(COUNTIES);
    expect(registry.membersOf('各县（市）')).toEqual(COUNTIES);
    expect(registry.membersOf('市内区')).toEqual(URBAN_DISTRICTS);
    expect(registry.membersOf('市内五区和上街区')).toEqual(URBAN_DISTRICTS);
    expect(registry.membersOf('市内5区和上街区')).toEqual(URBAN_DISTRICTS);
    expect(registry.membersOf('各区县（市）')).toEqual([...COUNTIES, ...URBAN_DISTRICTS]);
    expect(registry.membersOf('各县（市、区）人民政府')).toEqual([...COUNTIES, ...URBAN_DISTRICTS]);
  });

  it('市内五区 is the five central districts, without 上街区', () => {
    const five = registry.membersOf('市内五区');
    expect(five).toEqual(['中原区', '二七区', '管城回族区', '金水区', '惠济区']);
    expect(registry.membersOf('市内５区')).toEqual(five);
    expect(five).not.toContain('上街区');
    // seed 000 (十八): "四个开发区、六县市、市内五区和上街区" covers exactly the 16
    expect(registry.resolveList('四个开发区、六县市、市内五区和上街区').units).toEqual(THE_16);
  });

  it('groups whose members the seeds never list are known but not expanded', () => {
    for (const name of ['各产业集聚区', '市制造业高质量发展工作领导小组成员单位', '市高质量发展领导小组成员单位']) {
      expect(registry.group(name)?.members).toBeNull();
      expect(registry.membersOf(name)).toBeNull();
    }
    expect(registry.membersOf('各有关单位')).toBeNull();
  });
});

describe('resolveList()', () => {
  it('carries the 市 prefix over a list (seed 002 附件)', () => {
    const list = registry.resolveList('市财政局、编办、市人社局');
    expect(list).toEqual({
      units: ['市财政局', '市编办', '市人社局'],
      unresolved: [],
      items: [
        { kind: 'unit', index: 0, name: '市财政局', unitId: '市财政局', via: 'id' },
        { kind: 'unit', index: 1, name: '编办', unitId: '市编办', via: 'carried-prefix' },
        { kind: 'unit', index: 2, name: '市人社局', unitId: '市人社局', via: 'id' },
      ],
    });
  });

  it('keeps carrying along a chain of bare names, through aliases', () => {
    const list = registry.resolveList('市税务局、统计局、自然资源规划局、金融工作局、市场监督管理局、应急管理局、各产业集聚区');
    expect(list.units).toEqual(['市税务局', '市统计局', '市自然资源规划局', '市金融局', '市市场监管局', '市应急局']);
    expect(list.unresolved).toEqual([{ name: '各产业集聚区', index: 6, reason: 'group-members-unknown', groupId: '各产业集聚区' }]);
  });

  it('does not carry after a group, a non-市 unit or an unknown name', () => {
    expect(registry.resolveList('各开发区、财政局').unresolved).toEqual([{ name: '财政局', index: 1, reason: 'unknown' }]);
    expect(registry.resolveList('郑州供电公司、财政局').unresolved).toEqual([{ name: '财政局', index: 1, reason: 'unknown' }]);
    expect(registry.resolveList('市财政局、某某办、编办').unresolved).toEqual([
      { name: '某某办', index: 1, reason: 'unknown' },
      { name: '编办', index: 2, reason: 'unknown' },
    ]);
    expect(registry.resolveList('编办').unresolved).toEqual([{ name: '编办', index: 0, reason: 'unknown' }]);
  });

  it('after a 市委 unit tries 市委 as well as 市', () => {
    expect(registry.resolveList('市委组织部、宣传部、编办').units).toEqual(['市委组织部', '市委宣传部', '市编办']);
  });

  it('expands group names, full-width parentheses included, and deduplicates in order', () => {
    const list = registry.resolveList('市工信局、市人社局，各开发区、区县（市）');
    expect(list.units).toEqual(['市工信局', '市人社局', ...THE_16]);
    expect(list.unresolved).toEqual([]);
    expect(list.items[2]).toEqual({ kind: 'group', index: 2, name: '各开发区、区县（市）', groupId: '各开发区、区县(市)', unitIds: THE_16 });

    const twice = registry.resolveList('中牟县、各开发区、区县(市)、中牟县、市工信局、市工信局');
    expect(twice.units).toEqual(['中牟县', ...THE_16.filter((u) => u !== '中牟县'), '市工信局']);
  });

  it('does not split inside parentheses', () => {
    const list = registry.resolveList('各县（市、区）、市发展改革委');
    expect(list.items.map((i) => i.name)).toEqual(['各县（市、区）', '市发展改革委']);
    expect(list.units).toEqual([...COUNTIES, ...URBAN_DISTRICTS, '市发展改革委']);
  });

  it('reports unknown names with their index and never guesses', () => {
    const list = registry.resolveList('市工信局、市工信、市人社局，市财政厅、 、各有关单位。');
    expect(list.units).toEqual(['市工信局', '市人社局']);
    expect(list.unresolved).toEqual([
      { name: '市工信', index: 1, reason: 'unknown' },
      { name: '市财政厅', index: 3, reason: 'unknown' },
      { name: '各有关单位', index: 4, reason: 'unknown' },
    ]);
  });

  it('handles line breaks and a closing 。 (seed 000 (二十五) as extracted from the PDF)', () => {
    const list = registry.resolveList(
      '市发展改革委、市财政局、市金融局、市科技\n\n局、市人社局、市统计局、市市场监管局、市税务局、航空港实\n\n验区税务局。',
    );
    expect(list.unresolved).toEqual([]);
    expect(list.units).toEqual(['市发展改革委', '市财政局', '市金融局', '市科技局', '市人社局', '市统计局', '市市场监管局', '市税务局', '郑州航空港区税务局']);
  });

  it('returns nothing for an empty text', () => {
    expect(registry.resolveList('')).toEqual({ units: [], unresolved: [], items: [] });
  });
});

describe('the high-tech zone (seed 003 issuer) and its own departments', () => {
  const ZONE = '郑州高新区';

  it('the issuer resolves to the zone itself', () => {
    expect(idOf('郑州高新技术产业开发区管理委员会')).toBe(ZONE);
    expect(idOf('郑州高新区管委会')).toBe(ZONE);
    expect(idOf('高新区')).toBe(ZONE);
  });

  it('its departments are its children, distinct from the city departments of the same name', () => {
    expect(idOf('市场监管局', ZONE)).toBe('郑州高新区市场监管局');
    expect(idOf('市场监督管理局', ZONE)).toBe('郑州高新区市场监管局');
    expect(idOf('市场监督管理局')).toBe('市市场监管局');
    expect(idOf('税务局', ZONE)).toBe('郑州高新区税务局');
    expect(idOf('税务局')).toBeUndefined();
    expect(idOf('税务局', '郑州航空港区')).toBe('郑州航空港区税务局');
    expect(idOf('城市管理局', ZONE)).toBe('郑州高新区城市管理局');
    expect(idOf('市城市管理局', ZONE)).toBe('市城管局');
    expect(idOf('市政务办', ZONE)).toBe('市政务办'); // global names still resolve inside the zone
    expect(registry.get('郑州高新区市场监管局')?.parent).toBe(ZONE);
    expect(registry.get('市市场监管局')?.parent).toBe('郑州市人民政府');
  });

  it('local names are not valid outside the zone', () => {
    for (const name of ['创新发展局', '市场监管局', '政务服务中心', '各园区运营中心']) {
      expect(registry.lookup(name)).toBeNull();
      expect(registry.lookup(name, { scope: '中牟县' })).toBeNull();
    }
  });

  it('a scope anywhere inside the zone sees the zone names (nearest scope first)', () => {
    expect(idOf('创新发展局', '郑州高新区市场监管局')).toBe('郑州高新区创新发展局');
  });

  it('its groups', () => {
    expect(registry.membersOf('各园区运营中心', { scope: ZONE })).toEqual([
      '郑州高新区石佛园区运营中心',
      '郑州高新区枫杨园区运营中心',
      '郑州高新区双桥园区运营中心',
      '郑州高新区梧桐园区运营中心',
    ]);
    expect(registry.membersOf('培育壮大市场主体工作领导小组成员单位', { scope: ZONE })).toHaveLength(19);
    const list = registry.resolveList('政务服务中心、各审批业务部门', { scope: ZONE });
    expect(list.units).toEqual(['郑州高新区政务服务中心']);
    expect(list.unresolved).toEqual([{ name: '各审批业务部门', index: 1, reason: 'group-members-unknown', groupId: '郑州高新区各审批业务部门' }]);
  });

  it('an unknown scope is an error', () => {
    expect(() => registry.resolve('税务局', { scope: '高新区' })).toThrow(UnknownUnitError);
  });
});

describe('the tree', () => {
  it('children and ancestors', () => {
    expect(registry.ancestors('市政府办公厅四处')).toEqual(['市政府办公厅', '郑州市人民政府']);
    expect(registry.ancestors('郑州市人民政府')).toEqual([]);
    expect(registry.children('市政府办公厅')).toEqual(['市政府办公厅四处', '市政府办公厅二处']);
    expect(registry.children('郑州高新区')).toContain('郑州高新区创新发展局');
    expect(registry.children('中牟县')).toEqual([]);
    expect(registry.children('郑州市人民政府')).toEqual(expect.arrayContaining(['市政府办公厅', '市工信局', '市税务局', '郑州供电公司', ...THE_16]));
    expect(registry.ancestors('郑州高新区梧桐园区运营中心')).toEqual(['郑州高新区', '郑州市人民政府']);
    expect(registry.ancestors('市编办')).toEqual(['中共郑州市委']);
  });

  it('unknown ids are errors; aliases are not ids', () => {
    expect(registry.get('市资源规划局')).toBeUndefined();
    expect(registry.has('市自然资源规划局')).toBe(true);
    expect(() => registry.children('市资源规划局')).toThrow(UnknownUnitError);
    expect(() => registry.ancestors('nowhere')).toThrow(/Unknown unit id "nowhere"/);
    expect(() => registry.groupOf('nowhere')).toThrow(UnknownUnitError);
  });

  it('ids are canonical Chinese names in normal form, and every unit is reachable from a root', () => {
    for (const unit of registry.units) {
      expect(normalizeUnitName(unit.id)).toBe(unit.id);
      expect(unit.id).toMatch(/^[\u4e00-\u9fff0-9()、]+$/);
      const root = [unit.id, ...registry.ancestors(unit.id)].pop()!;
      expect(registry.get(root)?.parent).toBeNull();
    }
  });

  it('the data is frozen', () => {
    const unit = registry.get('市工信局')!;
    expect(Object.isFrozen(unit)).toBe(true);
    expect(Object.isFrozen(unit.aliases)).toBe(true);
  });
});

describe('immutable additions', () => {
  const newUnit: UnitEntry = { id: '市文化广电和旅游局', kind: 'department', parent: '郑州市人民政府', aliases: ['市文广旅局'] };

  it('withUnit returns a new registry and leaves the old one alone', () => {
    const next = registry.withUnit(newUnit);
    expect(next.resolve('市文广旅局')).toEqual({ unitId: '市文化广电和旅游局', via: 'alias' });
    expect(next.children('郑州市人民政府')).toContain('市文化广电和旅游局');
    expect(registry.resolve('市文广旅局')).toBeNull();
    expect(registry.has('市文化广电和旅游局')).toBe(false);
    expect(UnitRegistry.seeded()).toBe(registry);
  });

  it('withUnit validates the new unit like the data file', () => {
    expect(() => registry.withUnit({ ...newUnit, id: '市工信局' })).toThrow(/duplicate unit id/);
    expect(() => registry.withUnit({ ...newUnit, aliases: ['市资划局'] })).toThrow(/alias "市资划局" is already used by units\[\d+\] \("市自然资源规划局"\)/);
    expect(() => registry.withUnit({ ...newUnit, parent: '市政府' })).toThrow(/parent "市政府" is not a unit id; "市政府" is an alias of "郑州市人民政府", use the id/);
  });

  it('withAlias adds a global alias (stored in normal form)', () => {
    const next = registry.withAlias('郑州航空港区', '郑州航空港经济综合实验区（郑州新郑综合保税区）');
    expect(next.resolve('郑州航空港经济综合实验区(郑州新郑综合保税区)')?.unitId).toBe('郑州航空港区');
    expect(next.get('郑州航空港区')!.aliases).toContain('郑州航空港经济综合实验区(郑州新郑综合保税区)');
    expect(registry.resolve('郑州航空港经济综合实验区(郑州新郑综合保税区)')).toBeNull();
    // additions compose, and the result round-trips through the data format
    const again = UnitRegistry.fromData(JSON.parse(JSON.stringify(next.withUnit(newUnit).toData())));
    expect(again.resolve('市文广旅局')?.unitId).toBe('市文化广电和旅游局');
    expect(again.membersOf('各开发区、区县(市)')).toEqual(THE_16);
  });

  it('withAlias rejects an unknown unit, an empty alias and a name already taken', () => {
    expect(() => registry.withAlias('市文广旅局', '文广旅')).toThrow(UnknownUnitError);
    expect(() => registry.withAlias('市工信局', '  ')).toThrow(/must not be empty/);
    expect(() => registry.withAlias('市工信局', '市财政局')).toThrow(/alias "市财政局" is already used by units\[\d+\] \("市财政局"\)/);
    expect(() => registry.withAlias('市工信局', '各开发区')).toThrow(/already used by groups\[\d+\] \("开发区"\)/);
  });

  it('toData round-trips the shipped data', () => {
    expect(UnitRegistry.fromData(registry.toData()).toData()).toEqual(registry.toData());
  });
});

describe('group members set at run time (withGroupMembers)', () => {
  const CLUSTERS = '各产业集聚区';
  const hosts = ['郑州高新区', '郑州经开区', '新郑市', '中牟县'];

  it('where the members come from; only groups the data names without members are settable', () => {
    expect(registry.membersSource('开发区')).toBe('category');
    expect(registry.membersSource('市内五区')).toBe('listed');
    expect(registry.membersSource('各开发区、区县(市)')).toBe('listed');
    expect(registry.membersSource(CLUSTERS)).toBe('unknown');
    expect(registry.membersSource('市工信局')).toBeUndefined();
    expect(registry.groups.filter((g) => registry.membersSettable(g.id)).map((g) => g.id)).toEqual([
      '各产业集聚区',
      '市制造业高质量发展工作领导小组成员单位',
      '市高质量发展领导小组成员单位',
      '郑州高新区各审批业务部门',
    ]);
    expect(registry.getGroup(CLUSTERS)).toMatchObject({ id: CLUSTERS, members: null });
    expect(registry.getGroup('各开发区')).toBeUndefined(); // an alias, not an id
  });

  it('a new registry resolves the group to its members; the old one is left alone', () => {
    const next = registry.withGroupMembers(CLUSTERS, hosts);
    expect(next.membersOf(CLUSTERS)).toEqual(hosts);
    expect(next.membersSource(CLUSTERS)).toBe('set');
    expect(next.resolveList('市商务局、各产业集聚区')).toMatchObject({ units: ['市商务局', ...hosts], unresolved: [] });
    expect(registry.membersOf(CLUSTERS)).toBeNull();
    expect(registry.resolveList(CLUSTERS).unresolved).toEqual([{ name: CLUSTERS, index: 0, reason: 'group-members-unknown', groupId: CLUSTERS }]);
  });

  it('stays settable through later additions; a data file written from it (toData) holds the list as fixed', () => {
    const next = registry.withGroupMembers(CLUSTERS, hosts).withUnit({ id: '郑州中原科技城', kind: 'development-zone', parent: '郑州市人民政府' }).withAlias('中牟县', '中牟');
    expect(next.membersOf(CLUSTERS)).toEqual(hosts);
    expect(next.membersSettable(CLUSTERS)).toBe(true);
    expect(next.withGroupMembers(CLUSTERS, ['郑州中原科技城']).membersOf(CLUSTERS)).toEqual(['郑州中原科技城']);
    const written = UnitRegistry.fromData(JSON.parse(JSON.stringify(next.toData())));
    expect(written.membersOf(CLUSTERS)).toEqual(hosts);
    expect(written.membersSource(CLUSTERS)).toBe('listed');
  });

  it('refuses an unknown or fixed group, an empty list, a member listed twice or not a unit id', () => {
    expect(() => registry.withGroupMembers('各开发区', hosts)).toThrow(/no group has the id "各开发区"/);
    expect(() => registry.withGroupMembers('县市', hosts)).toThrow(/fixed by the registry data \(its ranking category\)/);
    expect(() => registry.withGroupMembers('市内五区', hosts)).toThrow(/fixed by the registry data \(its member list\)/);
    expect(() => registry.withGroupMembers(CLUSTERS, [])).toThrow(/needs at least one/);
    expect(() => registry.withGroupMembers(CLUSTERS, ['中牟县', '中牟县'])).toThrow(/member "中牟县" is listed twice/);
    expect(() => registry.withGroupMembers(CLUSTERS, ['中牟县', '市资划局'])).toThrow(/groups\[\d+\]\.members\[1\] \("各产业集聚区"\): member "市资划局" is not a unit id/);
    expect(() => registry.withGroupMembers(CLUSTERS, ['开发区'])).toThrow(/member "开发区" is not a unit id/);
  });
});
