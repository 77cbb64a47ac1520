import { BulletinInputError, draftBulletin, periodKindOf } from './index';
import type { BulletinInput } from './index';
import { sampleBulletinInput } from './testing/sample-input';

const text = (input: BulletinInput) => {
  const doc = draftBulletin(input);
  return doc.sections.flatMap((s) => [s.heading, ...s.paragraphs.map((p) => `${p.lead ?? ''}${p.text}`)]).join('\n');
};

describe('draftBulletin', () => {
  it('drafts the title, 文号, the four sections in order, the signature and the annex', () => {
    const doc = draftBulletin(sampleBulletinInput());
    expect(doc.title).toBe('郑州市人民政府办公厅关于2021年5月份重点工作督查情况的通报');
    expect(doc.documentNumber).toBe('郑政办文〔2021〕　号');
    expect(doc.sections.map((s) => s.heading)).toEqual(['一、总体情况', '二、通报表扬', '三、通报批评', '四、工作要求']);
    expect(doc.signature).toEqual({ issuer: '郑州市人民政府办公厅', date: '2021年6月7日' });
    expect(doc.attachmentNote).toBe('附件：2021年5月份重点工作督查考评情况统计表');
    expect(doc.annex.tables.map((t) => t.caption)).toEqual(['（一）开发区', '（二）县市', '（三）市内区']);
    expect(doc.annex.tables.map((t) => t.rows.length)).toEqual([4, 6, 6]);
  });

  it('writes the totals and each group’s top and bottom unit in 一、总体情况, and names the unscored unit', () => {
    const [overall, groups] = draftBulletin(sampleBulletinInput()).sections[0]!.paragraphs;
    expect(overall!.text).toBe(
      '2021年5月份，纳入考评的重点工作事项共128项，已办结117项，办结率91.41%，按期办结率86.72%；逾期未办结11项，其中已督办5项、已通报批评2项。',
    );
    expect(groups!.text).toContain('县市组新郑市得分最高（97.06分），中牟县得分最低（61.20分）');
    expect(groups!.text).toContain('惠济区本期无应办结事项，未参与排名。');
  });

  it('praises the red list and criticises the black list, naming each overdue item with its 文号, path, days and ladder step', () => {
    const doc = draftBulletin(sampleBulletinInput());
    const praise = doc.sections[1]!.paragraphs;
    expect(praise.filter((p) => p.lead).map((p) => p.lead)).toEqual(['（一）郑东新区。', '（二）新郑市。', '（三）金水区。']);
    expect(praise[1]!.text).toBe('在开发区组中排名第1，得分98.50分，按期办结率100%，办结率100%，无逾期未办结事项。');
    const criticism = doc.sections[2]!.paragraphs;
    expect(criticism.filter((p) => p.lead).map((p) => p.lead)).toEqual(['（一）郑州航空港区。', '（二）中牟县。', '（三）上街区。']);
    const zhongmou = criticism.findIndex((p) => p.lead === '（二）中牟县。');
    expect(criticism[zhongmou]!.text).toBe(
      '在县市组中排名第6，得分61.20分，按期办结率50%，办结率62.5%，逾期未办结3项，往期逾期未办结1项。逾期事项如下：',
    );
    expect(criticism.slice(zhongmou + 1, zhongmou + 4).map((p) => p.text)).toEqual([
      '1. 郑政办〔2021〕34号文件第一部分第（四）项第2条“完成县城污水处理厂提标改造”，逾期15个工作日，已按程序通报批评。',
      '2. 郑政办〔2021〕34号文件第二部分第（三）项第5条“推动文化旅游项目集中开工”，逾期7个工作日，已督办。',
      '3. 郑政办〔2021〕34号文件第四部分第（一）项第1条“落实高标准农田建设任务”，逾期2个工作日，已催办。',
    ]);
  });

  it('drafts 四、工作要求 from the black list, the rectification date and the totals', () => {
    const requirements = draftBulletin(sampleBulletinInput()).sections[3]!.paragraphs;
    expect(requirements.map((p) => p.lead)).toEqual(['（一）抓紧整改逾期事项。', '（二）严格落实办结时限。', '（三）强化督查结果运用。']);
    expect(requirements[0]!.text).toBe(
      '郑州航空港区、中牟县、上街区要对照本通报所列逾期事项，逐项查找原因，明确整改措施、责任人和完成时限，于2021年6月18日前将整改情况书面报送郑州市人民政府办公厅。',
    );
    expect(requirements[1]!.text).toContain('全市尚有11项重点工作事项逾期未办结，其中5项已督办。');
    const { rectifyBy: _dropped, ...withoutDate } = sampleBulletinInput();
    expect(draftBulletin(withoutDate).sections[3]!.paragraphs[0]!.text).toContain('自本通报印发之日起15个工作日内将整改情况');
  });

  it('takes the requirements given instead of drafting them', () => {
    const doc = draftBulletin({ ...sampleBulletinInput(), requirements: [{ heading: '做好汛期安全工作', text: '各单位要……' }] });
    expect(doc.sections[3]!.paragraphs).toEqual([{ lead: '（一）做好汛期安全工作。', text: '各单位要……' }]);
  });

  it('says so when there is no black list and nothing overdue', () => {
    const input = sampleBulletinInput();
    const clean: BulletinInput = {
      ...input,
      totals: { ...input.totals, overdue: 0, escalated: 0, listedForCriticism: 0 },
      black: [],
      groups: input.groups.map((g) => ({ ...g, entries: g.entries.map((e) => ({ ...e, black: false })) })),
    };
    const body = text(clean);
    expect(body).toContain('三、通报批评\n本期未产生通报批评单位。');
    expect(body).toContain('无逾期未办结事项。');
    expect(body).toContain('（一）巩固办理成效。');
    expect(body).not.toContain('抓紧整改');
  });

  it('patterns the title on the period kind', () => {
    const title = (id: string, label: string) => draftBulletin({ ...sampleBulletinInput(), period: { id, label } }).title;
    expect(title('2021-Q2', '2021年第二季度')).toBe('郑州市人民政府办公厅关于2021年第二季度重点工作督查情况的通报');
    expect(title('2021-H1', '2021年上半年')).toBe('郑州市人民政府办公厅关于2021年上半年重点工作督查情况的通报');
    expect(title('2021', '2021年度')).toBe('郑州市人民政府办公厅关于2021年度重点工作督查情况的通报');
    expect(['2021-05', '2021-Q2', '2021-H1', '2021'].map(periodKindOf)).toEqual(['month', 'quarter', 'half', 'year']);
  });

  it('shows an instant issue date as its Beijing date', () => {
    const doc = draftBulletin({ ...sampleBulletinInput(), issuedAt: '2021-06-06T16:30:00Z' });
    expect(doc.signature.date).toBe('2021年6月7日');
  });

  it('puts the anchor for duban verify in the annex notes', () => {
    const doc = draftBulletin(sampleBulletinInput());
    const hash = '9f2c4e7a1b3d5f60718293a4b5c6d7e8f9011223344556677889900aabbccdd';
    expect(doc.annex.notes.at(-1)).toBe(`3. 本通报数据依据事件日志第48213条（头哈希${hash}）生成，可用 duban verify --anchor ${hash}@48213 核验。`);
    expect(doc.provenance).toEqual({ anchor: `${hash}@48213`, position: '48213', headHash: hash, rule: 'duban-score-v2', template: 'duban-bulletin-v1' });
  });

  it('formats the annex rows: score with 2 decimals, rates as percentages, — for what does not apply', () => {
    const doc = draftBulletin(sampleBulletinInput());
    expect(doc.annex.tables[0]!.rows[3]).toEqual({
      unitId: '郑州航空港区',
      mark: 'black',
      cells: ['郑州航空港区', '70.20', '4', '10', '60%', '80%', '0%', '0%', '73.33%', '2', '0', '1', '黑榜'],
    });
    expect(doc.annex.tables[2]!.rows[5]!.cells).toEqual(['惠济区', '—', '—', '0', '—', '—', '—', '—', '—', '0', '0', '0', '—']);
  });

  it('orders the chart’s bars by rank, the unscored unit left out', () => {
    const doc = draftBulletin(sampleBulletinInput());
    expect(doc.chart.groups[1]!.bars.map((b) => `${b.rank}${b.unit}${b.mark ?? ''}`)).toEqual(['1新郑市red', '2巩义市', '2荥阳市', '4登封市', '5新密市', '6中牟县black']);
    expect(doc.chart.groups[2]!.bars.map((b) => b.unit)).not.toContain('惠济区');
  });

  describe('refuses an inconsistent input, naming the field', () => {
    const refused = (mutate: (input: BulletinInput) => BulletinInput) => {
      try {
        draftBulletin(mutate(sampleBulletinInput()));
      } catch (e) {
        expect(e).toBeInstanceOf(BulletinInputError);
        return (e as BulletinInputError).field;
      }
      throw new Error('accepted');
    };
    it.each<[string, (input: BulletinInput) => BulletinInput]>([
      ['period.id', (i) => ({ ...i, period: { id: '2021-13', label: '2021年13月' } })],
      ['headHash', (i) => ({ ...i, headHash: 'XYZ' })],
      ['position', (i) => ({ ...i, position: '-1' })],
      ['issuedAt', (i) => ({ ...i, issuedAt: '2021-02-30' })],
      ['black[0].unitId', (i) => ({ ...i, black: [{ ...i.black[0]!, unitId: '郑州市' }, ...i.black.slice(1)] })],
      ['red[0].unitId', (i) => ({ ...i, red: [{ unitId: '郑州高新区' }, ...i.red.slice(1)] })],
      ['red', (i) => ({ ...i, red: i.red.slice(1) })],
      ['groups', (i) => ({ ...i, groups: i.groups.slice(1) })],
      ['groups[0].entries[0].onTimeRate', (i) => ({ ...i, groups: [{ ...i.groups[0]!, entries: [{ ...i.groups[0]!.entries[0]!, onTimeRate: 1.2 }, ...i.groups[0]!.entries.slice(1)] }, ...i.groups.slice(1)] })],
      ['black[1].overdueItems[0].step', (i) => ({ ...i, black: i.black.map((b, n) => (n === 1 ? { ...b, overdueItems: [{ ...b.overdueItems[0]!, step: '约谈' as never }] } : b)) })],
    ])('%s', (field, mutate) => {
      expect(refused(mutate)).toBe(field);
    });
  });
});
