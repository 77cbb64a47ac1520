import { dueDeadlineRecount } from '../closure-loop/recount';
import type { WorkingCalendar } from '../calendar/working-calendar';
import type { RecountIssueDeadline } from './commands';
import type { IssueState } from './state';
import { isReported } from './state';

/**
 * Whether a RecountIssueDeadline is due for this issue on `calendar` (the
 * process's current calendar, e.g. after DUBAN_CALENDAR_FILE or a release
 * added the notice of a year the deadline was counted across): its data, or
 * null. The caller sends it with LADDER_ACTOR-like system actor, at its own
 * instant, command id recountCommandId(stream, previousDeadline, lastOfficialYear).
 */
export function dueIssueDeadlineRecount(state: IssueState, calendar: WorkingCalendar): RecountIssueDeadline['data'] | null {
  if (!isReported(state)) return null;
  const data = dueDeadlineRecount(state, calendar);
  return data === null ? null : { issueId: state.issueId, ...data };
}
