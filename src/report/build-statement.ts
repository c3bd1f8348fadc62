import { formatInstant } from '../econ/clock.js';
import { nodesAt, type NodeStepMs } from '../econ/fleet-usage.js';
import type { Ledger } from '../econ/ledger.js';
import { sumBuckets, type LedgerTotals, type MoneyTotals } from '../econ/totals.js';
import type { Scenario } from '../scenario/build.js';
import type { NodeStep, StatementBucket, StatementJson, TokenBreakdown } from './statement.js';

const MS_PER_HOUR = 3_600_000;

/**
 * Micro-dollars to dollars, for display and JSON: the double nearest to micros / 10^6, which is not that
 * amount exactly (most decimals have no exact double; only Number(micros) is exact, below 2^53 micros).
 * Below $1 billion (15 significant digits) it prints as the exact micro-dollar decimal and
 * Math.round(usd × 1e6) gives the micros back; sums of these doubles may still be off in the last
 * digits, which is why every total is summed in the ledger's bigint micros and converted once.
 */
export function usd(micros: bigint): number {
  return Number(micros) / 1e6;
}

function usdOrNull(micros: bigint | null): number | null {
  return micros === null ? null : usd(micros);
}

function breakdown(totals: MoneyTotals): TokenBreakdown {
  return {
    inputTokens: totals.inputCacheHit + totals.inputCacheMiss,
    cacheHitInputTokens: totals.inputCacheHit,
    outputTokens: totals.output,
    theoreticalRevenueUsd: usd(totals.theoreticalMicros),
    realizedRevenueUsd: usdOrNull(totals.realizedMicros),
  };
}

/** (revenue − cost) / cost and (revenue − cost) / revenue; null when the divisor is 0 (no margin to speak of). */
function margins(revenueMicros: bigint, costMicros: bigint): { costProfit: number | null; gross: number | null } {
  const profit = Number(revenueMicros - costMicros);
  return {
    costProfit: costMicros === 0n ? null : profit / Number(costMicros),
    gross: revenueMicros === 0n ? null : profit / Number(revenueMicros),
  };
}

/**
 * Prefill ('input') pools are charged to input tokens and decode ('output') pools to output tokens;
 * a pool that serves both is split by the theoretical revenue of input vs output (its value at list
 * price), since both phases share its GPUs and neither has a cleaner meter.
 */
function costPerMillion(ledger: Ledger, totals: LedgerTotals) {
  let inputMicros = 0n;
  let outputMicros = 0n;
  let sharedMicros = 0n;
  ledger.pools.forEach((pool, p) => {
    const micros = totals.costMicrosByPool[p];
    if (pool.serves === 'input') inputMicros += micros;
    else if (pool.serves === 'output') outputMicros += micros;
    else sharedMicros += micros;
  });
  let inputRevenue = 0n;
  let outputRevenue = 0n;
  for (const bucket of ledger.buckets) {
    for (const [hit, miss, output] of bucket.theoreticalMicros) {
      inputRevenue += hit + miss;
      outputRevenue += output;
    }
  }
  const inputShare = inputRevenue + outputRevenue === 0n ? 0.5 : Number(inputRevenue) / Number(inputRevenue + outputRevenue);
  const inputTokens = totals.inputCacheHit + totals.inputCacheMiss;
  const inputCost = usd(inputMicros) + usd(sharedMicros) * inputShare;
  const outputCost = usd(outputMicros) + usd(sharedMicros) * (1 - inputShare);
  const attribution =
    sharedMicros === 0n
      ? 'prefill (input) pools are charged to input tokens, decode (output) pools to output tokens'
      : `input pools to input tokens, output pools to output tokens; pools serving both are split ${(inputShare * 100).toFixed(1)}% input / ${((1 - inputShare) * 100).toFixed(1)}% output by list-price value`;
  return {
    input: inputTokens === 0 ? null : (inputCost / inputTokens) * 1e6,
    output: totals.output === 0 ? null : (outputCost / totals.output) * 1e6,
    attribution,
  };
}

/**
 * @param stepsByPool each pool's node count over time, in the order of scenario.pools: by default the
 *   scenario's schedule; a simulation passes what its fleet really did (drains and autoscaling included).
 */
