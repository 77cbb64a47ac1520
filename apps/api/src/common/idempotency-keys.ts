import { Global, Inject, Injectable, Module, OnApplicationShutdown } from '@nestjs/common';
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { NextFunction, Request, Response } from 'express';
import { APP_CONFIG, AppConfig } from '@duban/config';

/** What a key was first used for. */
export interface FirstUse {
  requestHash: string;
  method: string;
  path: string;
}

/**
 * Which request each Idempotency-Key belongs to: the command id the key
 * becomes (scoped to the user) → a hash of the first request that used it.
 * A table beside the store (`DUBAN_DATA_DIR/idempotency.db`), not the events'
 * metadata: a command that creates an item writes to a stream named after the
 * request (a task's 文号 and item path), so the same key with another body may
 * target another stream, where no per-stream replay would ever see the first
 * use. One indexed lookup per keyed command, whatever the stream.
 */
@Injectable()
export class IdempotencyKeys implements OnApplicationShutdown {
  private readonly db: Database.Database;
  private readonly insert: Database.Statement;
  private readonly find: Database.Statement;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    mkdirSync(config.dataDir, { recursive: true });
    this.db = new Database(join(config.dataDir, 'idempotency.db'));
    this.db.pragma('journal_mode = WAL');
    // the claim must outlive a crash as surely as the events it guards
    this.db.pragma(`synchronous = ${config.sqliteSynchronous}`);
    this.db.pragma('busy_timeout = 10000');
    this.db.exec(`CREATE TABLE IF NOT EXISTS idempotency_keys (
      command_id    TEXT PRIMARY KEY,
      request_hash  TEXT NOT NULL,
      method        TEXT NOT NULL,
      path          TEXT NOT NULL,
      first_used_at TEXT NOT NULL
    ) WITHOUT ROWID`);
    this.insert = this.db.prepare(
      'INSERT INTO idempotency_keys (command_id, request_hash, method, path, first_used_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (command_id) DO NOTHING',
    );
    this.find = this.db.prepare('SELECT request_hash AS requestHash, method, path FROM idempotency_keys WHERE command_id = ?');
  }

  /**
   * Binds the command id to this request when it is new; returns the first use
   * when the id already belongs to another request (null: this one, or new).
   * Atomic: of two different requests racing with one key, exactly one wins.
   */
  claim(commandId: string, use: FirstUse, now: Date): FirstUse | null {
    this.insert.run(commandId, use.requestHash, use.method, use.path, now.toISOString());
    const first = this.find.get(commandId) as FirstUse;
    return first.requestHash === use.requestHash ? null : first;
  }

  onApplicationShutdown(): void {
    if (this.db.open) this.db.close();
  }
}

@Global()
@Module({ providers: [IdempotencyKeys], exports: [IdempotencyKeys] })
export class IdempotencyModule {}

const KEYS = Symbol('idempotency-keys');

/** Hands the key table to envelopeFrom (which has only the request) for every request of this app. */
export function attachIdempotencyKeys(keys: IdempotencyKeys) {
  return (req: Request, _res: Response, next: NextFunction): void => {
    (req as Request & { [KEYS]?: IdempotencyKeys })[KEYS] = keys;
    next();
  };
}

export function idempotencyKeysOf(req: Request): IdempotencyKeys | undefined {
  return (req as Request & { [KEYS]?: IdempotencyKeys })[KEYS];
}
