import type { DomainEvent } from '../decider/decider';
import type { EnterpriseTaxPerMu, ParkLandUse, ParkMilestone, ParkType, SizeRelaxation, StarLevel } from './commands';

export type ParkRegistered = DomainEvent<
  'park.registered.v1',
  {
    readonly parkId: string;
    readonly name: string;
    readonly district: string;
    readonly type: ParkType;
    readonly landUse: ParkLandUse;
    readonly landAreaMu: number;
    readonly floorAreaM2: number;
    /** The plot ratio the rules use: as declared, or computed (see plotRatioSource). */
    readonly plotRatio: number;
    readonly plotRatioSource: 'declared' | 'computed';
    readonly leadIndustry: string;
    readonly nonProductionLandPercent: number;
    readonly nonProductionFloorPercent: number;
    /** Always present (possibly empty), in the canonical order of SIZE_RELAXATIONS. */
    readonly sizeRelaxations: readonly SizeRelaxation[];
  }
>;

export type ParkMilestoneRecorded = DomainEvent<
  'park.milestone_recorded.v1',
  { readonly parkId: string; readonly milestone: ParkMilestone; readonly date: string }
>;

/** The figures of a report as stored (enterpriseTaxes always present, possibly empty). */
export interface MonthlyReportData {
  readonly parkId: string;
  /** `<parkId>:<YYYY-MM>:r<revision>`. */
  readonly reportId: string;
  /** 1 for the first report of the month, +1 for each correction. */
  readonly revision: number;
  readonly year: number;
  readonly month: number;
  readonly cumulativeInvestmentWan: number;
  readonly enterpriseCount: number;
  readonly specializedCount: number;
  readonly techCount: number;
  readonly taxPerMuWan: number;
  readonly enterpriseTaxes: readonly EnterpriseTaxPerMu[];
  /** Effective time of the submission. */
  readonly at: string;
}

export type MonthlyReportSubmitted = DomainEvent<'park.monthly_report_submitted.v1', MonthlyReportData>;

/** Replaces the month's current report (`correctsReportId`); the earlier event is never changed. */
export type MonthlyReportCorrected = DomainEvent<
  'park.monthly_report_corrected.v1',
  MonthlyReportData & { readonly correctsReportId: string; readonly reason: string }
>;

/** 认定 as a 市级小微企业园. */
export type ParkCertified = DomainEvent<
  'park.certified.v1',
  { readonly parkId: string; readonly level: 'city'; readonly docNumber?: string; readonly at: string }
>;

/** How a rating relates to the previous one. */
export type StarChange = 'first' | 'upgrade' | 'downgrade';

export type ParkStarsRated = DomainEvent<
  'park.stars_rated.v1',
  {
    readonly parkId: string;
    readonly stars: StarLevel;
    /** 0 when the park had no stars. */
    readonly previousStars: 0 | StarLevel;
    /** The highest level already rewarded before this rating (0: none). */
    readonly highestAwardedBefore: 0 | StarLevel;
    readonly change: StarChange;
    /** 奖励 due to the park's operator for this rating, 万元 (0 for a downgrade or a level already rewarded). */
    readonly awardDueWan: number;
    readonly docNumber?: string;
    readonly at: string;
  }
>;

export type ParkEvent =
  | ParkRegistered
  | ParkMilestoneRecorded
  | MonthlyReportSubmitted
  | MonthlyReportCorrected
  | ParkCertified
  | ParkStarsRated;

export type ParkEventType = ParkEvent['type'];
