import { Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { CommandExecutor, fold } from '@duban/application';
import type { CommandEnvelope, CommandResult } from '@duban/application';
import { UnitRegistry, UNIT_REGISTRY_STREAM, initialUnitRegistryState, isUnitRegistryEventType, unitRegistryDecider } from '@duban/domain/units';
import type { UnitRegistryCommand, UnitRegistryEvent } from '@duban/domain/units';
import { START } from '@duban/eventstore';
import type { EventStore, RecordedEvent, Subscription } from '@duban/eventstore';
import { EVENT_STORE } from '@duban/eventstore/nest/event-store.module';

/** After the follower lost the store (a KurrentDB hiccup), resubscribe from its checkpoint after this long. */
const RESUBSCRIBE_DELAY_MS = 1000;

/**
 * The unit registry of this process: the seed plus the `unit-registry` stream.
 *
 * - At start-up (onModuleInit) it reads the stream and folds it over the seed
 *   (a replay error stops the start, naming the event: the seed contradicts
 *   what was recorded).
 * - Its own commands go through the process's CommandExecutor (load/decide/append/retry,
 *   idempotent by command id); the state the executor returns is adopted at
 *   once, so the next request in this process already sees the addition.
 * - Other processes' appends arrive through a catch-up subscription on the
 *   global log, started from the head of the log as read just before the load
 *   (never from an end read later, so nothing appended in between is missed;
 *   not from the stream's last event, so a start does not walk the whole
 *   log). It keeps its own
 *   checkpoint, resumes from it after an error, and skips events it has
 *   already applied by stream version (its own appends come back this way too).
 *
 * `current` is always a complete, validated, immutable registry; readers take
 * it per call (see liveRegistry) and never see a half-applied change.
 */
@Injectable()
export class UnitsService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('UnitsService');

  private registry: UnitRegistry = initialUnitRegistryState();
  /** Version of the last applied event of the stream; null while the stream is empty. */
  private version: bigint | null = null;
  /** Global position of the last applied event of the stream (START while empty). */
  private lastPosition: bigint = START;

  /** The follower's checkpoint: the global position of the last event it has read (any stream). */
  private checkpoint: bigint = START;
  private subscription: Subscription | null = null;
  private following: Promise<void> | null = null;
  private retry: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    /** The process's one executor (ApplicationModule): its write gate holds for the registry too. */
    @Inject(CommandExecutor) private readonly executor: CommandExecutor,
  ) {}

  /** The registry as of now (seed + every event applied so far). */
  get current(): UnitRegistry {
    return this.registry;
  }

  /** The stream version the current registry includes (null: seed only). */
  get streamVersion(): bigint | null {
    return this.version;
  }

  /** Global position of the last event the current registry includes (0 for the seed only). */
  get position(): bigint {
    return this.lastPosition;
  }

  async onModuleInit(): Promise<void> {
    // The head first, then the stream: whatever is appended in between is either in what load() reads (and
    // skipped by version when the subscription delivers it again) or after the head. Following from the head,
    // not from the stream's last event, spares a walk over the whole log at every start (1M events: seconds).
    const head = await this.store.headPosition();
    await this.load();
    if (head > this.checkpoint) this.checkpoint = head;
    this.follow();
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    if (this.retry) clearTimeout(this.retry);
    await this.subscription?.stop();
    await this.following;
  }

  /**
   * Runs an AddUnit / AddUnitAlias / SetGroupMembers command against the `unit-registry` stream
   * and makes its result the current registry (unless the registry has already
   * moved past it, e.g. on a replayed idempotent retry).
   */
  async execute(command: UnitRegistryCommand, envelope: CommandEnvelope, ifMatch?: bigint): Promise<CommandResult<UnitRegistry>> {
    const result = await this.executor.execute(unitRegistryDecider, UNIT_REGISTRY_STREAM, command, envelope, {
      creates: true, // the stream starts with the first addition; the seed needs none
      ...(ifMatch !== undefined ? { ifMatch } : {}),
    });
    this.adopt(result.state, result.version, result.position);
    return result;
  }

  // ---------------------------------------------------------------- internals

  /** Reads the whole stream and folds it over the seed. */
  private async load(): Promise<void> {
    const history = await this.store.readStream(UNIT_REGISTRY_STREAM);
    const state = fold(unitRegistryDecider, history);
    const last = history[history.length - 1];
    if (last !== undefined) this.adopt(state, last.streamVersion, last.globalPosition);
    if (this.lastPosition > this.checkpoint) this.checkpoint = this.lastPosition;
    if (history.length > 0) this.logger.log(`unit registry: seed + ${history.length} event(s) of ${UNIT_REGISTRY_STREAM}`);
  }

  /** Takes a newer state (never goes back: versions only grow). */
  private adopt(state: UnitRegistry, version: bigint, position: bigint): void {
    if (this.version !== null && version <= this.version) return;
    this.registry = state;
    this.version = version;
    this.lastPosition = position;
  }

  private follow(): void {
    if (this.stopped) return;
    const sub = this.store.subscribe({ fromPosition: this.checkpoint });
    this.subscription = sub;
    this.following = this.consume(sub);
  }

  private async consume(sub: Subscription): Promise<void> {
    try {
      for await (const event of sub) {
        if (event.stream === UNIT_REGISTRY_STREAM) await this.applyRecorded(event);
        this.checkpoint = event.globalPosition;
      }
    } catch (err) {
      if (this.stopped) return;
      this.logger.error(
        `following ${UNIT_REGISTRY_STREAM} failed at position ${this.checkpoint}; resubscribing in ${RESUBSCRIBE_DELAY_MS} ms: ${(err as Error).message}`,
      );
      await sub.stop().catch(() => undefined);
      this.retry = setTimeout(() => {
        this.retry = null;
        this.follow();
      }, RESUBSCRIBE_DELAY_MS);
      this.retry.unref();
    }
  }

  /** One event of the stream, as the log delivers it. */
  private async applyRecorded(event: RecordedEvent): Promise<void> {
    const version = event.streamVersion;
    if (this.version !== null && version <= this.version) return; // loaded already, or our own append
    const expected = this.version === null ? 0n : this.version + 1n;
    if (version !== expected) {
      // A hole between what we hold and what the log delivers: read the stream again rather than guess.
      this.logger.warn(`${UNIT_REGISTRY_STREAM}: expected version ${expected}, the log delivered ${version}; reloading the stream`);
      await this.load();
      return;
    }
    if (!isUnitRegistryEventType(event.type)) {
      this.logger.warn(`${UNIT_REGISTRY_STREAM}: unknown event type ${event.type} at version ${version}; skipped`);
      this.adopt(this.registry, version, event.globalPosition);
      return;
    }
    let next: UnitRegistry;
    try {
      next = unitRegistryDecider.evolve(this.registry, { type: event.type, data: event.data } as UnitRegistryEvent);
    } catch (err) {
      // Written by a process whose seed differs from ours: keep our registry, say so, go on.
      this.logger.error(`${UNIT_REGISTRY_STREAM} version ${version} (${event.type}) cannot be applied here; skipped: ${(err as Error).message}`);
      next = this.registry;
    }
    this.adopt(next, version, event.globalPosition);
  }
}

/**
 * A UnitRegistry that always answers from the service's current registry.
 * Code that was handed "the" UnitRegistry once (injected into a controller or
 * a query at construction) keeps seeing additions without knowing about the
 * service: each property access and method call goes to the registry of that
 * moment. `instanceof UnitRegistry` still holds.
 */
export function liveRegistry(current: () => UnitRegistry): UnitRegistry {
  const target = Object.create(UnitRegistry.prototype) as UnitRegistry;
  return new Proxy(target, {
    get(_target, property) {
      if (property === 'constructor') return UnitRegistry;
      const registry = current();
      const value: unknown = Reflect.get(registry, property, registry);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(registry) : value;
    },
    has(_target, property) {
      return Reflect.has(current(), property);
    },
    set() {
      return false; // immutable, like the registry itself
    },
  });
}
