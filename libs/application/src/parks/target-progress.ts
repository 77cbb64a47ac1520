/**
 * Which park figures feed which targets (目标任务), as data, and how a
 * district's figure is summed from its parks. Pure: the processor folds the
 * parks and calls these.
 *
 * Seed 000's annex (2021年郑州市小微企业园建设工作目标任务分解表) has four columns per
 * 开发区、区县(市): 新开工市级小微企业园 (个), 集聚入园企业 (家), “专精特新”企业 (家),
 * 科技型企业 (家). `targetIdFor(unit, year, metric)` is keyed by the exact metric
 * name, so each mapping lists the names a table may use; progress is recorded
 * on every one of them that has a target (a name without a target is skipped).
 */
import type { RegisteredPark } from '@duban/domain/park';
import { reportPeriod } from '@duban/domain/park';
import { PARK_PROGRAMME_METRICS } from '@duban/domain/target';

/** A figure summed over a district's parks. */
export type ParkProgrammeFigure = 'parksStarted' | 'enterpriseCount' | 'specializedCount' | 'techCount';

/** What makes the processor recompute a figure. */
export type ParkTargetTrigger = 'monthly_report' | 'construction_started';

export interface ParkTargetMapping {
  readonly figure: ParkProgrammeFigure;
  readonly trigger: ParkTargetTrigger;
  /** The metric names under which a decomposition table may hold the figure (the first is PARK_PROGRAMME_METRICS'). */
  readonly metrics: readonly string[];
}

export const PARK_TARGET_MAPPINGS: readonly ParkTargetMapping[] = [
  {
    // "新开工小微企业园目标数含在建目标": a park counts in the year of its 开工, whether still being built or not
    figure: 'parksStarted',
    trigger: 'construction_started',
    metrics: [PARK_PROGRAMME_METRICS.newParks.metric, '新开工小微企业园'],
  },
  {
    // 入园企业 of the monthly report; seed 000 (十八) "全年分别集聚入园企业200家、150家、100家"
    figure: 'enterpriseCount',
    trigger: 'monthly_report',
    metrics: [PARK_PROGRAMME_METRICS.enterprises.metric, '入园企业', '集聚企业', '入园集聚企业'],
  },
  {
    // 其中专精特新; the table prints the name in quotes: “专精特新”企业
    figure: 'specializedCount',
    trigger: 'monthly_report',
    metrics: [PARK_PROGRAMME_METRICS.specialized.metric, '“专精特新”企业', '"专精特新"企业'],
  },
  {
    figure: 'techCount',
    trigger: 'monthly_report',
    metrics: [PARK_PROGRAMME_METRICS.tech.metric],
  },
];

/** One park's share of a district figure. */
export interface ParkContribution {
  readonly parkId: string;
  readonly parkName: string;
  readonly value: number;
  /** The report counted (`<parkId>:<YYYY-MM>:r<n>`), or the 开工 date. */
  readonly basis: string;
}

export interface DistrictFigure {
  readonly value: number;
  /** The parks that contributed (value > 0 or a report counted), in the order given. */
  readonly contributions: readonly ParkContribution[];
}

/**
 * A district's figure for `year` from its parks' states:
 * - report figures: the sum, over the parks, of the figure in each park's
 *   current report of its latest month in that year (a stock: 入园企业 is the
 *   number of enterprises in the park, not an increment). A park without a
 *   report that year counts 0; reports of other years are not counted;
 * - parksStarted: the number of parks whose 开工 (construction_started) is dated in that year.
 */
export function districtFigure(parks: readonly RegisteredPark[], figure: ParkProgrammeFigure, year: number): DistrictFigure {
  const contributions: ParkContribution[] = [];
  for (const park of parks) {
    if (figure === 'parksStarted') {
      const started = park.milestones.find((m) => m.milestone === 'construction_started');
      if (started && started.date.startsWith(`${String(year).padStart(4, '0')}-`)) {
        contributions.push({ parkId: park.parkId, parkName: park.name, value: 1, basis: started.date });
      }
      continue;
    }
    const latest = latestReportOfYear(park, year);
    if (latest) contributions.push({ parkId: park.parkId, parkName: park.name, value: latest[figure], basis: latest.reportId });
  }
  return { value: contributions.reduce((sum, c) => sum + c.value, 0), contributions };
}

function latestReportOfYear(park: RegisteredPark, year: number) {
  const prefix = reportPeriod(year, 1).slice(0, 5); // "2021-"
  const keys = Object.keys(park.reports).filter((k) => k.startsWith(prefix)).sort();
  const last = keys[keys.length - 1];
  return last === undefined ? null : park.reports[last]!;
}

const FIGURE_NAMES: Readonly<Record<ParkProgrammeFigure, string>> = {
  parksStarted: '新开工小微企业园',
  enterpriseCount: '入园企业',
  specializedCount: '专精特新企业',
  techCount: '科技型企业',
};

/** At most this many parks are named in a progress note (the total is always exact). */
const NOTE_PARKS = 10;

/** The note of a progress record: what was summed, from which reports. */
export function progressNote(district: string, year: number, figure: ParkProgrammeFigure, total: DistrictFigure, trigger: string): string {
  const named = total.contributions.slice(0, NOTE_PARKS).map((c) => `${c.parkName}${c.value}（${c.basis}）`);
  const more = total.contributions.length > NOTE_PARKS ? `等${total.contributions.length}个园区` : '';
  const parts = named.length > 0 ? `：${named.join('；')}${more}` : '：暂无园区数据';
  const how = figure === 'parksStarted' ? `${year}年开工的园区数` : `各园区${year}年最新月报合计`;
  return `${district}${FIGURE_NAMES[figure]}按${how}自动汇总（触发：${trigger}）${parts}`;
}
