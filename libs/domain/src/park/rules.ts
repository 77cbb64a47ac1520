/**
 * The rules of seeds 000/001 that the system can check on a park, as a pure
 * function of its state. Each breach is a Finding; findingsToIssueCommands
 * (issues.ts) turns findings into ReportIssue + AssignIssue commands.
 *
 * Finding ids are deterministic — park id + rule + period (+ enterprise) — so
 * checking the same state twice, or a later state with the same breach, gives
 * the same ids and never a second issue.
 */
import type { IssueUrgency } from '../issue/commands';
import type { ParkType, SizeRelaxation } from './commands';
import { PARK_MILESTONE_NAMES } from './commands';
import type { SizeThreshold } from './standards';
import {
  MAX_NON_PRODUCTION_FLOOR_PERCENT,
  MAX_NON_PRODUCTION_LAND_PERCENT,
  MIN_ENTERPRISE_TAX_PER_MU_WAN,
  MIN_PLOT_RATIO,
  PARK_SIZE_STANDARDS,
} from './standards';
import type { MonthlyReport, ParkState, RegisteredPark } from './state';
import { enterpriseKey, isParkRegistered, latestMonthlyReport, reportPeriod } from './state';

export type ParkRuleId =
  | 'park.size'
  | 'park.plot_ratio'
  | 'park.non_production_land'
  | 'park.non_production_floor'
  | 'park.tax_per_mu';

export const PARK_RULE_IDS: readonly ParkRuleId[] = [
  'park.size',
  'park.plot_ratio',
  'park.non_production_land',
  'park.non_production_floor',
  'park.tax_per_mu',
];

export interface ParkRulePolicy {
  /**
   * Size thresholds for a park with a size relaxation (seed 001 item 6: "规模要求可适当降低",
   * no figure given). Default null: the size rule is not applied to relaxed parks.
   * A type left out is not checked either.
   */
  readonly relaxedSize: Partial<Record<ParkType, SizeThreshold>> | null;
  /**
   * Seed 000 (十七) "亩均税收1万元以下": by the statutory reading of 以下 (民法典 第1259条:
   * 以上、以下 包括本数) an enterprise at exactly 1万元/亩 is flagged. false: only below.
   */
  readonly taxThresholdInclusive: boolean;
  /**
   * Period of a tax finding: 'year' (default) — one finding per enterprise and
   * year, however many monthly reports flag it; 'month' — one per report month.
   */
  readonly taxFindingPeriod: 'year' | 'month';
  /** The report whose enterprise list is checked; default: the latest month's current report. */
  readonly report: { readonly year: number; readonly month: number } | null;
  /** Urgency of the issue each rule opens (drives its default deadline). */
  readonly urgency: Readonly<Record<ParkRuleId, IssueUrgency>>;
}

export const DEFAULT_PARK_RULE_POLICY: ParkRulePolicy = {
  relaxedSize: null,
  taxThresholdInclusive: true,
  taxFindingPeriod: 'year',
  report: null,
  urgency: {
    'park.size': 'complex',
    'park.plot_ratio': 'complex',
    'park.non_production_land': 'normal',
    'park.non_production_floor': 'normal',
    'park.tax_per_mu': 'normal',
  },
};

/** What a caller may override: any field, and any rule's urgency (the rest keep the defaults). */
export type ParkRulePolicyOverrides = Partial<Omit<ParkRulePolicy, 'urgency'>> & {
  readonly urgency?: Partial<Record<ParkRuleId, IssueUrgency>>;
};

/** Period of the findings that depend on the registered figures only. */
export const REGISTRATION_PERIOD = 'registration';

export interface ParkFinding {
  /** `<parkId>:<ruleId>:<period>` (+ `:<enterprise key>` for park.tax_per_mu). */
  readonly findingId: string;
  readonly ruleId: ParkRuleId;
  readonly parkId: string;
  readonly parkName: string;
  /** 'registration', or the report's year ('2021') / month ('2021-06'). */
  readonly period: string;
  /** The unit the issue is assigned to: the park's district. */
  readonly unitId: string;
  readonly urgency: IssueUrgency;
  /** Issue category (Chinese). */
  readonly category: string;
  readonly title: string;
  readonly description: string;
  /** The figures measured, by name. */
  readonly measured: Readonly<Record<string, number>>;
  /** The threshold(s) they were compared with, by the same names. */
  readonly threshold: Readonly<Record<string, number>>;
  /** The document and item the rule comes from. */
  readonly source: string;
  /** For park.tax_per_mu: the enterprise to rectify (整改). */
  readonly enterprise?: { readonly key: string; readonly name: string; readonly creditCode?: string };
}

const SEED_000 = '郑政办〔2021〕34号《郑州市2021年小微企业园高质量发展工作要点》';
const SEED_001 = '《关于进一步加快小微企业园高质量发展的实施意见》（征求意见稿）';

const TYPE_NAMES: Readonly<Record<ParkType, string>> = { manufacturing: '生产制造类', producer_services: '生产性服务类' };
const RELAXATION_NAMES: Readonly<Record<SizeRelaxation, string>> = {
  urban_idle_land: '利用闲置用地、低效用地建设',
  park_in_park: '“园中园”模式',
  renovation: '改扩建',
};

