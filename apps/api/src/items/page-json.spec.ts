import fc from 'fast-check';
import { pageJson } from './page-json';

const withBigints = (_key: string, value: unknown) => (typeof value === 'bigint' ? value.toString() : value);
const reference = (value: unknown) => JSON.stringify(value, withBigints);

describe('pageJson', () => {
  it('writes exactly what JSON.stringify writes (bigints as strings), for any page of entries', () => {
    const scalar = fc.oneof(fc.string(), fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean(), fc.constant(null), fc.bigInt());
    const item = fc.dictionary(fc.string(), fc.oneof(scalar, fc.array(scalar), fc.dictionary(fc.string(), scalar)));
    const entry = fc.record(
      { item, needs: fc.array(fc.constantFrom('acknowledge', 'report_progress', 'submit_completion')), overdue: fc.boolean(), msToDeadline: fc.oneof(fc.integer(), fc.constant(null)), extra: fc.constant(undefined) },
      { requiredKeys: ['item', 'needs', 'overdue', 'msToDeadline'] },
    );
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 8 }), fc.nat(), fc.nat(), fc.nat(), (rows, total, limit, offset) => {
        const page = { rows, total, limit, offset };
        expect(pageJson(page)).toBe(reference(page));
        expect(pageJson(page)).toBe(reference(page)); // second time from the item cache
      }),
    );
  });

  it('keeps Chinese text exact and writes a new item object anew', () => {
    const first = { key: 'task:郑政办〔2021〕34号-三-1:中牟县', title: '全年新开工20个以上小微企业园', lastPosition: 42n };
    const page = { rows: [{ item: first, needs: ['report_progress'], overdue: false, msToDeadline: 86_400_000 }], total: 1, limit: 50, offset: 0 };
    expect(JSON.parse(pageJson(page))).toEqual({ ...page, rows: [{ ...page.rows[0], item: { ...first, lastPosition: '42' } }] });
    const next = { ...first, lastPosition: 43n }; // the row after a commit: a new object
    expect(pageJson({ ...page, rows: [{ ...page.rows[0]!, item: next }] })).toContain('"lastPosition":"43"');
  });
});
