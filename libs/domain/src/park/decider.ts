/**
 * Park (小微企业园) decider: registration, milestones 供地 → 开工 → 竣工 → 入驻 → 达产,
 * monthly reports (月报) with corrections, city-level certification (认定) and
 * star ratings (星级) with the award due. The rules of seeds 000/001 that
 * become issues are checked separately (rules.ts): a park that breaks them is
 * still registered, and flagged.
 */
import type { Actor, Decider } from '../decider/decider';
import { assertNever } from '../decider/decider';
import { actOf, laterAct, requireNotBefore } from '../decider/effective-time';
import { IllegalTransition, InvalidCommandData } from '../decider/errors';
import { checkEnvelope, requireOwnUnit, requireRole, requireText } from '../decider/guards';
import { localDateOf, tryEpochDay } from '../calendar/local-date';
import type {
  CertifyPark,
  CorrectMonthlyReport,
  EnterpriseTaxPerMu,
  MonthlyReportFigures,
  ParkCommand,
  RateParkStars,
  RecordParkMilestone,
  RegisterPark,
  SizeRelaxation,
  SubmitMonthlyReport,
} from './commands';
import { PARK_LAND_USES, PARK_MILESTONES, PARK_TYPES, SIZE_RELAXATIONS, STAR_LEVELS } from './commands';
import { PARK_DISTRICTS, URBAN_IDLE_LAND_DISTRICTS } from './districts';
import {
  DateAfterEffectiveTime,
  MilestoneAlreadyRecorded,
  MilestoneDateBeforePrevious,
  MilestoneOutOfOrder,
  MonthlyReportAlreadySubmitted,
  NoMonthlyReportToCorrect,
  ParkAlreadyCertified,
  ParkNotCertified,
  SizeRelaxationNotApplicable,
  StarRatingUnchanged,
} from './errors';
import type { MonthlyReportData, ParkEvent, ParkRegistered, ParkStarsRated } from './events';
import { PARK_AUTHORITY_UNIT, computePlotRatio, starAwardDueWan } from './standards';
import type { MonthlyReport, ParkState, RegisteredPark } from './state';
import { enterpriseKey, isParkRegistered, reportPeriod } from './state';

export const initialParkState = (): ParkState => ({ status: 'none' });

export function decidePark(command: ParkCommand, state: ParkState): ParkEvent[] {
  checkEnvelope(command);
  switch (command.type) {
    case 'RegisterPark':
      return register(command, state);
    case 'RecordParkMilestone':
      return recordMilestone(command, requirePark(command, state));
    case 'SubmitMonthlyReport':
      return submitReport(command, requirePark(command, state));
    case 'CorrectMonthlyReport':
      return correctReport(command, requirePark(command, state));
    case 'CertifyPark':
      return certify(command, requirePark(command, state));
    case 'RateParkStars':
      return rate(command, requirePark(command, state));
    default:
      return assertNever(command, 'park command');
  }
}

export function evolvePark(state: ParkState, event: ParkEvent, at?: string): ParkState {
  if (event.type === 'park.registered.v1') return { ...registeredState(event), registeredAct: actOf(event.type, at) };
  if (!isParkRegistered(state)) throw new Error(`${event.type} before park.registered.v1`);
  switch (event.type) {
    case 'park.milestone_recorded.v1': {
      const { milestone, date } = event.data;
      return { ...state, milestones: [...state.milestones, { milestone, date }], currentMilestone: milestone };
    }
    case 'park.monthly_report_submitted.v1':
      return withReport(state, { ...event.data, replaces: [] });
    case 'park.monthly_report_corrected.v1': {
      const { correctsReportId, reason: _reason, ...data } = event.data;
      const earlier = state.reports[reportPeriod(data.year, data.month)];
      return withReport(state, { ...data, replaces: [...(earlier?.replaces ?? []), correctsReportId] });
    }
    case 'park.certified.v1':
      return { ...state, certification: { docNumber: event.data.docNumber ?? null, at: event.data.at } };
    case 'park.stars_rated.v1': {
      const d = event.data;
      return {
        ...state,
        stars: d.stars,
        highestAwardedStars: d.stars > state.highestAwardedStars ? d.stars : state.highestAwardedStars,
        ratings: [...state.ratings, { stars: d.stars, change: d.change, awardDueWan: d.awardDueWan, docNumber: d.docNumber ?? null, at: d.at }],
        awardsDueWan: state.awardsDueWan + d.awardDueWan,
      };
    }
    default:
      return assertNever(event, 'park event');
  }
}

export const parkDecider: Decider<ParkState, ParkCommand, ParkEvent> = {
  decide: decidePark,
  evolve: evolvePark,
  initialState: initialParkState,
};

