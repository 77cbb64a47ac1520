import { assertNever } from '../decider/decider';
import { laterAct, requireNotBefore } from '../decider/effective-time';
import { IllegalTransition, InvalidCommandData } from '../decider/errors';
import { compareInstants, nonEmpty, requireDeadline, requireInstant, requireOwnUnit, requireRole, requireText } from '../decider/guards';
import {
  EvidenceRequired,
  ExtensionAfterDeadline,
  ExtensionAlreadyPending,
  ExtensionNotLater,
  InvalidProgressPercent,
  NoPendingExtension,
  NotANoteAuthor,
  OwnUnitVerification,
} from './errors';
import type { LoopFact } from './facts';
import type { ClosureLoopState, DeadlineCount, EvidenceRef, LoopStatus, MetricValue } from './state';
import type { LoopCommand, LoopContext, LoopStepKind } from './steps';

/** The state machine: from which statuses each step is allowed. */
export const ALLOWED_FROM: Readonly<Record<LoopStepKind, readonly LoopStatus[]>> = {
  assign: ['registered', 'reported'],
  acknowledge: ['assigned'],
  report_progress: ['acknowledged', 'in_progress'],
  add_note: ['assigned', 'acknowledged', 'in_progress', 'submitted'],
  submit_completion: ['in_progress'],
  approve_completion: ['submitted'],
  reject_completion: ['submitted'],
  reopen: ['closed'],
  request_extension: ['assigned', 'acknowledged', 'in_progress'],
  grant_extension: ['assigned', 'acknowledged', 'in_progress', 'submitted'],
  refuse_extension: ['assigned', 'acknowledged', 'in_progress', 'submitted'],
};

/** Who may take each step. */
export type LoopStepActor = 'supervisor' | 'assigned_unit' | 'note_author';

export const STEP_ACTOR: Readonly<Record<LoopStepKind, LoopStepActor>> = {
  assign: 'supervisor',
  acknowledge: 'assigned_unit',
  report_progress: 'assigned_unit',
  add_note: 'note_author',
  submit_completion: 'assigned_unit',
  approve_completion: 'supervisor',
  reject_completion: 'supervisor',
  reopen: 'supervisor',
  request_extension: 'assigned_unit',
  grant_extension: 'supervisor',
  refuse_extension: 'supervisor',
};

const NO_NOTE_AUTHORS: LoopContext = { noteAuthors: [] };

/**
 * Decides one step of the loop. Checks, in order: the actor's role, the
 * actor's unit, the current status (IllegalTransition), the effective time
 * (not before the loop's latest act: EffectiveTimeBeforeEarlierAct), then the
 * step's rules. (Auditors are refused by the role check.)
 */
export function decideLoop(
  command: LoopCommand,
  state: ClosureLoopState,
  context: LoopContext = NO_NOTE_AUTHORS,
): LoopFact[] {
  authorize(command, state, context);
  const { step, at, actor } = command;
  const name = command.command;
  if (!ALLOWED_FROM[step.kind].includes(state.status)) throw new IllegalTransition(name, state.status);
  requireNotBefore(name, at, laterAct(state.lastAct, context.notBefore ?? null));

  switch (step.kind) {
    case 'assign': {
      const unitId = requireText(name, 'unitId', step.unitId);
      const deadline = requireDeadline(name, 'deadline', step.deadline, at);
      if (step.deadlineCount === undefined) return [{ kind: 'assigned', data: { unitId, deadline, at } }];
      const deadlineCount = checkedDeadlineCount(name, step.deadlineCount, at);
      const provisional = deadlineCount.provisionalYears.length > 0 ? { provisional: true as const } : {};
      return [{ kind: 'assigned', data: { unitId, deadline, at, deadlineCount, ...provisional } }];
    }
    case 'acknowledge':
      return [{ kind: 'acknowledged', data: {} }];
    case 'report_progress': {
      const percent = step.percent;
      if (typeof percent !== 'number' || !Number.isFinite(percent) || percent < 0 || percent > 100) {
        throw new InvalidProgressPercent(name, percent);
      }
      return [
        {
          kind: 'progress_reported',
          data: {
            percent,
            narrative: requireText(name, 'narrative', step.narrative),
            metricValues: metricValues(name, step.metricValues ?? []),
            evidence: evidence(name, step.evidence ?? []),
          },
        },
      ];
    }
    case 'add_note':
      return [{ kind: 'note_added', data: { byUnit: actor.unitId, note: requireText(name, 'note', step.note) } }];
    case 'submit_completion': {
      const summary = requireText(name, 'summary', step.summary);
      if (!Array.isArray(step.evidence) || step.evidence.length === 0) throw new EvidenceRequired(name);
      return [
        {
          kind: 'completion_submitted',
          data: { submittedByUnit: actor.unitId, summary, evidence: evidence(name, step.evidence), at },
        },
      ];
    }
    case 'approve_completion':
      refuseOwnSubmission(name, state, actor.unitId);
      return [{ kind: 'completion_approved', data: { at } }];
    case 'reject_completion':
      refuseOwnSubmission(name, state, actor.unitId);
      return [{ kind: 'completion_rejected', data: { reason: requireText(name, 'reason', step.reason) } }];
    case 'reopen': {
      const reason = requireText(name, 'reason', step.reason);
      if (step.deadline === undefined) return [{ kind: 'reopened', data: { reason, at } }];
      const deadline = requireDeadline(name, 'deadline', step.deadline, at);
      return [{ kind: 'reopened', data: { reason, deadline, at } }];
    }
    case 'request_extension': {
      const current = currentDeadline(name, state);
      if (state.pendingExtension) throw new ExtensionAlreadyPending(name, state.pendingExtension.requestedDeadline);
      const requestedDeadline = requireInstant(name, 'requestedDeadline', step.requestedDeadline);
      const reason = requireText(name, 'reason', step.reason);
      if (compareInstants(at, current) >= 0) throw new ExtensionAfterDeadline(name, at, current);
      if (compareInstants(requestedDeadline, current) <= 0) {
        throw new ExtensionNotLater(name, requestedDeadline, current);
      }
      return [{ kind: 'extension_requested', data: { requestedDeadline, reason } }];
    }
    case 'grant_extension': {
      const pending = state.pendingExtension;
      if (!pending) throw new NoPendingExtension(name, state.status);
      if (step.deadline === undefined) {
        return [{ kind: 'extension_granted', data: { deadline: pending.requestedDeadline, at } }];
      }
      const deadline = requireDeadline(name, 'deadline', step.deadline, at);
      const current = currentDeadline(name, state);
      if (compareInstants(deadline, current) <= 0) throw new ExtensionNotLater(name, deadline, current);
      return [{ kind: 'extension_granted', data: { deadline, at } }];
    }
    case 'refuse_extension':
      if (!state.pendingExtension) throw new NoPendingExtension(name, state.status);
      return [{ kind: 'extension_refused', data: { reason: requireText(name, 'reason', step.reason) } }];
    default:
      return assertNever(step, 'loop step');
  }
}

