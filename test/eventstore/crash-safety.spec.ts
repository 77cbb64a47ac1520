import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteEventStore } from '@duban/eventstore';

/**
 * Crash safety of the embedded store: a writer process appends in a loop and
 * is killed with SIGKILL at a random moment, KILLS times in a row on the same
 * file. After each kill: every append that was acknowledged is present, no
 * batch is half written, and the hash chains verify.
 */
const KILLS = Number(process.env.DUBAN_CRASH_KILLS ?? 20);
const writer = join(__dirname, 'support', 'crash-writer.ts');

interface RunResult {
  tried: string[][];
  acked: string[][];
}

function runAndKill(file: string, synchronous: string, killAfterMs: number): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', writer, file, synchronous], {
      cwd: join(__dirname, '..', '..'),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const tried: string[][] = [];
    const acked: string[][] = [];
    let buffer = '';
    let stderr = '';
    let timer: NodeJS.Timeout | undefined;
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      buffer += chunk;
      const lines = buffer.split('\n');
      buffer = lines.pop()!;
      for (const line of lines) {
        const [kind, ids] = line.split(' ');
        (kind === 'ack' ? acked : tried).push(ids.split(','));
        // start the clock at the first append, so start-up time does not eat the window
        if (!timer) timer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
      }
    });
    child.stderr.on('data', (c) => (stderr += c));
    child.on('exit', (code, signal) => {
      if (signal !== 'SIGKILL') return reject(new Error(`writer ended with ${code ?? signal} before the kill: ${stderr}`));
      resolve({ tried, acked });
    });
  });
}

describe('SQLite store survives kill -9 of a writer', () => {
  for (const synchronous of ['FULL', 'NORMAL']) {
    it(`keeps every acknowledged append across ${KILLS} SIGKILLs (synchronous=${synchronous})`, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'duban-crash-'));
      const file = join(dir, 'events.db');
      let totalAcked = 0;
      try {
        const acked = new Set<string>();
        const tried: string[][] = [];
        for (let round = 0; round < KILLS; round++) {
          const run = await runAndKill(file, synchronous, 20 + Math.floor(Math.random() * 280));
          run.acked.forEach((batch) => batch.forEach((id) => acked.add(id)));
          tried.push(...run.tried);
          totalAcked += run.acked.length;

          const store = new SqliteEventStore({ file });
          try {
            const present = new Set<string>();
            let after = 0n;
            for (;;) {
              const page = await store.readAll({ fromPosition: after, limit: 5000 });
              if (page.length === 0) break;
              page.forEach((e) => present.add(e.id));
              after = page[page.length - 1].globalPosition;
            }
            const lost = [...acked].filter((id) => !present.has(id));
            expect({ round, lost }).toEqual({ round, lost: [] });
            for (const batch of tried) {
              const stored = batch.filter((id) => present.has(id)).length;
              // all or nothing: a batch is never half written
              expect({ round, batch, stored: stored === 0 || stored === batch.length }).toEqual({ round, batch, stored: true });
            }
            const report = await store.verify();
            expect({ round, failure: report.failure }).toEqual({ round, failure: undefined });
          } finally {
            await store.close();
          }
        }
        expect(totalAcked).toBeGreaterThan(KILLS); // the writer really wrote between kills
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }, 180_000);
  }
});