/**
 * The findings for a park's current state (none for an unregistered stream),
 * in rule order, then in the order of the report's enterprise list.
 */
export function checkParkRules(state: ParkState, policy: ParkRulePolicyOverrides = {}): ParkFinding[] {
  if (!isParkRegistered(state)) return [];
  const p: ParkRulePolicy = { ...DEFAULT_PARK_RULE_POLICY, ...policy, urgency: { ...DEFAULT_PARK_RULE_POLICY.urgency, ...policy.urgency } };
  return [
    ...sizeRule(state, p),
    ...plotRatioRule(state, p),
    ...nonProductionLandRule(state, p),
    ...nonProductionFloorRule(state, p),
    ...taxPerMuRule(state, p),
  ];
}

// ---------------------------------------------------------------- rules

/** Seed 001 items 4–6: 100亩/10万m² (manufacturing), 50亩/5万m² (services), either suffices. */
function sizeRule(park: RegisteredPark, p: ParkRulePolicy): ParkFinding[] {
  const relaxed = park.sizeRelaxations.length > 0;
  const threshold = relaxed ? p.relaxedSize?.[park.type] : PARK_SIZE_STANDARDS[park.type];
  if (!threshold) return [];
  if (park.landAreaMu >= threshold.landAreaMu || park.floorAreaM2 >= threshold.floorAreaM2) return [];
  const typeName = TYPE_NAMES[park.type];
  const requirement = `占地面积${fmt(threshold.landAreaMu)}亩以上或建筑面积${fmt(threshold.floorAreaM2)}平方米以上`;
  const basis = relaxed
    ? `放宽后的规模要求“${requirement}”（放宽依据：${park.sizeRelaxations.map((b) => RELAXATION_NAMES[b]).join('、')}；` +
      `${SEED_001}第6条“规模要求可适当降低”，放宽标准由督查室设定）`
    : `${typeName}小微企业园“原则上${requirement}”的规模要求（${SEED_001}第${park.type === 'manufacturing' ? 4 : 5}条）`;
  return [
    finding(park, p, 'park.size', REGISTRATION_PERIOD, {
      category: '园区规模',
      title: `${park.name}规模未达标准`,
      description: `${lead(park)}占地面积${fmt(park.landAreaMu)}亩、建筑面积${fmt(park.floorAreaM2)}平方米，两项均未达到${basis}。`,
      measured: { landAreaMu: park.landAreaMu, floorAreaM2: park.floorAreaM2 },
      threshold: { landAreaMu: threshold.landAreaMu, floorAreaM2: threshold.floorAreaM2 },
      source: `${SEED_001}第${relaxed ? 6 : park.type === 'manufacturing' ? 4 : 5}条`,
    }),
  ];
}

/** Seed 001 item 8: 在工业用地上新建的小微企业园建筑容积率原则上不低于1.5. */
function plotRatioRule(park: RegisteredPark, p: ParkRulePolicy): ParkFinding[] {
  if (park.landUse !== 'industrial' || park.sizeRelaxations.includes('renovation')) return [];
  if (park.plotRatio >= MIN_PLOT_RATIO) return [];
  const how =
    park.plotRatioSource === 'computed'
      ? `（按建筑面积${fmt(park.floorAreaM2)}平方米、占地面积${fmt(park.landAreaMu)}亩折算）`
      : '';
  return [
    finding(park, p, 'park.plot_ratio', REGISTRATION_PERIOD, {
      category: '容积率',
      title: `${park.name}容积率低于1.5`,
      description:
        `${lead(park)}建于工业用地，建筑容积率${fmt(park.plotRatio)}${how}，低于“在工业用地上新建的小微企业园建筑容积率原则上不低于` +
        `${fmt(MIN_PLOT_RATIO)}”的要求（${SEED_001}第8条）。`,
      measured: { plotRatio: park.plotRatio },
      threshold: { plotRatio: MIN_PLOT_RATIO },
      source: `${SEED_001}第8条`,
    }),
  ];
}

/** Seed 001 item 8: 非生产性用房占地面积不得超过工业用地面积的7%. */
function nonProductionLandRule(park: RegisteredPark, p: ParkRulePolicy): ParkFinding[] {
  if (park.landUse !== 'industrial' || park.nonProductionLandPercent <= MAX_NON_PRODUCTION_LAND_PERCENT) return [];
  return [
    finding(park, p, 'park.non_production_land', REGISTRATION_PERIOD, {
      category: '非生产性用房',
      title: `${park.name}非生产性用房占地比例超标`,
      description:
        `${lead(park)}行政办公、公共服务、生活配套等非生产性用房占地面积占工业用地面积的${fmt(park.nonProductionLandPercent)}%，` +
        `超过“不得超过工业用地面积的${fmt(MAX_NON_PRODUCTION_LAND_PERCENT)}%”的上限（${SEED_001}第8条）。`,
      measured: { nonProductionLandPercent: park.nonProductionLandPercent },
      threshold: { nonProductionLandPercent: MAX_NON_PRODUCTION_LAND_PERCENT },
      source: `${SEED_001}第8条`,
    }),
  ];
}

