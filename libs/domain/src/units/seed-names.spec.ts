/**
 * Every unit-looking name in the five seed documents (kept outside the repository; DUBAN_SEEDS_DIR), written
 * down by hand as it appears there (PDF spacing such as "区县 (市)" kept), with the
 * unit or group it must resolve to. If a new seed document is added, add its names.
 *
 *   000 郑政办〔2021〕34号   2021年小微企业园高质量发展工作要点 (督办: 市政府办公厅四处)
 *   001 关于进一步加快小微企业园高质量发展的实施意见 (征求意见稿)
 *   002 郑政办〔2019〕32号   2019年产业集聚区高质量发展专项工作方案 (督办: 市政府办公厅二处)
 *   003 郑开管文〔2023〕146号 郑州高新区培育壮大市场主体工作方案 (issued by the zone)
 *   004 郑政办文〔2021〕3号  2020年度市政府综合督查典型经验做法的通报
 */
import { UnitRegistry, normalizeUnitName } from '@duban/domain/units';

const registry = UnitRegistry.seeded();
const ZONE = '郑州高新区';

const THE_16_NAMES = [
  '郑州航空港区', '郑东新区', '郑州高新区', '郑州经开区',
  '巩义市', '新郑市', '登封市', '荥阳市', '新密市', '中牟县',
  '上街区', '二七区', '管城回族区', '惠济区', '金水区', '中原区',
];
const COPIED_TO: Array<[string, string]> = [
  ['郑州警备区', '郑州警备区'],
  ['市人大常委会办公厅', '市人大常委会办公厅'],
  ['市政协办公厅', '市政协办公厅'],
  ['市法院', '郑州市中级人民法院'],
  ['市检察院', '郑州市人民检察院'],
];
const same = (names: string[]): Array<[string, string]> => names.map((n) => [n, n]);

/** [name as written, unit id] for names that resolve anywhere (global names). */
const UNIT_NAMES: Record<string, Array<[string, string]>> = {
  '000': [
    ['郑州市人民政府办公厅', '市政府办公厅'],
    ['市人民政府', '郑州市人民政府'],
    ['市政府', '郑州市人民政府'],
    ['市委', '中共郑州市委'],
    ['中共郑州市委办公厅', '市委办公厅'],
    ...same(['市工信局', '市人社局', '市发展改革委', '市科技局', '市住房保障局', '市金融局', '市统计局', '市商务局']),
    ...same(['市城建局', '市市场监管局', '市生态环境局', '市大数据局', '市财政局', '市税务局', '市城管局', '郑州供电公司']),
    ...same(['市应急局', '市政务办', '市委组织部', '市委宣传部', '市政府办公厅四处']),
    ['市资源规划局', '市自然资源规划局'],
    ['航空港实验区税务局', '郑州航空港区税务局'],
    ['高新区', '郑州高新区'], // (十二) 推动高新区中国(郑州)智能传感谷
    ...same(THE_16_NAMES), // 附件 目标任务分解表
    ...COPIED_TO,
  ],
  '001': [
    ...same(['市工信局', '市发展改革委', '市城建局', '市生态环境局', '市应急局', '市国资委', '市财政局', '市政务办']),
    ...same(['市住房保障局', '市市场监管局', '市税务局', '市金融局', '市商务局', '市科技局', '市人社局', '市大数据局']),
    ...same(['市城管局', '市统计局', '市委宣传部']),
    ['市资源规划局', '市自然资源规划局'],
    ['市资划局', '市自然资源规划局'], // typo, item 7
    ['市供电公司', '郑州供电公司'],
    ['市市场监督管理局', '市市场监管局'],
  ],
  '002': [
    ['郑州市人民政府办公厅', '市政府办公厅'],
    ['市人民政府', '郑州市人民政府'],
    ['市政府', '郑州市人民政府'],
    ['市委', '中共郑州市委'],
    ['中共郑州市委办公厅', '市委办公厅'],
    ...same(['市发展改革委', '市财政局', '市商务局', '市科技局', '市工信局', '市人社局', '市城建局', '市税务局']),
    ...same(['市自然资源规划局', '市生态环境局', '郑州供电公司', '郑州市自来水公司', '郑州市热力总公司', '郑州市燃气公司']),
    ...same(['市政府办公厅二处']),
    ['市市场监督管理局', '市市场监管局'],
    ['市场监督管理局', '市市场监管局'],
    ['市金融工作局', '市金融局'],
    ['航空港区', '郑州航空港区'], // 8. 富士康航空港区生产线
    ...COPIED_TO,
  ],
  '003': [
    ['郑州高新技术产业开发区管理委员会', ZONE],
    ['郑州高新区', ZONE],
    ['高新区', ZONE],
    ['市委', '中共郑州市委'],
    ['市政府', '郑州市人民政府'],
    ['市政府办公厅', '市政府办公厅'],
    ['郑州市人民政府办公厅', '市政府办公厅'],
    ['市政务办', '市政务办'],
  ],
  '004': [
    ['郑州市人民政府办公厅', '市政府办公厅'],
    ['市政府办公厅', '市政府办公厅'],
    ['市政府', '郑州市人民政府'],
    ['市人民政府', '郑州市人民政府'],
    ['市委', '中共郑州市委'],
    ['新郑市人民政府', '新郑市'],
    ['郑州经开区管委会', '郑州经开区'],
    ['郑州高新区管委会', '郑州高新区'],
    ['郑东新区管委会', '郑东新区'],
    ['巩义市人民政府', '巩义市'],
    ['中牟县人民政府', '中牟县'],
    ['新密市人民政府', '新密市'],
    ['郑州航空港区管委会', '郑州航空港区'],
    ['荥阳市人民政府', '荥阳市'],
    ['中原区人民政府', '中原区'],
    ['管城回族区人民政府', '管城回族区'],
    ['惠济区人民政府', '惠济区'],
    ['金水区人民政府', '金水区'],
    ['上街区人民政府', '上街区'],
    ['二七区人民政府', '二七区'],
    ['登封市人民政府', '登封市'],
    ['郑州航空港经济综合实验区', '郑州航空港区'],
    ...same(THE_16_NAMES),
    ...COPIED_TO,
  ],
};

