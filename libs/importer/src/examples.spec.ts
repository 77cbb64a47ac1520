/**
 * The importer on the project's own example documents (examples/documents, one
 * per layout the seeds show; see its README). These always run: the seed suites
 * (seeds.spec.ts) need DUBAN_SEEDS_DIR. Line numbers are the files', as `cat -n`
 * shows them.
 */
import { taskIdFor } from '@duban/application/streams';
import { parsePolicyDocument } from './preview';
import { example, THE_16 } from './testing/examples';
import type { ImportPreview, PreviewItem } from './types';

const item = (p: ImportPreview, path: string): PreviewItem => {
  const found = p.items.find((i) => i.path === path);
  if (found === undefined) throw new Error(`no item ${path} in the preview (items: ${p.items.map((i) => i.path).join(' ')})`);
  return found;
};
const codes = (p: ImportPreview): string[] => p.warnings.map((w) => w.code);

describe('example 01 (郑政办〔2026〕8号): fields on their own lines, an annex target table by unit', () => {
  let p: ImportPreview;
  beforeAll(() => {
    p = parsePolicyDocument(example('workPlan'));
  });

  it('reads the header and the footer', () => {
    expect(p.document).toEqual({
      issuer: '郑州市人民政府办公厅',
      issuerUnit: '市政府办公厅',
      docNumber: '郑政办〔2026〕8号',
      docNumberSource: 'header',
      date: '2026-02-27', // line 13
      printedDate: '2026-03-02', // line 105
      title: '关于印发郑州市2026年中小企业数字化转型工作要点的通知', // lines 6–7 joined
      kind: '通知',
      draft: false,
      supervisor: { name: '市政府办公厅四处', unitId: '市政府办公厅四处', line: 101 },
      sponsor: { name: '市工信局', unitId: '市工信局', line: 101 },
      scope: '市政府办公厅',
      missing: [],
    });
  });

  it('counts', () => {
    expect(p.summary).toEqual({
      items: 6, // (一) (二) (三)1 (三)2 (四) (五): (三) holds sub-items instead of being one
      withLead: 5, // (四) names only a 责任单位
      withResponsible: 6,
      withDeadline: 6,
      itemTargets: 3, // 1000家以上, 不少于60个, 200人次以上
      targetRows: 18, // 6 units × 3 metrics
      unresolved: 1, // 市高质量发展领导小组成员单位 (line 81): a group whose members are unknown
      warnings: 1,
      complete: 5,
    });
    expect(codes(p)).toEqual(['no-lead']);
    expect(p.items.map((i) => i.path)).toEqual(['一/（一）', '一/（二）', '一/（三）/1', '一/（三）/2', '二/（四）', '二/（五）']);
  });

  it('一/（三）/1: lead, the 16 through the group, cooperating, end of December, a target', () => {
    expect(item(p, '一/（三）/1')).toMatchObject({
      taskId: taskIdFor('郑政办〔2026〕8号', '一/（三）/1'),
      line: 45,
      context: ['夯实工作基础', '完成年度任务'],
      title: '全年完成数字化诊断的企业1000家以上',
      leadUnits: ['市工信局'],
      responsibleUnits: THE_16,
      cooperatingUnits: ['市科技局', '市统计局'],
      deadline: '2026-12-31',
      deadlineInstant: '2026-12-31T23:59:59+08:00',
      deadlineText: '2026年12月',
      deadlineKind: 'date',
      targets: [{ value: 1000, unit: '家', comparator: '>=', text: '1000家以上', line: 45 }],
      missing: [],
    });
    expect(item(p, '一/（三）/1').written.responsible).toMatchObject({ text: '各开发区、区县（市）', line: 49, source: 'field' });
  });

  it('spot checks', () => {
    expect(item(p, '一/（一）')).toMatchObject({ title: '组建工作专班', deadline: '2026-03-31', cooperatingUnits: [] });
    expect(item(p, '一/（二）').cooperatingUnits).toEqual(['市统计局', '市大数据局']);
    expect(item(p, '一/（三）/2')).toMatchObject({ deadline: '2026-11-30', targets: [{ value: 60, unit: '个', comparator: '>=', text: '不少于60个' }] });
    expect(item(p, '二/（四）')).toMatchObject({ leadUnits: [], responsibleUnits: ['市财政局'], missing: ['leadUnits'] });
    expect(item(p, '二/（五）')).toMatchObject({ leadUnits: ['市人社局'], cooperatingUnits: ['市工信局'], deadline: '2026-09-30' });
  });

  it('reads the annex table by unit with its unit of measure', () => {
    expect(p.tables).toEqual([
      { kind: 'targets-by-unit', title: '2026年郑州市中小企业数字化转型目标任务分解表', line: 93, endLine: 99, rows: 6, annex: 1, notes: [] },
    ]);
    expect(p.targets.find((t) => t.unit === '郑州高新区' && t.metric === '上云企业')).toEqual({
      unit: '郑州高新区', unitName: '郑州高新区', year: 2026, metric: '上云企业', value: 320, measure: '家', line: 96, table: 0,
    });
    expect(p.targets.filter((t) => t.metric === '诊断企业').map((t) => [t.unit, t.value])).toEqual([
      ['郑州航空港区', 90], ['郑东新区', 80], ['郑州高新区', 120], ['巩义市', 60], ['中牟县', 50], ['金水区', 40],
    ]);
  });

  it('lists the unresolved name with its line and item', () => {
    expect(p.unresolved).toEqual([
      { name: '市高质量发展领导小组成员单位', reason: 'group-members-unknown', role: 'cooperating', line: 81, path: '二/（五）', groupId: '市高质量发展领导小组成员单位' },
    ]);
  });

  it('is deterministic', () => {
    expect(JSON.stringify(parsePolicyDocument(example('workPlan')))).toBe(JSON.stringify(p));
  });
});

