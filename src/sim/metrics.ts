import { LogHistogramSketch } from './sketch.js';

/** Pools of the fleet; index into per-pool arrays. */
export const PREFILL = 0;
export const DECODE = 1;
export const POOL_NAMES = ['prefill', 'decode'] as const;

/** Token classes of the ledger. */
export const INPUT_CACHE_HIT = 0;
export const INPUT_CACHE_MISS = 1;
export const OUTPUT = 2;

/** Per-bucket sums, grown as simulated time passes a bucket boundary. */
const BUCKET_FIELDS = [
  'arrived',
  'admitted',
  'rejected',
  'completed',
  'prefillNodeSeconds',
  'decodeNodeSeconds',
  'prefillUnitSeconds',
  'decodeUnitSeconds',
  'prefillBusyUnitSeconds',
  'decodeBusyUnitSeconds',
  'prefillInputTokens',
  'prefillComputedTokens',
  'decodeOutputTokens',
  'decodeSequenceSeconds',
  'prefillQueueRequestSeconds',
  'prefillQueueMax',
  'decodeWaitingRequestSeconds',
  'decodeWaitingMax',
  'inFlightRequestSeconds',
  'inFlightMax',
  'admittedInputTokens',
  'admittedHitTokens',
  'kvLengthTokenSum',
  'kvOutputTokens',
] as const;
export type BucketField = (typeof BUCKET_FIELDS)[number];

/** A quantity that holds between changes; its time integral and maximum go to buckets. */
export interface Gauge {
  value: number;
  sinceSeconds: number;
  integralField: BucketField;
  maxField: BucketField | null;
}

/**
 * Everything the run measures, in bounded memory: fixed-size sketches for latency and arrays of
 * per-bucket sums (one row per bucket of simulated time, not per request).
 */
export class FleetMetrics {
  readonly startSeconds: number;
  readonly bucketSeconds: number;
  readonly models: number;
  readonly channels: number;
  bucketCount = 0;
  private columns = new Map<BucketField, Float64Array>();
  /** buckets × models × channels × 3 token classes. */
  tokens: Float64Array;
  private capacity = 0;
  readonly ttft = new LogHistogramSketch(0.01);
  readonly tpot = new LogHistogramSketch(0.01);
  readonly e2e = new LogHistogramSketch(0.01);
  bucketTtft: LogHistogramSketch[] = [];
  bucketTpot: LogHistogramSketch[] = [];
  bucketE2e: LogHistogramSketch[] = [];

  constructor(startSeconds: number, bucketSeconds: number, models: number, channels: number, expectedBuckets: number) {
    this.startSeconds = startSeconds;
    this.bucketSeconds = bucketSeconds;
    this.models = models;
    this.channels = channels;
    this.tokens = new Float64Array(0);
    this.ensureBucket(Math.max(0, expectedBuckets - 1));
  }

  bucketOf(timeSeconds: number): number {
    const b = Math.floor((timeSeconds - this.startSeconds) / this.bucketSeconds);
    const bucket = b < 0 ? 0 : b;
    if (bucket >= this.bucketCount) this.ensureBucket(bucket);
    return bucket;
  }

  column(field: BucketField): Float64Array {
    return this.columns.get(field) as Float64Array;
  }

  add(field: BucketField, timeSeconds: number, amount: number): void {
    this.column(field)[this.bucketOf(timeSeconds)] += amount;
  }

  addTokens(timeSeconds: number, model: number, channel: number, tokenClass: number, tokens: number): void {
    const b = this.bucketOf(timeSeconds);
    this.tokens[((b * this.models + model) * this.channels + channel) * 3 + tokenClass] += tokens;
  }

  /** Adds `perSecond` for every second of [t0, t1), split over the buckets it crosses. */
  addOverInterval(field: BucketField, t0: number, t1: number, perSecond: number): void {
    if (!(t1 > t0) || perSecond === 0) return;
    const b0 = this.bucketOf(t0);
    // t1 is exclusive: an interval ending on a boundary does not open the next bucket.
    const b1 = Math.max(b0, Math.ceil((t1 - this.startSeconds) / this.bucketSeconds) - 1);
    if (b1 >= this.bucketCount) this.ensureBucket(b1);
    const column = this.column(field); // after bucketOf, which may grow the columns
    if (b0 === b1) {
      column[b0] += perSecond * (t1 - t0);
      return;
    }
    for (let b = b0; b <= b1; b++) {
      const lo = Math.max(t0, this.startSeconds + b * this.bucketSeconds);
      const hi = Math.min(t1, this.startSeconds + (b + 1) * this.bucketSeconds);
      if (hi > lo) column[b] += perSecond * (hi - lo);
    }
  }

  newGauge(integralField: BucketField, maxField: BucketField | null, nowSeconds: number): Gauge {
    return { value: 0, sinceSeconds: nowSeconds, integralField, maxField };
  }

  setGauge(gauge: Gauge, nowSeconds: number, value: number): void {
    if (nowSeconds > gauge.sinceSeconds) {
      this.addOverInterval(gauge.integralField, gauge.sinceSeconds, nowSeconds, gauge.value);
      gauge.sinceSeconds = nowSeconds;
    }
    gauge.value = value;
    if (gauge.maxField !== null) {
      const column = this.column(gauge.maxField);
      const b = this.bucketOf(nowSeconds);
      if (value > column[b]) column[b] = value;
    }
  }

  recordLatencies(nowSeconds: number, ttftSeconds: number, tpotSeconds: number, e2eSeconds: number): void {
    const b = this.bucketOf(nowSeconds);
    this.e2e.add(e2eSeconds);
    this.bucketE2e[b].add(e2eSeconds);
    if (ttftSeconds >= 0) {
      this.ttft.add(ttftSeconds);
      this.bucketTtft[b].add(ttftSeconds);
    }
    if (tpotSeconds >= 0) {
      this.tpot.add(tpotSeconds);
      this.bucketTpot[b].add(tpotSeconds);
    }
  }

  total(field: BucketField): number {
    const column = this.column(field);
    let sum = 0;
    for (let b = 0; b < this.bucketCount; b++) sum += column[b];
    return sum;
  }

  private ensureBucket(bucket: number): void {
    if (bucket < this.bucketCount) return;
    if (bucket >= this.capacity) {
      const capacity = Math.max(bucket + 1, this.capacity * 2, 8);
      for (const field of BUCKET_FIELDS) {
        const grown = new Float64Array(capacity);
        const old = this.columns.get(field);
        if (old) grown.set(old);
        this.columns.set(field, grown);
      }
      const tokens = new Float64Array(capacity * this.models * this.channels * 3);
      tokens.set(this.tokens);
      this.tokens = tokens;
      this.capacity = capacity;
    }
    while (this.bucketCount <= bucket) {
      // Per-bucket sketches are coarser (2%) to keep a long run's memory small.
      this.bucketTtft.push(new LogHistogramSketch(0.02));
      this.bucketTpot.push(new LogHistogramSketch(0.02));
      this.bucketE2e.push(new LogHistogramSketch(0.02));
      this.bucketCount++;
    }
  }
}
