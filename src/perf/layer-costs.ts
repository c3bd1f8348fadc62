/**
 * The cost of one layer for one micro-batch, operator by operator: FLOPs and bytes from the model's
 * shapes, priced by kernels.ts. Everything that depends only on the token count is in `stages`
 * (memoised by the step model); the attention core, which depends on context, is priced separately.
 */
import { bytesPerElement, type GpuSpec, type NumberFormat } from '../catalog/gpus.js';
import { kvElementsPerTokenPerLayer, type ModelSpec } from '../catalog/models.js';
import { CALIBRATION as C } from './calibration.js';
import { expertImbalanceFactor } from './imbalance.js';
import {
  allReduceSeconds,
  allToAllSeconds,
  allToAllShape,
  attentionSeconds,
  elementwiseSeconds,
  gemmSeconds,
  ratesFor,
  type AllToAllShape,
  type BoundTally,
  type Rates,
} from './kernels.js';
import { kvReplication } from './memory.js';
import type { UnitLayout } from './layout.js';

export type Phase = 'prefill' | 'decode';

/** Seconds of each operator group for one micro-batch in one layer (MoE and dense variants). */
export interface Stages {
  /** Projections before the attention core (Q/KV down and up, absorbed W_UK in decode). */
  attnIn: number;
  /** Projections after the core (absorbed W_UV in decode, output projection). */
  attnOut: number;
  shared: number;
  router: number;
  experts: number;
  /** Elementwise kernels of a MoE layer. */
  other: number;
  dispatch: number;
  combine: number;
  /** TP all-reduces of a MoE layer (after attention; after experts when they are tensor-parallel). */
  allReduce: number;
  denseFfn: number;
  denseOther: number;
  denseAllReduce: number;
}

/** GEMM activations in bytes per element: FP8 GEMMs quantize their inputs, others read BF16. */
function activationBytes(format: NumberFormat): number {
  return format === 'bf16' ? 2 : 1;
}

/**
 * Bytes one token occupies in a dispatch or combine message. FP8 is DeepEP's format: E4M3 values plus
 * one float32 scale per 128 channels (DeepEP deep_ep/buffer.py, Buffer.dispatch: x as
 * `[num_tokens, hidden]` float8_e4m3fn with `[num_tokens, hidden // 128]` torch.float scales). FP4's
 * block scale is already in bytesPerElement (MXFP4: 1 byte per 32), so nothing is added to it; BF16
 * carries none.
 */
function rowBytes(hidden: number, format: NumberFormat): number {
  if (format === 'fp8') return hidden * bytesPerElement('fp8') + (hidden / 128) * 4;
  return hidden * bytesPerElement(format);
}

/** A bound tally per stage, for the breakdown. */
export type StageTallies = Record<keyof Stages, BoundTally>;

export function emptyStageTallies(): StageTallies {
  const keys: (keyof Stages)[] = ['attnIn', 'attnOut', 'shared', 'router', 'experts', 'other', 'dispatch', 'combine', 'allReduce', 'denseFfn', 'denseOther', 'denseAllReduce'];
  return Object.fromEntries(keys.map((key) => [key, { flopsBoundSeconds: 0, hbmBoundSeconds: 0 }])) as StageTallies;
}

export class LayerCosts {
  readonly rates: Rates;
  readonly imbalance: number;
  private readonly shape: AllToAllShape | null;
  private readonly commEfficiency: number;

  constructor(
    readonly model: ModelSpec,
    readonly gpu: GpuSpec,
    readonly layout: UnitLayout,
    readonly phase: Phase,
  ) {
    this.rates = ratesFor(gpu);
    const moe = model.moe;
    this.imbalance = moe ? expertImbalanceFactor(layout.imbalance, moe.routedExperts, layout.ep, layout.redundantExperts) : 1;
    this.shape =
      moe && layout.ep > 1
        ? allToAllShape(layout.ep, gpu.scaleUpDomainGpus, moe.topK, moe.maxGroupsPerToken, phase === 'decode')
        : null;
    this.commEfficiency = layout.overlap === 'none' ? 1 : C.overlappedCommunicationEfficiency;
  }

  /** The most-loaded GPU's rows over the mean when each GPU gets `meanRows` routed rows on average. */
  imbalanceAt(meanRows: number): number {
    const { ep } = this.layout;
    if (!this.layout.routingNoise || ep <= 1) return this.imbalance;
    return this.imbalance * (1 + Math.sqrt((2 * Math.log(ep)) / Math.max(1, meanRows)));
  }

