import type Database from 'better-sqlite3';
import type { EventStore, RecordedEvent, Subscription } from '@duban/eventstore';
import type { Actor } from '@duban/domain/decider';
import type { CommandEnvelope } from '../command-executor';
import type { ProcessorCheckpoint } from './processor-store';
import { CheckpointMovedError, ProcessorStore, ZERO_CHECKPOINT } from './processor-store';

/** What a processor needs of the CommandBus. */
export interface CommandSender {
  execute(command: object): Promise<unknown>;
}

export interface ProcessorLogger {
  log(message: string): void;
  warn(message: string): void;
  error(message: string, stack?: string): void;
}

export type ProcessorState = 'stopped' | 'running' | 'failed';

export interface ProcessorStatus {
  readonly name: string;
  readonly state: ProcessorState;
  /** The last event fully processed (its reactions done), as a string. */
  readonly position: string;
  /** The checkpoint as stored. */
  readonly storedPosition: string;
  readonly eventsSeen: number;
  readonly failures: number;
  readonly lastError: string | null;
}

/** waitFor() ran out of time. */
export class ProcessorWaitTimeoutError extends Error {
  constructor(
    readonly processor: string,
    readonly position: bigint,
    readonly reached: bigint,
    readonly lastError: string | null,
  ) {
    super(`processor ${processor} has not reached position ${position} (at ${reached}${lastError ? `; last error: ${lastError}` : ''})`);
    this.name = 'ProcessorWaitTimeoutError';
  }
}

export const SILENT_LOGGER: ProcessorLogger = { log: () => undefined, warn: () => undefined, error: () => undefined };

export interface CheckpointedProcessorOptions {
  readonly store: EventStore;
  readonly commands: CommandSender;
  /** The processors' database (openProcessorDatabase); the checkpoint lives there. */
  readonly db: Database.Database;
  /** The actor of the commands sent (a system user of the supervision office). */
  readonly actor: Actor;
  /** Backoff after a failed event: initial, doubling to max (default 500 ms → 30 s). */
  readonly retryDelayMs?: { readonly initial: number; readonly max: number };
  /** Events that need nothing between two checkpoint writes, at most (default 500); an idle log writes at once. */
  readonly checkpointEvery?: number;
  readonly logger?: ProcessorLogger;
  readonly clock?: () => Date;
}

interface Waiter {
  readonly position: bigint;
  readonly resolve: () => void;
}

/**
 * A process manager over the global log: follows it from a checkpoint stored
 * in the processors' database (a catch-up subscription, never from the end),
 * runs `process(event)` for each event, and moves the checkpoint only past
 * events whose reactions all succeeded. Reactions are commands sent through
 * the CommandBus with deterministic command ids, so a re-run (a crash before
 * the checkpoint write, a replay from zero) writes nothing twice.
 *
 * A failure stops the subscription; it resumes from the checkpoint after a
 * backoff (500 ms doubling to 30 s), so a poison event holds the processor at
 * that event with `lastError` set until the cause is fixed. A checkpoint moved
 * by another process (two processors on one file) resumes from the stored one.
 * The loop is the same for every processor; a subclass says what an event means.
 */
export abstract class CheckpointedProcessor<S extends object = Record<never, never>> {
  readonly name: string;
  protected readonly store: EventStore;
  protected readonly checkpoints: ProcessorStore;
  protected readonly actor: Actor;
  protected readonly logger: ProcessorLogger;
  protected readonly clock: () => Date;
  private readonly commands: CommandSender;
  private readonly retry: { initial: number; max: number };
  private readonly checkpointEvery: number;

  private state: ProcessorState = 'stopped';
  /** The last event whose reactions are done (ahead of `stored` until the next write). */
  private done: ProcessorCheckpoint = ZERO_CHECKPOINT;
  private stored: ProcessorCheckpoint = ZERO_CHECKPOINT;
  private sinceWrite = 0;
  private wanted = false;
  private sub: Subscription | null = null;
  private loop: Promise<void> | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  private idleTimer: NodeJS.Timeout | null = null;
  private idleError: Error | null = null;
  private waiters = new Set<Waiter>();
  private failures = 0;
  private lastError: Error | null = null;
  private eventsSeen = 0;