describe('example 02 (郑政办〔2026〕11号): responsibilities in parentheses', () => {
  let p: ImportPreview;
  beforeAll(() => {
    p = parsePolicyDocument(example('parentheses'));
  });

  it('counts, and skips the sections that state nothing', () => {
    expect(p.document).toMatchObject({ docNumber: '郑政办〔2026〕11号', date: '2026-03-16', kind: '实施意见', sponsor: { unitId: '市政务办' }, supervisor: { unitId: '市政府办公厅二处' } });
    expect(p.summary).toEqual({
      items: 5,
      withLead: 2, // 2 and 5 say "…牵头"
      withResponsible: 3, // 1, 3, 4 name a 责任单位
      withDeadline: 4, // 3 states none
      itemTargets: 3, // 不少于15项, 不超过15个工作日, 3个工作日内
      targetRows: 0,
      unresolved: 0,
      warnings: 4,
      complete: 0,
    });
    expect(codes(p)).toEqual(['no-lead', 'no-deadline', 'section-skipped', 'section-skipped']);
    expect(p.items.map((i) => i.path)).toEqual(['二/1', '二/2', '二/3', '三/4', '三/5']);
  });

  it('reads each kind of parenthesis', () => {
    // （责任单位：…；完成时限：…）: the 市 department and the group in one list
    expect(item(p, '二/1')).toMatchObject({ responsibleUnits: ['市政务办', ...THE_16], deadline: '2026-10-31', written: { responsible: { source: 'parenthesis', line: 20 } } });
    // （X牵头，Y、Z配合，…前完成）
    expect(item(p, '二/2')).toMatchObject({ leadUnits: ['市大数据局'], cooperatingUnits: ['市工信局', '市财政局'], responsibleUnits: [], deadline: '2026-08-31' });
    // a 责任单位 alone, no deadline
    expect(item(p, '二/3')).toMatchObject({ responsibleUnits: THE_16, deadline: null, missing: ['leadUnits', 'deadline'] });
    expect(item(p, '三/4').targets).toEqual([{ value: 15, unit: '个工作日', comparator: '<=', text: '不超过15个工作日', line: 28 }]);
    expect(item(p, '三/5')).toMatchObject({ leadUnits: ['市市场监管局'], cooperatingUnits: ['市政务办'], deadline: '2026-09-30' });
    // the parenthesis is taken out of the item's text
    expect(item(p, '三/5').text).not.toContain('牵头');
  });
});

