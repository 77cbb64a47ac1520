/**
 * Park (小微企业园) decider: registration, milestones 供地 → 开工 → 竣工 → 入驻 → 达产,
 * monthly reports and their corrections, 认定 and 星级 with the award due
 * (seed 001 item 23: 50/80/100万元, upgrades get the difference).
 */
import {
  AuditorCannotWrite,
  IllegalTransition,
  InvalidCommandData,
  RoleNotPermitted,
  WrongUnit,
  specFor,
} from '@duban/domain/decider';
import type { MonthlyReportFigures, ParkEvent, ParkMilestone, ParkState, RegisteredPark, StarLevel } from '@duban/domain/park';
import {
  DateAfterEffectiveTime,
  MilestoneAlreadyRecorded,
  MilestoneDateBeforePrevious,
  MilestoneOutOfOrder,
  MonthlyReportAlreadySubmitted,
  NoMonthlyReportToCorrect,
  PARK_DISTRICTS,
  PARK_MILESTONES,
  ParkAlreadyCertified,
  ParkNotCertified,
  SizeRelaxationNotApplicable,
  StarRatingUnchanged,
  URBAN_IDLE_LAND_DISTRICTS,
  computePlotRatio,
  latestMonthlyReport,
  parkDecider,
  starAwardDueWan,
} from '@duban/domain/park';
import type { EventOf } from './testing/fixtures';
import {
  AIRPORT,
  GONGYI,
  JINSHUI,
  MIIT,
  PARK_ID,
  SHANGJIE,
  admin,
  auditor,
  command,
  registerPark,
  registered,
  staffOf,
  supervisor,
} from './testing/fixtures';

const given = specFor(parkDecider);
const park = (state: ParkState) => state as RegisteredPark;
const ref = { parkId: PARK_ID };
const airport = staffOf(AIRPORT);

describe('the districts', () => {
  it('are the 16 responsible units; urban_idle_land is for the 4 开发区 and the 市内五区 only', () => {
    expect(PARK_DISTRICTS).toHaveLength(16);
    expect(URBAN_IDLE_LAND_DISTRICTS).toEqual(
      expect.arrayContaining(['郑州航空港区', '郑东新区', '郑州高新区', '郑州经开区', '中原区', '二七区', '管城回族区', '金水区', '惠济区']),
    );
    expect(URBAN_IDLE_LAND_DISTRICTS).toHaveLength(9);
    expect(URBAN_IDLE_LAND_DISTRICTS).not.toContain(SHANGJIE);
    expect(URBAN_IDLE_LAND_DISTRICTS).not.toContain(GONGYI);
  });
});

