/**
 * Generic line chart over a time window: several named series, one unit. The statement's node chart and
 * the simulator's throughput and latency charts are all built with it. The x axis is elapsed hours since
 * the window start (so ticks fall on the window's own hours, e.g. 12:00, 14:00 … as in DeepSeek's chart)
 * and labels show wall-clock time in the window's zone.
 */
import type { EChartsOption, LineSeriesOption } from 'echarts';
import { formatNumber } from '../format.js';
import { hoursBetween, parseIsoWithOffset, toEpochMs, wallClockIn } from '../time.js';
import { INK, MUTED_INK, RULE, baseOption, colorFor, valueAxis } from './style.js';

export interface TimeWindow {
  /** ISO 8601 with offset. */
  start: string;
  end: string;
  /** IANA zone for labels; an unknown zone falls back to the start's offset. */
  timeZone: string;
}

export interface TimeSeries {
  name: string;
  /** [instant (ISO 8601 with offset, or epoch ms), value] in time order. */
  points: ReadonlyArray<readonly [string | number, number | null]>;
  /** Draw as a step function: each value holds until the next point. */
  step?: boolean;
  /** Fill the area under the line (or down to the series below it when stacked). */
  area?: boolean;
  /** Series with the same stack name pile up; they must share their instants. */
  stack?: string;
  color?: string;
  lineWidthPx?: number;
  dashed?: boolean;
}

export interface ReferenceLine {
  value: number;
  label: string;
}

export interface TimeSeriesChartSpec {
  window: TimeWindow;
  series: readonly TimeSeries[];
  /** Unit shown as the y-axis name: "nodes", "tokens/s per node", "ms". */
  unitLabel: string;
  formatValue?: (value: number) => string;
  /** Hours between x-axis ticks; chosen from the window length when absent. */
  tickHours?: number;
  /** Lower end of the y axis; 0 by default, since most fleet quantities start there. */
  yMin?: number;
  /** Dashed horizontal lines, e.g. an average. */
  referenceLines?: readonly ReferenceLine[];
  title?: string;
}

const TICK_CHOICES_HOURS = [0.25, 0.5, 1, 2, 3, 4, 6, 12, 24, 48, 168];

/** The smallest tick spacing that keeps about a dozen labels on the axis. */
export function chooseTickHours(windowHours: number): number {
  for (const tickHours of TICK_CHOICES_HOURS) if (windowHours / tickHours <= 12) return tickHours;
  return Math.ceil(windowHours / 12 / 168) * 168;
}

/** x-axis label formatter: elapsed hours -> wall-clock "14:00" (with the date on windows over 36 h). */
export function wallClockAxisLabel(window: TimeWindow): (elapsedHours: number) => string {
  const start = parseIsoWithOffset(window.start);
  const windowHours = hoursBetween(start.epochMs, toEpochMs(window.end));
  const wallClock = wallClockIn(window.timeZone, start.offsetMinutes);
  return (elapsedHours) => {
    // Round to the minute so float noise in elapsed hours never shows as 13:59.
    const epochMs = start.epochMs + Math.round(elapsedHours * 60) * 60_000;
    const clock = wallClock(epochMs);
    return windowHours > 36 ? `${clock.date.slice(5)} ${clock.time}` : clock.time;
  };
}

export function buildTimeSeriesOption(spec: TimeSeriesChartSpec): EChartsOption {
  const startMs = toEpochMs(spec.window.start);
  const windowHours = hoursBetween(startMs, toEpochMs(spec.window.end));
  const tickHours = spec.tickHours ?? chooseTickHours(windowHours);
  const formatValue = spec.formatValue ?? ((value: number) => formatNumber(value));
  const series: LineSeriesOption[] = spec.series.map((line, index) => {
    const color = line.color ?? colorFor(line.name, index);
    return {
      type: 'line',
      name: line.name,
      data: line.points.map(([at, value]) => [hoursBetween(startMs, toEpochMs(at)), value]),
      step: line.step === true ? 'end' : false,
      stack: line.stack,
      showSymbol: false,
      color,
      lineStyle: { color, width: line.lineWidthPx ?? 2, type: line.dashed === true ? 'dashed' : 'solid' },
      // Opaque fill so the legend swatch shows the colour the reader sees.
      areaStyle: line.area === true ? { color, opacity: 1 } : undefined,
      emphasis: { disabled: true },
      z: line.area === true ? 2 : 3,
    };
  });
  // On the last series, which is drawn on top, so stacked areas never hide the reference lines.
  const topSeries = series[series.length - 1];
  if (topSeries !== undefined && spec.referenceLines !== undefined && spec.referenceLines.length > 0) {
    topSeries.markLine = {
      silent: true,
      symbol: 'none',
      lineStyle: { color: MUTED_INK, type: 'dashed', width: 1 },
      label: {
        position: 'insideEndTop',
        color: INK,
        fontSize: 12,
        formatter: '{b}',
        backgroundColor: 'rgba(255,255,255,0.85)',
        padding: [1, 8],
        borderRadius: 2,
      },
      data: spec.referenceLines.map((line) => ({ name: line.label, yAxis: line.value })),
    };
  }
  const base = baseOption(spec.title);
  return {
    ...base,
    legend: {
      ...base.legend,
      // A swatch for filled series, a short bar for plain lines (not the line series' hollow circle).
      data: spec.series.map((line) => ({ name: line.name, icon: line.area === true ? 'roundRect' : 'path://M0 0H24V3H0Z' })),
    },
    xAxis: {
      type: 'value',
      min: 0,
      max: windowHours,
      interval: tickHours,
      axisLabel: { color: MUTED_INK, fontSize: 12, formatter: wallClockAxisLabel(spec.window), showMaxLabel: true },
      axisLine: { lineStyle: { color: INK } },
      axisTick: { lineStyle: { color: INK } },
      splitLine: { show: true, lineStyle: { color: RULE, type: 'dashed' } },
    },
    yAxis: valueAxis(spec.unitLabel, formatValue, spec.yMin ?? 0),
    series,
  };
}
