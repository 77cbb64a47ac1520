import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { mintToken } from '@duban/access';
import type { Role } from '@duban/domain/decider';
import { createApi } from '../../../apps/api/src/bootstrap';
import { OFFICE, SECRET } from './test-app';

/**
 * The real api on a data dir that outlives it: `restart()` closes the app and
 * starts a new one on the same dir (what an operator's restart does).
 */
export class RestartableApp {
  readonly dataDir = mkdtempSync(join(tmpdir(), 'duban-restart-'));
  app!: NestExpressApplication;
  private saved = { ...process.env };

  constructor(private readonly env: Record<string, string> = {}) {}

  async start(): Promise<this> {
    Object.assign(process.env, { DUBAN_DATA_DIR: this.dataDir, JWT_SECRET: SECRET, LOG_LEVEL: 'silent', ...this.env });
    this.app = await createApi();
    await this.app.init();
    return this;
  }

  async restart(): Promise<this> {
    await this.app.close();
    return this.start();
  }

  as(role: Role | null, unitId = OFFICE, userId = `${role}-user`) {
    const token = role ? mintToken({ role, unitId, userId }, SECRET) : null;
    const server = this.app.getHttpServer();
    const wrap = (t: request.Test) => (token ? t.set('Authorization', `Bearer ${token}`) : t);
    return {
      get: (url: string) => wrap(request(server).get(url)),
      post: (url: string) => wrap(request(server).post(url)),
    };
  }

  async close(): Promise<void> {
    await this.app?.close();
    process.env = this.saved;
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}
