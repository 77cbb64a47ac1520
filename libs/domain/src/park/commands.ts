import type { Command } from '../decider/decider';

/** 生产制造类 / 生产性服务类 (seed 001 二、1–2). */
export type ParkType = 'manufacturing' | 'producer_services';
export const PARK_TYPES: readonly ParkType[] = ['manufacturing', 'producer_services'];

/**
 * The land the park is built on. The plot-ratio and non-production rules of
 * seed 001 item 8 are written for parks on industrial land (工业用地); parks on
 * other land follow the national standards for that land class instead.
 */
export type ParkLandUse = 'industrial' | 'other';
export const PARK_LAND_USES: readonly ParkLandUse[] = ['industrial', 'other'];

/**
 * Why the size requirement "可适当降低" (seed 001 item 6):
 * - 'urban_idle_land': built by 市内五区 or a 开发区 on idle or low-efficiency land
 *   (老旧园区、废旧厂房、楼宇、城市社区、城乡结合部等闲置用地、低效用地);
 * - 'park_in_park': built as a 园中园;
 * - 'renovation': 改扩建 (an existing park rebuilt or extended). A renovated park is
 *   also not 新建, so the plot-ratio rule (新建, item 8) does not apply to it.
 */
export type SizeRelaxation = 'urban_idle_land' | 'park_in_park' | 'renovation';
export const SIZE_RELAXATIONS: readonly SizeRelaxation[] = ['urban_idle_land', 'park_in_park', 'renovation'];

/** 供地 → 开工 → 竣工 → 入驻 → 达产, in this order (seed 000 (四)). */
export type ParkMilestone = 'land_supplied' | 'construction_started' | 'completed' | 'occupied' | 'in_production';
export const PARK_MILESTONES: readonly ParkMilestone[] = [
  'land_supplied',
  'construction_started',
  'completed',
  'occupied',
  'in_production',
];
export const PARK_MILESTONE_NAMES: Readonly<Record<ParkMilestone, string>> = {
  land_supplied: '供地',
  construction_started: '开工',
  completed: '竣工',
  occupied: '入驻',
  in_production: '达产',
};

/** 星级 (seed 001 item 23). */
export type StarLevel = 1 | 2 | 3;
export const STAR_LEVELS: readonly StarLevel[] = [1, 2, 3];

/** Registers a 小微企业园 (the district's own unit, or a supervisor). */
export type RegisterPark = Command<
  'RegisterPark',
  {
    readonly parkId: string;
    readonly name: string;
    /** One of the 16 responsible units (各开发区、区县(市)), by unit id. */
    readonly district: string;
    readonly type: ParkType;
    readonly landUse: ParkLandUse;
    /** 占地面积, 亩 (> 0). */
    readonly landAreaMu: number;
    /** 建筑面积 (total floor area), m² (> 0). */
    readonly floorAreaM2: number;
    /**
     * 容积率 as approved (计容建筑面积 / 用地面积). When absent it is computed as
     * floorAreaM2 / (landAreaMu × 10000/15), rounded to 4 decimals.
     */
    readonly plotRatio?: number;
    /** 主导产业, e.g. 智能传感器. */
    readonly leadIndustry: string;
    /** 非生产性用房占地面积 as % of the (industrial) land area, 0–100. */
    readonly nonProductionLandPercent: number;
    /** 非生产性用房建筑面积 as % of the total floor area, 0–100. */
    readonly nonProductionFloorPercent: number;
    /** The bases on which the size requirement is relaxed; none by default. */
    readonly sizeRelaxations?: readonly SizeRelaxation[];
  }
>;

interface ParkRef {
  readonly parkId: string;
}

/** Records the next milestone with its date (YYYY-MM-DD, Asia/Shanghai), not after the command's day. */
export type RecordParkMilestone = Command<
  'RecordParkMilestone',
  ParkRef & { readonly milestone: ParkMilestone; readonly date: string }
>;

/** One enterprise's 亩均税收 in a monthly report. */
export interface EnterpriseTaxPerMu {
  readonly name: string;
  /** 统一社会信用代码, when known: it identifies the enterprise across reports instead of its name. */
  readonly creditCode?: string;
  /** 万元/亩, annual basis (the figure the 1万元 threshold of seed 000 (十七) is meant for). */
  readonly taxPerMuWan: number;
}

/** The figures of a 月报 (seed 001 item 29). */
export interface MonthlyReportFigures {
  readonly year: number;
  readonly month: number;
  /** 累计完成投资, 万元. */
  readonly cumulativeInvestmentWan: number;
  /** 入园企业数. */
  readonly enterpriseCount: number;
  /** of which 专精特新. */
  readonly specializedCount: number;
  /** of which 科技型. */
  readonly techCount: number;
  /** 亩均税收 of the park, 万元/亩. */
  readonly taxPerMuWan: number;
  /** Optional per-enterprise 亩均税收 (each enterprise once). */
  readonly enterpriseTaxes?: readonly EnterpriseTaxPerMu[];
}

/** 月报: one per park and month (the district, or a supervisor). */
export type SubmitMonthlyReport = Command<'SubmitMonthlyReport', ParkRef & MonthlyReportFigures>;

/** Replaces the month's report with corrected figures; the new event refers to the report it replaces. */
export type CorrectMonthlyReport = Command<'CorrectMonthlyReport', ParkRef & MonthlyReportFigures & { readonly reason: string }>;

/** 认定 as a 市级小微企业园 (a supervisor or the city's park authority, 市工信局). */
export type CertifyPark = Command<'CertifyPark', ParkRef & { readonly docNumber?: string }>;

/** 星级评定, 1–3 stars; only a certified park (a supervisor or 市工信局). */
export type RateParkStars = Command<'RateParkStars', ParkRef & { readonly stars: StarLevel; readonly docNumber?: string }>;

export type ParkCommand =
  | RegisterPark
  | RecordParkMilestone
  | SubmitMonthlyReport
  | CorrectMonthlyReport
  | CertifyPark
  | RateParkStars;
