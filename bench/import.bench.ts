/**
 * Import benchmark: `npm run bench:import` (tsx: no Nest DI involved; BENCH_ROUNDS=n, default 5).
 *
 * The documents of DUBAN_SEEDS_DIR (the five seed documents, NNN_….txt; .ci/run sets it when they sit beside the
 * clone) or, without it, the project's example documents (examples/documents, said so on the first line), end to end, the way `duban import FILE --default-deadline year-end
 * --effective-at document --user …` runs them: read the file (extractText), parse and resolve the units against
 * the store's registry (parsePolicyDocument → the preview), read the streams the items and annex rows would touch
 * (loadExisting), plan, and commit — RegisterTask per registrable item and SetTarget per annex row through the
 * CommandExecutor into a fresh embedded SQLite store (synchronous=FULL, the product default; BENCH_SYNC=NORMAL to
 * compare). Then the same documents again into the same store: the re-import, which writes nothing.
 *
 * One cold round (first parse builds the unit registry, JIT warm-up), then BENCH_ROUNDS warm rounds, each into its
 * own fresh store; the medians of the warm rounds are shown. items/s counts the entries handled end to end per
 * second (items + annex rows, whatever the plan decided for them).
 */
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join, resolve } from 'node:path';
import { CommandExecutor } from '@duban/application/command-executor';
import type { Actor } from '@duban/domain/decider';
import { SqliteEventStore } from '@duban/eventstore';
import { extractText, parsePolicyDocument } from '@duban/importer';
import { commitImport, executorWriter, loadExisting, planImport, registryOf } from '@duban/importer/commit';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const SYNC = process.env.BENCH_SYNC === 'NORMAL' ? 'NORMAL' : 'FULL';
const SEEDS = process.env.DUBAN_SEEDS_DIR ? resolve(process.env.DUBAN_SEEDS_DIR) : null;
const EXAMPLES = join(__dirname, '..', 'examples', 'documents');
const actor: Actor = { userId: 'bench-督查', unitId: '市政府办公厅四处', role: 'supervisor' };

interface SeedRun {
  seed: string;
  docNumber: string;
  items: number;
  rows: number;
  written: number;
  unchanged: number;
  skipped: number;
  failed: number;
  readMs: number;
  parseMs: number;
  planMs: number;
  commitMs: number;
  totalMs: number;
}

const ms = (from: bigint): number => Number(process.hrtime.bigint() - from) / 1e6;
const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 === 1 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const out = (line = ''): void => void process.stdout.write(`${line}\n`);

async function importAll(store: SqliteEventStore, files: string[]): Promise<SeedRun[]> {
  const registry = await registryOf(store);
  const writer = executorWriter(new CommandExecutor(store), store, registry);
  const runs: SeedRun[] = [];
  for (const file of files) {
    const t0 = process.hrtime.bigint();
    const { text } = await extractText(file);
    const readMs = ms(t0);
    const t1 = process.hrtime.bigint();
    const preview = parsePolicyDocument(text, { registry });
    const parseMs = ms(t1);
    const t2 = process.hrtime.bigint();
    const existing = await loadExisting(preview, writer);
    const plan = planImport(preview, existing.tasks, {
      actor,
      defaultDeadline: 'year-end',
      existingTargets: existing.targets,
      ...(preview.document.date !== null ? { effectiveAt: 'document' } : {}),
    });
    const planMs = ms(t2);
    const t3 = process.hrtime.bigint();
    const report = await commitImport(plan, writer, { origins: existing.origins });
    const commitMs = ms(t3);
    const written = report.counts.tasks.written + report.counts.targets.written;
    runs.push({
      seed: file.split('/').at(-1)!.split(/[_-]/)[0]!, // 000 … 004, or 01 … 04
      docNumber: preview.document.docNumber ?? '(none)',
      items: plan.tasks.length,
      rows: plan.targets.length,
      written,
      unchanged: report.counts.tasks.unchanged + report.counts.targets.unchanged,
      skipped: report.counts.tasks.skipped + report.counts.targets.skipped,
      failed: report.counts.tasks.failed + report.counts.targets.failed,
      readMs,
      parseMs,
      planMs,
      commitMs,
      totalMs: ms(t0),
    });
  }
  return runs;
}

