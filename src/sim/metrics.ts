import { LogHistogramSketch } from './sketch.js';

/** Pools of the fleet; index into per-pool arrays. */
export const PREFILL = 0;
export const DECODE = 1;
export const POOL_NAMES = ['prefill', 'decode'] as const;

/** Token classes of the ledger. */
export const INPUT_CACHE_HIT = 0;
export const INPUT_CACHE_MISS = 1;
export const OUTPUT = 2;

/** Per-bucket sums, one column each; use as F.arrived etc. (numeric ids keep the hot path cheap). */
export const F = {
  arrived: 0,
  admitted: 1,
  rejected: 2,
  completed: 3,
  prefillNodeSeconds: 4,
  decodeNodeSeconds: 5,
  prefillUnitSeconds: 6,
  decodeUnitSeconds: 7,
  prefillBusyUnitSeconds: 8,
  decodeBusyUnitSeconds: 9,
  prefillInputTokens: 10,
  prefillComputedTokens: 11,
  decodeOutputTokens: 12,
  decodeSequenceSeconds: 13,
  prefillQueueRequestSeconds: 14,
  prefillQueueMax: 15,
  decodeWaitingRequestSeconds: 16,
  decodeWaitingMax: 17,
  inFlightRequestSeconds: 18,
  inFlightMax: 19,
  admittedInputTokens: 20,
  admittedHitTokens: 21,
  kvLengthTokenSum: 22,
  kvOutputTokens: 23,
} as const;
export type BucketField = (typeof F)[keyof typeof F];
const FIELD_COUNT = 24;
/** Completions whose latencies wait to be added to the sketches together. */
const LATENCY_BATCH = 1024;
// A pending completion's numbers (see FleetMetrics.pendingLatencies).
const LATENCY_FIELDS = 4;
const L_E2E = 0;
const L_TTFT = 1;
const L_TPOT = 2;
const L_BUCKET = 3;

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
  /** buckets × FIELD_COUNT. */
  private values: Float64Array = new Float64Array(0);
  /** The current bucket and its time span, so most lookups skip the division. */
  private lastBucket = -1;
  private lastBucketStart = 0;
  private lastBucketEnd = -1;
  /**
   * A little before lastBucketEnd: an interval from inside the current bucket to no later than this
   * lies wholly in it (addOverInterval's split would find one bucket), so it is added without the split.
   */
  private lastBucketSafeEnd = -1;
  /** buckets × models × channels × 3 token classes. */
  tokens: Float64Array;
  private capacity = 0;
  private readonly runTtft = new LogHistogramSketch(0.01);
  private readonly runTpot = new LogHistogramSketch(0.01);
  private readonly runE2e = new LogHistogramSketch(0.01);
  private readonly ttftByBucket: LogHistogramSketch[] = [];
  private readonly tpotByBucket: LogHistogramSketch[] = [];
  private readonly e2eByBucket: LogHistogramSketch[] = [];
  /**
   * Completions whose latencies are not yet in the sketches, in order, LATENCY_FIELDS numbers each:
   * e2e, ttft, tpot (< 0: not recorded), bucket. The sketches take them a batch at a time, by
   * LogHistogramSketch.addEach. Added one by one, each value was boxed on its way into add(); batched,
   * the serving path over the busy hour ran ~5% faster (scripts/serving-replay.mjs).
   */
  private readonly pendingLatencies = new Float64Array(LATENCY_BATCH * LATENCY_FIELDS);
  private pendingCount = 0;

  constructor(startSeconds: number, bucketSeconds: number, models: number, channels: number, expectedBuckets: number) {
    this.startSeconds = startSeconds;
    this.bucketSeconds = bucketSeconds;
    this.models = models;
    this.channels = channels;
    this.tokens = new Float64Array(0);
    this.ensureBucket(Math.max(0, expectedBuckets - 1));
  }

  bucketOf(timeSeconds: number): number {
    if (timeSeconds >= this.lastBucketStart && timeSeconds < this.lastBucketEnd) return this.lastBucket;
    const b = Math.floor((timeSeconds - this.startSeconds) / this.bucketSeconds);
    const bucket = b < 0 ? 0 : b;
    if (bucket >= this.bucketCount) this.ensureBucket(bucket);
    if (b >= 0) {
      this.lastBucket = bucket;
      this.lastBucketStart = this.startSeconds + bucket * this.bucketSeconds;
      this.lastBucketEnd = this.lastBucketStart + this.bucketSeconds;
      // A millionth of a bucket is far more than the rounding of (t1 − start) / bucketSeconds, as
      // long as times stay below a billion buckets.
      const margin = this.bucketSeconds * 1e-6;
      this.lastBucketSafeEnd = Math.abs(this.lastBucketEnd) < this.bucketSeconds * 1e9 ? this.lastBucketEnd - margin : -1;
      if (!(this.lastBucketSafeEnd > this.lastBucketStart)) this.lastBucketSafeEnd = Number.NEGATIVE_INFINITY;
    }
    return bucket;
  }

  get(field: BucketField, bucket: number): number {
    return this.values[bucket * FIELD_COUNT + field];
  }

  add(field: BucketField, timeSeconds: number, amount: number): void {
    this.values[this.bucketOf(timeSeconds) * FIELD_COUNT + field] += amount;
  }

  addTokens(timeSeconds: number, model: number, channel: number, tokenClass: number, tokens: number): void {
    const b = this.bucketOf(timeSeconds);
    this.tokens[((b * this.models + model) * this.channels + channel) * 3 + tokenClass] += tokens;
  }

  /** Adds `perSecond` for every second of [t0, t1), split over the buckets it crosses. */
  addOverInterval(field: BucketField, t0: number, t1: number, perSecond: number): void {
    if (!(t1 > t0) || perSecond === 0) return;
    if (t0 >= this.lastBucketStart && t1 <= this.lastBucketSafeEnd) {
      this.values[this.lastBucket * FIELD_COUNT + field] += perSecond * (t1 - t0);
      return;
    }
    const b0 = this.bucketOf(t0);
    // t1 is exclusive: an interval ending on a boundary does not open the next bucket.
    const b1 = Math.max(b0, Math.ceil((t1 - this.startSeconds) / this.bucketSeconds) - 1);
    if (b1 >= this.bucketCount) this.ensureBucket(b1);
    const values = this.values; // after bucketOf, which may grow it
    if (b0 === b1) {
      values[b0 * FIELD_COUNT + field] += perSecond * (t1 - t0);
      return;
    }
    for (let b = b0; b <= b1; b++) {
      const lo = Math.max(t0, this.startSeconds + b * this.bucketSeconds);
      const hi = Math.min(t1, this.startSeconds + (b + 1) * this.bucketSeconds);
      if (hi > lo) values[b * FIELD_COUNT + field] += perSecond * (hi - lo);
    }
  }

  newGauge(integralField: BucketField, maxField: BucketField | null, nowSeconds: number): Gauge {
    return { value: 0, sinceSeconds: nowSeconds, integralField, maxField };
  }

  setGauge(gauge: Gauge, nowSeconds: number, value: number): void {
    const since = gauge.sinceSeconds;
    if (nowSeconds > since) {
      const held = gauge.value;
      // addOverInterval's fast path, inline: most changes come within the current bucket.
      if (since >= this.lastBucketStart && nowSeconds <= this.lastBucketSafeEnd) {
        if (held !== 0) this.values[this.lastBucket * FIELD_COUNT + gauge.integralField] += held * (nowSeconds - since);
      } else this.addOverInterval(gauge.integralField, since, nowSeconds, held);
      gauge.sinceSeconds = nowSeconds;
    }
    gauge.value = value;
    if (gauge.maxField !== null) {
      const i = this.bucketOf(nowSeconds) * FIELD_COUNT + gauge.maxField;
      if (value > this.values[i]) this.values[i] = value;
    }
  }

  /** Integrates a gauge up to the end of the run without touching its maximum. */
  closeGauge(gauge: Gauge, nowSeconds: number): void {
    if (nowSeconds > gauge.sinceSeconds) {
      this.addOverInterval(gauge.integralField, gauge.sinceSeconds, nowSeconds, gauge.value);
      gauge.sinceSeconds = nowSeconds;
    }
  }

  /** A prompt is computed: its tokens by cache class and the prompt tokens prefilled (one bucket lookup). */
  prefilled(nowSeconds: number, model: number, channel: number, hitTokens: number, inputTokens: number): void {
    const b = this.bucketOf(nowSeconds);
    const t = ((b * this.models + model) * this.channels + channel) * 3;
    const tokens = this.tokens;
    tokens[t + INPUT_CACHE_HIT] += hitTokens;
    tokens[t + INPUT_CACHE_MISS] += inputTokens - hitTokens;
    this.values[b * FIELD_COUNT + F.prefillInputTokens] += inputTokens;
  }

  /**
   * Takes a prompt counted by `prefilled` at `prefilledSeconds` back off the token ledger, in the
   * bucket it went to (its request was refused and pays nothing); the prefill work stays counted.
   */
  unbilled(prefilledSeconds: number, model: number, channel: number, hitTokens: number, inputTokens: number): void {
    const t = ((this.bucketOf(prefilledSeconds) * this.models + model) * this.channels + channel) * 3;
    this.tokens[t + INPUT_CACHE_HIT] -= hitTokens;
    this.tokens[t + INPUT_CACHE_MISS] -= inputTokens - hitTokens;
  }

  /**
   * A request's last token is out: its output tokens, the context they were produced with (output
   * token j, 0-based, with input + j tokens) and its latencies; ttft or tpot < 0 is not recorded.
   */
  completed(nowSeconds: number, model: number, channel: number, inputTokens: number, outputTokens: number, ttftSeconds: number, tpotSeconds: number, e2eSeconds: number): void {
    const b = this.bucketOf(nowSeconds);
    this.tokens[((b * this.models + model) * this.channels + channel) * 3 + OUTPUT] += outputTokens;
    const values = this.values;
    const row = b * FIELD_COUNT;
    values[row + F.kvLengthTokenSum] += outputTokens * inputTokens + (outputTokens * (outputTokens - 1)) / 2;
    values[row + F.kvOutputTokens] += outputTokens;
    values[row + F.completed] += 1;
    const at = this.pendingCount * LATENCY_FIELDS;
    const pending = this.pendingLatencies;
    pending[at + L_E2E] = e2eSeconds;
    pending[at + L_TTFT] = ttftSeconds >= 0 ? ttftSeconds : -1;
    pending[at + L_TPOT] = tpotSeconds >= 0 ? tpotSeconds : -1;
    pending[at + L_BUCKET] = b;
    if (++this.pendingCount === LATENCY_BATCH) this.flushLatencies();
  }

  /** The whole run's latency sketches: time to first token, time per output token, end to end. */
  get ttft(): LogHistogramSketch {
    this.flushLatencies();
    return this.runTtft;
  }

  get tpot(): LogHistogramSketch {
    this.flushLatencies();
    return this.runTpot;
  }

  get e2e(): LogHistogramSketch {
    this.flushLatencies();
    return this.runE2e;
  }

  /** Per bucket, its latency sketches (coarser than the run's). */
  get bucketTtft(): readonly LogHistogramSketch[] {
    this.flushLatencies();
    return this.ttftByBucket;
  }

  get bucketTpot(): readonly LogHistogramSketch[] {
    this.flushLatencies();
    return this.tpotByBucket;
  }

  get bucketE2e(): readonly LogHistogramSketch[] {
    this.flushLatencies();
    return this.e2eByBucket;
  }

  /** Adds the pending latencies to the run's sketches and, a run of same-bucket completions at a time, to their bucket's. */
  private flushLatencies(): void {
    const pending = this.pendingLatencies;
    const end = this.pendingCount * LATENCY_FIELDS;
    if (end === 0) return;
    this.pendingCount = 0;
    this.runE2e.addEach(pending, L_E2E, end, LATENCY_FIELDS);
    this.runTtft.addEach(pending, L_TTFT, end, LATENCY_FIELDS);
    this.runTpot.addEach(pending, L_TPOT, end, LATENCY_FIELDS);
    let from = 0;
    while (from < end) {
      const b = pending[from + L_BUCKET];
      let to = from + LATENCY_FIELDS;
      while (to < end && pending[to + L_BUCKET] === b) to += LATENCY_FIELDS;
      this.e2eByBucket[b].addEach(pending, from + L_E2E, to, LATENCY_FIELDS);
      this.ttftByBucket[b].addEach(pending, from + L_TTFT, to, LATENCY_FIELDS);
      this.tpotByBucket[b].addEach(pending, from + L_TPOT, to, LATENCY_FIELDS);
      from = to;
    }
  }

  total(field: BucketField): number {
    let sum = 0;
    for (let b = 0; b < this.bucketCount; b++) sum += this.values[b * FIELD_COUNT + field];
    return sum;
  }

  private ensureBucket(bucket: number): void {
    if (bucket < this.bucketCount) return;
    if (bucket >= this.capacity) {
      const capacity = Math.max(bucket + 1, this.capacity * 2, 8);
      const values = new Float64Array(capacity * FIELD_COUNT);
      values.set(this.values);
      this.values = values;
      const tokens = new Float64Array(capacity * this.models * this.channels * 3);
      tokens.set(this.tokens);
      this.tokens = tokens;
      this.capacity = capacity;
    }
    while (this.bucketCount <= bucket) {
      // Per-bucket sketches are coarser (2%) to keep a long run's memory small.
      this.ttftByBucket.push(new LogHistogramSketch(0.02));
      this.tpotByBucket.push(new LogHistogramSketch(0.02));
      this.e2eByBucket.push(new LogHistogramSketch(0.02));
      this.bucketCount++;
    }
  }
}
