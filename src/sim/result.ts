import type { FleetMetrics } from './metrics.js';
import { F, INPUT_CACHE_HIT, INPUT_CACHE_MISS, OUTPUT } from './metrics.js';
import type { PoolStep } from './pool.js';
import type { LogHistogramSketch } from './sketch.js';

/** Latency percentiles in seconds; null where nothing was measured. */
export interface LatencySummary {
  count: number;
  mean: number | null;
  min: number | null;
  p50: number | null;
  p90: number | null;
  p95: number | null;
  p99: number | null;
  max: number | null;
}

export interface TokenRow {
  model: string;
  channel: string;
  inputCacheHit: number;
  inputCacheMiss: number;
  output: number;
}

export interface PerPool<T> {
  prefill: T;
  decode: T;
}

/** One bucket (hour) of the run. Rates are per second of the bucket; null where undefined. */
export interface BucketResult {
  startSeconds: number;
  arrived: number;
  admitted: number;
  /** Turned away by the API server in the bucket, or refused at decode admission (see FleetResult.requests). */
  rejected: number;
  completed: number;
  /** Tokens by model and channel (rows with any tokens), attributed when served. */
  tokens: TokenRow[];
  nodeSeconds: PerPool<number>;
  averageNodes: PerPool<number>;
  /** Prompt tokens prefilled (cached ones included, as DeepSeek counts). */
  prefillInputTokens: number;
  /** Output tokens decoded. */
  decodeOutputTokens: number;
  /** Prompt tokens (cached ones included, as DeepSeek counts) per second per prefill node. */
  prefillInputTokensPerSecondPerNode: number | null;
  /** Prompt tokens computed (cache misses) per second per prefill node. */
  prefillComputedTokensPerSecondPerNode: number | null;
  decodeOutputTokensPerSecondPerNode: number | null;
  /** Share of unit-time spent stepping. */
  busyShare: PerPool<number | null>;
  meanDecodeSequencesPerGpu: number | null;
  queues: {
    prefillMean: number;
    prefillMax: number;
    decodeWaitingMean: number;
    decodeWaitingMax: number;
    inFlightMean: number;
    inFlightMax: number;
  };
  cacheHitShare: number | null;
  meanKvLengthPerOutputToken: number | null;
  ttftSeconds: { p50: number | null; p99: number | null };
  tpotSeconds: { p50: number | null; p99: number | null };
  e2eSeconds: { p50: number | null; p99: number | null };
}

export interface FleetResult {
  window: { startSeconds: number; endSeconds: number; finishSeconds: number; bucketSeconds: number };
  models: string[];
  channels: string[];
  requests: {
    arrived: number;
    /** Arrivals before the window start, ignored. */
    beforeWindow: number;
    /** Past the API server, into prefill. */
    admitted: number;
    /**
     * Never served: turned away by the API server (too many waiting for prefill; not admitted) or, after
     * prefill, at decode admission (rejectedTooLongForDecode). So arrived − beforeWindow = completed +
     * rejected + inFlightAtEnd, and admitted = completed + rejectedTooLongForDecode + inFlightAtEnd.
     */
    rejected: number;
    /**
     * Of `rejected`, the requests admitted and prefilled whose prompt + answer exceeds one decode GPU's
     * KV capacity (kvCapacityTokensPerGpu), refused when their KV reached decode. Their prompts are not
     * billed (taken off the token ledger), but the prefill work and node time they took stay counted.
     */
    rejectedTooLongForDecode: number;
    completed: number;
    /** Still in the system when the run stopped (0 when drained). */
    inFlightAtEnd: number;
    peakInFlight: number;
  };
  latency: { ttftSeconds: LatencySummary; tpotSeconds: LatencySummary; e2eSeconds: LatencySummary };
  totals: {
    inputTokens: number;
    cacheHitInputTokens: number;
    cacheMissInputTokens: number;
    outputTokens: number;
    /** Cache-hit share of admitted prompt tokens. */
    cacheHitShare: number | null;
    /** Token-weighted mean context length when each output token was produced. */
    meanKvLengthPerOutputToken: number | null;
    nodeSeconds: PerPool<number>;
    tokens: TokenRow[];
  };
  buckets: BucketResult[];
  /** Units in service over time, per pool. */
  fleetSteps: PerPool<PoolStep[]>;
  engine: { events: number };
}

const nullIfNaN = (x: number): number | null => (Number.isFinite(x) ? x : null);
const ratio = (a: number, b: number): number | null => (b > 0 ? a / b : null);

export function summarise(sketch: LogHistogramSketch): LatencySummary {
  return {
    count: sketch.count,
    mean: nullIfNaN(sketch.mean),
    min: nullIfNaN(sketch.min),
    p50: nullIfNaN(sketch.quantile(0.5)),
    p90: nullIfNaN(sketch.quantile(0.9)),
    p95: nullIfNaN(sketch.quantile(0.95)),
    p99: nullIfNaN(sketch.quantile(0.99)),
    max: nullIfNaN(sketch.max),
  };
}

