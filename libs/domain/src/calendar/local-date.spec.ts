import {
  SHANGHAI_UTC_OFFSET_MS,
  endOfLocalDay,
  endOfMonthDeadline,
  localDateOf,
  startOfLocalDay,
  toInstant,
  toShanghaiIso,
} from '@duban/domain/calendar';

describe('localDateOf (Asia/Shanghai, fixed +08:00)', () => {
  it('maps instants to the Beijing date', () => {
    expect(localDateOf('2021-02-06T15:59:59.999Z')).toBe('2021-02-06');
    expect(localDateOf('2021-02-06T16:00:00Z')).toBe('2021-02-07');
    expect(localDateOf(new Date('2021-02-07T23:59:59+08:00'))).toBe('2021-02-07');
    expect(localDateOf('2021-02-07T08:00:00-05:00')).toBe('2021-02-07'); // 21:00 in Beijing
    expect(localDateOf('2021-02-07T12:00:00-05:00')).toBe('2021-02-08'); // 01:00 next day in Beijing
  });

  it('reads a bare YYYY-MM-DD as that Beijing date (not UTC midnight)', () => {
    expect(localDateOf('2021-02-07')).toBe('2021-02-07');
    expect(toInstant('2021-02-07').toISOString()).toBe('2021-02-06T16:00:00.000Z');
  });

  it('handles years, leap days and month ends', () => {
    expect(localDateOf('2019-12-31T16:00:00Z')).toBe('2020-01-01');
    expect(localDateOf('2024-02-29T12:00:00+08:00')).toBe('2024-02-29');
  });

  it('does not depend on the host time zone', () => {
    expect(SHANGHAI_UTC_OFFSET_MS).toBe(8 * 3600 * 1000);
    // Same answer whatever process.env.TZ is: the computation never uses local-time getters.
    expect(localDateOf('2021-03-27T18:30:00Z')).toBe('2021-03-28');
  });

  it('rejects invalid input', () => {
    expect(() => localDateOf('2021-02-29')).toThrow(/Invalid instant/);
    expect(() => localDateOf('2021-13-01T00:00:00Z')).toThrow(/Invalid instant/);
    expect(() => localDateOf('2021-02-07 10:00')).toThrow(/Invalid instant/);
    expect(() => localDateOf('2021-02-07T10:00:00')).toThrow(/with a zone/);
    expect(() => localDateOf(new Date('garbage'))).toThrow(/Invalid instant/);
    expect(() => localDateOf(20210207 as unknown as string)).toThrow(TypeError);
  });
});

describe('start and end of a local day', () => {
  it('start is 00:00:00.000 and end is 23:59:59.000 Beijing time', () => {
    expect(startOfLocalDay('2021-02-07').toISOString()).toBe('2021-02-06T16:00:00.000Z');
    expect(endOfLocalDay('2021-02-07').toISOString()).toBe('2021-02-07T15:59:59.000Z');
    expect(endOfLocalDay('2021-02-07').getTime()).toBe(new Date('2021-02-07T23:59:59+08:00').getTime());
  });

  it('rejects malformed dates', () => {
    expect(() => endOfLocalDay('2021-2-7')).toThrow(/Invalid local date "2021-2-7"/);
    expect(() => endOfLocalDay('2021-02-30')).toThrow(/Invalid local date/);
  });
});

describe('endOfMonthDeadline', () => {
  it('"2021年4月" ends 2021-04-30T23:59:59+08:00 = 2021-04-30T15:59:59Z', () => {
    expect(endOfMonthDeadline(2021, 4).toISOString()).toBe('2021-04-30T15:59:59.000Z');
    expect(endOfMonthDeadline(2021, 4).getTime()).toBe(Date.parse('2021-04-30T23:59:59+08:00'));
  });

  it('handles February, leap years and December', () => {
    expect(endOfMonthDeadline(2021, 2).toISOString()).toBe('2021-02-28T15:59:59.000Z');
    expect(endOfMonthDeadline(2024, 2).toISOString()).toBe('2024-02-29T15:59:59.000Z');
    expect(endOfMonthDeadline(2100, 2).toISOString()).toBe('2100-02-28T15:59:59.000Z');
    expect(endOfMonthDeadline(2021, 12).toISOString()).toBe('2021-12-31T15:59:59.000Z');
    expect(localDateOf(endOfMonthDeadline(2021, 12))).toBe('2021-12-31');
  });

  it('is calendar based: works for any year and does not skip holidays', () => {
    expect(endOfMonthDeadline(2030, 9).toISOString()).toBe('2030-09-30T15:59:59.000Z');
    // 2021-10-31 is a Sunday: the month deadline still ends on the 31st
    expect(endOfMonthDeadline(2021, 10).toISOString()).toBe('2021-10-31T15:59:59.000Z');
  });

  it.each([
    [2021, 0],
    [2021, 13],
    [2021, 4.5],
    [Number.NaN, 4],
    [2021.5, 4],
  ])('rejects (%p, %p)', (year, month) => {
    expect(() => endOfMonthDeadline(year, month)).toThrow(RangeError);
  });
});

describe('toShanghaiIso', () => {
  it('writes the same instant in Beijing time, milliseconds only when there are any', () => {
    expect(toShanghaiIso('2021-11-05T15:59:59.000Z')).toBe('2021-11-05T23:59:59+08:00');
    expect(toShanghaiIso('2021-12-31T16:30:00Z')).toBe('2022-01-01T00:30:00+08:00');
    expect(toShanghaiIso(new Date('2026-03-01T01:02:03.456Z'))).toBe('2026-03-01T09:02:03.456+08:00');
    expect(Date.parse(toShanghaiIso('2021-06-07T09:00:00-05:00'))).toBe(Date.parse('2021-06-07T09:00:00-05:00'));
  });
});
