/**
 * 目标完成率 of a unit in a period, from its year targets (docs/figures.md,
 * "Target completion").
 *
 * A target is a figure for a whole year ("全年…"). A period of the year is
 * judged against the share of it the time elapsed calls for — 时间过半、任务过半:
 * the months from January to the period's last month over 12 (June, Q2 and the
 * first half: 6/12; March and Q1: 3/12; the year: 12/12). For each target:
 *
 *     completion = min(1, achieved ÷ (figure × share))       (1 when the expected figure is 0)
 *
 * with `achieved` the unit's cumulative figure recorded with the latest
 * effective time at or before the as-of instant, and `figure` the target's
 * figure in force then. A unit's target completion is the plain mean over its
 * targets of the year that are set by the as-of instant (each metric counts
 * the same; capping keeps over-fulfilling one metric from making up for
 * another). No such target: null.
 */
import type { PeriodInfo, PeriodKind } from './period';

const MONTHS_PER: Record<PeriodKind, number> = { month: 1, quarter: 3, half: 6, year: 12 };

/** The share of a year's target expected by the end of the period: months through its last month ÷ 12. */
export function expectedShare(info: Pick<PeriodInfo, 'kind' | 'index'>): number {
  return (info.index * MONTHS_PER[info.kind]) / 12;
}

/** One target's completion in a period (exact, in [0, 1]). */
export function periodCompletion(value: number, achieved: number, share: number): number {
  const expected = value * share;
  return expected <= 0 ? 1 : Math.min(1, achieved / expected);
}

/** A unit's targets in a period: how many, and the mean of their completions (exact). */
export interface UnitTargets {
  readonly targets: number;
  readonly completion: number;
}

/** Groups targets by unit and averages their period completions. */
export function unitTargetCompletion(
  targets: readonly { unitId: string; value: number; achieved: number }[],
  share: number,
): Map<string, UnitTargets> {
  const sums = new Map<string, { n: number; sum: number }>();
  for (const t of targets) {
    const s = sums.get(t.unitId) ?? { n: 0, sum: 0 };
    s.n += 1;
    s.sum += periodCompletion(t.value, t.achieved, share);
    sums.set(t.unitId, s);
  }
  return new Map([...sums].map(([unitId, s]) => [unitId, { targets: s.n, completion: s.sum / s.n }]));
}
