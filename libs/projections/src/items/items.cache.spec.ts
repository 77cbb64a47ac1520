/**
 * ItemsQuery keeps pages it has read, stamped with the items projection's
 * checkpoint: asked again between commits it answers from memory, and the
 * first commit after (or a rebuild) makes it read again — never a stale page.
 */
import Database from 'better-sqlite3';
import { Harness } from '../testing/harness';
import { assignShare, registerTask, ZHENGDONG, ZHONGMU } from '../testing/fixtures';
import { ItemsQuery } from './items.query';

const T = 'zzb-2021-34-3-1';
const AT = '2021-06-01T09:00:00+08:00';

describe('ItemsQuery page cache', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await Harness.open();
  });
  afterEach(async () => {
    jest.restoreAllMocks();
    await h.close();
  });

  /** Counts reads of the items table (Statement#all / #get on SQL that reads it), whoever runs them. */
  function countingQuery(): { query: ItemsQuery; reads: () => number } {
    let reads = 0;
    const proto = Object.getPrototypeOf(h.db.prepare('SELECT 1')) as Record<'all' | 'get', (...a: unknown[]) => unknown>;
    for (const method of ['all', 'get'] as const) {
      const original = proto[method];
      jest.spyOn(proto, method).mockImplementation(function (this: Database.Statement, ...args: unknown[]) {
        if (/FROM items/.test(this.source)) reads++;
        return original.apply(this, args);
      });
    }
    return { query: new ItemsQuery(h.db), reads: () => reads };
  }

  it('answers a page asked again from memory until the projection commits; the next commit and a rebuild are seen at once', async () => {
    await h.ledger.runAll([registerTask(T), assignShare(T, ZHONGMU, '2021-05-06T09:00:00+08:00')]);
    await h.settle();
    const { query, reads } = countingQuery();

    const first = query.inbox(ZHONGMU, AT);
    expect(first.rows.map((e) => e.item.unitId)).toEqual([ZHONGMU]);
    const afterFirst = reads();
    expect(afterFirst).toBeGreaterThan(0);
    expect(query.inbox(ZHONGMU, AT)).toEqual(first);
    expect(reads()).toBe(afterFirst); // from memory
    // `at` is applied per call, not cached
    expect(query.inbox(ZHONGMU, '2022-01-01T09:00:00+08:00').rows[0].overdue).toBe(true);

    // a new event: the next answer has it
    await h.ledger.run(assignShare(T, ZHENGDONG, '2021-05-07T09:00:00+08:00'));
    await h.settle();
    expect(query.supervisorInbox(AT).rows.map((e) => e.item.unitId)).not.toContain(ZHENGDONG);
    expect(query.inbox(ZHENGDONG, AT).rows.map((e) => e.item.unitId)).toEqual([ZHENGDONG]);
    const again = query.inbox(ZHONGMU, AT);
    expect(again.rows[0].item.streamVersion).toBeGreaterThan(first.rows[0].item.streamVersion); // every task event moves it on all shares
    expect(reads()).toBeGreaterThan(afterFirst);

    // a rebuild (checkpoint reset and replayed to the same position) is a new stamp too
    const beforeRebuild = reads();
    await h.runner.rebuild('items');
    expect(query.inbox(ZHONGMU, AT)).toEqual(again);
    expect(reads()).toBeGreaterThan(beforeRebuild);
  });
});
