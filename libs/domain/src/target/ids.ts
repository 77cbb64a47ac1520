import { createHash } from 'node:crypto';

/**
 * The id of a target stream: one per (unit, year, metric), a UUID-shaped hash
 * of the three, so the same cell of a decomposition table always lands on the
 * same stream and setting it twice is refused.
 */
export function targetIdFor(unitId: string, year: number, metric: string): string {
  const h = createHash('sha256').update(JSON.stringify(['target', unitId, year, metric])).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** The four metrics of 郑政办〔2021〕34号 附件 (2021年郑州市小微企业园建设工作目标任务分解表). */
export const PARK_PROGRAMME_METRICS = {
  /** 新开工市级小微企业园, 个 ("新开工小微企业园目标数含在建目标"). */
  newParks: { metric: '新开工市级小微企业园', unitOfMeasure: '个' },
  /** 集聚入园企业, 家. */
  enterprises: { metric: '集聚入园企业', unitOfMeasure: '家' },
  /** "专精特新"企业, 家. */
  specialized: { metric: '专精特新企业', unitOfMeasure: '家' },
  /** 科技型企业, 家. */
  tech: { metric: '科技型企业', unitOfMeasure: '家' },
} as const;
