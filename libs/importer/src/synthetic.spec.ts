/**
 * Layouts of the genre that the seeds do not show, on small documents written
 * for these tests (testing/synthetic.ts), one of them for another city with its
 * own registry.
 */
import { taskIdFor } from '@duban/application/streams';
import { parsePolicyDocument } from './preview';
import { LUOYANG_TASK_LIST, NEWS_ITEM, TABLE_ONLY_PLAN, TRADITIONAL_NOTICE, VARIANTS, luoyangRegistry } from './testing/synthetic';
import type { ImportPreview, PreviewItem } from './types';

const item = (p: ImportPreview, path: string): PreviewItem => {
  const found = p.items.find((i) => i.path === path);
  if (found === undefined) throw new Error(`no item ${path} (items: ${p.items.map((i) => i.path).join(' ')})`);
  return found;
};

describe('another city (洛阳, its own registry): sentences, parentheses, shared lines, 每季度, 长期坚持', () => {
  const p = parsePolicyDocument(LUOYANG_TASK_LIST, { registry: luoyangRegistry() });

  it('reads the document and resolves in the issuer\'s scope', () => {
    expect(p.document).toMatchObject({
      issuer: '洛阳市人民政府办公室',
      issuerUnit: '市政府办公室',
      docNumber: '洛政办〔2022〕15号',
      date: '2022-03-10',
      printedDate: '2022-03-11',
      title: '关于印发洛阳市2022年优化营商环境重点任务清单的通知',
      supervisor: { name: '市政府督查室', unitId: '市政府督查室' },
      sponsor: { name: '市发展改革委', unitId: '市发展改革委' },
    });
    expect(p.items.map((i) => i.path)).toEqual(['一/（一）', '一/（二）', '二/（三）/1', '二/（三）/2', '二/（四）', '二/（五）', '三/（六）']);
  });

  it('"X牵头，Y配合，Z负责落实" without labels, and a deadline sentence at the end', () => {
    expect(item(p, '一/（一）')).toMatchObject({
      leadUnits: ['市政务服务中心'],
      cooperatingUnits: ['市市场监管局', '市公安局'],
      responsibleUnits: ['偃师区', '孟津区', '新安县', '宜阳县'],
      written: { lead: { source: 'clause', line: 15 } },
      deadline: '2022-09-30',
      deadlineText: '2022年9月底前完成',
      targets: [
        { value: 90, unit: '%', comparator: '>=', text: '达到90%以上' },
        { value: 20, unit: '项', comparator: '>=', text: '不少于20项' },
      ],
    });
  });

  it('a parenthesis with roles and "6月底前" (the year from the document\'s date)', () => {
    const i = item(p, '一/（二）');
    expect(i).toMatchObject({
      text: '压缩企业开办时间。企业开办时间压缩至1个工作日内。',
      leadUnits: ['市市场监管局'],
      cooperatingUnits: ['偃师区', '孟津区', '新安县', '宜阳县'],
      responsibleUnits: [],
      deadline: '2022-06-30',
      deadlineText: '6月底前完成',
      missing: ['responsibleUnits'],
      targets: [{ value: 1, unit: '个工作日', comparator: '<=' }],
    });
    expect(p.warnings).toContainEqual(expect.objectContaining({ code: 'deadline-year-inferred', path: '一/（二）', line: 16 }));
  });

  it('one block of labelled lines after two sub-items covers both', () => {
    for (const path of ['二/（三）/1', '二/（三）/2']) {
      expect(item(p, path)).toMatchObject({
        leadUnits: ['市住建局'],
        responsibleUnits: ['偃师区', '孟津区', '新安县', '宜阳县'],
        deadline: '2022-12-31',
        deadlineText: '2022年底前',
        written: { lead: { inheritedFrom: '二/（三）', line: 21 } },
      });
    }
    expect(item(p, '二/（三）/1').targets).toEqual([
      { value: 60, unit: '个工作日', comparator: '<=', text: '控制在60个工作日以内', line: 19 },
    ]);
    expect(p.warnings).toContainEqual(expect.objectContaining({ code: 'shared-responsibility', line: 21, path: '二/（三）' }));
  });

  it('每季度 is recurring, 长期坚持 is ongoing: no date, the words kept', () => {
    expect(item(p, '二/（四）')).toMatchObject({ deadline: null, deadlineText: '每季度', deadlineKind: 'recurring', recurrence: 'quarterly', missing: ['deadline'] });
    expect(item(p, '二/（五）')).toMatchObject({ deadline: null, deadlineText: '长期坚持', deadlineKind: 'ongoing', recurrence: null });
    expect(item(p, '三/（六）')).toMatchObject({ deadline: '2022-12-31', deadlineInstant: '2022-12-31T23:59:59+08:00' });
  });

  it('an unknown unit is listed, never guessed', () => {
    expect(item(p, '三/（六）').cooperatingUnits).toEqual([]);
    expect(p.unresolved).toEqual([{ name: '市营商办', reason: 'unknown', role: 'cooperating', line: 35, path: '三/（六）' }]);
  });

  it('ids are taskIdFor(文号, path)', () => {
    for (const i of p.items) expect(i.taskId).toBe(taskIdFor('洛政办〔2022〕15号', i.path));
  });
});

