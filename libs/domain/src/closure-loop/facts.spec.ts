import type { LoopFact } from '@duban/domain/closure-loop';
import { ALLOWED_FROM, STEP_ACTOR, fromLoopEvent, toLoopEvent } from '@duban/domain/closure-loop';

describe('loop facts are named by the aggregate that publishes them', () => {
  const fact: LoopFact = { kind: 'extension_granted', data: { deadline: '2022-03-31T23:59:59+08:00', at: '2021-12-03T10:00:00+08:00' } };

  it('a task share publishes task.share.<fact>.v1 with its key', () => {
    expect(toLoopEvent('task.share', { taskId: 't1', unitId: '中牟县' }, fact)).toEqual({
      type: 'task.share.extension_granted.v1',
      data: { taskId: 't1', unitId: '中牟县', deadline: '2022-03-31T23:59:59+08:00', at: '2021-12-03T10:00:00+08:00' },
    });
  });

  it('an issue publishes issue.<fact>.v1, and the fact reads back', () => {
    const event = toLoopEvent('issue', { issueId: 'i1' }, fact);
    expect(event.type).toBe('issue.extension_granted.v1');
    expect(fromLoopEvent('issue', event)).toEqual({ kind: 'extension_granted', data: { issueId: 'i1', ...fact.data } });
  });

  it('refuses to read another aggregate’s event', () => {
    expect(() => fromLoopEvent('issue', { type: 'task.registered.v1', data: {} })).toThrow(/not a loop event of issue/);
  });
});

describe('the state machine table', () => {
  it('names a status list and an actor for every step', () => {
    expect(Object.keys(ALLOWED_FROM).sort()).toEqual(Object.keys(STEP_ACTOR).sort());
  });
});
