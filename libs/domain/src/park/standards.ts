/**
 * The figures of the seeds, in one place (docs/parks.md quotes their sources).
 * Seed 001 is a draft (征求意见稿): if the final text changes a figure, change it
 * here; stored events keep the amounts they were decided with.
 */
import type { ParkType, StarLevel } from './commands';

/** m² per 亩 (1 亩 = 10000/15 m² ≈ 666.67 m²). */
export const M2_PER_MU = 10000 / 15;

export interface SizeThreshold {
  /** 占地面积, 亩 ("…亩以上": at least). */
  readonly landAreaMu: number;
  /** 建筑面积, m² ("…平方米以上": at least). */
  readonly floorAreaM2: number;
}

/** Seed 001 items 4–5: either figure suffices ("或"). */
export const PARK_SIZE_STANDARDS: Readonly<Record<ParkType, SizeThreshold>> = {
  manufacturing: { landAreaMu: 100, floorAreaM2: 100_000 },
  producer_services: { landAreaMu: 50, floorAreaM2: 50_000 },
};

/** Seed 001 item 8: 建筑容积率原则上不低于1.5 (new parks on industrial land). */
export const MIN_PLOT_RATIO = 1.5;
/** Seed 001 item 8: 非生产性用房占地面积不得超过工业用地面积的7%. */
export const MAX_NON_PRODUCTION_LAND_PERCENT = 7;
/** Seed 001 item 8: 建筑面积占项目总建筑面积的比例一般不得超过25%. */
export const MAX_NON_PRODUCTION_FLOOR_PERCENT = 25;
/** Seed 000 (十七): 对亩均税收1万元以下…的已入园企业，及时予以整改 (万元/亩). */
export const MIN_ENTERPRISE_TAX_PER_MU_WAN = 1;

/** Seed 001 item 23: 首次认定为一星、二星、三星 … 分别给予 … 50万元、80万元、100万元. */
export const STAR_AWARDS_WAN: Readonly<Record<StarLevel, number>> = { 1: 50, 2: 80, 3: 100 };

/**
 * The award due for a rating (万元): "对提升星级的给予差额奖励". The award of the
 * new level minus the award of the highest level already rewarded, never
 * negative: a first rating pays the full amount, an upgrade the difference, a
 * downgrade nothing, and climbing back to a level already rewarded nothing.
 */
export function starAwardDueWan(highestAwardedBefore: 0 | StarLevel, stars: StarLevel): number {
  const paid = highestAwardedBefore === 0 ? 0 : STAR_AWARDS_WAN[highestAwardedBefore];
  return Math.max(0, STAR_AWARDS_WAN[stars] - paid);
}

/**
 * The city's park authority: 牵头单位 of 评定星级园区 (seed 000 (十五)) and author of
 * the 认定评价办法 (seed 000 (二)). Besides supervisors, it alone certifies and rates.
 */
export const PARK_AUTHORITY_UNIT = '市工信局';

/** Plot ratio from the areas, rounded to 4 decimals (floating noise must not decide a threshold). */
export function computePlotRatio(floorAreaM2: number, landAreaMu: number): number {
  return Math.round(((floorAreaM2 * 15) / (landAreaMu * 10000)) * 10000) / 10000;
}
