import Database from 'better-sqlite3';
import { EventEmitter } from 'node:events';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { canonicalJson, eventHash, GENESIS, globalHash, validateNewEvents } from '../chain';
import { DuplicateEventIdError, StoreUnavailableError, WrongExpectedVersionError } from '../errors';
import {
  ANY,
  AppendOptions,
  AppendResult,
  EventStore,
  ExpectedVersion,
  LogHead,
  NewEvent,
  NO_STREAM,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  START,
  STREAM_EXISTS,
  SubscribeOptions,
  Subscription,
  VerifyOptions,
  VerifyReport,
} from '../event-store.port';
import { PollingSubscription } from '../polling-subscription';

/**
 * The embedded event store: one SQLite file in WAL mode. This is the only file
 * that touches better-sqlite3.
 *
 * Durability: `synchronous=FULL` (default) fsyncs the WAL on every commit, so
 * an append that returned survives a crash or power loss. `NORMAL` skips that
 * fsync: an append survives a crash of the process (kill -9) but the last
 * commits may be lost if the machine loses power.
 *
 * Tamper evidence: every row carries its stream-chain hash and a global-chain
 * hash over the row before it in global order; positions come from
 * AUTOINCREMENT, so a removed tail leaves `sqlite_sequence` ahead of the last row.
 */
export interface SqliteEventStoreOptions {
  /** Path of the database file (its folder is created), or ':memory:'. */
  file: string;
  synchronous?: 'FULL' | 'NORMAL';
  /** The store's clock for `recordedAt`; injectable for tests. */
  clock?: () => Date;
  /** How often an idle subscription looks for events written by other processes. */
  pollIntervalMs?: number;
}

/** The events table (exported so the benchmark's raw limit writes to exactly the same shape). */
export const EVENTS_TABLE = `CREATE TABLE IF NOT EXISTS events (
  position    INTEGER PRIMARY KEY AUTOINCREMENT,
  id          TEXT    NOT NULL UNIQUE,
  stream      TEXT    NOT NULL,
  version     INTEGER NOT NULL,
  type        TEXT    NOT NULL,
  data        TEXT    NOT NULL,
  metadata    TEXT    NOT NULL,
  hash        TEXT    NOT NULL,
  global_hash TEXT    NOT NULL,
  UNIQUE (stream, version)
)`;

const SCHEMA = `
${EVENTS_TABLE};
CREATE TABLE IF NOT EXISTS store_info (key TEXT PRIMARY KEY, value TEXT NOT NULL);
INSERT OR IGNORE INTO store_info (key, value) VALUES ('schema', '1');
`;

const COLUMNS = 'position, id, stream, version, type, data, metadata, hash';
type Row = [bigint, string, string, bigint, string, string, string, string];

/** Appends in this process wake the subscriptions on the same file at once. */
const appendSignals = new Map<string, EventEmitter>();
function signalFor(file: string): EventEmitter {
  let e = appendSignals.get(file);
  if (!e) {
    e = new EventEmitter();
    e.setMaxListeners(0);
    appendSignals.set(file, e);
  }
  return e;
}

function toEvent(r: Row): RecordedEvent {
  return {
    globalPosition: r[0],
    id: r[1],
    stream: r[2],
    streamVersion: r[3],
    type: r[4],
    data: JSON.parse(r[5]),
    metadata: JSON.parse(r[6]),
    hash: r[7],
  };
}

class UniqueIdViolation extends Error {}

/** Events per page of a verify walk; between pages the walk yields to the event loop. */
const VERIFY_PAGE = 2000;

export class SqliteEventStore implements EventStore {
  readonly kind = 'sqlite' as const;
  private readonly db: Database.Database;
  private readonly clock: () => Date;
  private readonly signal: EventEmitter;
  private readonly pollIntervalMs: number;
  private readonly subscriptions = new Set<PollingSubscription>();
  private closed = false;

  private readonly stmt: {
    streamHead: Database.Statement;
    lastRow: Database.Statement;
    head: Database.Statement;
    sequence: Database.Statement;
    insert: Database.Statement;
    byId: Database.Statement;
    forwards: Database.Statement;
    backwards: Database.Statement;
    all: Database.Statement;
    countAfter: Database.Statement;
    page: Database.Statement;
    globalAt: Database.Statement;
    streamHeadAt: Database.Statement;
    ends: Database.Statement;
  };
  private readonly appendTx: Database.Transaction<(stream: string, events: readonly NewEvent[], expected: ExpectedVersion) => AppendResult>;

