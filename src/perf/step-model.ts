/**
 * The step-time model the simulator calls for every batch. Built once for (model, GPU, layout), it
 * keeps the token-dependent stage costs in a memo, so a call is a lookup, the attention-core roofline
 * and a few max() and sums: the overlap schedule of layout.ts over each layer.
 */
import type { GpuSpec } from '../catalog/gpus.js';
import { denseLayers, moeLayers, type ModelSpec } from '../catalog/models.js';
import { CALIBRATION as C } from './calibration.js';
import type { BoundTally } from './kernels.js';
import { emptyStageTallies, LayerCosts, type Phase, type StageTallies, type Stages } from './layer-costs.js';
import { resolveLayout, tokensPerSequenceStep, type OverlapMode, type UnitLayout, type UnitLayoutInput } from './layout.js';
import { assertKvFits, assertWeightsFit, memoryPlan, type MemoryPlan } from './memory.js';

/** The most-loaded GPU of a prefill unit in one step. */
export interface PrefillBatchLoad {
  /** New (uncached) prompt tokens this GPU computes. */
  newTokens: number;
  /** Causal (query, key) pairs over those tokens: sum over chunks of n*c + n*(n+1)/2 for n new after c cached. */
  attentionPairs: number;
  /** Cached-prefix tokens the new tokens attend to (their KV is read, not recomputed). */
  cachedTokens: number;
  /** Prompts whose last token is in the batch (they need the LM head). */
  sequences: number;
}

/** The most-loaded GPU of a decode unit in one step: one new token per sequence. */
export interface DecodeBatchLoad {
  sequences: number;
  /** Sum of the sequences' KV lengths (tokens already in the cache). */
  kvTokens: number;
}

/** What the simulator depends on: seconds for one step of a prefill or decode batch. */
export interface StepTimeModel {
  prefillStepSeconds(batch: PrefillBatchLoad): number;
  decodeStepSeconds(batch: DecodeBatchLoad): number;
}

/** Prefill load of `tokensPerGpu` new tokens in prompts of `inputTokens`, each after `cachedTokens` cached. */
export function uniformPrefillLoad(tokensPerGpu: number, inputTokens: number, cachedTokens = 0): PrefillBatchLoad {
  const newPerPrompt = Math.max(1, inputTokens - cachedTokens);
  const prompts = tokensPerGpu / newPerPrompt;
  return {
    newTokens: tokensPerGpu,
    attentionPairs: prompts * (newPerPrompt * cachedTokens + (newPerPrompt * (newPerPrompt + 1)) / 2),
    cachedTokens: prompts * cachedTokens,
    sequences: prompts,
  };
}

/** Sums per-prompt chunks (new tokens after a cached prefix) into a load. */
export function prefillLoadFromChunks(chunks: readonly { newTokens: number; cachedTokens: number }[]): PrefillBatchLoad {
  const load: PrefillBatchLoad = { newTokens: 0, attentionPairs: 0, cachedTokens: 0, sequences: chunks.length };
  for (const { newTokens: n, cachedTokens: c } of chunks) {
    load.newTokens += n;
    load.cachedTokens += c;
    load.attentionPairs += n * c + (n * (n + 1)) / 2;
  }
  return load;
}

/** Per-layer seconds of one step, and the resources behind them (the breakdown's raw material). */
export interface StepTrace {
  stepSeconds: number;
  microBatches: number;
  /** Stage costs of one micro-batch, and its attention core (seconds per layer). */
  stages: Stages;
  attentionCoreSeconds: number;
  moeLayerSeconds: number;
  denseLayerSeconds: number;
  lmHeadSeconds: number;
  /** MTP drafting after the verifying pass (0 without speculative decoding). */
  draftSeconds: number;
  /** The most-loaded GPU's routed rows over the mean (with routing noise at this batch, if enabled). */
  expertImbalance: number;
  moeLayers: number;
  denseLayers: number;
  /** Compute slowdown while normal all-to-all kernels hold SMs (1 when none do). */
  computeStretch: number;
  overlap: OverlapMode;
  tallies: TraceTallies;
}

/** Which kernels were FLOP- or HBM-bound, per stage of one micro-batch-layer, and for the core and head. */
export interface TraceTallies {
  stages: StageTallies;
  core: BoundTally;
  lmHead: BoundTally;
}

function newTallies(): TraceTallies {
  return {
    stages: emptyStageTallies(),
    core: { flopsBoundSeconds: 0, hbmBoundSeconds: 0 },
    lmHead: { flopsBoundSeconds: 0, hbmBoundSeconds: 0 },
  };
}

const MEMO_LIMIT = 1 << 14;
const HALVES_LIMIT = 1 << 15;

