import { toShanghaiIso } from '../calendar/local-date';
import type { WorkingDayDeadline } from '../calendar/recount-deadline';
import type { IssueUrgency } from './commands';

/** Working days allowed per urgency. */
export type IssueDeadlinePolicy = Readonly<Record<IssueUrgency, number>>;

/** Common practice: urgent 5 working days (often 1–5), normal 15, complex 30. */
export const DEFAULT_ISSUE_DEADLINE_POLICY: IssueDeadlinePolicy = { urgent: 5, normal: 15, complex: 30 };

/** Supplied by the caller (the working-day calendar lives elsewhere). Must be pure. */
export type AddWorkingDays = (at: Date | string, n: number) => Date;

/**
 * The default deadline of an issue assigned at `at`: `at` plus the policy's
 * working days for its urgency. The calendar is passed in, so this stays pure.
 * `policy` may override some urgencies; the rest keep the default.
 * Returns an ISO instant in Beijing time (`…+08:00`, as task deadlines are
 * written), ready for AssignIssue.deadline.
 */
export function defaultIssueDeadline(
  urgency: IssueUrgency,
  at: Date | string,
  addWorkingDays: AddWorkingDays,
  policy: Partial<IssueDeadlinePolicy> = {},
): string {
  return toShanghaiIso(checkedDeadline(addWorkingDays(at, workingDaysFor(urgency, policy))));
}

/** A count that says which provisional years it used: WorkingCalendar.addWorkingDaysProvisional. */
export type AddWorkingDaysProvisional = (at: Date | string, n: number) => { deadline: Date; provisionalYears: readonly number[] };

/**
 * defaultIssueDeadline with its basis, for a caller that records how the
 * deadline was counted (from, working days, the provisional years used) so it
 * can be flagged provisional and recounted when the official data arrives
 * (recountDeadline in @duban/domain/calendar).
 */
export function countedIssueDeadline(
  urgency: IssueUrgency,
  at: Date | string,
  addWorkingDays: AddWorkingDaysProvisional,
  policy: Partial<IssueDeadlinePolicy> = {},
): WorkingDayDeadline {
  const workingDays = workingDaysFor(urgency, policy);
  const { deadline, provisionalYears } = addWorkingDays(at, workingDays);
  return { from: toShanghaiIso(at), workingDays, deadline: toShanghaiIso(checkedDeadline(deadline)), provisionalYears: [...provisionalYears] };
}

function workingDaysFor(urgency: IssueUrgency, policy: Partial<IssueDeadlinePolicy>): number {
  const days = { ...DEFAULT_ISSUE_DEADLINE_POLICY, ...policy }[urgency];
  if (days === undefined) throw new RangeError(`unknown urgency ${String(urgency)}`);
  if (!Number.isInteger(days) || days < 0) {
    throw new RangeError(`working days for ${urgency} must be a non-negative integer, got ${String(days)}`);
  }
  return days;
}

function checkedDeadline(deadline: Date): Date {
  if (!(deadline instanceof Date) || Number.isNaN(deadline.getTime())) {
    throw new RangeError('addWorkingDays returned an invalid date');
  }
  return deadline;
}
