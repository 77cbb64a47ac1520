import {
  BACKWARDS,
  END as CLIENT_END,
  ErrorType,
  FORWARDS,
  KurrentDBClient,
  START as CLIENT_START,
  streamNameFilter,
} from '@kurrent/kurrentdb-client';
import type {
  AppendResult as ClientAppendResult,
  AppendStreamState,
  EventData,
  JSONType,
  ReadPosition,
  ReadRevision,
} from '@kurrent/kurrentdb-client';
import { randomUUID } from 'node:crypto';
import { canonicalJson, eventHash, GENESIS, globalHash, validateNewEvents } from '../chain';
import {
  DuplicateEventIdError,
  EventStoreError,
  InvalidAppendError,
  StoreUnavailableError,
  WrongExpectedVersionError,
} from '../errors';
import { ANY, NO_STREAM, START, STREAM_EXISTS } from '../event-store.port';
import type {
  AppendOptions,
  AppendResult,
  EventStore,
  ExpectedVersion,
  NewEvent,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  StoredMetadata,
  SubscribeOptions,
  Subscription,
  VerifyFailure,
  VerifyOptions,
  VerifyReport,
} from '../event-store.port';

/**
 * The KurrentDB (EventStoreDB) adapter. This is the only file that touches
 * `@kurrent/kurrentdb-client`.
 *
 * Positions: an event's global position is its commit position in the
 * server's transaction log. Events appended through gRPC (the only way this
 * client writes) are committed one by one, so commit = prepare position, and
 * every event of a batch has its own, strictly greater position. Explicit
 * transactions of the old TCP API would share a commit position; Duban never
 * writes those.
 *
 * Tamper evidence: every event carries the same stream-chain hash the SQLite
 * store computes (same inputs, see chain.ts), stored in the KurrentDB event
 * metadata under `$hash`. The server assigns global order, so there is no
 * global chain; `seal()` records every stream's chain head in the stream
 * `duban-seals`, and `verify()` checks that each sealed head is still there.
 * See docs/tamper-evidence.md.
 *
 * Event ids and retries: a retried append (same event ids) is recognised
 * within its own stream and answered with its original result; some ids of
 * the batch stored and others new is a DuplicateEventIdError. The ids are
 * looked up among the stream's last ID_LOOKUP_WINDOW (1000) events, and only
 * when needed: when the caller's expected version does not hold or the write
 * lost a race (a retry arrives with a stale expected version), and before an
 * ANY / STREAM_EXISTS append (which no expected version can tell from a
 * retry; the same read gives the head). An append with an exact expected
 * version that holds is written without a look-up (so re-sending part of an
 * old batch at the current head, a programming error, is not refused).
 *
 * Limits: event ids are NOT globally unique on KurrentDB. The server keeps no
 * index of event ids across streams (its own idempotency only looks at recent
 * writes to the same stream), so an id already stored in another stream is
 * not refused; Duban derives event ids from the command id and the stream
 * name, so that only happens through a programming error or a UUID
 * collision. (The SQLite store enforces global uniqueness with a UNIQUE
 * index.) A retry of an append that is no longer among the stream's last
 * ID_LOOKUP_WINDOW events is not recognised: with an exact expected version it
 * fails with WrongExpectedVersionError, with ANY / STREAM_EXISTS it would be
 * stored again. Ids are stored lower-case (KurrentDB keeps GUIDs).
 * verify() treats every stream not starting with `$` as a Duban stream: the
 * server must hold Duban's events only.
 */

export interface KurrentDbEventStoreOptions {
  /** `kurrentdb://…` (or `kurrent://`, `kdb://`, and the deprecated `esdb://`, normalised to kurrentdb://). */
  connectionString: string;
  /** The store's clock for `recordedAt`; injectable for tests. */
  clock?: () => Date;
}

/** The stream that holds the seals. */
export const SEAL_STREAM = 'duban-seals';
export const SEAL_EVENT_TYPE = 'store.sealed.v1';

/** Keys this adapter adds to the KurrentDB event metadata next to ours. */
export const HASH_KEY = '$hash';
export const CORRELATION_KEY = '$correlationId';
export const CAUSATION_KEY = '$causationId';
const RESERVED_METADATA_KEYS = [HASH_KEY, CORRELATION_KEY, CAUSATION_KEY] as const;

/** How many of a stream's last events are searched for the ids of a retried append (see the header). */
export const ID_LOOKUP_WINDOW = 1000;
/** How often an ANY / STREAM_EXISTS append re-reads the head after losing a race. */
const APPEND_ATTEMPTS = 10;
/** Events per read when walking the global log. */
const PAGE_SIZE = 1000;
/** How often a subscription reconnects in a row (without delivering anything) before giving up. */
const SUBSCRIPTION_RECONNECTS = 5;
const PING_TIMEOUT_MS = 5000;

/**
 * Server-side stream filters (.NET regular expressions).
 * - Domain streams: what readAll and subscribe deliver; no system streams
 *   (`$…`), no seals.
 * - Chained streams: what verify and seal walk; domain streams and the seals,
 *   plus the metadata streams (`$$<stream>`) of those, where a deletion or a
 *   truncation of a stream shows up at once.
 */