export class UnitStepModel implements StepTimeModel {
  readonly layout: UnitLayout;
  readonly memory: MemoryPlan;
  readonly kvBytesPerToken: number;
  readonly kvCapacityTokensPerGpu: number;
  private readonly costs: LayerCosts;
  private readonly memo = new Map<number, Stages>();
  /** The memo for token counts that are whole or half numbers below HALVES_LIMIT / 2 (most are), by count × 2. */
  private readonly memoByHalf: (Stages | undefined)[] = new Array<Stages | undefined>(HALVES_LIMIT).fill(undefined);
  /** What the KV checks name in an error (built once, not per step). */
  private readonly decodeWhat: string;
  private readonly prefillWhat: string;
  private readonly moeLayerCount: number;
  private readonly denseLayerCount: number;
  private readonly microBatches: number;
  private readonly stretch: number;
  /** Query tokens per sequence in a decode step: 1, plus the draft tokens being verified. */
  private readonly queriesPerSequence: number;
  /** Tokens a sequence gains per decode step (1 without MTP). */
  readonly decodeTokensPerSequenceStep: number;

  constructor(
    readonly model: ModelSpec,
    readonly gpu: GpuSpec,
    layoutInput: UnitLayoutInput,
    readonly phase: Phase,
  ) {
    this.layout = resolveLayout(model, gpu, layoutInput, phase);
    this.memory = memoryPlan(model, gpu, this.layout);
    assertWeightsFit(this.memory, `${model.id} on ${this.layout.gpus} x ${gpu.id}`);
    this.kvBytesPerToken = this.memory.kvBytesPerTokenPerGpu;
    this.kvCapacityTokensPerGpu = this.memory.kvCapacityTokensPerGpu;
    this.costs = new LayerCosts(model, gpu, this.layout, phase);
    this.moeLayerCount = moeLayers(model);
    this.denseLayerCount = denseLayers(model);
    this.microBatches = this.layout.overlap === 'none' ? 1 : 2;
    const smsBusy = phase === 'prefill' && this.layout.overlap !== 'none' && this.layout.ep > 1 && model.moe !== null;
    this.stretch = smsBusy ? 1 / (1 - C.normalCommunicationSmShare) : 1;
    this.queriesPerSequence = 1 + this.layout.speculativeTokens;
    this.decodeTokensPerSequenceStep = tokensPerSequenceStep(this.layout);
    this.decodeWhat = `decode on ${gpu.id}`;
    this.prefillWhat = `prefill on ${gpu.id}`;
  }

  decodeStepSeconds(batch: DecodeBatchLoad): number {
    this.checkDecode(batch);
    const mb = this.microBatches;
    const q = this.queriesPerSequence;
    const stages = this.stagesFor((batch.sequences * q) / mb);
    const core = this.costs.decodeAttention(batch.sequences / mb, batch.kvTokens / mb, q, null);
    return this.assemble(stages, core) + this.costs.lmHead(batch.sequences * q, null) + this.draftSeconds(batch);
  }

  /**
   * Drafting under MTP: each draft token runs the MTP module (about one MoE layer and the LM head) over
   * one token per sequence, after the verifying pass.
   */
  private draftSeconds(batch: DecodeBatchLoad): number {
    const drafts = this.layout.speculativeTokens;
    if (drafts === 0) return 0;
    const mb = this.microBatches;
    const stages = this.stagesFor(batch.sequences / mb);
    const core = this.costs.decodeAttention(batch.sequences / mb, batch.kvTokens / mb, 1, null);
    const layer = this.moeLayerCount > 0 ? this.moeLayerSeconds(stages, core) : this.denseLayerSeconds(stages, core);
    return drafts * (layer + this.costs.lmHead(batch.sequences, null));
  }

  prefillStepSeconds(batch: PrefillBatchLoad): number {
    this.checkPrefill(batch);
    const mb = this.microBatches;
    const stages = this.stagesFor(batch.newTokens / mb);
    const core = this.costs.prefillAttention(batch.newTokens / mb, batch.attentionPairs / mb, batch.cachedTokens / mb, null);
    return this.assemble(stages, core) + this.costs.lmHead(batch.sequences, null);
  }

  /** The same step as decodeStepSeconds, with every stage and bound kept for the breakdown. */
  traceDecode(batch: DecodeBatchLoad): StepTrace {
    this.checkDecode(batch);
    const t = newTallies();
    const mb = this.microBatches;
    const q = this.queriesPerSequence;
    const stages = this.costs.stages((batch.sequences * q) / mb, t.stages);
    const core = this.costs.decodeAttention(batch.sequences / mb, batch.kvTokens / mb, q, t.core);
    const draft = this.draftSeconds(batch);
    const trace = this.trace(stages, core, this.costs.lmHead(batch.sequences * q, t.lmHead), t, draft);
    trace.expertImbalance = this.imbalanceFor((batch.sequences * q) / mb);
    return trace;
  }

