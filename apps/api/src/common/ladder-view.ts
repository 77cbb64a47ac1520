/**
 * The item views of GET /tasks/{id}, GET /issues/{id} and the commands'
 * answers: the state folded from the item's stream, with the ladder's next
 * step (`nextStep: { step, dueAt }`, null when none is ahead) on each task
 * share and on the issue — computed when shown, with the process's rule
 * (DUBAN_LADDER_RULE) and working-day calendar, as the items model and the
 * ledger compute theirs.
 */
import { CalendarCoverageError } from '@duban/domain/calendar';
import type { WorkingCalendar } from '@duban/domain/calendar';
import type { ClosureLoopState } from '@duban/domain/closure-loop';
import type { IssueState } from '@duban/domain/issue';
import type { LadderRule, NextLadderStep } from '@duban/domain/ladder';
import { ladderStateOf, nextStep } from '@duban/domain/ladder';
import type { ShareState, TaskState } from '@duban/domain/task';

export interface LadderContext {
  readonly rule: LadderRule;
  readonly calendar: WorkingCalendar;
}

/** The next step of a loop; null also when the calendar has no data for a year the schedule needs (as the items model). */
export function loopNextStep(loop: ClosureLoopState, ladder: LadderContext): NextLadderStep | null {
  try {
    return nextStep(ladderStateOf(loop), ladder.rule, ladder.calendar);
  } catch (error) {
    if (error instanceof CalendarCoverageError) return null;
    throw error;
  }
}

export type ShareView = ShareState & { readonly nextStep: NextLadderStep | null };
export type TaskView = { readonly status: 'none' } | (Exclude<TaskState, { status: 'none' }> & { readonly shares: Readonly<Record<string, ShareView>> });
export type IssueView = { readonly status: 'none' } | (Exclude<IssueState, { status: 'none' }> & { readonly nextStep: NextLadderStep | null });

export function taskView(state: TaskState, ladder: LadderContext): TaskView {
  if (state.status === 'none') return state;
  const shares: Record<string, ShareView> = {};
  for (const [unitId, share] of Object.entries(state.shares)) shares[unitId] = { ...share, nextStep: loopNextStep(share, ladder) };
  return { ...state, shares };
}

export function issueView(state: IssueState, ladder: LadderContext): IssueView {
  if (state.status === 'none') return state;
  return { ...state, nextStep: loopNextStep(state, ladder) };
}