// ---------------------------------------------------------------- register

function register(command: RegisterPark, state: ParkState): ParkEvent[] {
  const name = command.type;
  requireRole(name, command.actor, 'supervisor', 'unit');
  if (isParkRegistered(state)) throw new IllegalTransition(name, state.status);
  const d = command.data;
  const district = requireText(name, 'district', d.district);
  if (!PARK_DISTRICTS.includes(district)) {
    throw new InvalidCommandData(name, 'district', 'must be one of the 16 开发区、区县(市) (a unit id)');
  }
  requireDistrictActor(name, command.actor, district);
  if (!PARK_TYPES.includes(d.type)) throw new InvalidCommandData(name, 'type', `must be one of ${PARK_TYPES.join(', ')}`);
  if (!PARK_LAND_USES.includes(d.landUse)) {
    throw new InvalidCommandData(name, 'landUse', `must be one of ${PARK_LAND_USES.join(', ')}`);
  }
  const landAreaMu = requireNumber(name, 'landAreaMu', d.landAreaMu, { positive: true });
  const floorAreaM2 = requireNumber(name, 'floorAreaM2', d.floorAreaM2, { positive: true });
  const declared = d.plotRatio === undefined ? undefined : requireNumber(name, 'plotRatio', d.plotRatio, { positive: true });
  const event: ParkRegistered = {
    type: 'park.registered.v1',
    data: {
      parkId: requireText(name, 'parkId', d.parkId),
      name: requireText(name, 'name', d.name),
      district,
      type: d.type,
      landUse: d.landUse,
      landAreaMu,
      floorAreaM2,
      plotRatio: declared ?? computePlotRatio(floorAreaM2, landAreaMu),
      plotRatioSource: declared === undefined ? 'computed' : 'declared',
      leadIndustry: requireText(name, 'leadIndustry', d.leadIndustry),
      nonProductionLandPercent: requireNumber(name, 'nonProductionLandPercent', d.nonProductionLandPercent, { max: 100 }),
      nonProductionFloorPercent: requireNumber(name, 'nonProductionFloorPercent', d.nonProductionFloorPercent, { max: 100 }),
      sizeRelaxations: requireRelaxations(name, d.sizeRelaxations, district),
    },
  };
  return [event];
}

function requireRelaxations(command: string, value: unknown, district: string): SizeRelaxation[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new InvalidCommandData(command, 'sizeRelaxations', 'must be a list');
  for (const basis of value) {
    if (!SIZE_RELAXATIONS.includes(basis as SizeRelaxation)) {
      throw new InvalidCommandData(command, 'sizeRelaxations', `must hold only ${SIZE_RELAXATIONS.join(', ')}`);
    }
  }
  if (new Set(value).size !== value.length) throw new InvalidCommandData(command, 'sizeRelaxations', 'lists a basis twice');
  if (value.includes('urban_idle_land') && !URBAN_IDLE_LAND_DISTRICTS.includes(district)) {
    throw new SizeRelaxationNotApplicable(command, 'urban_idle_land', district);
  }
  return SIZE_RELAXATIONS.filter((basis) => value.includes(basis));
}

// ---------------------------------------------------------------- milestones

function recordMilestone(command: RecordParkMilestone, park: RegisteredPark): ParkEvent[] {
  const name = command.type;
  requireDistrictActor(name, command.actor, park.district);
  const { milestone } = command.data;
  if (!PARK_MILESTONES.includes(milestone)) {
    throw new InvalidCommandData(name, 'milestone', `must be one of ${PARK_MILESTONES.join(', ')}`);
  }
  const date = command.data.date;
  if (tryEpochDay(date) === undefined) throw new InvalidCommandData(name, 'date', 'must be a real date written YYYY-MM-DD');

  const recorded = park.milestones.find((m) => m.milestone === milestone);
  if (recorded) throw new MilestoneAlreadyRecorded(name, milestone, park.currentMilestone!, recorded.date);
  const next = PARK_MILESTONES[park.milestones.length] ?? null;
  if (milestone !== next) throw new MilestoneOutOfOrder(name, milestone, park.currentMilestone ?? 'none', next);

  const previous = park.milestones[park.milestones.length - 1];
  if (previous && date < previous.date) {
    throw new MilestoneDateBeforePrevious(name, milestone, date, previous.milestone, previous.date);
  }
  if (date > localDateOf(command.at)) throw new DateAfterEffectiveTime(name, date, command.at);
  return [{ type: 'park.milestone_recorded.v1', data: { parkId: park.parkId, milestone, date } }];
}

