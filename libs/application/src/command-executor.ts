import { createHash } from 'node:crypto';
import {
  EventStore,
  NewEvent,
  NO_STREAM,
  RecordedEvent,
  WrongExpectedVersionError,
} from '@duban/eventstore';
import type { Actor, Decider, DomainEvent } from '@duban/domain/decider';
import { requireNotAfterReceipt } from '@duban/domain/decider';
import { OPEN_WRITE_GATE, WriteGate } from './write-gate';

/**
 * Runs one command against one stream: load, decide, append with the expected
 * version, retry on conflict. This is the whole write path; Nest handlers only
 * call it. One instance per process (the api's ApplicationModule provides it;
 * the CLI builds one for its import), so the write gate it asks covers every
 * writer of the process.
 */

/** Who sent the command and through which request. */
export interface CommandEnvelope {
  /** One id per intended effect: a retried request carries the same id (HTTP Idempotency-Key). */
  commandId: string;
  correlationId: string;
  /** What caused the command (the request id, or the event a process reacted to). */
  causationId: string;
  actor: Actor;
  /** When the command was received (the recorded time lives in the store). */
  receivedAt: string;
}

export interface ExecuteOptions {
  /** The stream version the caller last saw (HTTP If-Match). A mismatch fails without retry. */
  ifMatch?: bigint;
  /** Whether the command may create the stream. Otherwise an empty stream is "not found". */
  creates: boolean;
}

export interface CommandResult<State> {
  stream: string;
  /** The stream's version after the command (the last event it wrote; the current one when it wrote none). */
  version: bigint;
  /** The global position of the last event it wrote (of the stream's last event when it wrote none). */
  position: bigint;
  /** The events the command produced (by type); empty when the command changed nothing (nothing written). */
  events: string[];
  /** The item's state right after the command. */
  state: State;
  /** True when the command id had already been applied: nothing new was written. */
  replayed: boolean;
}

/** The stream holds no item: the command names something that does not exist. */
export class StreamNotFound extends Error {
  constructor(readonly stream: string) {
    super(`${stream} does not exist`);
    this.name = 'StreamNotFound';
  }
}

/** The caller's If-Match version is not the stream's current version. */
export class PreconditionFailed extends Error {
  constructor(
    readonly stream: string,
    readonly expected: bigint,
    readonly actual: bigint | null,
  ) {
    super(`${stream} is at version ${actual ?? 'none'}, not at the If-Match version ${expected}`);
    this.name = 'PreconditionFailed';
  }
}

/** Other writers kept winning the race for this stream; the command was not applied. */
export class ConcurrencyExhausted extends Error {
  constructor(
    readonly stream: string,
    readonly attempts: number,
  ) {
    super(`${stream} changed under ${attempts} attempts in a row; try again`);
    this.name = 'ConcurrencyExhausted';
  }
}

const MAX_ATTEMPTS = 50;

/**
 * Event ids derive from the command id, so a command retried after a lost
 * response produces the very same events and the store's idempotency keeps
 * one copy even when two retries race.
 */
