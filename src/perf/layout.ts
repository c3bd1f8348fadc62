/**
 * A unit's layout: how many GPUs, how attention and experts are split over them, number formats and
 * the overlap scheme. `resolveLayout` fills defaults and checks the combination against the model and
 * GPU, so the step model only ever sees a consistent layout.
 */
import type { GpuSpec, NumberFormat } from '../catalog/gpus.js';
import type { ModelSpec, ServingPrecision } from '../catalog/models.js';
import { InputError } from '../errors.js';

/**
 * - `none`: one batch, every all-to-all exposed.
 * - `two-micro-batch`: the batch is split in two; one micro-batch's dispatch/combine runs while the other
 *   computes (DeepSeek prefill, SGLang TBO): per layer 2 x [max(attention + shared, combine) +
 *   max(router + experts + other, dispatch)].
 * - `decode-pipeline`: DeepSeek's decode scheme, attention split in two so each all-to-all hides behind
 *   one half: per layer 2 x [max(attention-in + shared, dispatch) + max(attention-core + out, combine) +
 *   router + experts + other].
 */
export type OverlapMode = 'none' | 'two-micro-batch' | 'decode-pipeline';
export const OVERLAP_MODES: readonly OverlapMode[] = ['none', 'two-micro-batch', 'decode-pipeline'];

/** Expert-load imbalance: the most-loaded GPU's routed rows over the mean. */
export type ExpertImbalance =
  | { kind: 'ideal' }
  | { kind: 'factor'; maxOverMean: number }
  /** Per-expert load shares (any positive scale); `eplb` replicates hot experts into the redundant slots. */
  | { kind: 'distribution'; expertLoads: readonly number[]; eplb: boolean };

export interface UnitLayoutInput {
  nodes: number;
  /** GPUs in the unit when it is smaller than its nodes (e.g. 1 or 2 GPUs of a node); default all. */
  gpus?: number;
  /** Tensor-parallel degree of attention (and of dense FFNs); data-parallel degree = GPUs / tp. */
  tp?: number;
  /** GPUs the routed experts are spread over (default: every GPU of the unit for MoE models, 1 for dense). */
  ep?: number;
  /** Replicas of hot experts (EPLB). Default: fill the expert slots that would otherwise stay empty. */
  redundantExperts?: number;
  overlap?: OverlapMode;
  precision?: Partial<ServingPrecision>;
  imbalance?: ExpertImbalance;
  /**
   * Add finite-batch routing noise on top of `imbalance`: even with balanced expected loads, the busiest
   * of `ep` GPUs receives about mu + sqrt(2 mu ln ep) rows for mu rows on average.
   */
  routingNoise?: boolean;
  /** Decode only: draft tokens per step (DeepSeek's multi-token prediction); 0 = plain decoding. */
  speculativeTokens?: number;
  /** Chance each draft token is accepted (given the previous one was). */
  acceptanceRate?: number;
}

export interface UnitLayout {
  nodes: number;
  gpus: number;
  gpusPerNode: number;
  tp: number;
  dataParallel: number;
  ep: number;
  redundantExperts: number;
  /** Routed-expert slots (originals + redundant copies) per GPU. */
  expertsPerGpu: number;
  overlap: OverlapMode;
  precision: ServingPrecision;
  imbalance: ExpertImbalance;
  routingNoise: boolean;
  speculativeTokens: number;
  acceptanceRate: number;
}

/** DeepSeek-V3 report §5.4.3: the second token's acceptance rate is 85-90% (used when none is given). */
export const DEFAULT_ACCEPTANCE_RATE = 0.85;

/** Tokens a sequence gains per decode step: 1 + p + p^2 + ... + p^d (each draft needs the previous accepted). */
export function tokensPerSequenceStep(layout: Pick<UnitLayout, 'speculativeTokens' | 'acceptanceRate'>): number {
  let tokens = 1;
  let chance = 1;
  for (let i = 0; i < layout.speculativeTokens; i++) {
    chance *= layout.acceptanceRate;
    tokens += chance;
  }
  return tokens;
}

const FORMATS: readonly NumberFormat[] = ['bf16', 'fp8', 'fp4'];

function positiveInteger(value: number, what: string): number {
  if (!Number.isInteger(value) || value < 1) throw new InputError(`${what} must be a positive integer, got ${value}`);
  return value;
}

/** Default overlap: hide all-to-all when there is one; DeepSeek's pipeline in decode. */
export function defaultOverlap(model: ModelSpec, ep: number, phase: 'prefill' | 'decode'): OverlapMode {
  if (!model.moe || ep <= 1) return 'none';
  return phase === 'decode' ? 'decode-pipeline' : 'two-micro-batch';
}