describe('RegisterPark', () => {
  it('the district registers its park; the plot ratio is computed from the areas (1 亩 = 10000/15 m²)', () => {
    const state = park(given([]).when(registerPark()).then([registered()]));
    expect(state).toMatchObject({ status: 'registered', district: AIRPORT, plotRatio: 1.875, plotRatioSource: 'computed', currentMilestone: null, stars: 0 });
    expect(computePlotRatio(100_000, 100)).toBe(1.5);
    expect(computePlotRatio(1, 3)).toBe(0.0005); // rounded to 4 decimals
  });

  it('keeps a declared plot ratio (计容建筑面积 may differ from the total floor area)', () => {
    const state = park(given([]).when(registerPark({ plotRatio: 1.6 })).then([registered({ plotRatio: 1.6 })]));
    expect(state).toMatchObject({ plotRatio: 1.6, plotRatioSource: 'declared' });
  });

  it('a supervisor registers for any district; relaxations are stored in canonical order', () => {
    const overrides = { district: JINSHUI, type: 'producer_services' as const, landUse: 'other' as const, sizeRelaxations: ['renovation', 'urban_idle_land'] as const };
    const expected = registered({ ...overrides, sizeRelaxations: ['urban_idle_land', 'renovation'] });
    given([]).when(registerPark(overrides, supervisor)).then([expected]);
  });

  it('a 园中园 or a renovation may be relaxed in any district', () => {
    const overrides = { district: GONGYI, sizeRelaxations: ['park_in_park', 'renovation'] as const };
    given([]).when(registerPark(overrides)).then([registered(overrides)]);
  });

  it.each([GONGYI, SHANGJIE])('refuses urban_idle_land for %s (not 市内五区 or 开发区, seed 001 item 6)', (district) => {
    given([])
      .when(registerPark({ district, sizeRelaxations: ['urban_idle_land'] }))
      .thenThrows(SizeRelaxationNotApplicable, { basis: 'urban_idle_land', district });
  });

  it('refuses a unit registering a park in another district', () => {
    given([]).when(registerPark({ district: GONGYI }, airport)).thenThrows(WrongUnit, { actorUnitId: AIRPORT, expectedUnitId: GONGYI });
  });

  it.each([
    ['district', { district: MIIT }],
    ['district', { district: '郑州市' }],
    ['type', { type: 'logistics' as never }],
    ['landUse', { landUse: 'farmland' as never }],
    ['landAreaMu', { landAreaMu: 0 }],
    ['floorAreaM2', { floorAreaM2: -1 }],
    ['plotRatio', { plotRatio: 0 }],
    ['nonProductionLandPercent', { nonProductionLandPercent: 100.5 }],
    ['nonProductionFloorPercent', { nonProductionFloorPercent: -2 }],
    ['nonProductionFloorPercent', { nonProductionFloorPercent: Number.NaN }],
    ['name', { name: ' ' }],
    ['leadIndustry', { leadIndustry: '' }],
    ['sizeRelaxations', { sizeRelaxations: ['renovation', 'renovation'] as const }],
    ['sizeRelaxations', { sizeRelaxations: ['new_town'] as never }],
  ])('refuses a bad %s', (field, overrides) => {
    given([]).when(registerPark(overrides, supervisor)).thenThrows(InvalidCommandData, { field });
  });

  it('refuses a park that is registered already', () => {
    given([registered()]).when(registerPark()).thenThrows(IllegalTransition, { command: 'RegisterPark', currentStatus: 'registered' });
  });

  it('refuses auditors and admins', () => {
    given([]).when(registerPark({}, auditor)).thenThrows(AuditorCannotWrite);
    given([]).when(registerPark({}, admin)).thenThrows(RoleNotPermitted, { role: 'admin' });
  });
});

// ---------------------------------------------------------------- milestones

const DATES: Record<ParkMilestone, string> = {
  land_supplied: '2021-03-15',
  construction_started: '2021-05-20',
  completed: '2022-06-30',
  occupied: '2022-09-01',
  in_production: '2023-03-01',
};
const recordMilestone = (milestone: ParkMilestone, date = DATES[milestone], at = '2023-04-01T10:00:00+08:00', actor = airport) =>
  command('RecordParkMilestone', actor, at, { ...ref, milestone, date });
const milestoneRecorded = (milestone: ParkMilestone, date = DATES[milestone]): ParkEvent => ({
  type: 'park.milestone_recorded.v1',
  data: { ...ref, milestone, date },
});
const through = (count: number): ParkEvent[] => [registered(), ...PARK_MILESTONES.slice(0, count).map((m) => milestoneRecorded(m))];

