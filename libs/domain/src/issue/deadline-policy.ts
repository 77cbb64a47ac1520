import { toShanghaiIso } from '../calendar/local-date';
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
  const days = { ...DEFAULT_ISSUE_DEADLINE_POLICY, ...policy }[urgency];
  if (days === undefined) throw new RangeError(`unknown urgency ${String(urgency)}`);
  if (!Number.isInteger(days) || days < 0) {
    throw new RangeError(`working days for ${urgency} must be a non-negative integer, got ${String(days)}`);
  }
  const deadline = addWorkingDays(at, days);
  if (!(deadline instanceof Date) || Number.isNaN(deadline.getTime())) {
    throw new RangeError('addWorkingDays returned an invalid date');
  }
  return toShanghaiIso(deadline);
}
