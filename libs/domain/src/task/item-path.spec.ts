import { normalizeItemPath } from './item-path';

describe('normalizeItemPath: one written form for hand-registered and imported items', () => {
  it.each([
    ['一/（三）/1', '一/（三）/1'], // the importer's form is canonical
    ['一/(三)/1', '一/（三）/1'], // half-width parentheses
    [' 一 / （三） / 1 ', '一/（三）/1'], // whitespace
    ['一、/（三）/1.', '一/（三）/1'], // trailing punctuation as the number is written
    ['一/（三）/1．', '一/（三）/1'],
    ['一／（三）／1', '一/（三）/1'], // a full-width slash
    ['四/（二十五）', '四/（二十五）'],
    ['表1/行1', '表1/行1'],
    ['三/1', '三/1'], // a level that is not written is not guessed
  ])('%s → %s', (given, canonical) => {
    expect(normalizeItemPath(given)).toBe(canonical);
  });

  it('is idempotent', () => {
    for (const p of ['一/(三)/1.', ' 二 /（十二）', '表1/行1']) expect(normalizeItemPath(normalizeItemPath(p))).toBe(normalizeItemPath(p));
  });
});
