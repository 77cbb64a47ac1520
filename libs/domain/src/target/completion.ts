import type { TargetState } from './state';
import { isTargetSet } from './state';

export interface TargetCompletion {
  readonly target: number;
  /** The latest figure recorded (0 before any progress). */
  readonly achieved: number;
  /**
   * achieved / target, uncapped: 1.2 means 超额完成 by 20% (for display and
   * reports). A target of 0 counts as met: ratio 1.
   */
  readonly ratio: number;
  /**
   * min(ratio, 1): what a ranking should use, so over-fulfilling one metric
   * never makes up for another (目标完成率 per metric, capped at 100%).
   */
  readonly cappedRatio: number;
  /** achieved ≥ target (targets are "at least": 以上 / 不少于). */
  readonly met: boolean;
  /** max(target − achieved, 0). */
  readonly remaining: number;
  /** Effective time of the figure counted, or null. */
  readonly asOf: string | null;
}

/** The completion of a target, or null for a target that was never set. */
export function targetCompletion(state: TargetState): TargetCompletion | null {
  if (!isTargetSet(state)) return null;
  const target = state.value;
  const achieved = state.current?.value ?? 0;
  const ratio = target === 0 ? 1 : achieved / target;
  return {
    target,
    achieved,
    ratio,
    cappedRatio: Math.min(ratio, 1),
    met: achieved >= target,
    remaining: Math.max(target - achieved, 0),
    asOf: state.current?.at ?? null,
  };
}
