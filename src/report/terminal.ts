import { formatNumber, formatPercent as percent, formatTokens as tokens, formatUsd } from './format.js';
import type { StatementJson } from './statement.js';

const usd0 = (value: number) => formatUsd(value, 0);
const usd2 = (value: number) => formatUsd(value, 2);
const fixed2 = (value: number) => value.toFixed(2);

/** The statement for a terminal: the totals a reader wants first, then one line per bucket. */
export function renderStatementText(statement: StatementJson): string {
  const t = statement.totals;
  const lines: string[] = [];
  lines.push(statement.scenario);
  lines.push(`${statement.window.start} to ${statement.window.end} (${statement.window.timeZone})`);
  lines.push('');
  lines.push(`Fleet      ${fixed2(t.averageNodes)} nodes on average, ${t.peakNodes} at peak, ${formatNumber(t.nodeHours, 0)} node-hours`);
  for (const [pool, p] of Object.entries(t.pools)) {
    lines.push(`           ${pool.padEnd(10)} ${fixed2(p.averageNodes).padStart(8)} avg ${String(p.peakNodes).padStart(5)} peak ${usd0(p.costUsd).padStart(12)}`);
  }
  lines.push(`Cost       ${usd2(t.costUsd)}`);
  const hitShare = t.inputTokens === 0 ? 0 : t.cacheHitInputTokens / t.inputTokens;
  lines.push(`Tokens     input ${tokens(t.inputTokens)} (cache hit ${tokens(t.cacheHitInputTokens)}, ${percent(hitShare)}), output ${tokens(t.outputTokens)}`);
  lines.push(`Revenue    theoretical ${usd2(t.theoreticalRevenueUsd)}  [${statement.theoreticalPriceBook}]`);
  if (t.realizedRevenueUsd !== null) {
    lines.push(`           realized    ${usd2(t.realizedRevenueUsd)}  [${statement.realizedPriceBook}; a scenario result, not a published figure]`);
  }
  lines.push(`Margin     cost-profit ${percent(t.costProfitMargin)}, gross ${percent(t.grossMargin)} (theoretical)`);
  if (t.realizedCostProfitMargin !== null && t.realizedGrossMargin !== null) {
    lines.push(`           cost-profit ${percent(t.realizedCostProfitMargin)}, gross ${percent(t.realizedGrossMargin)} (realized)`);
  }
  const perMillion = (value: number | null) => (value === null ? 'n/a' : formatUsd(value, 4));
  lines.push(`Unit cost  ${perMillion(t.costPerMillionInputTokensUsd)} per 1M input tokens, ${perMillion(t.costPerMillionOutputTokensUsd)} per 1M output tokens`);
  lines.push(`           (${t.costAttribution})`);
  lines.push('');

  const hasRealized = t.realizedRevenueUsd !== null;
  const header = ['start', 'nodes', 'cost', 'theoretical', ...(hasRealized ? ['realized'] : []), 'input', 'hit', 'output'];
  const rows = statement.hourly.map((bucket) => [
    bucket.start.slice(0, 16).replace('T', ' '),
    fixed2(bucket.averageNodes),
    usd0(bucket.costUsd),
    usd0(bucket.theoreticalRevenueUsd),
    ...(hasRealized ? [usd0(bucket.realizedRevenueUsd ?? 0)] : []),
    tokens(bucket.inputTokens),
    tokens(bucket.cacheHitInputTokens),
    tokens(bucket.outputTokens),
  ]);
  rows.push([
    'total',
    fixed2(t.averageNodes),
    usd0(t.costUsd),
    usd0(t.theoreticalRevenueUsd),
    ...(hasRealized ? [usd0(t.realizedRevenueUsd ?? 0)] : []),
    tokens(t.inputTokens),
    tokens(t.cacheHitInputTokens),
    tokens(t.outputTokens),
  ]);
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((row) => row[c].length)));
  const format = (row: string[]) => row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ');
  lines.push(format(header));
  lines.push(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const row of rows.slice(0, -1)) lines.push(format(row));
  lines.push(widths.map((w) => '-'.repeat(w)).join('  '));
  lines.push(format(rows[rows.length - 1]));
  return `${lines.join('\n')}\n`;
}
