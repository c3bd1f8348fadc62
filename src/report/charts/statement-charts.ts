/**
 * The two charts of DeepSeek's disclosure, drawn from a statement: the fleet's node count over the day
 * and cost against theoretical income per hour. Pure: StatementJson in, EChartsOption out.
 */
import type { EChartsOption } from 'echarts';
import { formatNumber, formatUsdCompact } from '../format.js';
import type { StatementJson } from '../statement.js';
import { parseIsoWithOffset, toEpochMs } from '../time.js';
import { buildBarOption, type BarSeries } from './bars.js';
import { SERIES_COLORS, colorFor } from './style.js';
import { buildTimeSeriesOption, type TimeSeries } from './time-series.js';

export interface ChartTitleOptions {
  /** Drawn inside the chart; the HTML report leaves it out and uses its own heading. */
  title?: string;
}

/** Pool names in the order they first appear in the node steps. */
export function poolNames(statement: StatementJson): string[] {
  const names: string[] = [];
  for (const step of statement.nodeSteps) {
    for (const name of Object.keys(step.byPool)) if (!names.includes(name)) names.push(name);
  }
  return names;
}

/**
 * Node count as a step line over the window, each pool stacked (prefill under decode) with the total on
 * top, plus a dashed line at the day's average.
 */
export function buildNodeCountOption(statement: StatementJson, options: ChartTitleOptions = {}): EChartsOption {
  const steps = statement.nodeSteps;
  const last = steps[steps.length - 1];
  // The last step holds until the window end; without a point there the line would stop at its start.
  const withEnd =
    last !== undefined && toEpochMs(last.at) < toEpochMs(statement.window.end)
      ? [...steps, { ...last, at: statement.window.end }]
      : steps;
  const pools = poolNames(statement);
  const series: TimeSeries[] = [];
  if (pools.length >= 2) {
    pools.forEach((pool, index) => {
      series.push({
        name: pool,
        points: withEnd.map((step) => [step.at, step.byPool[pool] ?? 0] as const),
        step: true,
        area: true,
        stack: 'pools',
        color: colorFor(pool, index),
        lineWidthPx: 0,
      });
    });
  }
  series.push({
    name: 'total',
    points: withEnd.map((step) => [step.at, step.nodes] as const),
    step: true,
    area: pools.length < 2,
    color: pools.length < 2 ? colorFor('decode', 1) : SERIES_COLORS.total,
    lineWidthPx: 2,
  });
  return buildTimeSeriesOption({
    window: statement.window,
    series,
    unitLabel: 'nodes',
    formatValue: (value) => formatNumber(value, 0),
    referenceLines: [
      { value: statement.totals.averageNodes, label: `average ${formatNumber(statement.totals.averageNodes)}` },
    ],
    title: options.title,
  });
}

/** Whether the statement has realized revenue to show (a realized price book was applied). */
export function hasRealizedRevenue(statement: StatementJson): boolean {
  return (
    statement.totals.realizedRevenueUsd !== null &&
    statement.hourly.some((bucket) => bucket.realizedRevenueUsd !== null)
  );
}

/** "hour", "15 min": the bucket length, for the unit label. */
export function bucketLengthLabel(statement: StatementJson): string {
  const first = statement.hourly[0];
  if (first === undefined) return 'hour';
  const minutes = Math.round((toEpochMs(first.end) - toEpochMs(first.start)) / 60_000);
  if (minutes === 60) return 'hour';
  if (minutes % 60 === 0) return `${minutes / 60} h`;
  return `${minutes} min`;
}

/**
 * Cost and theoretical revenue per bucket as bars side by side (realized revenue as a third bar when the
 * scenario has a realized price book), labelled by the bucket's wall-clock start.
 */
export function buildCostIncomeOption(statement: StatementJson, options: ChartTitleOptions = {}): EChartsOption {
  const buckets = statement.hourly;
  const series: BarSeries[] = [
    { name: 'Cost', values: buckets.map((bucket) => bucket.costUsd), color: SERIES_COLORS.cost },
    {
      name: 'Theoretical revenue',
      values: buckets.map((bucket) => bucket.theoreticalRevenueUsd),
      color: SERIES_COLORS.theoreticalRevenue,
    },
  ];
  if (hasRealizedRevenue(statement)) {
    series.push({
      name: 'Realized revenue (scenario)',
      values: buckets.map((bucket) => bucket.realizedRevenueUsd),
      color: SERIES_COLORS.realizedRevenue,
    });
  }
  return buildBarOption({
    categories: buckets.map((bucket) => parseIsoWithOffset(bucket.start).time),
    series,
    unitLabel: `USD per ${bucketLengthLabel(statement)}`,
    formatValue: formatUsdCompact,
    title: options.title,
  });
}
