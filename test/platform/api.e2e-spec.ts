import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { createApi } from '../../apps/api/src/bootstrap';
import { jwtSecret, loadConfig } from '@duban/config';

const root = join(__dirname, '..', '..');

describe('api: health, readiness, limits', () => {
  let dir: string;
  let app: NestExpressApplication;
  const saved = { ...process.env };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'duban-api-'));
    process.env.DUBAN_DATA_DIR = dir;
    process.env.LOG_LEVEL = 'silent';
    app = await createApi();
    await app.init();
  });
  afterAll(async () => {
    await app.close();
    process.env = saved;
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers /health and /ready with the embedded store up, in its data dir', async () => {
    await request(app.getHttpServer()).get('/health').expect(200).expect((r) => expect(r.body.status).toBe('ok'));
    const ready = await request(app.getHttpServer()).get('/ready').expect(200);
    expect(ready.body.info.eventStore).toEqual({ status: 'up', kind: 'sqlite' });
    expect(ready.body.info.projections).toMatchObject({ status: 'up', items: { state: 'running', eventsBehind: 0, secondsBehind: 0 } });
    expect(ready.body.info.processors).toMatchObject({ status: 'up', 'park-rules': { state: 'running' }, 'task-progress-targets': { state: 'running' } });
    expect(existsSync(join(dir, 'duban.db'))).toBe(true);
  });

  it('serves Prometheus metrics with each projection\'s lag, without a token', async () => {
    const r = await request(app.getHttpServer()).get('/metrics').expect(200);
    expect(r.headers['content-type']).toContain('text/plain');
    expect(r.text).toContain('duban_event_store_up{kind="sqlite"} 1');
    expect(r.text).toMatch(/^duban_projection_events_behind\{projection="items"\} 0$/m);
    expect(r.text).toMatch(/^duban_processor_failed\{processor="task-progress-targets"\} 0$/m);
  });
});

describe('configuration', () => {
  it('keeps a generated JWT secret in the data dir, private, and reuses it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'duban-cfg-'));
    try {
      const config = loadConfig({ DUBAN_DATA_DIR: dir });
      const first = jwtSecret(config);
      expect(first.length).toBeGreaterThanOrEqual(32);
      expect(jwtSecret(config)).toBe(first);
      expect(statSync(join(dir, 'jwt-secret')).mode & 0o777).toBe(0o600);
      expect(jwtSecret(loadConfig({ DUBAN_DATA_DIR: dir, JWT_SECRET: 'x'.repeat(40) }))).toBe('x'.repeat(40));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.each([
    [{ PORT: 'eighty' }, 'PORT="eighty" must be a whole number from 1 to 65535'],
    [{ PORT: '70000' }, 'PORT="70000" must be a whole number'],
    [{ KURRENTDB_URL: 'http://localhost:2113' }, 'KURRENTDB_URL="http://localhost:2113" is not a valid connection string'],
    [{ REDIS_URL: 'localhost:6379' }, 'REDIS_URL="localhost:6379" is not a valid connection string'],
    [{ JWT_SECRET: 'short' }, 'JWT_SECRET must be at least 32 characters long'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL="loud" must be one of'],
  ])('refuses %j naming the variable', (env, message) => {
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('accepts kurrentdb:// and esdb:// connection strings', () => {
    expect(loadConfig({ KURRENTDB_URL: 'kurrentdb://127.0.0.1:2113?tls=false' }).kurrentDbUrl).toContain('kurrentdb://');
    expect(loadConfig({ KURRENTDB_URL: 'esdb://127.0.0.1:2113?tls=false' }).kurrentDbUrl).toContain('esdb://');
  });
});

describe('the api process', () => {
  it('exits 1 with a message naming a bad variable before listening', async () => {
    const r = await run({ PORT: 'abc' }, null);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('PORT="abc" must be a whole number');
  });

  it('starts, prints its URL and data location, and shuts down gracefully on SIGTERM', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'duban-proc-'));
    try {
      const port = String(20000 + Math.floor(Math.random() * 20000));
      const r = await run({ PORT: port, DUBAN_DATA_DIR: dir, LOG_LEVEL: 'silent' }, `listening on http://127.0.0.1:${port}`);
      expect(r.stdout).toContain(`events: embedded SQLite at ${join(dir, 'duban.db')}`);
      // Nest closes the app, then re-raises the signal; the store was closed cleanly when
      // SQLite checkpointed and removed its write-ahead log (a kill -9 would leave it behind)
      expect(r.signal ?? r.code).toBe('SIGTERM');
      expect(existsSync(join(dir, 'duban.db'))).toBe(true);
      expect(existsSync(join(dir, 'duban.db-wal'))).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('logs one JSON line per request (id, method, url, status, time), none for the probes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'duban-proc-'));
    try {
      const port = String(20000 + Math.floor(Math.random() * 20000));
      const r = await run({ PORT: port, DUBAN_DATA_DIR: dir, LOG_LEVEL: 'info' }, `listening on http://127.0.0.1:${port}`, ['/api/v1/inbox?limit=5', '/ready']);
      const requests = r.stdout
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as { msg?: string; req?: { id: string; method: string; url: string }; res?: { statusCode: number }; responseTime?: number })
        .filter((l) => l.msg === 'request completed');
      expect(requests).toEqual([
        expect.objectContaining({ req: { id: 'probe /api/v1/inbox?limit=5', method: 'GET', url: '/api/v1/inbox?limit=5' }, res: { statusCode: 401 }, responseTime: expect.any(Number) }),
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/** Runs the api main; when `readyLine` appears, checks /health over real HTTP, GETs `paths`, and sends SIGTERM. */
function run(env: Record<string, string>, readyLine: string | null, paths: string[] = []): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    // ts-node, not tsx: Nest's dependency injection needs emitDecoratorMetadata, which esbuild does not emit
    const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', join(root, 'apps/api/src/main.ts')], {
      cwd: root,
      env: { ...process.env, ...env },
    });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`api did not finish: ${stdout} ${stderr}`));
    }, 30000);
    child.stdout.on('data', async (d) => {
      stdout += d;
      if (readyLine && stdout.includes(readyLine)) {
        readyLine = null;
        const res = await fetch(`http://127.0.0.1:${env.PORT}/health`);
        if (res.status !== 200) reject(new Error(`health answered ${res.status}`));
        for (const path of paths) await (await fetch(`http://127.0.0.1:${env.PORT}${path}`, { headers: { 'x-request-id': `probe ${path}` } })).text();
        child.kill('SIGTERM');
      }
    });
    child.stderr.on('data', (d) => (stderr += d));
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}
