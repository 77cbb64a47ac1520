/**
 * Recounting a loop's deadline counted in working days when the official
 * calendar replaced a provisional year the count crossed (the State Council
 * notice arrived: DUBAN_CALENDAR_FILE or a release). Two pure halves, as for
 * the ladder: `dueDeadlineRecount` (the processor asks it, with the current
 * calendar) and `decideDeadlineRecount` (the decider records it, or answers
 * nothing when the loop moved on).
 */
import { recountDeadline } from '../calendar/recount-deadline';
import type { WorkingCalendar } from '../calendar/working-calendar';
import type { Actor } from '../decider/decider';
import { requireNotBefore } from '../decider/effective-time';
import { InvalidCommandData } from '../decider/errors';
import { compareInstants, requireInstant, requireRole } from '../decider/guards';
import type { DeadlineRecountedFactData, LoopFact } from './facts';
import type { ClosureLoopState, LoopStatus } from './state';

/** The data of a Recount…Deadline command besides the item's key: recountDeadline's answer and the calendar's last official year. */
export type DeadlineRecountCommandData = Omit<DeadlineRecountedFactData, 'at' | 'provisional'>;

/** Open items only: a closed item's deadline is history (a reopening with a date sets a new one). */
export const RECOUNT_IN: readonly LoopStatus[] = ['assigned', 'acknowledged', 'in_progress', 'submitted'];

/**
 * Whether the loop's current deadline, counted in working days across
 * provisional years, changes on `calendar` (its official years grew since the
 * count): the command data to send, or null (not counted in working days, no
 * provisional year used, none of them official yet, or the item is closed).
 */
export function dueDeadlineRecount(loop: ClosureLoopState, calendar: WorkingCalendar): DeadlineRecountCommandData | null {
  const count = loop.deadlineCount ?? null;
  if (count === null || loop.deadline === null || !RECOUNT_IN.includes(loop.status)) return null;
  const lastOfficialYear = lastOfficialYearOf(calendar);
  if (lastOfficialYear <= count.lastOfficialYear) return null;
  const counted = { from: count.from, workingDays: count.workingDays, provisionalYears: count.provisionalYears, deadline: loop.deadline };
  const recount = recountDeadline(counted, calendar.officialThrough(count.lastOfficialYear), calendar);
  if (recount.kind === 'unchanged') return null;
  const { kind: _kind, ...data } = recount;
  return { ...data, lastOfficialYear };
}

/**
 * Records a recount (system actor only). No facts when it is stale: the item
 * is closed, its deadline is no longer the counted one (an extension or a
 * reopening with a date since), `previousDeadline` is not the current one, or
 * the deadline was already counted with that many official years. Refuses data
 * that does not answer the recorded count (another start or number of days,
 * a year that was not provisional in it).
 */
export function decideDeadlineRecount(
  command: string,
  at: string,
  actor: Actor,
  data: DeadlineRecountCommandData,
  loop: ClosureLoopState,
): LoopFact[] {
  requireRole(command, actor, 'system');
  const previousDeadline = requireInstant(command, 'previousDeadline', data.previousDeadline);
  const deadline = requireInstant(command, 'deadline', data.deadline);
  if (!Number.isSafeInteger(data.lastOfficialYear)) throw new InvalidCommandData(command, 'lastOfficialYear', 'must be a year');
  const count = loop.deadlineCount ?? null;
  const stale =
    count === null ||
    loop.deadline === null ||
    !RECOUNT_IN.includes(loop.status) ||
    compareInstants(loop.deadline, previousDeadline) !== 0 ||
    data.lastOfficialYear <= count.lastOfficialYear;
  if (stale) return [];
  if (compareInstants(data.from, count.from) !== 0) throw new InvalidCommandData(command, 'from', `must be the count's start ${count.from}`);
  if (data.workingDays !== count.workingDays) throw new InvalidCommandData(command, 'workingDays', `must be the count's ${count.workingDays}`);
  const nowOfficial = years(command, 'nowOfficialYears', data.nowOfficialYears);
  if (nowOfficial.length === 0 || !nowOfficial.every((y) => count.provisionalYears.includes(y) && y <= data.lastOfficialYear)) {
    throw new InvalidCommandData(command, 'nowOfficialYears', `must be years of the count's provisional ${count.provisionalYears.join(', ')} up to ${data.lastOfficialYear}`);
  }
  const provisionalYears = years(command, 'provisionalYears', data.provisionalYears);
  if (!provisionalYears.every((y) => y > data.lastOfficialYear)) {
    throw new InvalidCommandData(command, 'provisionalYears', `must be years after ${data.lastOfficialYear}`);
  }
  if (!Array.isArray(data.reclassifiedDays)) throw new InvalidCommandData(command, 'reclassifiedDays', 'must be a list');
  requireNotBefore(command, at, loop.lastAct);
  const fact: DeadlineRecountedFactData = {
    previousDeadline: loop.deadline,
    deadline,
    moved: compareInstants(deadline, loop.deadline) !== 0,
    from: count.from,
    workingDays: count.workingDays,
    nowOfficialYears: nowOfficial,
    provisionalYears,
    reclassifiedDays: data.reclassifiedDays.map((d) => ({ ...d })),
    lastOfficialYear: data.lastOfficialYear,
    at,
    ...(provisionalYears.length > 0 ? { provisional: true as const } : {}),
  };
  return [{ kind: 'deadline_recounted', data: fact }];
}

/**
 * The id of the command that records a recount: the same for every attempt
 * with the same calendar, so the executor's idempotency writes it once.
 */
export function recountCommandId(streamId: string, previousDeadline: string, lastOfficialYear: number): string {
  return `recount:${streamId}:${Date.parse(previousDeadline)}:${lastOfficialYear}`;
}

function lastOfficialYearOf(calendar: WorkingCalendar): number {
  const official = calendar.coveredYears;
  return official[official.length - 1]!;
}

function years(command: string, field: string, value: unknown): number[] {
  if (!Array.isArray(value) || !value.every((y) => Number.isSafeInteger(y))) throw new InvalidCommandData(command, field, 'must be a list of years');
  return [...(value as number[])].sort((a, b) => a - b);
}
