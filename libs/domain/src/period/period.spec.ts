/**
 * The period decider: closes, re-closes and bulletins, given the stream's
 * events → when a command → then the events (or the refusal).
 */
import type { Actor } from '../decider/decider';
import { AuditorCannotWrite, InvalidCommandData, RoleNotPermitted } from '../decider/errors';
import { specFor } from '../decider/given-when-then';
import type { ClosePeriod, PublishBulletin, ReclosePeriod } from './commands';
import { periodDecider } from './decider';
import {
  BulletinAlreadyPublished,
  PeriodAlreadyClosed,
  PeriodNotClosed,
  PeriodNotEnded,
  UnknownBulletin,
  UnknownCloseRevision,
} from './errors';
import type { CloseContent, ClosedUnit, PeriodEvent, PeriodRef } from './events';

const given = specFor(periodDecider);
const supervisor: Actor = { userId: 'li.duban', unitId: '市政府办公厅四处', role: 'supervisor' };
const system: Actor = { userId: 'period-closer', unitId: '市政府办公厅四处', role: 'system' };
const unit: Actor = { userId: 'staff', unitId: '中牟县', role: 'unit' };
const auditor: Actor = { userId: 'audit', unitId: '市审计局', role: 'auditor' };

const MAY: PeriodRef = {
  id: '2021-05',
  kind: 'month',
  year: 2021,
  index: 5,
  label: '2021年5月',
  start: '2021-05-01T00:00:00+08:00',
  end: '2021-06-01T00:00:00+08:00',
};
const hex = (c: string) => c.repeat(64);

const unitRow = (unitId: string, score: number | null, rank: number | null, overdue: number): ClosedUnit => ({
  unitId,
  group: '县市',
  score,
  rank,
  red: rank === 1,
  black: rank === 2,
  figures: { due: 2, assessed: 2, overdue, onTimeRate: overdue === 0 ? 1 : 0.5 },
});

const content = (digest: string, units: ClosedUnit[] = [unitRow('中牟县', 85, 1, 0), unitRow('新郑市', 70, 2, 1)], position = '42'): CloseContent => ({
  asOf: '2021-05-31T23:59:59.999+08:00',
  position,
  headHash: hex('a'),
  rule: { id: 'duban-score', version: 2, name: 'duban-score-v2' },
  listRule: { id: 'duban-lists', version: 1, name: 'duban-lists-v1', redTop: 1, blackBottom: 1, minRankedUnits: 2, criticismListsBlack: true },
  definitions: 'duban-figures-v2',
  digest,
  units,
  groups: [{ group: '县市', scoredUnits: 2, listsDrawn: true, red: ['中牟县'], black: ['新郑市'] }],
  black: [{ unitId: '新郑市', group: '县市', reasons: ['rank'], items: [] }],
});

const closeCmd = (at: string, c: CloseContent, actor: Actor = system): ClosePeriod => ({ type: 'ClosePeriod', at, actor, data: { period: MAY, close: c } });
const recloseCmd = (at: string, c: CloseContent, actor: Actor = supervisor): ReclosePeriod => ({ type: 'ReclosePeriod', at, actor, data: { period: MAY, close: c } });
const publishCmd = (revision: number, sha: string, corrects?: string): PublishBulletin => ({
  type: 'PublishBulletin',
  at: '2021-06-05T10:00:00+08:00',
  actor: supervisor,
  data: { periodId: '2021-05', revision, contentSha256: sha, ...(corrects ? { corrects } : {}) },
});

const AT = '2021-06-01T01:00:00+08:00';
const closed: PeriodEvent = { type: 'period.closed.v1', data: { periodId: '2021-05', period: MAY, revision: 1, closedAt: AT, ...content(hex('1')) } };

describe('period decider: closing', () => {
  it('given nothing, when the system closes an ended month, then period.closed.v1 revision 1 with the content', () => {
    const state = given([]).when(closeCmd(AT, content(hex('1')))).then([closed]);
    expect(state.revisions.map((r) => r.revision)).toEqual([1]);
  });

  it('a supervisor may close too', () => {
    given([]).when(closeCmd(AT, content(hex('1')), supervisor)).then([{ ...closed }]);
  });

  it('refuses a period that has not ended, naming its end', () => {
    given([])
      .when(closeCmd('2021-05-31T23:59:59+08:00', content(hex('1'))))
      .thenThrows(PeriodNotEnded, { periodId: '2021-05', end: '2021-06-01T00:00:00+08:00' });
  });

  it('refuses a unit (403) and an auditor (403)', () => {
    given([]).when(closeCmd(AT, content(hex('1')), unit)).thenThrows(RoleNotPermitted, { role: 'unit' });
    given([]).when(closeCmd(AT, content(hex('1')), auditor)).thenThrows(AuditorCannotWrite);
  });

  it('closing again with the same figures (another position) writes nothing', () => {
    given([closed]).when(closeCmd('2021-07-01T01:00:00+08:00', content(hex('1'), undefined, '99'))).thenNothingHappens();
  });

  it('closing again with changed figures is a conflict: a supervisor re-closes', () => {
    given([closed]).when(closeCmd('2021-07-01T01:00:00+08:00', content(hex('2')))).thenThrows(PeriodAlreadyClosed, { revision: 1 });
  });

  it('refuses malformed content (no digest)', () => {
    given([]).when(closeCmd(AT, { ...content(hex('1')), digest: 'x' })).thenThrows(InvalidCommandData, { field: 'close.digest' });
  });
});

