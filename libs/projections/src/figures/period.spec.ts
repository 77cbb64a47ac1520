/**
 * Periods of the supervision cycle (月考核、季督导、半年通报、年度评价): bounds at
 * midnight Asia/Shanghai, labels, validation.
 */
import { InvalidFiguresQueryError, periodEnded, periodInfo, periodMs, shanghaiIso } from './period';

describe('periods', () => {
  it.each([
    [{ kind: 'month', year: 2021, index: 6 }, '2021年6月', '2021-06-01T00:00:00+08:00', '2021-07-01T00:00:00+08:00'],
    [{ kind: 'month', year: 2021, index: 12 }, '2021年12月', '2021-12-01T00:00:00+08:00', '2022-01-01T00:00:00+08:00'],
    [{ kind: 'month', year: 2024, index: 2 }, '2024年2月', '2024-02-01T00:00:00+08:00', '2024-03-01T00:00:00+08:00'],
    [{ kind: 'quarter', year: 2021, index: 1 }, '2021年第一季度', '2021-01-01T00:00:00+08:00', '2021-04-01T00:00:00+08:00'],
    [{ kind: 'quarter', year: 2021, index: 4 }, '2021年第四季度', '2021-10-01T00:00:00+08:00', '2022-01-01T00:00:00+08:00'],
    [{ kind: 'half', year: 2021, index: 1 }, '2021年上半年', '2021-01-01T00:00:00+08:00', '2021-07-01T00:00:00+08:00'],
    [{ kind: 'half', year: 2021, index: 2 }, '2021年下半年', '2021-07-01T00:00:00+08:00', '2022-01-01T00:00:00+08:00'],
    [{ kind: 'year', year: 2021 }, '2021年度', '2021-01-01T00:00:00+08:00', '2022-01-01T00:00:00+08:00'],
    [{ kind: 'year', year: 2021, index: 1 }, '2021年度', '2021-01-01T00:00:00+08:00', '2022-01-01T00:00:00+08:00'],
  ] as const)('%j → %s [%s, %s)', (period, label, start, end) => {
    expect(periodInfo(period)).toMatchObject({ label, start, end });
  });

  it('bounds are Beijing midnight: 2021-06-30T23:59:59+08:00 is in June, 16:00Z that day is July', () => {
    const { startMs, endMs } = periodMs(periodInfo({ kind: 'month', year: 2021, index: 6 }));
    expect(startMs).toBe(Date.parse('2021-05-31T16:00:00Z'));
    expect(endMs).toBe(Date.parse('2021-06-30T16:00:00Z'));
    expect(Date.parse('2021-06-30T23:59:59+08:00')).toBeLessThan(endMs);
  });

  it('writes instants in Beijing time', () => {
    expect(shanghaiIso(Date.parse('2021-06-30T15:59:59.999Z'))).toBe('2021-06-30T23:59:59.999+08:00');
    expect(shanghaiIso(Date.parse('2021-06-30T16:00:00Z'))).toBe('2021-07-01T00:00:00+08:00');
  });

  it('knows whether a period has ended', () => {
    const june = { kind: 'month', year: 2021, index: 6 } as const;
    expect(periodEnded(june, new Date('2021-06-30T15:59:59.999Z'))).toBe(false);
    expect(periodEnded(june, new Date('2021-06-30T16:00:00Z'))).toBe(true);
  });

  it('refuses indexes out of range, a missing index and odd years', () => {
    expect(() => periodInfo({ kind: 'month', year: 2021, index: 0 })).toThrow(InvalidFiguresQueryError);
    expect(() => periodInfo({ kind: 'quarter', year: 2021, index: 5 })).toThrow(/from 1 to 4/);
    expect(() => periodInfo({ kind: 'half', year: 2021, index: 3 })).toThrow(/from 1 to 2/);
    expect(() => periodInfo({ kind: 'year', year: 2021, index: 2 })).toThrow(/from 1 to 1/);
    expect(() => periodInfo({ kind: 'month', year: 2021 })).toThrow(/index is required/);
    expect(() => periodInfo({ kind: 'month', year: 2021.5, index: 1 })).toThrow(/year/);
    expect(() => periodInfo({ kind: 'month', year: 2021, index: 1.5 })).toThrow(/index/);
  });
});