export function resolveLayout(model: ModelSpec, gpu: GpuSpec, input: UnitLayoutInput, phase: 'prefill' | 'decode'): UnitLayout {
  const nodes = positiveInteger(input.nodes, 'nodes');
  const gpus = positiveInteger(input.gpus ?? nodes * gpu.gpusPerNode, 'gpus');
  if (gpus > nodes * gpu.gpusPerNode || gpus <= (nodes - 1) * gpu.gpusPerNode) {
    throw new InputError(`${gpus} GPUs do not fill ${nodes} node(s) of ${gpu.gpusPerNode} ${gpu.id} GPUs`);
  }
  const tp = positiveInteger(input.tp ?? (model.moe ? 1 : Math.min(gpus, gpu.gpusPerNode)), 'tp');
  if (gpus % tp !== 0) throw new InputError(`tp ${tp} must divide the unit's ${gpus} GPUs`);
  if (model.attention.heads % tp !== 0) {
    throw new InputError(`tp ${tp} must divide ${model.id}'s ${model.attention.heads} attention heads`);
  }
  const ep = positiveInteger(input.ep ?? (model.moe ? gpus : 1), 'ep');
  if (!model.moe && ep !== 1) throw new InputError(`${model.id} has no experts; ep must be 1, got ${ep}`);
  if (gpus % ep !== 0) throw new InputError(`ep ${ep} must divide the unit's ${gpus} GPUs`);
  // Default: fill the slots the GPUs have anyway (256 experts on EP144 leave 32 free: DeepSeek's choice).
  const evenSlots = model.moe && ep > 1 ? Math.ceil(model.moe.routedExperts / ep) * ep - model.moe.routedExperts : 0;
  const redundantExperts = input.redundantExperts ?? evenSlots;
  if (!Number.isInteger(redundantExperts) || redundantExperts < 0) {
    throw new InputError(`redundant experts must be a non-negative integer, got ${redundantExperts}`);
  }
  if (!model.moe && redundantExperts > 0) throw new InputError(`${model.id} has no experts to replicate`);
  const slots = model.moe ? model.moe.routedExperts + redundantExperts : 0;
  const expertsPerGpu = model.moe ? Math.ceil(slots / ep) : 0;
  const overlap = input.overlap ?? defaultOverlap(model, ep, phase);
  if (!OVERLAP_MODES.includes(overlap)) {
    throw new InputError(`overlap must be one of ${OVERLAP_MODES.join(', ')}, got ${String(overlap)}`);
  }
  const precision: ServingPrecision = { ...model.precision, ...input.precision };
  for (const [key, format] of Object.entries(precision)) {
    if (!FORMATS.includes(format)) throw new InputError(`precision.${key} must be one of ${FORMATS.join(', ')}`);
  }
  const imbalance = input.imbalance ?? { kind: 'ideal' };
  if (imbalance.kind === 'factor' && !(imbalance.maxOverMean >= 1)) {
    throw new InputError(`expert imbalance (max/mean) must be at least 1, got ${imbalance.maxOverMean}`);
  }
  if (imbalance.kind === 'distribution') {
    if (!model.moe || imbalance.expertLoads.length !== model.moe.routedExperts) {
      throw new InputError(`expert loads need one value per routed expert (${model.moe?.routedExperts ?? 0})`);
    }
    if (imbalance.expertLoads.some((load) => !(load >= 0)) || !imbalance.expertLoads.some((load) => load > 0)) {
      throw new InputError('expert loads must be non-negative with at least one positive');
    }
  }
  const speculativeTokens = input.speculativeTokens ?? 0;
  if (!Number.isInteger(speculativeTokens) || speculativeTokens < 0) {
    throw new InputError(`speculative (MTP) tokens must be a non-negative integer, got ${speculativeTokens}`);
  }
  const acceptanceRate = input.acceptanceRate ?? DEFAULT_ACCEPTANCE_RATE;
  if (!(acceptanceRate >= 0 && acceptanceRate <= 1)) {
    throw new InputError(`acceptance rate must be between 0 and 1, got ${acceptanceRate}`);
  }
  return {
    nodes,
    gpus,
    gpusPerNode: gpu.gpusPerNode,
    tp,
    dataParallel: gpus / tp,
    ep,
    redundantExperts,
    expertsPerGpu,
    overlap,
    precision,
    imbalance,
    routingNoise: input.routingNoise === true,
    speculativeTokens: phase === 'decode' ? speculativeTokens : 0,
    acceptanceRate,
  };
}