  tracePrefill(batch: PrefillBatchLoad): StepTrace {
    this.checkPrefill(batch);
    const t = newTallies();
    const mb = this.microBatches;
    const stages = this.costs.stages(batch.newTokens / mb, t.stages);
    const core = this.costs.prefillAttention(batch.newTokens / mb, batch.attentionPairs / mb, batch.cachedTokens / mb, t.core);
    const trace = this.trace(stages, core, this.costs.lmHead(batch.sequences, t.lmHead), t, 0);
    trace.expertImbalance = this.imbalanceFor(batch.newTokens / mb);
    return trace;
  }

  private imbalanceFor(tokensPerMicroBatch: number): number {
    return this.model.moe ? this.costs.imbalanceAt(tokensPerMicroBatch * this.model.moe.topK) : 1;
  }

  private trace(stages: Stages, core: number, lmHeadSeconds: number, tallies: TraceTallies, draftSeconds: number): StepTrace {
    return {
      stepSeconds: this.assemble(stages, core) + lmHeadSeconds + draftSeconds,
      draftSeconds,
      expertImbalance: this.costs.imbalance,
      microBatches: this.microBatches,
      moeLayers: this.moeLayerCount,
      denseLayers: this.denseLayerCount,
      stages,
      attentionCoreSeconds: core,
      moeLayerSeconds: this.moeLayerSeconds(stages, core),
      denseLayerSeconds: this.denseLayerSeconds(stages, core),
      lmHeadSeconds,
      computeStretch: this.stretch,
      overlap: this.layout.overlap,
      tallies,
    };
  }

  private stagesFor(tokensPerMicroBatch: number): Stages {
    const halves = tokensPerMicroBatch * 2;
    if (halves >= 0 && halves < HALVES_LIMIT && (halves | 0) === halves) {
      let stages = this.memoByHalf[halves];
      if (stages === undefined) {
        stages = this.costs.stages(tokensPerMicroBatch, null);
        this.memoByHalf[halves] = stages;
      }
      return stages;
    }
    let stages = this.memo.get(tokensPerMicroBatch);
    if (stages === undefined) {
      if (this.memo.size >= MEMO_LIMIT) this.memo.clear();
      stages = this.costs.stages(tokensPerMicroBatch, null);
      this.memo.set(tokensPerMicroBatch, stages);
    }
    return stages;
  }

  private assemble(stages: Stages, core: number): number {
    return this.moeLayerCount * this.moeLayerSeconds(stages, core) + this.denseLayerCount * this.denseLayerSeconds(stages, core);
  }

  /** One MoE layer, all micro-batches, under the layout's overlap scheme. */
  moeLayerSeconds(s: Stages, core: number): number {
    if (this.moeLayerCount === 0) return 0;
    const k = this.stretch;
    switch (this.layout.overlap) {
      case 'none':
        return s.attnIn + core + s.attnOut + s.shared + s.router + s.experts + s.other + s.dispatch + s.combine + s.allReduce;
      case 'two-micro-batch':
        return (
          2 *
          (Math.max((s.attnIn + core + s.attnOut + s.shared) * k, s.combine) +
            Math.max((s.router + s.experts + s.other) * k, s.dispatch) +
            s.allReduce)
        );
      case 'decode-pipeline':
        return (
          2 *
          (Math.max((s.attnIn + s.shared) * k, s.dispatch) +
            Math.max((core + s.attnOut) * k, s.combine) +
            (s.router + s.experts + s.other) * k +
            s.allReduce)
        );
    }
  }

  /** One dense layer, all micro-batches: nothing to hide, so micro-batches run back to back. */
  denseLayerSeconds(s: Stages, core: number): number {
    if (this.denseLayerCount === 0) return 0;
    return this.microBatches * (s.attnIn + core + s.attnOut + s.denseFfn + s.denseOther + s.denseAllReduce);
  }

  private checkDecode(batch: DecodeBatchLoad): void {
    if (!(batch.sequences > 0) || !(batch.kvTokens >= 0)) {
      throw new RangeError(`decode batch needs sequences > 0 and kvTokens >= 0, got ${batch.sequences}, ${batch.kvTokens}`);
    }
    assertKvFits(this.memory, batch.kvTokens + batch.sequences * this.queriesPerSequence, this.decodeWhat);
  }

  private checkPrefill(batch: PrefillBatchLoad): void {
    if (!(batch.newTokens > 0) || !(batch.attentionPairs >= 0) || !(batch.cachedTokens >= 0)) {
      throw new RangeError(`prefill batch needs newTokens > 0, got ${batch.newTokens}`);
    }
    assertKvFits(this.memory, batch.newTokens + batch.cachedTokens, this.prefillWhat);
  }
}

/** Builds the step model for a model, GPU, layout and phase (the simulator builds one per unit kind). */
export function createStepTimeModel(model: ModelSpec, gpu: GpuSpec, layout: UnitLayoutInput, phase: Phase): UnitStepModel {
  return new UnitStepModel(model, gpu, layout, phase);
}
