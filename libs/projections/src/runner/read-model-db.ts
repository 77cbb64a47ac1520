import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The read models' file inside the data dir (beside the event store's duban.db). */
export function readModelFile(dataDir: string): string {
  return join(dataDir, 'read-models.db');
}

/**
 * Opens (and creates) the read-model database: a separate SQLite file from the
 * event store, in WAL mode with `synchronous = NORMAL`.
 *
 * Why NORMAL is enough here: the read models can always be rebuilt from the
 * log, and every batch commits its rows and its checkpoint in one transaction.
 * A power loss may drop the last few commits, but then it drops the rows and
 * the checkpoint together, so the runner re-applies exactly those events on
 * the next start: nothing is applied twice or skipped. A process crash
 * (kill -9) loses nothing that was committed.
 */
export function openReadModelDatabase(file: string): Database.Database {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 10000');
  return db;
}
