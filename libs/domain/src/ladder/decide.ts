/**
 * Recording a ladder step on a loop (the task share's or the decider
 * calls this for Record…LadderStep). A stale step is not an error but a no-op
 * — no events, so the executor writes nothing: the clock may fire a step
 * computed just before the item moved on.
 */
import type { Actor } from '../decider/decider';
import { requireNotBefore } from '../decider/effective-time';
import { InvalidCommandData } from '../decider/errors';
import { compareInstants, nonEmpty, requireInstant, requireRole } from '../decider/guards';
import type { LoopFact } from '../closure-loop/facts';
import type { ClosureLoopState } from '../closure-loop/state';
import { LADDER_FACT } from './facts';
import { NO_LADDER } from './memory';
import type { UrgeNoticeSubject } from './notice';
import { urgeNoticeText } from './notice';
import { CLOCK_RUNS_IN, stepTaken } from './process';
import type { LadderRuleRef, LadderStepName } from './rule';
import { LADDER_STEPS } from './rule';

/** The data of RecordShareLadderStep / RecordIssueLadderStep besides the item's key (see DueLadderStep). */
export interface LadderStepCommandData {
  readonly step: LadderStepName;
  readonly rule: LadderRuleRef;
  /** The deadline the step was computed for: a step for another deadline than the current one is stale. */
  readonly deadline: string;
  readonly dueAt: string;
  /** The urge's: working days overdue at the command's `at` (0 at the deadline itself). */
  readonly workingDaysOverdue?: number;
  /** The step was counted across a provisional calendar year (DueLadderStep.provisional): its event carries the flag. */
  readonly provisional?: boolean;
}

/**
 * Checks (the system's role; the data; `at` not before dueAt nor before the
 * loop's latest act), then answers:
 * - no facts when the step is stale: the item is not running the clock
 *   (not assigned, submitted 申请销号, closed), its deadline is not the
 *   command's (extension, reopening with a new date), or the step — or a later
 *   one — was already taken for that deadline;
 * - else the step's fact (the urge with its 催办通知).
 */
export function decideLadderStep(
  command: string,
  at: string,
  actor: Actor,
  data: LadderStepCommandData,
  loop: ClosureLoopState,
  subject: (unitId: string) => UrgeNoticeSubject,
): LoopFact[] {
  requireRole(command, actor, 'system');
  const step = data.step;
  if (!LADDER_STEPS.includes(step)) throw new InvalidCommandData(command, 'step', `must be one of ${LADDER_STEPS.join(', ')}`);
  const rule = data.rule;
  if (!rule || !nonEmpty(rule.id)) throw new InvalidCommandData(command, 'rule.id', 'must be a non-empty string');
  if (!Number.isSafeInteger(rule.version) || rule.version < 1) throw new InvalidCommandData(command, 'rule.version', 'must be a whole number ≥ 1');
  const deadline = requireInstant(command, 'deadline', data.deadline);
  const dueAt = requireInstant(command, 'dueAt', data.dueAt);
  if (compareInstants(at, dueAt) < 0) throw new InvalidCommandData(command, 'at', `must not be before dueAt ${dueAt}`);
  const overdue = data.workingDaysOverdue ?? 0;
  if (!Number.isSafeInteger(overdue) || overdue < 0) throw new InvalidCommandData(command, 'workingDaysOverdue', 'must be a whole number ≥ 0');

  const stale =
    !CLOCK_RUNS_IN.includes(loop.status) ||
    loop.deadline === null ||
    loop.unitId === null ||
    compareInstants(loop.deadline, deadline) !== 0 ||
    stepTaken((loop.ladder ?? NO_LADDER).taken, step, deadline);
  if (stale) return [];
  requireNotBefore(command, at, loop.lastAct);

  if (data.provisional !== undefined && typeof data.provisional !== 'boolean') throw new InvalidCommandData(command, 'provisional', 'must be true or false');
  const base = { step, rule: { id: rule.id, version: rule.version }, deadline, dueAt, ...(data.provisional ? { provisional: true as const } : {}) };
  if (step === 'urge') {
    return [{ kind: 'urged', data: { ...base, workingDaysOverdue: overdue, notice: urgeNoticeText(subject(loop.unitId), deadline, overdue) } }];
  }
  return [{ kind: LADDER_FACT[step] as 'reminded' | 'escalated' | 'listed_for_criticism', data: base }];
}