/** Seed 001 item 8: 建筑面积占项目总建筑面积的比例一般不得超过25%. */
function nonProductionFloorRule(park: RegisteredPark, p: ParkRulePolicy): ParkFinding[] {
  if (park.landUse !== 'industrial' || park.nonProductionFloorPercent <= MAX_NON_PRODUCTION_FLOOR_PERCENT) return [];
  return [
    finding(park, p, 'park.non_production_floor', REGISTRATION_PERIOD, {
      category: '非生产性用房',
      title: `${park.name}非生产性用房建筑面积比例超标`,
      description:
        `${lead(park)}非生产性用房建筑面积占项目总建筑面积的${fmt(park.nonProductionFloorPercent)}%，` +
        `超过“一般不得超过${fmt(MAX_NON_PRODUCTION_FLOOR_PERCENT)}%”的上限（${SEED_001}第8条）。`,
      measured: { nonProductionFloorPercent: park.nonProductionFloorPercent },
      threshold: { nonProductionFloorPercent: MAX_NON_PRODUCTION_FLOOR_PERCENT },
      source: `${SEED_001}第8条`,
    }),
  ];
}

/** Seed 000 (十七) / seed 001 item 13: 亩均税收1万元以下的已入园企业，及时予以整改. */
function taxPerMuRule(park: RegisteredPark, p: ParkRulePolicy): ParkFinding[] {
  const report: MonthlyReport | null = p.report ? (park.reports[reportPeriod(p.report.year, p.report.month)] ?? null) : latestMonthlyReport(park);
  if (!report) return [];
  const limit = MIN_ENTERPRISE_TAX_PER_MU_WAN;
  const flagged = report.enterpriseTaxes.filter((e) => (p.taxThresholdInclusive ? e.taxPerMuWan <= limit : e.taxPerMuWan < limit));
  const period = p.taxFindingPeriod === 'year' ? String(report.year) : reportPeriod(report.year, report.month);
  const comparison = p.taxThresholdInclusive ? `在${fmt(limit)}万元/亩及以下` : `低于${fmt(limit)}万元/亩`;
  return flagged.map((e) => {
    const key = enterpriseKey(e);
    return finding(park, p, 'park.tax_per_mu', period, {
      subject: key,
      category: '亩均税收整改',
      title: `${park.name}入园企业${e.name}亩均税收${comparison}，需整改`,
      description:
        `${lead(park)}${report.year}年${report.month}月报（${report.reportId}）显示，入园企业${e.name}` +
        `${e.creditCode ? `（统一社会信用代码${e.creditCode}）` : ''}亩均税收${fmt(e.taxPerMuWan)}万元/亩，${comparison}；` +
        `按“对亩均税收${fmt(limit)}万元以下或未达到其他约定条件的已入园企业，及时予以整改”的要求（${SEED_000}（十七）），应予整改。`,
      measured: { taxPerMuWan: e.taxPerMuWan },
      threshold: { taxPerMuWan: limit },
      source: `${SEED_000}（十七）；${SEED_001}第13条`,
      enterprise: e.creditCode === undefined ? { key, name: e.name } : { key, name: e.name, creditCode: e.creditCode },
    });
  });
}

// ---------------------------------------------------------------- helpers

interface FindingBody {
  readonly subject?: string;
  readonly category: string;
  readonly title: string;
  readonly description: string;
  readonly measured: Record<string, number>;
  readonly threshold: Record<string, number>;
  readonly source: string;
  readonly enterprise?: ParkFinding['enterprise'];
}

function finding(park: RegisteredPark, p: ParkRulePolicy, ruleId: ParkRuleId, period: string, body: FindingBody): ParkFinding {
  const { subject, enterprise, ...rest } = body;
  return {
    findingId: parkFindingId(park.parkId, ruleId, period, subject),
    ruleId,
    parkId: park.parkId,
    parkName: park.name,
    period,
    unitId: park.district,
    urgency: p.urgency[ruleId],
    ...rest,
    ...(enterprise ? { enterprise } : {}),
  };
}

/** `<parkId>:<ruleId>:<period>[:<subject>]`. */
export function parkFindingId(parkId: string, ruleId: ParkRuleId, period: string, subject?: string): string {
  return [parkId, ruleId, period, ...(subject === undefined ? [] : [subject])].join(':');
}

/** "郑州航空港区某某园（生产制造类，主导产业…，当前进度：开工）". */
function lead(park: RegisteredPark): string {
  const stage = park.currentMilestone ? `，当前进度：${PARK_MILESTONE_NAMES[park.currentMilestone]}` : '';
  return `${park.district}${park.name}（${TYPE_NAMES[park.type]}，主导产业：${park.leadIndustry}${stage}）`;
}

/** A figure as written in a finding: at most 4 decimals, no grouping (deterministic on every host). */
function fmt(value: number): string {
  return String(Math.round(value * 10000) / 10000);
}
