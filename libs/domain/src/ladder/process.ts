/**
 * The ladder's process manager, as pure functions: given where an item's loop
 * stands and an instant, which steps are due (the processor only asks this),
 * and which step comes next (the views show it).
 */
import type { ClosureLoopState, LoopStatus } from '../closure-loop/state';
import { toShanghaiIso } from '../calendar/local-date';
import type { WorkingCalendar } from '../calendar/working-calendar';
import type { ActStamp } from '../decider/effective-time';
import type { Actor } from '../decider/decider';
import type { ClockStop, LadderStepTaken } from './memory';
import { NO_LADDER } from './memory';
import type { LadderRule, LadderRuleRef, LadderStepName } from './rule';
import { LADDER_STEPS, ruleRef } from './rule';
import { ladderSchedule } from './schedule';

/** The statuses in which the unit's clock runs: assigned and not yet submitted. */
export const CLOCK_RUNS_IN: readonly LoopStatus[] = ['assigned', 'acknowledged', 'in_progress'];

/** The actor of every ladder step: the system's clock, acting for no unit. */
export const LADDER_ACTOR: Actor = Object.freeze({ userId: 'duban-clock', unitId: 'duban-system', role: 'system' });

/** What the ladder needs to know of an item (ladderStateOf reads it off a loop state). */
export interface LadderItemState {
  readonly status: LoopStatus;
  /** The current deadline; null until assigned. */
  readonly deadline: string | null;
  /** How many times the deadline was set (交办 = 1; each extension or reopening with a date + 1). */
  readonly deadlineVersion: number;
  /** When the current deadline was set: steps due earlier fall due then. */
  readonly deadlineSetAt: string | null;
  readonly taken: readonly LadderStepTaken[];
  readonly clockStops: readonly ClockStop[];
  /** The latest act on the loop: a step never takes effect before it. */
  readonly lastAct: ActStamp | null;
}

export function ladderStateOf(loop: ClosureLoopState): LadderItemState {
  const ladder = loop.ladder ?? NO_LADDER;
  const set = loop.deadlineHistory[loop.deadlineHistory.length - 1];
  return {
    status: loop.status,
    deadline: loop.deadline,
    deadlineVersion: loop.deadlineHistory.length,
    deadlineSetAt: set?.at ?? null,
    taken: ladder.taken,
    clockStops: ladder.clockStops,
    lastAct: loop.lastAct,
  };
}

/** A step the processor should now record (the data of Record…LadderStep, plus the command's `at`). */
export interface DueLadderStep {
  readonly step: LadderStepName;
  readonly rule: LadderRuleRef;
  readonly deadline: string;
  readonly dueAt: string;
  /** The command's effective time: dueAt, or the loop's latest act when that is later (no step takes effect before it). */
  readonly at: string;
  /** Working days from the deadline's date to `at` (0 when not overdue): the urge's notice names it. */
  readonly workingDaysOverdue: number;
  /** Its due day or its days overdue were counted across a provisional calendar year (see ladderSchedule). */
  readonly provisional?: true;
}

export interface NextLadderStep {
  readonly step: LadderStepName;
  readonly dueAt: string;
  readonly provisional?: true;
}

/**
 * Whether a step was taken for this deadline: the step itself, or a later one
 * (the ladder never goes back down for one deadline).
 */
export function stepTaken(taken: readonly LadderStepTaken[], step: LadderStepName, deadline: string): boolean {
  const rank = LADDER_STEPS.indexOf(step);
  const ms = Date.parse(deadline);
  return taken.some((t) => Date.parse(t.deadline) === ms && LADDER_STEPS.indexOf(t.step) >= rank);
}

/** The steps still ahead for the current deadline, in order, with their due instants; none while the clock does not run. */
export function remainingSteps(state: LadderItemState, rule: LadderRule, calendar: WorkingCalendar): NextLadderStep[] {
  if (state.deadline === null || !CLOCK_RUNS_IN.includes(state.status)) return [];
  const deadline = state.deadline;
  return ladderSchedule(rule, calendar, deadline, state.clockStops, state.deadlineSetAt ?? undefined)
    .filter((s) => !stepTaken(state.taken, s.step, deadline))
    .map((s) => ({ step: s.step, dueAt: s.dueAt, ...(s.provisional ? { provisional: true as const } : {}) }));
}

/** The next step and when it falls due; null when none is ahead (closed, awaiting verification, not assigned, ladder done). */
export function nextStep(state: LadderItemState, rule: LadderRule, calendar: WorkingCalendar): NextLadderStep | null {
  return remainingSteps(state, rule, calendar)[0] ?? null;
}

/**
 * The steps due at `now`, in order, each to be recorded once: for an item
 * back-filled with a past effective time, every step that fell due since,
 * with its historical dueAt.
 */
export function dueLadderSteps(state: LadderItemState, rule: LadderRule, calendar: WorkingCalendar, now: string | Date): DueLadderStep[] {
  const nowMs = typeof now === 'string' ? Date.parse(now) : now.getTime();
  const deadline = state.deadline;
  if (deadline === null) return [];
  const floor = state.lastAct === null ? Number.NEGATIVE_INFINITY : Date.parse(state.lastAct.at);
  return remainingSteps(state, rule, calendar)
    .filter((s) => Date.parse(s.dueAt) <= nowMs)
    .map((s) => {
      const atMs = Math.max(Date.parse(s.dueAt), floor);
      const at = atMs === Date.parse(s.dueAt) ? s.dueAt : toShanghaiIso(new Date(atMs));
      const overdue = atMs > Date.parse(deadline) ? calendar.workingDaysBetweenProvisional(deadline, new Date(atMs)) : null;
      const provisional = s.provisional === true || overdue?.provisional === true;
      return {
        step: s.step,
        rule: ruleRef(rule),
        deadline,
        dueAt: s.dueAt,
        at,
        workingDaysOverdue: overdue === null ? 0 : Math.max(0, overdue.days),
        ...(provisional ? { provisional: true as const } : {}),
      };
    });
}

/**
 * The id of the command that records a step: the same for every attempt, so
 * the executor's idempotency writes it once (`ladder:<stream>:<step>:<deadline ms>`;
 * the deadline as epoch milliseconds, so two spellings of one instant agree).
 */
export function ladderCommandId(streamId: string, step: LadderStepName, deadline: string): string {
  return `ladder:${streamId}:${step}:${Date.parse(deadline)}`;
}
