import Database from 'better-sqlite3';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore } from '@duban/eventstore';
import { exampleFile } from '@duban/importer/testing/examples';
import { describeWithSeeds, seedFile as seed } from '@duban/importer/testing/seeds';
import { buildCli } from '../../apps/cli/src/main';

/**
 * `duban import FILE` without --dry-run: plan, commit into the embedded store
 * of DUBAN_DATA_DIR, report — run the way an operator runs it (node + tsx): on
 * the project's example documents, always; on the real seeds with DUBAN_SEEDS_DIR
 * (skipped, saying so, without it).
 *
 * Until main.ts declares the import command with addImportCommand (its new
 * options), the same command definition is run through a two-line program
 * instead of main.ts; once it does, main.ts itself is run.
 */
const root = join(__dirname, '..', '..');
const wired = buildCli()
  .commands.find((c) => c.name() === 'import')
  ?.options.some((o) => o.long === '--default-deadline');
const PROGRAM =
  "const { Command } = require('commander'); const { addImportCommand } = require('./apps/cli/src/commands/import.command.ts');" +
  "const p = new Command('duban'); addImportCommand(p); p.parseAsync(process.argv.slice(1), { from: 'user' });";
const duban = (args: string[], env: Record<string, string>) =>
  spawnSync(process.execPath, wired ? ['--import', 'tsx', join(root, 'apps/cli/src/main.ts'), ...args] : ['--import', 'tsx', '-e', PROGRAM, '--', ...args], {
    cwd: root,
    env: { ...process.env, LOG_LEVEL: 'silent', ...env },
    encoding: 'utf8',
  });

/** A temp DUBAN_DATA_DIR per test, the store's head read by a second connection. */
function withDataDir(): { dir: () => string; env: () => Record<string, string>; head: () => Promise<bigint> } {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'duban-import-commit-cli-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  return {
    dir: () => dir,
    env: () => ({ DUBAN_DATA_DIR: dir }),
    head: async () => {
      const store = new SqliteEventStore({ file: join(dir, 'duban.db') });
      try {
        return (await store.verify()).head?.position ?? 0n;
      } finally {
        await store.close();
      }
    },
  };
}
const commit = ['--user', '张督查', '--default-deadline', 'year-end', '--effective-at', 'document'];

