import type { SimulationReport } from '../scenario/simulate.js';
import { buildTimeSeriesOption, type TimeSeries } from './charts/time-series.js';
import { renderChartSvg } from './charts/render.js';
import { formatNumber, formatPercent } from './format.js';
import { chartSection, escapeHtml, renderStatementHtml } from './html.js';

const ms = (seconds: number | null) => (seconds === null ? '–' : `${formatNumber(seconds * 1000, 0)} ms`);
const num = (value: number | null, decimals = 0) => (value === null ? '–' : formatNumber(value, decimals));

/** The statement page of a simulated window, with the twin's throughput and latency over the day. */
export function renderSimulationHtml(report: SimulationReport, widthPx = 1060): string {
  const statement = report.statement;
  const window = statement.window;
  // Each bucket's value holds until the bucket ends, so the last one is repeated at the window's end.
  const series = (name: string, pick: (row: SimulationReport['hourly'][number]) => number | null, scale = 1, dashed = false): TimeSeries => {
    const points = report.hourly.map((row) => [row.start, pick(row) === null ? null : (pick(row) as number) * scale] as const);
    const last = points[points.length - 1];
    return { name, points: last ? [...points, [window.end, last[1]] as const] : points, step: true, dashed };
  };
  const throughputSvg = renderChartSvg(
    buildTimeSeriesOption({
      window,
      unitLabel: 'tokens/s per node',
      series: [series('prefill input tokens/s per node', (r) => r.prefillTokensPerSecondPerNode), series('decode output tokens/s per node', (r) => r.decodeTokensPerSecondPerNode)],
    }),
    { widthPx, heightPx: 340, idPrefix: 'tf-throughput' },
  );
  // Seconds to the first token and milliseconds per token differ by a thousandfold: one chart each.
  const ttftSvg = renderChartSvg(
    buildTimeSeriesOption({
      window,
      unitLabel: 's',
      series: [series('time to first token, p50', (r) => r.ttftP50Seconds), series('time to first token, p99', (r) => r.ttftP99Seconds, 1, true)],
    }),
    { widthPx, heightPx: 300, idPrefix: 'tf-ttft' },
  );
  const tpotSvg = renderChartSvg(
    buildTimeSeriesOption({
      window,
      unitLabel: 'ms',
      series: [series('time per output token, p50', (r) => r.tpotP50Seconds, 1000), series('time per output token, p99', (r) => r.tpotP99Seconds, 1000, true)],
    }),
    { widthPx, heightPx: 300, idPrefix: 'tf-tpot' },
  );
  const l = report.latency;
  const rows: Array<[string, string]> = [
    ['Requests', `${num(report.requests)} (${num(report.completed)} completed, ${num(report.rejected)} rejected)`],
    ['Prefill throughput', `${num(report.throughput.prefillTokensPerSecondPerNode)} input tokens/s per node`],
    ['Decode throughput', `${num(report.throughput.decodeTokensPerSecondPerNode)} output tokens/s per node, ${num(report.throughput.decodeTokensPerSecondPerUser, 1)} tokens/s per user (median)`],
    ['Time to first token', `p50 ${ms(l.ttftSeconds.p50)}, p90 ${ms(l.ttftSeconds.p90)}, p99 ${ms(l.ttftSeconds.p99)}`],
    ['Time per output token', `p50 ${ms(l.tpotSeconds.p50)}, p90 ${ms(l.tpotSeconds.p90)}, p99 ${ms(l.tpotSeconds.p99)}`],
    ['KV cache hit share', report.cacheHitShare === null ? '–' : formatPercent(report.cacheHitShare)],
    ['Mean KV length per output token', num(report.meanKvLengthPerOutputToken)],
    ['Run', `seed ${report.seed}, ${num(report.events)} events, ${formatNumber(report.simulatedSeconds / 3600, 2)} simulated hours`],
  ];
  const table = `<table class="kv"><tbody>${rows.map(([k, v]) => `<tr><th>${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`).join('')}</tbody></table>`;
  const sections =
    `<section><h2>The simulated day</h2>${table}</section>` +
    chartSection('Throughput per node', 'Per bucket, as the twin served it; prefill counts cached prompt tokens too, as DeepSeek does.', throughputSvg) +
    chartSection('Time to first token', 'Per bucket, median and 99th percentile: queueing for prefill, the prefill step, the KV transfer.', ttftSvg) +
    chartSection('Time per output token', 'Per bucket, median and 99th percentile: the decode step time each user sees.', tpotSvg);
  return renderStatementHtml(statement, { extraSectionsHtml: sections, generatedBy: 'tokenfleet simulate' });
}