describe('RecordParkMilestone', () => {
  it.each(PARK_MILESTONES.map((m, i) => [m, i] as const))('records %s as milestone #%i', (milestone, index) => {
    const state = park(given(through(index)).when(recordMilestone(milestone)).then([milestoneRecorded(milestone)]));
    expect(state.currentMilestone).toBe(milestone);
    expect(state.milestones.map((m) => m.milestone)).toEqual(PARK_MILESTONES.slice(0, index + 1));
  });

  it('refuses 开工 before 供地, naming the current and the expected milestone', () => {
    given(through(0))
      .when(recordMilestone('construction_started'))
      .thenThrows(MilestoneOutOfOrder, { milestone: 'construction_started', currentMilestone: 'none', expectedMilestone: 'land_supplied' });
  });

  it('refuses skipping 竣工', () => {
    given(through(2))
      .when(recordMilestone('occupied'))
      .thenThrows(MilestoneOutOfOrder, { currentMilestone: 'construction_started', expectedMilestone: 'completed' });
  });

  it('refuses a repeated milestone, naming the current one and the date recorded', () => {
    given(through(3))
      .when(recordMilestone('construction_started', '2021-06-01'))
      .thenThrows(MilestoneAlreadyRecorded, { milestone: 'construction_started', currentMilestone: 'completed', recordedDate: DATES.construction_started });
    given(through(5)).when(recordMilestone('in_production')).thenThrows(MilestoneAlreadyRecorded, { currentMilestone: 'in_production' });
  });

  it('refuses a milestone dated before the previous one; the same day is fine', () => {
    given(through(1))
      .when(recordMilestone('construction_started', '2021-03-14'))
      .thenThrows(MilestoneDateBeforePrevious, { previousMilestone: 'land_supplied', previousDate: '2021-03-15', date: '2021-03-14' });
    given(through(1)).when(recordMilestone('construction_started', '2021-03-15')).then([milestoneRecorded('construction_started', '2021-03-15')]);
  });

  it('refuses a date after the command’s day in Beijing (2021-03-15T16:00Z is already the 16th there)', () => {
    given(through(0))
      .when(recordMilestone('land_supplied', '2021-03-16', '2021-03-15T15:59:59Z'))
      .thenThrows(DateAfterEffectiveTime, { date: '2021-03-16' });
    given(through(0)).when(recordMilestone('land_supplied', '2021-03-16', '2021-03-15T16:00:00Z')).then([milestoneRecorded('land_supplied', '2021-03-16')]);
  });

  it('refuses a date that is not a real date', () => {
    given(through(0)).when(recordMilestone('land_supplied', '2021-02-29')).thenThrows(InvalidCommandData, { field: 'date' });
    given(through(0)).when(recordMilestone('groundbreaking' as never)).thenThrows(InvalidCommandData, { field: 'milestone' });
  });

  it('refuses another district, an unregistered park and a wrong park id', () => {
    given(through(0)).when(recordMilestone('land_supplied', undefined, undefined, staffOf(GONGYI))).thenThrows(WrongUnit);
    given([]).when(recordMilestone('land_supplied')).thenThrows(IllegalTransition, { currentStatus: 'none' });
    given(through(0))
      .when(command('RecordParkMilestone', airport, '2021-04-01T10:00:00+08:00', { parkId: 'park-other', milestone: 'land_supplied', date: '2021-03-15' }))
      .thenThrows(InvalidCommandData, { field: 'parkId' });
  });

  it('a supervisor may back-fill a milestone', () => {
    given(through(0)).when(recordMilestone('land_supplied', undefined, undefined, supervisor)).then([milestoneRecorded('land_supplied')]);
  });
});

// ---------------------------------------------------------------- monthly reports

const JUNE: MonthlyReportFigures = {
  year: 2021,
  month: 6,
  cumulativeInvestmentWan: 35_000,
  enterpriseCount: 42,
  specializedCount: 3,
  techCount: 11,
  taxPerMuWan: 8.5,
  enterpriseTaxes: [
    { name: '郑州某精密制造有限公司', creditCode: '91410100MA00000001', taxPerMuWan: 12.3 },
    { name: '郑州某电子科技有限公司', taxPerMuWan: 0.8 },
  ],
};
const REPORTED_AT = '2021-07-05T10:00:00+08:00';
const submit = (figures: Partial<MonthlyReportFigures> = {}, actor = airport, at = REPORTED_AT) =>
  command('SubmitMonthlyReport', actor, at, { ...ref, ...JUNE, ...figures });
const correct = (figures: Partial<MonthlyReportFigures> = {}, reason = '企业税收数据更正', at = '2021-07-08T10:00:00+08:00') =>
  command('CorrectMonthlyReport', airport, at, { ...ref, ...JUNE, ...figures, reason });
