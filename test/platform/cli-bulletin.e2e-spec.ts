/**
 * `duban bulletin` over the store an api wrote: a closed and published May
 * (test/api/support/bulletin-scenario.ts). `duban bulletin 2021-05 --docx`
 * writes a document mammoth opens; `duban bulletin verify` exits 0 with the
 * published hash and the anchor on the untouched store, and exits 1 naming
 * the first difference once a byte of the close event is changed behind the
 * store (which breaks the hash chain too: `duban verify` says so, and the
 * bulletin check still names the bulletin's difference).
 */
import Database from 'better-sqlite3';
import mammoth from 'mammoth';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { closedMayWithActivity, GONGYI } from '../api/support/bulletin-scenario';
import { startTestApp } from '../api/support/test-app';
import type { TestApp } from '../api/support/test-app';

const root = join(__dirname, '..', '..');
const duban = (args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', join(root, 'apps/cli/src/main.ts'), ...args], {
    cwd: root,
    env: { ...process.env, DUBAN_DATA_DIR: t.dataDir },
    encoding: 'utf8',
  });

let t: TestApp;
let published: { contentSha256: string; anchor: string };

beforeAll(async () => {
  t = await startTestApp();
  await closedMayWithActivity(t);
  const res = await t.as('supervisor').post('/api/v1/periods/2021-05/bulletin/publish').send({}).expect(201);
  published = res.body;
  await t.app.close(); // the command line works on the files the api left
}, 60_000);

afterAll(() => t.close());

describe('duban bulletin (command line)', () => {
  it('writes the .docx and the Markdown, printing what it wrote, the hash and the anchor', async () => {
    const docx = join(t.dataDir, '通报.docx');
    const md = join(t.dataDir, 'bulletin.md');
    const r = duban(['bulletin', '2021-05', '--docx', docx, '--md', md]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(`wrote ${docx} (`);
    expect(r.stdout).toContain(`wrote ${md} (`);
    expect(r.stdout).toContain('revision 1, published as 2021-05#1');
    expect(r.stdout).toContain(`sha256 ${published.contentSha256}`);
    expect(r.stdout).toContain(`anchor ${published.anchor}`);
    const { value } = await mammoth.extractRawText({ path: docx });
    expect(value).toContain('郑州市人民政府办公厅关于2021年5月份重点工作督查情况的通报');
    expect(value).toContain('三、通报批评');
    expect(readFileSync(md, 'utf8')).toContain(GONGYI);
  });

  it('refuses a bad id, an unclosed period and a call without a file', () => {
    const bad = duban(['bulletin', '2021-13', '--md', join(t.dataDir, 'x.md')]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('2021-13');
    const open = duban(['bulletin', '2021-04', '--md', join(t.dataDir, 'x.md')]);
    expect(open.status).toBe(1);
    expect(open.stderr).toContain('period 2021-04 has not been closed');
    expect(existsSync(join(t.dataDir, 'x.md'))).toBe(false);
    expect(duban(['bulletin', '2021-05']).status).toBe(2);
  });

  it('verify: exits 0 on the untouched store, printing the published hash and the anchor', () => {
    const r = duban(['bulletin', 'verify', '2021-05']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(`OK: bulletin 2021-05#1 (2021-05 revision 1) sha256 ${published.contentSha256}`);
    expect(r.stdout).toContain(`anchor: duban verify --anchor ${published.anchor}`);
    expect(duban(['bulletin', 'verify', '2021-04']).status).toBe(1);
  });

  it('verify: exits 1 naming the first difference after a byte of the close event changed behind the store', () => {
    const db = new Database(join(t.dataDir, 'duban.db'));
    const row = db.prepare(`SELECT position, data FROM events WHERE type = 'period.closed.v1'`).get() as { position: number; data: string };
    // 巩义市's score in the close, e.g. "score":27.41 → "score":27.49 (one byte)
    const pattern = new RegExp(`("score":\\d+\\.\\d)(\\d)(,"unitId":"${GONGYI}")`);
    const match = pattern.exec(row.data);
    expect(match).not.toBeNull();
    const digit = match![2] === '9' ? '8' : '9';
    const forged = row.data.replace(pattern, (_m, a: string, _d: string, b: string) => `${a}${digit}${b}`);
    expect(forged.length).toBe(row.data.length);
    db.prepare('UPDATE events SET data = ? WHERE position = ?').run(forged, row.position);
    db.close();
    const score = match![1].slice('"score":'.length);
    const [was, now] = [Number(`${score}${match![2]}`).toFixed(2), Number(`${score}${digit}`).toFixed(2)];

    expect(duban(['verify']).status).toBe(1); // the hash chain is broken too
    const r = duban(['bulletin', 'verify', '2021-05']);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain(`FAILED: bulletin 2021-05#1 (2021-05 revision 1) was published with sha256 ${published.contentSha256}`);
    expect(r.stdout).toContain('gives the published bulletin: the recorded close was changed');
    // the first line of the canonical text that differs: 巩义市's score cell in the annex (县市, second row)
    expect(r.stdout).toMatch(new RegExp(`first difference: line \\d+: annex\\.tables\\[1\\]\\.rows\\[\\d+\\]\\.cells\\[1\\] was "${was}", is now "${now}"`));
    expect(r.stdout).toContain(`anchor: duban verify --anchor ${published.anchor}`);
  });

  it('verify: exits 1 saying so when the close event no longer parses', () => {
    const db = new Database(join(t.dataDir, 'duban.db'));
    const row = db.prepare(`SELECT position, data FROM events WHERE type = 'period.closed.v1'`).get() as { position: number; data: string };
    db.prepare('UPDATE events SET data = ? WHERE position = ?').run(`#${row.data.slice(1)}`, row.position);
    db.close();
    const r = duban(['bulletin', 'verify', '2021-05']);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('FAILED: the streams of period 2021-05 cannot be read');
    expect(r.stderr).toBe('');
  });
});