// ---------------------------------------------------------------- monthly reports

function submitReport(command: SubmitMonthlyReport, park: RegisteredPark): ParkEvent[] {
  const name = command.type;
  requireDistrictActor(name, command.actor, park.district);
  const figures = requireFigures(name, command.data, command.at);
  const period = reportPeriod(figures.year, figures.month);
  const existing = park.reports[period];
  if (existing) throw new MonthlyReportAlreadySubmitted(name, period, existing.reportId);
  return [{ type: 'park.monthly_report_submitted.v1', data: reportData(park.parkId, 1, figures, command.at) }];
}

function correctReport(command: CorrectMonthlyReport, park: RegisteredPark): ParkEvent[] {
  const name = command.type;
  requireDistrictActor(name, command.actor, park.district);
  const figures = requireFigures(name, command.data, command.at);
  const reason = requireText(name, 'reason', command.data.reason);
  const period = reportPeriod(figures.year, figures.month);
  const existing = park.reports[period];
  if (!existing) throw new NoMonthlyReportToCorrect(name, period);
  // a correction answers the report it corrects (its data carries its effective time)
  requireNotBefore(name, command.at, { act: existing.revision === 1 ? 'park.monthly_report_submitted.v1' : 'park.monthly_report_corrected.v1', at: existing.at });
  return [
    {
      type: 'park.monthly_report_corrected.v1',
      data: { ...reportData(park.parkId, existing.revision + 1, figures, command.at), correctsReportId: existing.reportId, reason },
    },
  ];
}

type CheckedFigures = Omit<MonthlyReportData, 'parkId' | 'reportId' | 'revision' | 'at'>;

function requireFigures(command: string, d: MonthlyReportFigures, at: string): CheckedFigures {
  const year = requireNumber(command, 'year', d.year, { integer: true, min: 2000, max: 2100 });
  const month = requireNumber(command, 'month', d.month, { integer: true, min: 1, max: 12 });
  const period = reportPeriod(year, month);
  if (period > localDateOf(at).slice(0, 7)) throw new DateAfterEffectiveTime(command, period, at);
  const enterpriseCount = requireNumber(command, 'enterpriseCount', d.enterpriseCount, { integer: true });
  const specializedCount = requireNumber(command, 'specializedCount', d.specializedCount, { integer: true });
  const techCount = requireNumber(command, 'techCount', d.techCount, { integer: true });
  if (specializedCount > enterpriseCount) {
    throw new InvalidCommandData(command, 'specializedCount', 'cannot exceed enterpriseCount (专精特新 are enterprises in the park)');
  }
  if (techCount > enterpriseCount) {
    throw new InvalidCommandData(command, 'techCount', 'cannot exceed enterpriseCount (科技型 are enterprises in the park)');
  }
  return {
    year,
    month,
    cumulativeInvestmentWan: requireNumber(command, 'cumulativeInvestmentWan', d.cumulativeInvestmentWan),
    enterpriseCount,
    specializedCount,
    techCount,
    taxPerMuWan: requireNumber(command, 'taxPerMuWan', d.taxPerMuWan),
    enterpriseTaxes: requireEnterpriseTaxes(command, d.enterpriseTaxes, enterpriseCount),
  };
}

function requireEnterpriseTaxes(command: string, value: unknown, enterpriseCount: number): EnterpriseTaxPerMu[] {
  if (value === undefined) return [];
  const field = 'enterpriseTaxes';
  if (!Array.isArray(value)) throw new InvalidCommandData(command, field, 'must be a list');
  if (value.length > enterpriseCount) throw new InvalidCommandData(command, field, 'lists more enterprises than enterpriseCount');
  const seen = new Set<string>();
  return value.map((item: Partial<EnterpriseTaxPerMu> | null, i): EnterpriseTaxPerMu => {
    const at = `${field}[${i}]`;
    if (item === null || typeof item !== 'object') throw new InvalidCommandData(command, at, 'must be an object');
    const name = requireText(command, `${at}.name`, item.name);
    const creditCode = item.creditCode === undefined ? undefined : requireText(command, `${at}.creditCode`, item.creditCode);
    const key = enterpriseKey({ name, creditCode });
    if (seen.has(key)) throw new InvalidCommandData(command, at, `lists ${key} twice`);
    seen.add(key);
    const taxPerMuWan = requireNumber(command, `${at}.taxPerMuWan`, item.taxPerMuWan);
    return creditCode === undefined ? { name, taxPerMuWan } : { name, creditCode, taxPerMuWan };
  });
}

