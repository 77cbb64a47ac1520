import Database from 'better-sqlite3';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore } from '@duban/eventstore';
import { builtInProjections, CHECKPOINT_TABLE, readModelFile } from '@duban/projections';
import type { RebuildProgress } from '@duban/projections';
import { Ledger } from '@duban/projections/testing';
import { assignIssue, registerTask, reportIssue, shareInProgress, ZHONGMU } from '@duban/projections/testing/fixtures';
import { ProgressBar, renderProgress } from '../../apps/cli/src/commands/rebuild.command';

const root = join(__dirname, '..', '..');
const cli = ['--import', 'tsx', join(root, 'apps/cli/src/main.ts')];
const duban = (args: string[], env: Record<string, string>) =>
  spawnSync(process.execPath, [...cli, ...args], { cwd: root, env: { ...process.env, ...env }, encoding: 'utf8' });

const hasScript = (() => {
  try {
    execFileSync('script', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

/** `duban rebuild [PROJECTION]`: the read models rebuilt offline from the whole log. */
describe('duban rebuild (command line)', () => {
  let dir: string;
  let env: Record<string, string>;
  let events: number;
  let head: bigint;
  const names = builtInProjections().map((p) => p.name);
  const readModels = () => new Database(readModelFile(dir), { readonly: true });
  const checkpoints = () => {
    const db = readModels();
    try {
      return Object.fromEntries(
        (db.prepare(`SELECT name, position, events_seen FROM ${CHECKPOINT_TABLE}`).safeIntegers(true).all() as { name: string; position: bigint; events_seen: bigint }[]).map(
          (r) => [r.name, { position: r.position, eventsSeen: Number(r.events_seen) }],
        ),
      );
    } finally {
      db.close();
    }
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'duban-cli-rebuild-'));
    env = { DUBAN_DATA_DIR: dir };
    const store = new SqliteEventStore({ file: join(dir, 'duban.db') });
    const ledger = new Ledger(store);
    const last = await ledger.runAll([
      registerTask('zzb-2021-34-3-1'),
      ...shareInProgress('zzb-2021-34-3-1', ZHONGMU),
      reportIssue('wt-2021-001'),
      assignIssue('wt-2021-001', '市城乡建设局', '2021-05-11T09:00:00+08:00', '2021-06-01T18:00:00+08:00'),
    ]);
    head = last!.position;
    events = (await store.readAll({ limit: 10_000 })).length;
    await store.close();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('rebuilds every projection from zero; one line each and a total (events, seconds, events/s); no bar when stderr is not a terminal', () => {
    const r = duban(['rebuild'], env);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe(`rebuilding ${names.join(', ')} from embedded SQLite at ${join(dir, 'duban.db')} (synchronous=FULL) into ${readModelFile(dir)}`);
    names.forEach((name, i) => {
      expect(lines[1 + i]).toMatch(new RegExp(`^rebuilt ${name}: ${events} events up to position ${head} in \\d+\\.\\d\\d s \\(\\d+ events/s\\)$`));
    });
    expect(lines[1 + names.length]).toMatch(
      new RegExp(`^done: ${names.length} projections? rebuilt in one pass, ${events} events replayed in \\d+\\.\\d\\d s \\(\\d+ events/s\\)$`),
    );
    expect(lines).toHaveLength(names.length + 2);
    for (const name of names) expect(checkpoints()[name]).toEqual({ position: head, eventsSeen: events });

    const db = readModels();
    try {
      expect(db.prepare('SELECT count(*) FROM items').pluck().get()).toBe(4); // three shares and an issue
    } finally {
      db.close();
    }
  });

  it('rebuilds one projection by name: rows lost from the read model come back, the others are left alone', () => {
    const db = new Database(readModelFile(dir));
    db.prepare('DELETE FROM items').run();
    db.close();
    const r = duban(['rebuild', 'items'], env);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^rebuilt items: \d+ events/m);
    expect(r.stdout).toMatch(/^done: 1 projection rebuilt in one pass, \d+ events replayed/m);
    for (const other of names.filter((n) => n !== 'items')) expect(r.stdout).not.toContain(`rebuilt ${other}:`);
    const check = readModels();
    try {
      expect(check.prepare('SELECT count(*) FROM items').pluck().get()).toBe(4);
    } finally {
      check.close();
    }
  });

  it('exits 1 naming the known projections when asked for an unknown one, and touches nothing', () => {
    const before = checkpoints();
    const r = duban(['rebuild', 'nope'], env);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`duban: no projection named nope (known: ${names.join(', ')})\n`);
    expect(checkpoints()).toEqual(before);
  });

  it('exits 2 on a bad configuration, naming the variable', () => {
    const r = duban(['rebuild'], { ...env, DUBAN_SQLITE_SYNCHRONOUS: 'SOMETIMES' });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('DUBAN_SQLITE_SYNCHRONOUS="SOMETIMES" must be one of FULL, NORMAL');
  });

  (hasScript ? it : it.skip)('draws a progress bar on a terminal (run under script(1), which gives it a pty)', () => {
    const cmd = [process.execPath, ...cli, 'rebuild', 'items'].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
    const r = spawnSync('script', ['-qec', cmd, '/dev/null'], { cwd: root, env: { ...process.env, ...env }, encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/\ritems {2}\[█+\] {2}100\.0% {2}\d+\/\d+ events/);
    expect(r.stdout).toMatch(/rebuilt items: \d+ events/);
  });

  it('the bar: proportional, redrawn at most every 100 ms, one line per projection, nothing when not a terminal', () => {
    const p = (done: number, total: number | null, projection = 'audit'): RebuildProgress => ({ projection, done, total, rate: 8123, elapsedMs: 1500 });
    expect(renderProgress(p(50, 100), 100)).toBe(`audit  [${'█'.repeat(20)}${'░'.repeat(20)}]   50.0%  50/100 events  8123 events/s  1.5 s`);
    expect(renderProgress(p(12345, null))).toBe('audit  12345 events  8123 events/s  1.5 s');
    expect(renderProgress(p(1, 3), 60).length).toBeLessThan(60);

    let now = 0;
    const written: string[] = [];
    const tty = { isTTY: true, columns: 100, write: (s: string) => written.push(s) };
    const bar = new ProgressBar(tty, () => now);
    bar.update(p(10, 100, 'items')); // first of a projection: drawn
    now = 50;
    bar.update(p(20, 100, 'items')); // too soon
    now = 150;
    bar.update(p(30, 100, 'items')); // drawn
    bar.update(p(100, 100, 'items')); // complete: drawn at once
    bar.update(p(5, 100, 'audit')); // next projection: a new line, drawn
    bar.done();
    expect(written.filter((s) => s.startsWith('\r')).map((s) => /(\d+)\/100/.exec(s)![1])).toEqual(['10', '30', '100', '5']);
    expect(written.filter((s) => s === '\n')).toHaveLength(2);

    const silent = { isTTY: false, write: jest.fn() };
    const quiet = new ProgressBar(silent);
    quiet.update(p(1, 2));
    quiet.done();
    expect(silent.write).not.toHaveBeenCalled();
  });
});