describe('example 03 (郑政办〔2026〕15号): a tab-separated division table', () => {
  let p: ImportPreview;
  beforeAll(() => {
    p = parsePolicyDocument(example('divisionTable'));
  });

  it('counts', () => {
    expect(p.document).toMatchObject({ docNumber: '郑政办〔2026〕15号', date: '2026-04-08', sponsor: { unitId: '市发展改革委' }, supervisor: { unitId: '市政府办公厅二处' } });
    expect(p.summary).toEqual({
      items: 7, // body items 1–6 matched to table rows 1–6, and the unnumbered first row
      withLead: 5, // rows 1 and 5 are led by 各产业集聚区 (members unknown)
      withResponsible: 0, // the table has 牵头部门 and 配合部门 only
      withDeadline: 0,
      itemTargets: 4, // 1: 5亿元以上, 不少于2个; 3: 10%以上; 4: 20家以上
      targetRows: 0,
      unresolved: 6, // 各产业集聚区 in rows 1–6: twice as lead, four times among 配合部门
      warnings: 5,
      complete: 0,
    });
    expect(codes(p)).toEqual(['no-lead', 'no-deadline', 'section-skipped', 'section-skipped', 'table-row-unmatched']);
    expect(p.unresolved.map((u) => [u.path, u.role])).toEqual([
      ['二/（一）/1', 'lead'], ['二/（一）/2', 'cooperating'], ['二/（二）/3', 'cooperating'], ['二/（二）/4', 'cooperating'], ['二/（三）/5', 'lead'], ['二/（三）/6', 'cooperating'],
    ]);
  });

  it('joins the table rows to the body items', () => {
    expect(p.tables).toEqual([{ kind: 'division', title: '2026年郑州市产业集聚区提质增效任务分工表', line: 50, endLine: 60, rows: 10, annex: 1, notes: [] }]);
    expect(item(p, '二/（一）/1')).toMatchObject({ line: 26, title: '招引链主企业', leadUnits: [], cooperatingUnits: ['市商务局', '市发展改革委'], written: { cooperating: { source: 'table', line: 53 } } });
    // "市工信局、生态环境局": the 市 carried over the list
    expect(item(p, '二/（二）/4').leadUnits).toEqual(['市工信局', '市生态环境局']);
    expect(item(p, '二/（三）/5').cooperatingUnits).toEqual(['市城建局', '市水务局']);
    expect(item(p, '表1/行1')).toMatchObject({
      line: 51,
      title: '统筹推进产业集聚区提质增效',
      leadUnits: ['市发展改革委'],
      cooperatingUnits: ['市工信局', '市财政局', '市自然资源规划局', '市商务局', '市统计局'],
    });
  });
});

describe('example 04 (郑政办文〔2026〕2号): a bulletin (通报) without tasks', () => {
  it('proposes no item and says what it found', () => {
    const p = parsePolicyDocument(example('bulletin'));
    expect(p.document).toMatchObject({ docNumber: '郑政办文〔2026〕2号', date: '2026-01-20', kind: '通报' });
    expect(p.summary).toMatchObject({ items: 0, targetRows: 0, unresolved: 0 });
    expect(codes(p)).toEqual(['no-supervisor', 'no-items', 'bulletin', 'annex-entries-ignored']);
    expect(p.warnings.find((w) => w.code === 'annex-entries-ignored')?.message).toContain('6 numbered entries (lines 22–27)');
  });
});
