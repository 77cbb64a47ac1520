import { foldEvents } from '@duban/domain/decider';
import type { ParkEvent, RegisteredPark } from '@duban/domain/park';
import { parkDecider } from '@duban/domain/park';
import { PARK_PROGRAMME_METRICS } from '@duban/domain/target';
import { districtFigure, PARK_TARGET_MAPPINGS, progressNote } from './target-progress';

const registered = (parkId: string, name: string): ParkEvent => ({
  type: 'park.registered.v1',
  data: {
    parkId,
    name,
    district: '郑州航空港区',
    type: 'manufacturing',
    landUse: 'industrial',
    landAreaMu: 120,
    floorAreaM2: 150_000,
    plotRatio: 1.875,
    plotRatioSource: 'computed',
    leadIndustry: '智能终端',
    nonProductionLandPercent: 6,
    nonProductionFloorPercent: 20,
    sizeRelaxations: [],
  },
});
const report = (parkId: string, year: number, month: number, enterpriseCount: number, revision = 1): ParkEvent => ({
  type: revision === 1 ? 'park.monthly_report_submitted.v1' : 'park.monthly_report_corrected.v1',
  data: {
    parkId,
    reportId: `${parkId}:${year}-${String(month).padStart(2, '0')}:r${revision}`,
    revision,
    year,
    month,
    cumulativeInvestmentWan: 1,
    enterpriseCount,
    specializedCount: 1,
    techCount: 2,
    taxPerMuWan: 5,
    enterpriseTaxes: [],
    at: `${year}-${String(month).padStart(2, '0')}-28T10:00:00+08:00`,
    ...(revision > 1 ? { correctsReportId: `${parkId}:${year}-${String(month).padStart(2, '0')}:r${revision - 1}`, reason: '更正' } : {}),
  },
}) as ParkEvent;
const milestone = (parkId: string, m: 'land_supplied' | 'construction_started', date: string): ParkEvent => ({
  type: 'park.milestone_recorded.v1',
  data: { parkId, milestone: m, date },
});
const park = (...events: ParkEvent[]) => foldEvents(parkDecider, events) as RegisteredPark;

describe('districtFigure', () => {
  const a = park(
    registered('a', '甲园'),
    report('a', 2020, 12, 300),
    report('a', 2021, 5, 100),
    report('a', 2021, 6, 120),
    report('a', 2021, 6, 125, 2),
    milestone('a', 'land_supplied', '2020-11-01'),
    milestone('a', 'construction_started', '2020-12-20'),
  );
  const b = park(registered('b', '乙园'), report('b', 2021, 4, 60), milestone('b', 'land_supplied', '2021-03-01'), milestone('b', 'construction_started', '2021-04-02'));
  const c = park(registered('c', '丙园'));

  it("sums each park's latest current report of the year (a stock, corrections included); other years are not counted", () => {
    expect(districtFigure([a, b, c], 'enterpriseCount', 2021)).toEqual({
      value: 185,
      contributions: [
        { parkId: 'a', parkName: '甲园', value: 125, basis: 'a:2021-06:r2' },
        { parkId: 'b', parkName: '乙园', value: 60, basis: 'b:2021-04:r1' },
      ],
    });
    expect(districtFigure([a, b, c], 'enterpriseCount', 2020).value).toBe(300);
    expect(districtFigure([a, b, c], 'techCount', 2021).value).toBe(4);
    expect(districtFigure([], 'specializedCount', 2021)).toEqual({ value: 0, contributions: [] });
  });

  it('counts the parks whose 开工 is dated in the year (新开工, 含在建)', () => {
    expect(districtFigure([a, b, c], 'parksStarted', 2021).value).toBe(1);
    expect(districtFigure([a, b, c], 'parksStarted', 2020).value).toBe(1);
    expect(districtFigure([a, b, c], 'parksStarted', 2022).value).toBe(0);
  });

  it('maps every column of seed 000’s annex, under the names of PARK_PROGRAMME_METRICS first', () => {
    const first = PARK_TARGET_MAPPINGS.map((m) => m.metrics[0]);
    expect(first).toEqual(Object.values(PARK_PROGRAMME_METRICS).map((m) => m.metric));
    const all = PARK_TARGET_MAPPINGS.flatMap((m) => m.metrics);
    expect(new Set(all).size).toBe(all.length);
  });

  it('writes a note naming the parks counted', () => {
    const note = progressNote('郑州航空港区', 2021, 'enterpriseCount', districtFigure([a, b], 'enterpriseCount', 2021), 'b:2021-04:r1');
    expect(note).toBe('郑州航空港区入园企业按各园区2021年最新月报合计自动汇总（触发：b:2021-04:r1）：甲园125（a:2021-06:r2）；乙园60（b:2021-04:r1）');
  });
});
