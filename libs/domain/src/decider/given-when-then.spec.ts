/** The spec helper must fail loudly, or every green spec above it means nothing. */
import type { Command, Decider, DomainEvent } from '@duban/domain/decider';
import { DomainError, IllegalTransition, specFor } from '@duban/domain/decider';

type Counted = DomainEvent<'counter.incremented.v1', { by: number; note?: string }>;
type Increment = Command<'Increment', { by: number; note?: string; mutate?: boolean }>;
interface CounterState {
  value: number;
}

class TooBig extends DomainError {
  readonly kind = 'invalid';
  constructor(readonly by: number) {
    super('Increment', `too big: ${by}`);
  }
}

const counter: Decider<CounterState, Increment, Counted> = {
  initialState: () => ({ value: 0 }),
  evolve: (state, event) => ({ value: state.value + event.data.by }),
  decide: (command, state) => {
    if (command.data.by > 10) throw new TooBig(command.data.by);
    if (command.data.by === 0) return [];
    if (command.data.mutate) (state as { value: number }).value = 99;
    return [{ type: 'counter.incremented.v1', data: { by: command.data.by, note: command.data.note } }];
  },
};

const given = specFor(counter);
const actor = { userId: 'u', unitId: '中牟县', role: 'unit' as const };
const increment = (by: number, extra: Partial<Increment['data']> = {}): Increment => ({
  type: 'Increment',
  at: '2021-05-06T09:00:00+08:00',
  actor,
  data: { by, ...extra },
});
const incremented = (by: number): Counted => ({ type: 'counter.incremented.v1', data: { by } });

describe('given/when/then', () => {
  it('folds the given events and returns the state after the new ones', () => {
    expect(given([incremented(2)]).when(increment(3, { note: 'x' })).then([{ type: 'counter.incremented.v1', data: { by: 3, note: 'x' } }])).toEqual({
      value: 5,
    });
  });

  it('thenNothingHappens passes for no events', () => {
    expect(given([incremented(1)]).when(increment(0)).thenNothingHappens()).toEqual({ value: 1 });
  });

  it('fails when the events differ', () => {
    expect(() => given().when(increment(3, { note: 'x' })).then([incremented(4)])).toThrow();
  });

  it('fails when an event carries an undefined field (it would not survive the store)', () => {
    expect(() => given().when(increment(3)).then([incremented(3)])).toThrow(/JSON round trip/);
  });

  it('fails when the decider mutates its state', () => {
    expect(() => given().when(increment(3, { mutate: true, note: 'x' })).then([])).toThrow(TypeError);
  });

  it('thenThrows checks the class and the fields', () => {
    const error = given().when(increment(11)).thenThrows(TooBig, { by: 11, command: 'Increment' });
    expect(error.kind).toBe('invalid');
    expect(() => given().when(increment(11)).thenThrows(TooBig, { by: 12 })).toThrow(/TooBig.by/);
    expect(() => given().when(increment(11)).thenThrows(IllegalTransition)).toThrow(/expected IllegalTransition, got TooBig/);
    expect(() => given().when(increment(1, { note: 'x' })).thenThrows(TooBig)).toThrow(/but the command produced/);
  });
});