describe('duban import (commit, command line), on the example documents', () => {
  const data = withDataDir();
  const head = data.head;
  let dir: string;
  let env: Record<string, string>;
  beforeEach(() => {
    dir = data.dir();
    env = data.env();
  });

  it('commits example 01 (--json: one object with the plan and the report); a re-run writes nothing', async () => {
    const r = duban(['import', exampleFile('workPlan'), ...commit, '--json'], env);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout.trim().split('\n')).toHaveLength(1);
    expect(JSON.parse(r.stdout)).toMatchObject({
      format: 'duban.import-commit/1',
      document: { docNumber: '郑政办〔2026〕8号' },
      plan: {
        format: 'duban.import-plan/1',
        actor: { userId: '张督查', unitId: '市政府办公厅四处', role: 'supervisor' },
        effectiveAt: '2026-02-27T00:00:00+08:00',
        summary: { tasks: { register: 6, notRegistrable: 0 }, targets: { register: 18 } },
      },
      report: { format: 'duban.import-report/1', counts: { tasks: { written: 6, failed: 0 }, targets: { written: 18, failed: 0 }, events: 24 }, lastPosition: '24', errors: [] },
    });
    expect(await head()).toBe(24n);

    const again = duban(['import', exampleFile('workPlan'), '--user', '李督查', '--default-deadline', 'year-end', '--json'], env);
    expect(again.status).toBe(0);
    expect(JSON.parse(again.stdout).report).toMatchObject({
      counts: { tasks: { written: 0, unchanged: 6 }, targets: { written: 0, unchanged: 18 }, events: 0 },
      written: [],
      lastPosition: null,
    });
    expect(await head()).toBe(24n);
  }, 60_000);

  it('imports nothing onto an altered log: every write is refused naming the first bad event', async () => {
    expect(duban(['import', exampleFile('workPlan'), ...commit, '--json'], env).status).toBe(0);
    const db = new Database(join(dir, 'duban.db'));
    try {
      db.prepare(`UPDATE events SET data = '{"forged":true}' WHERE position = 3`).run();
    } finally {
      db.close();
    }
    const count = () => {
      const d = new Database(join(dir, 'duban.db'), { readonly: true });
      try {
        return (d.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n;
      } finally {
        d.close();
      }
    };
    const before = count();
    const r = duban(['import', exampleFile('parentheses'), ...commit, '--json'], env);
    expect(r.status).not.toBe(0);
    expect(r.stdout + r.stderr).toMatch(/the event log failed verification at stream [^,]+, version \d+ \(global position 3\)/);
    expect(count()).toBe(before);
  }, 60_000);

  it('prints the plan, then what it wrote; an amended copy shows the diff, written only with --accept-amendments', async () => {
    const r = duban(['import', exampleFile('workPlan'), ...commit], env);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^plan: 郑政办〔2026〕8号 关于印发郑州市2026年中小企业数字化转型工作要点的通知 \(2026-02-27\)$/m);
    expect(r.stdout).toMatch(/^register\s+一\/（三）\/1\s+全年完成数字化诊断的企…\s+市工信局/m);
    expect(r.stdout).toContain("二/（四）  lead: the document's 主办 市工信局");
    expect(r.stdout).toMatch(/^import 郑政办〔2026〕8号: tasks 6 written, 0 unchanged, 0 skipped, 0 failed; targets 18 written, .* 24 events written \(last position 24\)/m);

    const text = readFileSync(exampleFile('workPlan'), 'utf8');
    const start = text.indexOf('1.全年完成数字化诊断的企业1000家以上。');
    const end = text.indexOf('2.建成市级数字化车间不少于60个。');
    const edited = text.slice(start, end).replace('完成时限：2026年12月', '完成时限：2026年11月').replace('配合单位：市科技局', '配合单位：市商务局');
    const copy = join(dir, '01-amended.txt');
    writeFileSync(copy, text.slice(0, start) + edited + text.slice(end));
    const amended = duban(['import', copy, ...commit], env);
    expect(amended.status).toBe(0);
    expect(amended.stdout).toContain('tasks: 0 to register, 5 unchanged, 1 amended, 0 not registrable');
    expect(amended.stdout).toMatch(/^ {4}cooperatingUnits {2}− 市科技局 {2}\+ 市商务局$/m);
    expect(amended.stdout).toMatch(/^ {4}deadline +2026-12-31 → 2026-11-30$/m);
    expect(await head()).toBe(24n);

    const accepted = duban(['import', copy, ...commit, '--accept-amendments'], env);
    expect(accepted.status).toBe(0);
    expect(accepted.stdout).toMatch(/tasks 1 written, 5 unchanged, 0 skipped, 0 failed; targets 0 written, 18 unchanged.* 1 event written \(last position 25\)/);
    const again = duban(['import', copy, ...commit, '--accept-amendments'], env);
    expect(again.stdout).toContain('tasks: 0 to register, 6 unchanged, 0 amended, 0 not registrable');
    expect(await head()).toBe(25n);
  }, 60_000);

  it('items without a deadline are reported, not written, without --default-deadline', async () => {
    const r = duban(['import', exampleFile('parentheses'), '--user', '张督查', '--effective-at', 'document', '--json'], env);
    expect(r.status).toBe(0);
    const { report } = JSON.parse(r.stdout);
    expect(report.counts).toMatchObject({ tasks: { written: 4, skipped: 1 } });
    expect(report.skipped).toEqual([expect.objectContaining({ path: '二/3', reason: 'no deadline: give --default-deadline' })]);
  }, 60_000);

  it('usage errors exit 2 and write nothing; an unreadable file exits 1', async () => {
    const cases: Array<[string[], string]> = [
      [['--default-deadline', 'year-end'], 'committing needs --user NAME'],
      [['--user', '张督查', '--default-deadline', 'soon'], 'default deadline "soon" is neither year-end nor a date YYYY-MM-DD'],
      [['--user', '张督查', '--effective-at', 'yesterday'], 'effective time "yesterday" is not an ISO 8601 instant'],
      [['--user', '张督查', '--unit', '不存在的处室'], '--unit "不存在的处室" is not a unit id of the registry'],
    ];
    const missing = duban(['import', join(dir, 'nope.txt'), ...commit], env);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain('no such file');
    expect(existsSync(join(dir, 'duban.db'))).toBe(false);
    for (const [args, message] of cases) {
      const r = duban(['import', exampleFile('workPlan'), ...args], env);
      expect({ args, status: r.status, stdout: r.stdout }).toEqual({ args, status: 2, stdout: '' });
      expect(r.stderr).toContain(message);
    }
    expect(await head()).toBe(0n);
  }, 60_000);

  it('--dry-run still only prints the preview and opens no store', () => {
    const r = duban(['import', exampleFile('divisionTable'), '--dry-run', '--json', '--user', '张督查'], env);
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ format: 'duban.import-preview/1', summary: { items: 7 } });
    expect(existsSync(join(dir, 'duban.db'))).toBe(false);
  });
});