  protected constructor(name: string, options: CheckpointedProcessorOptions) {
    this.name = name;
    this.store = options.store;
    this.commands = options.commands;
    this.actor = options.actor;
    this.clock = options.clock ?? (() => new Date());
    this.checkpoints = new ProcessorStore(options.db, name, this.clock);
    this.logger = options.logger ?? SILENT_LOGGER;
    this.retry = { initial: options.retryDelayMs?.initial ?? 500, max: options.retryDelayMs?.max ?? 30_000 };
    this.checkpointEvery = options.checkpointEvery ?? 500;
  }

  /** The reactions to one event: true when it may have acted (the checkpoint is then written at once). Throws when one failed. */
  protected abstract process(event: RecordedEvent): Promise<boolean>;

  /** The subclass's own counters, added to status(). */
  protected abstract counters(): S;

  /** Subscribes from the stored checkpoint (resolves once subscribed, not caught up). */
  async start(): Promise<void> {
    if (this.wanted) return;
    this.wanted = true;
    await this.open();
  }

  /** Stops the subscription after the event in hand; what is done is checkpointed. */
  async stop(): Promise<void> {
    this.wanted = false;
    this.clearTimers();
    if (this.sub) await this.sub.stop();
    if (this.loop) await this.loop;
    try {
      this.write();
    } catch (err) {
      this.logger.warn(`processor ${this.name}: final checkpoint not written: ${(err as Error).message}`);
    }
    this.state = 'stopped';
  }