export function eventIdFor(commandId: string, stream: string, index: number): string {
  const h = createHash('sha256').update(`${commandId}\u0000${stream}\u0000${index}`).digest('hex');
  // RFC 9562 layout: version 8 (custom), variant 10xx
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-${((parseInt(h[16], 16) & 0x3) | 0x8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export class CommandExecutor {
  constructor(
    private readonly store: EventStore,
    /** Asked before anything is read and again right before the append: a refusal throws and nothing is written. */
    private readonly gate: WriteGate = OPEN_WRITE_GATE,
  ) {}

  async execute<State, Command, Event extends DomainEvent>(
    decider: Decider<State, Command, Event>,
    stream: string,
    /** The command, or a function that completes it from the current state (e.g. a default deadline). */
    command: Command | ((state: State) => Command),
    envelope: CommandEnvelope,
    options: ExecuteOptions,
  ): Promise<CommandResult<State>> {
    // refused up front too (not only at the append): a retried command is not answered, nor a no-op decided, from a log that is not to be trusted
    this.admit();
    for (let attempt = 1; ; attempt++) {
      const history = await this.store.readStream(stream);
      const replay = this.previousEffect(decider, stream, history, envelope.commandId);
      if (replay) return replay;

      const current = history.length ? history[history.length - 1].streamVersion : null;
      if (options.ifMatch !== undefined && options.ifMatch !== current) {
        throw new PreconditionFailed(stream, options.ifMatch, current);
      }
      if (current === null && !options.creates) throw new StreamNotFound(stream);

      const state = fold(decider, history);
      const complete = typeof command === 'function' ? (command as (s: State) => Command)(state) : command;
      // whatever sent it (HTTP, the importer, the CLI, a processor): an act is recorded when it happened or later
      requireNotAfterReceipt((complete as { type: string }).type, (complete as { at: string }).at, envelope.receivedAt);
      const decided = decider.decide(complete, state);
      if (decided.length === 0) {
        // the command changes nothing (e.g. an amendment with the values the item holds): nothing to write
        if (history.length === 0) throw new StreamNotFound(stream);
        const last = history[history.length - 1];
        return { stream, version: last.streamVersion, position: last.globalPosition, events: [], state, replayed: false };
      }
      const events: NewEvent[] = decided.map((e, i) => ({
        id: eventIdFor(envelope.commandId, stream, i),
        type: e.type,
        data: e.data,
        metadata: {
          actorUserId: envelope.actor.userId,
          actorUnitId: envelope.actor.unitId,
          actorRole: envelope.actor.role,
          commandId: envelope.commandId,
          correlationId: envelope.correlationId,
          causationId: envelope.causationId,
          occurredAt: (complete as { at: string }).at,
        },
      }));
      this.admit(); // the gate may have closed while the command was decided
      try {
        const appended = await this.store.appendToStream(stream, events, {
          expectedVersion: current === null ? NO_STREAM : current,
        });
        return {
          stream,
          version: appended.nextExpectedVersion,
          position: appended.position,
          events: decided.map((e) => e.type),
          state: decided.reduce((s, e) => decider.evolve(s, e, (complete as { at: string }).at), state),
          replayed: false,
        };
      } catch (err) {
        if (!(err instanceof WrongExpectedVersionError)) throw err;
        // somebody else wrote first: with If-Match that is the caller's conflict, otherwise decide again
        if (options.ifMatch !== undefined) throw new PreconditionFailed(stream, options.ifMatch, typeof err.actual === 'bigint' ? err.actual : null);
        if (attempt >= MAX_ATTEMPTS) throw new ConcurrencyExhausted(stream, attempt);
        await new Promise((r) => setTimeout(r, Math.random() * Math.min(50, attempt * 2)));
      }
    }
  }

  private admit(): void {
    const refusal = this.gate.refusal();
    if (refusal) throw refusal;
  }

  /** The same command already took effect: answer as the first time, from the log. */
  private previousEffect<State, Command, Event extends DomainEvent>(
    decider: Decider<State, Command, Event>,
    stream: string,
    history: RecordedEvent[],
    commandId: string,
  ): CommandResult<State> | undefined {
    const first = history.findIndex((e) => e.metadata.commandId === commandId);
    if (first < 0) return undefined;
    let last = first;
    while (last + 1 < history.length && history[last + 1].metadata.commandId === commandId) last++;
    const mine = history.slice(first, last + 1);
    return {
      stream,
      version: mine[mine.length - 1].streamVersion,
      position: mine[mine.length - 1].globalPosition,
      events: mine.map((e) => e.type),
      state: fold(decider, history.slice(0, last + 1)),
      replayed: true,
    };
  }
}

/** Rebuilds a stream's state; each event is folded with its effective time (so the state knows its latest act). */
export function fold<State, Command, Event extends DomainEvent>(
  decider: Decider<State, Command, Event>,
  history: readonly RecordedEvent[],
): State {
  let state = decider.initialState();
  for (const e of history) state = decider.evolve(state, { type: e.type, data: e.data } as Event, e.metadata.occurredAt);
  return state;
}
