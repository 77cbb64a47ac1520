/**
 * The targets projection, given/when/then: given target commands (run through
 * the real decider into a real SQLite store), then these rows (read back from
 * a real read-model file once the runner has applied them). Seed 000's annex:
 * 郑州航空港区 2021 — 新开工 2, 集聚入园企业 200, 专精特新 15, 科技型 50.
 */
import { PARK_PROGRAMME_METRICS, targetCompletion, targetDecider, targetIdFor } from '@duban/domain/target';
import type { TargetEvent } from '@duban/domain/target';
import { Harness } from '../testing/harness';
import { recordProgress, reviseTarget, setTarget, TargetLedger } from './target-ledger';
import type { TargetView } from './targets';
import { TargetsProjection } from './targets.projection';
import { TargetsQuery } from './targets.query';

const AIRPORT = '郑州航空港区';
const ZHENGDONG = '郑东新区';
const ENTERPRISES = targetIdFor(AIRPORT, 2021, PARK_PROGRAMME_METRICS.enterprises.metric);
const SET_AT = '2021-05-07T10:00:00+08:00';
const LATER = new Date('2022-03-01T00:00:00+08:00');

describe('targets projection', () => {
  let h: Harness;
  let targets: TargetLedger;
  let query: TargetsQuery;
  beforeEach(async () => {
    h = await Harness.open({ projections: () => [new TargetsProjection()] });
    targets = new TargetLedger(h.store);
    query = new TargetsQuery(h.db, () => LATER);
  });
  afterEach(async () => {
    await h.close();
  });

  const then = async (filter: Parameters<TargetsQuery['list']>[0] = {}): Promise<TargetView[]> => {
    await h.settle();
    return query.list(filter);
  };

  it('given nothing, when the annex row of 郑州航空港区 is set, then four targets of 2021, each with no progress', async () => {
    const set = await targets.runAll([
      setTarget(AIRPORT, 2021, 'newParks', 2, SET_AT),
      setTarget(AIRPORT, 2021, 'enterprises', 200, SET_AT),
      setTarget(AIRPORT, 2021, 'specialized', 15, SET_AT),
      setTarget(AIRPORT, 2021, 'tech', 50, SET_AT),
    ]);
    const rows = await then({ unitId: AIRPORT, year: 2021 });
    expect(rows.map((t) => [t.metric, t.value, t.unitOfMeasure])).toEqual([
      ['专精特新企业', 15, '家'],
      ['新开工市级小微企业园', 2, '个'],
      ['科技型企业', 50, '家'],
      ['集聚入园企业', 200, '家'],
    ]);
    const enterprises = rows.find((t) => t.targetId === ENTERPRISES)!;
    expect(enterprises).toEqual<TargetView>({
      targetId: ENTERPRISES,
      unitId: AIRPORT,
      year: 2021,
      metric: '集聚入园企业',
      unitOfMeasure: '家',
      sourceDocument: { docNumber: '郑政办〔2021〕34号', title: '郑州市2021年小微企业园高质量发展工作要点', annex: '附件' },
      value: 200,
      values: [{ value: 200, at: SET_AT, atMs: Date.parse(SET_AT), position: expect.any(String) as string }],
      progress: [],
      completion: { target: 200, achieved: 0, ratio: 0, cappedRatio: 0, met: false, remaining: 200, asOf: null },
    });
    expect(BigInt(enterprises.values[0].position)).toBeLessThanOrEqual(set!.position);
    // a target is not there before its effective time, nor before its position
    expect(query.list({ unitId: AIRPORT, asOf: '2021-05-07T09:59:59+08:00' })).toEqual([]);
    expect(query.list({ unitId: AIRPORT, atPosition: 0n })).toEqual([]);
  });

  it('given a target, when progress is recorded out of order, then the latest effective time counts, as the domain says', async () => {
    await targets.run(setTarget(AIRPORT, 2021, 'enterprises', 200, SET_AT));
    await targets.runAll([
      recordProgress(AIRPORT, 2021, 'enterprises', 86, '2021-06-30T18:00:00+08:00'),
      recordProgress(AIRPORT, 2021, 'enterprises', 120, '2021-07-31T18:00:00+08:00'),
      recordProgress(AIRPORT, 2021, 'enterprises', 90, '2021-06-15T18:00:00+08:00'), // back-filled
    ]);
    const [t] = await then({ unitId: AIRPORT });
    expect(t.progress.map((p) => [p.value, p.at, p.source.kind])).toEqual([
      [86, '2021-06-30T18:00:00+08:00', 'park_report'],
      [120, '2021-07-31T18:00:00+08:00', 'park_report'],
      [90, '2021-06-15T18:00:00+08:00', 'park_report'],
    ]);
    expect(t.completion).toEqual({ target: 200, achieved: 120, ratio: 0.6, cappedRatio: 0.6, met: false, remaining: 80, asOf: '2021-07-31T18:00:00+08:00' });
    // the same as the domain's targetCompletion on the stream
    const history = await h.store.readStream(`target-${ENTERPRISES}`);
    const state = history.reduce((s, e) => targetDecider.evolve(s, { type: e.type, data: e.data } as TargetEvent), targetDecider.initialState());
    expect(t.completion).toEqual(targetCompletion(state));
    // as of the end of June: 86 (06-30), not the back-filled 90 (06-15) nor July's 120
    expect(query.list({ unitId: AIRPORT, asOf: '2021-06-30T23:59:59+08:00' })[0].completion).toMatchObject({ achieved: 86, asOf: '2021-06-30T18:00:00+08:00' });
    // the row's own summary is the domain's current record
    expect(h.db.prepare('SELECT achieved, achieved_at, progress_count FROM targets').get()).toEqual({ achieved: 120, achieved_at: '2021-07-31T18:00:00+08:00', progress_count: 3 });
  });

  it('given a target with progress, when it is revised, then the new figure counts from the revision on', async () => {
    await targets.runAll([
      setTarget(AIRPORT, 2021, 'enterprises', 200, SET_AT),
      recordProgress(AIRPORT, 2021, 'enterprises', 200, '2021-06-30T18:00:00+08:00'),
    ]);
    await targets.run(reviseTarget(AIRPORT, 2021, 'enterprises', 250, '2021-07-01T10:00:00+08:00'));
    const [t] = await then({ unitId: AIRPORT });
    expect(t.value).toBe(250);
    expect(t.values.map((v) => [v.value, v.at])).toEqual([
      [200, SET_AT],
      [250, '2021-07-01T10:00:00+08:00'],
    ]);
    expect(t.completion).toMatchObject({ target: 250, achieved: 200, met: false, remaining: 50 });
    // at the end of June the target was still 200, and met
    expect(query.list({ unitId: AIRPORT, asOf: '2021-06-30T23:59:59+08:00' })[0].completion).toMatchObject({ target: 200, met: true });
  });

  it('keeps units and years apart', async () => {
    await targets.runAll([
      setTarget(AIRPORT, 2021, 'enterprises', 200, SET_AT),
      setTarget(AIRPORT, 2022, 'enterprises', 220, '2022-03-01T00:00:00+08:00'),
      setTarget(ZHENGDONG, 2021, 'enterprises', 200, SET_AT),
      recordProgress(ZHENGDONG, 2021, 'enterprises', 500, '2021-12-31T12:00:00+08:00'),
    ]);
    await h.settle();
    // by unit id (binary order: 郑东 before 郑州)
    expect(query.list({ year: 2021 }).map((t) => [t.unitId, t.completion.achieved, t.completion.cappedRatio, t.completion.ratio])).toEqual([
      [ZHENGDONG, 500, 1, 2.5],
      [AIRPORT, 0, 0, 0],
    ]);
    expect(query.list({ unitId: AIRPORT }).map((t) => t.year)).toEqual([2021, 2022]);
  });

  it('TargetsQuery.at: every target of a year at an instant and position, and when that answer next changes', async () => {
    await targets.runAll([setTarget(AIRPORT, 2021, 'enterprises', 200, SET_AT), setTarget(ZHENGDONG, 2021, 'tech', 50, '2021-06-20T10:00:00+08:00')]);
    const first = await targets.run(recordProgress(AIRPORT, 2021, 'enterprises', 86, '2021-06-30T18:00:00+08:00'));
    await targets.runAll([
      reviseTarget(AIRPORT, 2021, 'enterprises', 220, '2021-07-01T10:00:00+08:00'),
      recordProgress(AIRPORT, 2021, 'enterprises', 120, '2021-07-31T18:00:00+08:00'),
    ]);
    await h.settle();
    const position = query.checkpoint()!;
    const june15 = Date.parse('2021-06-15T12:00:00+08:00');
    // 06-15: 郑东新区's target is not set yet (06-20): that is the next change
    expect(query.at(2021, june15, position)).toEqual({
      targets: [{ targetId: ENTERPRISES, unitId: AIRPORT, year: 2021, metric: '集聚入园企业', value: 200, achieved: 0, achievedAt: null }],
      nextChangeMs: Date.parse('2021-06-20T10:00:00+08:00'),
    });
    // the end of June: 86 against 200; next: the revision on 07-01
    const endOfJune = query.at(2021, Date.parse('2021-06-30T23:59:59.999+08:00'), position);
    expect(endOfJune.targets.map((t) => [t.unitId, t.value, t.achieved])).toEqual([
      [ZHENGDONG, 50, 0],
      [AIRPORT, 200, 86],
    ]);
    expect(endOfJune.nextChangeMs).toBe(Date.parse('2021-07-01T10:00:00+08:00'));
    // the end of the year: revised to 220, 120 achieved; nothing changes after
    expect(query.at(2021, Date.parse('2021-12-31T23:59:59.999+08:00'), position)).toMatchObject({
      targets: [{ unitId: ZHENGDONG }, { unitId: AIRPORT, value: 220, achieved: 120 }],
      nextChangeMs: Infinity,
    });
    // at the position of the first progress record: neither the revision nor the July record exist
    expect(query.at(2021, Date.parse('2021-12-31T23:59:59.999+08:00'), first.position).targets.map((t) => [t.value, t.achieved])).toEqual([
      [50, 0],
      [200, 86],
    ]);
    expect(query.at(2022, june15, position)).toEqual({ targets: [], nextChangeMs: Infinity });
    expect(query.lastEventPosition()).toBe(position);
  });

  it('a progress record for a target the read model does not hold is a broken log: the batch is refused', async () => {
    const projection = new TargetsProjection();
    const tx = { run: () => 0, get: () => undefined, all: () => [] };
    const event = {
      id: 'e1',
      stream: `target-${ENTERPRISES}`,
      streamVersion: 0n,
      globalPosition: 1n,
      type: 'target.progress_recorded.v1',
      data: { targetId: ENTERPRISES, value: 1, source: { kind: 'manual', ref: 'm1' }, at: SET_AT },
      metadata: { recordedAt: SET_AT, occurredAt: SET_AT },
    } as never;
    expect(() => projection.apply(event, tx)).toThrow(/holds no target/);
  });
});
