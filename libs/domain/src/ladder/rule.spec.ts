import { DUBAN_LADDER_V1, InvalidLadderRule, resolveLadderRule, validateLadderRule } from '@duban/domain/ladder';

const withField = (patch: Record<string, unknown>) => ({ ...DUBAN_LADDER_V1, ...patch });

describe('the ladder rule', () => {
  it('duban-ladder-v1: 3 working days left, 5 and 10 working days overdue, 09:00, four steps', () => {
    expect(validateLadderRule(JSON.parse(JSON.stringify(DUBAN_LADDER_V1)))).toEqual(DUBAN_LADDER_V1);
    expect(DUBAN_LADDER_V1.thresholds).toEqual({ yellowWithin: 3, escalateAt: 5, blackAt: 10 });
  });

  it.each([
    [withField({ id: '' }), 'id'],
    [withField({ version: 0 }), 'version'],
    [withField({ timeZone: 'UTC' }), 'timeZone'],
    [withField({ timeOfDay: '9:00' }), 'timeOfDay'],
    [withField({ timeOfDay: '24:00' }), 'timeOfDay'],
    [withField({ thresholds: null }), 'thresholds'],
    [withField({ thresholds: { yellowWithin: -1, escalateAt: 5, blackAt: 10 } }), 'thresholds.yellowWithin'],
    [withField({ thresholds: { yellowWithin: 3, escalateAt: 5.5, blackAt: 10 } }), 'thresholds.escalateAt'],
    [withField({ thresholds: { yellowWithin: 3, escalateAt: 0, blackAt: 10 } }), 'thresholds.escalateAt'],
    [withField({ thresholds: { yellowWithin: 3, escalateAt: 5 } }), 'thresholds.blackAt'],
    [withField({ thresholds: { yellowWithin: 3, escalateAt: 11, blackAt: 10 } }), 'thresholds.blackAt'],
    [withField({ steps: 'urge' }), 'steps'],
    [withField({ steps: ['urge', 'shout'] }), 'steps[1]'],
    [withField({ steps: ['urge', 'urge'] }), 'steps'],
    [[], '(rule)'],
  ])('refuses a rule naming the field (%#: %s)', (rule, field) => {
    expect(() => validateLadderRule(rule)).toThrow(InvalidLadderRule);
    try {
      validateLadderRule(rule);
    } catch (error) {
      expect((error as InvalidLadderRule).field).toBe(field);
      expect((error as Error).message).toMatch(new RegExp(`^ladder rule: ${field.replace(/[[\]()]/g, '\\$&')} `));
    }
  });

  it('DUBAN_LADDER_RULE: unset → the default, a built-in id, or a rule as JSON', () => {
    expect(resolveLadderRule(undefined)).toBe(DUBAN_LADDER_V1);
    expect(resolveLadderRule(' ')).toBe(DUBAN_LADDER_V1);
    expect(resolveLadderRule('duban-ladder-v1')).toBe(DUBAN_LADDER_V1);
    const own = resolveLadderRule(JSON.stringify({ ...DUBAN_LADDER_V1, id: 'zz-2026', version: 2, steps: ['urge'] }));
    expect(own).toMatchObject({ id: 'zz-2026', version: 2, steps: ['urge'] });
    expect(() => resolveLadderRule('duban-ladder-v9')).toThrow(/ladder rule: id "duban-ladder-v9" is not a built-in rule/);
    expect(() => resolveLadderRule('{"id": ')).toThrow(/ladder rule: \(rule\) is not valid JSON/);
    expect(() => resolveLadderRule(JSON.stringify({ ...DUBAN_LADDER_V1, timeOfDay: 'noon' }))).toThrow(/ladder rule: timeOfDay/);
  });
});
