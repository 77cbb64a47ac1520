/**
 * The ladder's next step for an item row (items model or a ledger version):
 * the domain's nextStep over what the row keeps (status, deadline, `ladder`).
 * Computed when read, with the rule and calendar of the reader.
 */
import type { WorkingCalendar } from '@duban/domain/calendar';
import { CalendarCoverageError } from '@duban/domain/calendar';
import type { LadderItemState, LadderRule, LadderStepName, LadderStepTaken, NextLadderStep } from '@duban/domain/ladder';
import { LADDER_STEPS, nextStep } from '@duban/domain/ladder';
import type { Item } from './item';

export function itemLadderState(item: Pick<Item, 'status' | 'deadline' | 'ladder'>): LadderItemState {
  return {
    status: item.status,
    deadline: item.deadline,
    deadlineVersion: 0, // not kept by the rows; the ladder does not need it to say what comes next
    deadlineSetAt: item.ladder.deadlineSetAt,
    taken: item.ladder.taken,
    clockStops: item.ladder.clockStops,
    lastAct: null,
  };
}

/** Null also when the calendar has no data for a year the schedule needs (the ledger shows that gap as calendarGap). */
export function itemNextStep(item: Pick<Item, 'status' | 'deadline' | 'ladder'>, rule: LadderRule, calendar: WorkingCalendar): NextLadderStep | null {
  try {
    return nextStep(itemLadderState(item), rule, calendar);
  } catch (error) {
    if (error instanceof CalendarCoverageError) return null;
    throw error;
  }
}

/**
 * The highest step taken for `deadline` (the item's current one), null when none: steps taken for an
 * earlier deadline (before an extension or a reopening with a new date) no longer stand.
 */
export function currentLadderStep(taken: readonly LadderStepTaken[], deadline: string | null): LadderStepName | null {
  if (deadline === null) return null;
  const ms = Date.parse(deadline);
  let rank = -1;
  for (const t of taken) if (Date.parse(t.deadline) === ms) rank = Math.max(rank, LADDER_STEPS.indexOf(t.step));
  return rank < 0 ? null : LADDER_STEPS[rank];
}

/** The latest 催办通知 (the urge's notice) for `deadline`, null when the item was not urged for it. */
export function currentUrgeNotice(taken: readonly LadderStepTaken[], deadline: string | null): string | null {
  if (deadline === null) return null;
  const ms = Date.parse(deadline);
  for (let i = taken.length - 1; i >= 0; i--) {
    const t = taken[i];
    if (t.step === 'urge' && t.notice !== undefined && Date.parse(t.deadline) === ms) return t.notice;
  }
  return null;
}
