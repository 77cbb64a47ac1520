/**
 * What a loop remembers of its ladder (part of ClosureLoopState): the steps
 * taken, each with the deadline it was computed for, and the intervals during
 * which the unit's clock stood still (from 申请销号 to 退回 or 重新打开).
 */
import type { LadderRuleRef, LadderStepName } from './rule';

export interface LadderStepTaken {
  readonly step: LadderStepName;
  readonly rule: LadderRuleRef;
  /** The deadline the step was computed for (as the command gave it). */
  readonly deadline: string;
  /** When it fell due. */
  readonly dueAt: string;
  /** When it took effect (the event's effective time; its dueAt when folded without times). */
  readonly at: string;
  /** The urge's 催办通知 (what the unit's inbox shows). */
  readonly notice?: string;
}

/** The unit's clock stood still from `from` (its submission) to `to` (the rejection or reopening); `to` null while it still stands. */
export interface ClockStop {
  readonly from: string;
  readonly to: string | null;
}

export interface LadderMemory {
  readonly taken: readonly LadderStepTaken[];
  readonly clockStops: readonly ClockStop[];
}

export const NO_LADDER: LadderMemory = Object.freeze({ taken: Object.freeze([]), clockStops: Object.freeze([]) });

/** A submission (申请销号) stops the clock. */
export function stopClock(memory: LadderMemory | undefined, at: string): LadderMemory {
  const m = memory ?? NO_LADDER;
  return { ...m, clockStops: [...m.clockStops, { from: at, to: null }] };
}

/** A rejection (退回) or a reopening restarts it at `at`; nothing changes when it was running. */
export function restartClock(memory: LadderMemory | undefined, at: string | null): LadderMemory {
  const m = memory ?? NO_LADDER;
  const last = m.clockStops[m.clockStops.length - 1];
  if (last === undefined || last.to !== null) return m;
  // Folded without times (a bare fixture), the restart's time is unknown: the stop is taken as zero-length.
  return { ...m, clockStops: [...m.clockStops.slice(0, -1), { from: last.from, to: at ?? last.from }] };
}

export function rememberStep(memory: LadderMemory | undefined, taken: LadderStepTaken): LadderMemory {
  const m = memory ?? NO_LADDER;
  return { ...m, taken: [...m.taken, taken] };
}
