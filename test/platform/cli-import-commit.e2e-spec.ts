import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore } from '@duban/eventstore';
import { buildCli } from '../../apps/cli/src/main';

/**
 * `duban import FILE` without --dry-run: plan, commit into the embedded store
 * of DUBAN_DATA_DIR, report — run the way an operator runs it (node + tsx).
 *
 * Until main.ts declares the import command with addImportCommand (its new
 * options), the same command definition is run through a two-line program
 * instead of main.ts; once it does, main.ts itself is run.
 */
const root = join(__dirname, '..', '..');
const seeds = join(root, '..', 'shared', 'seeds');
const seed = (prefix: string): string => {
  if (!existsSync(seeds)) throw new Error(`The seed documents are missing: expected ${seeds} (shared/ beside the repository)`);
  const file = readdirSync(seeds).find((f) => f.startsWith(`${prefix}_`));
  if (file === undefined) throw new Error(`no seed ${prefix}_*.txt in ${seeds}`);
  return join(seeds, file);
};
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

describe('duban import (commit, command line)', () => {
  let dir: string;
  let env: Record<string, string>;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'duban-import-commit-cli-'));
    env = { DUBAN_DATA_DIR: dir };
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const head = async (): Promise<bigint> => {
    const store = new SqliteEventStore({ file: join(dir, 'duban.db') });
    try {
      return (await store.verify()).head?.position ?? 0n;
    } finally {
      await store.close();
    }
  };
  const commit = ['--user', '张督查', '--default-deadline', 'year-end', '--effective-at', 'document'];

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
    expect(existsSync(join(dir, 'duban.db'))).toBe(false); // nothing was opened for a file that cannot be read
    for (const [args, message] of cases) {
      const r = duban(['import', seed('000'), ...args], env);
      expect({ args, status: r.status, stdout: r.stdout }).toEqual({ args, status: 2, stdout: '' });
      expect(r.stderr).toContain(message);
    }
    expect(await head()).toBe(0n);
  }, 60_000);

  it('--dry-run still only prints the preview and opens no store', () => {
    const r = duban(['import', seed('003'), '--dry-run', '--json', '--user', '张督查'], env);
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ format: 'duban.import-preview/1', summary: { items: 22 } });
    expect(existsSync(join(dir, 'duban.db'))).toBe(false);
  });
});