describe('traditional characters', () => {
  const p = parsePolicyDocument(TRADITIONAL_NOTICE);

  it('reads labels, units, deadlines and targets written in traditional characters', () => {
    expect(p.document).toMatchObject({
      issuer: '郑州市人民政府办公厅',
      docNumber: '郑政办〔2022〕8号',
      title: '关于印发郑州市2022年重点项目建设工作方案的通知',
      supervisor: { unitId: '市政府办公厅四处' },
    });
    expect(item(p, '一/（一）')).toMatchObject({
      title: '加快项目建设',
      leadUnits: ['市发展改革委'],
      cooperatingUnits: ['市财政局', '市自然资源规划局'],
      deadline: '2022-06-30',
      targets: [
        { value: 20, unit: '个', comparator: '>=', text: '20个以上' },
        { value: 500, unit: '亿元', comparator: '>=', text: '不少于500亿元' },
      ],
    });
    expect(item(p, '一/（一）').responsibleUnits).toHaveLength(16);
    expect(item(p, '一/（二）')).toMatchObject({ title: '强化要素保障', deadline: '2022-12-31' });
    expect(p.source.traditionalNormalised).toBeGreaterThan(50);
    expect(p.warnings.map((w) => w.code)).toEqual(['traditional-normalised']);
  });
});

describe('variants: role marks, verbs inside labels, deadline parentheses, a year that rolls over', () => {
  const p = parsePolicyDocument(VARIANTS);

  it('（市大数据局牵头，市财政局配合，2022年6月底前完成）', () => {
    expect(item(p, '一/1')).toMatchObject({
      text: '建设城市大脑。',
      leadUnits: ['市大数据局'],
      cooperatingUnits: ['市财政局'],
      deadline: '2022-06-30',
      written: { lead: { source: 'parenthesis' } },
    });
  });

  it('责任单位：市工信局（牵头）、… and "3月底前" in a document of December: next year', () => {
    const i = item(p, '一/2');
    expect(i.leadUnits).toEqual(['市工信局']);
    expect(i.responsibleUnits).toEqual(['市工信局', '郑州供电公司', ...item(p, '一/4').responsibleUnits]);
    expect(i.deadline).toBe('2022-03-31');
    expect(i.targets).toEqual([{ value: 3000, unit: '个', comparator: '>=', text: '不少于3000个', line: 11 }]);
    expect(p.warnings).toContainEqual(expect.objectContaining({ code: 'deadline-year-inferred', path: '一/2' }));
  });

  it('责任单位：市大数据局牵头，市政务办配合 — the verbs decide', () => {
    expect(item(p, '一/3')).toMatchObject({ leadUnits: ['市大数据局'], cooperatingUnits: ['市政务办'], responsibleUnits: [], deadline: '2022-12-31' });
  });

  it('责任单位：各开发区、区县（市）负责 — the verb is not part of the name', () => {
    expect(item(p, '二/（四）')).toMatchObject({ leadUnits: [], deadline: '2022-06-30', written: { responsible: { text: '各开发区、区县（市）', line: 27 } } });
    expect(item(p, '二/（四）').responsibleUnits).toHaveLength(16);
  });

  it('a deadline in parentheses is read and taken out of the title and text', () => {
    expect(item(p, '一/4')).toMatchObject({ title: '推动企业上云', text: '推动企业上云。', deadline: '2022-09-30', leadUnits: ['市工信局'] });
  });

  it('a sentence with roles, and one naming an unknown unit (applied: none)', () => {
    expect(item(p, '二/（一）')).toMatchObject({ leadUnits: ['市工信局'], cooperatingUnits: ['市委组织部', '市人社局'], deadline: null });
    expect(item(p, '二/（二）')).toMatchObject({ leadUnits: ['市政府办公厅四处'], recurrence: 'quarterly', deadline: null });
    expect(item(p, '二/（三）')).toMatchObject({ leadUnits: [], cooperatingUnits: [], missing: ['leadUnits', 'responsibleUnits', 'deadline'] });
    expect(p.unresolved).toEqual([{ name: '市数字办', reason: 'unknown', role: 'lead', line: 25, path: '二/（三）' }]);
    expect(p.warnings).toContainEqual(expect.objectContaining({ code: 'clause-not-applied', path: '二/（三）' }));
  });
});

