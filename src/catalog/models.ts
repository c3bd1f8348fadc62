/**
 * Model catalog: the architecture numbers the step-time model counts FLOPs and bytes from, each with its
 * source ("calib §9" = ../shared/reference/perf-calibration.md, section 9, model table). Parameter
 * counts, weight bytes and KV bytes are derived here, never typed in, so they cannot drift.
 */
import { InputError } from '../errors.js';
import { bytesPerElement, type NumberFormat } from './gpus.js';

/** Multi-head latent attention (DeepSeek-V2/V3, Kimi K2): a compressed KV cache of kvLoraRank + rope dims. */
export interface MlaAttention {
  kind: 'mla';
  heads: number;
  /** 0 means queries are projected directly from the hidden state (no low-rank query path). */
  qLoraRank: number;
  kvLoraRank: number;
  qkNopeHeadDim: number;
  qkRopeHeadDim: number;
  vHeadDim: number;
}

/** Grouped-query attention; optional sliding windows on some layers. */
export interface GqaAttention {
  kind: 'gqa';
  heads: number;
  kvHeads: number;
  headDim: number;
  /** Layers that attend to a window of the last `slidingWindowTokens` tokens only. */
  slidingWindowLayers: number;
  slidingWindowTokens: number;
}

export type AttentionSpec = MlaAttention | GqaAttention;

export interface MoeSpec {
  routedExperts: number;
  sharedExperts: number;
  /** Routed experts each token visits. */
  topK: number;
  expertFfnSize: number;
  /** The first layers use a dense FFN of `denseFfnSize` instead of experts. */
  denseLayersFirst: number;
  /** Group-limited routing: a token's experts lie in at most this many expert groups (null: no limit). */
  maxGroupsPerToken: number | null;
  expertGroups: number | null;
}

/** The number formats a model is normally served in (each overridable per layout). */
export interface ServingPrecision {
  /** Attention projections, dense FFNs and shared experts. */
  gemm: NumberFormat;
  /** Routed experts. */
  experts: NumberFormat;
  /** The attention core (QK^T, softmax, PV). */
  attention: NumberFormat;
  kvCache: NumberFormat;
  dispatch: NumberFormat;
  combine: NumberFormat;
}

export interface ModelSpec {
  id: string;
  name: string;
  layers: number;
  hiddenSize: number;
  attention: AttentionSpec;
  /** FFN width of dense layers (SwiGLU: gate, up and down matrices). 0 when every layer is MoE. */
  denseFfnSize: number;
  moe: MoeSpec | null;
  vocabSize: number;
  tiedEmbeddings: boolean;
  precision: ServingPrecision;
  source: string;
}

const DEEPSEEK_V3_ATTENTION: MlaAttention = {
  kind: 'mla',
  heads: 128, // calib §9 DeepSeek-V3: MLA, 128 heads
  qLoraRank: 1536, // calib §9: q_lora_rank 1536
  kvLoraRank: 512, // calib §9: kv_lora_rank 512
  qkNopeHeadDim: 128, // calib §9: qk_nope 128
  qkRopeHeadDim: 64, // calib §9: qk_rope 64
  vHeadDim: 128, // calib §9: v_head 128
};

// DeepSeek's deployment: FP8 GEMMs and dispatch, BF16 attention core and combine (reference JSON,
// deployment.precision); KV cache in BF16 (calib §9 KV table).
const DEEPSEEK_PRECISION: ServingPrecision = {
  gemm: 'fp8',
  experts: 'fp8',
  attention: 'bf16',
  kvCache: 'bf16',
  dispatch: 'fp8',
  combine: 'bf16',
};

const BF16_PRECISION: ServingPrecision = {
  gemm: 'bf16',
  experts: 'bf16',
  attention: 'bf16',
  kvCache: 'bf16',
  dispatch: 'bf16',
  combine: 'bf16',
};

const NO_WINDOW = { slidingWindowLayers: 0, slidingWindowTokens: 0 };

