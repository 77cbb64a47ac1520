import { InvalidFiguresQueryError, parsePeriodId, periodId } from '../figures/period';
import { DUBAN_LISTS_V1, resolveListRule } from './list-rule';

describe('period ids', () => {
  it.each([
    ['2021-05', { kind: 'month', year: 2021, index: 5 }],
    ['2021-12', { kind: 'month', year: 2021, index: 12 }],
    ['2021-Q2', { kind: 'quarter', year: 2021, index: 2 }],
    ['2021-H1', { kind: 'half', year: 2021, index: 1 }],
    ['2021', { kind: 'year', year: 2021 }],
  ] as const)('%s ⇄ %j', (id, period) => {
    expect(parsePeriodId(id)).toEqual(period);
    expect(periodId(period)).toBe(id);
  });

  it.each(['2021-13', '2021-00', '2021-Q5', '2021-H3', '2021-5', '21-05', '2021-q2', '1800', '', '2021-05-01'])('refuses %j, naming it', (id) => {
    expect(() => parsePeriodId(id)).toThrow(InvalidFiguresQueryError);
    expect(() => parsePeriodId(id)).toThrow(JSON.stringify(id).slice(1, -1));
  });
});

describe('list rules', () => {
  it('unset → duban-lists-v1; a built-in by name; a custom rule as JSON', () => {
    expect(resolveListRule(undefined)).toBe(DUBAN_LISTS_V1);
    expect(resolveListRule('duban-lists-v1')).toBe(DUBAN_LISTS_V1);
    expect(resolveListRule('{"id":"zz-lists","version":1,"redTop":3,"blackBottom":3,"minRankedUnits":4,"criticismListsBlack":true}')).toMatchObject({
      name: 'zz-lists-v1',
      redTop: 3,
    });
  });

  it('refuses unknown names, a built-in id+version reused, bad fields', () => {
    expect(() => resolveListRule('duban-lists-v9')).toThrow(/not a known list rule/);
    expect(() => resolveListRule('{"id":"duban-lists","version":1,"redTop":3,"blackBottom":3,"minRankedUnits":4,"criticismListsBlack":true}')).toThrow(/built-in/);
    expect(() => resolveListRule('{"id":"x","version":1,"redTop":-1,"blackBottom":3,"minRankedUnits":4,"criticismListsBlack":true}')).toThrow(/redTop/);
  });
});
