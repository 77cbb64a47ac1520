/**
 * The lateness ladder's rule (催办规则) as versioned data: the thresholds in
 * working days, the time of day the dated steps fall due, and which steps are
 * written as acts. The ledger's colours read the same thresholds
 * (libs/projections ledger-policy), so the colour a row shows and the acts on
 * its stream can never disagree.
 */

/** The acts of the ladder, in the order they fall due. */
export type LadderStepName = 'reminder' | 'urge' | 'escalation' | 'listing';

export const LADDER_STEPS: readonly LadderStepName[] = ['reminder', 'urge', 'escalation', 'listing'];

/** Thresholds in working days (named as the ledger's colours use them). */
export interface LadderThresholds {
  /** Yellow / 临近提醒 from the working day on which at most this many working days are left. */
  readonly yellowWithin: number;
  /** Red turns 督办 (escalation) on this working day after the deadline's date. */
  readonly escalateAt: number;
  /** Black / 通报批评 (listing) on this working day after the deadline's date. */
  readonly blackAt: number;
}

export interface LadderRuleRef {
  readonly id: string;
  readonly version: number;
}

export interface LadderRule extends LadderRuleRef {
  /** Only 'Asia/Shanghai': the working-day calendar is mainland China's. */
  readonly timeZone: 'Asia/Shanghai';
  /** HH:MM, local time: when the reminder, escalation and listing fall due on their day (the urge falls due at the deadline itself). */
  readonly timeOfDay: string;
  readonly thresholds: LadderThresholds;
  /** The steps written as acts, in ladder order (a rule may leave some out; the ledger's colours still use every threshold). */
  readonly steps: readonly LadderStepName[];
}

/** The built-in rule: 临近提醒 at 3 working days left, 催办 at the deadline, 督办 on the 5th and 通报批评 on the 10th working day after it, 09:00. */
export const DUBAN_LADDER_V1: LadderRule = Object.freeze({
  id: 'duban-ladder-v1',
  version: 1,
  timeZone: 'Asia/Shanghai',
  timeOfDay: '09:00',
  thresholds: Object.freeze({ yellowWithin: 3, escalateAt: 5, blackAt: 10 }),
  steps: Object.freeze([...LADDER_STEPS]),
});

/** Built-in rules by id (DUBAN_LADDER_RULE may name one). */
export const LADDER_RULES: Readonly<Record<string, LadderRule>> = Object.freeze({ [DUBAN_LADDER_V1.id]: DUBAN_LADDER_V1 });

export const DEFAULT_LADDER_RULE = DUBAN_LADDER_V1;

/** A rule that does not validate: `field` names what is wrong (e.g. `thresholds.blackAt`). */
export class InvalidLadderRule extends Error {
  constructor(
    readonly field: string,
    readonly reason: string,
  ) {
    super(`ladder rule: ${field} ${reason}`);
    this.name = 'InvalidLadderRule';
  }
}

const TIME_OF_DAY = /^([01]\d|2[0-3]):[0-5]\d$/;

/**
 * Checks a rule given as data (a parsed JSON file, a built-in) and returns it
 * frozen; throws InvalidLadderRule naming the first field that is wrong.
 */
export function validateLadderRule(value: unknown): LadderRule {
  const rule = record(value, '(rule)');
  const id = rule.id;
  if (typeof id !== 'string' || id.trim() === '') throw new InvalidLadderRule('id', 'must be a non-empty string');
  const version = rule.version;
  if (!Number.isSafeInteger(version) || (version as number) < 1) throw new InvalidLadderRule('version', 'must be a whole number ≥ 1');
  if (rule.timeZone !== 'Asia/Shanghai') throw new InvalidLadderRule('timeZone', "must be 'Asia/Shanghai'");
  if (typeof rule.timeOfDay !== 'string' || !TIME_OF_DAY.test(rule.timeOfDay)) {
    throw new InvalidLadderRule('timeOfDay', 'must be a local time HH:MM (00:00–23:59)');
  }
  const t = record(rule.thresholds, 'thresholds');
  for (const key of ['yellowWithin', 'escalateAt', 'blackAt'] as const) {
    if (!Number.isSafeInteger(t[key]) || (t[key] as number) < 0) throw new InvalidLadderRule(`thresholds.${key}`, 'must be a whole number ≥ 0');
  }
  if ((t.escalateAt as number) < 1) throw new InvalidLadderRule('thresholds.escalateAt', 'must be ≥ 1 (the deadline day itself is the urge)');
  if ((t.escalateAt as number) > (t.blackAt as number)) throw new InvalidLadderRule('thresholds.blackAt', 'must not be less than thresholds.escalateAt');
  if (!Array.isArray(rule.steps)) throw new InvalidLadderRule('steps', `must be a list of ${LADDER_STEPS.join(', ')}`);
  rule.steps.forEach((s, i) => {
    if (!LADDER_STEPS.includes(s as LadderStepName)) throw new InvalidLadderRule(`steps[${i}]`, `must be one of ${LADDER_STEPS.join(', ')}`);
  });
  const steps = LADDER_STEPS.filter((s) => (rule.steps as unknown[]).includes(s));
  if (steps.length !== rule.steps.length) throw new InvalidLadderRule('steps', 'names a step twice');
  return Object.freeze({
    id,
    version: version as number,
    timeZone: 'Asia/Shanghai',
    timeOfDay: rule.timeOfDay,
    thresholds: Object.freeze({ yellowWithin: t.yellowWithin as number, escalateAt: t.escalateAt as number, blackAt: t.blackAt as number }),
    steps: Object.freeze(steps),
  });
}

/**
 * The rule a setting names (the DUBAN_LADDER_RULE configuration variable):
 * unset or empty → the default; a built-in id (`duban-ladder-v1`); or a rule
 * as JSON text (starting with `{`), validated. Anything else throws
 * InvalidLadderRule naming the field.
 */
export function resolveLadderRule(setting: string | undefined): LadderRule {
  const text = setting?.trim() ?? '';
  if (text === '') return DEFAULT_LADDER_RULE;
  if (text.startsWith('{')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      throw new InvalidLadderRule('(rule)', `is not valid JSON: ${(error as Error).message}`);
    }
    return validateLadderRule(parsed);
  }
  const builtIn = Object.hasOwn(LADDER_RULES, text) ? LADDER_RULES[text] : undefined;
  if (!builtIn) throw new InvalidLadderRule('id', `${JSON.stringify(text)} is not a built-in rule (${Object.keys(LADDER_RULES).join(', ')}) nor a rule as JSON`);
  return builtIn;
}

export function ruleRef(rule: LadderRule): LadderRuleRef {
  return { id: rule.id, version: rule.version };
}

function record(value: unknown, field: string): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new InvalidLadderRule(field, 'must be an object');
  return value as Record<string, unknown>;
}
