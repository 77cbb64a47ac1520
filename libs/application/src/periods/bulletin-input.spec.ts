/**
 * The BulletinInput of a close revision: groups and order, lists, the items
 * behind black entries, totals, issue date and 文号, and determinism (the
 * same close gives the same content hash). The close is written out here as a
 * period stream records it.
 */
import { bulletinContentHash, draftBulletin, renderMarkdown } from '@duban/bulletin';
import type { BlackItem, CloseRevision, ClosedUnit } from '@duban/domain/period';
import { bulletinInputFromClose, bulletinIssuer, DEFAULT_BULLETIN_ISSUER } from './bulletin-input';

const MAY = { id: '2021-05', label: '2021年5月' };
const figures = (assessed: number, closedOnTime: number, overdue: number) => ({
  due: assessed,
  assessed,
  closed: closedOnTime,
  closedOnTime,
  overdue,
  overdueCarried: 0,
  reopens: 0,
  onTimeRate: assessed === 0 ? null : Math.round((closedOnTime / assessed) * 10000) / 10000,
  closureRate: assessed === 0 ? null : Math.round((closedOnTime / assessed) * 10000) / 10000,
  reworkRate: null,
  extensionRate: assessed === 0 ? null : 0,
  targetCompletion: null,
});
const row = (unitId: string, group: ClosedUnit['group'], score: number | null, rank: number | null, f = figures(2, 2, 0), flags: Partial<ClosedUnit> = {}): ClosedUnit => ({
  unitId,
  group,
  score,
  rank,
  red: false,
  black: false,
  figures: f,
  ...flags,
});
const item = (key: string, unitId: string, ladderStep: string | null, docNumber: string | null = '郑政办〔2021〕34号', itemPath: string | null = '一/（三）/1'): BlackItem => ({
  key,
  unitId,
  docNumber,
  itemPath,
  title: '全年新开工20个以上小微企业园',
  deadline: '2021-05-20T18:00:00+08:00',
  workingDaysOverdue: 7,
  ladderStep,
});

function close(): CloseRevision {
  return {
    revision: 1,
    closedAt: '2021-06-30T16:30:00.000Z', // 2021-07-01 00:30 in Beijing
    asOf: '2021-05-31T23:59:59.999+08:00',
    position: '42',
    headHash: 'a'.repeat(64),
    rule: { id: 'duban-score', version: 2, name: 'duban-score-v2' },
    listRule: { id: 'duban-lists', version: 1, name: 'duban-lists-v1', redTop: 1, blackBottom: 1, minRankedUnits: 2, criticismListsBlack: true },
    definitions: 'duban-figures-v2',
    digest: 'b'.repeat(64),
    units: [
      // registry order; 巩义市 and 登封市 tie on rank 2
      row('新郑市', '县市', null, null, figures(0, 0, 0), { black: true }), // unscored, yet an old item was listed for criticism in May
      row('巩义市', '县市', 60, 2, figures(2, 1, 1)),
      row('中牟县', '县市', 95, 1, figures(2, 2, 0), { red: true }),
      row('登封市', '县市', 60, 2, figures(2, 1, 1), { black: true }),
      row('荥阳市', '县市', 40, 4, figures(2, 0, 2), { black: true }),
      row('郑东新区', '开发区', 90, 1),
      row('市城建局', null, null, null, figures(1, 0, 1)),
    ],
    groups: [
      { group: '开发区', scoredUnits: 1, listsDrawn: false, red: [], black: [] },
      { group: '县市', scoredUnits: 4, listsDrawn: true, red: ['中牟县'], black: ['登封市', '荥阳市'] },
      { group: '市内区', scoredUnits: 0, listsDrawn: false, red: [], black: [] },
    ],
    black: [
      { unitId: '新郑市', group: '县市', reasons: ['listed_for_criticism'], items: [item('task:t0:新郑市', '新郑市', 'listing')] },
      { unitId: '登封市', group: '县市', reasons: ['listed_for_criticism'], items: [item('task:t1:登封市', '登封市', 'listing')] },
      {
        unitId: '荥阳市',
        group: '县市',
        reasons: ['rank'],
        items: [
          item('task:t1:荥阳市', '荥阳市', 'escalation'),
          item('task:t2:荥阳市', '荥阳市', 'reminder'), // no step against lateness yet: not cited
          item('issue:wt-1', '荥阳市', 'urge', null, null), // an issue: no 文号 to cite
        ],
      },
    ],
  };
}

