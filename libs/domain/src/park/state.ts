import type { ActStamp } from '../decider/effective-time';
import type { ParkLandUse, ParkMilestone, ParkType, SizeRelaxation, StarLevel } from './commands';
import type { MonthlyReportData, StarChange } from './events';

export interface RecordedMilestone {
  readonly milestone: ParkMilestone;
  readonly date: string;
}

/** The current report of a month, and the ids of the reports it replaced (oldest first). */
export type MonthlyReport = MonthlyReportData & { readonly replaces: readonly string[] };

export interface StarRating {
  readonly stars: StarLevel;
  readonly change: StarChange;
  readonly awardDueWan: number;
  readonly docNumber: string | null;
  readonly at: string;
}

export interface RegisteredPark {
  readonly status: 'registered';
  readonly parkId: string;
  readonly name: string;
  readonly district: string;
  readonly type: ParkType;
  readonly landUse: ParkLandUse;
  readonly landAreaMu: number;
  readonly floorAreaM2: number;
  readonly plotRatio: number;
  readonly plotRatioSource: 'declared' | 'computed';
  readonly leadIndustry: string;
  readonly nonProductionLandPercent: number;
  readonly nonProductionFloorPercent: number;
  readonly sizeRelaxations: readonly SizeRelaxation[];
  /** In order; the last one is the current milestone. */
  readonly milestones: readonly RecordedMilestone[];
  readonly currentMilestone: ParkMilestone | null;
  /** The current report of each month, keyed `YYYY-MM`. */
  readonly reports: Readonly<Record<string, MonthlyReport>>;
  readonly certification: { readonly docNumber: string | null; readonly at: string } | null;
  /** Current star level, 0 when none. */
  readonly stars: 0 | StarLevel;
  /** The highest level already rewarded (upgrades pay the difference above it). */
  readonly highestAwardedStars: 0 | StarLevel;
  readonly ratings: readonly StarRating[];
  /** Sum of awardDueWan over all ratings, 万元. */
  readonly awardsDueWan: number;
  /** The registration with its effective time: nothing on the park takes effect before it (null when folded without times). */
  readonly registeredAct: ActStamp | null;
}

export type ParkState = { readonly status: 'none' } | RegisteredPark;

export function isParkRegistered(state: ParkState): state is RegisteredPark {
  return state.status !== 'none';
}

/** `YYYY-MM` of a report period. */
export function reportPeriod(year: number, month: number): string {
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}`;
}

/** The current report of the latest month, or null. */
export function latestMonthlyReport(state: RegisteredPark): MonthlyReport | null {
  const keys = Object.keys(state.reports).sort();
  const last = keys[keys.length - 1];
  return last === undefined ? null : state.reports[last]!;
}

/** Identifies an enterprise across reports: its 统一社会信用代码, else its name. */
export function enterpriseKey(enterprise: { readonly name: string; readonly creditCode?: string }): string {
  return enterprise.creditCode ?? enterprise.name;
}
