import type { LeaderboardGroup } from '@duban/projections/figures/figures';
import type { BulletinGroup, BlackListing, OverdueItem, RedListing } from './model';

/**
 * The groups and the red and black lists of a bulletin from a leaderboard
 * (FiguresQuery / the period close): the entries as they are, each unit id
 * given its printed name by `nameOf` (the unit registry's). The overdue items
 * behind each black entry come from the close (`overdueOf`).
 */
export function fromLeaderboard(
  groups: readonly LeaderboardGroup[],
  nameOf: (unitId: string) => string,
  overdueOf: (unitId: string) => readonly OverdueItem[],
): { groups: BulletinGroup[]; red: RedListing[]; black: BlackListing[] } {
  return {
    groups: groups.map((g) => ({
      name: g.group,
      entries: g.entries.map(({ unitId, ...figures }) => ({ ...figures, unit: { id: unitId, name: nameOf(unitId) } })),
    })),
    red: groups.flatMap((g) => g.red.map((unitId) => ({ unitId }))),
    black: groups.flatMap((g) => g.black.map((unitId) => ({ unitId, overdueItems: overdueOf(unitId) }))),
  };
}
