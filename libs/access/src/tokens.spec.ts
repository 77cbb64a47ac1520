import { createHmac } from 'node:crypto';
import jwt from 'jsonwebtoken';
import type { Actor } from '@duban/domain/decider';
import { InvalidToken, InvalidTokenRequest, mintToken, parseLifetime, verifyToken } from './tokens';
import type { InvalidTokenReason } from './tokens';

const SECRET = 'a-test-secret-that-is-long-enough-0123456789';
const OTHER = 'another-secret-that-is-long-enough-9876543210';
const supervisor: Actor = { userId: 'zhang.wei', unitId: '市政府办公厅四处', role: 'supervisor' };

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
const hs256 = (header: object, payload: object, secret = SECRET) => {
  const signingInput = `${b64(header)}.${b64(payload)}`;
  return `${signingInput}.${createHmac('sha256', secret).update(signingInput).digest('base64url')}`;
};
const inAnHour = () => Math.floor(Date.now() / 1000) + 3600;

function refusal(fn: () => unknown): InvalidToken {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(InvalidToken);
    return err as InvalidToken;
  }
  throw new Error('expected InvalidToken, nothing was thrown');
}
const reasonOf = (token: string, secret = SECRET): InvalidTokenReason => refusal(() => verifyToken(token, secret)).reason;

