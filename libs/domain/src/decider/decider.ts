/**
 * The decider pattern (as in emmett): a stream's behaviour is three pure
 * functions. `decide` turns a command and the current state into new facts
 * (or throws a typed DomainError), `evolve` folds one fact into the state,
 * `initialState` is the state of an empty stream.
 *
 * No I/O and no clock here: the effective time arrives with every command (`at`).
 */

/** Roles a person holds (and an HTTP token may name). 'admin' manages the system, not the business flow. */
export type HumanRole = 'supervisor' | 'unit' | 'auditor' | 'admin';

export const HUMAN_ROLES: readonly HumanRole[] = ['supervisor', 'unit', 'auditor', 'admin'];

/**
 * Who may issue a command: a person, or 'system' — the clock that writes the
 * lateness ladder (临近提醒, 催办, 督办, 通报批评) when a step falls due. No
 * token carries 'system' (libs/access mints and accepts HUMAN_ROLES only): it
 * is given by the processor, in-process, never by a request.
 */
export type Role = HumanRole | 'system';

export const ROLES: readonly Role[] = [...HUMAN_ROLES, 'system'];

/** The person behind a command and the unit they act for. */
export interface Actor {
  readonly userId: string;
  readonly unitId: string;
  readonly role: Role;
}

/**
 * A command: an imperative with its effective time and actor.
 * `at` is an ISO 8601 instant with an offset ("2021-05-06T09:00:00+08:00");
 * it may lie in the past when earlier paper records are back-filled.
 */
export interface Command<TType extends string = string, TData = unknown> {
  readonly type: TType;
  readonly at: string;
  readonly actor: Actor;
  readonly data: TData;
}

/**
 * A fact in the past tense with a stable versioned name (`task.registered.v1`).
 * Only the business data lives here; the application layer wraps it in the
 * store's envelope (actor, command/correlation ids, occurredAt).
 */
export interface DomainEvent<TType extends string = string, TData = unknown> {
  readonly type: TType;
  readonly data: TData;
}

export interface Decider<State, TCommand, TEvent> {
  /** Returns the new facts, or throws a DomainError. Never mutates `state`. */
  decide(command: TCommand, state: State): TEvent[];
  /**
   * Folds one fact into the state. Never validates business rules (they were
   * checked when the fact was decided); throws only for a stream that `decide`
   * could not have produced (e.g. a share event before the registration).
   * `at` is the event's effective time (the envelope's `occurredAt`; for the
   * events just decided, the command's `at`): the state remembers the latest
   * act so that no later command takes effect before it. Left out (a bare
   * event in a fixture), the state remembers no time for that event.
   */
  evolve(state: State, event: TEvent, at?: string): State;
  initialState(): State;
}

/** Rebuilds a state from a stream's events (without their effective times). */
export function foldEvents<State, TCommand, TEvent>(
  decider: Decider<State, TCommand, TEvent>,
  events: readonly TEvent[],
  from: State = decider.initialState(),
): State {
  return events.reduce((state, event) => decider.evolve(state, event), from);
}

/** Exhaustiveness check for `switch` over a discriminated union. */
export function assertNever(value: never, what = 'value'): never {
  throw new Error(`unexpected ${what}: ${JSON.stringify(value)}`);
}