/** How many events headPosition reads back from the end looking for a domain event. */
const HEAD_SCAN = 100;
const DOMAIN_STREAMS = `^(?!\\$|${SEAL_STREAM}$)`;
const CHAINED_STREAMS = `^(?:\\$\\$(?!\\$)|(?!\\$))`;

// ---------------------------------------------------------------------------
// Pure helpers (exported for the tests that run without a server)
// ---------------------------------------------------------------------------

const SCHEMES: Record<string, string> = {
  kurrentdb: 'kurrentdb',
  'kurrentdb+discover': 'kurrentdb+discover',
  kurrent: 'kurrent',
  'kurrent+discover': 'kurrent+discover',
  kdb: 'kdb',
  'kdb+discover': 'kdb+discover',
  // the client still accepts esdb:// but warns on the console that it is deprecated
  esdb: 'kurrentdb',
  'esdb+discover': 'kurrentdb+discover',
};

/** Hides the password of a connection string, for messages. */
export function redactConnectionString(connectionString: string): string {
  return connectionString.replace(/\/\/[^@/]*@/, '//***@');
}

/**
 * Accepts `kurrentdb://`, `kurrent://`, `kdb://` (each optionally `+discover`)
 * and the EventStoreDB spelling `esdb://`, which is rewritten to `kurrentdb://`
 * (same syntax, and the client no longer warns). The scheme is case-insensitive.
 */
export function normaliseConnectionString(connectionString: string): string {
  const trimmed = connectionString.trim();
  const match = /^([a-z][a-z0-9+]*):\/\//i.exec(trimmed);
  const scheme = match ? SCHEMES[match[1].toLowerCase()] : undefined;
  if (!match || !scheme) {
    throw new EventStoreError(
      `not a KurrentDB connection string: ${JSON.stringify(redactConnectionString(trimmed))} ` +
        '(expected kurrentdb://host:2113?tls=false or esdb://…)',
    );
  }
  return scheme + trimmed.slice(match[1].length);
}

/** Whether the caller's expected version holds for a stream whose last version is `current` (null: no stream). */
export function expectationHolds(expected: ExpectedVersion, current: bigint | null): boolean {
  if (expected === ANY) return true;
  if (expected === NO_STREAM) return current === null;
  if (expected === STREAM_EXISTS) return current !== null;
  return current !== null && current === expected;
}

/**
 * The expected state sent with every write: always the exact revision that
 * was read (or no stream), whatever the caller expected, because the hashes
 * were computed for exactly those versions and the chain must not fork.
 */
export function exactStreamState(current: bigint | null): AppendStreamState {
  return current === null ? NO_STREAM : current;
}

/** The client's "actual" state of a conflict, as our error carries it. */
export function actualVersionOf(actual: unknown): bigint | typeof NO_STREAM {
  return typeof actual === 'bigint' && actual >= 0n ? actual : NO_STREAM;
}

/** What KurrentDB stores as event metadata: ours, the hash, and the two keys its projections read. */
export function packMetadata(metadata: StoredMetadata, hash: string): Record<string, unknown> {
  return {
    ...(JSON.parse(canonicalJson(metadata)) as Record<string, unknown>),
    [HASH_KEY]: hash,
    [CORRELATION_KEY]: metadata.correlationId,
    [CAUSATION_KEY]: metadata.causationId,
  };
}

/** The inverse of packMetadata: our StoredMetadata and the stored hash (null when there is none). */
export function unpackMetadata(raw: unknown): { metadata: StoredMetadata; hash: string | null } {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw) || raw instanceof Uint8Array) {
    return { metadata: {} as StoredMetadata, hash: null };
  }
  const metadata = { ...(raw as Record<string, unknown>) };
  const hash = metadata[HASH_KEY];
  for (const key of RESERVED_METADATA_KEYS) delete metadata[key];
  return { metadata: metadata as StoredMetadata, hash: typeof hash === 'string' ? hash : null };
}

export interface ChainHead {
  version: bigint;
  hash: string;
}

/** One event ready to be written: content exactly as hashed, with its version and hash. */
export interface ChainedEvent {
  id: string;
  type: string;
  data: unknown;
  metadata: StoredMetadata;
  version: bigint;
  hash: string;
}

/**
 * Versions and hashes for a batch appended after `head`, exactly as the
 * SQLite store computes them, so a stream's hashes are the same in both.
 * Ids are lower-cased: KurrentDB stores them as GUIDs and returns them so.
 * Data and metadata are what canonicalJson hashed (undefined keys dropped).
 */
export function chainEvents(stream: string, head: ChainHead | null, events: readonly NewEvent[], recordedAt: string): ChainedEvent[] {
  let version = head ? head.version : -1n;
  let hash = head ? head.hash : GENESIS;
  return events.map((e) => {
    version += 1n;
    const id = e.id.toLowerCase();
    const dataJson = canonicalJson(e.data);
    const metadataJson = canonicalJson({ ...e.metadata, recordedAt });
    hash = eventHash(hash, stream, version, id, e.type, dataJson, metadataJson);
    return { id, type: e.type, data: JSON.parse(dataJson), metadata: JSON.parse(metadataJson) as StoredMetadata, version, hash };
  });
}

