import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CommandExecutor } from '@duban/application/command-executor';
import { UNIT_REGISTRY_STREAM, unitRegistryDecider } from '@duban/domain/units';
import { SqliteEventStore } from '@duban/eventstore';

const root = join(__dirname, '..', '..');
const SECRET = 'duban-cli-token-secret-0123456789-abcdefgh';
const duban = (args: string[], env: Record<string, string>) =>
  spawnSync(process.execPath, ['--import', 'tsx', join(root, 'apps/cli/src/main.ts'), ...args], {
    cwd: root,
    env: { ...process.env, JWT_SECRET: SECRET, ...env },
    encoding: 'utf8',
  });
const claimsOf = (token: string) => JSON.parse(Buffer.from(token.trim().split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;

/** `duban token` mints only what the api accepts: a unit of the registry the api uses, a bounded lifetime. */
describe('duban token (command line)', () => {
  let dir: string;
  let env: Record<string, string>;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'duban-cli-token-'));
    env = { DUBAN_DATA_DIR: dir };
    // an admin added 市数据局 through the api: it is on the unit-registry stream of the store, not in the seed
    const store = new SqliteEventStore({ file: join(dir, 'duban.db') });
    const admin = { userId: 'root', unitId: '市政府办公厅', role: 'admin' as const };
    const at = new Date().toISOString();
    await new CommandExecutor(store).execute(
      unitRegistryDecider,
      UNIT_REGISTRY_STREAM,
      { type: 'AddUnit', at, actor: admin, data: { id: '市数据局', kind: 'department', parent: '郑州市人民政府', aliases: [] } },
      { commandId: 'add-1', correlationId: 'c', causationId: 'c', actor: admin, receivedAt: at },
      { creates: true },
    );
    await store.close();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const base = ['token', '--role', 'supervisor', '--user', 'zhang'];

  it('refuses a unit the registry does not know: exit 2, no token, the unit named', () => {
    const r = duban([...base, '--unit', '不存在的督查室'], env);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('--unit "不存在的督查室" is not a unit of the registry');
  });

  it('refuses a local alias (四处): it names a unit only inside a document', () => {
    const r = duban([...base, '--unit', '四处'], env);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('"四处" is not a unit of the registry');
  });

  it('mints a global alias as the unit id, and knows the units added on the store', () => {
    const alias = duban([...base, '--unit', '市资源规划局'], env);
    expect(alias.status).toBe(0);
    expect(claimsOf(alias.stdout)).toMatchObject({ unit: '市自然资源规划局', role: 'supervisor', sub: 'zhang' });
    const added = duban([...base, '--unit', '市数据局'], env);
    expect(added.status).toBe(0);
    expect(claimsOf(added.stdout).unit).toBe('市数据局');
  });

  it('refuses a lifetime over DUBAN_TOKEN_MAX_LIFETIME (30d unless configured), and a bad maximum', () => {
    const long = duban([...base, '--unit', '市政府办公厅四处', '--expires-in', '31d'], env);
    expect(long.status).toBe(2);
    expect(long.stdout).toBe('');
    expect(long.stderr).toContain('longer than the maximum 2592000 s (DUBAN_TOKEN_MAX_LIFETIME)');
    expect(duban([...base, '--unit', '市政府办公厅四处', '--expires-in', '2h'], { ...env, DUBAN_TOKEN_MAX_LIFETIME: '1h' }).status).toBe(2);
    const ok = duban([...base, '--unit', '市政府办公厅四处', '--expires-in', '30d'], env);
    expect(ok.status).toBe(0);
    const claims = claimsOf(ok.stdout);
    expect((claims.exp as number) - (claims.iat as number)).toBe(30 * 86400);
    const bad = duban([...base, '--unit', '市政府办公厅四处'], { ...env, DUBAN_TOKEN_MAX_LIFETIME: 'forever' });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('DUBAN_TOKEN_MAX_LIFETIME="forever" must be a lifetime');
  });
});
