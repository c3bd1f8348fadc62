import { dailyWindowIntervals, type TimeZone } from './clock.js';
import { mul, ONE, ratio, type Ratio } from './exact.js';

/** The three ways a token is billed. Input = cache hit + cache miss. */
export const TOKEN_CLASSES = ['inputCacheHit', 'inputCacheMiss', 'output'] as const;
export type TokenClass = (typeof TOKEN_CLASSES)[number];

/** USD per million tokens, exact. */
export type ClassPrices = Readonly<Record<TokenClass, Ratio>>;

/** A price list in force from `effectiveFromMs` until the next version. `*` prices any other model. */
export interface PriceVersion {
  effectiveFromMs: number;
  pricesByModel: ReadonlyMap<string, ClassPrices>;
}

/** A daily window (local to `zone`) in which each model's list price is multiplied by a factor. */
export interface TimeOfDayRule {
  name: string;
  zone: TimeZone;
  startMinute: number;
  endMinute: number;
  /** Factor per model; `*` applies to models not named; a model in neither pays full price. */
  factorByModel: ReadonlyMap<string, Ratio>;
}

export interface PriceBook {
  name: string;
  /**
   * Versions sorted by effectiveFromMs. Nothing is priced before the first one (-Infinity when its prices
   * have always held): a book that starts later has no prices for the earlier hours.
   */
  versions: readonly PriceVersion[];
  rules: readonly TimeOfDayRule[];
  /** Channels whose tokens are paid; 'all' for every channel. Free channels earn nothing. */
  paidChannels: 'all' | ReadonlySet<string>;
}

export const ANY_MODEL = '*';

export function pricesFor(version: PriceVersion, model: string): ClassPrices | undefined {
  return version.pricesByModel.get(model) ?? version.pricesByModel.get(ANY_MODEL);
}

export function isPaid(book: PriceBook, channel: string): boolean {
  return book.paidChannels === 'all' || book.paidChannels.has(channel);
}

/** A stretch of a bucket with one price version and one set of active time-of-day rules. */
export interface PricingSegment {
  /** Share of the bucket's duration, exact; traffic is taken as even within a bucket. */
  fraction: Ratio;
  version: PriceVersion;
  activeRules: readonly TimeOfDayRule[];
}

/** Splits [startMs, endMs) at every version change and rule edge. */
export function pricingSegments(book: PriceBook, startMs: number, endMs: number): PricingSegment[] {
  const firstMs = book.versions[0].effectiveFromMs;
  if (startMs < firstMs) {
    throw new RangeError(`price book "${book.name}" has no prices before ${new Date(firstMs).toISOString()}, asked from ${new Date(startMs).toISOString()}`);
  }
  const ruleIntervals = book.rules.map((rule) =>
    dailyWindowIntervals(startMs, endMs, rule.zone, rule.startMinute, rule.endMinute),
  );
  const cuts = new Set<number>([startMs, endMs]);
  for (const version of book.versions) {
    if (version.effectiveFromMs > startMs && version.effectiveFromMs < endMs) cuts.add(version.effectiveFromMs);
  }
  for (const intervals of ruleIntervals) for (const [a, b] of intervals) cuts.add(a).add(b);
  const edges = [...cuts].sort((a, b) => a - b);
  const segments: PricingSegment[] = [];
  for (let i = 0; i + 1 < edges.length; i++) {
    const from = edges[i];
    const to = edges[i + 1];
    segments.push({
      fraction: ratio(to - from, endMs - startMs),
      version: versionAt(book, from),
      activeRules: book.rules.filter((_, r) => ruleIntervals[r].some(([a, b]) => a <= from && from < b)),
    });
  }
  return segments;
}

function versionAt(book: PriceBook, atMs: number): PriceVersion {
  let current = book.versions[0];
  for (const version of book.versions) if (version.effectiveFromMs <= atMs) current = version;
  return current;
}

/** The product of the active rules' factors for `model` (rules that overlap compound). */
export function priceFactor(rules: readonly TimeOfDayRule[], model: string): Ratio {
  let factor = ONE;
  for (const rule of rules) {
    const ruleFactor = rule.factorByModel.get(model) ?? rule.factorByModel.get(ANY_MODEL);
    if (ruleFactor) factor = mul(factor, ruleFactor);
  }
  return factor;
}
