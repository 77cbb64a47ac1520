import type { BulletinEntry, BulletinInput, BulletinUnit, OverdueItem, OverdueStep } from '../model';

/**
 * A realistic bulletin input for specs and examples: May 2021, the 16
 * responsible units in their three groups, a tie, an unscored unit, a red and
 * a black unit per group with the overdue items behind each black entry.
 * Figures are invented (consistent with each other), names are the registry's.
 */

const unit = (name: string): BulletinUnit => ({ id: name, name });

function entry(name: string, score: number | null, rank: number | null, figures: Partial<BulletinEntry> = {}): BulletinEntry {
  return {
    unit: unit(name),
    score,
    rank,
    red: false,
    black: false,
    due: 8,
    assessed: 8,
    onTimeRate: 1,
    closureRate: 1,
    reworkRate: 0,
    extensionRate: 0,
    targetCompletion: null,
    overdue: 0,
    overdueCarried: 0,
    reopens: 0,
    ...figures,
  };
}

const item = (name: string, path: string, title: string, days: number, step: OverdueStep): OverdueItem => ({
  documentNumber: '郑政办〔2021〕34号',
  path,
  title,
  unit: unit(name),
  workingDaysOverdue: days,
  step,
});

export function sampleBulletinInput(): BulletinInput {
  return {
    issuer: '郑州市人民政府办公厅',
    period: { id: '2021-05', label: '2021年5月' },
    documentNumber: '郑政办文〔2021〕　号',
    totals: { items: 128, closed: 117, onTimeRate: 0.8672, closureRate: 0.9141, overdue: 11, escalated: 5, listedForCriticism: 2 },
    groups: [
      {
        name: '开发区',
        entries: [
          entry('郑东新区', 98.5, 1, { red: true, due: 9, assessed: 9, targetCompletion: 1 }),
          entry('郑州高新区', 93.12, 2, { onTimeRate: 0.875, extensionRate: 0.125, targetCompletion: 0.9615 }),
          entry('郑州经开区', 90.4, 3, { onTimeRate: 0.8571, due: 7, assessed: 7, reworkRate: 0.125 }),
          entry('郑州航空港区', 70.2, 4, { black: true, due: 10, assessed: 10, onTimeRate: 0.6, closureRate: 0.8, overdue: 2, reopens: 1, targetCompletion: 0.7333 }),
        ],
      },
      {
        name: '县市',
        entries: [
          entry('新郑市', 97.06, 1, { red: true, targetCompletion: 1 }),
          entry('巩义市', 92, 2, { onTimeRate: 0.875 }),
          entry('荥阳市', 92, 2, { onTimeRate: 0.875, reworkRate: 0 }),
          entry('登封市', 88.35, 4, { onTimeRate: 0.75, extensionRate: 0.25 }),
          entry('新密市', 84.6, 5, { onTimeRate: 0.7778, due: 9, assessed: 9, closureRate: 0.8889, overdue: 1 }),
          entry('中牟县', 61.2, 6, { black: true, onTimeRate: 0.5, closureRate: 0.625, overdue: 3, overdueCarried: 1, reworkRate: 0.2857 }),
        ],
      },
      {
        name: '市内区',
        entries: [
          entry('金水区', 96.8, 1, { red: true }),
          entry('二七区', 91.25, 2, { onTimeRate: 0.8333, due: 6, assessed: 6 }),
          entry('中原区', 89.9, 3, { onTimeRate: 0.8, due: 5, assessed: 5 }),
          entry('管城回族区', 80.15, 4, { onTimeRate: 0.6667, due: 6, assessed: 6, closureRate: 0.8333, overdue: 1 }),
          entry('上街区', 66.75, 5, { black: true, onTimeRate: 0.5, due: 4, assessed: 4, closureRate: 0.5, overdue: 2 }),
          entry('惠济区', null, null, { due: 0, assessed: 0, onTimeRate: null, closureRate: null, reworkRate: null, extensionRate: null }),
        ],
      },
    ],
    red: [{ unitId: '郑东新区' }, { unitId: '新郑市' }, { unitId: '金水区' }],
    black: [
      {
        unitId: '郑州航空港区',
        overdueItems: [
          item('郑州航空港区', '二/（一）/3', '推进智能终端产业园标准化厂房建设', 12, '通报批评'),
          item('郑州航空港区', '三/（二）/1', '完成综合保税区货运通道改造', 6, '督办'),
        ],
      },
      {
        unitId: '中牟县',
        overdueItems: [
          item('中牟县', '一/（四）/2', '完成县城污水处理厂提标改造', 15, '通报批评'),
          item('中牟县', '二/（三）/5', '推动文化旅游项目集中开工', 7, '督办'),
          item('中牟县', '四/（一）/1', '落实高标准农田建设任务', 2, '催办'),
        ],
      },
      {
        unitId: '上街区',
        overdueItems: [
          item('上街区', '三/（五）/2', '推进老旧小区改造项目开工', 5, '督办'),
          item('上街区', '五/（二）/4', '完成通用航空产业园配套道路建设', 1, '催办'),
        ],
      },
    ],
    rectifyBy: '2021-06-18',
    rule: { id: 'duban-score', version: 2 },
    position: '48213',
    headHash: '9f2c4e7a1b3d5f60718293a4b5c6d7e8f9011223344556677889900aabbccdd',
    issuedAt: '2021-06-07',
  };
}
