/**
 * A statement-shaped fixture built from DeepSeek's published day (shared/reference, beside the repo).
 * Not a ledger: hourly tokens are spread in proportion to hourly theoretical income, and the realized
 * variant's figures are invented for tests only.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { NodeStep, StatementBucket, StatementJson, TokenBreakdown } from '../../src/report/statement.js';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const referencePath = path.resolve(repoRoot, '../shared/reference/deepseek-2025-02-27.json');

interface Reference {
  window: { start: string; end: string };
  hardware: { gpusPerNode: number; gpuHourUsd: number };
  fleet: { peakNodes: number; averageNodes: number; dailyCostUsd: number; nodeCountSteps: Array<{ from: string; nodes: number }> };
  traffic: { inputTokens: number; cacheHitInputTokens: number; outputTokens: number };
  economics: { priceBook: string; prices: { inputCacheHit: number; inputCacheMiss: number; output: number }; theoreticalRevenueUsd: number };
  hourly: { costUsd: number[]; theoreticalIncomeUsd: number[] };
}

export function loadReference(): Reference {
  return JSON.parse(readFileSync(referencePath, 'utf8')) as Reference;
}

const HOUR_MS = 3_600_000;
const OFFSET = '+08:00';

/** "2025-02-28T03:30:00+08:00" for a wall-clock time in the day that starts at 12:00 on the 27th. */
function localInstant(startDate: string, nextDate: string, hhmm: string): string {
  return `${hhmm >= '12:00' ? startDate : nextDate}T${hhmm}:00${OFFSET}`;
}

/** 30-node steps are one 18-node decode unit + three 4-node prefill units; 68 nodes = 2 decode units + 32. */
function splitPools(nodes: number): Record<string, number> {
  const decode = 18 * (2 + (nodes - 68) / 30);
  return { prefill: nodes - decode, decode };
}

/** Node-hours of each pool inside [fromMs, toMs), from the step function. */
function nodeHoursIn(steps: NodeStep[], endMs: number, fromMs: number, toMs: number): Record<string, number> {
  const hours: Record<string, number> = { total: 0 };
  steps.forEach((step, index) => {
    const stepStart = Date.parse(step.at);
    const stepEnd = index + 1 < steps.length ? Date.parse(steps[index + 1].at) : endMs;
    const overlapHours = Math.max(0, Math.min(stepEnd, toMs) - Math.max(stepStart, fromMs)) / HOUR_MS;
    hours.total += step.nodes * overlapHours;
    for (const [pool, nodes] of Object.entries(step.byPool)) hours[pool] = (hours[pool] ?? 0) + nodes * overlapHours;
  });
  return hours;
}

export interface FixtureOptions {
  scenario?: string;
  /** Add invented realized revenue (a test-only price book) to exercise the realized series. */
  realized?: boolean;
}

