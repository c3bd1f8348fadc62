import { LogBuckets } from './logBuckets.js';

/**
 * A streaming quantile sketch with bounded memory and relative error: a histogram over logarithmic
 * buckets (the idea of DDSketch, Masson et al., VLDB 2019). Bucket i holds values in (γ^(i-1), γ^i]
 * with γ = (1+α)/(1-α), so any quantile is returned within relative error α. Values outside
 * [minValue, maxValue] are clamped into the end buckets; zeros and negatives are counted apart.
 */
export class LogHistogramSketch {
  readonly relativeAccuracy: number;
  private readonly logGamma: number;
  private readonly minIndex: number;
  private readonly counts: Float64Array;
  private readonly buckets: LogBuckets;
  private zeroCount = 0;
  private total = 0;
  private sum = 0;
  private minSeen = Number.POSITIVE_INFINITY;
  private maxSeen = Number.NEGATIVE_INFINITY;

  constructor(relativeAccuracy = 0.01, minValue = 1e-4, maxValue = 1e6) {
    this.relativeAccuracy = relativeAccuracy;
    this.logGamma = Math.log((1 + relativeAccuracy) / (1 - relativeAccuracy));
    this.minIndex = Math.ceil(Math.log(minValue) / this.logGamma);
    const maxIndex = Math.ceil(Math.log(maxValue) / this.logGamma);
    this.counts = new Float64Array(maxIndex - this.minIndex + 1);
    this.buckets = sharedBuckets(this.logGamma, this.minIndex, this.counts.length);
  }

  get count(): number {
    return this.total;
  }

  get mean(): number {
    return this.total === 0 ? Number.NaN : this.sum / this.total;
  }

  get min(): number {
    return this.total === 0 ? Number.NaN : this.minSeen;
  }

  get max(): number {
    return this.total === 0 ? Number.NaN : this.maxSeen;
  }

  add(value: number, weight = 1): void {
    this.total += weight;
    this.sum += value * weight;
    if (value < this.minSeen) this.minSeen = value;
    if (value > this.maxSeen) this.maxSeen = value;
    if (value <= 0) {
      this.zeroCount += weight;
      return;
    }
    if (value === value) this.counts[this.buckets.bucketOf(value)] += weight; // NaN: counted, in no bucket
  }

  /**
   * Adds values[from], values[from + stride], … below `to`, each with weight 1, as add() one by one
   * would; negative entries are skipped (a caller's mark for "no value"). One call for many values:
   * a double passed to a call the compiler does not inline is boxed on the heap, per value.
   */
  addEach(values: Float64Array, from: number, to: number, stride: number): void {
    const counts = this.counts;
    const buckets = this.buckets;
    let total = this.total;
    let sum = this.sum;
    let minSeen = this.minSeen;
    let maxSeen = this.maxSeen;
    let zeroCount = this.zeroCount;
    for (let i = from; i < to; i += stride) {
      const value = values[i];
      if (value < 0) continue;
      total += 1;
      sum += value;
      if (value < minSeen) minSeen = value;
      if (value > maxSeen) maxSeen = value;
      if (value === 0) zeroCount += 1;
      else if (value === value) counts[buckets.bucketOf(value)] += 1; // NaN: counted, in no bucket
    }
    this.total = total;
    this.sum = sum;
    this.minSeen = minSeen;
    this.maxSeen = maxSeen;
    this.zeroCount = zeroCount;
  }

  merge(other: LogHistogramSketch): void {
    if (other.counts.length !== this.counts.length || other.logGamma !== this.logGamma) {
      throw new Error('LogHistogramSketch.merge: sketches have different layouts');
    }
    for (let i = 0; i < this.counts.length; i++) this.counts[i] += other.counts[i];
    this.zeroCount += other.zeroCount;
    this.total += other.total;
    this.sum += other.sum;
    this.minSeen = Math.min(this.minSeen, other.minSeen);
    this.maxSeen = Math.max(this.maxSeen, other.maxSeen);
  }

  /** The q-quantile (0 ≤ q ≤ 1), NaN when empty; exact at q = 0 and q = 1. */
  quantile(q: number): number {
    if (this.total === 0) return Number.NaN;
    if (q <= 0) return this.minSeen;
    if (q >= 1) return this.maxSeen;
    const rank = q * (this.total - 1);
    let seen = this.zeroCount;
    if (rank < seen) return Math.min(0, this.maxSeen);
    for (let i = 0; i < this.counts.length; i++) {
      seen += this.counts[i];
      if (seen > rank) {
        const upper = Math.exp((i + this.minIndex) * this.logGamma);
        const estimate = (2 * upper) / (1 + Math.exp(this.logGamma));
        return Math.min(this.maxSeen, Math.max(this.minSeen, estimate));
      }
    }
    return this.maxSeen;
  }
}

/** Bucket mappings by layout: every sketch of a run shares one of two, built once. */
const bucketsByLayout = new Map<string, LogBuckets>();

function sharedBuckets(logGamma: number, minIndex: number, length: number): LogBuckets {
  const key = `${logGamma} ${minIndex} ${length}`;
  let buckets = bucketsByLayout.get(key);
  if (!buckets) {
    buckets = new LogBuckets(logGamma, minIndex, length);
    bucketsByLayout.set(key, buckets);
  }
  return buckets;
}