function tokenRows(m: FleetMetrics, models: string[], channels: string[], bucket: number | null): TokenRow[] {
  const rows: TokenRow[] = [];
  for (let model = 0; model < m.models; model++) {
    for (let channel = 0; channel < m.channels; channel++) {
      let hit = 0;
      let miss = 0;
      let output = 0;
      const from = bucket ?? 0;
      const to = bucket ?? m.bucketCount - 1;
      for (let b = from; b <= to; b++) {
        const base = ((b * m.models + model) * m.channels + channel) * 3;
        hit += m.tokens[base + INPUT_CACHE_HIT];
        miss += m.tokens[base + INPUT_CACHE_MISS];
        output += m.tokens[base + OUTPUT];
      }
      if (hit + miss + output > 0) {
        rows.push({ model: models[model], channel: channels[channel], inputCacheHit: hit, inputCacheMiss: miss, output });
      }
    }
  }
  return rows;
}

export interface ResultInputs {
  metrics: FleetMetrics;
  models: string[];
  channels: string[];
  window: FleetResult['window'];
  requests: FleetResult['requests'];
  prefillNodesPerUnit: number;
  decodeNodesPerUnit: number;
  decodeGpusPerNode: number;
  fleetSteps: PerPool<PoolStep[]>;
  events: number;
}

export function buildResult(inputs: ResultInputs): FleetResult {
  const { metrics: m, models, channels } = inputs;
  const buckets: BucketResult[] = [];
  for (let b = 0; b < m.bucketCount; b++) {
    const seconds = m.bucketSeconds;
    const prefillNodeSeconds = m.get(F.prefillNodeSeconds, b);
    const decodeNodeSeconds = m.get(F.decodeNodeSeconds, b);
    buckets.push({
      startSeconds: m.startSeconds + b * seconds,
      arrived: m.get(F.arrived, b),
      admitted: m.get(F.admitted, b),
      rejected: m.get(F.rejected, b),
      completed: m.get(F.completed, b),
      tokens: tokenRows(m, models, channels, b),
      nodeSeconds: { prefill: prefillNodeSeconds, decode: decodeNodeSeconds },
      averageNodes: { prefill: prefillNodeSeconds / seconds, decode: decodeNodeSeconds / seconds },
      prefillInputTokens: m.get(F.prefillInputTokens, b),
      decodeOutputTokens: m.get(F.decodeOutputTokens, b),
      prefillInputTokensPerSecondPerNode: ratio(m.get(F.prefillInputTokens, b), prefillNodeSeconds),
      prefillComputedTokensPerSecondPerNode: ratio(m.get(F.prefillComputedTokens, b), prefillNodeSeconds),
      decodeOutputTokensPerSecondPerNode: ratio(m.get(F.decodeOutputTokens, b), decodeNodeSeconds),
      busyShare: {
        prefill: ratio(m.get(F.prefillBusyUnitSeconds, b) * inputs.prefillNodesPerUnit, prefillNodeSeconds),
        decode: ratio(m.get(F.decodeBusyUnitSeconds, b) * inputs.decodeNodesPerUnit, decodeNodeSeconds),
      },
      meanDecodeSequencesPerGpu: ratio(m.get(F.decodeSequenceSeconds, b), decodeNodeSeconds * inputs.decodeGpusPerNode),
      queues: {
        prefillMean: m.get(F.prefillQueueRequestSeconds, b) / seconds,
        prefillMax: m.get(F.prefillQueueMax, b),
        decodeWaitingMean: m.get(F.decodeWaitingRequestSeconds, b) / seconds,
        decodeWaitingMax: m.get(F.decodeWaitingMax, b),
        inFlightMean: m.get(F.inFlightRequestSeconds, b) / seconds,
        inFlightMax: m.get(F.inFlightMax, b),
      },
      cacheHitShare: ratio(m.get(F.admittedHitTokens, b), m.get(F.admittedInputTokens, b)),
      meanKvLengthPerOutputToken: ratio(m.get(F.kvLengthTokenSum, b), m.get(F.kvOutputTokens, b)),
      ttftSeconds: { p50: nullIfNaN(m.bucketTtft[b].quantile(0.5)), p99: nullIfNaN(m.bucketTtft[b].quantile(0.99)) },
      tpotSeconds: { p50: nullIfNaN(m.bucketTpot[b].quantile(0.5)), p99: nullIfNaN(m.bucketTpot[b].quantile(0.99)) },
      e2eSeconds: { p50: nullIfNaN(m.bucketE2e[b].quantile(0.5)), p99: nullIfNaN(m.bucketE2e[b].quantile(0.99)) },
    });
  }
  const tokens = tokenRows(m, models, channels, null);
  let hit = 0;
  let miss = 0;
  let output = 0;
  for (const row of tokens) {
    hit += row.inputCacheHit;
    miss += row.inputCacheMiss;
    output += row.output;
  }
  return {
    window: inputs.window,
    models,
    channels,
    requests: inputs.requests,
    latency: { ttftSeconds: summarise(m.ttft), tpotSeconds: summarise(m.tpot), e2eSeconds: summarise(m.e2e) },
    totals: {
      inputTokens: hit + miss,
      cacheHitInputTokens: hit,
      cacheMissInputTokens: miss,
      outputTokens: output,
      cacheHitShare: ratio(m.total(F.admittedHitTokens), m.total(F.admittedInputTokens)),
      meanKvLengthPerOutputToken: ratio(m.total(F.kvLengthTokenSum), m.total(F.kvOutputTokens)),
      nodeSeconds: { prefill: m.total(F.prefillNodeSeconds), decode: m.total(F.decodeNodeSeconds) },
      tokens,
    },
    buckets,
    fleetSteps: inputs.fleetSteps,
    engine: { events: inputs.events },
  };
}