  /** Stage times for `tokens` tokens per GPU in one micro-batch; `tallies` (if any) get each kernel's bound. */
  stages(tokens: number, tallies: StageTallies | null): Stages {
    // `at(stage)` points the kernels priced next at that stage's tally (only when tracing).
    let into: BoundTally | null = null;
    const at = (key: keyof Stages): void => {
      into = tallies ? tallies[key] : null;
    };
    const { model, layout, rates } = this;
    const hidden = model.hiddenSize;
    const tp = layout.tp;
    const m = tokens * tp; // a TP group computes its members' tokens together
    const p = layout.precision;
    const wb = bytesPerElement(p.gemm);
    const gemm = (n: number, k: number, format: NumberFormat, weightBytes: number, kernels = 1): number =>
      gemmSeconds(rates, 2 * m * n * k, n * k * weightBytes + m * k * activationBytes(format) + m * n * 2, format, kernels, into);

    let attnIn: number;
    let attnOut: number;
    const a = model.attention;
    at('attnIn');
    if (a.kind === 'mla') {
      const heads = a.heads / tp;
      const qk = a.qkNopeHeadDim + a.qkRopeHeadDim;
      const down = a.qLoraRank > 0 ? a.qLoraRank : heads * qk;
      attnIn = gemm(down + a.kvLoraRank + a.qkRopeHeadDim, hidden, p.gemm, wb);
      if (a.qLoraRank > 0) attnIn += gemm(heads * qk, a.qLoraRank, p.gemm, wb);
      if (this.phase === 'decode') {
        // Absorbed MLA: W_UK folds into the query, W_UV into the output; batched over heads.
        const bmb = bytesPerElement(p.attention);
        attnIn += gemm(heads * a.kvLoraRank, a.qkNopeHeadDim, p.attention, bmb);
        at('attnOut');
        attnOut = gemm(heads * a.vHeadDim, a.kvLoraRank, p.attention, bmb);
      } else {
        // Prefill decompresses the new tokens' latent KV into per-head K (nope) and V.
        attnIn += gemm(heads * (a.qkNopeHeadDim + a.vHeadDim), a.kvLoraRank, p.gemm, wb);
        attnOut = 0;
      }
      at('attnOut');
      attnOut += gemm(hidden, heads * a.vHeadDim, p.gemm, wb);
    } else {
      const heads = a.heads / tp;
      const kvHeads = Math.max(1, a.kvHeads / tp);
      attnIn = gemm((heads + 2 * kvHeads) * a.headDim, hidden, p.gemm, wb);
      at('attnOut');
      attnOut = gemm(hidden, heads * a.headDim, p.gemm, wb);
    }
    const hiddenPasses = m * hidden * C.elementwiseBytesPerHiddenElement;
    const attnAllReduce = allReduceSeconds(rates, m * hidden * 2, tp, this.gpu.scaleUpDomainGpus);

    const ffn = (width: number): number => gemm(2 * width, hidden, p.gemm, wb, 1) + gemm(hidden, width, p.gemm, wb, 1);
    let denseFfn = 0;
    let denseOther = 0;
    if (model.denseFfnSize > 0) {
      at('denseFfn');
      denseFfn = ffn(model.denseFfnSize / tp);
      at('denseOther');
      denseOther = elementwiseSeconds(rates, hiddenPasses + m * (model.denseFfnSize / tp) * C.elementwiseBytesPerExpertElement, C.otherKernelsPerLayer, into);
    }
    const denseAllReduce = attnAllReduce + allReduceSeconds(rates, m * hidden * 2, tp, this.gpu.scaleUpDomainGpus);

    let shared = 0;
    let router = 0;
    let experts = 0;
    let other = 0;
    let dispatch = 0;
    let combine = 0;
    let allReduce = attnAllReduce;
    const moe = model.moe;
    if (moe) {
      at('shared');
      if (moe.sharedExperts > 0) shared = ffn((moe.expertFfnSize * moe.sharedExperts) / tp);
      at('router');
      router = gemm(moe.routedExperts, hidden, 'bf16', 2);
      const expertParallel = layout.ep > 1;
      const width = expertParallel ? moe.expertFfnSize : moe.expertFfnSize / tp;
      const imbalance = this.imbalanceAt(tokens * moe.topK);
      const rows = expertParallel ? tokens * moe.topK * imbalance : m * moe.topK;
      const local = expertParallel ? layout.expertsPerGpu : moe.routedExperts;
      // Only experts that receive a row are read: a small batch touches few of a GPU's experts.
      const touched = local * (1 - (1 - 1 / local) ** rows);
      const eb = bytesPerElement(p.experts);
      const eab = activationBytes(p.experts);
      const expertFlops = 2 * rows * 3 * hidden * width;
      const expertBytes = touched * 3 * hidden * width * eb + rows * (hidden * (eab + 2) + width * (4 + eab));
      at('experts');
      experts = gemmSeconds(rates, expertFlops, expertBytes, p.experts, 2, into);
      at('other');
      other = elementwiseSeconds(rates, hiddenPasses + rows * width * C.elementwiseBytesPerExpertElement, C.otherKernelsPerLayer, into);
      if (this.shape) {
        const received = tokens * imbalance;
        dispatch = allToAllSeconds(rates, this.shape, received, rowBytes(hidden, p.dispatch), this.commEfficiency);
        combine = allToAllSeconds(rates, this.shape, received, rowBytes(hidden, p.combine), this.commEfficiency);
      } else {
        allReduce += allReduceSeconds(rates, m * hidden * 2, tp, this.gpu.scaleUpDomainGpus);
      }
    }
    return { attnIn, attnOut, shared, router, experts, other, dispatch, combine, allReduce, denseFfn, denseOther, denseAllReduce };
  }

