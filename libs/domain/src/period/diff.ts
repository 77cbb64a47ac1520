import type { ClosedUnit, UnitChange } from './events';

/**
 * Per unit, what differs between two closes of the same period (units in the
 * order of `next`, then units only `previous` had): score, rank, lists and the
 * figures that changed. Units that did not change are left out.
 */
export function diffCloses(previous: readonly ClosedUnit[], next: readonly ClosedUnit[]): UnitChange[] {
  const before = new Map(previous.map((u) => [u.unitId, u]));
  const after = new Map(next.map((u) => [u.unitId, u]));
  const ids = [...next.map((u) => u.unitId), ...previous.map((u) => u.unitId).filter((id) => !after.has(id))];
  const changes: UnitChange[] = [];
  for (const unitId of ids) {
    const a = before.get(unitId);
    const b = after.get(unitId);
    const figures: Record<string, { from: number | null; to: number | null; by: number | null }> = {};
    for (const name of new Set([...Object.keys(a?.figures ?? {}), ...Object.keys(b?.figures ?? {})])) {
      const from = a?.figures[name] ?? null;
      const to = b?.figures[name] ?? null;
      if (from !== to) figures[name] = { from, to, by: from !== null && to !== null ? round(to - from) : null };
    }
    const change: UnitChange = {
      unitId,
      score: { from: a?.score ?? null, to: b?.score ?? null },
      rank: { from: a?.rank ?? null, to: b?.rank ?? null },
      red: { from: a?.red ?? false, to: b?.red ?? false },
      black: { from: a?.black ?? false, to: b?.black ?? false },
      figures,
    };
    const same =
      change.score.from === change.score.to &&
      change.rank.from === change.rank.to &&
      change.red.from === change.red.to &&
      change.black.from === change.black.to &&
      Object.keys(figures).length === 0;
    if (!same) changes.push(change);
  }
  return changes;
}

/** Differences of rounded rates and scores, without binary noise (0.1 + 0.2). */
function round(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}
