/**
 * Memory per GPU: the weights a GPU holds under a layout, the HBM left for KV cache, and how many
 * tokens of KV that is. A batch that does not fit is an InputError with the numbers.
 */
import { bytesPerElement, type GpuSpec } from '../catalog/gpus.js';
import {
  attentionParamsPerLayer,
  denseLayers,
  ffnParams,
  kvBytesPerToken,
  moeLayers,
  type ModelSpec,
} from '../catalog/models.js';
import { InputError } from '../errors.js';
import { CALIBRATION } from './calibration.js';
import type { UnitLayout } from './layout.js';

export interface MemoryPlan {
  hbmBytesPerGpu: number;
  reservedBytesPerGpu: number;
  weightBytesPerGpu: number;
  /** HBM left for KV cache after weights and the runtime reserve (0 when the weights do not fit). */
  kvBytesAvailablePerGpu: number;
  /** KV bytes one token costs on each GPU: all layers, times the TP replication of the cache. */
  kvBytesPerTokenPerGpu: number;
  kvCapacityTokensPerGpu: number;
  weightsFit: boolean;
}

/**
 * How many GPUs of a TP group hold a copy of each token's KV: MLA's single latent head is replicated
 * on every TP rank; GQA splits its KV heads and replicates only when tp exceeds them.
 */
export function kvReplication(model: ModelSpec, tp: number): number {
  const a = model.attention;
  return a.kind === 'mla' ? tp : Math.max(1, tp / a.kvHeads);
}

export function memoryPlan(model: ModelSpec, gpu: GpuSpec, layout: UnitLayout): MemoryPlan {
  const gemmBytes = bytesPerElement(layout.precision.gemm);
  const tp = layout.tp;
  const attention = attentionParamsPerLayer(model) * model.layers * gemmBytes / tp;
  const dense = ffnParams(model, model.denseFfnSize) * denseLayers(model) * gemmBytes / tp;
  let experts = 0;
  if (model.moe) {
    const expert = ffnParams(model, model.moe.expertFfnSize) * moeLayers(model);
    const shared = expert * model.moe.sharedExperts * gemmBytes / tp;
    // With ep = 1 the experts are tensor-parallel over the TP group instead.
    const routedShard = layout.ep > 1 ? layout.expertsPerGpu : layout.expertsPerGpu / tp;
    const routed = expert * routedShard * bytesPerElement(layout.precision.experts);
    const router = model.hiddenSize * model.moe.routedExperts * moeLayers(model) * 2;
    experts = shared + routed + router;
  }
  // Embedding and LM head stay BF16 (DeepSeek-V3 keeps them in higher precision); vocab-parallel over TP.
  const embedding = (model.tiedEmbeddings ? 1 : 2) * model.vocabSize * model.hiddenSize * 2 / tp;
  const weightBytesPerGpu = attention + dense + experts + embedding;
  const reservedBytesPerGpu = gpu.hbmBytes * CALIBRATION.runtimeReserveShare;
  const free = gpu.hbmBytes - reservedBytesPerGpu - weightBytesPerGpu;
  const kvBytesPerTokenPerGpu = kvBytesPerToken(model, layout.precision.kvCache) * kvReplication(model, tp);
  const kvBytesAvailablePerGpu = Math.max(0, free);
  return {
    hbmBytesPerGpu: gpu.hbmBytes,
    reservedBytesPerGpu,
    weightBytesPerGpu,
    kvBytesAvailablePerGpu,
    kvBytesPerTokenPerGpu,
    kvCapacityTokensPerGpu: Math.floor(kvBytesAvailablePerGpu / kvBytesPerTokenPerGpu),
    weightsFit: free > 0,
  };
}

const GB = 1e9;

/** Throws when the weights alone exceed a GPU's HBM (after the runtime reserve). */
export function assertWeightsFit(plan: MemoryPlan, what: string): void {
  if (plan.weightsFit) return;
  throw new InputError(
    `${what}: weights need ${(plan.weightBytesPerGpu / GB).toFixed(1)} GB per GPU but only ` +
      `${((plan.hbmBytesPerGpu - plan.reservedBytesPerGpu) / GB).toFixed(1)} GB of ` +
      `${(plan.hbmBytesPerGpu / GB).toFixed(1)} GB HBM are usable; use more GPUs, more ep or tp, or a smaller format`,
  );
}

/** Throws when `kvTokens` of KV cache per GPU exceed what is left after the weights. */
export function assertKvFits(plan: MemoryPlan, kvTokens: number, what: string): void {
  if (kvTokens <= plan.kvCapacityTokensPerGpu) return;
  throw new InputError(
    `${what}: the batch needs ${Math.ceil(kvTokens)} KV tokens per GPU ` +
      `(${((kvTokens * plan.kvBytesPerTokenPerGpu) / GB).toFixed(1)} GB) but only ` +
      `${plan.kvCapacityTokensPerGpu} fit (${(plan.kvBytesAvailablePerGpu / GB).toFixed(1)} GB left after ` +
      `${(plan.weightBytesPerGpu / GB).toFixed(1)} GB of weights and ${(plan.reservedBytesPerGpu / GB).toFixed(1)} GB reserve)`,
  );
}
