import type { LeaderboardGroup } from '@duban/projections';
import { draftBulletin, fromLeaderboard } from './index';
import { sampleBulletinInput } from './testing/sample-input';

describe('fromLeaderboard', () => {
  it('takes a leaderboard’s groups and lists as they are, names from the registry, overdue items from the close', () => {
    const sample = sampleBulletinInput();
    // The sample's groups as the leaderboard gives them: unit ids, no names.
    const leaderboard: LeaderboardGroup[] = sample.groups.map((g) => ({
      group: g.name,
      scoredUnits: g.entries.filter((e) => e.score !== null).length,
      listsDrawn: true,
      red: g.entries.filter((e) => e.red).map((e) => e.unit.id),
      black: g.entries.filter((e) => e.black).map((e) => e.unit.id),
      entries: g.entries.map(({ unit, ...figures }) => ({ ...figures, unitId: unit.id })),
    }));
    const overdue = new Map(sample.black.map((b) => [b.unitId, b.overdueItems]));
    const mapped = fromLeaderboard(leaderboard, (id) => id, (id) => overdue.get(id) ?? []);
    expect(mapped.groups).toEqual(sample.groups);
    expect(mapped.red).toEqual(sample.red);
    expect(mapped.black).toEqual(sample.black);
    expect(draftBulletin({ ...sample, ...mapped })).toEqual(draftBulletin(sample));
  });

  it('prints the registry’s name while keeping the id as identity', () => {
    const sample = sampleBulletinInput();
    const leaderboard: LeaderboardGroup[] = sample.groups.map((g) => ({
      group: g.name,
      scoredUnits: 0,
      listsDrawn: false,
      red: [],
      black: [],
      entries: g.entries.map(({ unit, ...figures }) => ({ ...figures, red: false, black: false, unitId: unit.id })),
    }));
    const mapped = fromLeaderboard(leaderboard, (id) => (id === '郑东新区' ? '郑东新区管委会' : id), () => []);
    expect(mapped.groups[0]!.entries[0]!.unit).toEqual({ id: '郑东新区', name: '郑东新区管委会' });
  });
});