const submitted = (figures: Partial<MonthlyReportFigures> = {}): EventOf<'park.monthly_report_submitted.v1'> => ({
  type: 'park.monthly_report_submitted.v1',
  data: { ...ref, reportId: `${PARK_ID}:2021-06:r1`, revision: 1, ...JUNE, enterpriseTaxes: JUNE.enterpriseTaxes!, ...figures, at: REPORTED_AT },
});
const corrected = (revision: number, figures: Partial<MonthlyReportFigures> = {}, at = '2021-07-08T10:00:00+08:00'): EventOf<'park.monthly_report_corrected.v1'> => ({
  type: 'park.monthly_report_corrected.v1',
  data: {
    ...ref,
    reportId: `${PARK_ID}:2021-06:r${revision}`,
    revision,
    ...JUNE,
    enterpriseTaxes: JUNE.enterpriseTaxes!,
    ...figures,
    at,
    correctsReportId: `${PARK_ID}:2021-06:r${revision - 1}`,
    reason: '企业税收数据更正',
  },
});

describe('SubmitMonthlyReport (月报)', () => {
  it('records the month’s figures under a report id', () => {
    const state = park(given([registered()]).when(submit()).then([submitted()]));
    expect(state.reports['2021-06']).toMatchObject({ reportId: `${PARK_ID}:2021-06:r1`, enterpriseCount: 42, replaces: [] });
    expect(latestMonthlyReport(state)?.month).toBe(6);
  });

  it('the per-enterprise list is optional (stored as an empty list)', () => {
    const { enterpriseTaxes: _omit, ...figures } = JUNE;
    given([registered()])
      .when(command('SubmitMonthlyReport', airport, REPORTED_AT, { ...ref, ...figures }))
      .then([submitted({ enterpriseTaxes: [] })]);
  });

  it('the latest report is the latest month, not the latest submitted', () => {
    const may: ParkEvent = { ...submitted({ month: 5 }), data: { ...submitted({ month: 5 }).data, reportId: `${PARK_ID}:2021-05:r1` } };
    expect(latestMonthlyReport(park(given([registered(), submitted()]).when(submit({ month: 5 })).then([may])))?.month).toBe(6);
  });

  it('refuses a second report for the month: a correction is needed', () => {
    given([registered(), submitted()])
      .when(submit())
      .thenThrows(MonthlyReportAlreadySubmitted, { period: '2021-06', reportId: `${PARK_ID}:2021-06:r1` });
  });

  it('refuses a month that has not begun (Beijing time); the current month is fine', () => {
    given([registered()]).when(submit({ month: 8 })).thenThrows(DateAfterEffectiveTime, { date: '2021-08' });
    given([registered()])
      .when(submit({ month: 8 }, airport, '2021-07-31T16:00:00Z'))
      .then([{ ...submitted({ month: 8 }), data: { ...submitted({ month: 8 }).data, reportId: `${PARK_ID}:2021-08:r1`, at: '2021-07-31T16:00:00Z' } }]);
  });

  it.each([
    ['month', { month: 13 }],
    ['year', { year: 2021.5 }],
    ['enterpriseCount', { enterpriseCount: 4.5 }],
    ['specializedCount', { specializedCount: 43 }],
    ['techCount', { techCount: 43 }],
    ['cumulativeInvestmentWan', { cumulativeInvestmentWan: -1 }],
    ['taxPerMuWan', { taxPerMuWan: Number.POSITIVE_INFINITY }],
    ['enterpriseTaxes', { enterpriseCount: 1, specializedCount: 0, techCount: 0 }],
    ['enterpriseTaxes[1]', { enterpriseTaxes: [{ name: '甲公司', taxPerMuWan: 2 }, { name: '甲公司', taxPerMuWan: 3 }] }],
    ['enterpriseTaxes[0].name', { enterpriseTaxes: [{ name: '', taxPerMuWan: 2 }] }],
    ['enterpriseTaxes[0].taxPerMuWan', { enterpriseTaxes: [{ name: '甲公司', taxPerMuWan: -0.1 }] }],
  ])('refuses a bad %s', (field, figures) => {
    given([registered()]).when(submit(figures)).thenThrows(InvalidCommandData, { field });
  });

  it('refuses another district', () => {
    given([registered()]).when(submit({}, staffOf(GONGYI))).thenThrows(WrongUnit, { expectedUnitId: AIRPORT });
  });
});