function table(title: string, rounds: SeedRun[][]): void {
  const seeds = rounds[0]!.map((r) => r.seed);
  const med = (seed: string, key: keyof SeedRun): number => median(rounds.map((round) => round.find((r) => r.seed === seed)![key] as number));
  const totals = rounds.map((round) => round.reduce((n, r) => n + r.totalMs, 0));
  const rows = seeds.map((seed) => {
    const r = rounds[0]!.find((x) => x.seed === seed)!;
    const total = med(seed, 'totalMs');
    return [
      seed,
      r.docNumber,
      String(r.items),
      String(r.rows),
      String(r.written),
      String(r.unchanged),
      String(r.skipped),
      med(seed, 'readMs').toFixed(2),
      med(seed, 'parseMs').toFixed(2),
      med(seed, 'planMs').toFixed(2),
      med(seed, 'commitMs').toFixed(2),
      total.toFixed(2),
      r.items + r.rows === 0 ? '—' : Math.round(((r.items + r.rows) * 1000) / total).toLocaleString('en-US'),
    ];
  });
  const sum = (key: 'items' | 'rows' | 'written' | 'unchanged' | 'skipped'): number => rounds[0]!.reduce((n, r) => n + r[key], 0);
  const total = median(totals);
  rows.push([
    'total',
    '',
    String(sum('items')),
    String(sum('rows')),
    String(sum('written')),
    String(sum('unchanged')),
    String(sum('skipped')),
    '',
    '',
    '',
    '',
    total.toFixed(2),
    Math.round(((sum('items') + sum('rows')) * 1000) / total).toLocaleString('en-US'),
  ]);
  const headers = ['seed', '文号', 'items', 'rows', 'written', 'unchanged', 'skipped', 'read ms', 'parse ms', 'plan ms', 'commit ms', 'total ms', 'items/s'];
  const width = (s: string): number => [...s].reduce((n, ch) => n + (/[\u3000-\u9fff\uff00-\uffef]/.test(ch) ? 2 : 1), 0);
  const widths = headers.map((h, c) => Math.max(width(h), ...rows.map((r) => width(r[c]!))));
  const render = (cells: string[]): string =>
    cells.map((cell, c) => (c <= 1 ? cell + ' '.repeat(widths[c]! - width(cell)) : ' '.repeat(widths[c]! - width(cell)) + cell)).join('  ');
  out(title);
  out(render(headers));
  for (const r of rows) out(render(r));
  out();
}

async function main(): Promise<void> {
  if (SEEDS !== null && !existsSync(SEEDS)) throw new Error(`DUBAN_SEEDS_DIR=${SEEDS}: no such folder`);
  if (SEEDS === null) out('DUBAN_SEEDS_DIR is not set: benchmarking the example documents (examples/documents) instead of the seeds');
  const dir = SEEDS ?? EXAMPLES;
  const files = readdirSync(dir)
    .filter((f) => (SEEDS !== null ? /^\d{3}_.*\.txt$/ : /^\d{2}-.*\.txt$/).test(f))
    .sort()
    .map((f) => join(dir, f));
  const root = mkdtempSync(join(os.tmpdir(), 'duban-import-bench-'));
  const cpu = os.cpus()[0]?.model ?? 'unknown cpu';
  out(`bench:import — ${files.length} documents end to end (read, parse + resolve, preview, plan, commit) into a fresh embedded SQLite store`);
  out(`node ${process.version}, ${os.platform()} ${os.arch()}, ${cpu} ×${os.cpus().length}, synchronous=${SYNC}, 1 cold + ${ROUNDS} warm rounds (medians of the warm rounds)`);
  out();
  try {
    const first: SeedRun[][] = [];
    const again: SeedRun[][] = [];
    let cold: SeedRun[] | null = null;
    for (let round = 0; round <= ROUNDS; round++) {
      const dir = mkdtempSync(join(root, `round-${round}-`));
      const store = new SqliteEventStore({ file: join(dir, 'duban.db'), synchronous: SYNC });
      try {
        const runs = await importAll(store, files);
        const before = (await store.verify()).head?.position ?? 0n;
        const re = await importAll(store, files);
        const after = (await store.verify()).head?.position ?? 0n;
        if (after !== before || re.some((r) => r.written > 0)) throw new Error(`the re-import wrote (position ${before} → ${after})`);
        if ([...runs, ...re].some((r) => r.failed > 0)) throw new Error('a command failed');
        if (round === 0) cold = runs;
        else {
          first.push(runs);
          again.push(re);
        }
      } finally {
        await store.close();
      }
    }
    table('import into a fresh store', first);
    table('re-import of the same documents (the plan finds everything unchanged; nothing written, store position unchanged)', again);
    const coldTotal = cold!.reduce((n, r) => n + r.totalMs, 0);
    out(`cold first round (registry build, JIT): ${coldTotal.toFixed(2)} ms for all ${files.length} (parse of the first ${cold![0]!.parseMs.toFixed(2)} ms)`);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

main().catch((err) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exitCode = 1;
});
