/**
 * The access layer over real HTTP: a throwaway controller behind the real
 * AccessModule (its global APP_GUARD), called with supertest.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Controller, Get, Global, HttpCode, Module, Post } from '@nestjs/common';
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import jwt from 'jsonwebtoken';
import { APP_CONFIG, loadConfig } from '@duban/config';
import type { AppConfig } from '@duban/config';
import type { Actor } from '@duban/domain/decider';
import { ROLES } from '@duban/domain/decider';
import { UnitRegistry } from '@duban/domain/units';
import { ACCESS_UNIT_REGISTRY, AccessModule, CurrentActor, Public, Roles, TokenService } from './nest';
import { mintToken } from './tokens';

const SECRET = 'e2e-secret-that-is-long-enough-for-hs256-0123456789';

@Controller()
class ProbeController {
  @Public()
  @Get('health')
  health() {
    return { status: 'ok' };
  }

  @Roles('supervisor')
  @Post('tasks')
  @HttpCode(200)
  register(@CurrentActor() actor: Actor) {
    return { actor };
  }

  @Roles('supervisor', 'unit', 'auditor')
  @Get('tasks/:id')
  read(@CurrentActor() actor: Actor) {
    return { actor };
  }

  @Roles(...ROLES)
  @Get('me')
  me(@CurrentActor() actor: Actor) {
    return actor;
  }

  // neither @Public nor @Roles: refused to everyone
  @Get('forgotten')
  forgotten() {
    return { leaked: true };
  }
}

@Roles('admin')
@Controller('admin')
class AdminController {
  @Get('units')
  units(@CurrentActor() actor: Actor) {
    return { actor };
  }

  @Roles('admin', 'auditor')
  @Get('audit')
  audit(@CurrentActor() actor: Actor) {
    return { actor };
  }

  @Public()
  @Get('ping')
  ping() {
    return { pong: true };
  }
}

function configModule(config: AppConfig) {
  @Global()
  @Module({
    providers: [
      { provide: APP_CONFIG, useValue: config },
      // the seeded registry stands in for the api's UnitsService (tokens name units of it)
      { provide: ACCESS_UNIT_REGISTRY, useValue: { current: UnitRegistry.seeded() } },
    ],
    exports: [APP_CONFIG, ACCESS_UNIT_REGISTRY],
  })
  class TestConfigModule {}
  return TestConfigModule;
}

async function startApp(config: AppConfig): Promise<INestApplication> {
  const moduleRef = await Test.createTestingModule({
    imports: [configModule(config), AccessModule],
    controllers: [ProbeController, AdminController],
  }).compile();
  const app = moduleRef.createNestApplication({ logger: false });
  await app.init();
  return app;
}

const supervisor: Actor = { userId: 'zhang.wei', unitId: '市政府办公厅四处', role: 'supervisor' };
const unit: Actor = { userId: 'li.na', unitId: '管城回族区', role: 'unit' };
const auditor: Actor = { userId: 'wang.fang', unitId: '市审计局', role: 'auditor' };
const admin: Actor = { userId: 'root', unitId: '市政府办公厅', role: 'admin' };

describe('AccessModule over HTTP', () => {
  let dataDir: string;
  let app: INestApplication;
  const bearer = (actor: Actor, secret = SECRET) => `Bearer ${mintToken(actor, secret)}`;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'duban-access-'));
    app = await startApp(loadConfig({ JWT_SECRET: SECRET, DUBAN_DATA_DIR: dataDir }));
  });
  afterAll(async () => {
    await app?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('serves a @Public route without a token', async () => {
    await request(app.getHttpServer()).get('/health').expect(200, { status: 'ok' });
    await request(app.getHttpServer()).get('/admin/ping').expect(200, { pong: true });
  });

  it('a @Public route ignores even a bad token', async () => {
    await request(app.getHttpServer()).get('/health').set('Authorization', 'Bearer nonsense').expect(200);
  });

  it('answers 401 with a JSON body and a Bearer challenge when the token is missing', async () => {
    const res = await request(app.getHttpServer()).get('/tasks/1').expect(401);
    expect(res.body).toEqual({
      statusCode: 401,
      error: 'Unauthorized',
      message: 'missing Authorization header (expected "Bearer <token>")',
    });
    expect(res.headers['www-authenticate']).toBe('Bearer realm="duban"');
  });

  it('answers 401 for another scheme', async () => {
    const res = await request(app.getHttpServer()).get('/tasks/1').set('Authorization', 'Basic emhhbmc6cHc=').expect(401);
    expect(res.body).toEqual({ statusCode: 401, error: 'Unauthorized', message: 'Authorization header must be "Bearer <token>"' });
  });

  it.each<[string, () => string, string, string]>([
    ['garbage', () => 'Bearer not-a-jwt', 'token is not a compact JWT (header.payload.signature)', 'malformed'],
    ['another secret', () => bearer(supervisor, 'some-other-secret-which-is-long-enough-xyz'), 'token signature is invalid', 'bad-signature'],
    [
      'an expired token',
      () => `Bearer ${mintToken(supervisor, SECRET, { expiresIn: 60, now: new Date('2021-04-30T16:00:00Z') })}`,
      'token expired at 2021-04-30T16:01:00.000Z',
      'expired',
    ],
    [
      'alg none',
      () => {
        const part = (v: object) => Buffer.from(JSON.stringify(v)).toString('base64url');
        return `Bearer ${part({ alg: 'none', typ: 'JWT' })}.${part({ sub: 'x', unit: '郑东新区', role: 'supervisor', exp: 4102444800 })}.`;
      },
      'token algorithm "none" is not accepted (only HS256)',
      'unsupported-algorithm',
    ],
    [
      'HS512',
      () => `Bearer ${jwt.sign({ sub: 'x', unit: '郑东新区', role: 'supervisor' }, SECRET, { algorithm: 'HS512', expiresIn: 600 })}`,
      'token algorithm "HS512" is not accepted (only HS256)',
      'unsupported-algorithm',
    ],
    [
      'an unknown role',
      () => `Bearer ${jwt.sign({ sub: 'x', unit: '郑东新区', role: 'root' }, SECRET, { algorithm: 'HS256', expiresIn: 600 })}`,
      'token role "root" is not one of supervisor, unit, auditor, admin',
      'bad-claim',
    ],
    [
      'a unit the registry does not know',
      () => bearer({ userId: 'x', unitId: '不存在的督查室', role: 'supervisor' }),
      'token unit "不存在的督查室" is not a unit of the registry (use a unit id or a global alias; see GET /api/v1/units/resolve)',
      'unknown-unit',
    ],
    [
      'exp 1e300',
      () => `Bearer ${jwt.sign({ sub: 'x', unit: '郑东新区', role: 'supervisor', iat: Math.floor(Date.now() / 1000), exp: 1e300 }, SECRET, { algorithm: 'HS256' })}`,
      'token lifetime is longer than the maximum of 2592000 s (DUBAN_TOKEN_MAX_LIFETIME): mint a shorter-lived token',
      'lifetime-too-long',
    ],
  ])('answers 401 for %s', async (_what, header, message, reason) => {
    const res = await request(app.getHttpServer()).get('/tasks/1').set('Authorization', header()).expect(401);
    expect(res.body).toEqual({ statusCode: 401, error: 'Unauthorized', message, ...(reason === 'unknown-unit' ? { unknownUnit: '不存在的督查室' } : {}) });
    expect(res.headers['www-authenticate']).toBe(`Bearer realm="duban", error="invalid_token", error_description="${reason}"`);
  });

  it('answers 403 naming the role, the route and the allowed roles', async () => {
    const res = await request(app.getHttpServer()).post('/tasks').set('Authorization', bearer(auditor)).expect(403);
    expect(res.body).toEqual({ statusCode: 403, error: 'Forbidden', message: 'role auditor may not POST /tasks (allowed: supervisor)' });
    await request(app.getHttpServer()).post('/tasks').set('Authorization', bearer(unit)).expect(403);
    await request(app.getHttpServer()).post('/tasks').set('Authorization', bearer(admin)).expect(403);
  });

  it('passes the right role and hands the actor to the handler (Chinese unit exact)', async () => {
    const res = await request(app.getHttpServer()).post('/tasks').set('Authorization', bearer(supervisor)).expect(200);
    expect(res.body).toEqual({ actor: supervisor });
    for (const actor of [supervisor, unit, auditor]) {
      const read = await request(app.getHttpServer()).get('/tasks/42').set('Authorization', bearer(actor)).expect(200);
      expect(read.body).toEqual({ actor });
    }
  });

  it('hands the handler the registry id of a unit written as its alias', async () => {
    const res = await request(app.getHttpServer()).get('/me').set('Authorization', bearer({ ...unit, unitId: '市资源规划局' })).expect(200);
    expect(res.body).toEqual({ ...unit, unitId: '市自然资源规划局' });
  });

  it('accepts a lower-case scheme and a token minted by the TokenService', async () => {
    const token = app.get(TokenService).mint(unit, { expiresIn: '5m' });
    const res = await request(app.getHttpServer()).get('/me').set('Authorization', `bearer ${token}`).expect(200);
    expect(res.body).toEqual(unit);
  });

  it('reports the route pattern, not the concrete URL, in a 403', async () => {
    const res = await request(app.getHttpServer()).get('/admin/units?x=1').set('Authorization', bearer(auditor)).expect(403);
    expect(res.body.message).toBe('role auditor may not GET /admin/units (allowed: admin)');
  });

  it('denies by default a route that declares no @Roles', async () => {
    for (const actor of [supervisor, unit, auditor, admin]) {
      const res = await request(app.getHttpServer()).get('/forgotten').set('Authorization', bearer(actor)).expect(403);
      expect(res.body).toEqual({ statusCode: 403, error: 'Forbidden', message: 'GET /forgotten declares no @Roles, so no role may call it' });
    }
    await request(app.getHttpServer()).get('/forgotten').expect(401);
  });

  it('applies controller @Roles, overridden by handler @Roles', async () => {
    await request(app.getHttpServer()).get('/admin/units').set('Authorization', bearer(admin)).expect(200, { actor: admin });
    await request(app.getHttpServer()).get('/admin/audit').set('Authorization', bearer(auditor)).expect(200, { actor: auditor });
    await request(app.getHttpServer()).get('/admin/units').set('Authorization', bearer(supervisor)).expect(403);
  });

  it('leaves unknown routes to the router (404)', async () => {
    await request(app.getHttpServer()).get('/nowhere').expect(404);
  });
});

describe('AccessModule secret', () => {
  it('uses the secret generated in the data dir when JWT_SECRET is unset, read once at start-up', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'duban-access-'));
    const app = await startApp(loadConfig({ DUBAN_DATA_DIR: dataDir }));
    try {
      const generated = readFileSync(join(dataDir, 'jwt-secret'), 'utf8').trim();
      expect(generated.length).toBeGreaterThanOrEqual(32);
      await request(app.getHttpServer()).get('/me').set('Authorization', `Bearer ${mintToken(unit, generated)}`).expect(200, unit);
      await request(app.getHttpServer()).get('/me').set('Authorization', `Bearer ${mintToken(unit, SECRET)}`).expect(401);
      // the file is read at start-up only: removing it later changes nothing for the running app
      rmSync(join(dataDir, 'jwt-secret'));
      await request(app.getHttpServer()).get('/me').set('Authorization', `Bearer ${mintToken(unit, generated)}`).expect(200);
    } finally {
      await app.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('@Roles', () => {
  it('refuses an empty or unknown role list when the class is defined', () => {
    expect(() => Roles()).toThrow('@Roles() needs at least one role');
    expect(() => Roles('supervisor', 'root' as never)).toThrow('unknown role root');
  });
});
