import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exampleFile } from '@duban/importer/testing/examples';
import { describeWithSeeds, seedFile as seed } from '@duban/importer/testing/seeds';

/**
 * `duban import FILE --dry-run [--json]` run the way an operator runs it (node +
 * tsx on apps/cli/src/main.ts): on the project's example documents, always; on
 * the real seed documents when DUBAN_SEEDS_DIR names them (skipped, saying so,
 * otherwise).
 */
const root = join(__dirname, '..', '..');
const duban = (args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', join(root, 'apps/cli/src/main.ts'), ...args], {
    cwd: root,
    env: process.env,
    encoding: 'utf8',
  });

describe('duban import (command line), on the example documents', () => {
  it('--dry-run --json prints the preview of example 01 as one JSON object', () => {
    const r = duban(['import', exampleFile('workPlan'), '--dry-run', '--json']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout.trim().split('\n')).toHaveLength(1);
    const preview = JSON.parse(r.stdout);
    expect(preview).toMatchObject({
      format: 'duban.import-preview/1',
      document: { docNumber: '郑政办〔2026〕8号', date: '2026-02-27', supervisor: { unitId: '市政府办公厅四处' } },
      summary: { items: 6, withLead: 5, withDeadline: 6, itemTargets: 3, targetRows: 18, unresolved: 1 },
    });
    expect(preview.items.find((i: { path: string }) => i.path === '一/（三）/1')).toMatchObject({
      leadUnits: ['市工信局'],
      deadline: '2026-12-31',
      targets: [{ value: 1000, unit: '家', comparator: '>=' }],
    });
  });

  it('gives the same JSON twice (deterministic)', () => {
    const a = duban(['import', exampleFile('parentheses'), '--dry-run', '--json']);
    const b = duban(['import', exampleFile('parentheses'), '--dry-run', '--json']);
    expect(a.status).toBe(0);
    expect(a.stdout).toBe(b.stdout);
    expect(JSON.parse(a.stdout).summary).toMatchObject({ items: 5, withLead: 2 });
  });

  it('--dry-run without --json prints a table', () => {
    const r = duban(['import', exampleFile('divisionTable'), '--dry-run']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^path\s+title\s+lead\s+responsible\s+deadline$/m);
    expect(r.stdout).toMatch(/^二\/（二）\/4\s+创建绿色工厂\s+市工信局、市生态环境局/m);
    expect(r.stdout).toMatch(/^二\/（一）\/1\s+招引链主企业\s+\? 各产业集聚区/m);
    expect(r.stdout).toContain('表1/行1');
    expect(r.stdout).toContain('7 items');
  });

  it('without --dry-run: a commit, which needs --user (exit 2 without it)', () => {
    const r = duban(['import', exampleFile('workPlan')]);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('committing needs --user NAME');
  });

  it('--doc-number replaces the document\'s 文号 and changes the task ids; a malformed one is a usage error', () => {
    const own = JSON.parse(duban(['import', exampleFile('parentheses'), '--dry-run', '--json']).stdout);
    const given = duban(['import', exampleFile('parentheses'), '--dry-run', '--json', '--doc-number', '郑政办〔2026〕99号']);
    expect(given.status).toBe(0);
    const items = JSON.parse(given.stdout).items;
    expect(items[0].taskId).toMatch(/^[0-9a-f]{32}$/);
    expect(items[0].taskId).not.toBe(own.items[0].taskId);
    const bad = duban(['import', exampleFile('parentheses'), '--dry-run', '--doc-number', 'draft-1']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('is not a 文号');
  });
});

describe('duban import (command line): bad files and help', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'duban-import-cli-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('refuses binary, empty, non-Chinese and missing files with exit 1 (and a JSON error with --json)', () => {
    writeFileSync(join(dir, 'binary.txt'), Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x00, 0x00]));
    writeFileSync(join(dir, 'empty.txt'), '');
    writeFileSync(join(dir, 'english.md'), '# Work plan\n\n1. Build twenty parks by December.\n');
    const binary = duban(['import', join(dir, 'binary.txt'), '--dry-run', '--json']);
    expect(binary.status).toBe(1);
    expect(JSON.parse(binary.stdout)).toMatchObject({ error: { code: 'binary' } });
    expect(binary.stderr).toContain('NUL bytes');
    expect(duban(['import', join(dir, 'empty.txt'), '--dry-run']).status).toBe(1);
    const english = duban(['import', join(dir, 'english.md'), '--dry-run', '--json']);
    expect(JSON.parse(english.stdout)).toMatchObject({ error: { code: 'not-chinese' } });
    const missing = duban(['import', join(dir, 'missing.txt'), '--dry-run']);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain('no such file');
  });

  it('is listed in the help', () => {
    const r = duban(['--help']);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('import');
  });
});

describeWithSeeds('duban import (command line), on the seed documents', () => {
  it('--dry-run --json prints the preview of seed 000 as one JSON object', () => {
    const r = duban(['import', seed('000'), '--dry-run', '--json']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout.trim().split('\n')).toHaveLength(1);
    const preview = JSON.parse(r.stdout);
    expect(preview).toMatchObject({
      format: 'duban.import-preview/1',
      document: { docNumber: '郑政办〔2021〕34号', date: '2021-04-30', supervisor: { unitId: '市政府办公厅四处' } },
      summary: { items: 44, withLead: 42, withDeadline: 44, itemTargets: 8, targetRows: 64, unresolved: 1 },
    });
    expect(preview.items.find((i: { path: string }) => i.path === '一/（三）/1')).toMatchObject({
      leadUnits: ['市工信局'],
      deadline: '2021-12-31',
      targets: [{ value: 20, unit: '个', comparator: '>=' }],
    });
  });

  it('gives the same JSON twice (deterministic)', () => {
    const a = duban(['import', seed('003'), '--dry-run', '--json']);
    const b = duban(['import', seed('003'), '--dry-run', '--json']);
    expect(a.status).toBe(0);
    expect(a.stdout).toBe(b.stdout);
    expect(JSON.parse(a.stdout).summary).toMatchObject({ items: 22, targetRows: 21 });
  });

  it('--dry-run without --json prints a table', () => {
    const r = duban(['import', seed('002'), '--dry-run']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^path\s+title\s+lead\s+responsible\s+deadline$/m);
    expect(r.stdout).toMatch(/^三\/（一）\/2\s+做强优势产业\s+市发展改革委/m);
    expect(r.stdout).toContain('表1/行1');
    expect(r.stdout).toContain('17 items');
  });

  it('without --dry-run: a commit, which needs --user (exit 2 without it)', () => {
    const r = duban(['import', seed('000')]);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('committing needs --user NAME');
  });

  it('a draft without 文号 takes one from --doc-number; a malformed one is a usage error', () => {
    const ok = duban(['import', seed('001'), '--dry-run', '--json', '--doc-number', '郑政办〔2022〕5号']);
    expect(ok.status).toBe(0);
    expect(JSON.parse(ok.stdout).items[0].taskId).toMatch(/^[0-9a-f]{32}$/);
    const bad = duban(['import', seed('001'), '--dry-run', '--doc-number', 'draft-1']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('is not a 文号');
  });
});
