// The library's public face; each layer adds its exports here.
export { InputError, isInputError } from './errors.js';
export { formatCompact, formatNumber, formatPercent, formatTokens, formatUsd, formatUsdCompact } from './report/format.js';
export { describeWindow, escapeHtml, findTrough, renderStatementHtml, type StatementHtmlOptions } from './report/html.js';
export { buildBarOption, type BarChartSpec, type BarSeries } from './report/charts/bars.js';
export { buildTimeSeriesOption, type TimeSeries, type TimeSeriesChartSpec, type TimeWindow, type ReferenceLine } from './report/charts/time-series.js';
export { buildCostIncomeOption, buildNodeCountOption, hasRealizedRevenue, poolNames } from './report/charts/statement-charts.js';
export { renderChartSvg, type SvgSize } from './report/charts/render.js';
export { PALETTE, SERIES_COLORS } from './report/charts/style.js';
