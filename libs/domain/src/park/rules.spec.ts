/**
 * The rules of seeds 000/001 as findings: figures just below, at and above
 * every threshold, the relaxations, and deterministic finding ids.
 */
import { foldEvents } from '@duban/domain/decider';
import type { EnterpriseTaxPerMu, ParkEvent, ParkFinding, RegisterPark } from '@duban/domain/park';
import { DEFAULT_PARK_RULE_POLICY, checkParkRules, parkDecider } from '@duban/domain/park';
import type { EventOf } from './testing/fixtures';
import { AIRPORT, GONGYI, JINSHUI, PARK_ID, PARK_NAME, registered } from './testing/fixtures';

const stateOf = (events: ParkEvent[]) => foldEvents(parkDecider, events);
/** A park with overrides; the computed plot ratio is irrelevant unless a spec declares it. */
const parkWith = (overrides: Partial<RegisterPark['data']>, ...more: ParkEvent[]) =>
  stateOf([registered({ plotRatio: 2, ...overrides }), ...more]);
const rules = (findings: ParkFinding[]) => findings.map((f) => f.ruleId);

describe('checkParkRules', () => {
  it('finds nothing for a compliant park, or for a stream without a park', () => {
    expect(checkParkRules(parkWith({}))).toEqual([]);
    expect(checkParkRules(parkDecider.initialState())).toEqual([]);
  });

  describe('park.size: 生产制造类 100亩以上或10万平方米以上 (seed 001 item 4)', () => {
    it.each([
      [99.9, 99_999, true],
      [100, 60_000, false],
      [100.1, 60_000, false],
      [60, 100_000, false],
      [60, 100_001, false],
      [99.99, 99_999.9, true],
    ])('%f 亩, %f m² → finding: %s', (landAreaMu, floorAreaM2, expected) => {
      expect(rules(checkParkRules(parkWith({ landAreaMu, floorAreaM2 })))).toEqual(expected ? ['park.size'] : []);
    });

    it('names the park, the district, the figures and the threshold, and goes to the district', () => {
      const [finding] = checkParkRules(parkWith({ landAreaMu: 80, floorAreaM2: 90_000 }));
      expect(finding).toEqual({
        findingId: `${PARK_ID}:park.size:registration`,
        ruleId: 'park.size',
        parkId: PARK_ID,
        parkName: PARK_NAME,
        period: 'registration',
        unitId: AIRPORT,
        urgency: 'complex',
        category: '园区规模',
        title: `${PARK_NAME}规模未达标准`,
        description:
          `郑州航空港区${PARK_NAME}（生产制造类，主导产业：智能终端）占地面积80亩、建筑面积90000平方米，两项均未达到生产制造类小微企业园` +
          '“原则上占地面积100亩以上或建筑面积100000平方米以上”的规模要求（《关于进一步加快小微企业园高质量发展的实施意见》（征求意见稿）第4条）。',
        measured: { landAreaMu: 80, floorAreaM2: 90_000 },
        threshold: { landAreaMu: 100, floorAreaM2: 100_000 },
        source: '《关于进一步加快小微企业园高质量发展的实施意见》（征求意见稿）第4条',
      });
    });
  });

  describe('park.size: 生产性服务类 50亩以上或5万平方米以上 (seed 001 item 5)', () => {
    it.each([
      [49.9, 49_999, true],
      [50, 10_000, false],
      [50.1, 10_000, false],
      [20, 50_000, false],
      [20, 50_001, false],
    ])('%f 亩, %f m² → finding: %s', (landAreaMu, floorAreaM2, expected) => {
      const findings = checkParkRules(parkWith({ type: 'producer_services', landUse: 'other', landAreaMu, floorAreaM2 }));
      expect(rules(findings)).toEqual(expected ? ['park.size'] : []);
      if (expected) expect(findings[0]!.description).toContain('生产性服务类小微企业园“原则上占地面积50亩以上或建筑面积50000平方米以上”');
    });
  });

  describe('park.size, relaxed (seed 001 item 6: 规模要求可适当降低, no figure)', () => {
    const small = { landAreaMu: 30, floorAreaM2: 30_000 };

    it.each([['renovation'], ['park_in_park'], ['urban_idle_land']] as const)('by default a %s park is not held to a size', (basis) => {
      expect(rules(checkParkRules(parkWith({ ...small, sizeRelaxations: [basis] })))).not.toContain('park.size');
    });

    it('with relaxed thresholds set by the policy: below, at, above', () => {
      const policy = { relaxedSize: { manufacturing: { landAreaMu: 50, floorAreaM2: 50_000 } } };
      const check = (landAreaMu: number) =>
        rules(checkParkRules(parkWith({ landAreaMu, floorAreaM2: 30_000, sizeRelaxations: ['renovation'] }), policy));
      expect(check(49.9)).toEqual(['park.size']);
      expect(check(50)).toEqual([]);
      expect(check(50.1)).toEqual([]);
      const [finding] = checkParkRules(parkWith({ landAreaMu: 49.9, floorAreaM2: 30_000, sizeRelaxations: ['renovation'] }), policy);
      expect(finding).toMatchObject({ threshold: { landAreaMu: 50, floorAreaM2: 50_000 }, source: expect.stringContaining('第6条') });
      expect(finding!.description).toContain('放宽后的规模要求“占地面积50亩以上或建筑面积50000平方米以上”（放宽依据：改扩建');
    });

    it('a type the policy leaves out is not checked', () => {
      const policy = { relaxedSize: { manufacturing: { landAreaMu: 50, floorAreaM2: 50_000 } } };
      const services = parkWith({ type: 'producer_services', landUse: 'other', ...small, district: JINSHUI, sizeRelaxations: ['urban_idle_land'] });
      expect(checkParkRules(services, policy)).toEqual([]);
    });
  });

  describe('park.plot_ratio: 工业用地新建 ≥ 1.5 (seed 001 item 8)', () => {
    it.each([
      [1.49, true],
      [1.5, false],
      [1.51, false],
    ])('declared %f → finding: %s', (plotRatio, expected) => {
      expect(rules(checkParkRules(parkWith({ plotRatio })))).toEqual(expected ? ['park.plot_ratio'] : []);
    });

    it.each([
      [99_000, true], // 1.485
      [100_000, false], // 1.5
      [101_000, false], // 1.515
    ])('computed from 100 亩 and %i m² → finding: %s', (floorAreaM2, expected) => {
      const state = stateOf([registered({ landAreaMu: 100, floorAreaM2 }, Math.round(floorAreaM2 * 0.15) / 10000)]);
      expect(rules(checkParkRules(state))).toEqual(expected ? ['park.plot_ratio'] : []);
    });

    it('says when the ratio was computed', () => {
      const [finding] = checkParkRules(stateOf([registered({ landAreaMu: 100, floorAreaM2: 99_000 }, 1.485)]));
      expect(finding!.description).toContain('建筑容积率1.485（按建筑面积99000平方米、占地面积100亩折算），低于');
      expect(finding).toMatchObject({ measured: { plotRatio: 1.485 }, threshold: { plotRatio: 1.5 }, urgency: 'complex' });
    });

    it('does not apply on non-industrial land, nor to a renovation (改扩建 is not 新建)', () => {
      expect(checkParkRules(parkWith({ plotRatio: 0.8, landUse: 'other' }))).toEqual([]);
      expect(checkParkRules(parkWith({ plotRatio: 0.8, sizeRelaxations: ['renovation'] }))).toEqual([]);
      expect(rules(checkParkRules(parkWith({ plotRatio: 0.8, sizeRelaxations: ['park_in_park'] })))).toEqual(['park.plot_ratio']);
    });
  });

  describe('park.non_production_land: ≤ 7% of the industrial land (seed 001 item 8)', () => {
    it.each([
      [6.9, false],
      [7, false],
      [7.1, true],
    ])('%f%% → finding: %s', (nonProductionLandPercent, expected) => {
      expect(rules(checkParkRules(parkWith({ nonProductionLandPercent })))).toEqual(expected ? ['park.non_production_land'] : []);
    });

    it('names the figure and the cap; not on other land', () => {
      const [finding] = checkParkRules(parkWith({ nonProductionLandPercent: 7.1 }));
      expect(finding!.description).toContain('占工业用地面积的7.1%，超过“不得超过工业用地面积的7%”的上限');
      expect(finding).toMatchObject({ urgency: 'normal', unitId: AIRPORT, findingId: `${PARK_ID}:park.non_production_land:registration` });
      expect(checkParkRules(parkWith({ nonProductionLandPercent: 30, landUse: 'other' }))).toEqual([]);
    });
  });

  describe('park.non_production_floor: ≤ 25% of the floor area (seed 001 item 8)', () => {
    it.each([
      [24.9, false],
      [25, false],
      [25.1, true],
    ])('%f%% → finding: %s', (nonProductionFloorPercent, expected) => {
      expect(rules(checkParkRules(parkWith({ nonProductionFloorPercent })))).toEqual(expected ? ['park.non_production_floor'] : []);
    });

    it('names the figure and the cap; not on other land', () => {
      const [finding] = checkParkRules(parkWith({ nonProductionFloorPercent: 25.1 }));
      expect(finding!.description).toContain('建筑面积占项目总建筑面积的25.1%，超过“一般不得超过25%”的上限');
      expect(checkParkRules(parkWith({ nonProductionFloorPercent: 60, landUse: 'other' }))).toEqual([]);
    });
  });

  describe('park.tax_per_mu: 亩均税收1万元以下的入园企业予以整改 (seed 000 (十七))', () => {
    const report = (enterpriseTaxes: EnterpriseTaxPerMu[], month = 6, revision = 1): EventOf<'park.monthly_report_submitted.v1'> => ({
      type: 'park.monthly_report_submitted.v1',
      data: {
        parkId: PARK_ID,
        reportId: `${PARK_ID}:2021-${String(month).padStart(2, '0')}:r${revision}`,
        revision,
        year: 2021,
        month,
        cumulativeInvestmentWan: 35_000,
        enterpriseCount: 42,
        specializedCount: 3,
        techCount: 11,
        taxPerMuWan: 8.5,
        enterpriseTaxes,
        at: '2021-07-05T10:00:00+08:00',
      },
    });
    const three: EnterpriseTaxPerMu[] = [
      { name: '甲公司', taxPerMuWan: 0.99 },
      { name: '乙公司', creditCode: '91410100MA00000002', taxPerMuWan: 1 },
      { name: '丙公司', taxPerMuWan: 1.01 },
    ];

    it('flags 0.99 and, by default, exactly 1 (以下 includes the figure); not 1.01', () => {
      const findings = checkParkRules(parkWith({}, report(three)));
      expect(findings.map((f) => [f.ruleId, f.enterprise?.name, f.findingId])).toEqual([
        ['park.tax_per_mu', '甲公司', `${PARK_ID}:park.tax_per_mu:2021:甲公司`],
        ['park.tax_per_mu', '乙公司', `${PARK_ID}:park.tax_per_mu:2021:91410100MA00000002`],
      ]);
      expect(findings[1]).toMatchObject({
        unitId: AIRPORT,
        urgency: 'normal',
        category: '亩均税收整改',
        period: '2021',
        measured: { taxPerMuWan: 1 },
        threshold: { taxPerMuWan: 1 },
        enterprise: { key: '91410100MA00000002', name: '乙公司', creditCode: '91410100MA00000002' },
      });
      expect(findings[0]!.title).toBe(`${PARK_NAME}入园企业甲公司亩均税收在1万元/亩及以下，需整改`);
      expect(findings[0]!.description).toContain(`2021年6月报（${PARK_ID}:2021-06:r1）显示，入园企业甲公司亩均税收0.99万元/亩`);
      expect(findings[0]!.description).toContain('郑政办〔2021〕34号');
    });

    it('with taxThresholdInclusive false, only below 1 is flagged', () => {
      const findings = checkParkRules(parkWith({}, report(three)), { taxThresholdInclusive: false });
      expect(findings.map((f) => f.enterprise?.name)).toEqual(['甲公司']);
      expect(findings[0]!.title).toContain('低于1万元/亩');
    });

    it('checks the latest month’s current report; a correction replaces the flagged figures', () => {
      const june = report([{ name: '甲公司', taxPerMuWan: 0.5 }]);
      const may = report([{ name: '乙公司', taxPerMuWan: 0.5 }], 5);
      expect(checkParkRules(parkWith({}, june, may)).map((f) => f.enterprise?.name)).toEqual(['甲公司']);
      expect(checkParkRules(parkWith({}, june, may), { report: { year: 2021, month: 5 } }).map((f) => f.enterprise?.name)).toEqual(['乙公司']);
      expect(checkParkRules(parkWith({}, june), { report: { year: 2021, month: 4 } })).toEqual([]);
      const correction: ParkEvent = {
        type: 'park.monthly_report_corrected.v1',
        data: { ...(report([{ name: '甲公司', taxPerMuWan: 1.5 }], 6, 2).data), correctsReportId: `${PARK_ID}:2021-06:r1`, reason: '更正' },
      };
      expect(checkParkRules(parkWith({}, june, correction))).toEqual([]);
    });

    it('the same enterprise flagged in two months of a year is one finding; per month with taxFindingPeriod month', () => {
      const may = parkWith({}, report([{ name: '甲公司', taxPerMuWan: 0.5 }], 5));
      const june = parkWith({}, report([{ name: '甲公司', taxPerMuWan: 0.6 }], 5), report([{ name: '甲公司', taxPerMuWan: 0.6 }], 6));
      expect(checkParkRules(may)[0]!.findingId).toBe(checkParkRules(june)[0]!.findingId);
      expect(checkParkRules(june, { taxFindingPeriod: 'month' })[0]!.findingId).toBe(`${PARK_ID}:park.tax_per_mu:2021-06:甲公司`);
    });

    it('no report, or no per-enterprise list: nothing to check', () => {
      expect(checkParkRules(parkWith({}))).toEqual([]);
      expect(checkParkRules(parkWith({}, report([])))).toEqual([]);
    });
  });

  it('reports every breach in rule order, deterministically; the policy may change urgencies', () => {
    const state = parkWith(
      { district: GONGYI, landAreaMu: 60, floorAreaM2: 70_000, plotRatio: 1.2, nonProductionLandPercent: 9, nonProductionFloorPercent: 30 },
      {
        type: 'park.milestone_recorded.v1',
        data: { parkId: PARK_ID, milestone: 'land_supplied', date: '2021-03-15' },
      },
    );
    const findings = checkParkRules(state);
    expect(rules(findings)).toEqual(['park.size', 'park.plot_ratio', 'park.non_production_land', 'park.non_production_floor']);
    expect(findings.every((f) => f.unitId === GONGYI && f.description.startsWith(`巩义市${PARK_NAME}（生产制造类，主导产业：智能终端，当前进度：供地）`))).toBe(true);
    expect(checkParkRules(state)).toEqual(findings);
    const urgent = checkParkRules(state, { urgency: { 'park.size': 'urgent' } });
    expect(urgent.map((f) => f.urgency)).toEqual(['urgent', 'complex', 'normal', 'normal']);
    expect(DEFAULT_PARK_RULE_POLICY.urgency['park.size']).toBe('complex');
  });
});
