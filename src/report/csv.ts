import type { StatementJson } from './statement.js';

const COLUMNS = [
  'start',
  'end',
  'averageNodes',
  'costUsd',
  'theoreticalRevenueUsd',
  'realizedRevenueUsd',
  'inputTokens',
  'cacheHitInputTokens',
  'outputTokens',
] as const;

/**
 * One row per bucket, plus average nodes per pool, as plain decimal numbers: money to the micro-dollar,
 * as in the JSON. A spreadsheet adds them as binary floats, so a column's sum can differ from the
 * statement's total in the last digits; the statement's totals are the exact ones.
 */
export function renderHourlyCsv(statement: StatementJson): string {
  const pools = Object.keys(statement.totals.pools);
  const header = [...COLUMNS, ...pools.map((pool) => `averageNodes_${pool}`)];
  const rows = statement.hourly.map((bucket) =>
    [...COLUMNS.map((column) => bucket[column] ?? ''), ...pools.map((pool) => bucket.nodesByPool[pool])].map(csvField).join(','),
  );
  return `${[header.map(csvField).join(','), ...rows].join('\n')}\n`;
}

function csvField(value: string | number): string {
  const text = String(value);
  return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