/** The hash an event should carry, recomputed from its content; null when its content cannot be hashed. */
export function recomputeHash(previousHash: string, e: RecordedEvent): string | null {
  try {
    return eventHash(previousHash, e.stream, e.streamVersion, e.id, e.type, canonicalJson(e.data), canonicalJson(e.metadata));
  } catch {
    return null; // e.g. binary data written by something other than Duban
  }
}

/**
 * Whether a batch is already stored, judged from `recent`, the stream's last
 * events (at most ID_LOOKUP_WINDOW of them): every id found → the original
 * append's result; some found → DuplicateEventIdError (part of an old batch
 * mixed with new events); none → undefined (not stored, as far as the window
 * shows).
 */
export function previousAppendIn(stream: string, events: readonly NewEvent[], recent: readonly RecordedEvent[]): AppendResult | undefined {
  const wanted = new Set(events.map((e) => e.id.toLowerCase()));
  const found = new Map<string, RecordedEvent>();
  for (const e of recent) {
    const id = e.id.toLowerCase();
    if (wanted.has(id)) found.set(id, e);
  }
  if (found.size === 0) return undefined;
  for (const e of events) {
    if (!found.has(e.id.toLowerCase())) {
      throw new DuplicateEventIdError(stream, e.id, 'is new but other events of the same append are already stored');
    }
  }
  const stored = [...found.values()];
  return {
    nextExpectedVersion: stored.reduce((m, e) => (e.streamVersion > m ? e.streamVersion : m), -1n),
    position: stored.reduce((m, e) => (e.globalPosition > m ? e.globalPosition : m), 0n),
  };
}

/** Events that are not domain events: KurrentDB's own, and this adapter's bookkeeping (the seals). */
export function isInternalEvent(stream: string, type: string): boolean {
  return stream.startsWith('$') || type.startsWith('$') || stream === SEAL_STREAM;
}

/** The payload of a seal event: chain heads of the streams that changed since the previous seal. */
export interface SealData {
  /** Global position up to which (inclusive) this seal and the ones before it cover the log. */
  coversPosition: string;
  /** stream → its chain head at coversPosition (versions as decimal strings: JSON has no bigint). */
  heads: Record<string, { version: string; hash: string }>;
}

export function buildSealData(coversPosition: bigint, heads: ReadonlyMap<string, ChainHead>): SealData {
  return {
    coversPosition: coversPosition.toString(),
    heads: Object.fromEntries([...heads].map(([stream, h]) => [stream, { version: h.version.toString(), hash: h.hash }])),
  };
}

/** A stream head some seal recorded, which must still be there. */
export interface SealedHead extends ChainHead {
  /** Version of the seal event in SEAL_STREAM that recorded it. */
  seal: bigint;
}

/**
 * The latest sealed head of every stream, from the seal events in order.
 * Malformed entries are skipped: a seal whose content was changed fails its
 * own chain check in verify().
 */
export function sealedHeads(seals: readonly RecordedEvent[]): Map<string, SealedHead> {
  const out = new Map<string, SealedHead>();
  for (const seal of seals) {
    if (seal.type !== SEAL_EVENT_TYPE) continue;
    const heads = (seal.data as Partial<SealData> | null)?.heads;
    if (!heads || typeof heads !== 'object') continue;
    for (const [stream, h] of Object.entries(heads)) {
      if (!h || typeof h.hash !== 'string' || typeof h.version !== 'string' || !/^\d+$/.test(h.version)) continue;
      out.set(stream, { version: BigInt(h.version), hash: h.hash, seal: seal.streamVersion });
    }
  }
  return out;
}

/** Stream-metadata keys that hide or remove events of a stream (Duban never sets them). */
const TRUNCATING_METADATA = ['$tb', '$maxCount', '$maxAge'] as const;

/**
 * The checks of verify(), fed one event at a time in global order (the walk
 * over $all is the adapter's job). Each stream's versions must run from 0
 * without gaps and each hash must recompute; every sealed head must be met
 * with the sealed hash; a deletion or truncation recorded by the server
 * (stream metadata, tombstone) is reported as removed.
 */
export class ChainVerifier {
  private readonly heads = new Map<string, ChainHead>();
  private readonly metSeals = new Set<string>();
  private chain = GENESIS;
  private lastPosition: bigint | null = null;
  private checked = 0;

  constructor(private readonly sealed: ReadonlyMap<string, SealedHead> = new Map()) {}

  get eventsChecked(): number {
    return this.checked;
  }