  constructor(private readonly options: SqliteEventStoreOptions) {
    this.clock = options.clock ?? (() => new Date());
    this.pollIntervalMs = options.pollIntervalMs ?? 100;
    this.signal = signalFor(options.file);
    try {
      if (options.file !== ':memory:') mkdirSync(dirname(options.file), { recursive: true });
      this.db = new Database(options.file);
      this.db.pragma('journal_mode = WAL');
      this.db.pragma(`synchronous = ${options.synchronous === 'NORMAL' ? 'NORMAL' : 'FULL'}`);
      this.db.pragma('busy_timeout = 10000');
      this.db.exec(SCHEMA);
    } catch (err) {
      throw new StoreUnavailableError(`cannot open the SQLite event store at ${options.file}: ${(err as Error).message}`);
    }
    const prep = (sql: string, raw = true) => {
      const s = this.db.prepare(sql).safeIntegers(true);
      return raw && s.reader ? s.raw(true) : s;
    };
    this.stmt = {
      streamHead: prep('SELECT version, hash FROM events WHERE stream = ? ORDER BY version DESC LIMIT 1'),
      lastRow: prep('SELECT global_hash FROM events ORDER BY position DESC LIMIT 1'),
      head: prep('SELECT max(position) FROM events'),
      sequence: prep("SELECT seq FROM sqlite_sequence WHERE name = 'events'"),
      insert: prep(
        'INSERT INTO events (position, id, stream, version, type, data, metadata, hash, global_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
      ),
      byId: prep('SELECT stream, version, position FROM events WHERE id = ?'),
      forwards: prep(`SELECT ${COLUMNS} FROM events WHERE stream = ? AND version >= ? ORDER BY version ASC LIMIT ?`),
      backwards: prep(`SELECT ${COLUMNS} FROM events WHERE stream = ? AND version <= ? ORDER BY version DESC LIMIT ?`),
      all: prep(`SELECT ${COLUMNS} FROM events WHERE position > ? ORDER BY position ASC LIMIT ?`),
      countAfter: prep('SELECT count(*) FROM events WHERE position > ?'),
      page: prep(`SELECT ${COLUMNS}, global_hash FROM events WHERE position > ? ORDER BY position ASC LIMIT ?`),
      globalAt: prep('SELECT stream, version, global_hash FROM events WHERE position = ?'),
      streamHeadAt: prep('SELECT version, hash FROM events WHERE stream = ? AND position <= ? ORDER BY version DESC LIMIT 1'),
      ends: prep("SELECT (SELECT seq FROM sqlite_sequence WHERE name = 'events'), (SELECT max(position) FROM events)"),
    };
    this.appendTx = this.db.transaction((stream: string, events: readonly NewEvent[], expected: ExpectedVersion) =>
      this.appendInTransaction(stream, events, expected),
    );
  }

  /** Where the data lives, for start-up messages. */
  get file(): string {
    return this.options.file;
  }

  async appendToStream(stream: string, events: readonly NewEvent[], options: AppendOptions): Promise<AppendResult> {
    this.assertOpen();
    validateNewEvents(stream, events);
    let result: AppendResult;
    try {
      // IMMEDIATE takes the write lock first, so the head we read is the head we extend.
      result = this.appendTx.immediate(stream, events, options.expectedVersion);
    } catch (err) {
      if (err instanceof UniqueIdViolation) {
        const retry = this.previousAppend(stream, events);
        if (retry) return retry;
      }
      throw err;
    }
    this.signal.emit('append');
    return result;
  }

