import fc from 'fast-check';
import type { Page } from '@duban/projections';
import { pageBody } from './page-json';

const withBigints = (_key: string, value: unknown) => (typeof value === 'bigint' ? value.toString() : value);
const reference = (value: unknown) => Buffer.from(JSON.stringify(value, withBigints), 'utf8');

const SHARED_NEEDS = [Object.freeze([]), Object.freeze(['acknowledge']), Object.freeze(['report_progress', 'submit_completion'])];

describe('pageBody', () => {
  it('writes exactly the UTF-8 bytes of JSON.stringify (bigints as strings), for any page of entries', () => {
    const scalar = fc.oneof(
      fc.string(),
      fc.string({ unit: 'binary' }), // lone surrogates and astral characters too
      fc.integer(),
      fc.double({ noNaN: true, noDefaultInfinity: true }),
      fc.boolean(),
      fc.constant(null),
      fc.constant(undefined),
      fc.bigInt(),
      fc.date({ noInvalidDate: true }),
    );
    const item = fc.dictionary(fc.string(), fc.oneof(scalar, fc.array(scalar), fc.dictionary(fc.string(), scalar)));
    const entry = fc.record(
      {
        item: fc.oneof({ weight: 8, arbitrary: item }, { weight: 1, arbitrary: scalar }),
        needs: fc.oneof(
          fc.array(fc.constantFrom('acknowledge', 'report_progress', 'submit_completion')),
          fc.constantFrom(...SHARED_NEEDS), // frozen and shared, as ItemsQuery hands them out: their JSON is cached
        ),
        overdue: fc.boolean(),
        msToDeadline: fc.oneof(fc.integer(), fc.constant(null)),
        extra: fc.oneof(fc.constant(undefined), scalar),
      },
      { requiredKeys: ['item', 'needs', 'overdue', 'msToDeadline'] },
    );
    const row = fc.oneof({ weight: 9, arbitrary: entry }, { weight: 1, arbitrary: scalar });
    fc.assert(
      fc.property(fc.array(row, { maxLength: 8 }), fc.nat(), fc.nat(), fc.nat(), (rows, total, limit, offset) => {
        const page = { rows, total, limit, offset } as unknown as Page<object>; // rows that are not entries too: any shape
        expect(pageBody(page).equals(reference(page))).toBe(true);
        expect(pageBody(page).equals(reference(page))).toBe(true); // second time from the item cache
      }),
      { numRuns: 500 },
    );
  });

  it('keeps Chinese text exact and writes a new item object anew', () => {
    const first = { key: 'task:郑政办〔2021〕34号-三-1:中牟县', title: '全年新开工20个以上小微企业园', lastPosition: 42n };
    const page = { rows: [{ item: first, needs: ['report_progress'], overdue: false, msToDeadline: 86_400_000 }], total: 1, limit: 50, offset: 0 };
    expect(JSON.parse(pageBody(page).toString('utf8'))).toEqual({ ...page, rows: [{ ...page.rows[0], item: { ...first, lastPosition: '42' } }] });
    const next = { ...first, lastPosition: 43n }; // the row after a commit: a new object
    expect(pageBody({ ...page, rows: [{ ...page.rows[0]!, item: next }] }).toString('utf8')).toContain('"lastPosition":"43"');
  });

  it('writes a frozen array of objects anew each time: freezing the array does not freeze what it holds', () => {
    const held = { note: '第一次' };
    const page = { rows: [{ item: { key: 'issue:1' }, needs: Object.freeze([held]), overdue: false, msToDeadline: null }], total: 1, limit: 50, offset: 0 };
    expect(pageBody(page).equals(reference(page))).toBe(true);
    held.note = '第二次';
    expect(pageBody(page).toString('utf8')).toContain('第二次');
    expect(pageBody(page).equals(reference(page))).toBe(true);
  });

  it('keeps text outside the items exact: long Chinese text in a row and in a field beside the rows', () => {
    const long = '郑州市人民政府办公厅关于印发郑州市加快推进小微企业园建设实施方案的通知；'.repeat(400);
    const page = {
      rows: [{ item: { key: 'issue:1', title: long }, needs: [long], overdue: true, msToDeadline: -1 }, long],
      total: 2,
      limit: 50,
      offset: 0,
      note: `〔2021〕${long}`,
    } as unknown as Page<object>; // a scalar row and a field beside the rows: any shape
    expect(pageBody(page).equals(reference(page))).toBe(true);
    expect(pageBody(page).equals(reference(page))).toBe(true);
  });

  it('an empty page is one small buffer', () => {
    expect(pageBody({ rows: [], total: 0, limit: 50, offset: 0 }).toString('utf8')).toBe('{"rows":[],"total":0,"limit":50,"offset":0}');
  });
});
