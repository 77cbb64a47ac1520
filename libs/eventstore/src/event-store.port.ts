/**
 * The event store port. Everything in Duban reads and writes events through
 * this interface; each adapter (SQLite, KurrentDB) is the only file that
 * touches its client library.
 *
 * Conventions (the same as KurrentDB, so both adapters agree):
 * - stream versions start at 0n for a stream's first event;
 * - global positions are positive bigints that grow with every append, in the
 *   order events were committed (SQLite: 1, 2, 3 …; KurrentDB: commit positions,
 *   not contiguous);
 * - a `fromPosition` is a checkpoint: reads and subscriptions deliver the events
 *   strictly AFTER it. `START` (0n) means from the very beginning.
 */

export const NO_STREAM = 'no_stream' as const;
export const STREAM_EXISTS = 'stream_exists' as const;
export const ANY = 'any' as const;
export type ExpectedVersion = typeof NO_STREAM | typeof STREAM_EXISTS | typeof ANY | bigint;

/** Checkpoint meaning "nothing read yet". */
export const START = 0n;

/** The largest global position any adapter gives (a signed 64-bit integer: what SQLite stores and binds). */
export const MAX_GLOBAL_POSITION = 2n ** 63n - 1n;

export type Role = 'supervisor' | 'unit' | 'auditor' | 'admin' | 'system';

/** Who caused an event, and through which command and request. */
export interface EventMetadata {
  /** User id (or a service name for the system role). */
  actorUserId: string;
  /** The unit the actor acted for; null for system actions. */
  actorUnitId: string | null;
  actorRole: Role;
  /** The command that produced the event; a retried command reuses it. */
  commandId: string;
  /** The request or business flow the command belongs to. */
  correlationId: string;
  /** The command or event that directly caused this one. */
  causationId: string;
  /** When the fact took effect (ISO 8601). May lie in the past for back-filled records. */
  occurredAt: string;
  /** Extra keys are kept verbatim (and covered by the hash). */
  [extra: string]: unknown;
}

/** What a caller hands to `appendToStream`. `recordedAt` is set by the store. */
export interface NewEvent<TType extends string = string, TData = unknown> {
  /** UUID. Re-appending an id the stream already holds is a no-op (idempotency). */
  id: string;
  /** Stable versioned name, e.g. `task.assigned.v1`. */
  type: TType;
  data: TData;
  metadata: EventMetadata;
}

export interface StoredMetadata extends EventMetadata {
  /** When the store accepted the event (ISO 8601, UTC). */
  recordedAt: string;
}

export interface RecordedEvent<TType extends string = string, TData = unknown> {
  id: string;
  stream: string;
  type: TType;
  data: TData;
  metadata: StoredMetadata;
  streamVersion: bigint;
  globalPosition: bigint;
  /** sha256 (hex) over this event's canonical content and the previous hash in its stream. */
  hash: string;
}

export interface AppendResult {
  /** The version of the last event written: pass it as `expectedVersion` next time. */
  nextExpectedVersion: bigint;
  /** The global position of the last event written. */
  position: bigint;
}

export interface AppendOptions {
  expectedVersion: ExpectedVersion;
}

export type Direction = 'forwards' | 'backwards';

export interface ReadStreamOptions {
  /** First version to read (inclusive). Default: 0n forwards, the last event backwards. */
  from?: bigint;
  direction?: Direction;
  /** At most this many events. Default: all. */
  limit?: number;
}

export interface ReadAllOptions {
  /** Checkpoint: deliver events strictly after this position. Default START. */
  fromPosition?: bigint;
  /** At most this many events. Default 1000. */
  limit?: number;
}

export interface SubscribeOptions {
  /** Checkpoint: deliver events strictly after this position. Default START. */
  fromPosition?: bigint;
}

/**
 * A catch-up subscription over the global log: history first, then live
 * events, in global order. Backpressure is natural: the next event is only
 * fetched when the consumer's `for await` body has finished with the last one.
 */
export interface Subscription extends AsyncIterable<RecordedEvent> {
  /** Ends the iteration (a pending `next()` resolves as done). */
  stop(): Promise<void>;
}

/** One finding of `verify()`: the first event that breaks a chain. */
export interface VerifyFailure {
  kind: 'altered' | 'removed' | 'reordered';
  stream: string;
  streamVersion: bigint;
  globalPosition: bigint | null;
  detail: string;
}

/**
 * A point of the global log and its head hash: the running hash over every
 * event in global order up to and including the one at `position`
 * (chain.ts globalHash, starting from GENESIS). Printed `<hash>@<position>`,
 * it is the anchor an auditor keeps outside the system.
 */
export interface LogHead {
  position: bigint;
  hash: string;
}

export interface VerifyReport {
  ok: boolean;
  /** Events checked by this walk (after `from` when it was given). */
  eventsChecked: number;
  streamsChecked: number;
  /** The head hash of the last event verified (the value an auditor keeps outside the system). */
  head: LogHead | null;
  /** With `anchorAt`: the head hash at the last event at or before that position (null: none verified there). */
  anchor?: LogHead | null;
  failure?: VerifyFailure;
}

export interface VerifyOptions {
  /** Called every few thousand events so long walks can show progress. */
  onProgress?: (checked: number, total: number | null) => void;
  /**
   * Resume after a head verified earlier: the event at `from.position` must
   * still carry that head hash (a log now shorter than it, or rewritten up to
   * it, fails), and only the events after it are walked. Adapters without a
   * stored global chain ignore it and walk everything.
   */
  from?: LogHead;
  /** Also report the head hash at this position (see `anchor`), e.g. to compare with a published anchor. */
  anchorAt?: bigint;
  /** Ends a long walk early (between pages); verify() then rejects with the signal's reason. */
  signal?: AbortSignal;
}

export interface EventStore {
  /** Which adapter this is, for logs and /ready. */
  readonly kind: 'sqlite' | 'kurrentdb';
  appendToStream(stream: string, events: readonly NewEvent[], options: AppendOptions): Promise<AppendResult>;
  /** Events of one stream. A stream that does not exist reads as empty. */
  readStream(stream: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;
  /** One page of the global log, in global order. */
  readAll(options?: ReadAllOptions): Promise<RecordedEvent[]>;
  subscribe(options?: SubscribeOptions): Subscription;
  /**
   * The global position of the last event readAll delivers (START when there is none). A follower that loads
   * its state from a stream reads this FIRST and then subscribes from it: every later event reaches it, and it
   * does not walk the whole log from START to reach the present.
   */
  headPosition(): Promise<bigint>;
  /** Walks the store and reports the first altered, removed or reordered event. */
  verify(options?: VerifyOptions): Promise<VerifyReport>;
  /** Cheap round trip for readiness checks; throws when the store is unreachable. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
