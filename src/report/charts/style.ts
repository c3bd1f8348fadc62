/**
 * Shared look of every chart: one palette and one type scale, so the CLI report, the simulator report
 * and the dashboard draw the same thing. Plain data, no echarts runtime.
 */
import type { EChartsOption } from 'echarts';

// Single quotes only: echarts writes this into an SVG style="…" attribute without escaping.
export const CHART_FONT_FAMILY =
  "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif";

export const INK = '#1f2430';
export const MUTED_INK = '#5b6270';
export const RULE = '#e3e6eb';

/** Named colours for the quantities the reports show; finance colours stay the same in every chart. */
export const SERIES_COLORS = {
  cost: '#d9822b',
  theoreticalRevenue: '#3b6fb6',
  realizedRevenue: '#2f9460',
  total: '#1f2430',
} as const;

/** Colours for series without a named colour (pools, models, percentiles), in order. */
// Muted first two (pools), so fleet charts never look like the money charts' revenue blue.
export const PALETTE: readonly string[] = ['#b3c6de', '#6f8fb9', '#9a7cc4', '#5aa9a0', '#c9a227', '#c4607a'];

/** Colour for the pool or series at `index`, with the usual pool names pinned so they never swap. */
export function colorFor(name: string, index: number): string {
  if (name === 'prefill') return PALETTE[0];
  if (name === 'decode') return PALETTE[1];
  return PALETTE[index % PALETTE.length];
}

/** Options every chart starts from: no animation (the SVG must be byte-identical run to run). */
export function baseOption(title: string | undefined): EChartsOption {
  return {
    animation: false,
    backgroundColor: 'transparent',
    textStyle: { fontFamily: CHART_FONT_FAMILY, color: INK, fontSize: 13 },
    title: title === undefined ? undefined : { text: title, left: 8, top: 4, textStyle: { fontSize: 16, fontWeight: 600, color: INK } },
    legend: { top: title === undefined ? 6 : 34, left: 'center', itemGap: 18, textStyle: { color: INK, fontSize: 13 } },
    tooltip: { trigger: 'axis' },
    // Fixed margins (not fitted to the labels) so stacked charts line their plot areas up.
    grid: { left: 64, right: 32, outerBoundsMode: 'none', top: title === undefined ? 48 : 76, bottom: 36 },
  };
}

/** The value axis both chart kinds share: unit as the axis name, light grid lines. */
export function valueAxis(unitLabel: string, formatValue: (value: number) => string, min?: number) {
  return {
    type: 'value' as const,
    name: unitLabel,
    nameLocation: 'end' as const,
    nameGap: 14,
    nameTextStyle: { color: MUTED_INK, fontSize: 12, align: 'left' as const },
    min,
    axisLabel: { color: MUTED_INK, fontSize: 12, formatter: (value: number) => formatValue(value) },
    splitLine: { lineStyle: { color: RULE } },
    axisLine: { show: false },
    axisTick: { show: false },
  };
}
