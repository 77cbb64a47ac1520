import { DUBAN_LADDER_V1, validateLadderRule } from '@duban/domain/ladder';
import { ConfigError, loadConfig } from './config';

describe('DUBAN_LADDER_RULE', () => {
  it('is duban-ladder-v1 when unset or empty', () => {
    expect(loadConfig({}).ladderRule).toBe(DUBAN_LADDER_V1);
    expect(loadConfig({ DUBAN_LADDER_RULE: '  ' }).ladderRule).toBe(DUBAN_LADDER_V1);
  });

  it('names a built-in rule by its id', () => {
    expect(loadConfig({ DUBAN_LADDER_RULE: 'duban-ladder-v1' }).ladderRule).toBe(DUBAN_LADDER_V1);
  });

  it('takes a rule as JSON, validated', () => {
    const strict = { ...DUBAN_LADDER_V1, id: 'strict', version: 2, thresholds: { yellowWithin: 5, escalateAt: 3, blackAt: 6 }, steps: ['urge', 'escalation'] };
    expect(loadConfig({ DUBAN_LADDER_RULE: JSON.stringify(strict) }).ladderRule).toEqual(validateLadderRule(strict));
  });

  it.each([
    [{ ...DUBAN_LADDER_V1, thresholds: { yellowWithin: 3, escalateAt: 5, blackAt: 2 } }, 'DUBAN_LADDER_RULE: thresholds.blackAt must not be less than thresholds.escalateAt'],
    [{ ...DUBAN_LADDER_V1, timeOfDay: '9am' }, 'DUBAN_LADDER_RULE: timeOfDay must be a local time HH:MM'],
    [{ ...DUBAN_LADDER_V1, steps: ['reminder', 'scold'] }, 'DUBAN_LADDER_RULE: steps[1] must be one of'],
  ])('stops the start naming the field that is wrong (%#)', (rule, message) => {
    expect(() => loadConfig({ DUBAN_LADDER_RULE: JSON.stringify(rule) })).toThrow(ConfigError);
    expect(() => loadConfig({ DUBAN_LADDER_RULE: JSON.stringify(rule) })).toThrow(message);
  });

  it('refuses an unknown id and text that is not JSON', () => {
    expect(() => loadConfig({ DUBAN_LADDER_RULE: 'duban-ladder-v9' })).toThrow('DUBAN_LADDER_RULE: id "duban-ladder-v9" is not a built-in rule');
    expect(() => loadConfig({ DUBAN_LADDER_RULE: '{"id": ' })).toThrow('DUBAN_LADDER_RULE: (rule) is not valid JSON');
  });

  it('reports the rule beside the other bad variables', () => {
    expect(() => loadConfig({ PORT: 'eighty', DUBAN_LADDER_RULE: 'nope' })).toThrow(/PORT="eighty"[\s\S]*DUBAN_LADDER_RULE: id/);
  });
});