/** Seed 003: the zone's own units, written by their short names (resolved with scope 郑州高新区). */
const ZONE_NAMES: Array<[string, string]> = [
  ['市场监管局', '郑州高新区市场监管局'],
  ['市场监督管理局', '郑州高新区市场监管局'], // 附件2: 市场监督管理局局长崔秉武
  ['税务局', '郑州高新区税务局'],
  ['人力资源和社会保障局', '郑州高新区人力资源局'],
  ['人力资源局', '郑州高新区人力资源局'],
  ...[
    '政务服务中心', '国土规划住建局', '创新发展局', '财政金融局', '高新投控集团', '创新协同中心', '城市管理局',
    '党政办公室', '合作共建区工作专班', '科学城办事处', '环保安监局', '社会事业局', '农业农村局', '投资促进中心',
    '政策研究中心', '智慧产业发展中心', '石佛园区运营中心', '枫杨园区运营中心', '双桥园区运营中心', '梧桐园区运营中心',
  ].map((n): [string, string] => [n, `郑州高新区${n}`]),
];

/** Seed 002 附件: department names written without 市 after a 市 department ("市财政局、编办、…"). */
const CARRIED_NAMES: Array<[string, string]> = [
  ['编办', '市编办'],
  ['自然资源规划局', '市自然资源规划局'],
  ['金融工作局', '市金融局'],
  ['应急管理局', '市应急局'],
  ['税务局', '市税务局'],
  ['发展改革委', '市发展改革委'],
  ...['生态环境局', '商务局', '工信局', '科技局', '人社局', '城建局', '住房保障局', '交通局', '统计局', '教育局']
    .map((n): [string, string] => [n, `市${n}`]),
  ...['民政局', '公安局', '卫健委', '城镇办', '财政局', '水务局', '国资委'].map((n): [string, string] => [n, `市${n}`]),
];

/** [seed, name as written, group id, number of members, scope]. */
const GROUP_NAMES: Array<[string, string, string, number, string?]> = [
  ['000', '各开发区、区县 (市)', '各开发区、区县(市)', 16],
  ['000', '开发区、区县 (市)', '各开发区、区县(市)', 16], // (三十六) 组织开发区、区县 (市)…
  ['000', '各开发区管委会', '开发区', 4],
  ['000', '各区县 (市)人民政府', '各区县(市)', 12],
  ['000', '各开发区', '开发区', 4], // (十二) 各开发区新建…不少于2个、各区县 (市)不少于1个
  ['000', '各区县 (市)', '各区县(市)', 12],
  ['000', '四个开发区', '开发区', 4],
  ['000', '六县市', '县市', 6],
  ['000', '市内五区和上街区', '市内区', 6],
  ['000', '市内5区和上街区', '市内区', 6],
  ['001', '各开发区、区县（市）', '各开发区、区县(市)', 16],
  ['001', '开发区、区县（市）', '各开发区、区县(市)', 16], // 26. 鼓励开发区、区县（市）…
  ['001', '各开发区', '开发区', 4],
  ['001', '各区县（市）', '各区县(市)', 12],
  ['001', '市内五区', '市内五区', 5], // 6. 市内五区和开发区…
  ['001', '开发区', '开发区', 4],
  ['001', '县（市）', '县市', 6], // 11. 位于县（市）的…
  ['002', '各县（市、区）人民政府', '各区县(市)', 12],
  ['002', '各县（市、区）', '各区县(市)', 12],
  ['003', '各园区运营中心', '郑州高新区各园区运营中心', 4, ZONE],
  ['004', '各开发区管委会', '开发区', 4],
  ['004', '各区县（市）人民政府', '各区县(市)', 12],
  ['004', '16个开发区和区县（市）', '各开发区、区县(市)', 16],
  ['004', '市内五区', '市内五区', 5], // 金水区: 在市内五区率先…
];