  /** Resolves once every event up to `position` has been processed (reactions done). */
  waitFor(position: bigint, timeoutMs: number): Promise<void> {
    if (this.done.position >= position) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        position,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      };
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        reject(new ProcessorWaitTimeoutError(this.name, position, this.done.position, this.lastError?.message ?? null));
      }, timeoutMs);
      this.waiters.add(waiter);
    });
  }

  status(): ProcessorStatus & S {
    return {
      name: this.name,
      state: this.state,
      position: this.done.position.toString(),
      storedPosition: this.stored.position.toString(),
      eventsSeen: this.eventsSeen,
      ...this.counters(),
      failures: this.failures,
      lastError: this.lastError?.message ?? null,
    };
  }

  // ---------------------------------------------------------------- for subclasses

  /** Sends a command; 'tolerated' when the error means "nothing to do" (already done, or nothing to act on). */
  protected async send(command: object, tolerated: (err: unknown) => boolean): Promise<'written' | 'tolerated'> {
    try {
      const result = (await this.commands.execute(command)) as { replayed?: boolean } | undefined;
      return result?.replayed ? 'tolerated' : 'written';
    } catch (err) {
      if (tolerated(err)) return 'tolerated';
      throw err;
    }
  }

  /** Sends a command and hands back the bus's answer (a CommandResult for the item commands); errors are the caller's. */
  protected dispatch(command: object): Promise<unknown> {
    return this.commands.execute(command);
  }

  /** The envelope of a reaction: a deterministic command id, correlated with and caused by the event. */
  protected envelope(commandId: string, cause: RecordedEvent): CommandEnvelope {
    return {
      commandId,
      correlationId: cause.metadata.correlationId,
      causationId: cause.id,
      actor: this.actor,
      receivedAt: this.clock().toISOString(),
    };
  }

  // ---------------------------------------------------------------- the loop

  private async open(): Promise<void> {
    let sub: Subscription;
    try {
      let checkpoint = this.checkpoints.get();
      if (!(await this.checkpointInLog(checkpoint))) {
        this.logger.warn(
          `processor ${this.name}: the log no longer holds the event at its checkpoint ${checkpoint.position} ` +
            '(store replaced or restored); processing again from position 0 (its reactions are idempotent)',
        );
        this.checkpoints.reset();
        checkpoint = ZERO_CHECKPOINT;
      }
      this.stored = checkpoint;
      this.done = checkpoint;
      this.sinceWrite = 0;
      if (!this.wanted) return;
      sub = this.store.subscribe({ fromPosition: checkpoint.position });
    } catch (err) {
      this.recordFailure(err as Error);
      this.scheduleRestart(this.backoff());
      return;
    }
    this.sub = sub;
    // 'failed' until an event goes through after a failure
    this.state = this.failures > 0 ? 'failed' : 'running';
    this.loop = this.consume(sub);
  }

  private async consume(sub: Subscription): Promise<void> {
    let failure: Error | null = null;
    try {
      for await (const event of sub) {
        if (event.globalPosition <= this.done.position) continue;
        const acted = await this.process(event);
        this.done = { position: event.globalPosition, event: { eventId: event.id, previousPosition: this.done.position } };
        this.eventsSeen += 1;
        this.sinceWrite += 1;
        if (acted || this.sinceWrite >= this.checkpointEvery) this.write();
        else this.armIdleWrite();
        if (this.failures > 0) this.logger.log(`processor ${this.name}: recovered at position ${event.globalPosition}`);
        this.failures = 0;
        this.lastError = null;
        this.state = 'running';
        this.wake();
        if (this.idleError) throw this.idleError;
        if (!this.wanted) break;
      }
      this.write();
      if (this.wanted) throw new Error('the subscription ended unexpectedly');
    } catch (err) {
      failure = err instanceof Error ? err : new Error(String(err));
    } finally {
      this.clearIdle();
      this.idleError = null;
      this.sub = null;
    }
    if (failure === null) return;
    void sub.stop();
    try {
      this.write(); // keep what was done before the failing event
    } catch (err) {
      if (!(failure instanceof CheckpointMovedError)) failure = err as Error;
    }
    if (failure instanceof CheckpointMovedError) {
      this.logger.warn(`${failure.message}; resuming from the stored checkpoint`);
      this.scheduleRestart(0);
      return;
    }
    this.recordFailure(failure);
    this.scheduleRestart(this.backoff());
  }

  /** Writes the checkpoint when it moved. Throws CheckpointMovedError when another process moved the stored one. */
  private write(): void {
    this.clearIdle();
    if (this.done.position === this.stored.position) return;
    this.checkpoints.advance(this.stored.position, this.done);
    this.stored = this.done;
    this.sinceWrite = 0;
  }

  /** An idle log gets its checkpoint written soon after its last event. */
  private armIdleWrite(): void {
    if (this.idleTimer) return;
    this.idleTimer = setTimeout(() => {
      this.idleTimer = null;
      try {
        this.write();
      } catch (err) {
        // surfaced by the loop at its next event, or by a restart
        this.idleError = err as Error;
        void this.sub?.stop().then(() => undefined);
      }
    }, 100);
    this.idleTimer.unref?.();
  }

  private async checkpointInLog(checkpoint: ProcessorCheckpoint): Promise<boolean> {
    if (checkpoint.position === 0n) return true;
    if (!checkpoint.event) return false;
    const [event] = await this.store.readAll({ fromPosition: checkpoint.event.previousPosition, limit: 1 });
    return event !== undefined && event.globalPosition === checkpoint.position && event.id === checkpoint.event.eventId;
  }

  private wake(): void {
    for (const w of this.waiters) {
      if (this.done.position >= w.position) {
        this.waiters.delete(w);
        w.resolve();
      }
    }
  }

  private recordFailure(error: Error): void {
    this.failures += 1;
    this.lastError = error;
    this.state = 'failed';
    this.logger.error(
      `processor ${this.name}: failed after position ${this.done.position} (attempt ${this.failures}); ` +
        `retrying in ${this.backoff()} ms from the checkpoint: ${error.message}`,
      error.stack,
    );
  }

  private backoff(): number {
    return Math.min(this.retry.max, this.retry.initial * 2 ** Math.max(0, this.failures - 1));
  }

  private scheduleRestart(delayMs: number): void {
    if (!this.wanted) {
      this.state = this.lastError ? 'failed' : 'stopped';
      return;
    }
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      if (this.wanted && !this.sub) void this.open();
    }, delayMs);
    this.retryTimer.unref?.();
  }

  private clearIdle(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
  }

  private clearTimers(): void {
    this.clearIdle();
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
  }
}
