import { spawnSync } from 'node:child_process';
import { mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NewEvent, NO_STREAM, SqliteEventStore } from '@duban/eventstore';
import { newEvent } from '@duban/eventstore/testing/event-store.contract';

const root = join(__dirname, '..', '..');
const duban = (args: string[], env: Record<string, string>) =>
  spawnSync(process.execPath, ['--import', 'tsx', join(root, 'apps/cli/src/main.ts'), ...args], {
    cwd: root,
    env: { ...process.env, ...env },
    encoding: 'utf8',
  });

/**
 * `duban verify --anchor <hash>@<position>`: the head hash at a position, kept outside the system, catches
 * what plain verify cannot — a log rewritten with every hash recomputed.
 */
describe('duban verify --anchor (command line)', () => {
  let dir: string;
  const TASK = 'task-郑政办〔2021〕34号-三-1';
  const original: Array<[string, NewEvent]> = [
    [TASK, newEvent('test.happened.v1', { 标题: '全年新开工20个以上小微企业园' })],
    [TASK, newEvent('test.happened.v1', { 进展: '已开工12个' })],
    ['issue-1', newEvent('test.happened.v1', { 问题: '园区道路未硬化' })],
  ];
  /** Appends the events one by one, in order, into a new store file. */
  const write = async (file: string, events: Array<[string, NewEvent]>) => {
    const store = new SqliteEventStore({ file, clock: () => new Date('2021-05-01T00:00:00.000Z') });
    const versions = new Map<string, bigint>();
    for (const [stream, e] of events) {
      const v = versions.get(stream);
      await store.appendToStream(stream, [e], { expectedVersion: v === undefined ? NO_STREAM : v });
      versions.set(stream, (v ?? -1n) + 1n);
    }
    await store.close();
  };
  const anchorOf = (stdout: string) => /^anchor: ([0-9a-f]{64}@\d+)$/m.exec(stdout)?.[1];

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'duban-anchor-'));
    await write(join(dir, 'duban.db'), original);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('prints the head as <hash>@<position>; the anchor holds on the same log and after later appends', async () => {
    const first = duban(['verify'], { DUBAN_DATA_DIR: dir });
    expect(first.status).toBe(0);
    const anchor = anchorOf(first.stdout)!;
    expect(anchor).toMatch(/@3$/);
    expect(first.stdout).toContain(`head: position 3, hash ${anchor.split('@')[0]}`);

    const store = new SqliteEventStore({ file: join(dir, 'duban.db') });
    await store.appendToStream('issue-2', [newEvent()], { expectedVersion: NO_STREAM });
    await store.close();
    const later = duban(['verify', '--anchor', anchor], { DUBAN_DATA_DIR: dir });
    expect(later.stdout).toContain(`anchor ${anchor} holds`);
    expect(later.status).toBe(0);
  });

  it('exits 1 on a log rewritten with a forged event before the anchor and every hash recomputed', async () => {
    const anchor = anchorOf(duban(['verify'], { DUBAN_DATA_DIR: dir }).stdout)!;
    // the forger rebuilds the whole log with one event slipped in at position 2: every chain recomputes
    const forged = join(dir, 'forged.db');
    await write(forged, [original[0], [TASK, newEvent('test.happened.v1', { 进展: '已开工20个' })], original[1], original[2]]);
    for (const suffix of ['', '-wal', '-shm']) rmSync(join(dir, `duban.db${suffix}`), { force: true });
    renameSync(forged, join(dir, 'duban.db'));

    const plain = duban(['verify'], { DUBAN_DATA_DIR: dir });
    expect(plain.status).toBe(0); // the forgery is self-consistent
    const r = duban(['verify', '--anchor', anchor], { DUBAN_DATA_DIR: dir });
    expect(r.status).toBe(1);
    expect(r.stdout).toContain(`ANCHOR FAILED: ${anchor}`);
    expect(r.stdout).toMatch(/the head hash at position 3 is [0-9a-f]{64}, not the anchored [0-9a-f]{64}: the log up to that position was rewritten/);
  });

  it('exits 1 when the log is shorter than the anchor position', () => {
    const [hash] = anchorOf(duban(['verify'], { DUBAN_DATA_DIR: dir }).stdout)!.split('@');
    const r = duban(['verify', '--anchor', `${hash}@7`], { DUBAN_DATA_DIR: dir });
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('the log holds no event at position 7 (its last event at or before it is at position 3)');
  });

  it('refuses an anchor that is not <hash>@<position> with exit 2', () => {
    const r = duban(['verify', '--anchor', 'abc@3'], { DUBAN_DATA_DIR: dir });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('--anchor "abc@3" must be <64 hex digits>@<position>');
  });
});
