import { SourceText } from './lines';
import { findTargets } from './targets';

const read = (text: string) => findTargets(new SourceText().append(text, 1)).map(({ line: _line, ...t }) => t);

describe('findTargets', () => {
  it.each([
    ['全年新开工20个以上小微企业园', { value: 20, unit: '个', comparator: '>=', text: '20个以上' }],
    ['推动2000家以上小微企业入园', { value: 2000, unit: '家', comparator: '>=', text: '2000家以上' }],
    ['新建小微企业园不少于2个', { value: 2, unit: '个', comparator: '>=', text: '不少于2个' }],
    ['累计达到500项', { value: 500, unit: '项', comparator: '>=', text: '达到500项' }],
    ['主营业务收入超4000亿元', { value: 4000, unit: '亿元', comparator: '>', text: '超4000亿元' }],
    ['最高不超过300万元', { value: 300, unit: '万元', comparator: '<=', text: '最高不超过300万元' }],
    ['不得超过工业用地面积的7%', { value: 7, unit: '%', comparator: '<=', text: '不得超过工业用地面积的7%' }],
    ['容积率不低于1.5', { value: 1.5, unit: '', comparator: '>=', text: '不低于1.5' }],
    ['建筑面积10万平方米以上', { value: 10, unit: '万平方米', comparator: '>=', text: '10万平方米以上' }],
    ['实现项目审批61日内办结', { value: 61, unit: '日', comparator: '<=', text: '61日内' }],
    ['1个工作日内完成审核', { value: 1, unit: '个工作日', comparator: '<=', text: '1个工作日内' }],
    ['至少新引进1—2家龙头企业', { value: 1, unit: '家', comparator: '>=', text: '至少新引进1—2家' }],
    ['力争库内企业1—2年内通过认定', { value: 2, unit: '年', comparator: '<=', text: '1—2年内' }],
    ['示范平台10个左右', { value: 10, unit: '个', comparator: '=', text: '10个左右', approximate: true }],
    ['新增不少于两个', { value: 2, unit: '个', comparator: '>=', text: '不少于两个' }],
    ['劳动生产率达到35万元/人', { value: 35, unit: '万元/人', comparator: '>=', text: '达到35万元/人' }],
    ['全年检查企业不少于5000家次', { value: 5000, unit: '家次', comparator: '>=', text: '不少于5000家次' }],
  ])('%s', (text, expected) => {
    expect(read(text)).toEqual([expected]);
  });

  it('does not read quantities without a comparator, conditions with 以下, years or places', () => {
    expect(read('四个开发区全年培育“专精特新”企业15家')).toEqual([]);
    expect(read('对亩均税收1万元以下的企业予以整改')).toEqual([]);
    expect(read('到2025年，在全市建成一批园区')).toEqual([]);
    expect(read('组织召开2—3次观摩会')).toEqual([]);
    expect(read('达到国内先进水平')).toEqual([]);
    expect(read('园区内企业')).toEqual([]);
    expect(read('走进500强企业')).toEqual([]);
  });

  it('keeps every target of a text, in order, with its line', () => {
    const source = new SourceText().append('各开发区新建不少于2个、', 256).append('各区县(市)不少于1个。', 258);
    expect(findTargets(source).map((t) => [t.value, t.line])).toEqual([
      [2, 256],
      [1, 258],
    ]);
  });
});
