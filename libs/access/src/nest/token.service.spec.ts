import { UnitRegistry } from '@duban/domain/units';
import { InvalidToken, mintToken } from '../tokens';
import { UnknownTokenUnit } from '../token-unit';
import { TokenService } from './token.service';
import type { UnitRegistrySource } from './token.service';

const SECRET = 'token-service-secret-long-enough-for-hs256-0123';
const actor = { userId: 'staff@中牟县', unitId: '中牟县', role: 'unit' as const };
const THIRTY_DAYS = 30 * 86400;
const seeded: UnitRegistrySource = { current: UnitRegistry.seeded() };
const claimsOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')) as { unit: string };
const serviceOf = (secret: string, units: UnitRegistrySource = seeded) => new TokenService(secret, units, THIRTY_DAYS);

describe('TokenService.verify (verified tokens remembered)', () => {
  afterEach(() => jest.restoreAllMocks());

  it('answers a token seen before without verifying it again, until it expires; then refuses it as expired', () => {
    const service = serviceOf(SECRET);
    const t0 = Date.parse('2026-11-21T10:00:00Z');
    const clock = jest.spyOn(Date, 'now').mockReturnValue(t0);
    const token = service.mint(actor, { expiresIn: '60s', now: new Date(t0) });
    expect(service.verify(token)).toEqual(actor);
    clock.mockReturnValue(t0 + 59_999);
    expect(service.verify(token)).toEqual(actor);
    clock.mockReturnValue(t0 + 60_000); // exp reached: refused, as jsonwebtoken refuses it
    const err = (() => {
      try {
        service.verify(token);
        return null;
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(InvalidToken);
    expect((err as InvalidToken).reason).toBe('expired');
  });

  it('never remembers a token that failed, nor one signed with another secret', () => {
    const service = serviceOf(SECRET);
    const other = serviceOf('another-secret-long-enough-for-hs256-45678901');
    const forged = other.mint(actor);
    expect(() => other.verify(forged)).not.toThrow(); // remembered by the other service only
    expect(() => service.verify(forged)).toThrow(InvalidToken);
    expect(() => service.verify(forged)).toThrow(/signature is invalid/);
    const tampered = service.mint(actor).replace(/\.[^.]+$/, '.AAAA');
    expect(() => service.verify(tampered)).toThrow(InvalidToken);
  });

  it('answers the registry id for an alias, refuses an unknown unit, and accepts it once the registry knows it', () => {
    const units = { current: UnitRegistry.seeded() };
    const service = serviceOf(SECRET, units);
    const alias = mintToken({ userId: 'u', unitId: '市资源规划局', role: 'unit' }, SECRET);
    expect(claimsOf(service.mint({ userId: 'u', unitId: '市资源规划局', role: 'unit' })).unit).toBe('市自然资源规划局'); // minted as the id
    expect(service.verify(alias)).toEqual({ userId: 'u', unitId: '市自然资源规划局', role: 'unit' });

    expect(() => service.mint({ userId: 'n', unitId: '市数据局', role: 'unit' })).toThrow('unit "市数据局" is not a unit of the registry');
    const newcomer = mintToken({ userId: 'n', unitId: '市数据局', role: 'unit' }, SECRET);
    expect(() => service.verify(newcomer)).toThrow(UnknownTokenUnit);
    expect(() => service.verify(newcomer)).toThrow('token unit "市数据局" is not a unit of the registry');
    units.current = units.current.withUnit({ id: '市数据局', kind: 'department', parent: '郑州市人民政府' });
    expect(service.verify(newcomer)).toEqual({ userId: 'n', unitId: '市数据局', role: 'unit' });
  });

  it('refuses a local alias (四处) and a name built from a parent alias (郑州市人民政府办公厅四处): no scope in a token', () => {
    const service = serviceOf(SECRET);
    for (const unitId of ['四处', '郑州市人民政府办公厅四处', '各开发区、区县(市)']) {
      expect(() => service.verify(mintToken({ userId: 'x', unitId, role: 'supervisor' }, SECRET))).toThrow(UnknownTokenUnit);
    }
    const zeroWidth = mintToken({ userId: 'x', unitId: '市政府办公厅四处\u200b', role: 'supervisor' }, SECRET);
    expect(service.verify(zeroWidth).unitId).toBe('市政府办公厅四处');
  });

  it('refuses to mint, and to accept, a token living longer than the maximum', () => {
    const short = new TokenService(SECRET, seeded, 3600);
    expect(() => short.mint(actor, { expiresIn: '2h' })).toThrow(/longer than the maximum 3600 s/);
    const long = serviceOf(SECRET).mint(actor, { expiresIn: '2h' });
    expect(() => short.verify(long)).toThrow(expect.objectContaining({ reason: 'lifetime-too-long' }));
  });
});
