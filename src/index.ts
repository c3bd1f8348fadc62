// The library's public face; each layer adds its exports here.
export { InputError, isInputError } from './errors.js';
export * from './econ/exact.js';
export * from './econ/pricebook.js';
export * from './econ/ledger.js';
export * from './econ/totals.js';
export * from './econ/fleet-usage.js';
export { loadScenario } from './scenario/load.js';
export { buildScenario, type Scenario } from './scenario/build.js';
export { scenarioLedger } from './scenario/ledger.js';
export { buildStatement } from './report/build-statement.js';
export { renderStatementText } from './report/terminal.js';
export { renderHourlyCsv } from './report/csv.js';
export type * from './report/statement.js';
export { formatCompact, formatNumber, formatPercent, formatTokens, formatUsd, formatUsdCompact } from './report/format.js';
export { describeWindow, escapeHtml, findTrough, renderStatementHtml, type StatementHtmlOptions } from './report/html.js';
export { buildBarOption, type BarChartSpec, type BarSeries } from './report/charts/bars.js';
export { buildTimeSeriesOption, type TimeSeries, type TimeSeriesChartSpec, type TimeWindow, type ReferenceLine } from './report/charts/time-series.js';
export { buildCostIncomeOption, buildNodeCountOption, hasRealizedRevenue, poolNames } from './report/charts/statement-charts.js';
export { renderChartSvg, type SvgSize } from './report/charts/render.js';
export { PALETTE, SERIES_COLORS } from './report/charts/style.js';
export * from './catalog/gpus.js';
export * from './catalog/models.js';
export { CALIBRATION, type Calibration } from './perf/calibration.js';
export * from './perf/layout.js';
export * from './perf/memory.js';
export { expertImbalanceFactor, zipfExpertLoads } from './perf/imbalance.js';
export * from './perf/step-model.js';
export * from './perf/evaluate.js';
export * from './perf/presets.js';
// The simulator's step-time interface shares its name with perf's (a unit's step model): exported as FleetStepTimeModel.
export {
  runFleet,
  validateFleetConfig,
  EventQueue,
  PrefixCache,
  LogHistogramSketch,
  AffineStepTimeModel,
  type FleetConfig,
  type FleetResult,
  type BucketResult,
  type RunOptions,
  type RunProgress,
  type StepTimeModel as FleetStepTimeModel,
} from './sim/index.js';
export * from './workload/index.js';