const deepseekV3: Omit<ModelSpec, 'id' | 'name'> = {
  layers: 61, // calib §9: 61 layers (first 3 dense, 58 MoE); the MTP module is not modelled
  hiddenSize: 7168, // calib §9
  attention: DEEPSEEK_V3_ATTENTION,
  denseFfnSize: 18432, // calib §9: dense inter 18432
  // calib §9: 256 routed, top-8, 1 shared, moe_inter 2048; 8 groups, top-4 groups
  moe: { routedExperts: 256, sharedExperts: 1, topK: 8, expertFfnSize: 2048, denseLayersFirst: 3, maxGroupsPerToken: 4, expertGroups: 8 },
  vocabSize: 129280, // calib §9
  tiedEmbeddings: false,
  precision: DEEPSEEK_PRECISION,
  source: 'perf-calibration.md §9 DeepSeek-V3/R1 row (config_671B.json @9b4e978)',
};

export const MODELS: readonly ModelSpec[] = [
  { id: 'deepseek-v3', name: 'DeepSeek-V3', ...deepseekV3 },
  { id: 'deepseek-r1', name: 'DeepSeek-R1 (V3 architecture)', ...deepseekV3 },
  {
    id: 'kimi-k2',
    name: 'Kimi K2',
    layers: 61, // calib §9 Kimi K2: 61 layers, 1 dense
    hiddenSize: 7168,
    attention: { ...DEEPSEEK_V3_ATTENTION, heads: 64 }, // calib §9: MLA, 64 heads, same ranks as V3
    denseFfnSize: 18432, // calib §9: dense FFN 18432 (Megatron script)
    // calib §9: 384 experts, top-8, 1 shared, 2048 per expert; no group limit
    moe: { routedExperts: 384, sharedExperts: 1, topK: 8, expertFfnSize: 2048, denseLayersFirst: 1, maxGroupsPerToken: null, expertGroups: null },
    vocabSize: 163840, // calib §9: 160K (163,840)
    tiedEmbeddings: false,
    precision: DEEPSEEK_PRECISION, // released as FP8 block-scaled weights, served like V3
    source: 'perf-calibration.md §9 Kimi K2 row (MoonshotAI/Kimi-K2 @11062d1; MLA dims third-party)',
  },
  {
    id: 'qwen3-235b-a22b',
    name: 'Qwen3-235B-A22B',
    layers: 94, // calib §9 Qwen3-235B: 94, all MoE
    hiddenSize: 4096,
    attention: { kind: 'gqa', heads: 64, kvHeads: 4, headDim: 128, ...NO_WINDOW }, // calib §9: 64 Q / 4 KV, 128
    denseFfnSize: 0,
    // calib §9: 128 experts, top-8, no shared, moe_ffn 1536
    moe: { routedExperts: 128, sharedExperts: 0, topK: 8, expertFfnSize: 1536, denseLayersFirst: 0, maxGroupsPerToken: null, expertGroups: null },
    vocabSize: 151936, // calib §9
    tiedEmbeddings: false,
    precision: BF16_PRECISION,
    source: 'perf-calibration.md §9 Qwen3-235B-A22B row (slime qwen3-235B-A22B.sh @a293863)',
  },
  {
    id: 'qwen3-30b-a3b',
    name: 'Qwen3-30B-A3B',
    // Not in perf-calibration.md: Qwen/Qwen3-30B-A3B config.json (48 layers, hidden 2048, 32 Q / 4 KV
    // heads of 128, 128 experts top-8 of 768, vocab 151,936, untied), as transcribed in public repos.
    layers: 48,
    hiddenSize: 2048,
    attention: { kind: 'gqa', heads: 32, kvHeads: 4, headDim: 128, ...NO_WINDOW },
    denseFfnSize: 0,
    moe: { routedExperts: 128, sharedExperts: 0, topK: 8, expertFfnSize: 768, denseLayersFirst: 0, maxGroupsPerToken: null, expertGroups: null },
    vocabSize: 151936,
    tiedEmbeddings: false,
    precision: BF16_PRECISION,
    source: 'Qwen/Qwen3-30B-A3B config.json (HF), not in perf-calibration.md',
  },
  {
    id: 'llama-3.1-8b',
    name: 'Llama 3.1 8B',
    layers: 32, // calib §9 Llama 3.1 8B
    hiddenSize: 4096,
    attention: { kind: 'gqa', heads: 32, kvHeads: 8, headDim: 128, ...NO_WINDOW }, // calib §9: 32/8, head 128
    denseFfnSize: 14336, // calib §9: 14336 (D)
    moe: null,
    vocabSize: 128256, // calib §9
    tiedEmbeddings: false,
    precision: BF16_PRECISION,
    source: 'perf-calibration.md §9 Llama 3.1 8B row (llama-models sku_list.py @1768925)',
  },
  {
    id: 'llama-3.1-70b',
    name: 'Llama 3.1 70B',
    layers: 80, // calib §9 Llama 3.1 70B
    hiddenSize: 8192,
    attention: { kind: 'gqa', heads: 64, kvHeads: 8, headDim: 128, ...NO_WINDOW }, // calib §9: 64/8
    denseFfnSize: 28672, // calib §9: 28672 (D)
    moe: null,
    vocabSize: 128256,
    tiedEmbeddings: false,
    precision: BF16_PRECISION,
    source: 'perf-calibration.md §9 Llama 3.1 70B row',
  },
  {
    id: 'llama-3.1-405b',
    name: 'Llama 3.1 405B',
    layers: 126, // calib §9 Llama 3.1 405B
    hiddenSize: 16384,
    attention: { kind: 'gqa', heads: 128, kvHeads: 8, headDim: 128, ...NO_WINDOW }, // calib §9: 128/8
    denseFfnSize: 53248, // calib §9: 53248 (D)
    moe: null,
    vocabSize: 128256,
    tiedEmbeddings: false,
    precision: BF16_PRECISION,
    source: 'perf-calibration.md §9 Llama 3.1 405B row',
  },
  {
    id: 'gpt-oss-120b',
    name: 'gpt-oss-120b',
    layers: 36, // calib §9 gpt-oss-120b
    hiddenSize: 2880,
    // calib §9: GQA 64 Q / 8 KV, head_dim 64; sliding window 128 on alternate layers (18 of 36)
    attention: { kind: 'gqa', heads: 64, kvHeads: 8, headDim: 64, slidingWindowLayers: 18, slidingWindowTokens: 128 },
    denseFfnSize: 0,
    // calib §9: 128 experts, top-4, expert intermediate 2880
    moe: { routedExperts: 128, sharedExperts: 0, topK: 4, expertFfnSize: 2880, denseLayersFirst: 0, maxGroupsPerToken: null, expertGroups: null },
    vocabSize: 201088, // calib §9
    tiedEmbeddings: false,
    // calib §9: MXFP4 MoE weights; the rest BF16
    precision: { ...BF16_PRECISION, experts: 'fp4' },
    source: 'perf-calibration.md §9 gpt-oss-120b row (openai/gpt-oss model.py @0568dfc)',
  },
];

