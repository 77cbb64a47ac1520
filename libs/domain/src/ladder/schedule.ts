/**
 * When each step of the ladder falls due for a deadline: pure arithmetic over
 * the working-day calendar (Asia/Shanghai), in the terms the ledger colours by
 * (WorkingCalendar.workingDaysBetween: working days after one local date up to
 * and including the other).
 *
 * - reminder (临近提醒): at the rule's time of day on the first day on which at
 *   most `yellowWithin` working days are left — the day the ledger turns
 *   yellow (always a working day); left out if that would not be before the
 *   deadline itself;
 * - urge (催办): the deadline instant;
 * - escalation (督办) / listing (通报批评): at the rule's time of day on the
 *   `escalateAt`-th / `blackAt`-th working day after the deadline's date — the
 *   day the ledger turns 督办 red / black.
 *
 * Across a year without the State Council notice the days are the calendar's
 * provisional ones (describe: weekends and statutory holidays, no 调休): such a
 * step is flagged `provisional` (and carries it onto its event), never refused.
 */
import { fromEpochDay, localDateOf, startOfLocalDay, toEpochDay, toShanghaiIso } from '../calendar/local-date';
import type { WorkingCalendar } from '../calendar/working-calendar';
import type { ClockStop } from './memory';
import type { LadderRule, LadderStepName } from './rule';

export interface ScheduledStep {
  readonly step: LadderStepName;
  /** When it falls due, after the clock stops and the start (Beijing time, `…+08:00`). */
  readonly dueAt: string;
  /** When it would fall due by the calendar alone. */
  readonly nominalDueAt: string;
  /** Its working days were counted across a provisional calendar year. */
  readonly provisional?: true;
}

/**
 * The rule's steps for `deadline`, in ladder order, with their due instants.
 *
 * `clockStops`: a step that falls due while the clock stands still falls due
 * when it restarts (the rejection's effective time); a step falling in a stop
 * that still stands (the item awaits verification) is left out: it has no
 * time yet. `since`: the instant the clock started on this deadline (the
 * 交办, extension or reopening that set it): a step due earlier falls due then.
 * Throws the calendar's CalendarCoverageError for a year without data.
 */
export function ladderSchedule(
  rule: LadderRule,
  calendar: WorkingCalendar,
  deadline: string,
  clockStops: readonly ClockStop[] = [],
  since?: string,
): ScheduledStep[] {
  const deadlineMs = Date.parse(deadline);
  if (Number.isNaN(deadlineMs)) throw new RangeError(`not an instant: ${deadline}`);
  const dueDay = toEpochDay(localDateOf(deadline));
  let provisional = false; // whether the step being computed classified a provisional day
  const working = (day: number) => {
    const info = calendar.describe(fromEpochDay(day));
    if (info.provisional) provisional = true;
    return info.working;
  };
  const nominal: Array<[LadderStepName, number, boolean]> = [];
  for (const step of rule.steps) {
    provisional = false;
    switch (step) {
      case 'reminder': {
        const ms = atTimeOfDay(reminderDay(dueDay, rule.thresholds.yellowWithin, working), rule.timeOfDay);
        if (ms < deadlineMs) nominal.push([step, ms, provisional]);
        break;
      }
      case 'urge':
        nominal.push([step, deadlineMs, false]); // the deadline itself: nothing counted
        break;
      case 'escalation':
        nominal.push([step, atTimeOfDay(workingDayAfter(dueDay, rule.thresholds.escalateAt, working), rule.timeOfDay), provisional]);
        break;
      case 'listing':
        nominal.push([step, atTimeOfDay(workingDayAfter(dueDay, rule.thresholds.blackAt, working), rule.timeOfDay), provisional]);
        break;
    }
  }
  const sinceMs = since === undefined ? Number.NEGATIVE_INFINITY : Date.parse(since);
  const stops = [...clockStops].sort((a, b) => Date.parse(a.from) - Date.parse(b.from));
  const scheduled: ScheduledStep[] = [];
  for (const [step, ms, counted] of nominal) {
    const due = afterStops(Math.max(ms, sinceMs), stops);
    if (due === null) continue;
    scheduled.push({ step, dueAt: toShanghaiIso(new Date(due)), nominalDueAt: toShanghaiIso(new Date(ms)), ...(counted ? { provisional: true as const } : {}) });
  }
  return scheduled;
}

/** The first day D (walking back from the due day) with at most `within` working days in (D, dueDay]. */
function reminderDay(dueDay: number, within: number, working: (day: number) => boolean): number {
  let day = dueDay;
  let left = 0;
  for (;;) {
    const before = left + (working(day) ? 1 : 0);
    if (before > within) return day;
    left = before;
    day -= 1;
  }
}

/** The n-th working day after dueDay (n ≥ 1; dueDay's own year must be answerable, as nextWorkingDay requires). */
function workingDayAfter(dueDay: number, n: number, working: (day: number) => boolean): number {
  working(dueDay);
  let day = dueDay;
  for (let left = n; left > 0; ) {
    day += 1;
    if (working(day)) left -= 1;
  }
  return day;
}

function atTimeOfDay(day: number, timeOfDay: string): number {
  const [h, m] = timeOfDay.split(':').map(Number);
  return startOfLocalDay(fromEpochDay(day)).getTime() + (h * 60 + m) * 60_000;
}

/** Moves a due instant out of the clock stops it falls in; null when a stop still standing holds it. */
function afterStops(ms: number, stops: readonly ClockStop[]): number | null {
  let due = ms;
  for (const stop of stops) {
    const from = Date.parse(stop.from);
    if (due < from) continue;
    if (stop.to === null) return null;
    const to = Date.parse(stop.to);
    if (due < to) due = to;
  }
  return due;
}
