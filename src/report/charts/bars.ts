/**
 * Generic grouped bar chart: named series side by side over categories (hours, pools, models). The
 * statement's hourly cost and income chart is built with it; the simulator can reuse it for per-hour
 * volumes.
 */
import type { BarSeriesOption, EChartsOption } from 'echarts';
import { formatNumber } from '../format.js';
import { INK, MUTED_INK, baseOption, colorFor, valueAxis } from './style.js';

export interface BarSeries {
  name: string;
  /** One value per category; null leaves a gap. */
  values: ReadonlyArray<number | null>;
  color?: string;
}

export interface BarChartSpec {
  categories: readonly string[];
  series: readonly BarSeries[];
  /** Unit shown as the y-axis name: "USD per hour", "tokens". */
  unitLabel: string;
  formatValue?: (value: number) => string;
  /** Label every n-th category (1 = all); chosen from the category count when absent. */
  labelEvery?: number;
  title?: string;
}

/** Labels stay legible at about a dozen per axis. */
function chooseLabelEvery(categoryCount: number): number {
  return Math.max(1, Math.ceil(categoryCount / 12));
}

export function buildBarOption(spec: BarChartSpec): EChartsOption {
  const formatValue = spec.formatValue ?? ((value: number) => formatNumber(value));
  for (const bars of spec.series) {
    if (bars.values.length !== spec.categories.length) {
      throw new RangeError(
        `bar series "${bars.name}" has ${bars.values.length} values for ${spec.categories.length} categories`,
      );
    }
  }
  const labelEvery = spec.labelEvery ?? chooseLabelEvery(spec.categories.length);
  const series: BarSeriesOption[] = spec.series.map((bars, index) => {
    const color = bars.color ?? colorFor(bars.name, index);
    return {
      type: 'bar',
      name: bars.name,
      data: [...bars.values],
      color,
      itemStyle: { color },
      barGap: '8%',
      barCategoryGap: '28%',
      emphasis: { disabled: true },
    };
  });
  return {
    ...baseOption(spec.title),
    xAxis: {
      type: 'category',
      data: [...spec.categories],
      axisLabel: { color: MUTED_INK, fontSize: 12, interval: labelEvery - 1 },
      axisLine: { lineStyle: { color: INK } },
      axisTick: { alignWithLabel: false, interval: labelEvery - 1, lineStyle: { color: INK } },
    },
    yAxis: valueAxis(spec.unitLabel, formatValue),
    series,
  };
}