function authorize(command: LoopCommand, state: ClosureLoopState, context: LoopContext): void {
  const { actor, step } = command;
  const name = command.command;
  const who = STEP_ACTOR[step.kind];
  switch (who) {
    case 'supervisor':
      requireRole(name, actor, 'supervisor');
      return;
    case 'assigned_unit':
      requireRole(name, actor, 'unit');
      // An issue has no unit before it is assigned: nothing to act on yet.
      if (state.unitId === null) throw new IllegalTransition(name, state.status);
      requireOwnUnit(name, actor, state.unitId);
      return;
    case 'note_author':
      requireRole(name, actor, 'unit');
      if (actor.unitId !== state.unitId && !context.noteAuthors.includes(actor.unitId)) {
        throw new NotANoteAuthor(name, actor.unitId);
      }
      return;
    default:
      assertNever(who, 'step actor');
  }
}

/** A count of working days from the assignment itself, its provisional years after its last official year. */
export function checkedDeadlineCount(command: string, count: DeadlineCount, at: string): DeadlineCount {
  if (!count || typeof count !== 'object') throw new InvalidCommandData(command, 'deadlineCount', 'must be { from, workingDays, provisionalYears, lastOfficialYear }');
  const from = requireInstant(command, 'deadlineCount.from', count.from);
  if (compareInstants(from, at) !== 0) throw new InvalidCommandData(command, 'deadlineCount.from', `must be the assignment's time ${at}`);
  if (!Number.isSafeInteger(count.workingDays) || count.workingDays < 0) {
    throw new InvalidCommandData(command, 'deadlineCount.workingDays', 'must be a whole number ≥ 0');
  }
  if (!Number.isSafeInteger(count.lastOfficialYear)) throw new InvalidCommandData(command, 'deadlineCount.lastOfficialYear', 'must be a year');
  const years = count.provisionalYears;
  if (!Array.isArray(years) || !years.every((y) => Number.isSafeInteger(y) && y > count.lastOfficialYear)) {
    throw new InvalidCommandData(command, 'deadlineCount.provisionalYears', `must list years after ${count.lastOfficialYear}`);
  }
  return { from, workingDays: count.workingDays, provisionalYears: [...years].sort((a, b) => a - b), lastOfficialYear: count.lastOfficialYear };
}

function refuseOwnSubmission(command: string, state: ClosureLoopState, actorUnitId: string): void {
  if (state.submission && state.submission.byUnit === actorUnitId) {
    throw new OwnUnitVerification(command, actorUnitId);
  }
}

function currentDeadline(command: string, state: ClosureLoopState): string {
  // Every status that allows extensions comes after assignment, which sets a deadline.
  if (state.deadline === null) throw new IllegalTransition(command, state.status);
  return state.deadline;
}

function metricValues(command: string, values: readonly MetricValue[]): MetricValue[] {
  if (!Array.isArray(values)) throw new InvalidCommandData(command, 'metricValues', 'must be a list');
  return values.map((m, i) => {
    if (!m || !nonEmpty(m.metric)) throw new InvalidCommandData(command, `metricValues[${i}].metric`, 'is required');
    if (typeof m.value !== 'number' || !Number.isFinite(m.value)) {
      throw new InvalidCommandData(command, `metricValues[${i}].value`, 'must be a finite number');
    }
    return m.unit === undefined ? { metric: m.metric, value: m.value } : { metric: m.metric, value: m.value, unit: m.unit };
  });
}

function evidence(command: string, refs: readonly EvidenceRef[]): EvidenceRef[] {
  if (!Array.isArray(refs)) throw new InvalidCommandData(command, 'evidence', 'must be a list');
  return refs.map((e, i) => {
    if (!e || !nonEmpty(e.ref)) throw new InvalidCommandData(command, `evidence[${i}].ref`, 'is required');
    return {
      ref: e.ref,
      ...(e.title === undefined ? {} : { title: e.title }),
      ...(e.sha256 === undefined ? {} : { sha256: e.sha256 }),
    };
  });
}
