import * as echarts from 'echarts';
import type { BulletinDocument, RowMark } from '../document';

/** CJK faces first (what a government PC or a Linux server has), then generic: names must stay legible wherever the SVG is opened. */
export const CJK_FONT_FAMILY = "'Source Han Sans SC', 'Noto Sans CJK SC', 'Microsoft YaHei', 'PingFang SC', 'SimHei', 'WenQuanYi Micro Hei', sans-serif";

const COLOUR: Record<'red' | 'black' | 'none', string> = { red: '#c00000', black: '#262626', none: '#5b7fa6' };
const WIDTH = 760;
const TITLE_HEIGHT = 48;
const GROUP_HEADER = 34;
const ROW_HEIGHT = 28;
const GROUP_GAP = 22;

function colourOf(mark: RowMark): string {
  return COLOUR[mark ?? 'none'];
}

/**
 * The ranking chart as SVG (echarts, server-side rendering): one horizontal
 * bar chart per group, stacked, units by rank from the top, a bar per score,
 * the red list in red and the black list in black. Unscored units are not
 * drawn (the annex table lists them). Deterministic: no animation, and the
 * ids zrender numbers per process are renumbered.
 */
export function renderRankingSvg(doc: BulletinDocument): string {
  const groups = doc.chart.groups;
  const grids: echarts.EChartsOption['grid'] = [];
  const xAxes: echarts.EChartsOption['xAxis'] = [];
  const yAxes: echarts.EChartsOption['yAxis'] = [];
  const series: echarts.BarSeriesOption[] = [];
  const titles: echarts.TitleComponentOption[] = [{ text: doc.chart.title, left: 'center', top: 10, textStyle: { fontSize: 18, fontFamily: CJK_FONT_FAMILY } }];
  let top = TITLE_HEIGHT;
  groups.forEach((group, i) => {
    const rows = Math.max(group.bars.length, 1);
    titles.push({ text: `${group.group}组`, left: 16, top, textStyle: { fontSize: 15, fontWeight: 'bold', fontFamily: CJK_FONT_FAMILY } });
    const gridTop = top + GROUP_HEADER;
    (grids as object[]).push({ left: 120, right: 70, top: gridTop, height: rows * ROW_HEIGHT });
    (xAxes as object[]).push({ type: 'value', gridIndex: i, min: 0, max: 100, interval: 20, axisLabel: { show: i === groups.length - 1 }, splitLine: { lineStyle: { color: '#e5e5e5' } } });
    (yAxes as object[]).push({
      type: 'category',
      gridIndex: i,
      inverse: true,
      data: group.bars.map((b) => `${b.rank}. ${b.unit}`),
      axisTick: { show: false },
      axisLabel: { fontSize: 13, color: '#222' },
    });
    series.push({
      type: 'bar',
      xAxisIndex: i,
      yAxisIndex: i,
      barWidth: 16,
      data: group.bars.map((b) => ({ value: b.score, itemStyle: { color: colourOf(b.mark) } })),
      label: { show: true, position: 'right', fontSize: 12, formatter: (p: { value?: unknown }) => Number(p.value).toFixed(2) },
    });
    top = gridTop + rows * ROW_HEIGHT + GROUP_GAP;
  });
  const height = top + 8;
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width: WIDTH, height });
  try {
    chart.setOption({
      animation: false,
      backgroundColor: '#ffffff',
      textStyle: { fontFamily: CJK_FONT_FAMILY },
      title: titles,
      grid: grids,
      xAxis: xAxes,
      yAxis: yAxes,
      series,
    });
    return normaliseIds(chart.renderToSVGString());
  } finally {
    chart.dispose(); // without it the process keeps a handle and does not exit
  }
}

/**
 * zrender numbers the SVG's ids and classes with per-process counters (the
 * instance in zr3-…, the class in …-cls-17): renumber each kind by order of
 * first appearance so that the same chart gives the same bytes.
 */
function normaliseIds(svg: string): string {
  const seen = new Map<string, string>();
  const perKind = new Map<string, number>();
  return svg.replace(/\bzr\d+-([a-z]+)(-?)(\d+)\b/g, (token, kind: string, dash: string) => {
    if (!seen.has(token)) {
      const n = perKind.get(kind) ?? 0;
      perKind.set(kind, n + 1);
      seen.set(token, `zr0-${kind}${dash}${n}`);
    }
    return seen.get(token)!;
  });
}
