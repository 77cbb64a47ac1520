import type { LadderRuleRef, LadderStepName } from './rule';

/** The loop fact of each step (published as `task.share.<fact>.v1` / `issue.<fact>.v1`). */
export const LADDER_FACT: Readonly<Record<LadderStepName, LadderFactKind>> = Object.freeze({
  reminder: 'reminded',
  urge: 'urged',
  escalation: 'escalated',
  listing: 'listed_for_criticism',
});

export type LadderFactKind = 'reminded' | 'urged' | 'escalated' | 'listed_for_criticism';

/** What every step records: which step, by which rule, for which deadline, due when. */
export interface LadderStepFactData {
  readonly step: LadderStepName;
  readonly rule: LadderRuleRef;
  readonly deadline: string;
  readonly dueAt: string;
  /** Counted across a provisional calendar year (no State Council notice yet): the step's day may move with the notice. */
  readonly provisional?: true;
}

/** The urge also carries the 催办通知 the unit's inbox shows. */
export interface UrgeFactData extends LadderStepFactData {
  readonly workingDaysOverdue: number;
  readonly notice: string;
}