const byId = new Map(MODELS.map((model) => [model.id, model]));

export function knownModelIds(): string[] {
  return MODELS.map((model) => model.id);
}

/** The model with this id (any case, surrounding spaces ignored), or undefined; callers raise their own error. */
export function findModel(id: string): ModelSpec | undefined {
  return byId.get(id.trim().toLowerCase());
}

/** Finds a model by id, case-insensitively; unknown ids are an InputError listing the known ones. */
export function lookupModel(id: string): ModelSpec {
  const model = findModel(id);
  if (!model) throw new InputError(`unknown model "${id}"; known models: ${knownModelIds().join(', ')}`);
  return model;
}

// ---- derived figures ---------------------------------------------------------------------------

/** Parameters of one layer's attention projections (norm weights ignored). */
export function attentionParamsPerLayer(model: ModelSpec): number {
  const a = model.attention;
  const h = model.hiddenSize;
  if (a.kind === 'gqa') return h * (a.heads + 2 * a.kvHeads) * a.headDim + a.heads * a.headDim * h;
  const qkHead = a.qkNopeHeadDim + a.qkRopeHeadDim;
  const query = a.qLoraRank > 0 ? h * a.qLoraRank + a.qLoraRank * a.heads * qkHead : h * a.heads * qkHead;
  const kvDown = h * (a.kvLoraRank + a.qkRopeHeadDim);
  const kvUp = a.kvLoraRank * a.heads * (a.qkNopeHeadDim + a.vHeadDim);
  const output = a.heads * a.vHeadDim * h;
  return query + kvDown + kvUp + output;
}

