/**
 * A given/when/then helper for decider specs (framework-free: it throws
 * node's AssertionError, which jest reports with a diff).
 *
 *   const given = specFor(taskDecider);
 *   given([registered]).when(assignShare).then([shareAssigned]);
 *   given([]).when(assignShare).thenThrows(IllegalTransition, { currentStatus: 'none' });
 *
 * - the given events are folded with `evolve` from `initialState()`; an event
 *   wrapped in `stamped(at, event)` is folded with its effective time (as the
 *   store gives it back), so the state remembers when it took effect;
 * - the events the command produces are folded with the command's `at`;
 * - states and given events are deep-frozen, so a decider that mutates its
 *   input fails loudly;
 * - produced events must survive a JSON round trip unchanged (no `undefined`
 *   fields, no Dates): that is how the store will give them back;
 * - `then` returns the state after the new events, for extra assertions.
 */
import { AssertionError, deepStrictEqual, fail } from 'node:assert/strict';
import type { Decider } from './decider';

type ErrorClass<E extends Error> = abstract new (...args: never[]) => E;

export interface WhenStep<State, TEvent> {
  /** The command produces exactly these events (in order). Returns the resulting state. */
  then(expected: TEvent[]): State;
  /** The command produces no events. */
  thenNothingHappens(): State;
  /** The command is refused with `errorClass`, whose fields include `props`. Returns the error. */
  thenThrows<E extends Error>(errorClass: ErrorClass<E>, props?: Partial<E>): E;
}

export interface GivenStep<State, TCommand, TEvent> {
  when(command: TCommand): WhenStep<State, TEvent>;
}

export type Given<State, TCommand, TEvent> = (events?: readonly (TEvent | Stamped<TEvent>)[]) => GivenStep<State, TCommand, TEvent>;

/** A given event with its effective time (the envelope's occurredAt in the store). */
export class Stamped<TEvent> {
  constructor(
    readonly at: string,
    readonly event: TEvent,
  ) {}
}

/** `given([stamped('2026-03-01T10:00:00+08:00', submitted)])`: the event took effect at that time. */
export function stamped<TEvent>(at: string, event: TEvent): Stamped<TEvent> {
  return new Stamped(at, event);
}

export function specFor<State, TCommand, TEvent>(
  decider: Decider<State, TCommand, TEvent>,
): Given<State, TCommand, TEvent> {
  const fold = (from: State, events: readonly (TEvent | Stamped<TEvent>)[], at?: string): State =>
    events.reduce<State>((state, given) => {
      const [event, time] = given instanceof Stamped ? [given.event, given.at] : [given, at];
      return deepFreeze(decider.evolve(state, deepFreeze(event), time));
    }, from);

  return (givenEvents = []) => ({
    when(command) {
      const run = (): { state: State; events: TEvent[] } => {
        const state = fold(deepFreeze(decider.initialState()), givenEvents);
        return { state, events: decider.decide(deepFreeze(command), state) };
      };

      const succeed = (expected: TEvent[]): State => {
        const { state, events } = run();
        deepStrictEqual(events, jsonRoundTrip(events), 'produced events must survive a JSON round trip');
        deepStrictEqual(events, jsonRoundTrip(expected));
        return fold(state, events, (command as { at?: string }).at);
      };

      return {
        then: succeed,
        thenNothingHappens: () => succeed([]),
        thenThrows<E extends Error>(errorClass: ErrorClass<E>, props?: Partial<E>): E {
          let produced: TEvent[];
          try {
            produced = run().events;
          } catch (error) {
            if (error instanceof AssertionError || !(error instanceof errorClass)) {
              fail(`expected ${errorClass.name}, got ${describe(error)}`);
            }
            for (const [key, value] of Object.entries(props ?? {})) {
              deepStrictEqual(
                jsonRoundTrip((error as unknown as Record<string, unknown>)[key]),
                jsonRoundTrip(value),
                `${errorClass.name}.${key}`,
              );
            }
            return error;
          }
          return fail(`expected ${errorClass.name}, but the command produced ${JSON.stringify(produced)}`);
        },
      };
    },
  });
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

function jsonRoundTrip<T>(value: T): T {
  return value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T);
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
