import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { mintToken } from '@duban/access';
import type { Role } from '@duban/domain/decider';
import { createApi } from '../../../apps/api/src/bootstrap';

export const SECRET = 'duban-e2e-secret-0123456789-abcdefghijklmnop';
export const OFFICE = '市政府办公厅四处';

export interface TestApp {
  app: NestExpressApplication;
  dataDir: string;
  /** An HTTP client with a bearer token for this actor (or none). */
  as(role: Role | null, unitId?: string, userId?: string): Client;
  close(): Promise<void>;
}

type Method = 'get' | 'post';
export type Client = Record<Method, (url: string) => request.Test>;

/** The real api (real SQLite store in a temp dir, real guards) on an ephemeral port via supertest. */
export async function startTestApp(env: Record<string, string> = {}): Promise<TestApp> {
  const dataDir = mkdtempSync(join(tmpdir(), 'duban-e2e-'));
  const saved = { ...process.env };
  Object.assign(process.env, { DUBAN_DATA_DIR: dataDir, JWT_SECRET: SECRET, LOG_LEVEL: 'silent', ...env });
  const app = await createApi();
  await app.init();
  const server = app.getHttpServer();
  return {
    app,
    dataDir,
    as(role, unitId = OFFICE, userId = `${role}-user`) {
      const token = role ? mintToken({ role, unitId, userId }, SECRET) : null;
      const wrap = (t: request.Test) => (token ? t.set('Authorization', `Bearer ${token}`) : t);
      return {
        get: (url: string) => wrap(request(server).get(url)),
        post: (url: string) => wrap(request(server).post(url)),
      };
    },
    async close() {
      await app.close();
      process.env = saved;
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export const enc = encodeURIComponent;

/**
 * POST /api/v1/tasks body for item 一/（三）/1 of 郑政办〔2021〕34号 (the small-parks work plan; the path in the
 * canonical form the importer gives, so an import of that document finds this task): the task the HTTP specs
 * register; each names its own units, deadline and anything else it needs.
 */
export function smallParksTaskBody(fields: { responsibleUnits: string[]; deadline: string } & Record<string, unknown>): Record<string, unknown> {
  return {
    docNumber: '郑政办〔2021〕34号',
    itemPath: '一/（三）/1',
    title: '全年新开工20个以上小微企业园',
    text: '全年新开工20个以上小微企业园。',
    leadUnits: ['市工信局'],
    ...fields,
  };
}
