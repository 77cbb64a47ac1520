import { UnitRegistry } from '@duban/domain/units';
import { TRADITIONAL_TO_SIMPLIFIED, toSimplified } from './traditional';

describe('traditional → simplified', () => {
  it('maps the field labels, deadline and target words', () => {
    expect(toSimplified('牽頭單位：市發展改革委；責任單位：各開發區、區縣（市）；配合單位：市財政局；完成時限：長期堅持').text).toBe(
      '牵头单位：市发展改革委；责任单位：各开发区、区县（市）；配合单位：市财政局；完成时限：长期坚持',
    );
    expect(toSimplified('全年新開工20個以上，不少於500億元，達到1萬家，每季度').text).toBe('全年新开工20个以上，不少于500亿元，达到1万家，每季度');
    expect(toSimplified('鄭州市人民政府辦公廳關於印發…的通知 鄭政辦〔2022〕8號 督辦：市政府辦公廳四處').text).toBe(
      '郑州市人民政府办公厅关于印发…的通知 郑政办〔2022〕8号 督办：市政府办公厅四处',
    );
  });

  it('counts what it replaced and leaves simplified text alone', () => {
    expect(toSimplified('為責單位')).toMatchObject({ text: '为责单位', replaced: 3 });
    expect(toSimplified('郑州市工信局')).toEqual({ text: '郑州市工信局', replaced: 0, samples: [] });
  });

  it('never maps a character to a traditional one, and leaves out the word-dependent ones', () => {
    for (const [t, s] of TRADITIONAL_TO_SIMPLIFIED) {
      expect({ t, s, chained: TRADITIONAL_TO_SIMPLIFIED.has(s) }).toEqual({ t, s, chained: false });
    }
    for (const ch of ['乾', '著', '瞭', '徵', '藉', '係', '餘']) expect(TRADITIONAL_TO_SIMPLIFIED.has(ch)).toBe(false);
  });

  it('does not change any name of the unit registry (they are all simplified)', () => {
    const registry = UnitRegistry.seeded();
    const names = [...registry.units.flatMap((u) => [u.id, ...u.aliases, ...u.localAliases]), ...registry.groups.flatMap((g) => [g.id, ...g.aliases])];
    for (const name of names) expect(toSimplified(name).text).toBe(name);
  });
});