  /** Checks the next event of the walk; returns the failure when it breaks a chain. */
  check(e: RecordedEvent): VerifyFailure | undefined {
    const at = { stream: e.stream, streamVersion: e.streamVersion, globalPosition: e.globalPosition };

    if (e.stream.startsWith('$$')) {
      const stream = e.stream.slice(2);
      const data = e.data && typeof e.data === 'object' ? (e.data as Record<string, unknown>) : {};
      const keys = TRUNCATING_METADATA.filter((k) => data[k] !== undefined && data[k] !== null);
      if (keys.length === 0) return undefined; // e.g. an ACL: hides nothing from the chain
      return {
        kind: 'removed',
        stream,
        streamVersion: 0n,
        globalPosition: e.globalPosition,
        detail: `stream metadata ${keys.map((k) => `${k}=${JSON.stringify(data[k])}`).join(', ')} was set on ${stream}: its events are deleted or truncated`,
      };
    }
    if (e.type === '$streamDeleted') {
      return { kind: 'removed', ...at, streamVersion: 0n, detail: `stream ${e.stream} was hard-deleted (tombstoned)` };
    }
    if (e.type.startsWith('$') || e.stream.startsWith('$')) return undefined;

    const head = this.heads.get(e.stream);
    const expectedVersion = head ? head.version + 1n : 0n;
    if (e.streamVersion > expectedVersion) {
      return {
        kind: 'removed',
        ...at,
        detail: `stream ${e.stream} versions ${expectedVersion}..${e.streamVersion - 1n} are missing`,
      };
    }
    if (e.streamVersion < expectedVersion) {
      return {
        kind: 'reordered',
        ...at,
        detail: `stream ${e.stream} version ${e.streamVersion} appears after version ${expectedVersion - 1n}`,
      };
    }
    if (!e.hash) {
      return { kind: 'altered', ...at, detail: 'it carries no hash (written or rewritten outside Duban)' };
    }
    const hash = recomputeHash(head ? head.hash : GENESIS, e);
    if (hash !== e.hash) {
      return { kind: 'altered', ...at, detail: 'its content does not match its hash (data, metadata, type or id was changed)' };
    }
    const seal = this.sealed.get(e.stream);
    if (seal && seal.version === e.streamVersion) {
      if (seal.hash !== hash) {
        return {
          kind: 'altered',
          ...at,
          detail:
            `its chain recomputes, but seal ${seal.seal} recorded hash ${seal.hash} for this version: ` +
            'the stream was rewritten up to here with recomputed hashes',
        };
      }
      this.metSeals.add(e.stream);
    }
    this.heads.set(e.stream, { version: e.streamVersion, hash });
    this.chain = globalHash(this.chain, e.globalPosition, hash);
    this.lastPosition = e.globalPosition;
    this.checked++;
    return undefined;
  }

  /** After the walk: every sealed head must have been met. */
  finish(): VerifyFailure | undefined {
    for (const [stream, seal] of this.sealed) {
      if (this.metSeals.has(stream)) continue;
      const head = this.heads.get(stream);
      return {
        kind: 'removed',
        stream,
        streamVersion: head ? head.version + 1n : 0n,
        globalPosition: null,
        detail: head
          ? `stream ${stream} ends at version ${head.version}, but seal ${seal.seal} recorded its head at version ${seal.version}: its last events were removed`
          : `stream ${stream} is gone, but seal ${seal.seal} recorded its head at version ${seal.version}`,
      };
    }
    return undefined;
  }

  /**
   * The report. `head.hash` chains (globalHash) every checked event's hash in
   * global order, as the SQLite store's global chain does: it is recomputed
   * by every walk and changes when anything before it changes.
   */
  report(failure?: VerifyFailure): VerifyReport {
    const head = this.lastPosition === null ? null : { position: this.lastPosition, hash: this.chain };
    return failure
      ? { ok: false, eventsChecked: this.checked, streamsChecked: this.heads.size, head, failure }
      : { ok: true, eventsChecked: this.checked, streamsChecked: this.heads.size, head };
  }
}

// ---------------------------------------------------------------------------
// Subscriptions
// ---------------------------------------------------------------------------

/** What the client's subscribeToAll returns, as far as this adapter uses it. */
export interface SubscriptionSource<T> extends AsyncIterable<T> {
  on(event: 'error', listener: (err: Error) => void): unknown;
  unsubscribe(): Promise<void>;
  destroy(): unknown;
}

export interface CatchUpOptions<T> {
  fromPosition: bigint;
  /** Opens the server subscription after a checkpoint (exclusive). */
  open: (after: bigint) => SubscriptionSource<T>;
  /** Position of a delivered item, and the event to hand on (null: skip it, e.g. a system event). */
  convert: (item: T) => { position: bigint; event: RecordedEvent | null } | null;
  /** Errors after which reconnecting is pointless (e.g. access denied). */
  isFatal?: (err: unknown) => boolean;
  mapError?: (err: unknown) => Error;
  onStop?: () => void;
  reconnects?: number;
  backoffMs?: (attempt: number) => number;
}

/**
 * Our Subscription over the client's catch-up subscription (a Readable in
 * object mode, consumed with for-await: the next event is only pulled when
 * the consumer asks, and the client's stream buffer applies backpressure to
 * gRPC). It keeps the checkpoint of the last event handed out, drops anything
 * at or before it (the checkpoint is exclusive whatever the server does), and
 * when the server drops the subscription (a restart, a consumer too slow for
 * the live feed) it resubscribes from that checkpoint.
 */
export class CatchUpSubscription<T> implements Subscription {
  private checkpoint: bigint;
  private source: SubscriptionSource<T> | null = null;
  private iterator: AsyncIterator<T> | null = null;
  private stopped = false;
  private failures = 0;
  private readonly stopSignal: Promise<void>;
  private signalStop!: () => void;

  constructor(private readonly options: CatchUpOptions<T>) {
    this.checkpoint = options.fromPosition;
    this.stopSignal = new Promise<void>((resolve) => (this.signalStop = resolve));
  }

