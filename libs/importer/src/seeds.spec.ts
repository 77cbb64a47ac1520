/**
 * The importer on the five real seed documents (DUBAN_SEEDS_DIR; without it the
 * suite says so and skips — examples.spec.ts checks the same behaviour on the
 * project's own documents, always). Every count below was made by hand from the
 * seed text (line numbers are the file's, as `cat -n` shows them); the comment
 * next to each count says how.
 */
import { taskIdFor } from '@duban/application/streams';
import { parsePolicyDocument } from './preview';
import { describeWithSeeds, seed } from './testing/seeds';
import type { ImportPreview, PreviewItem } from './types';

const item = (p: ImportPreview, path: string): PreviewItem => {
  const found = p.items.find((i) => i.path === path);
  if (found === undefined) throw new Error(`no item ${path} in the preview (items: ${p.items.map((i) => i.path).join(' ')})`);
  return found;
};
const codes = (p: ImportPreview): string[] => p.warnings.map((w) => w.code);

const THE_16 = [
  '郑州航空港区', '郑东新区', '郑州高新区', '郑州经开区', '巩义市', '新郑市', '登封市', '荥阳市', '新密市', '中牟县',
  '二七区', '管城回族区', '惠济区', '金水区', '中原区', '上街区',
];

describeWithSeeds('the importer on the seed documents', () => {
  describe('seed 000: 郑政办〔2021〕34号, fields on their own lines, a target table by unit', () => {
    let p: ImportPreview;
    beforeAll(() => {
      p = parsePolicyDocument(seed('000'));
    });

    it('reads the document header and footer', () => {
      expect(p.document).toEqual({
        issuer: '郑州市人民政府办公厅',
        issuerUnit: '市政府办公厅',
        docNumber: '郑政办〔2021〕34号', // line 9 "郑政办 〔2021〕34号": the PDF's space removed
        docNumberSource: 'header',
        date: '2021-04-30', // line 25
        printedDate: '2021-05-07', // line 757 "…2021年5月7日印发"
        title: '关于印发郑州市2021年小微企业园高质量发展工作要点的通知', // lines 13 + 15
        kind: '通知',
        draft: false,
        supervisor: { name: '市政府办公厅四处', unitId: '市政府办公厅四处', line: 751 },
        sponsor: { name: '市工信局', unitId: '市工信局', line: 751 },
        scope: '市政府办公厅',
        missing: [],
      });
    });

    it('counts', () => {
      expect(p.summary).toEqual({
        // 38 headings (一)…(三十八); four of them hold numbered sub-items instead of being items themselves:
        // (三) 1–4, (十九) 1–2, (三十一) 1–2, (三十四) 1–2 → 38 − 4 + 10 = 44.
        items: 44,
        // `grep -c 牵头单位` = 42: every item but (四) (line 135) and (二十四) (line 485) has one.
        withLead: 42,
        // `grep -c 责任单位` = 44, `grep -c 完成时限` = 44: one each per item.
        withResponsible: 44,
        withDeadline: 44,
        // (三)1 "20个以上", (三)2 "2000家以上", (三)3 "140家以上", (三)4 "450家以上", (十二) "不少于2个" and
        // "不少于1个", (二十六) "10个左右", (三十一)1 "61日内" = 8 (the "60个以上" of line 36 is in the preamble,
        // "1万元以下" (line 347) and bare figures such as "企业15家" are not read: see targets.ts).
        itemTargets: 8,
        // 附件: 16 unit rows (lines 718–748) × 4 columns.
        targetRows: 64,
        // 市高质量发展领导小组成员单位 (line 152): a group whose members no seed lists.
        unresolved: 1,
        // the two items without a lead unit, reported together
        warnings: 1,
        // every item but (四) and (二十四) has all RegisterTask needs
        complete: 42,
      });
      expect(codes(p)).toEqual(['no-lead']);
    });

    it('(三)1: 全年新开工20个以上小微企业园 — lead 市工信局 (line 83), the 16, seven cooperating, end of December', () => {
      const i = item(p, '一/（三）/1');
      expect(i).toMatchObject({
        taskId: taskIdFor('郑政办〔2021〕34号', '一/（三）/1'),
        line: 81,
        context: ['强化组织,健全机制,加快形成小微企业园高质量发展制度保障体系', '落实年度目标'],
        title: '全年新开工20个以上小微企业园',
        text: '全年新开工20个以上小微企业园。',
        leadUnits: ['市工信局'],
        responsibleUnits: THE_16,
        // lines 87–89, "市资\n\n源规划局" joined across the PDF line break
        cooperatingUnits: ['市发展改革委', '市科技局', '市住房保障局', '市自然资源规划局', '市金融局', '市人社局', '市统计局'],
        deadline: '2021-12-31',
        deadlineInstant: '2021-12-31T23:59:59+08:00',
        deadlineText: '2021年12月',
        deadlineKind: 'date',
        recurrence: null,
        targets: [{ value: 20, unit: '个', comparator: '>=', text: '20个以上', line: 81 }],
        missing: [],
      });
      expect(i.written.responsible).toEqual({
        text: '各开发区、区县(市)',
        line: 85,
        source: 'field',
        inheritedFrom: null,
        groups: [{ name: '各开发区、区县(市)', groupId: '各开发区、区县(市)', count: 16 }],
      });
    });

    it('spot checks', () => {
      expect(item(p, '一/（三）/4')).toMatchObject({ leadUnits: ['市科技局'], targets: [{ value: 450, unit: '家', comparator: '>=' }] });
      expect(item(p, '一/（一）')).toMatchObject({ title: '加强组织领导', deadline: '2021-04-30', deadlineText: '2021年4月' });
      expect(item(p, '一/（四）')).toMatchObject({ leadUnits: [], responsibleUnits: THE_16, missing: ['leadUnits'] });
      expect(item(p, '一/（九）').leadUnits).toEqual(['市工信局', '市人社局']);
      expect(item(p, '二/（十二）')).toMatchObject({
        deadline: '2021-10-31',
        targets: [
          { value: 2, unit: '个', comparator: '>=', text: '不少于2个' },
          { value: 1, unit: '个', comparator: '>=', text: '不少于1个' },
        ],
      });
      // lines 506–510: nine names, the last "航空港实\n\n验区税务局。" with its full stop
      expect(item(p, '四/（二十五）').cooperatingUnits).toEqual([
        '市发展改革委', '市财政局', '市金融局', '市科技局', '市人社局', '市统计局', '市市场监管局', '市税务局', '郑州航空港区税务局',
      ]);
      expect(item(p, '四/（二十六）').targets).toEqual([{ value: 10, unit: '个', comparator: '=', text: '10个左右', approximate: true, line: 518 }]);
      expect(item(p, '四/（二十八）').cooperatingUnits).toEqual(['市城管局', '郑州供电公司']);
      expect(item(p, '五/（三十一）/1').targets).toEqual([{ value: 61, unit: '日', comparator: '<=', text: '61日内', line: 586 }]);
      expect(item(p, '五/（三十三）')).toMatchObject({ leadUnits: ['市自然资源规划局'], deadline: '2021-06-30' });
      expect(item(p, '五/（三十八）').leadUnits).toEqual(['市委宣传部', '市工信局']);
    });

    it('reads the annex table by unit, its header rebuilt from three PDF lines', () => {
      expect(p.tables).toEqual([
        {
          kind: 'targets-by-unit',
          title: '2021年郑州市小微企业园建设工作目标任务分解表',
          line: 713,
          endLine: 748,
          rows: 16,
          annex: 1,
          notes: ['注:新开工小微企业园目标数含在建目标。'],
        },
      ]);
      const row = (unit: string, metric: string) => p.targets.find((t) => t.unit === unit && t.metric === metric);
      expect(row('郑州航空港区', '新开工市级小微企业园')).toEqual({
        unit: '郑州航空港区', unitName: '郑州航空港区', year: 2021, metric: '新开工市级小微企业园', value: 2, measure: null, line: 718, table: 0,
      });
      expect(row('巩义市', '集聚入园企业')?.value).toBe(150);
      expect(row('中原区', '科技型企业')?.value).toBe(20);
      expect(row('上街区', '“专精特新”企业')?.value).toBe(5);
      expect(new Set(p.targets.map((t) => t.unit))).toEqual(new Set(THE_16));
    });

    it('lists the unresolved name with its line and item', () => {
      expect(p.unresolved).toEqual([
        { name: '市高质量发展领导小组成员单位', reason: 'group-members-unknown', role: 'cooperating', line: 152, path: '一/（五）', groupId: '市高质量发展领导小组成员单位' },
      ]);
    });

    it('is deterministic: the same text gives the same preview', () => {
      const again = parsePolicyDocument(seed('000'));
      expect(JSON.stringify(again)).toBe(JSON.stringify(p));
      expect(new Set(p.items.map((i) => i.taskId)).size).toBe(44);
    });
  });

  describe('seed 001: a draft 实施意见, responsibilities in parentheses at the end of paragraphs', () => {
    let p: ImportPreview;
    beforeAll(() => {
      p = parsePolicyDocument(seed('001'));
    });

    it('reads what the draft has: a title, no 文号, no date, no issuer', () => {
      expect(p.document).toMatchObject({
        issuer: null,
        docNumber: null,
        date: null,
        title: '关于进一步加快小微企业园高质量发展的实施意见（征求意见稿）',
        kind: '实施意见',
        draft: true,
        supervisor: null,
        missing: ['docNumber', 'supervisingOffice'],
      });
      expect(p.items.every((i) => i.taskId === null)).toBe(true);
      expect(codes(p)).toEqual(expect.arrayContaining(['no-doc-number', 'no-issuer', 'no-date', 'no-supervisor', 'draft']));
    });

    it('counts', () => {
      expect(p.summary).toEqual({
        // `grep -c 责任单位` = 25 parentheses: section 一 (line 13, a section without numbered items) and items
        // 7–30; items 1–6 (sections 二 and 三) state none and are not proposed (two section-skipped warnings).
        items: 25,
        withLead: 0, // the parentheses name 责任单位 only
        withResponsible: 25,
        withDeadline: 0, // no 完成时限 anywhere
        // 一: 200家左右, 不少于2个, 不少于20个, 不少于1个, 不少于10个 (5); 8: 不低于1.5, 不得超过…7%, 不得超过25% (3);
        // 11: 不低于20%, 不得低于500平方米, 不得低于300平方米 (3); 12: 不得高于5年, 不超过1年, 30日内 (3);
        // 15: 不超过3个 (1); 24 and 25: 不超过…20%, 最高不超过300万元 (2 + 2); 29: 500万元以上 (1) = 20
        itemTargets: 20,
        targetRows: 0,
        // `grep -o 市制造业高质量发展工作领导小组成员单位 | wc -l` = 7 (items 19, 21, 23, 26, 27, 28, 30)
        unresolved: 7,
        // no-issuer, no-doc-number, no-date, no-supervisor, no-lead, no-deadline, draft, 2 × section-skipped
        warnings: 9,
        complete: 0,
      });
      expect(p.items.map((i) => i.path)).toEqual([
        '一', '四/7', '四/8', '四/9', '四/10', '四/11', '四/12', '四/13', '四/14', '五/15', '五/16', '五/17', '六/18', '六/19',
        '六/20', '六/21', '六/22', '七/23', '七/24', '七/25', '七/26', '八/27', '八/28', '八/29', '八/30',
      ]);
      expect(p.unresolved.map((u) => [u.line, u.path, u.role, u.reason])).toEqual(
        [[56, '六/19'], [59, '六/21'], [64, '七/23'], [70, '七/26'], [74, '八/27'], [75, '八/28'], [79, '八/30']].map(([line, path]) => [
          line, path, 'responsible', 'group-members-unknown',
        ]),
      );
    });

    it('spot checks', () => {
      // item 7: the typo 市资划局 is an alias of 市自然资源规划局
      expect(item(p, '四/7').responsibleUnits).toEqual([...THE_16, '市发展改革委', '市自然资源规划局', '市工信局']);
      expect(item(p, '一')).toMatchObject({ title: '发展目标', line: 11 });
      expect(item(p, '一').responsibleUnits).toHaveLength(22); // the 16 and six departments
      // item 25: the parenthesis stands alone on line 68, after a blank line
      expect(item(p, '七/25').written.responsible).toMatchObject({ line: 68, source: 'parenthesis' });
      expect(item(p, '七/25').text.endsWith('最高不超过300万元。')).toBe(true);
      // the closing sentence (line 81) is not part of item 30
      expect(item(p, '八/30').text).not.toContain('本意见自发布之日起施行');
      expect(item(p, '四/8').targets.map((t) => [t.value, t.unit, t.comparator])).toEqual([
        [1.5, '', '>='], [7, '%', '<='], [25, '%', '<='],
      ]);
    });

    it('derives ids once given a 文号', () => {
      const given = parsePolicyDocument(seed('001'), { docNumber: '郑政办 [2022] 5号' });
      expect(given.document).toMatchObject({ docNumber: '郑政办〔2022〕5号', docNumberSource: 'option' });
      expect(item(given, '四/7').taskId).toBe(taskIdFor('郑政办〔2022〕5号', '四/7'));
    });
  });

  describe('seed 002: 郑政办〔2019〕32号, a tab-separated division table', () => {
    let p: ImportPreview;
    beforeAll(() => {
      p = parsePolicyDocument(seed('002'));
    });

    it('counts', () => {
      expect(p.document).toMatchObject({
        docNumber: '郑政办〔2019〕32号',
        date: '2019-05-14',
        sponsor: { name: '市发展改革委', unitId: '市发展改革委', line: 150 },
        supervisor: { name: '市政府办公厅二处', unitId: '市政府办公厅二处', line: 152 },
      });
      expect(p.summary).toEqual({
        // items 1–16 of 三、重点任务 (lines 43–101), matched to table rows 1–16 (lines 126–146), and the table's
        // unnumbered first row "统筹协调推进…" (line 124) = 17
        items: 17,
        // 牵头部门 is 各产业集聚区 (members unknown) in rows 1, 6, 9, 10, 14, 15: 17 − 6 = 11
        withLead: 11,
        withResponsible: 0, // the table has 牵头部门 and 配合部门 only
        withDeadline: 0,
        // 1: 至少新引进1—2家 (twice), 10亿元以上, 5亿元以上, 700亿元以上 (5); 5: 8个以上, 1个以上 (2); 14: 150亿元以上 (1)
        itemTargets: 8,
        targetRows: 0,
        // 各产业集聚区: 6 times as lead (rows above) + 10 times among 配合部门 (rows 2 3 4 5 7 8 11 12 13 16)
        unresolved: 16,
        // no-lead, no-deadline, section-skipped × 3 (一 指导思想, 二 主要目标, 四 保障措施),
        // table-row-unmatched (line 124), table-title-mismatch (row 1 选优 / body 优选)
        warnings: 7,
        complete: 0,
      });
      expect(p.unresolved.filter((u) => u.role === 'lead')).toHaveLength(6);
      expect(p.unresolved.every((u) => u.name === '各产业集聚区' && u.reason === 'group-members-unknown')).toBe(true);
    });

    it('joins the table rows to the body items', () => {
      expect(item(p, '三/（一）/1')).toMatchObject({
        line: 43,
        title: '优选产业项目',
        leadUnits: [],
        cooperatingUnits: ['市商务局', '市发展改革委', '市自然资源规划局', '市生态环境局'],
        written: { cooperating: { source: 'table', line: 126 } },
      });
      expect(p.warnings.find((w) => w.code === 'table-title-mismatch')).toMatchObject({ line: 126, path: '三/（一）/1' });
      expect(item(p, '三/（四）/11').leadUnits).toEqual(['市金融局']); // written 市金融工作局
      expect(item(p, '三/（一）/3').leadUnits).toEqual(['市工信局', '市发展改革委']); // "市工信局、发展改革委": 市 carried
      expect(item(p, '表1/行1')).toMatchObject({ line: 124, title: '统筹协调推进产业集聚区和工业专业园区发展', leadUnits: ['市发展改革委'] });
      expect(item(p, '表1/行1').cooperatingUnits).toHaveLength(25);
      expect(item(p, '三/（一）/1').targets.map((t) => t.text)).toEqual(['至少新引进1—2家', '10亿元以上', '至少新引进1—2家', '5亿元以上', '700亿元以上']);
      expect(p.tables).toEqual([
        { kind: 'division', title: '2019年郑州市产业集聚区高质量发展任务分工', line: 123, endLine: 146, rows: 22, annex: 1, notes: [] },
      ]);
    });
  });

  describe('seed 003: 郑开管文〔2023〕146号, fields without deadlines, the zone\'s own units, a target table by year', () => {
    let p: ImportPreview;
    beforeAll(() => {
      p = parsePolicyDocument(seed('003'));
    });

    it('counts', () => {
      expect(p.document).toMatchObject({
        issuer: '郑州高新技术产业开发区管理委员会',
        issuerUnit: '郑州高新区',
        scope: '郑州高新区',
        docNumber: '郑开管文〔2023〕146号',
        date: '2023-09-15', // only the 印发 line (248) gives a date
        supervisor: null,
      });
      expect(p.summary).toEqual({
        items: 22, // 1.–22. under 三、 (lines 33–183); sections 一, 二 and 四 state no units
        withLead: 22, // `grep -c 牵头单位` = 22
        withResponsible: 22, // `grep -c 责任单位` = 22
        withDeadline: 0, // no 完成时限 in the document
        // 1: 10项以上; 2: 达到500项; 9: 不少于70家; 10: 95%左右, 达到5000家; 11: 不少于1000家, 1—2年内; 20: 1个工作日内
        itemTargets: 8,
        // 附件1 (lines 205–212): 7 metrics × 3 years
        targetRows: 21,
        // 各审批业务部门 (line 45): the zone's approving departments, never listed
        unresolved: 1,
        // no-supervisor, no-deadline, 3 × section-skipped, table-unrecognised (附件2, the members' list),
        // date-from-print-line
        warnings: 7,
        complete: 0,
      });
      expect(p.unresolved).toEqual([
        { name: '各审批业务部门', reason: 'group-members-unknown', role: 'responsible', line: 45, path: '三/（一）/2', groupId: '郑州高新区各审批业务部门' },
      ]);
    });

    it('resolves the zone\'s short names inside the zone', () => {
      expect(item(p, '三/（一）/1')).toMatchObject({
        title: '提升市场准入便利度',
        leadUnits: ['郑州高新区市场监管局'],
        responsibleUnits: ['郑州高新区政务服务中心', '郑州高新区税务局'],
        deadline: null,
        deadlineText: null,
        missing: ['deadline'],
        targets: [{ value: 10, unit: '项', comparator: '>=', text: '10项以上' }],
      });
      expect(item(p, '三/（一）/3').responsibleUnits).toContain('郑州高新区人力资源局');
      expect(item(p, '三/（七）/17').leadUnits).toEqual(['郑州高新区创新协同中心', '郑州高新区创新发展局']);
      expect(item(p, '三/（七）/22')).toMatchObject({
        leadUnits: ['郑州高新区党政办公室'],
        responsibleUnits: ['郑州高新区市场监管局', '郑州高新区合作共建区工作专班', '郑州高新区科学城办事处'],
      });
      expect(item(p, '三/（七）/20').targets).toEqual([{ value: 1, unit: '个工作日', comparator: '<=', text: '1个工作日内', line: 167 }]);
    });

    it('reads the target table by year, owned by the unit its title names', () => {
      expect(p.tables.map((t) => [t.kind, t.annex, t.line])).toEqual([
        ['targets-by-year', 1, 205],
        ['unrecognised', 2, 218],
      ]);
      expect(p.targets.find((t) => t.metric === '独角兽（种子）企业总量' && t.year === 2025)).toEqual({
        unit: '郑州高新区', unitName: '郑州高新区', year: 2025, metric: '独角兽（种子）企业总量', value: 6, measure: '家', line: 211, table: 0,
      });
      expect(p.targets.filter((t) => t.year === 2023).map((t) => t.value)).toEqual([16000, 2100, 3600, 230, 300, 5, 1000]);
    });
  });

  describe('seed 004: 郑政办文〔2021〕3号, a bulletin (通报) without tasks', () => {
    it('proposes no item and says what it found', () => {
      const p = parsePolicyDocument(seed('004'));
      expect(p.document).toMatchObject({ docNumber: '郑政办文〔2021〕3号', date: '2021-01-13', kind: '通报' });
      expect(p.summary).toMatchObject({ items: 0, targetRows: 0, unresolved: 0 });
      expect(codes(p)).toEqual(['no-supervisor', 'no-items', 'bulletin', 'annex-entries-ignored']);
      // the 22 commended practices are numbered 1.–22. in the annex (lines 35–76)
      expect(p.warnings.find((w) => w.code === 'annex-entries-ignored')?.message).toContain('22 numbered entries (lines 35–76)');
    });
  });
});