describe('mintToken / verifyToken', () => {
  it('round-trips an actor', () => {
    const token = mintToken(supervisor, SECRET);
    expect(verifyToken(token, SECRET)).toEqual(supervisor);
  });

  it('signs HS256 with sub, unit, role, iat and exp (default lifetime 12h)', () => {
    const now = new Date('2021-05-06T09:00:00+08:00');
    const decoded = jwt.decode(mintToken(supervisor, SECRET, { now }), { complete: true })!;
    expect(decoded.header).toEqual({ alg: 'HS256', typ: 'JWT' });
    const iat = now.getTime() / 1000;
    expect(decoded.payload).toEqual({ sub: 'zhang.wei', unit: '市政府办公厅四处', role: 'supervisor', iat, exp: iat + 12 * 3600 });
  });

  it.each(['郑州航空港区', '管城回族区', '巩义市', '市自然资源规划局', '郑州高新区创新发展局', '各园区运营中心（东区）'])(
    'keeps the Chinese unit name %s exactly',
    (unitId) => {
      const actor: Actor = { userId: '李娜', unitId, role: 'unit' };
      const back = verifyToken(mintToken(actor, SECRET), SECRET);
      expect(back).toEqual(actor);
      expect(Buffer.from(back.unitId, 'utf8')).toEqual(Buffer.from(unitId, 'utf8'));
    },
  );

  it('accepts every role and returns a frozen actor', () => {
    for (const role of ['supervisor', 'unit', 'auditor', 'admin'] as const) {
      const actor = verifyToken(mintToken({ ...supervisor, role }, SECRET), SECRET);
      expect(actor.role).toBe(role);
      expect(Object.isFrozen(actor)).toBe(true);
    }
  });

  it("no token names the ladder's clock (role 'system'): not minted, not accepted", () => {
    expect(() => mintToken({ userId: 'duban-clock', unitId: 'duban-system', role: 'system' }, SECRET)).toThrow(InvalidTokenRequest);
    const forged = hs256({ alg: 'HS256', typ: 'JWT' }, { sub: 'duban-clock', unit: 'duban-system', role: 'system', iat: inAnHour() - 3600, exp: inAnHour() });
    expect(reasonOf(forged)).toBe('bad-claim');
  });

  it('refuses an expired token, naming when it expired', () => {
    const now = new Date('2021-05-06T09:00:00Z');
    const token = mintToken(supervisor, SECRET, { expiresIn: '30m', now });
    expect(verifyToken(token, SECRET, { now: new Date('2021-05-06T09:29:59Z') })).toEqual(supervisor);
    const err = refusal(() => verifyToken(token, SECRET, { now: new Date('2021-05-06T09:30:00Z') }));
    expect(err.reason).toBe('expired');
    expect(err.message).toBe('token expired at 2021-05-06T09:30:00.000Z');
    // and against the real clock
    expect(reasonOf(mintToken(supervisor, SECRET, { expiresIn: 60, now: new Date(Date.now() - 120_000) }))).toBe('expired');
  });

  it('honours a clock tolerance', () => {
    const token = mintToken(supervisor, SECRET, { expiresIn: 60, now: new Date('2021-01-01T00:00:00Z') });
    const late = new Date('2021-01-01T00:01:05Z');
    expect(refusal(() => verifyToken(token, SECRET, { now: late })).reason).toBe('expired');
    expect(verifyToken(token, SECRET, { now: late, clockToleranceSeconds: 10 })).toEqual(supervisor);
  });

  it('refuses a token not valid yet (nbf)', () => {
    const token = hs256({ alg: 'HS256', typ: 'JWT' }, { sub: 'u', unit: '郑东新区', role: 'unit', exp: inAnHour(), nbf: inAnHour() - 60 });
    expect(reasonOf(token)).toBe('not-yet-valid');
  });

  it('refuses a token signed with another secret', () => {
    const err = refusal(() => verifyToken(mintToken(supervisor, OTHER), SECRET));
    expect(err.reason).toBe('bad-signature');
    expect(err.message).toBe('token signature is invalid');
  });

  it('refuses a token whose payload was altered', () => {
    const [h, , s] = mintToken({ ...supervisor, role: 'auditor' }, SECRET).split('.');
    const forged = `${h}.${b64({ sub: 'zhang.wei', unit: '市政府办公厅四处', role: 'supervisor', exp: inAnHour() })}.${s}`;
    expect(reasonOf(forged)).toBe('bad-signature');
  });

  it('refuses alg none, with or without a signature part', () => {
    const payload = b64({ sub: 'x', unit: '郑东新区', role: 'supervisor', exp: inAnHour() });
    for (const alg of ['none', 'None', 'NONE']) {
      const header = b64({ alg, typ: 'JWT' });
      expect(reasonOf(`${header}.${payload}.`)).toBe('unsupported-algorithm');
      expect(reasonOf(`${header}.${payload}.c2lnbmF0dXJl`)).toBe('unsupported-algorithm');
    }
    const noAlg = `${b64({ typ: 'JWT' })}.${payload}.`;
    expect(reasonOf(noAlg)).toBe('unsupported-algorithm');
  });

  it('refuses HS512 and HS384 even when signed with the right secret', () => {
    const claims = { sub: 'x', unit: '郑东新区', role: 'supervisor' };
    for (const algorithm of ['HS512', 'HS384'] as const) {
      const token = jwt.sign(claims, SECRET, { algorithm, expiresIn: 3600 });
      const err = refusal(() => verifyToken(token, SECRET));
      expect(err.reason).toBe('unsupported-algorithm');
      expect(err.message).toBe(`token algorithm "${algorithm}" is not accepted (only HS256)`);
    }
  });

  it('refuses an RS256 header (key-confusion attempt) signed HMAC with the secret', () => {
    const token = hs256({ alg: 'RS256', typ: 'JWT' }, { sub: 'x', unit: 'u', role: 'admin', exp: inAnHour() });
    expect(reasonOf(token)).toBe('unsupported-algorithm');
  });

  it.each([
    ['sub', { unit: '郑东新区', role: 'unit' }],
    ['unit', { sub: 'u1', role: 'unit' }],
    ['role', { sub: 'u1', unit: '郑东新区' }],
  ])('refuses a token without %s', (claim, claims) => {
    const err = refusal(() => verifyToken(hs256({ alg: 'HS256', typ: 'JWT' }, { ...claims, exp: inAnHour() }), SECRET));
    expect(err.reason).toBe('missing-claim');
    expect(err.message).toBe(`token lacks the ${claim} claim`);
  });

  it('refuses a token without exp (no token lives for ever)', () => {
    const err = refusal(() => verifyToken(hs256({ alg: 'HS256' }, { sub: 'u1', unit: '郑东新区', role: 'unit' }), SECRET));
    expect(err.reason).toBe('missing-claim');
    expect(err.message).toBe('token lacks the exp claim');
  });

  it('refuses a token living longer than the maximum: exp − iat, exp from now (exp 1e300), a bad iat', () => {
    const now = Math.floor(Date.now() / 1000);
    const claims = { sub: 'u1', unit: '郑东新区', role: 'unit' };
    expect(reasonOf(hs256({ alg: 'HS256' }, { ...claims, iat: now, exp: 1e300 }))).toBe('lifetime-too-long');
    expect(reasonOf(hs256({ alg: 'HS256' }, { ...claims, exp: now + 31 * 86400 }))).toBe('lifetime-too-long'); // no iat: exp from now
    // issued 40 days ago for 41 days: one day left, but it was minted to live too long
    expect(reasonOf(hs256({ alg: 'HS256' }, { ...claims, iat: now - 40 * 86400, exp: now + 86400 }))).toBe('lifetime-too-long');
    expect(reasonOf(hs256({ alg: 'HS256' }, { ...claims, iat: 'yesterday', exp: now + 60 }))).toBe('bad-claim');
    expect(verifyToken(hs256({ alg: 'HS256' }, { ...claims, iat: now, exp: now + 30 * 86400 }), SECRET).unitId).toBe('郑东新区');
    expect(() => verifyToken(mintToken(supervisor, SECRET, { expiresIn: '2h' }), SECRET, { maxLifetimeSeconds: 3600 })).toThrow(/longer than the maximum of 3600 s/);
    expect(() => mintToken(supervisor, SECRET, { expiresIn: '31d' })).toThrow(InvalidTokenRequest);
  });

  it('names every missing claim', () => {
    expect(refusal(() => verifyToken(hs256({ alg: 'HS256' }, { iat: 1 }), SECRET)).message).toBe(
      'token lacks the sub, unit, role, exp claims',
    );
  });

  it.each([
    [{ role: 'superuser' }, 'token role "superuser" is not one of supervisor, unit, auditor, admin'],
    [{ role: 'Supervisor' }, 'token role "Supervisor" is not one of supervisor, unit, auditor, admin'],
    [{ role: ['supervisor'] }, 'token role ["supervisor"] is not one of supervisor, unit, auditor, admin'],
    [{ unit: '' }, 'token unit claim must not be empty'],
    [{ unit: ' 郑东新区' }, 'token unit claim must not start or end with spaces'],
    [{ unit: 42 }, 'token unit claim must be a string'],
    [{ sub: 7 }, 'token sub claim must be a string'],
    [{ exp: 'tomorrow' }, 'token invalid exp value'],
  ])('refuses bad claims %j', (bad, message) => {
    const claims = { sub: 'u1', unit: '郑东新区', role: 'unit', exp: inAnHour(), ...bad };
    const err = refusal(() => verifyToken(hs256({ alg: 'HS256', typ: 'JWT' }, claims), SECRET));
    expect(err.reason).toBe('bad-claim');
    expect(err.message).toBe(message);
  });

  it.each(['', 'abc', 'a.b', 'a.b.c.d', 'Bearer x.y.z', `${b64({ alg: 'HS256' })}.bm90IGpzb24.`, '!!.??.**'])(
    'refuses the malformed token %j',
    (token) => {
      expect(reasonOf(token)).toBe('malformed');
    },
  );

  it.each([['just a string'], [42], [null], [[1]]])('refuses the signed payload %j (JSON but not an object)', (payload) => {
    const signingInput = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64(payload)}`;
    const token = `${signingInput}.${createHmac('sha256', SECRET).update(signingInput).digest('base64url')}`;
    const err = refusal(() => verifyToken(token, SECRET));
    expect(err.reason).toBe('malformed');
    expect(err.message).toBe('token payload is not a JSON object');
  });

  it('will not mint for an unknown role, an empty user or unit, or a bad lifetime', () => {
    expect(() => mintToken({ ...supervisor, role: 'root' as never }, SECRET)).toThrow(InvalidTokenRequest);
    expect(() => mintToken({ ...supervisor, unitId: '  ' }, SECRET)).toThrow('unit must not be empty');
    expect(() => mintToken({ ...supervisor, unitId: '郑东新区 ' }, SECRET)).toThrow('unit must not start or end with spaces');
    expect(() => mintToken({ ...supervisor, userId: '' }, SECRET)).toThrow('user must not be empty');
    for (const bad of [0, -5, 1.5, '', 'soon', '1w', '-1h']) {
      expect(() => mintToken(supervisor, SECRET, { expiresIn: bad })).toThrow(InvalidTokenRequest);
    }
  });

  it('parses lifetimes', () => {
    expect(parseLifetime(90)).toBe(90);
    expect(parseLifetime('90')).toBe(90);
    expect(parseLifetime('90s')).toBe(90);
    expect(parseLifetime('30m')).toBe(1800);
    expect(parseLifetime('12h')).toBe(43200);
    expect(parseLifetime('7D')).toBe(604800);
  });

  it('refuses to sign or verify with a short secret (a configuration fault, not InvalidToken)', () => {
    expect(() => mintToken(supervisor, 'short')).toThrow('at least 32 characters');
    const token = mintToken(supervisor, SECRET);
    let thrown: unknown;
    try {
      verifyToken(token, '');
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(Error);
    expect(thrown).not.toBeInstanceOf(InvalidToken);
  });
});
