import { assertNever } from '../decider/decider';
import type { ActStamp } from '../decider/effective-time';
import { laterAct } from '../decider/effective-time';
import { rememberStep, restartClock, stopClock } from '../ladder/memory';
import type { LoopFact } from './facts';
import type { ClosureLoopState } from './state';

/**
 * Folds one loop fact into a loop state. Generic so that an aggregate whose
 * state extends the loop state (an issue) keeps its own fields. `act` is the
 * event with its effective time (null when not known): the loop remembers the
 * latest one.
 */
export function evolveLoop<S extends ClosureLoopState>(state: S, fact: LoopFact, act: ActStamp | null = null): S {
  const next = evolveFact(state, fact, act);
  // A ladder step is the system's reaction, not an act a person answers: it leaves the latest act alone.
  if (isLadderFact(fact)) return next;
  return { ...next, lastAct: laterAct(state.lastAct, act) };
}

function isLadderFact(fact: LoopFact): boolean {
  // (a deadline's recount is the system's too: it answers the calendar, not a person)
  return (
    fact.kind === 'reminded' ||
    fact.kind === 'urged' ||
    fact.kind === 'escalated' ||
    fact.kind === 'listed_for_criticism' ||
    fact.kind === 'deadline_recounted'
  );
}

function evolveFact<S extends ClosureLoopState>(state: S, fact: LoopFact, act: ActStamp | null): S {
  switch (fact.kind) {
    case 'assigned':
      return {
        ...state,
        status: 'assigned',
        unitId: fact.data.unitId,
        deadline: fact.data.deadline,
        deadlineHistory: [...state.deadlineHistory, { deadline: fact.data.deadline, at: fact.data.at, cause: 'assigned' }],
        deadlineCount: fact.data.deadlineCount ? { ...fact.data.deadlineCount, provisional: fact.data.deadlineCount.provisionalYears.length > 0 } : null,
      };
    case 'acknowledged':
      return { ...state, status: 'acknowledged' };
    case 'progress_reported':
      return { ...state, status: 'in_progress', percent: fact.data.percent, progressReports: state.progressReports + 1 };
    case 'note_added':
      return { ...state, notes: state.notes + 1 };
    case 'completion_submitted':
      // 申请销号 stops the unit's clock.
      return {
        ...state,
        status: 'submitted',
        submission: { byUnit: fact.data.submittedByUnit, at: fact.data.at },
        ladder: stopClock(state.ladder, fact.data.at),
      };
    case 'completion_approved':
      // A request still pending when the item closes lapses.
      return { ...state, status: 'closed', closedAt: fact.data.at, pendingExtension: null };
    case 'completion_rejected':
      // 退回 restarts the clock on the same deadline, at the rejection's effective time.
      return {
        ...state,
        status: 'in_progress',
        submission: null,
        reworkCount: state.reworkCount + 1,
        ladder: restartClock(state.ladder, act?.at ?? null),
      };
    case 'reopened': {
      const { deadline, at } = fact.data;
      return {
        ...state,
        status: 'in_progress',
        submission: null,
        closedAt: null,
        reopenCount: state.reopenCount + 1,
        ladder: restartClock(state.ladder, at),
        // a date given on reopening replaces the counted deadline: nothing left to recount
        ...(deadline === undefined
          ? {}
          : { deadline, deadlineHistory: [...state.deadlineHistory, { deadline, at, cause: 'reopened' as const }], deadlineCount: null }),
      };
    }
    case 'extension_requested':
      return {
        ...state,
        pendingExtension: { requestedDeadline: fact.data.requestedDeadline, reason: fact.data.reason },
      };
    case 'extension_granted':
      return {
        ...state,
        deadline: fact.data.deadline,
        deadlineHistory: [...state.deadlineHistory, { deadline: fact.data.deadline, at: fact.data.at, cause: 'extension' }],
        deadlineCount: null, // the extension's date replaces the counted deadline
        pendingExtension: null,
        extensionCount: state.extensionCount + 1,
      };
    case 'extension_refused':
      return { ...state, pendingExtension: null };
    case 'reminded':
    case 'urged':
    case 'escalated':
    case 'listed_for_criticism': {
      const { step, rule, deadline, dueAt } = fact.data;
      const notice = fact.kind === 'urged' ? { notice: fact.data.notice } : {};
      return { ...state, ladder: rememberStep(state.ladder, { step, rule, deadline, dueAt, at: act?.at ?? dueAt, ...notice }) };
    }
    case 'deadline_recounted': {
      const d = fact.data;
      const count = {
        from: d.from,
        workingDays: d.workingDays,
        provisionalYears: d.provisionalYears,
        lastOfficialYear: d.lastOfficialYear,
        provisional: d.provisionalYears.length > 0,
      };
      // The history records a change of value only; an unmoved recount still drops the provisional flag (the count).
      return {
        ...state,
        deadline: d.deadline,
        deadlineCount: count,
        ...(d.moved ? { deadlineHistory: [...state.deadlineHistory, { deadline: d.deadline, at: d.at, cause: 'recounted' as const }] } : {}),
      };
    }
    default:
      return assertNever(fact, 'loop fact');
  }
}
