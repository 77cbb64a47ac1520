import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { SqliteEventStore } from '@duban/eventstore';
import { appendMany, LogProjection } from '../testing/log-projection';
import { CHECKPOINT_TABLE } from './checkpoints';
import { ProjectionRunner } from './projection-runner';
import { openReadModelDatabase } from './read-model-db';

/**
 * Crash safety of the read side: a process running the projection runner is
 * killed with SIGKILL at a random moment of its catch-up, several times on the
 * same files, while more events arrive. After every kill the read model holds
 * exactly the events up to its checkpoint, each once; at the end, all of them.
 */
const KILLS = Number(process.env.DUBAN_PROJECTION_CRASH_KILLS ?? 8);
const child = join(__dirname, '..', 'testing', 'crash-child.ts');
const root = join(__dirname, '..', '..', '..', '..');

function runAndKill(storeFile: string, readFile: string, killAfterMs: number): Promise<bigint> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ['--import', 'tsx', child, storeFile, readFile, '50'], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let last = -1n;
    let timer: NodeJS.Timeout | undefined;
    let stderr = '';
    let buffer = '';
    proc.stdout.setEncoding('utf8');
    proc.stdout.on('data', (chunk: string) => {
      buffer += chunk;
      const lines = buffer.split('\n');
      buffer = lines.pop()!;
      for (const line of lines) last = BigInt(line.split(' ')[1]);
      // the clock starts once the runner runs, so start-up time does not eat the window
      if (!timer) timer = setTimeout(() => proc.kill('SIGKILL'), killAfterMs);
    });
    proc.stderr.on('data', (c) => (stderr += c));
    proc.on('exit', (code, signal) => {
      if (signal !== 'SIGKILL') return reject(new Error(`runner process ended with ${code ?? signal} before the kill: ${stderr}`));
      resolve(last);
    });
  });
}

function check(readFile: string) {
  const db = new Database(readFile, { readonly: true });
  try {
    const cp = db.prepare(`SELECT position, events_seen FROM ${CHECKPOINT_TABLE} WHERE name = 'log'`).safeIntegers(true).get() as
      | { position: bigint; events_seen: bigint }
      | undefined;
    const rows = db.prepare('SELECT position, times FROM log_seen ORDER BY position').safeIntegers(true).all() as {
      position: bigint;
      times: bigint;
    }[];
    return { checkpoint: cp?.position ?? 0n, eventsSeen: Number(cp?.events_seen ?? 0n), rows };
  } finally {
    db.close();
  }
}

describe('projection runner survives kill -9', () => {
  it(`applies every event exactly once across ${KILLS} SIGKILLs`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'duban-projection-crash-'));
    const storeFile = join(dir, 'duban.db');
    const readFile = join(dir, 'read-models.db');
    const store = new SqliteEventStore({ file: storeFile });
    try {
      const prefill = 60_000;
      let total = prefill;
      await appendMany(store, prefill, { perAppend: 500 });
      const checkpoints: bigint[] = [];
      for (let round = 0; round < KILLS; round++) {
        const killed = runAndKill(storeFile, readFile, 5 + Math.floor(Math.random() * 60));
        await appendMany(store, 150, { perAppend: 3 }); // live appends while it runs
        total += 150;
        await killed;
        const { checkpoint, eventsSeen, rows } = check(readFile);
        checkpoints.push(checkpoint);
        const n = Number(checkpoint);
        expect({ round, rows: rows.length, eventsSeen }).toEqual({ round, rows: n, eventsSeen: n });
        expect({ round, duplicates: rows.filter((r) => r.times !== 1n).length }).toEqual({ round, duplicates: 0 });
        expect({ round, gapless: rows.every((r, i) => r.position === BigInt(i + 1)) }).toEqual({ round, gapless: true });
      }
      // it made progress between kills, and kills landed in the middle of the catch-up
      expect(checkpoints[checkpoints.length - 1]).toBeGreaterThan(0n);
      expect(checkpoints.filter((c) => c > 0n && c < BigInt(prefill)).length).toBeGreaterThanOrEqual(2);

      // a clean run finishes the job
      const db = openReadModelDatabase(readFile);
      const runner = new ProjectionRunner({ store, db, projections: [new LogProjection()] });
      await runner.start();
      await runner.waitFor(BigInt(total), 30_000);
      await runner.stop();
      db.close();
      const final = check(readFile);
      expect(final.rows.length).toBe(total);
      expect(final.rows.filter((r) => r.times !== 1n)).toEqual([]);
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