export function statementFromReference(options: FixtureOptions = {}): StatementJson {
  const reference = loadReference();
  const nodeHourUsd = reference.hardware.gpusPerNode * reference.hardware.gpuHourUsd;
  const startDate = reference.window.start.slice(0, 10);
  const nextDate = reference.window.end.slice(0, 10);
  const startMs = Date.parse(reference.window.start);
  const endMs = Date.parse(reference.window.end);
  const nodeSteps: NodeStep[] = reference.fleet.nodeCountSteps.map((step) => ({
    at: localInstant(startDate, nextDate, step.from),
    nodes: step.nodes,
    byPool: splitPools(step.nodes),
  }));
  const { inputTokens, cacheHitInputTokens, outputTokens } = reference.traffic;
  const incomeUsd = reference.hourly.theoreticalIncomeUsd;
  const incomeTotalUsd = incomeUsd.reduce((sum, value) => sum + value, 0);
  // Invented for tests: only the paid API share earns, at half price by night (00:30-08:30).
  const realizedShare = (hourIndex: number) => (hourIndex >= 13 && hourIndex < 20 ? 0.1 : 0.2);

  const hourly: StatementBucket[] = incomeUsd.map((theoreticalRevenueUsd, hourIndex) => {
    const fromMs = startMs + hourIndex * HOUR_MS;
    const nodeHours = nodeHoursIn(nodeSteps, endMs, fromMs, fromMs + HOUR_MS);
    const share = theoreticalRevenueUsd / incomeTotalUsd;
    const { total, ...nodesByPool } = nodeHours;
    const hhmm = (ms: number) => new Date(ms + 8 * HOUR_MS).toISOString().slice(11, 16);
    const dateOf = (ms: number) => new Date(ms + 8 * HOUR_MS).toISOString().slice(0, 10);
    return {
      start: `${dateOf(fromMs)}T${hhmm(fromMs)}:00${OFFSET}`,
      end: `${dateOf(fromMs + HOUR_MS)}T${hhmm(fromMs + HOUR_MS)}:00${OFFSET}`,
      averageNodes: total,
      nodesByPool,
      costUsd: reference.hourly.costUsd[hourIndex],
      theoreticalRevenueUsd,
      realizedRevenueUsd: options.realized === true ? theoreticalRevenueUsd * realizedShare(hourIndex) : null,
      inputTokens: inputTokens * share,
      cacheHitInputTokens: cacheHitInputTokens * share,
      outputTokens: outputTokens * share,
    };
  });

  const dayPoolHours = nodeHoursIn(nodeSteps, endMs, startMs, endMs);
  const pools: StatementJson['totals']['pools'] = {};
  for (const pool of ['prefill', 'decode']) {
    pools[pool] = {
      nodeHours: dayPoolHours[pool],
      averageNodes: dayPoolHours[pool] / 24,
      peakNodes: Math.max(...nodeSteps.map((step) => step.byPool[pool])),
      costUsd: dayPoolHours[pool] * nodeHourUsd,
    };
  }
  const costUsd = reference.fleet.dailyCostUsd;
  const theoreticalRevenueUsd = reference.economics.theoreticalRevenueUsd;
  const realizedRevenueUsd =
    options.realized === true ? hourly.reduce((sum, bucket) => sum + (bucket.realizedRevenueUsd ?? 0), 0) : null;
  const breakdown = (fraction: number, realizedFraction: number | null): TokenBreakdown => ({
    inputTokens: inputTokens * fraction,
    cacheHitInputTokens: cacheHitInputTokens * fraction,
    outputTokens: outputTokens * fraction,
    theoreticalRevenueUsd: theoreticalRevenueUsd * fraction,
    realizedRevenueUsd: realizedRevenueUsd === null || realizedFraction === null ? null : realizedRevenueUsd * realizedFraction,
  });
  const byChannel: Record<string, TokenBreakdown> =
    options.realized === true
      ? { web: breakdown(0.35, 0), app: breakdown(0.35, 0), api: breakdown(0.3, 1) }
      : { 'web + app + API': breakdown(1, null) };

  return {
    scenario: options.scenario ?? 'DeepSeek V3/R1 inference day (published 2025-03-01)',
    window: { start: reference.window.start, end: reference.window.end, timeZone: 'Asia/Shanghai' },
    totals: {
      costUsd,
      theoreticalRevenueUsd,
      realizedRevenueUsd,
      costProfitMargin: (theoreticalRevenueUsd - costUsd) / costUsd,
      grossMargin: (theoreticalRevenueUsd - costUsd) / theoreticalRevenueUsd,
      realizedCostProfitMargin: realizedRevenueUsd === null ? null : (realizedRevenueUsd - costUsd) / costUsd,
      realizedGrossMargin: realizedRevenueUsd === null ? null : (realizedRevenueUsd - costUsd) / realizedRevenueUsd,
      theoreticalProfitUsd: theoreticalRevenueUsd - costUsd,
      realizedProfitUsd: realizedRevenueUsd === null ? null : realizedRevenueUsd - costUsd,
      inputTokens,
      cacheHitInputTokens,
      outputTokens,
      averageNodes: reference.fleet.averageNodes,
      peakNodes: reference.fleet.peakNodes,
      nodeHours: reference.fleet.averageNodes * 24,
      costPerMillionInputTokensUsd: (pools.prefill.costUsd / inputTokens) * 1e6,
      costPerMillionOutputTokensUsd: (pools.decode.costUsd / outputTokens) * 1e6,
      costAttribution:
        'Prefill nodes are charged to input tokens and decode nodes to output tokens (pool split inferred, not published).',
      pools,
      byModel: { 'DeepSeek-V3 + R1': breakdown(1, options.realized === true ? 1 : null) },
      byChannel,
    },
    hourly,
    nodeSteps,
    realizedPriceBook:
      options.realized === true
        ? 'Test-only assumption: the API earns 20% of list price by day and 10% at night; web and app earn nothing.'
        : null,
    theoreticalPriceBook: `${reference.economics.priceBook}: cache-hit input $${reference.economics.prices.inputCacheHit}, cache-miss input $${reference.economics.prices.inputCacheMiss}, output $${reference.economics.prices.output}; every token priced as R1.`,
  };
}