describe('period decider: re-closing after late facts', () => {
  const later = content(hex('2'), [unitRow('中牟县', 85, 1, 0), unitRow('新郑市', 66, 2, 3)], '57');

  it('given a close, when a supervisor re-closes with changed figures, then revision 2 with what changed', () => {
    const state = given([closed])
      .when(recloseCmd('2021-06-20T10:00:00+08:00', later))
      .then([
        {
          type: 'period.reclosed.v1',
          data: {
            periodId: '2021-05',
            period: MAY,
            revision: 2,
            previousRevision: 1,
            previousDigest: hex('1'),
            closedAt: '2021-06-20T10:00:00+08:00',
            changes: [
              {
                unitId: '新郑市',
                score: { from: 70, to: 66 },
                rank: { from: 2, to: 2 },
                red: { from: false, to: false },
                black: { from: true, to: true },
                figures: { overdue: { from: 1, to: 3, by: 2 } },
              },
            ],
            ...later,
          },
        },
      ]);
    expect(state.revisions.map((r) => [r.revision, r.digest])).toEqual([
      [1, hex('1')],
      [2, hex('2')],
    ]);
  });

  it('re-closing unchanged writes nothing', () => {
    given([closed]).when(recloseCmd('2021-06-20T10:00:00+08:00', content(hex('1')))).thenNothingHappens();
  });

  it('only a supervisor re-closes (not the system clock)', () => {
    given([closed]).when(recloseCmd('2021-06-20T10:00:00+08:00', later, system)).thenThrows(RoleNotPermitted, { role: 'system' });
  });

  it('re-closing a period never closed is a conflict', () => {
    given([]).when(recloseCmd('2021-06-20T10:00:00+08:00', later)).thenThrows(PeriodNotClosed, { periodId: '2021-05' });
  });
});

describe('period decider: bulletins', () => {
  const published = (n: number, revision: number, sha: string, corrects: string | null): PeriodEvent => ({
    type: 'bulletin.published.v1',
    data: {
      periodId: '2021-05',
      bulletinId: `2021-05#${n}`,
      revision,
      contentSha256: sha,
      rule: { id: 'duban-score', version: 2, name: 'duban-score-v2' },
      listRule: { id: 'duban-lists', version: 1, name: 'duban-lists-v1', redTop: 1, blackBottom: 1, minRankedUnits: 2, criticismListsBlack: true },
      position: '42',
      headHash: hex('a'),
      digest: hex('1'),
      corrects,
      publishedAt: '2021-06-05T10:00:00+08:00',
    },
  });

  it('publishes a closed revision with its content hash, rule and position', () => {
    given([closed]).when(publishCmd(1, hex('b'))).then([published(1, 1, hex('b'), null)]);
  });

  it('a second publish of the same revision and hash writes nothing', () => {
    given([closed, published(1, 1, hex('b'), null)]).when(publishCmd(1, hex('b'))).thenNothingHappens();
  });

  it('other content for a published revision without `corrects` is refused: a published bulletin never changes', () => {
    given([closed, published(1, 1, hex('b'), null)]).when(publishCmd(1, hex('c'))).thenThrows(BulletinAlreadyPublished, { bulletinId: '2021-05#1' });
  });

  it('a correction is a new bulletin naming the one it corrects', () => {
    given([closed, published(1, 1, hex('b'), null)]).when(publishCmd(1, hex('c'), '2021-05#1')).then([published(2, 1, hex('c'), '2021-05#1')]);
  });

  it('refuses an unknown revision, an unknown corrected bulletin, a period not closed', () => {
    given([closed]).when(publishCmd(2, hex('b'))).thenThrows(UnknownCloseRevision, { revision: 2, latest: 1 });
    given([closed]).when(publishCmd(1, hex('b'), '2021-05#9')).thenThrows(UnknownBulletin, { bulletinId: '2021-05#9' });
    given([]).when(publishCmd(1, hex('b'))).thenThrows(PeriodNotClosed);
  });
});