/** Group names the seeds use without ever listing the members: known, reported as unresolved. */
const GROUPS_WITHOUT_MEMBERS: Array<[string, string, string, string?]> = [
  ['000', '市高质量发展领导小组成员单位', '市高质量发展领导小组成员单位'],
  ['001', '市制造业高质量发展工作领导小组成员单位', '市制造业高质量发展工作领导小组成员单位'],
  ['002', '各产业集聚区', '各产业集聚区'],
  ['003', '各审批业务部门', '郑州高新区各审批业务部门', ZONE],
];

/**
 * Collective phrases of the seeds that are deliberately NOT units or groups
 * (addressee lines, leading bodies that are not in any list): they must stay
 * unknown rather than be guessed.
 */
const NOT_UNITS = [
  '各有关单位', '市人民政府有关部门', '市人民政府各部门', '市直各相关部门', '市委各部门', '各办事处', '内设机构',
  '管委会', '党工委', '市制造业高质量发展工作领导小组', '区培育壮大市场主体工作领导小组办公室', '供电公司', '自来水公司',
];

/** Every responsible / lead / cooperating list of the seeds, as written (scope for seed 003). */
const LISTS: Array<[string, string, string?]> = [
  // seed 000 (distinct lists; line breaks of the PDF as in (一) and (二十五))
  ['000', '市工信局、市人社局'],
  ['000', '市委宣传部、市工信局'],
  ['000', '市生态环境局、市资源规划局'],
  ['000', '市发展改革委、市科技局、市住房保障局、市资\n\n源规划局、市金融局、市人社局、市统计局'],
  ['000', '市发展改革委、市科技局、市商务局、市金融\n\n局、市人社局、市统计局'],
  ['000', '市发展改革委、市科技局、市资源规划局、市市\n\n场监管局、市统计局'],
  ['000', '市发展改革委、市资源规划局、市城建局、市统\n\n计局'],
  ['000', '市发展改革委、市生态环境局、市市场监管局、\n\n市统计局'],
  ['000', '市发展改革委、市生态环境局、市科技局、市统\n\n计局、市市场监管局'],
  ['000', '市发展改革委、市工信局'],
  ['000', '市发展改革委、市商务局、市大数据局'],
  ['000', '市发展改革委、市财政局、市金融局、市科技\n\n局、市人社局、市统计局、市市场监管局、市税务局、航空港实\n\n验区税务局。'],
  ['000', '市城管局、郑州供电公司'],
  ['000', '市发展改革委、市资源规划局、市政务办'],
  ['000', '市高质量发展领导小组成员单位'],
  // seed 001 (every 责任单位 parenthesis)
  ['001', '各开发区、区县（市），市工信局、市发展改革委、市资源规划局、市城建局、市生态环境局、市应急局'],
  ['001', '各开发区、区县（市），市发展改革委、市资划局、市工信局'],
  ['001', '各开发区、区县（市），市资源规划局、市城建局、市生态环境局'],
  ['001', '各开发区、区县（市），市国资委、市财政局、市资源规划局、市城建局、市生态环境局'],
  ['001', '各开发区、区县（市），市城建局、市资源规划局、市政务办、市发展改革委、市生态环境局、市工信局'],
  ['001', '各开发区、区县（市），市住房保障局、市资源规划局、市工信局'],
  ['001', '各开发区、区县（市），市住房保障局'],
  ['001', '各开发区、区县（市），市工信局、市资源规划局、市生态环境局、市市场监管局、市税务局'],
  ['001', '各开发区、区县（市），市应急局、市生态环境局'],
  ['001', '各开发区、区县（市），市资源规划局、市城建局'],
  ['001', '各开发区、区县（市），市金融局、市发展改革委、市财政局'],
  ['001', '各开发区、区县（市），市工信局、市发展改革委、市供电公司'],
  ['001', '各开发区、区县（市），市商务局'],
  ['001', '各开发区、区县（市），市制造业高质量发展工作领导小组成员单位'],
  ['001', '各开发区、区县（市），市工信局、市科技局、市人社局'],
  ['001', '各开发区、区县（市），市工信局、市财政局'],
  ['001', '各开发区、区县（市），市工信局、市财政局、市制造业高质量发展工作领导小组成员单位'],
  ['001', '各开发区、区县（市），市工信局、市住房保障局、市财政局'],
  ['001', '各开发区、区县（市），市工信局、市大数据局、市财政局、市城管局'],
  ['001', '各开发区、区县（市），市发展改革委、市工信局、市市场监督管理局、市统计局'],
  ['001', '各开发区、区县（市），市委宣传部、市制造业高质量发展工作领导小组成员单位'],
  // seed 002 附件 (牵头部门 and 配合部门 of every row)
  ['002', '市财政局、编办、自然资源规划局、生态环境局、商务局、工信局、科技局、人社局、城建局、住房保障局、交通局、统计局、教育局、民政局、公安局、卫健委、市场监督管理局、税务局、金融工作局、应急管理局、城镇办、郑州供电公司、郑州市自来水公司、郑州市热力总公司、郑州市燃气公司'],
  ['002', '各产业集聚区'],
  ['002', '市商务局、发展改革委、自然资源规划局、生态环境局'],
  ['002', '市科技局、工信局、财政局、自然资源规划局、生态环境局、各产业集聚区'],
  ['002', '市工信局、发展改革委'],
  ['002', '市科技局、财政局、自然资源规划局、生态环境局、各产业集聚区'],
  ['002', '市工信局、科技局'],
  ['002', '市市场监督管理局、各产业集聚区'],
  ['002', '市财政局、各产业集聚区'],
  ['002', '市自然资源规划局、工信局、科技局、生态环境局、财政局、发展改革委'],
  ['002', '市税务局、统计局、自然资源规划局、生态环境局、科技局、金融工作局、市场监督管理局、工信局、水务局、应急管理局、各产业集聚区'],
  ['002', '市发展改革委、各产业集聚区'],
  ['002', '市自然资源规划局、国资委'],
  ['002', '市生态环境局、发展改革委、自然资源规划局、城建局'],
  ['002', '市金融工作局'],
  ['002', '市人社局'],
  ['002', '市科技局、工信局、各产业集聚区'],
  ['002', '市城建局、水务局'],
  ['002', '市自然资源规划局、发展改革委'],
  ['002', '市工信局、各产业集聚区'],
  // seed 003 (the zone's own lists)
  ['003', '市场监管局', ZONE],
  ['003', '政务服务中心、税务局', ZONE],
  ['003', '政务服务中心、各审批业务部门', ZONE],
  ['003', '政务服务中心、人力资源和社会保障局、税务局', ZONE],
  ['003', '政务服务中心、国土规划住建局、人力资源和社会保障局、税务局', ZONE],
  ['003', '各园区运营中心', ZONE],
  ['003', '创新发展局', ZONE],
  ['003', '财政金融局、各园区运营中心', ZONE],
  ['003', '各园区运营中心、高新投控集团', ZONE],
  ['003', '创新协同中心、创新发展局', ZONE],
  ['003', '创新发展局、城市管理局', ZONE],
  ['003', '各园区运营中心、税务局', ZONE],
  ['003', '党政办公室', ZONE],
  ['003', '市场监管局、合作共建区工作专班、科学城办事处', ZONE],
];