  /**
   * Decode attention core per layer (averaged over layers) for `sequences` sequences per GPU holding
   * `kvTokens` KV tokens in all, `queries` query tokens each (1, or 1 + draft tokens under MTP).
   */
  decodeAttention(sequences: number, kvTokens: number, queries: number, into: BoundTally | null): number {
    const { model, layout } = this;
    const a = model.attention;
    const kvb = bytesPerElement(layout.precision.kvCache);
    const replication = kvReplication(model, layout.tp);
    let flopsPerKvToken: number;
    let keys = kvTokens;
    if (a.kind === 'mla') {
      flopsPerKvToken = 2 * a.heads * (2 * a.kvLoraRank + a.qkRopeHeadDim);
    } else {
      flopsPerKvToken = 4 * a.heads * a.headDim;
      if (a.slidingWindowLayers > 0) {
        const windowed = Math.min(kvTokens, sequences * a.slidingWindowTokens);
        keys = (kvTokens * (model.layers - a.slidingWindowLayers) + windowed * a.slidingWindowLayers) / model.layers;
      }
    }
    const bytes = keys * kvElementsPerTokenPerLayer(model) * kvb * replication;
    return attentionSeconds(this.rates, keys * flopsPerKvToken * queries, bytes, layout.precision.attention, into);
  }

  /**
   * Prefill attention core per layer for `newTokens` new tokens attending over `pairs` causal
   * (query, key) pairs in all, `cachedTokens` of them cached prefix (MLA decompresses their latent KV).
   */
  prefillAttention(newTokens: number, pairs: number, cachedTokens: number, into: BoundTally | null): number {
    const { model, layout, rates } = this;
    const a = model.attention;
    const tp = layout.tp;
    if (a.kind === 'mla') {
      const heads = a.heads / tp;
      const qk = a.qkNopeHeadDim + a.qkRopeHeadDim;
      const flops = pairs * tp * 2 * heads * (qk + a.vHeadDim);
      const bytes = (newTokens + cachedTokens) * tp * heads * (qk + 2 * a.vHeadDim) * 2;
      let seconds = attentionSeconds(rates, flops, bytes, layout.precision.attention, into);
      if (cachedTokens > 0) {
        const n = heads * (a.qkNopeHeadDim + a.vHeadDim);
        const m = cachedTokens * tp;
        const wb = bytesPerElement(layout.precision.gemm);
        seconds += gemmSeconds(rates, 2 * m * n * a.kvLoraRank, n * a.kvLoraRank * wb + m * (a.kvLoraRank + n) * 2, layout.precision.gemm, 1, into);
      }
      return seconds;
    }
    let effectivePairs = pairs;
    if (a.slidingWindowLayers > 0) {
      const windowed = Math.min(pairs, newTokens * a.slidingWindowTokens);
      effectivePairs = (pairs * (model.layers - a.slidingWindowLayers) + windowed * a.slidingWindowLayers) / model.layers;
    }
    const flops = effectivePairs * 4 * a.heads * a.headDim;
    const bytes = (newTokens + cachedTokens) * kvElementsPerTokenPerLayer(model) * 2 * kvReplication(model, tp) + newTokens * 2 * a.heads * a.headDim * 2;
    return attentionSeconds(rates, flops, bytes, layout.precision.attention, into);
  }

  /** LM head (kept in BF16, vocab-parallel over TP) for `rows` rows per GPU. */
  lmHead(rows: number, into: BoundTally | null): number {
    const { model, layout } = this;
    const m = rows * layout.tp;
    const n = model.vocabSize / layout.tp;
    const k = model.hiddenSize;
    return gemmSeconds(this.rates, 2 * m * n * k, n * k * 2 + m * k * 2 + m * n * 4, 'bf16', 2, into);
  }
}