  private appendInTransaction(stream: string, events: readonly NewEvent[], expected: ExpectedVersion): AppendResult {
    const head = this.stmt.streamHead.get(stream) as [bigint, string] | undefined;
    const actual = head ? head[0] : NO_STREAM;
    const matches =
      expected === ANY ||
      (expected === NO_STREAM && !head) ||
      (expected === STREAM_EXISTS && !!head) ||
      (typeof expected === 'bigint' && head !== undefined && head[0] === expected);
    if (!matches) {
      const retry = this.previousAppend(stream, events);
      if (retry) return retry;
      throw new WrongExpectedVersionError(stream, expected, actual);
    }

    let version = head ? head[0] : -1n;
    let hash = head ? head[1] : GENESIS;
    const seq = this.stmt.sequence.get() as [bigint] | undefined;
    let position = seq ? seq[0] : 0n;
    const last = this.stmt.lastRow.get() as [string] | undefined;
    let chain = last ? last[0] : GENESIS;
    const recordedAt = this.clock().toISOString();

    for (const e of events) {
      version += 1n;
      position += 1n;
      const data = canonicalJson(e.data);
      const metadata = canonicalJson({ ...e.metadata, recordedAt });
      hash = eventHash(hash, stream, version, e.id, e.type, data, metadata);
      chain = globalHash(chain, position, hash);
      try {
        this.stmt.insert.run(position, e.id, stream, version, e.type, data, metadata, hash, chain);
      } catch (err) {
        if ((err as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE' && /events\.id/.test((err as Error).message)) {
          throw new UniqueIdViolation();
        }
        throw err;
      }
    }
    return { nextExpectedVersion: version, position };
  }

  /**
   * A retried append: when every id of the batch is already in this stream,
   * the original result is returned and nothing is written.
   */
  private previousAppend(stream: string, events: readonly NewEvent[]): AppendResult | undefined {
    const found = events.map((e) => this.stmt.byId.get(e.id) as [string, bigint, bigint] | undefined);
    if (found.every((f) => f === undefined)) return undefined;
    events.forEach((e, i) => {
      const f = found[i];
      if (!f) throw new DuplicateEventIdError(stream, e.id, 'is new but other events of the same append are already stored');
      if (f[0] !== stream) throw new DuplicateEventIdError(stream, e.id, `is already stored in stream ${f[0]}`);
    });
    const rows = found as [string, bigint, bigint][];
    return {
      nextExpectedVersion: rows.reduce((m, r) => (r[1] > m ? r[1] : m), -1n),
      position: rows.reduce((m, r) => (r[2] > m ? r[2] : m), 0n),
    };
  }

  async readStream(stream: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    this.assertOpen();
    const limit = options.limit ?? -1;
    const rows =
      options.direction === 'backwards'
        ? this.stmt.backwards.all(stream, options.from ?? BigInt(Number.MAX_SAFE_INTEGER), limit)
        : this.stmt.forwards.all(stream, options.from ?? 0n, limit);
    return (rows as Row[]).map(toEvent);
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    this.assertOpen();
    const rows = this.stmt.all.all(options.fromPosition ?? START, options.limit ?? 1000) as Row[];
    return rows.map(toEvent);
  }

  async headPosition(): Promise<bigint> {
    this.assertOpen();
    const [max] = this.stmt.head.get() as [bigint | null];
    return max ?? START;
  }

  subscribe(options: SubscribeOptions = {}): Subscription {
    this.assertOpen();
    const sub = new PollingSubscription({
      fromPosition: options.fromPosition ?? START,
      readPage: (after, limit) => this.readAll({ fromPosition: after, limit }),
      signal: this.signal,
      pollIntervalMs: this.pollIntervalMs,
      onStop: () => this.subscriptions.delete(sub),
    });
    this.subscriptions.add(sub);
    return sub;
  }

  /**
   * Walks the global log in pages (yielding to the event loop between them, so
   * a server keeps answering during a long walk), checking every event against
   * its stream chain and the global chain. With `from`, resumes after a head
   * verified earlier: the row at that position must still carry that head hash,
   * and a stream's chain continues from its stored head at that position.
   */
  async verify(options: VerifyOptions = {}): Promise<VerifyReport> {
    this.assertOpen();
    const from = options.from && options.from.position > 0n ? options.from : null;
    const total = Number((this.stmt.countAfter.get(from?.position ?? 0n) as [bigint])[0]);
    const heads = new Map<string, { version: bigint; hash: string }>();
    let previousPosition = from?.position ?? 0n;
    let chain = from?.hash ?? GENESIS;
    let checked = 0;
    let anchor: LogHead | null = from && options.anchorAt !== undefined && options.anchorAt >= from.position ? from : null;
    const report = (failure?: VerifyReport['failure']): VerifyReport => ({
      ok: failure === undefined,
      eventsChecked: checked,
      streamsChecked: heads.size,
      head: previousPosition > 0n ? { position: previousPosition, hash: chain } : null,
      ...(options.anchorAt !== undefined ? { anchor } : {}),
      ...(failure ? { failure } : {}),
    });

    if (from) {
      const row = this.stmt.globalAt.get(from.position) as [string, bigint, string] | undefined;
      if (!row) {
        const [, max] = this.stmt.ends.get() as [bigint | null, bigint | null];
        return report({
          kind: 'removed',
          stream: '(global log)',
          streamVersion: -1n,
          globalPosition: from.position,
          detail: `the log was verified up to position ${from.position}, but holds no event there now (it ends at ${max ?? 0n}): events were removed`,
        });
      }
      if (row[2] !== from.hash) {
        return report({
          kind: 'altered',
          stream: row[0],
          streamVersion: row[1],
          globalPosition: from.position,
          detail: `the head hash at position ${from.position} is no longer the one verified there (${from.hash}): the log up to it was rewritten`,
        });
      }
    }
    /** The stream's chain head just before the walk: walked, or (resuming) as stored at the checkpoint. */
    const headOf = (stream: string) => {
      const walked = heads.get(stream);
      if (walked || !from) return walked;
      const stored = this.stmt.streamHeadAt.get(stream, from.position) as [bigint, string] | undefined;
      return stored && { version: stored[0], hash: stored[1] };
    };

    for (;;) {
      const page = this.stmt.page.all(previousPosition, VERIFY_PAGE) as [...Row, string][];
      if (page.length === 0) {
        // one statement, one snapshot: an append that lands meanwhile is walked, not taken for a removal
        const [seq, max] = this.stmt.ends.get() as [bigint | null, bigint | null];
        if (max !== null && max > previousPosition) continue;
        if (seq !== null && seq > previousPosition) {
          return report({
            kind: 'removed',
            stream: '(global log)',
            streamVersion: -1n,
            globalPosition: previousPosition + 1n,
            detail: `the log once reached position ${seq} but ends at ${previousPosition}: its last events were removed`,
          });
        }
        break;
      }
      for (const [position, id, stream, version, type, data, metadata, storedHash, storedGlobal] of page) {
        const at = { stream, streamVersion: version, globalPosition: position };
        if (position !== previousPosition + 1n) {
          return report({ kind: 'removed', ...at, detail: `positions ${previousPosition + 1n}..${position - 1n} are missing before this event` });
        }
        const head = headOf(stream);
        const expectedVersion = head ? head.version + 1n : 0n;
        if (version > expectedVersion) {
          return report({ kind: 'removed', ...at, detail: `stream ${stream} versions ${expectedVersion}..${version - 1n} are missing` });
        }
        if (version < expectedVersion) {
          return report({ kind: 'reordered', ...at, detail: `stream ${stream} version ${version} appears after version ${expectedVersion - 1n}` });
        }
        const hash = eventHash(head ? head.hash : GENESIS, stream, version, id, type, data, metadata);
        if (hash !== storedHash) {
          return report({ kind: 'altered', ...at, detail: 'its content does not match its hash (data, metadata, type or id was changed)' });
        }
        const expectedGlobal = globalHash(chain, position, hash);
        if (expectedGlobal !== storedGlobal) {
          return report({
            kind: 'reordered',
            ...at,
            detail:
              'its content is intact but it is not linked to the event before it in global order: it was moved, or an event before it was removed or replaced',
          });
        }
        heads.set(stream, { version, hash });
        chain = expectedGlobal;
        previousPosition = position;
        if (options.anchorAt !== undefined && position <= options.anchorAt) anchor = { position, hash: chain };
        checked++;
        if (options.onProgress && checked % 5000 === 0) options.onProgress(checked, total);
      }
      options.signal?.throwIfAborted();
      await new Promise((resolve) => setImmediate(resolve));
      this.assertOpen();
    }
    options.onProgress?.(checked, total);
    return report();
  }

  async ping(): Promise<void> {
    this.assertOpen();
    this.db.prepare('SELECT 1').get();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([...this.subscriptions].map((s) => s.stop()));
    this.db.close();
  }

  private assertOpen(): void {
    if (this.closed) throw new StoreUnavailableError('the SQLite event store is closed');
  }
}
