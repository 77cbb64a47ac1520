import { readDeadline } from './deadline';

const doc = (documentDate: string | null, fallbackYear: number | null = null) => ({ documentDate, fallbackYear });
const date = (text: string, context = doc('2021-04-30')) => readDeadline(text, context).date;

describe('readDeadline', () => {
  it.each([
    ['2021年4月', '2021-04-30'], // a month means its last day
    ['2021年2月', '2021-02-28'],
    ['2024年2月底前', '2024-02-29'],
    ['2021年12月底前', '2021-12-31'],
    ['2021年10月31日前', '2021-10-31'],
    ['2021年6月30日', '2021-06-30'],
    ['2021年6月中旬', '2021-06-20'],
    ['2021年6月上旬前', '2021-06-10'],
    ['2022年底前', '2022-12-31'],
    ['2022年年底前', '2022-12-31'],
    ['2022年上半年', '2022-06-30'],
    ['2022年第三季度', '2022-09-30'],
    ['2022年一季度末', '2022-03-31'],
    ['二〇二二年六月底前', '2022-06-30'],
    ['2021年 12 月', '2021-12-31'],
  ])('%s → %s', (text, expected) => {
    expect(readDeadline(text, doc('2021-04-30'))).toMatchObject({ kind: 'date', date: expected, recurrence: null });
  });

  it('takes the year of a date written without one from the document', () => {
    const r = readDeadline('6月底前', doc('2021-04-30'));
    expect(r).toMatchObject({ kind: 'date', date: '2021-06-30' });
    expect(r.notes.map((n) => n.code)).toEqual(['deadline-year-inferred']);
    expect(date('年底前')).toBe('2021-12-31');
    expect(date('年内完成')).toBe('2021-12-31');
    expect(date('9月30日前')).toBe('2021-09-30');
  });

  it('moves to the next year when that date is already past at issue', () => {
    const r = readDeadline('3月底前', doc('2021-12-20'));
    expect(r.date).toBe('2022-03-31');
    expect(r.notes[0]!.message).toContain('2021-03-31 is before the document');
  });

  it('uses the 文号 year when the document has no date, and says it cannot date without either', () => {
    expect(readDeadline('6月底前', doc(null, 2023)).date).toBe('2023-06-30');
    expect(readDeadline('6月底前', doc(null, null))).toMatchObject({ kind: 'unrecognised', date: null });
  });

  it('reads "6月前" literally (before June) and says so', () => {
    const r = readDeadline('2022年6月前', doc('2022-01-01'));
    expect(r.date).toBe('2022-05-31');
    expect(r.notes.map((n) => n.code)).toEqual(['deadline-ambiguous']);
    expect(readDeadline('2022年1月前', doc('2021-10-01')).date).toBe('2021-12-31');
  });

  it('proposes the latest of several dates, the later ones following the first one\'s year', () => {
    const r = readDeadline('2021年6月底前完成方案制定，12月底前全面完成', doc('2021-04-30'));
    expect(r.date).toBe('2021-12-31');
    expect(r.notes.map((n) => n.code)).toEqual(['deadline-several']);
  });

  it('长期坚持, 持续推进: ongoing; 每月/每季度/每半年/每年: recurring; 立即: immediate — no date', () => {
    expect(readDeadline('长期坚持', doc('2021-04-30'))).toEqual({ kind: 'ongoing', date: null, recurrence: null, notes: [] });
    expect(readDeadline('持续推进', doc('2021-04-30')).kind).toBe('ongoing');
    expect(readDeadline('2021年4月起长期坚持', doc('2021-04-30'))).toMatchObject({ kind: 'ongoing', date: null });
    expect(readDeadline('每季度', doc('2021-04-30'))).toMatchObject({ kind: 'recurring', recurrence: 'quarterly', date: null });
    expect(readDeadline('每季度末', doc('2021-04-30')).recurrence).toBe('quarterly');
    expect(readDeadline('每月10日前报送', doc('2021-04-30')).recurrence).toBe('monthly'); // a day of every month
    expect(readDeadline('每月', doc('2021-04-30')).recurrence).toBe('monthly');
    expect(readDeadline('按月报送', doc('2021-04-30')).recurrence).toBe('monthly');
    expect(readDeadline('每半年', doc('2021-04-30')).recurrence).toBe('half-yearly');
    expect(readDeadline('每年', doc('2021-04-30')).recurrence).toBe('yearly');
    expect(readDeadline('立即启动', doc('2021-04-30')).kind).toBe('immediate');
  });

  it('says when it cannot read the words', () => {
    const r = readDeadline('视情况而定', doc('2021-04-30'));
    expect(r).toMatchObject({ kind: 'unrecognised', date: null });
    expect(r.notes[0]!.code).toBe('deadline-unrecognised');
    expect(readDeadline('2021年2月30日', doc('2021-01-01')).kind).toBe('unrecognised');
    expect(readDeadline('3个月内', doc('2021-01-01')).kind).toBe('unrecognised');
  });
});
