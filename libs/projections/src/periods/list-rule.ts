/**
 * List rules (红黑榜): named, versioned, kept as data like the scoring rules.
 * A close records the list rule (id, version and parameters) it drew its lists
 * under. A change of N or of the 通报批评 rule is a NEW rule (another id or
 * version), never an edit: every close names the one it used.
 */
import type { ListRuleStamp } from '@duban/domain/period';
import { InvalidFiguresQueryError } from '../figures/period';

export type ListRule = ListRuleStamp;

/**
 * duban-lists-v1: 红榜 = rank 1 of each group, 黑榜 = the last place (ties share
 * a rank / a place), drawn only in a group with at least 2 scored units and not
 * all tied — what the leaderboard draws (scoring rules' `lists`) — and, besides,
 * every unit with an item that reached 通报批评 (ladder step `listing`) in the
 * period is on the black list (and then not on the red one).
 */
export const DUBAN_LISTS_V1: ListRule = Object.freeze({
  id: 'duban-lists',
  version: 1,
  name: 'duban-lists-v1',
  redTop: 1,
  blackBottom: 1,
  minRankedUnits: 2,
  criticismListsBlack: true,
});

export const LIST_RULES: readonly ListRule[] = Object.freeze([DUBAN_LISTS_V1]);

/**
 * The list rule from configuration (DUBAN_LIST_RULE): unset → duban-lists-v1;
 * a built-in name; or a rule as JSON `{"id","version","redTop","blackBottom","minRankedUnits","criticismListsBlack"}`
 * (a custom rule must not reuse a built-in id+version). Throws naming the field.
 */
export function resolveListRule(value: string | undefined): ListRule {
  if (value === undefined || value.trim() === '') return DUBAN_LISTS_V1;
  const text = value.trim();
  if (!text.startsWith('{')) {
    const rule = LIST_RULES.find((r) => r.name === text);
    if (!rule) throw new InvalidFiguresQueryError('DUBAN_LIST_RULE', `${text} is not a known list rule (known: ${LIST_RULES.map((r) => r.name).join(', ')})`);
    return rule;
  }
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw new InvalidFiguresQueryError('DUBAN_LIST_RULE', 'is neither a rule name nor valid JSON');
  }
  const count = (field: string, min: number): number => {
    const v = raw[field];
    if (!Number.isInteger(v) || (v as number) < min) throw new InvalidFiguresQueryError(`DUBAN_LIST_RULE.${field}`, `must be a whole number ≥ ${min}`);
    return v as number;
  };
  if (typeof raw.id !== 'string' || !/^[a-z][a-z0-9-]*$/.test(raw.id)) throw new InvalidFiguresQueryError('DUBAN_LIST_RULE.id', 'must be lower-case letters, digits and -');
  const version = count('version', 1);
  if (LIST_RULES.some((r) => r.id === raw.id && r.version === version)) {
    throw new InvalidFiguresQueryError('DUBAN_LIST_RULE.version', `${raw.id}-v${version} is a built-in rule: give a custom rule another id or version`);
  }
  if (typeof raw.criticismListsBlack !== 'boolean') throw new InvalidFiguresQueryError('DUBAN_LIST_RULE.criticismListsBlack', 'must be true or false');
  return Object.freeze({
    id: raw.id,
    version,
    name: `${raw.id}-v${version}`,
    redTop: count('redTop', 0),
    blackBottom: count('blackBottom', 0),
    minRankedUnits: count('minRankedUnits', 1),
    criticismListsBlack: raw.criticismListsBlack,
  });
}
