import { add, mul, ratio, roundHalfEven, ZERO, type Ratio } from './exact.js';
import {
  isPaid,
  priceFactor,
  pricesFor,
  pricingSegments,
  TOKEN_CLASSES,
  type PriceBook,
  type PricingSegment,
  type TokenClass,
} from './pricebook.js';

/** A pool of identical nodes (e.g. prefill, decode) and the token side its cost is charged to. */
export interface PoolSpec {
  name: string;
  /** 'input': prefill; 'output': decode; 'both': a pool that does both. */
  serves: 'input' | 'output' | 'both';
  gpusPerNode: number;
  gpuHourUsd: Ratio;
}

/** Tokens of one model on one channel within one bucket. Counts are whole tokens. */
export interface TrafficCell {
  model: string;
  channel: string;
  inputCacheHit: number;
  inputCacheMiss: number;
  output: number;
}

/** What happened in one bucket: node time by pool and tokens served, before any money. */
export interface BucketUsage {
  startMs: number;
  endMs: number;
  /** Whole node-milliseconds per pool, in the order of the ledger's pools. */
  nodeMsByPool: readonly number[];
  peakNodesByPool: readonly number[];
  /** The most nodes up at once across all pools. */
  peakNodes: number;
  traffic: readonly TrafficCell[];
}

/**
 * A bucket with its money posted in micro-dollars. Each ledger line (a pool's cost, a model x channel x
 * class's revenue) is rounded on its running total: a bucket posts round(total so far) − what was
 * posted before, so every bucket is within a micro-dollar of exact and the day is its exact total,
 * correctly rounded, and still the sum of its buckets.
 */
export interface LedgerBucket extends BucketUsage {
  costMicrosByPool: readonly bigint[];
  /** Per traffic cell, per token class (TOKEN_CLASSES order). */
  theoreticalMicros: readonly (readonly bigint[])[];
  realizedMicros: readonly (readonly bigint[])[] | null;
}

export interface Ledger {
  pools: readonly PoolSpec[];
  buckets: readonly LedgerBucket[];
  theoretical: PriceBook;
  realized: PriceBook | null;
}

const MS_PER_HOUR = 3_600_000n;
const MICROS_PER_USD = 1_000_000n;

/**
 * Cost of `nodeMs` node-milliseconds of a pool, in micro-dollars, exact. Node time must be whole
 * milliseconds: a caller with fractional time rounds it on its running total (as simulate.ts does), so
 * that its rounding does not accumulate; this function will not round it for them.
 */
export function poolCostMicros(pool: PoolSpec, nodeMs: number): Ratio {
  if (!Number.isSafeInteger(nodeMs) || nodeMs < 0) {
    throw new RangeError(`pool "${pool.name}": node time must be whole node-milliseconds >= 0, got ${nodeMs}`);
  }
  const gpuHours = ratio(BigInt(nodeMs) * BigInt(pool.gpusPerNode), MS_PER_HOUR);
  return mul(mul(gpuHours, pool.gpuHourUsd), ratio(MICROS_PER_USD));
}

/**
 * Revenue of one traffic cell in a bucket, per token class, in micro-dollars. A price of p USD per
 * million tokens is p micro-dollars per token, so micros = tokens x p x (share of bucket) x factor.
 */
export function cellRevenueMicros(book: PriceBook, segments: readonly PricingSegment[], cell: TrafficCell): Ratio[] {
  if (!isPaid(book, cell.channel)) return TOKEN_CLASSES.map(() => ZERO);
  return TOKEN_CLASSES.map((tokenClass: TokenClass) => {
    let exact: Ratio = ZERO;
    for (const segment of segments) {
      const prices = pricesFor(segment.version, cell.model);
      if (!prices) throw new RangeError(`price book "${book.name}" has no price for model "${cell.model}" (and no "*" entry)`);
      const perToken = mul(prices[tokenClass], priceFactor(segment.activeRules, cell.model));
      exact = add(exact, mul(mul(perToken, segment.fraction), ratio(cell[tokenClass])));
    }
    return exact;
  });
}

/** Rounds each line on its running total, so rounding never accumulates across buckets. */
class LinePoster {
  private readonly exactTotals = new Map<string, Ratio>();
  private readonly postedTotals = new Map<string, bigint>();

  post(line: string, exact: Ratio): bigint {
    const total = add(this.exactTotals.get(line) ?? ZERO, exact);
    const before = this.postedTotals.get(line) ?? 0n;
    const after = roundHalfEven(total);
    this.exactTotals.set(line, total);
    this.postedTotals.set(line, after);
    return after - before;
  }
}

/** Posts every bucket: pool costs and both revenues. */
export function buildLedger(
  pools: readonly PoolSpec[],
  usage: readonly BucketUsage[],
  theoretical: PriceBook,
  realized: PriceBook | null,
): Ledger {
  const poster = new LinePoster();
  const buckets = usage.map((bucket): LedgerBucket => {
    const revenue = (book: PriceBook, kind: string) => {
      const segments = pricingSegments(book, bucket.startMs, bucket.endMs);
      return bucket.traffic.map((cell) =>
        cellRevenueMicros(book, segments, cell).map((exact, c) => poster.post(`${kind}\u0000${cell.model}\u0000${cell.channel}\u0000${c}`, exact)),
      );
    };
    return {
      ...bucket,
      costMicrosByPool: pools.map((pool, p) => poster.post(`cost\u0000${pool.name}`, poolCostMicros(pool, bucket.nodeMsByPool[p]))),
      theoreticalMicros: revenue(theoretical, 'theoretical'),
      realizedMicros: realized ? revenue(realized, 'realized') : null,
    };
  });
  return { pools, buckets, theoretical, realized };
}
