import Database from 'better-sqlite3';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NO_STREAM, SqliteEventStore } from '@duban/eventstore';
import { newEvent } from '@duban/eventstore/testing/event-store.contract';

const root = join(__dirname, '..', '..');
const duban = (args: string[], env: Record<string, string>) =>
  spawnSync(process.execPath, ['--import', 'tsx', join(root, 'apps/cli/src/main.ts'), ...args], {
    cwd: root,
    env: { ...process.env, ...env },
    encoding: 'utf8',
  });

describe('duban verify (command line)', () => {
  let dir: string;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'duban-cli-'));
    const store = new SqliteEventStore({ file: join(dir, 'duban.db') });
    await store.appendToStream('task-郑政办〔2021〕34号-三-1', [newEvent(), newEvent()], { expectedVersion: NO_STREAM });
    await store.appendToStream('issue-1', [newEvent()], { expectedVersion: NO_STREAM });
    await store.close();
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('exits 0 and prints the head when every chain holds', () => {
    const r = duban(['verify'], { DUBAN_DATA_DIR: dir });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^OK: 3 events in 2 streams verified/);
    expect(r.stdout).toMatch(/head: position 3, hash [0-9a-f]{64}/);
  });

  it('exits 1 naming the first altered event by stream and version', () => {
    const db = new Database(join(dir, 'duban.db'));
    db.prepare(`UPDATE events SET data = '{"forged":true}' WHERE version = 1 AND stream LIKE 'task-%'`).run();
    db.close();
    const r = duban(['verify'], { DUBAN_DATA_DIR: dir });
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('FAILED: event altered — stream task-郑政办〔2021〕34号-三-1, version 1, global position 2');
    const json = duban(['verify', '--json'], { DUBAN_DATA_DIR: dir });
    expect(json.status).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({ ok: false, failure: { kind: 'altered', streamVersion: '1', globalPosition: '2' } });
  });

  it('refuses a bad configuration with a message naming the variable', () => {
    const r = duban(['verify'], { DUBAN_DATA_DIR: dir, DUBAN_SQLITE_SYNCHRONOUS: 'SOMETIMES' });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('DUBAN_SQLITE_SYNCHRONOUS="SOMETIMES" must be one of FULL, NORMAL');
  });

  it('prints help', () => {
    const r = duban(['--help'], {});
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('verify');
    expect(r.stdout).toContain('serve');
  });
});