describe('a plan that is only a division table (markdown pipes) and a target table by unit', () => {
  const p = parsePolicyDocument(TABLE_ONLY_PLAN);

  it('proposes the rows as items 表1/n, with the deadline column', () => {
    expect(p.items.map((i) => [i.path, i.title, i.leadUnits, i.deadline, i.deadlineKind])).toEqual([
      ['表1/1', '开展高校毕业生就业服务', ['市人社局'], '2022-08-31', 'date'],
      ['表1/2', '落实援企稳岗政策', ['市人社局', '市财政局'], '2022-05-31', 'date'], // "6月前": before June
      ['表1/3', '开展职业技能培训', ['市人社局'], null, 'recurring'],
    ]);
    expect(item(p, '表1/3')).toMatchObject({ responsibleUnits: ['市教育局'], recurrence: 'half-yearly' });
    expect(p.warnings.map((w) => w.code)).toEqual(['table-row-unmatched', 'deadline-ambiguous', 'deadline-year-inferred']);
  });

  it('reads the target table, skips the total row and lists the unknown row name', () => {
    expect(p.targets.map((t) => [t.unit, t.unitName, t.year, t.metric, t.value, t.measure])).toEqual([
      ['郑东新区', '郑东新区', 2022, '新增城镇就业', 9000, '人'],
      ['郑东新区', '郑东新区', 2022, '失业人员再就业', 1200, '人'],
      ['巩义市', '巩义市', 2022, '新增城镇就业', 6500, '人'],
      ['巩义市', '巩义市', 2022, '失业人员再就业', 800, '人'],
      [null, '某某新区', 2022, '新增城镇就业', 100, '人'],
      [null, '某某新区', 2022, '失业人员再就业', 10, '人'],
    ]);
    expect(p.tables[1]).toMatchObject({ kind: 'targets-by-unit', annex: 2, notes: ['1 total row(s) (合计/全市) not read as targets'] });
    expect(p.unresolved).toEqual([{ name: '某某新区', reason: 'unknown', role: 'target-unit', line: 32, path: null }]);
  });
});

describe('a Chinese text that is not a task document', () => {
  it('gives an empty preview whose warnings say what is missing', () => {
    const p = parsePolicyDocument(NEWS_ITEM);
    expect(p.items).toEqual([]);
    expect(p.document.title).toBe('郑州召开优化营商环境推进会');
    expect(p.warnings.map((w) => w.code)).toEqual(['no-issuer', 'no-doc-number', 'no-date', 'no-supervisor', 'no-items', 'no-title']);
  });
});
