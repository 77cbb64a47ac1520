import { beijingDateParts } from './format';
import { BULLETIN_GROUPS, OVERDUE_STEPS } from './model';
import type { BulletinEntry, BulletinInput } from './model';

/** An input a bulletin cannot be drafted from; `field` names what is wrong (for a 400 or a CLI message). */
export class BulletinInputError extends Error {
  constructor(
    readonly field: string,
    readonly reason: string,
  ) {
    super(`${field} ${reason}`);
    this.name = 'BulletinInputError';
  }
}

const PERIOD_ID = /^\d{4}(-(0[1-9]|1[0-2])|-Q[1-4]|-H[12])?$/;

export type BulletinPeriodKind = 'month' | 'quarter' | 'half' | 'year';

/** 2021-05 → month, 2021-Q2 → quarter, 2021-H1 → half, 2021 → year. */
export function periodKindOf(periodId: string): BulletinPeriodKind {
  if (!PERIOD_ID.test(periodId)) throw new BulletinInputError('period.id', 'must be YYYY-MM, YYYY-Qn, YYYY-Hn or YYYY');
  if (/-Q/.test(periodId)) return 'quarter';
  if (/-H/.test(periodId)) return 'half';
  return periodId.length === 4 ? 'year' : 'month';
}

function rate(field: string, value: number | null): void {
  if (value !== null && !(Number.isFinite(value) && value >= 0 && value <= 1)) throw new BulletinInputError(field, 'must be a fraction from 0 to 1, or null');
}

function count(field: string, value: number): void {
  if (!Number.isInteger(value) || value < 0) throw new BulletinInputError(field, 'must be a whole number ≥ 0');
}

function text(field: string, value: string | undefined): void {
  if (typeof value !== 'string' || value.trim() === '') throw new BulletinInputError(field, 'must be non-empty text');
}

function entry(field: string, e: BulletinEntry): void {
  text(`${field}.unit.id`, e.unit?.id);
  text(`${field}.unit.name`, e.unit?.name);
  for (const key of ['due', 'assessed', 'overdue', 'overdueCarried', 'reopens'] as const) count(`${field}.${key}`, e[key]);
  for (const key of ['onTimeRate', 'closureRate', 'reworkRate', 'extensionRate', 'targetCompletion'] as const) rate(`${field}.${key}`, e[key]);
  if (e.score !== null && !(Number.isFinite(e.score) && e.score >= 0 && e.score <= 100)) throw new BulletinInputError(`${field}.score`, 'must be from 0 to 100, or null');
  if ((e.score === null) !== (e.rank === null)) throw new BulletinInputError(`${field}.rank`, 'must be null exactly when the score is');
  if (e.rank !== null && (!Number.isInteger(e.rank) || e.rank < 1)) throw new BulletinInputError(`${field}.rank`, 'must be a whole number ≥ 1');
}

/**
 * Checks that the input is consistent (every listed unit ranked in a group,
 * its flag set; the anchor well formed; dates valid) and returns the entries
 * by unit id. Throws {@link BulletinInputError}.
 */
export function validateBulletinInput(input: BulletinInput): Map<string, { entry: BulletinEntry; group: string }> {
  text('issuer', input.issuer);
  text('documentNumber', input.documentNumber);
  text('period.label', input.period?.label);
  periodKindOf(input.period.id);
  if (!/^(0|[1-9]\d*)$/.test(input.position)) throw new BulletinInputError('position', 'must be a decimal log position');
  if (!/^[0-9a-f]{16,128}$/.test(input.headHash)) throw new BulletinInputError('headHash', 'must be a lower-case hex hash');
  if (!beijingDateParts(input.issuedAt)) throw new BulletinInputError('issuedAt', 'must be a date YYYY-MM-DD or an instant with an offset');
  if (input.rectifyBy !== undefined && !beijingDateParts(input.rectifyBy)) throw new BulletinInputError('rectifyBy', 'must be a date YYYY-MM-DD');
  text('rule.id', input.rule?.id);
  if (!Number.isInteger(input.rule.version) || input.rule.version < 1) throw new BulletinInputError('rule.version', 'must be a whole number ≥ 1');

  const t = input.totals;
  for (const key of ['items', 'closed', 'overdue', 'escalated', 'listedForCriticism'] as const) count(`totals.${key}`, t[key]);
  rate('totals.onTimeRate', t.onTimeRate);
  rate('totals.closureRate', t.closureRate);

  const names = input.groups.map((g) => g.name);
  if (names.length !== BULLETIN_GROUPS.length || BULLETIN_GROUPS.some((g) => !names.includes(g))) {
    throw new BulletinInputError('groups', `must be the three groups ${BULLETIN_GROUPS.join('、')}, each once`);
  }
  const byUnit = new Map<string, { entry: BulletinEntry; group: string }>();
  input.groups.forEach((group, g) =>
    group.entries.forEach((e, i) => {
      entry(`groups[${g}].entries[${i}]`, e);
      if (byUnit.has(e.unit.id)) throw new BulletinInputError(`groups[${g}].entries[${i}].unit.id`, `${e.unit.id} is listed twice`);
      byUnit.set(e.unit.id, { entry: e, group: group.name });
    }),
  );

  const listed = (list: 'red' | 'black', unitId: string, field: string) => {
    const found = byUnit.get(unitId);
    if (!found) throw new BulletinInputError(field, `${unitId} is not in any group`);
    if (!found.entry[list] || found.entry.rank === null) throw new BulletinInputError(field, `${unitId} is not ranked and flagged ${list} in its group`);
  };
  input.red.forEach((r, i) => listed('red', r.unitId, `red[${i}].unitId`));
  input.black.forEach((b, i) => {
    listed('black', b.unitId, `black[${i}].unitId`);
    b.overdueItems.forEach((item, j) => {
      const field = `black[${i}].overdueItems[${j}]`;
      text(`${field}.documentNumber`, item.documentNumber);
      text(`${field}.path`, item.path);
      text(`${field}.title`, item.title);
      count(`${field}.workingDaysOverdue`, item.workingDaysOverdue);
      if (!OVERDUE_STEPS.includes(item.step)) throw new BulletinInputError(`${field}.step`, `must be one of ${OVERDUE_STEPS.join('、')}`);
    });
  });
  for (const [unitId, { entry: e }] of byUnit) {
    if (e.red && !input.red.some((r) => r.unitId === unitId)) throw new BulletinInputError('red', `${unitId} is flagged red but not on the red list`);
    if (e.black && !input.black.some((b) => b.unitId === unitId)) throw new BulletinInputError('black', `${unitId} is flagged black but not on the black list`);
  }
  input.requirements?.forEach((r, i) => {
    text(`requirements[${i}].heading`, r.heading);
    text(`requirements[${i}].text`, r.text);
  });
  return byUnit;
}