const withoutMembers = new Set(GROUPS_WITHOUT_MEMBERS.map(([, name]) => name));

// it.each rows of fixed length (jest would take a missing optional column for its `done` callback)
const GROUP_ROWS = GROUP_NAMES.map(([seed, name, groupId, count, scope]) => [seed, name, groupId, count, scope ?? null] as const);
const WITHOUT_MEMBERS_ROWS = GROUPS_WITHOUT_MEMBERS.map(([seed, name, groupId, scope]) => [seed, name, groupId, scope ?? null] as const);
const LIST_ROWS = LISTS.map(([seed, text, scope]) => [seed, text, scope ?? null] as const);

describe('every unit-looking name of the five seeds resolves', () => {
  const unitCases = Object.entries(UNIT_NAMES).flatMap(([seed, names]) => names.map(([name, id]) => [seed, name, id] as const));

  it.each(unitCases)('seed %s: %s → %s', (_seed, name, id) => {
    expect(registry.resolve(name)?.unitId).toBe(id);
  });

  it.each(ZONE_NAMES)('seed 003, inside 郑州高新区: %s → %s', (name, id) => {
    expect(registry.resolve(name, { scope: ZONE })?.unitId).toBe(id);
    expect(registry.get(id)?.parent).toBe(ZONE);
  });

  it.each(CARRIED_NAMES)('seed 002, after a 市 department: %s → %s', (name, id) => {
    expect(registry.resolve(name)?.unitId).not.toBe(id); // not a name by itself…
    const list = registry.resolveList(`市政务办、${name}`); // …but carried over a list
    expect(list.unresolved).toEqual([]);
    expect(list.units).toEqual(['市政务办', id]);
  });

  it.each(GROUP_ROWS)('seed %s: group %s → %s (%d units)', (_seed, name, groupId, count, scope) => {
    const group = registry.group(name, scope === null ? {} : { scope });
    expect(group?.id).toBe(groupId);
    expect(group?.members).toHaveLength(count);
  });

  it.each(WITHOUT_MEMBERS_ROWS)('seed %s: %s is a known group whose members are unknown', (_seed, name, groupId, scope) => {
    const list = registry.resolveList(name, scope === null ? {} : { scope });
    expect(list.units).toEqual([]);
    expect(list.unresolved).toEqual([{ name, index: 0, reason: 'group-members-unknown', groupId }]);
  });

  it.each(NOT_UNITS)('%s is deliberately not a unit (reported, not guessed)', (name) => {
    expect(registry.lookup(name)).toBeNull();
    expect(registry.resolveList(name).unresolved).toEqual([{ name, index: 0, reason: 'unknown' }]);
  });

  it.each(LIST_ROWS)('seed %s list: %s', (_seed, text, scope) => {
    const list = registry.resolveList(text, scope === null ? {} : { scope });
    for (const entry of list.unresolved) {
      expect(entry.reason).toBe('group-members-unknown');
      expect(withoutMembers.has(entry.name)).toBe(true);
    }
    expect(list.items.length).toBeGreaterThan(0);
    for (const id of list.units) expect(registry.has(id)).toBe(true);
  });

  it('the seed 002 master row resolves to 25 distinct city units', () => {
    expect(registry.resolveList(LISTS.find(([seed, text]) => seed === '002' && text.startsWith('市财政局、编办'))![1]).units).toEqual([
      '市财政局', '市编办', '市自然资源规划局', '市生态环境局', '市商务局', '市工信局', '市科技局', '市人社局', '市城建局',
      '市住房保障局', '市交通局', '市统计局', '市教育局', '市民政局', '市公安局', '市卫健委', '市市场监管局', '市税务局',
      '市金融局', '市应急局', '市城镇办', '郑州供电公司', '郑州市自来水公司', '郑州市热力总公司', '郑州市燃气公司',
    ]);
  });

  it('counts', () => {
    const distinctNames = (names: string[]): number => new Set(names.map(normalizeUnitName)).size;
    const distinct = new Set<string>([
      ...unitCases.map(([, name]) => name),
      ...ZONE_NAMES.map(([name]) => `${ZONE}:${name}`),
      ...CARRIED_NAMES.map(([name]) => `carried:${name}`),
      ...GROUP_NAMES.map(([, name]) => name),
      ...GROUPS_WITHOUT_MEMBERS.map(([, name]) => name),
    ]);
    // distinct names in normal form (a zone or carried name counted apart from the same global string)
    expect({
      global: distinctNames(unitCases.map(([, name]) => name)),
      zone: ZONE_NAMES.length,
      carried: CARRIED_NAMES.length,
      groups: distinctNames(GROUP_NAMES.map(([, name]) => name)),
      groupsWithoutMembers: GROUPS_WITHOUT_MEMBERS.length,
    }).toEqual({ global: 81, zone: 25, carried: 23, groups: 17, groupsWithoutMembers: 4 });
    expect(distinctNames([...distinct])).toBe(EXPECTED_DISTINCT_NAMES);
    expect(LISTS).toHaveLength(EXPECTED_LISTS);
  });
});

/** 81 global unit names + 25 zone names + 23 carried names + 17 group names + 4 groups without members. */
const EXPECTED_DISTINCT_NAMES = 150;
const EXPECTED_LISTS = 70;
