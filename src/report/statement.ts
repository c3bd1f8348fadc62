/**
 * The statement: what `tokenfleet report --json` prints and what every renderer (terminal, CSV, HTML,
 * the web dashboard) draws from. Numbers are plain units (USD, tokens, nodes) as floats for display;
 * the exact amounts live in the ledger (src/econ). Money fields are rounded to the micro-dollar: below
 * $1 billion each prints as its exact micro-dollar decimal, so a consumer that needs exact sums reads
 * the JSON numbers as decimals (or as integer micro-dollars, Math.round(usd × 1e6)) and adds those.
 */
export interface StatementJson {
  scenario: string;
  window: { start: string; end: string; timeZone: string };
  totals: StatementTotals;
  /** One row per bucket (hourly unless the scenario says finer), in time order. */
  hourly: StatementBucket[];
  /** The fleet as a step function: each entry holds from `at` until the next entry or window end. */
  nodeSteps: NodeStep[];
  /** Where the realized price book's assumptions come from; null without a realized book. */
  realizedPriceBook: string | null;
  theoreticalPriceBook: string;
}

export interface StatementTotals {
  costUsd: number;
  theoreticalRevenueUsd: number;
  /** null when the scenario has no realized price book. */
  realizedRevenueUsd: number | null;
  /** (theoretical revenue − cost) / cost, DeepSeek's "cost-profit margin". */
  costProfitMargin: number | null;
  /** (theoretical revenue − cost) / theoretical revenue. */
  grossMargin: number | null;
  realizedCostProfitMargin: number | null;
  realizedGrossMargin: number | null;
  theoreticalProfitUsd: number;
  realizedProfitUsd: number | null;
  inputTokens: number;
  cacheHitInputTokens: number;
  outputTokens: number;
  averageNodes: number;
  peakNodes: number;
  nodeHours: number;
  /** Cost of the pools that serve input (prefill) per million input tokens; see costAttribution. */
  costPerMillionInputTokensUsd: number | null;
  /** Cost of the pools that serve output (decode) per million output tokens; see costAttribution. */
  costPerMillionOutputTokensUsd: number | null;
  costAttribution: string;
  pools: Record<string, { nodeHours: number; averageNodes: number; peakNodes: number; costUsd: number }>;
  /** Tokens and realized revenue by model / channel / class. */
  byModel: Record<string, TokenBreakdown>;
  byChannel: Record<string, TokenBreakdown>;
}

export interface TokenBreakdown {
  inputTokens: number;
  cacheHitInputTokens: number;
  outputTokens: number;
  theoreticalRevenueUsd: number;
  realizedRevenueUsd: number | null;
}

export interface StatementBucket {
  /** ISO 8601 start of the bucket, with the scenario's UTC offset. */
  start: string;
  end: string;
  averageNodes: number;
  nodesByPool: Record<string, number>;
  costUsd: number;
  theoreticalRevenueUsd: number;
  realizedRevenueUsd: number | null;
  inputTokens: number;
  cacheHitInputTokens: number;
  outputTokens: number;
}

export interface NodeStep {
  at: string;
  nodes: number;
  byPool: Record<string, number>;
}
