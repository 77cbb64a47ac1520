import { isIsoInstant } from './guards';

describe('isIsoInstant', () => {
  it('accepts instants with an offset, leap days included', () => {
    for (const ok of ['2021-06-30T18:00+08:00', '2024-02-29T23:59:59+08:00', '2026-11-20T00:00:00Z', '2026-11-20T10:00:00.123456789-05:30']) {
      expect(isIsoInstant(ok)).toBe(true);
    }
  });

  it('refuses what Date.parse lets through but no calendar has: 02-30, 04-31, 24:00, a non-leap 02-29, ten fractional digits', () => {
    for (const at of ['2026-02-30T10:00:00+08:00', '2026-04-31T10:00:00+08:00', '2026-11-20T24:00:00+08:00', '2025-02-29T10:00:00+08:00', '2026-11-20T10:00:00.1234567890+08:00']) {
      expect(isIsoInstant(at)).toBe(false);
    }
  });

  it('refuses no offset, a lower-case t or z, minutes 60 and an offset of 24 hours', () => {
    for (const at of ['2026-11-20T10:00:00', '2026-11-20t10:00:00Z', '2026-11-20T10:00:00z', '2026-11-20T10:60:00Z', '2026-11-20T10:00:00+24:00']) {
      expect(isIsoInstant(at)).toBe(false);
    }
  });
});
