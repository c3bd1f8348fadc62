import { PrefixCache } from '../sim/prefixCache.js';
import { newRequestRecord } from '../workload/request.js';
import { requireSimulation, type Scenario } from './build.js';
import { openWorkload, type WorkloadEnvironment } from './workload-spec.js';

/** What a workload is made of, before any fleet: the numbers to calibrate it against. */
export interface WorkloadStats {
  requests: number;
  meanInputTokens: number | null;
  meanOutputTokens: number | null;
  inputTokens: number;
  outputTokens: number;
  /** Share of input tokens an unbounded prefix cache would serve (the reuse upper bound). */
  prefixReuseShare: number | null;
  /** Σ over output tokens of the context they are produced at / output tokens. */
  meanKvLengthPerOutputToken: number | null;
  /** Causal attention pairs per uncached prompt token (prefill attention weight). */
  attentionPairsPerComputedToken: number | null;
  byStream: Record<string, { requests: number; inputTokens: number; outputTokens: number }>;
  /** Malformed trace rows skipped (only when the scenario asks to skip them), and the first of them. */
  skippedTraceRows: number;
  firstSkippedTraceRow: string | null;
}

/**
 * Draws the scenario's workload over buckets [fromBucket, toBucket) and measures it, with an unbounded
 * cache in front of the prompts. Memory grows with the distinct prefix blocks, so keep the span short.
 */
export function workloadStats(scenario: Scenario, env: WorkloadEnvironment, fromBucket = 0, toBucket = scenario.buckets.length): WorkloadStats {
  const spec = requireSimulation(scenario, 'a workload to draw');
  const bucketSeconds = scenario.window.bucketMs / 1000;
  const { source, skippedRows, skippedExamples } = openWorkload(spec.workload, spec.seed, env, fromBucket * bucketSeconds, toBucket * bucketSeconds);
  const cache = new PrefixCache(Number.POSITIVE_INFINITY);
  const record = newRequestRecord();
  const byStream: WorkloadStats['byStream'] = {};
  let requests = 0;
  let input = 0;
  let output = 0;
  let hits = 0;
  let kvTokenProduct = 0;
  let pairs = 0;
  try {
    while (source.next(record)) {
      const hitBlocks = record.blockCount > 0 ? cache.lookupAndInsert(record.blockIds, record.blockCount, record.blockTokens) : 0;
      const hit = Math.min(hitBlocks * record.blockTokens, record.inputTokens);
      const computed = record.inputTokens - hit;
      requests++;
      input += record.inputTokens;
      output += record.outputTokens;
      hits += hit;
      kvTokenProduct += record.outputTokens * (record.inputTokens + (record.outputTokens + 1) / 2);
      pairs += computed * hit + (computed * (computed + 1)) / 2;
      const key = `${source.models[record.modelIndex]}/${source.channels[record.channelIndex]}`;
      const stream = (byStream[key] ??= { requests: 0, inputTokens: 0, outputTokens: 0 });
      stream.requests++;
      stream.inputTokens += record.inputTokens;
      stream.outputTokens += record.outputTokens;
    }
  } finally {
    source.close?.();
  }
  const per = (a: number, b: number) => (b > 0 ? a / b : null);
  return {
    requests,
    meanInputTokens: per(input, requests),
    meanOutputTokens: per(output, requests),
    inputTokens: input,
    outputTokens: output,
    prefixReuseShare: per(hits, input),
    meanKvLengthPerOutputToken: per(kvTokenProduct, output),
    attentionPairsPerComputedToken: per(pairs, input - hits),
    byStream,
    skippedTraceRows: skippedRows(),
    firstSkippedTraceRow: skippedExamples()[0] ?? null,
  };
}