/** A SwiGLU FFN of width `ffnSize`: gate, up and down matrices. */
export function ffnParams(model: ModelSpec, ffnSize: number): number {
  return 3 * model.hiddenSize * ffnSize;
}

export function moeLayers(model: ModelSpec): number {
  return model.moe ? model.layers - model.moe.denseLayersFirst : 0;
}

export function denseLayers(model: ModelSpec): number {
  return model.layers - moeLayers(model);
}

export function embeddingParams(model: ModelSpec): number {
  return (model.tiedEmbeddings ? 1 : 2) * model.vocabSize * model.hiddenSize;
}

export interface ParameterCounts {
  total: number;
  /** Used per token: attention, dense FFNs, shared and top-k routed experts, embedding and head. */
  active: number;
  attention: number;
  denseFfn: number;
  routedExperts: number;
  sharedExperts: number;
  router: number;
  embedding: number;
}

export function parameterCounts(model: ModelSpec): ParameterCounts {
  const attention = attentionParamsPerLayer(model) * model.layers;
  const denseFfn = ffnParams(model, model.denseFfnSize) * denseLayers(model);
  const moe = model.moe;
  const expert = moe ? ffnParams(model, moe.expertFfnSize) : 0;
  const routedExperts = moe ? expert * moe.routedExperts * moeLayers(model) : 0;
  const sharedExperts = moe ? expert * moe.sharedExperts * moeLayers(model) : 0;
  const router = moe ? model.hiddenSize * moe.routedExperts * moeLayers(model) : 0;
  const embedding = embeddingParams(model);
  const total = attention + denseFfn + routedExperts + sharedExperts + router + embedding;
  const activeRouted = moe ? expert * moe.topK * moeLayers(model) : 0;
  const active = attention + denseFfn + activeRouted + sharedExperts + router + embedding;
  return { total, active, attention, denseFfn, routedExperts, sharedExperts, router, embedding };
}

/** Whole-model weight bytes with every linear layer in `format` (embedding and head stay BF16). */
export function weightBytes(model: ModelSpec, format: NumberFormat): number {
  const p = parameterCounts(model);
  return (p.total - p.embedding) * bytesPerElement(format) + p.embedding * bytesPerElement('bf16');
}

/** KV-cache elements per token per layer: the latent + rope vector for MLA, K and V heads for GQA. */
export function kvElementsPerTokenPerLayer(model: ModelSpec): number {
  const a = model.attention;
  return a.kind === 'mla' ? a.kvLoraRank + a.qkRopeHeadDim : 2 * a.kvHeads * a.headDim;
}

/**
 * KV-cache bytes per token over all layers (calib §9 KV table: 70,272 B for DeepSeek-V3 in BF16).
 * Sliding-window layers are counted in full, as the reference table does: a conservative admission bound.
 */
export function kvBytesPerToken(model: ModelSpec, format: NumberFormat = model.precision.kvCache): number {
  return kvElementsPerTokenPerLayer(model) * model.layers * bytesPerElement(format);
}
