/**
 * "How long it takes": the one interface between the fleet simulator and a performance model. The
 * simulator decides what is in each batch; a StepTimeModel prices it. Only the unit step code in
 * prefillPool.ts and decodePool.ts calls it, once per step (or per run of identical decode steps).
 *
 * Inside a unit every GPU runs its own attention (data parallel) and all GPUs meet at every MoE layer
 * (expert parallel), so a step lasts as long as its most-loaded GPU. The load passed is that GPU's
 * (prefill: the GPU with the most work; decode: the most sequences and the most KV over the GPUs, which
 * the balancer keeps together) in perf's PrefillBatchLoad / DecodeBatchLoad, so its UnitStepModel
 * plugs in as is, plus unit totals for the all-to-all traffic.
 */
import type { DecodeBatchLoad, PrefillBatchLoad } from '../perf/step-model.js';

/** What the simulator knows of a prefill step beyond perf's load of the most-loaded GPU. */
export interface PrefillLoad extends PrefillBatchLoad {
  /** GPUs in the unit (attention data-parallel ranks = expert-parallel degree). */
  gpus: number;
  /** Micro-batches the unit overlaps (2 for DeepSeek's prefill). */
  microBatches: number;
  /** Most-loaded GPU: prefix tokens loaded from the external cache for prompts starting in this step (the pool charges their load time itself). */
  cacheLoadTokens: number;
  /** All GPUs: prompt tokens computed in this step. */
  unitNewTokens: number;
}

/** What the simulator knows of a decode step beyond perf's load of the most-loaded GPU. */
export interface DecodeLoad extends DecodeBatchLoad {
  gpus: number;
  microBatches: number;
  /** All GPUs: sequences in the step (tokens through the experts). */
  unitSequences: number;
  /** All GPUs: Σ of KV lengths. */
  unitKvTokens: number;
}

export interface StepTimeModel {
  /** Seconds for one prefill step (forward pass over the batch), > 0. */
  prefillStepSeconds(load: PrefillLoad): number;
  /** Seconds for one decode step (one token for every sequence), > 0. */
  decodeStepSeconds(load: DecodeLoad): number;
}

/** Coefficients of an affine step time; every term is per step on the most-loaded GPU. */
export interface AffineStepTimeCoefficients {
  prefillFixedSeconds: number;
  prefillSecondsPerNewToken: number;
  prefillSecondsPerAttentionPair: number;
  prefillSecondsPerSequence: number;
  decodeFixedSeconds: number;
  decodeSecondsPerSequence: number;
  decodeSecondsPerKvToken: number;
}

/**
 * A step time that is affine in the load: enough for tests with known answers and for benches. With
 * all per-item terms zero it is a fixed step time.
 */
export class AffineStepTimeModel implements StepTimeModel {
  readonly coefficients: AffineStepTimeCoefficients;

  constructor(coefficients: Partial<AffineStepTimeCoefficients>) {
    this.coefficients = {
      prefillFixedSeconds: 0,
      prefillSecondsPerNewToken: 0,
      prefillSecondsPerAttentionPair: 0,
      prefillSecondsPerSequence: 0,
      decodeFixedSeconds: 0,
      decodeSecondsPerSequence: 0,
      decodeSecondsPerKvToken: 0,
      ...coefficients,
    };
  }

  prefillStepSeconds(load: PrefillLoad): number {
    const c = this.coefficients;
    return (
      c.prefillFixedSeconds +
      c.prefillSecondsPerNewToken * load.newTokens +
      c.prefillSecondsPerAttentionPair * load.attentionPairs +
      c.prefillSecondsPerSequence * load.sequences
    );
  }

  decodeStepSeconds(load: DecodeLoad): number {
    const c = this.coefficients;
    return c.decodeFixedSeconds + c.decodeSecondsPerSequence * load.sequences + c.decodeSecondsPerKvToken * load.kvTokens;
  }
}
