import { chineseDate, chineseNumeral, percent, score } from './format';

describe('bulletin number and date formats', () => {
  it.each<[number | null, string]>([
    [1, '100%'],
    [0, '0%'],
    [0.6667, '66.67%'],
    [0.955, '95.5%'],
    [0.125, '12.5%'],
    [0.0001, '0.01%'],
    [0.2857, '28.57%'],
    [0.07, '7%'],
    [null, '—'],
  ])('percent(%p) = %s', (rate, shown) => expect(percent(rate)).toBe(shown));

  it('scores with two decimals, — when unscored', () => {
    expect([98.5, 92, 61.2, 0, 100, null].map(score)).toEqual(['98.50', '92.00', '61.20', '0.00', '100.00', '—']);
  });

  it('dates in Beijing time, Chinese form', () => {
    expect(chineseDate('2021-06-01')).toBe('2021年6月1日');
    expect(chineseDate('2021-05-31T16:00:00Z')).toBe('2021年6月1日');
    expect(chineseDate('2021-06-01T23:59:59+08:00')).toBe('2021年6月1日');
    expect(() => chineseDate('2021-06-01T10:00:00')).toThrow(RangeError);
  });

  it('numerals for （一）…', () => {
    expect([1, 9, 10, 11, 19, 20, 21].map(chineseNumeral)).toEqual(['一', '九', '十', '十一', '十九', '二十', '二十一']);
  });
});