describe('CorrectMonthlyReport', () => {
  it('replaces the month’s report with a new event that refers to the earlier one', () => {
    const fixed = { enterpriseTaxes: [{ name: '郑州某电子科技有限公司', taxPerMuWan: 1.2 }] };
    const state = park(given([registered(), submitted()]).when(correct(fixed)).then([corrected(2, fixed)]));
    expect(state.reports['2021-06']).toMatchObject({ reportId: `${PARK_ID}:2021-06:r2`, revision: 2, replaces: [`${PARK_ID}:2021-06:r1`] });
    expect(state.reports['2021-06']!.enterpriseTaxes).toEqual(fixed.enterpriseTaxes);
  });

  it('a second correction replaces the first', () => {
    const state = park(given([registered(), submitted(), corrected(2)]).when(correct({ techCount: 12 }, undefined, '2021-07-09T10:00:00+08:00')).then([corrected(3, { techCount: 12 }, '2021-07-09T10:00:00+08:00')]));
    expect(state.reports['2021-06']).toMatchObject({ revision: 3, techCount: 12, replaces: [`${PARK_ID}:2021-06:r1`, `${PARK_ID}:2021-06:r2`] });
  });

  it('refuses a correction without a report, or without a reason', () => {
    given([registered()]).when(correct()).thenThrows(NoMonthlyReportToCorrect, { period: '2021-06' });
    given([registered(), submitted()]).when(correct({}, ' ')).thenThrows(InvalidCommandData, { field: 'reason' });
  });
});

// ---------------------------------------------------------------- certification and stars

const CERTIFIED_AT = '2021-10-20T10:00:00+08:00';
const certify = (actor = supervisor, docNumber: string | null = '郑工信〔2021〕XX号') =>
  command('CertifyPark', actor, CERTIFIED_AT, { ...ref, ...(docNumber ? { docNumber } : {}) });
const certified: ParkEvent = { type: 'park.certified.v1', data: { ...ref, level: 'city', docNumber: '郑工信〔2021〕XX号', at: CERTIFIED_AT } };
const rate = (stars: StarLevel, actor = supervisor, at = '2021-12-01T10:00:00+08:00') => command('RateParkStars', actor, at, { ...ref, stars });
const rated = (
  stars: StarLevel,
  previousStars: 0 | StarLevel,
  highestAwardedBefore: 0 | StarLevel,
  change: 'first' | 'upgrade' | 'downgrade',
  awardDueWan: number,
  at = '2021-12-01T10:00:00+08:00',
): ParkEvent => ({ type: 'park.stars_rated.v1', data: { ...ref, stars, previousStars, highestAwardedBefore, change, awardDueWan, at } });

describe('CertifyPark (认定, city level)', () => {
  it('a supervisor certifies', () => {
    expect(park(given([registered()]).when(certify()).then([certified])).certification).toEqual({ docNumber: '郑工信〔2021〕XX号', at: CERTIFIED_AT });
  });

  it('市工信局 certifies; the document number is optional', () => {
    given([registered()])
      .when(certify(staffOf(MIIT), null))
      .then([{ type: 'park.certified.v1', data: { ...ref, level: 'city', at: CERTIFIED_AT } }]);
  });

  it('refuses the park’s own district and a second certification', () => {
    given([registered()]).when(certify(airport)).thenThrows(WrongUnit, { actorUnitId: AIRPORT, expectedUnitId: MIIT });
    given([registered(), certified]).when(certify()).thenThrows(ParkAlreadyCertified, { certifiedAt: CERTIFIED_AT });
  });
});