const input = () => bulletinInputFromClose(MAY, close(), { issuer: DEFAULT_BULLETIN_ISSUER });

describe('bulletinInputFromClose', () => {
  it('groups in the bulletin order, entries by rank (ties in registry order), unscored units last', () => {
    const i = input();
    expect(i.groups.map((g) => g.name)).toEqual(['开发区', '县市', '市内区']);
    expect(i.groups[1].entries.map((e) => e.unit.id)).toEqual(['中牟县', '巩义市', '登封市', '荥阳市', '新郑市']);
    expect(i.groups.flatMap((g) => g.entries).some((e) => e.unit.id === '市城建局')).toBe(false);
  });

  it('red and black as the group lists; a unit listed for criticism without a score is not on the ranked list', () => {
    const i = input();
    expect(i.red).toEqual([{ unitId: '中牟县' }]);
    expect(i.black.map((b) => b.unitId)).toEqual(['登封市', '荥阳市']);
    expect(i.groups[1].entries.find((e) => e.unit.id === '新郑市')).toMatchObject({ black: false, rank: null });
    expect(() => draftBulletin(i)).not.toThrow();
  });

  it('says why a unit not in last place is black: an item listed for criticism', () => {
    const [dengfeng, xingyang] = input().black;
    expect(dengfeng.reason).toBe('在县市组中排名第2，得分60.00分，按期办结率50%，办结率50%，逾期未办结1项；本期有事项经督办仍未办结，已按程序通报批评。');
    expect(xingyang.reason).toBeUndefined(); // last place: the drafted reason says it
  });

  it('cites the items behind a black entry with the step taken; items without a step against lateness or a 文号 are left out', () => {
    const [dengfeng, xingyang] = input().black;
    expect(dengfeng.overdueItems).toEqual([
      { documentNumber: '郑政办〔2021〕34号', path: '一/（三）/1', title: '全年新开工20个以上小微企业园', unit: { id: '登封市', name: '登封市' }, workingDaysOverdue: 7, step: '通报批评' },
    ]);
    expect(xingyang.overdueItems.map((x) => x.step)).toEqual(['督办']);
  });

  it('totals over the grouped units; escalated and listed counted over the items of the close', () => {
    expect(input().totals).toEqual({ items: 10, closed: 6, onTimeRate: 0.6, closureRate: 0.6, overdue: 4, escalated: 3, listedForCriticism: 2 });
  });

  it('issue date is the close’s effective date in Beijing; the 文号 a placeholder of that year; the anchor and rule of the close', () => {
    const i = input();
    expect(i).toMatchObject({ issuedAt: '2021-07-01', documentNumber: '郑政办文〔2021〕　号', position: '42', headHash: 'a'.repeat(64), rule: { id: 'duban-score', version: 2 } });
    expect(renderMarkdown(draftBulletin(i))).toContain('2021年7月1日');
  });

  it('the same close gives the same content hash; the issuer and names are printed, so they change it', () => {
    expect(bulletinContentHash(input())).toBe(bulletinContentHash(input()));
    const other = bulletinInputFromClose(MAY, close(), { issuer: '某市人民政府办公室' });
    expect(bulletinContentHash(other)).not.toBe(bulletinContentHash(input()));
    const renamed = bulletinInputFromClose(MAY, close(), { issuer: DEFAULT_BULLETIN_ISSUER, nameOf: (id) => (id === '中牟县' ? '中牟县人民政府' : id) });
    expect(renamed.groups[1].entries[0].unit).toEqual({ id: '中牟县', name: '中牟县人民政府' });
  });

  it('the issuer comes from DUBAN_BULLETIN_ISSUER, else 郑州市人民政府办公厅', () => {
    expect(bulletinIssuer({})).toBe('郑州市人民政府办公厅');
    expect(bulletinIssuer({ DUBAN_BULLETIN_ISSUER: '  ' })).toBe('郑州市人民政府办公厅');
    expect(bulletinIssuer({ DUBAN_BULLETIN_ISSUER: ' 某市人民政府办公室 ' })).toBe('某市人民政府办公室');
  });
});
