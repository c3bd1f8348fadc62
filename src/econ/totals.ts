import { TOKEN_CLASSES } from './pricebook.js';
import type { Ledger, LedgerBucket } from './ledger.js';

export interface TokenTotals {
  inputCacheHit: number;
  inputCacheMiss: number;
  output: number;
}

export interface MoneyTotals extends TokenTotals {
  theoreticalMicros: bigint;
  /** null when the ledger has no realized price book. */
  realizedMicros: bigint | null;
}

/** Sums of posted amounts over a set of buckets; a day's totals are these sums, never recomputed. */
export interface LedgerTotals extends MoneyTotals {
  costMicros: bigint;
  costMicrosByPool: bigint[];
  nodeMsByPool: number[];
  byModel: Map<string, MoneyTotals>;
  byChannel: Map<string, MoneyTotals>;
}

function emptyMoney(hasRealized: boolean): MoneyTotals {
  return { inputCacheHit: 0, inputCacheMiss: 0, output: 0, theoreticalMicros: 0n, realizedMicros: hasRealized ? 0n : null };
}

export function sumBuckets(ledger: Ledger, buckets: readonly LedgerBucket[] = ledger.buckets): LedgerTotals {
  const hasRealized = ledger.realized !== null;
  const totals: LedgerTotals = {
    ...emptyMoney(hasRealized),
    costMicros: 0n,
    costMicrosByPool: ledger.pools.map(() => 0n),
    nodeMsByPool: ledger.pools.map(() => 0),
    byModel: new Map(),
    byChannel: new Map(),
  };
  for (const bucket of buckets) {
    bucket.costMicrosByPool.forEach((micros, p) => {
      totals.costMicrosByPool[p] += micros;
      totals.costMicros += micros;
      totals.nodeMsByPool[p] += bucket.nodeMsByPool[p];
    });
    bucket.traffic.forEach((cell, c) => {
      const model = totals.byModel.get(cell.model) ?? emptyMoney(hasRealized);
      const channel = totals.byChannel.get(cell.channel) ?? emptyMoney(hasRealized);
      totals.byModel.set(cell.model, model);
      totals.byChannel.set(cell.channel, channel);
      for (const target of [totals, model, channel]) {
        for (const tokenClass of TOKEN_CLASSES) target[tokenClass] += cell[tokenClass];
        for (const micros of bucket.theoreticalMicros[c]) target.theoreticalMicros += micros;
        if (bucket.realizedMicros && target.realizedMicros !== null) {
          for (const micros of bucket.realizedMicros[c]) target.realizedMicros += micros;
        }
      }
    });
  }
  return totals;
}