  [Symbol.asyncIterator](): AsyncIterator<RecordedEvent> {
    return {
      next: () => this.next(),
      return: async () => {
        await this.stop();
        return { done: true, value: undefined };
      },
    };
  }

  private async next(): Promise<IteratorResult<RecordedEvent>> {
    while (!this.stopped) {
      const iterator = this.iterator ?? this.connect();
      let result: IteratorResult<T> | undefined;
      let failure: unknown = null;
      try {
        const pending = iterator.next();
        pending.catch(() => undefined); // settles after stop(): nobody waits for it any more
        result = await Promise.race([pending, this.stopSignal.then(() => undefined)]);
      } catch (err) {
        failure = err;
      }
      if (this.stopped) break;
      if (failure !== null || !result || result.done) {
        await this.reconnectAfter(failure ?? new Error('the server ended the subscription'));
        continue;
      }
      const item = this.options.convert(result.value);
      if (!item || item.position <= this.checkpoint) continue;
      this.checkpoint = item.position;
      this.failures = 0;
      if (item.event) return { done: false, value: item.event };
    }
    return { done: true, value: undefined };
  }

  private connect(): AsyncIterator<T> {
    const source = this.options.open(this.checkpoint);
    // Errors reach the consumer through the iterator; this listener only keeps
    // an error emitted before the first next() from crashing the process.
    source.on('error', () => undefined);
    this.source = source;
    this.iterator = source[Symbol.asyncIterator]();
    return this.iterator;
  }

  private disconnect(): void {
    const source = this.source;
    this.source = null;
    this.iterator = null;
    if (!source) return;
    source.unsubscribe().catch(() => undefined); // cancels the gRPC call; not awaited so stop() stays prompt
    source.destroy();
  }

  private async reconnectAfter(err: unknown): Promise<void> {
    this.disconnect();
    this.failures++;
    if (this.options.isFatal?.(err) || this.failures > (this.options.reconnects ?? SUBSCRIPTION_RECONNECTS)) {
      throw this.options.mapError ? this.options.mapError(err) : err;
    }
    const wait = this.options.backoffMs ? this.options.backoffMs(this.failures) : Math.min(100 * 2 ** this.failures, 5000);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([new Promise<void>((resolve) => (timer = setTimeout(resolve, wait))), this.stopSignal]);
    clearTimeout(timer);
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.signalStop();
    this.disconnect();
    this.options.onStop?.();
  }
}

// ---------------------------------------------------------------------------
// The adapter
// ---------------------------------------------------------------------------

/** The parts of the client's resolved events this adapter reads (readStream, readAll and subscriptions alike). */
interface ClientRecordedEvent {
  streamId: string;
  id: string;
  type: string;
  revision: bigint;
  data: unknown;
  metadata: unknown;
  position?: { commit: bigint; prepare: bigint };
}
interface ClientResolvedEvent {
  event?: ClientRecordedEvent;
  commitPosition?: bigint;
}

/** The chain head a stream's last event gives (null: no stream); an event without a hash was not written by Duban. */
function chainHeadOf(stream: string, last: RecordedEvent | undefined): ChainHead | null {
  if (!last) return null;
  if (!last.hash) {
    throw new EventStoreError(`stream ${stream}: its last event (version ${last.streamVersion}) carries no hash; it was not written by Duban`);
  }
  return { version: last.streamVersion, hash: last.hash };
}

function clientErrorType(err: unknown): string | undefined {
  return err && typeof err === 'object' && 'type' in err ? String((err as { type: unknown }).type) : undefined;
}
const isWrongExpectedVersion = (err: unknown) => clientErrorType(err) === ErrorType.WRONG_EXPECTED_VERSION;
const isStreamGone = (err: unknown) =>
  [ErrorType.STREAM_NOT_FOUND, ErrorType.STREAM_DELETED, ErrorType.STREAM_TOMBSTONED].includes(clientErrorType(err) as ErrorType);

const UNAVAILABLE: string[] = [
  ErrorType.UNAVAILABLE,
  ErrorType.DEADLINE_EXCEEDED,
  ErrorType.TIMEOUT,
  ErrorType.CANCELLED,
  ErrorType.NOT_LEADER,
];

/** gRPC status codes of a raw (unconverted) client error that mean "cannot reach the server". */
const UNAVAILABLE_GRPC_CODES = [1 /* CANCELLED */, 4 /* DEADLINE_EXCEEDED */, 14 /* UNAVAILABLE */];

/** Client errors as store errors: unreachable server → StoreUnavailableError, the rest → EventStoreError. */
function storeError(err: unknown, doing: string): Error {
  if (err instanceof EventStoreError) return err;
  const name = err instanceof Error ? err.name : 'Error';
  const text = err instanceof Error ? err.message : String(err);
  const message = !text ? name : name === 'Error' || text.startsWith(name) ? text : `${name}: ${text}`;
  const type = clientErrorType(err);
  const code = err && typeof err === 'object' && 'code' in err ? (err as { code: unknown }).code : undefined;
  const unavailable = (type !== undefined && UNAVAILABLE.includes(type)) || (typeof code === 'number' && UNAVAILABLE_GRPC_CODES.includes(code));
  const mapped = unavailable
    ? new StoreUnavailableError(`KurrentDB ${doing}: ${message}`)
    : new EventStoreError(`KurrentDB ${doing}: ${message}`);
  Object.defineProperty(mapped, 'cause', { value: err, enumerable: false });
  return mapped;
}

