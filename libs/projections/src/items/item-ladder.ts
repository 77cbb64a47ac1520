/**
 * The ladder's next step for an item row (items model or a ledger version):
 * the domain's nextStep over what the row keeps (status, deadline, `ladder`).
 * Computed when read, with the rule and calendar of the reader.
 */
import type { WorkingCalendar } from '@duban/domain/calendar';
import { CalendarCoverageError } from '@duban/domain/calendar';
import type { LadderItemState, LadderRule, NextLadderStep } from '@duban/domain/ladder';
import { nextStep } from '@duban/domain/ladder';
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
