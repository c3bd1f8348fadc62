import type { StatementJson } from './statement.js';

const usd0 = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', maximumFractionDigits: 0 });
const usd2 = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', minimumFractionDigits: 2 });
const usd4 = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', minimumFractionDigits: 4 });
const fixed2 = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const whole = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

const percent = (ratio: number) => `${(ratio * 100).toFixed(1)}%`;
const billions = (tokens: number) => `${(tokens / 1e9).toFixed(1)}B`;

/** The statement for a terminal: the totals a reader wants first, then one line per bucket. */
export function renderStatementText(statement: StatementJson): string {
  const t = statement.totals;
  const lines: string[] = [];
  lines.push(statement.scenario);
  lines.push(`${statement.window.start} to ${statement.window.end} (${statement.window.timeZone})`);
  lines.push('');
  lines.push(`Fleet      ${fixed2.format(t.averageNodes)} nodes on average, ${t.peakNodes} at peak, ${whole.format(t.nodeHours)} node-hours`);
  for (const [pool, p] of Object.entries(t.pools)) {
    lines.push(`           ${pool.padEnd(10)} ${fixed2.format(p.averageNodes).padStart(8)} avg ${String(p.peakNodes).padStart(5)} peak ${usd0.format(p.costUsd).padStart(12)}`);
  }
  lines.push(`Cost       ${usd2.format(t.costUsd)}`);
  const hitShare = t.inputTokens === 0 ? 0 : t.cacheHitInputTokens / t.inputTokens;
  lines.push(`Tokens     input ${billions(t.inputTokens)} (cache hit ${billions(t.cacheHitInputTokens)}, ${percent(hitShare)}), output ${billions(t.outputTokens)}`);
  lines.push(`Revenue    theoretical ${usd2.format(t.theoreticalRevenueUsd)}  [${statement.theoreticalPriceBook}]`);
  if (t.realizedRevenueUsd !== null) {
    lines.push(`           realized    ${usd2.format(t.realizedRevenueUsd)}  [${statement.realizedPriceBook}; a scenario result, not a published figure]`);
  }
  lines.push(`Margin     cost-profit ${percent(t.costProfitMargin)}, gross ${percent(t.grossMargin)} (theoretical)`);
  if (t.realizedCostProfitMargin !== null && t.realizedGrossMargin !== null) {
    lines.push(`           cost-profit ${percent(t.realizedCostProfitMargin)}, gross ${percent(t.realizedGrossMargin)} (realized)`);
  }
  const perMillion = (value: number | null) => (value === null ? 'n/a' : usd4.format(value));
  lines.push(`Unit cost  ${perMillion(t.costPerMillionInputTokensUsd)} per 1M input tokens, ${perMillion(t.costPerMillionOutputTokensUsd)} per 1M output tokens`);
  lines.push(`           (${t.costAttribution})`);
  lines.push('');

  const hasRealized = t.realizedRevenueUsd !== null;
  const header = ['start', 'nodes', 'cost', 'theoretical', ...(hasRealized ? ['realized'] : []), 'input', 'hit', 'output'];
  const rows = statement.hourly.map((bucket) => [
    bucket.start.slice(0, 16).replace('T', ' '),
    fixed2.format(bucket.averageNodes),
    usd0.format(bucket.costUsd),
    usd0.format(bucket.theoreticalRevenueUsd),
    ...(hasRealized ? [usd0.format(bucket.realizedRevenueUsd ?? 0)] : []),
    billions(bucket.inputTokens),
    billions(bucket.cacheHitInputTokens),
    billions(bucket.outputTokens),
  ]);
  rows.push([
    'total',
    fixed2.format(t.averageNodes),
    usd0.format(t.costUsd),
    usd0.format(t.theoreticalRevenueUsd),
    ...(hasRealized ? [usd0.format(t.realizedRevenueUsd ?? 0)] : []),
    billions(t.inputTokens),
    billions(t.cacheHitInputTokens),
    billions(t.outputTokens),
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