describeWithSeeds('duban import (commit, command line), on the seed documents', () => {
  const data = withDataDir();
  const head = data.head;
  let dir: string;
  let env: Record<string, string>;
  beforeEach(() => {
    dir = data.dir();
    env = data.env();
  });

  it('commits seed 000 (--json: one object with the plan and the report); a re-run writes nothing', async () => {
    const r = duban(['import', seed('000'), ...commit, '--json'], env);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout.trim().split('\n')).toHaveLength(1);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({
      format: 'duban.import-commit/1',
      document: { docNumber: '郑政办〔2021〕34号' },
      plan: {
        format: 'duban.import-plan/1',
        actor: { userId: '张督查', unitId: '市政府办公厅四处', role: 'supervisor' },
        effectiveAt: '2021-04-30T00:00:00+08:00',
        summary: { tasks: { register: 44, notRegistrable: 0 }, targets: { register: 64 } },
      },
      report: {
        format: 'duban.import-report/1',
        counts: { tasks: { written: 44, failed: 0 }, targets: { written: 64, failed: 0 }, events: 108 },
        lastPosition: '108',
        errors: [],
      },
    });
    expect(await head()).toBe(108n);

    const again = duban(['import', seed('000'), '--user', '李督查', '--default-deadline', 'year-end', '--json'], env);
    expect(again.status).toBe(0);
    expect(JSON.parse(again.stdout).report).toMatchObject({
      counts: { tasks: { written: 0, unchanged: 44 }, targets: { written: 0, unchanged: 64 }, events: 0 },
      written: [],
      lastPosition: null,
    });
    expect(await head()).toBe(108n);
  }, 60_000);

  it('prints the plan, then what it wrote; an amended copy shows the diff, written only with --accept-amendments', async () => {
    const r = duban(['import', seed('000'), ...commit], env);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^plan: 郑政办〔2021〕34号 关于印发郑州市2021年小微企业园高质量发展工作要点的通知 \(2021-04-30\)$/m);
    expect(r.stdout).toMatch(/^register\s+一\/（三）\/1\s+全年新开工20个以上小微…\s+市工信局/m);
    expect(r.stdout).toContain("一/（四）  lead: the document's 主办 市工信局");
    expect(r.stdout).toMatch(/^import 郑政办〔2021〕34号: tasks 44 written, 0 unchanged, 0 skipped, 0 failed; targets 64 written, .* 108 events written \(last position 108\)/m);

    const text = readFileSync(seed('000'), 'utf8');
    const start = text.indexOf('1.全年新开工20个以上小微企业园。');
    const end = text.indexOf('2.推动2000家以上小微企业入园集聚发展。');
    const edited = text.slice(start, end).replace('完成时限:2021年12月', '完成时限:2021年11月').replace('配合单位:市发展改革委、市科技局', '配合单位:市发展改革委、市商务局');
    const copy = join(dir, '000-amended.txt');
    writeFileSync(copy, text.slice(0, start) + edited + text.slice(end));
    const amended = duban(['import', copy, ...commit], env);
    expect(amended.status).toBe(0);
    expect(amended.stdout).toContain('tasks: 0 to register, 43 unchanged, 1 amended, 0 not registrable');
    expect(amended.stdout).toMatch(/amended \(the ledger holds other content; not written: accept amendments to write them\):\n {2}一\/（三）\/1 全年新开工20个以上小微企业园 \(task [0-9a-f]{32}\)\n/);
    expect(amended.stdout).toMatch(/^ {4}cooperatingUnits {2}− 市科技局 {2}\+ 市商务局$/m);
    expect(amended.stdout).toMatch(/^ {4}deadline +2021-12-31 → 2021-11-30$/m);
    expect(amended.stdout).toMatch(/tasks 0 written, 43 unchanged, 1 skipped, 0 failed; targets 0 written, 64 unchanged/);
    expect(await head()).toBe(108n);

    const accepted = duban(['import', copy, ...commit, '--accept-amendments'], env);
    expect(accepted.status).toBe(0);
    expect(accepted.stdout).toContain('amended (the ledger holds other content; written as amendments):');
    expect(accepted.stdout).toMatch(/tasks 1 written, 43 unchanged, 0 skipped, 0 failed; targets 0 written, 64 unchanged.* 1 event written \(last position 109\)/);
    expect(accepted.stdout).toMatch(/^amended:\n {2}郑政办〔2021〕34号 一\/（三）\/1 \(市工信局\)\n {4}cooperatingUnits {2}− 市科技局 {2}\+ 市商务局\n {4}deadline +2021-12-31 → 2021-11-30$/m);
    const again = duban(['import', copy, ...commit, '--accept-amendments'], env);
    expect(again.stdout).toContain('tasks: 0 to register, 44 unchanged, 0 amended, 0 not registrable');
    expect(await head()).toBe(109n);
  }, 60_000);

  it('items without a deadline are reported, not written, without --default-deadline; the annex targets are', async () => {
    const r = duban(['import', seed('003'), '--user', '张督查', '--effective-at', 'document', '--json'], env);
    expect(r.status).toBe(0);
    const { report } = JSON.parse(r.stdout);
    expect(report.counts).toMatchObject({ tasks: { written: 0, skipped: 22 }, targets: { written: 21 } });
    expect(report.skipped[0]).toMatchObject({ path: '三/（一）/1', reason: 'no deadline: give --default-deadline' });
    const text = duban(['import', seed('003'), '--user', '张督查', '--effective-at', 'document'], env);
    expect(text.stdout).toMatch(/not registrable:\n {2}no deadline: give --default-deadline\n {4}22 items: 三\/（一）\/1, /);
  }, 60_000);
});
