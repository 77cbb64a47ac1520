import express from 'express';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { Writable } from 'node:stream';
import pino from 'pino';
import request from 'supertest';
import { requestIdOf, requestLog } from './request-log';

/** A real Express app and a real pino logger writing into memory. */
function appWithLog(level: pino.LevelWithSilent) {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const l of chunk.toString('utf8').split('\n')) if (l) lines.push(JSON.parse(l) as Record<string, unknown>);
      done();
    },
  });
  const logger = pino({ level }, sink);
  const app = express();
  app.use(requestLog(() => logger));
  app.get('/ready', (_req, res) => res.json({ status: 'ok' }));
  app.get('/api/v1/inbox', (req, res) => res.json({ id: requestIdOf(req) }));
  app.get('/api/v1/missing', (_req, res) => res.status(404).json({ message: '无此事项' }));
  app.get('/slow', (_req, res) => setTimeout(() => res.end('late'), 300));
  return { app, lines };
}

describe('requestLog', () => {
  it('writes one line per request with id, method, url, status and time, and no headers', async () => {
    const { app, lines } = appWithLog('info');
    const r = await request(app).get('/api/v1/inbox?limit=5').set('authorization', 'Bearer secret-token').expect(200);
    await request(app).get('/api/v1/missing').expect(404);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({ msg: 'request completed', req: { id: r.body.id, method: 'GET', url: '/api/v1/inbox?limit=5' }, res: { statusCode: 200 } });
    expect(typeof lines[0].responseTime).toBe('number');
    expect(lines[1]).toMatchObject({ req: { method: 'GET', url: '/api/v1/missing' }, res: { statusCode: 404 } });
    expect(JSON.stringify(lines)).not.toContain('secret-token');
  });

  it('takes the id from X-Request-Id (1 to 200 characters), else a new UUID per request', async () => {
    const { app, lines } = appWithLog('info');
    await request(app).get('/api/v1/inbox').set('x-request-id', 'req-42').expect(200, { id: 'req-42' });
    const long = 'x'.repeat(201);
    const r = await request(app).get('/api/v1/inbox').set('x-request-id', long).expect(200);
    expect(r.body.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(lines.map((l) => (l.req as { id: string }).id)).toEqual(['req-42', r.body.id]);
  });

  it('keeps the probes out of the log and writes nothing below its level', async () => {
    const quiet = appWithLog('info');
    await request(quiet.app).get('/ready').expect(200);
    expect(quiet.lines).toHaveLength(0);
    const silent = appWithLog('warn');
    await request(silent.app).get('/api/v1/inbox').expect(200);
    expect(silent.lines).toHaveLength(0);
  });

  it('says "request aborted" at warn when the client goes away before the response', async () => {
    const { app, lines } = appWithLog('info');
    const server: Server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    try {
      const ac = new AbortController();
      const pending = fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/slow`, { signal: ac.signal }).catch(() => 'aborted');
      await new Promise((r) => setTimeout(r, 100));
      ac.abort();
      expect(await pending).toBe('aborted');
      for (let i = 0; i < 50 && lines.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatchObject({ level: 40, msg: 'request aborted', req: { url: '/slow' } });
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });
});