describe('RateParkStars (星级, seed 001 item 23)', () => {
  it('refuses an uncertified park', () => {
    given([registered()]).when(rate(1)).thenThrows(ParkNotCertified, { command: 'RateParkStars' });
  });

  it.each([
    [1, 50],
    [2, 80],
    [3, 100],
  ] as const)('a first rating of %i star(s) is due %i万元', (stars, award) => {
    const state = park(given([registered(), certified]).when(rate(stars)).then([rated(stars, 0, 0, 'first', award)]));
    expect(state).toMatchObject({ stars, highestAwardedStars: stars, awardsDueWan: award });
  });

  it.each([
    [1, 2, 30],
    [1, 3, 50],
    [2, 3, 20],
  ] as const)('an upgrade %i → %i pays the difference, %i万元', (from, to, award) => {
    const history = [registered(), certified, rated(from, 0, 0, 'first', starAwardDueWan(0, from), '2021-06-01T10:00:00+08:00')];
    const state = park(given(history).when(rate(to)).then([rated(to, from, from, 'upgrade', award)]));
    expect(state.awardsDueWan).toBe(starAwardDueWan(0, to)); // in total, never more than the level's first award
  });

  it('a downgrade pays nothing; climbing back to a level already rewarded pays nothing; above it, the difference', () => {
    const first = rated(3, 0, 0, 'first', 100, '2021-06-01T10:00:00+08:00');
    const down = rated(1, 3, 3, 'downgrade', 0);
    given([registered(), certified, first]).when(rate(1)).then([down]);
    const back = rated(2, 1, 3, 'upgrade', 0, '2022-12-01T10:00:00+08:00');
    const state = park(given([registered(), certified, first, down]).when(rate(2, supervisor, '2022-12-01T10:00:00+08:00')).then([back]));
    expect(state).toMatchObject({ stars: 2, highestAwardedStars: 3, awardsDueWan: 100 });
    expect(state.ratings.map((r) => [r.stars, r.change, r.awardDueWan])).toEqual([
      [3, 'first', 100],
      [1, 'downgrade', 0],
      [2, 'upgrade', 0],
    ]);

    const two = rated(2, 0, 0, 'first', 80, '2021-06-01T10:00:00+08:00');
    const twoDown = rated(1, 2, 2, 'downgrade', 0);
    given([registered(), certified, two, twoDown])
      .when(rate(3, supervisor, '2022-12-01T10:00:00+08:00'))
      .then([rated(3, 1, 2, 'upgrade', 20, '2022-12-01T10:00:00+08:00')]);
  });

  it('refuses an unchanged rating, a level outside 1–3, and a district', () => {
    given([registered(), certified, rated(2, 0, 0, 'first', 80)]).when(rate(2)).thenThrows(StarRatingUnchanged, { stars: 2 });
    given([registered(), certified]).when(rate(4 as never)).thenThrows(InvalidCommandData, { field: 'stars' });
    given([registered(), certified]).when(rate(0 as never)).thenThrows(InvalidCommandData, { field: 'stars' });
    given([registered(), certified]).when(rate(1, airport)).thenThrows(WrongUnit);
  });

  it('市工信局 rates, with the rating’s document number', () => {
    given([registered(), certified])
      .when(command('RateParkStars', staffOf(MIIT), '2021-12-01T10:00:00+08:00', { ...ref, stars: 2, docNumber: '郑工信〔2021〕YY号' }))
      .then([{ type: 'park.stars_rated.v1', data: { ...ref, stars: 2, previousStars: 0, highestAwardedBefore: 0, change: 'first', awardDueWan: 80, docNumber: '郑工信〔2021〕YY号', at: '2021-12-01T10:00:00+08:00' } }]);
  });
});

describe('evolve', () => {
  it('throws on an event before the registration', () => {
    expect(() => parkDecider.evolve(parkDecider.initialState(), certified)).toThrow(/before park.registered.v1/);
  });
});
