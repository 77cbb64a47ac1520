import { InvalidToken } from '../tokens';
import { TokenService } from './token.service';

const SECRET = 'token-service-secret-long-enough-for-hs256-0123';
const actor = { userId: 'staff@中牟县', unitId: '中牟县', role: 'unit' as const };

describe('TokenService.verify (verified tokens remembered)', () => {
  afterEach(() => jest.restoreAllMocks());

  it('answers a token seen before without verifying it again, until it expires; then refuses it as expired', () => {
    const service = new TokenService(SECRET);
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
    const service = new TokenService(SECRET);
    const other = new TokenService('another-secret-long-enough-for-hs256-45678901');
    const forged = other.mint(actor);
    expect(() => other.verify(forged)).not.toThrow(); // remembered by the other service only
    expect(() => service.verify(forged)).toThrow(InvalidToken);
    expect(() => service.verify(forged)).toThrow(/signature is invalid/);
    const tampered = service.mint(actor).replace(/\.[^.]+$/, '.AAAA');
    expect(() => service.verify(tampered)).toThrow(InvalidToken);
  });
});