const toClientPosition = (after: bigint): ReadPosition => (after <= 0n ? CLIENT_START : { commit: after, prepare: after });
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class KurrentDbEventStore implements EventStore {
  readonly kind = 'kurrentdb' as const;
  private readonly client: KurrentDBClient;
  private readonly clock: () => Date;
  private readonly subscriptions = new Set<CatchUpSubscription<unknown>>();
  private readonly connectionString: string;
  private closed = false;

  constructor(options: KurrentDbEventStoreOptions) {
    this.clock = options.clock ?? (() => new Date());
    this.connectionString = normaliseConnectionString(options.connectionString);
    try {
      this.client = KurrentDBClient.connectionString(this.connectionString);
    } catch (err) {
      throw new StoreUnavailableError(
        `cannot use the KurrentDB connection string ${redactConnectionString(this.connectionString)}: ${(err as Error).message}`,
      );
    }
  }

  // -- appending ------------------------------------------------------------

  async appendToStream(stream: string, events: readonly NewEvent[], options: AppendOptions): Promise<AppendResult> {
    this.assertOpen();
    validateNewEvents(stream, events);
    if (stream.startsWith('$') || stream === SEAL_STREAM) {
      throw new InvalidAppendError(`stream ${stream}: names starting with $ and ${SEAL_STREAM} are reserved`);
    }
    for (const e of events) {
      const reserved = RESERVED_METADATA_KEYS.find((k) => k in e.metadata);
      if (reserved) throw new InvalidAppendError(`stream ${stream}: event ${e.id} metadata.${reserved} is reserved for the store`);
    }
    return this.appendChained(stream, events, options.expectedVersion);
  }

  /**
   * Appends after the stream's current head, with that exact revision as the
   * expected state, so the hashes computed for those versions are the ones
   * stored. A retried batch (same ids) is looked for among the stream's last
   * ID_LOOKUP_WINDOW events only where a retry can show up:
   * - ANY / STREAM_EXISTS hold for a retry as well, so every attempt reads the
   *   window instead of the head alone (one read gives both);
   * - an exact expected version (a version, NO_STREAM) is checked against the
   *   head alone; a retry carries the version its first attempt expected,
   *   which no longer holds, so the ids are looked up when the expectation
   *   fails or the write loses a race (which a concurrent retry of the same
   *   batch may have won). The fast path, an expectation that holds, costs no
   *   look-up.
   */
  private async appendChained(stream: string, events: readonly NewEvent[], expected: ExpectedVersion): Promise<AppendResult> {
    const anyVersion = expected === ANY || expected === STREAM_EXISTS;
    for (let attempt = 1; ; attempt++) {
      const recent = await this.readRaw(stream, {
        direction: BACKWARDS,
        fromRevision: CLIENT_END,
        maxCount: anyVersion ? ID_LOOKUP_WINDOW : 1,
        requiresLeader: true,
      });
      const head = chainHeadOf(stream, recent[0]);
      if (anyVersion) {
        const previous = previousAppendIn(stream, events, recent);
        if (previous) return previous;
      }
      const current = head ? head.version : null;
      if (!expectationHolds(expected, current)) {
        if (!anyVersion) {
          const previous = await this.previousAppend(stream, events);
          if (previous) return previous;
        }
        throw new WrongExpectedVersionError(stream, expected, current ?? NO_STREAM);
      }

      const chained = chainEvents(stream, head, events, this.clock().toISOString());
      const last = chained[chained.length - 1];
      const proposed: EventData[] = chained.map((c) => ({
        id: c.id,
        contentType: 'application/json',
        type: c.type,
        data: c.data as JSONType,
        metadata: packMetadata(c.metadata, c.hash),
      }));
      let written: ClientAppendResult;
      try {
        written = await this.client.appendToStream(stream, proposed, { streamState: exactStreamState(current), requiresLeader: true });
      } catch (err) {
        if (!isWrongExpectedVersion(err)) throw storeError(err, `appending to ${stream}`);
        // another writer got there between our read of the head and our write
        // (perhaps a concurrent retry of this very batch)
        if (anyVersion && attempt < APPEND_ATTEMPTS) {
          await sleep(Math.random() * 5 * attempt);
          continue; // the next attempt looks the ids up again
        }
        const previous = await this.previousAppend(stream, events);
        if (previous) return previous;
        throw new WrongExpectedVersionError(stream, expected, actualVersionOf((err as { actualState?: unknown }).actualState));
      }
      if (written.nextExpectedRevision !== last.version) {
        // Only possible if the server numbers the stream differently from its
        // readable head (a soft-deleted stream that is written again).
        throw new EventStoreError(
          `stream ${stream}: the server stored the batch up to version ${written.nextExpectedRevision}, ` +
            `but its readable head said ${last.version}; the stream was deleted or truncated behind the store's back`,
        );
      }
      const position = written.position?.commit ?? (await this.positionOf(stream, last.version));
      return { nextExpectedVersion: last.version, position };
    }
  }

  private async positionOf(stream: string, version: bigint): Promise<bigint> {
    const [e] = await this.readRaw(stream, { direction: FORWARDS, fromRevision: version, maxCount: 1, requiresLeader: true });
    if (!e) throw new EventStoreError(`stream ${stream}: version ${version} was written but cannot be read back`);
    return e.globalPosition;
  }

  /** A retried append, looked for among the stream's last ID_LOOKUP_WINDOW events (see previousAppendIn). */
  private async previousAppend(stream: string, events: readonly NewEvent[]): Promise<AppendResult | undefined> {
    const recent = await this.readRaw(stream, {
      direction: BACKWARDS,
      fromRevision: CLIENT_END,
      maxCount: ID_LOOKUP_WINDOW,
      requiresLeader: true,
    });
    return previousAppendIn(stream, events, recent);
  }

  // -- reading --------------------------------------------------------------

  async readStream(stream: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    this.assertOpen();
    if (options.limit !== undefined && options.limit <= 0) return [];
    const backwards = options.direction === 'backwards';
    return this.readRaw(stream, {
      direction: backwards ? BACKWARDS : FORWARDS,
      fromRevision: options.from ?? (backwards ? CLIENT_END : CLIENT_START),
      maxCount: options.limit ?? Number.MAX_SAFE_INTEGER,
    });
  }

  /** One stream read; a stream that does not exist (or was deleted) reads as empty. */
  private async readRaw(
    stream: string,
    options: { direction: typeof FORWARDS | typeof BACKWARDS; fromRevision: ReadRevision; maxCount: number; requiresLeader?: boolean },
  ): Promise<RecordedEvent[]> {
    const out: RecordedEvent[] = [];
    try {
      for await (const resolved of this.client.readStream(stream, { ...options, resolveLinkTos: false })) {
        const e = toRecordedEvent(resolved);
        if (e) out.push(e);
      }
    } catch (err) {
      if (isStreamGone(err)) return [];
      throw storeError(err, `reading stream ${stream}`);
    }
    return out;
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    this.assertOpen();
    const limit = options.limit ?? 1000;
    if (limit <= 0) return [];
    const out: RecordedEvent[] = [];
    for await (const e of this.walk(options.fromPosition ?? START, DOMAIN_STREAMS, Math.min(limit, PAGE_SIZE))) {
      if (isInternalEvent(e.stream, e.type)) continue;
      out.push(e);
      if (out.length >= limit) break;
    }
    return out;
  }

  /**
   * The global log after `after` (exclusive), through a server-side stream
   * filter, page by page. A read from position p includes the event at p, so
   * each page asks for one more and drops what is not strictly after p; a
   * page shorter than asked for is the end of the log.
   */
  private async *walk(after: bigint, regex: string, pageSize = PAGE_SIZE): AsyncGenerator<RecordedEvent> {
    const filter = streamNameFilter({ regex });
    for (;;) {
      let received = 0;
      let last = after;
      try {
        for await (const resolved of this.client.readAll({
          direction: FORWARDS,
          fromPosition: toClientPosition(after),
          maxCount: pageSize + 1,
          filter,
          resolveLinkTos: false,
        })) {
          received++;
          const e = toRecordedEvent(resolved);
          if (!e || e.globalPosition <= after) continue;
          last = e.globalPosition;
          yield e;
        }
      } catch (err) {
        throw storeError(err, 'reading $all');
      }
      if (received < pageSize + 1 || last === after) return;
      after = last;
    }
  }

  /** The last domain event of $all, read backwards through the same filter as readAll (seals and $-streams skipped). */
  async headPosition(): Promise<bigint> {
    this.assertOpen();
    try {
      for await (const resolved of this.client.readAll({
        direction: BACKWARDS,
        fromPosition: CLIENT_END,
        maxCount: HEAD_SCAN,
        filter: streamNameFilter({ regex: DOMAIN_STREAMS }),
        resolveLinkTos: false,
      })) {
        const e = toRecordedEvent(resolved);
        if (e && !isInternalEvent(e.stream, e.type)) return e.globalPosition;
      }
    } catch (err) {
      throw storeError(err, 'reading the head of $all');
    }
    // Nothing (or only internal events) in the last HEAD_SCAN: START is always safe (a follower walks further).
    return START;
  }

  subscribe(options: SubscribeOptions = {}): Subscription {
    this.assertOpen();
    const filter = streamNameFilter({ regex: DOMAIN_STREAMS });
    const sub: CatchUpSubscription<ClientResolvedEvent> = new CatchUpSubscription<ClientResolvedEvent>({
      fromPosition: options.fromPosition ?? START,
      // a catch-up subscription from the stored checkpoint (START is the
      // beginning of the log, never the end), history first, then live
      open: (after) => this.client.subscribeToAll({ fromPosition: toClientPosition(after), filter, resolveLinkTos: false }),
      convert: (resolved) => {
        const e = toRecordedEvent(resolved);
        return e ? { position: e.globalPosition, event: isInternalEvent(e.stream, e.type) ? null : e } : null;
      },
      isFatal: (err) => clientErrorType(err) === ErrorType.ACCESS_DENIED,
      mapError: (err) => storeError(err, 'subscription to $all'),
      onStop: () => this.subscriptions.delete(sub as CatchUpSubscription<unknown>),
    });
    this.subscriptions.add(sub as CatchUpSubscription<unknown>);
    return sub;
  }

  // -- tamper evidence ------------------------------------------------------

  /**
   * Records the chain head of every stream that changed since the previous
   * seal, and the global position the seals now cover, as a `store.sealed.v1`
   * event in `duban-seals` (itself hash-chained). When nothing changed, the
   * previous seal's result is returned and nothing is written. Two sealers
   * racing: one of them gets WrongExpectedVersionError.
   */
  async seal(): Promise<AppendResult> {
    this.assertOpen();
    const [previous] = await this.readRaw(SEAL_STREAM, { direction: BACKWARDS, fromRevision: CLIENT_END, maxCount: 1, requiresLeader: true });
    const covered = (previous?.data as Partial<SealData> | undefined)?.coversPosition;
    // a seal without a readable position (changed behind our back: verify reports it) → seal everything again
    const coveredBefore = typeof covered === 'string' && /^\d+$/.test(covered) ? BigInt(covered) : START;
    const heads = new Map<string, ChainHead>();
    let covers = coveredBefore;
    for await (const e of this.walk(coveredBefore, CHAINED_STREAMS)) {
      covers = e.globalPosition;
      if (isInternalEvent(e.stream, e.type) || !e.hash) continue;
      heads.set(e.stream, { version: e.streamVersion, hash: e.hash });
    }
    if (previous && heads.size === 0) return { nextExpectedVersion: previous.streamVersion, position: previous.globalPosition };

    const now = this.clock().toISOString();
    const correlationId = randomUUID();
    const event: NewEvent = {
      id: randomUUID(),
      type: SEAL_EVENT_TYPE,
      data: buildSealData(covers, heads),
      metadata: {
        actorUserId: 'duban-store',
        actorUnitId: null,
        actorRole: 'system',
        commandId: randomUUID(),
        correlationId,
        causationId: correlationId,
        occurredAt: now,
      },
    };
    validateNewEvents(SEAL_STREAM, [event]);
    return this.appendChained(SEAL_STREAM, [event], previous ? previous.streamVersion : NO_STREAM);
  }

  async verify(options: VerifyOptions = {}): Promise<VerifyReport> {
    this.assertOpen();
    const seals: RecordedEvent[] = [];
    for (let from = 0n; ; ) {
      const page = await this.readRaw(SEAL_STREAM, { direction: FORWARDS, fromRevision: from, maxCount: PAGE_SIZE });
      seals.push(...page);
      if (page.length < PAGE_SIZE) break;
      from = page[page.length - 1].streamVersion + 1n;
    }
    const verifier = new ChainVerifier(sealedHeads(seals));
    // `from` is ignored: there is no stored global chain to resume from, so every walk is complete
    let anchor: VerifyReport['head'] = null;
    const withAnchor = (r: VerifyReport): VerifyReport => (options.anchorAt === undefined ? r : { ...r, anchor });
    let reported = 0;
    for await (const e of this.walk(START, CHAINED_STREAMS)) {
      const failure = verifier.check(e);
      if (failure) return withAnchor(verifier.report(failure));
      if (options.anchorAt !== undefined && e.globalPosition <= options.anchorAt) anchor = verifier.report().head;
      if (options.onProgress && verifier.eventsChecked - reported >= 5000) {
        reported = verifier.eventsChecked;
        options.onProgress(reported, null);
      }
      options.signal?.throwIfAborted();
    }
    const failure = verifier.finish();
    options.onProgress?.(verifier.eventsChecked, null);
    return withAnchor(verifier.report(failure));
  }

  // -- lifecycle ------------------------------------------------------------

  async ping(): Promise<void> {
    this.assertOpen();
    const read = (async () => {
      for await (const _ of this.client.readAll({ direction: BACKWARDS, fromPosition: CLIENT_END, maxCount: 1 })) break;
    })();
    read.catch(() => undefined);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new StoreUnavailableError(`KurrentDB at ${redactConnectionString(this.connectionString)} did not answer within ${PING_TIMEOUT_MS} ms`)),
        PING_TIMEOUT_MS,
      );
    });
    try {
      await Promise.race([read, timeout]);
    } catch (err) {
      if (err instanceof StoreUnavailableError) throw err;
      throw new StoreUnavailableError(`KurrentDB at ${redactConnectionString(this.connectionString)}: ${(err as Error).message}`);
    } finally {
      clearTimeout(timer);
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([...this.subscriptions].map((s) => s.stop()));
    await this.client.dispose();
  }

  private assertOpen(): void {
    if (this.closed) throw new StoreUnavailableError('the KurrentDB event store is closed');
  }
}

/** A client event as ours (null when the server sent no event; links are never resolved). */
function toRecordedEvent(resolved: ClientResolvedEvent): RecordedEvent | null {
  const e = resolved.event;
  if (!e) return null;
  const position = e.position?.commit ?? resolved.commitPosition;
  if (position === undefined) {
    throw new EventStoreError('the server reports no positions for stream reads; Duban needs KurrentDB or EventStoreDB 22.6 or later');
  }
  const { metadata, hash } = unpackMetadata(e.metadata);
  return {
    id: e.id,
    stream: e.streamId,
    type: e.type,
    data: e.data,
    metadata,
    streamVersion: e.revision,
    globalPosition: position,
    hash: hash ?? '',
  };
}