export function buildStatement(
  scenario: Scenario,
  ledger: Ledger,
  stepsByPool: readonly (readonly NodeStepMs[])[] = scenario.pools.map((pool) => pool.steps),
): StatementJson {
  const { zone, startMs, endMs } = scenario.window;
  const totals = sumBuckets(ledger);
  const windowMs = endMs - startMs;
  const nodeMs = totals.nodeMsByPool.reduce((a, b) => a + b, 0);
  const theoretical = margins(totals.theoreticalMicros, totals.costMicros);
  const realized = totals.realizedMicros === null ? null : margins(totals.realizedMicros, totals.costMicros);
  const perMillion = costPerMillion(ledger, totals);
  const poolNames = ledger.pools.map((pool) => pool.name);

  const hourly = ledger.buckets.map((bucket): StatementBucket => {
    const row = sumBuckets(ledger, [bucket]);
    const bucketMs = bucket.endMs - bucket.startMs;
    return {
      start: formatInstant(bucket.startMs, zone),
      end: formatInstant(bucket.endMs, zone),
      averageNodes: bucket.nodeMsByPool.reduce((a, b) => a + b, 0) / bucketMs,
      nodesByPool: Object.fromEntries(poolNames.map((name, p) => [name, bucket.nodeMsByPool[p] / bucketMs])),
      costUsd: usd(row.costMicros),
      theoreticalRevenueUsd: usd(row.theoreticalMicros),
      realizedRevenueUsd: usdOrNull(row.realizedMicros),
      inputTokens: row.inputCacheHit + row.inputCacheMiss,
      cacheHitInputTokens: row.inputCacheHit,
      outputTokens: row.output,
    };
  });

  // Changes within the window, and the state at its start (a step may have come before it).
  const stepTimes = [...new Set([startMs, ...stepsByPool.flatMap((steps) => steps.map((s) => s.atMs))])]
    .filter((atMs) => atMs >= startMs && atMs < endMs)
    .sort((a, b) => a - b);
  const nodeSteps = stepTimes.map((atMs): NodeStep => {
    const byPool = Object.fromEntries(scenario.pools.map((pool, p) => [pool.name, nodesAt(stepsByPool[p], atMs)]));
    return { at: formatInstant(atMs, zone), nodes: Object.values(byPool).reduce((a, b) => a + b, 0), byPool };
  });

  return {
    scenario: scenario.name,
    window: { start: formatInstant(startMs, zone), end: formatInstant(endMs, zone), timeZone: scenario.window.zoneName },
    totals: {
      costUsd: usd(totals.costMicros),
      theoreticalRevenueUsd: usd(totals.theoreticalMicros),
      realizedRevenueUsd: usdOrNull(totals.realizedMicros),
      costProfitMargin: theoretical.costProfit,
      grossMargin: theoretical.gross,
      realizedCostProfitMargin: realized?.costProfit ?? null,
      realizedGrossMargin: realized?.gross ?? null,
      theoreticalProfitUsd: usd(totals.theoreticalMicros - totals.costMicros),
      realizedProfitUsd: totals.realizedMicros === null ? null : usd(totals.realizedMicros - totals.costMicros),
      inputTokens: totals.inputCacheHit + totals.inputCacheMiss,
      cacheHitInputTokens: totals.inputCacheHit,
      outputTokens: totals.output,
      averageNodes: nodeMs / windowMs,
      peakNodes: Math.max(...ledger.buckets.map((bucket) => bucket.peakNodes)),
      nodeHours: nodeMs / MS_PER_HOUR,
      costPerMillionInputTokensUsd: perMillion.input,
      costPerMillionOutputTokensUsd: perMillion.output,
      costAttribution: perMillion.attribution,
      pools: Object.fromEntries(
        ledger.pools.map((pool, p) => [
          pool.name,
          {
            nodeHours: totals.nodeMsByPool[p] / MS_PER_HOUR,
            averageNodes: totals.nodeMsByPool[p] / windowMs,
            peakNodes: Math.max(...ledger.buckets.map((bucket) => bucket.peakNodesByPool[p])),
            costUsd: usd(totals.costMicrosByPool[p]),
          },
        ]),
      ),
      byModel: Object.fromEntries([...totals.byModel].map(([model, t]) => [model, breakdown(t)])),
      byChannel: Object.fromEntries([...totals.byChannel].map(([channel, t]) => [channel, breakdown(t)])),
    },
    hourly,
    nodeSteps,
    realizedPriceBook: scenario.realized?.name ?? null,
    theoreticalPriceBook: scenario.theoretical.name,
  };
}