function reportData(parkId: string, revision: number, figures: CheckedFigures, at: string): MonthlyReportData {
  return {
    parkId,
    reportId: `${parkId}:${reportPeriod(figures.year, figures.month)}:r${revision}`,
    revision,
    ...figures,
    at,
  };
}

// ---------------------------------------------------------------- certification and stars

function certify(command: CertifyPark, park: RegisteredPark): ParkEvent[] {
  const name = command.type;
  requireAuthorityActor(name, command.actor);
  if (park.certification) throw new ParkAlreadyCertified(name, park.certification.at);
  const docNumber = optionalText(name, 'docNumber', command.data.docNumber);
  return [{ type: 'park.certified.v1', data: { parkId: park.parkId, level: 'city', ...docNumber, at: command.at } }];
}

function rate(command: RateParkStars, park: RegisteredPark): ParkEvent[] {
  const name = command.type;
  requireAuthorityActor(name, command.actor);
  if (!park.certification) throw new ParkNotCertified(name);
  // a rating answers the certification and the rating before it
  const lastRating = park.ratings[park.ratings.length - 1];
  requireNotBefore(
    name,
    command.at,
    laterAct({ act: 'park.certified.v1', at: park.certification.at }, lastRating ? { act: 'park.stars_rated.v1', at: lastRating.at } : null),
  );
  const stars = command.data.stars;
  if (!STAR_LEVELS.includes(stars)) throw new InvalidCommandData(name, 'stars', 'must be 1, 2 or 3');
  if (stars === park.stars) throw new StarRatingUnchanged(name, stars);
  const event: ParkStarsRated = {
    type: 'park.stars_rated.v1',
    data: {
      parkId: park.parkId,
      stars,
      previousStars: park.stars,
      highestAwardedBefore: park.highestAwardedStars,
      change: park.stars === 0 ? 'first' : stars > park.stars ? 'upgrade' : 'downgrade',
      awardDueWan: starAwardDueWan(park.highestAwardedStars, stars),
      ...optionalText(name, 'docNumber', command.data.docNumber),
      at: command.at,
    },
  };
  return [event];
}

// ---------------------------------------------------------------- helpers

function requirePark(command: Exclude<ParkCommand, RegisterPark>, state: ParkState): RegisteredPark {
  if (!isParkRegistered(state)) throw new IllegalTransition(command.type, state.status);
  if (command.data.parkId !== state.parkId) {
    throw new InvalidCommandData(command.type, 'parkId', `does not match the park ${state.parkId}`);
  }
  requireNotBefore(command.type, command.at, state.registeredAct);
  return state;
}

/** The park's own district (a unit) or a supervisor. */
function requireDistrictActor(command: string, actor: Actor, district: string): void {
  requireRole(command, actor, 'supervisor', 'unit');
  if (actor.role === 'unit') requireOwnUnit(command, actor, district);
}

/** The city's park authority (市工信局, a unit) or a supervisor. */
function requireAuthorityActor(command: string, actor: Actor): void {
  requireRole(command, actor, 'supervisor', 'unit');
  if (actor.role === 'unit') requireOwnUnit(command, actor, PARK_AUTHORITY_UNIT);
}

function optionalText(command: string, field: string, value: unknown): { docNumber?: string } {
  return value === undefined ? {} : { docNumber: requireText(command, field, value) };
}

interface NumberRule {
  readonly positive?: boolean;
  readonly integer?: boolean;
  readonly min?: number;
  readonly max?: number;
}

/** A finite number, ≥ 0 unless `min` says otherwise (> 0 with `positive`). */
function requireNumber(command: string, field: string, value: unknown, rule: NumberRule = {}): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new InvalidCommandData(command, field, 'must be a finite number');
  if (rule.integer && !Number.isInteger(value)) throw new InvalidCommandData(command, field, 'must be an integer');
  if (rule.positive && value <= 0) throw new InvalidCommandData(command, field, 'must be greater than 0');
  const min = rule.min ?? 0;
  if (value < min) throw new InvalidCommandData(command, field, `must be at least ${min}`);
  if (rule.max !== undefined && value > rule.max) throw new InvalidCommandData(command, field, `must be at most ${rule.max}`);
  return value;
}

function withReport(state: RegisteredPark, report: MonthlyReport): RegisteredPark {
  return { ...state, reports: { ...state.reports, [reportPeriod(report.year, report.month)]: report } };
}

function registeredState(event: ParkRegistered): RegisteredPark {
  return {
    status: 'registered',
    ...event.data,
    milestones: [],
    currentMilestone: null,
    reports: {},
    certification: null,
    stars: 0,
    highestAwardedStars: 0,
    ratings: [],
    awardsDueWan: 0,
    registeredAct: null,
  };
}
