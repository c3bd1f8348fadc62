/**
 * The answer an inference engineer asks for: step time, tokens/s per GPU, node and user, where the time
 * went and what bounds it, and memory; plus the decode throughput-latency sweep and the batch that
 * meets a per-user speed. This is what `tokenfleet perf` prints.
 */
import type { GpuSpec } from '../catalog/gpus.js';
import type { ModelSpec } from '../catalog/models.js';
import { InputError } from '../errors.js';
import type { BoundTally } from './kernels.js';
import type { StageTallies, Stages } from './layer-costs.js';
import type { OverlapMode, UnitLayout, UnitLayoutInput } from './layout.js';
import {
  createStepTimeModel,
  type DecodeBatchLoad,
  type PrefillBatchLoad,
  type StepTrace,
  type UnitStepModel,
} from './step-model.js';

export interface StepBreakdown {
  /** Busy seconds per step on the most-loaded GPU, by operator group. */
  gemmSeconds: number;
  attentionSeconds: number;
  moeExpertSeconds: number;
  dispatchSeconds: number;
  combineSeconds: number;
  allReduceSeconds: number;
  otherSeconds: number;
  computeSeconds: number;
  communicationSeconds: number;
  /** Communication the step waits for; the rest ran under the other micro-batch's compute. */
  exposedCommunicationSeconds: number;
  hiddenCommunicationSeconds: number;
  flopsBoundSeconds: number;
  hbmBoundSeconds: number;
  boundBy: 'flops' | 'hbm' | 'network';
  overlap: OverlapMode;
  overlapped: string;
  microBatches: number;
  expertImbalance: number;
  perLayer: {
    moeLayerSeconds: number;
    denseLayerSeconds: number;
    attentionCoreSeconds: number;
    lmHeadSeconds: number;
    draftSeconds: number;
    /** One micro-batch in one layer, seconds per stage. */
    stages: Stages;
  };
}

export interface MemoryReport {
  fits: boolean;
  hbmBytesPerGpu: number;
  weightBytesPerGpu: number;
  reservedBytesPerGpu: number;
  kvBytesPerTokenPerGpu: number;
  kvCapacityTokensPerGpu: number;
  kvTokensUsedPerGpu: number;
  kvBytesUsedPerGpu: number;
}

export interface PerfResult {
  model: string;
  gpu: string;
  phase: 'prefill' | 'decode';
  layout: UnitLayout;
  stepSeconds: number;
  tokensPerSecondPerGpu: number;
  tokensPerSecondPerNode: number;
  tokensPerSecondPerUser: number;
  /** Per GPU in the step: sequences, new tokens and KV/context tokens. */
  batch: { sequencesPerGpu: number; tokensPerGpu: number; contextTokensPerGpu: number };
  breakdown: StepBreakdown;
  memory: MemoryReport;
}

const OVERLAPPED: Record<OverlapMode, string> = {
  none: 'nothing: one batch, dispatch and combine exposed',
  'two-micro-batch': "combine under the other micro-batch's attention + shared expert; dispatch under its router + experts",
  'decode-pipeline':
    "dispatch under the other micro-batch's attention-in + shared expert; combine under its attention core + output projection; experts exposed",
};

function scaled(tally: BoundTally, times: number, into: BoundTally): void {
  into.flopsBoundSeconds += tally.flopsBoundSeconds * times;
  into.hbmBoundSeconds += tally.hbmBoundSeconds * times;
}

export function breakdownOf(trace: StepTrace): StepBreakdown {
  const s = trace.stages;
  const moeRuns = trace.moeLayers * trace.microBatches;
  const denseRuns = trace.denseLayers * trace.microBatches;
  const allRuns = moeRuns + denseRuns;
  const k = trace.computeStretch;
  const gemmSeconds =
    allRuns * (s.attnIn + s.attnOut) + moeRuns * (s.shared + s.router) + denseRuns * s.denseFfn + trace.lmHeadSeconds;
  // MTP drafting is reported whole under other (it is one more layer and head per draft token).
  const attentionSeconds = allRuns * trace.attentionCoreSeconds;
  const moeExpertSeconds = moeRuns * s.experts;
  const otherSeconds = moeRuns * s.other + denseRuns * s.denseOther + trace.draftSeconds;
  const dispatchSeconds = moeRuns * s.dispatch;
  const combineSeconds = moeRuns * s.combine;
  const allReduceSeconds = moeRuns * s.allReduce + denseRuns * s.denseAllReduce;
  const moeCompute = moeRuns * (s.attnIn + trace.attentionCoreSeconds + s.attnOut + s.shared + s.router + s.experts + s.other);
  const denseCompute = denseRuns * (s.attnIn + trace.attentionCoreSeconds + s.attnOut + s.denseFfn + s.denseOther);
  const computeSeconds = moeCompute * k + denseCompute + trace.lmHeadSeconds + trace.draftSeconds;
  const communicationSeconds = dispatchSeconds + combineSeconds + allReduceSeconds;
  const exposedCommunicationSeconds = Math.min(communicationSeconds, Math.max(0, trace.stepSeconds - computeSeconds));

  const bound: BoundTally = { flopsBoundSeconds: 0, hbmBoundSeconds: 0 };
  const t: StageTallies = trace.tallies.stages;
  for (const key of ['attnIn', 'attnOut'] as const) scaled(t[key], allRuns, bound);
  for (const key of ['shared', 'router', 'experts', 'other'] as const) scaled(t[key], moeRuns * k, bound);
  for (const key of ['denseFfn', 'denseOther'] as const) scaled(t[key], denseRuns, bound);
  scaled(trace.tallies.core, allRuns, bound);
  scaled(trace.tallies.lmHead, 1, bound);
  const candidates: [StepBreakdown['boundBy'], number][] = [
    ['flops', bound.flopsBoundSeconds],
    ['hbm', bound.hbmBoundSeconds],
    ['network', exposedCommunicationSeconds],
  ];
  const boundBy = candidates.reduce((best, next) => (next[1] > best[1] ? next : best))[0];
  return {
    gemmSeconds,
    attentionSeconds,
    moeExpertSeconds,
    dispatchSeconds,
    combineSeconds,
    allReduceSeconds,
    otherSeconds,
    computeSeconds,
    communicationSeconds,
    exposedCommunicationSeconds,
    hiddenCommunicationSeconds: communicationSeconds - exposedCommunicationSeconds,
    flopsBoundSeconds: bound.flopsBoundSeconds,
    hbmBoundSeconds: bound.hbmBoundSeconds,
    boundBy,
    overlap: trace.overlap,
    overlapped: OVERLAPPED[trace.overlap],
    microBatches: trace.microBatches,
    expertImbalance: trace.expertImbalance,
    perLayer: {
      moeLayerSeconds: trace.moeLayerSeconds,
      denseLayerSeconds: trace.denseLayerSeconds,
      attentionCoreSeconds: trace.attentionCoreSeconds,
      lmHeadSeconds: trace.lmHeadSeconds,
      draftSeconds: trace.draftSeconds,
      stages: s,
    },
  };
}

function memoryReport(step: UnitStepModel, kvTokensUsedPerGpu: number): MemoryReport {
  const m = step.memory;
  return {
    fits: kvTokensUsedPerGpu <= m.kvCapacityTokensPerGpu,
    hbmBytesPerGpu: m.hbmBytesPerGpu,
    weightBytesPerGpu: m.weightBytesPerGpu,
    reservedBytesPerGpu: m.reservedBytesPerGpu,
    kvBytesPerTokenPerGpu: m.kvBytesPerTokenPerGpu,
    kvCapacityTokensPerGpu: m.kvCapacityTokensPerGpu,
    kvTokensUsedPerGpu,
    kvBytesUsedPerGpu: kvTokensUsedPerGpu * m.kvBytesPerTokenPerGpu,
  };
}

function result(step: UnitStepModel, trace: StepTrace, batch: PerfResult['batch'], userTokensPerStep: number, kvUsed: number): PerfResult {
  const perGpu = batch.tokensPerGpu / trace.stepSeconds;
  return {
    stepSeconds: trace.stepSeconds,
    tokensPerSecondPerGpu: perGpu,
    tokensPerSecondPerNode: perGpu * step.gpu.gpusPerNode,
    tokensPerSecondPerUser: userTokensPerStep / trace.stepSeconds,
    breakdown: breakdownOf(trace),
    memory: memoryReport(step, kvUsed),
    model: step.model.id,
    gpu: step.gpu.id,
    phase: step.phase,
    batch,
    layout: step.layout,
  };
}

export function evaluateDecode(step: UnitStepModel, load: DecodeBatchLoad): PerfResult {
  const trace = step.traceDecode(load);
  const perSequence = step.decodeTokensPerSequenceStep;
  const batch = { sequencesPerGpu: load.sequences, tokensPerGpu: load.sequences * perSequence, contextTokensPerGpu: load.kvTokens };
  return result(step, trace, batch, perSequence, load.kvTokens + load.sequences * (1 + step.layout.speculativeTokens));
}

export function evaluatePrefill(step: UnitStepModel, load: PrefillBatchLoad): PerfResult {
  const trace = step.tracePrefill(load);
  const batch = { sequencesPerGpu: load.sequences, tokensPerGpu: load.newTokens, contextTokensPerGpu: load.cachedTokens };
  // A user waits the whole step for their prompt: their prefill speed is their prompt over the step.
  const perUser = load.sequences > 0 ? load.newTokens / load.sequences : load.newTokens;
  return result(step, trace, batch, perUser, load.newTokens + load.cachedTokens);
}

export function decodeModel(model: ModelSpec, gpu: GpuSpec, layout: UnitLayoutInput): UnitStepModel {
  return createStepTimeModel(model, gpu, layout, 'decode');
}

export interface SweepPoint {
  sequencesPerGpu: number;
  stepSeconds: number;
  tokensPerSecondPerGpu: number;
  tokensPerSecondPerNode: number;
  tokensPerSecondPerUser: number;
}

/** The largest decode batch (sequences per GPU) whose KV of `kvLength` each fits. */
export function maxDecodeBatch(step: UnitStepModel, kvLength: number): number {
  return Math.floor(step.kvCapacityTokensPerGpu / (kvLength + 1 + step.layout.speculativeTokens));
}

function point(step: UnitStepModel, sequences: number, kvLength: number): SweepPoint {
  const stepSeconds = step.decodeStepSeconds({ sequences, kvTokens: sequences * kvLength });
  const perSequence = step.decodeTokensPerSequenceStep;
  const perGpu = (sequences * perSequence) / stepSeconds;
  return {
    sequencesPerGpu: sequences,
    stepSeconds,
    tokensPerSecondPerGpu: perGpu,
    tokensPerSecondPerNode: perGpu * step.gpu.gpusPerNode,
    tokensPerSecondPerUser: perSequence / stepSeconds,
  };
}

/** The throughput-latency curve as the batch grows (powers of two, then the memory limit). */
export function decodeSweep(step: UnitStepModel, kvLength: number): SweepPoint[] {
  const limit = maxDecodeBatch(step, kvLength);
  if (limit < 1) throw new InputError(`not even one sequence of KV length ${kvLength} fits on ${step.gpu.id}`);
  const batches: number[] = [];
  for (let b = 1; b < limit; b *= 2) batches.push(b);
  for (let b = 3; b < limit; b *= 2) batches.push(b);
  batches.push(limit);
  batches.sort((x, y) => x - y);
  return batches.map((b) => point(step, b, kvLength));
}

/**
 * The largest batch whose per-user speed is at least `targetTokensPerSecondPerUser` (step time grows
 * with the batch, so a binary search), within the KV capacity.
 */
export function batchForTargetSpeed(step: UnitStepModel, kvLength: number, targetTokensPerSecondPerUser: number): SweepPoint {
  if (!(targetTokensPerSecondPerUser > 0)) throw new InputError('target tokens/s per user must be positive');
  const limit = maxDecodeBatch(step, kvLength);
  if (limit < 1) throw new InputError(`not even one sequence of KV length ${kvLength} fits on ${step.gpu.id}`);
  const first = point(step, 1, kvLength);
  if (first.tokensPerSecondPerUser < targetTokensPerSecondPerUser) {
    throw new InputError(
      `even one sequence per GPU decodes at ${first.tokensPerSecondPerUser.toFixed(1)} tokens/s per user, ` +
        `below the target of ${targetTokensPerSecondPerUser}`,
    );
  }
  let low = 1;
  let high = limit;
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (point(step, mid, kvLength).tokensPerSecondPerUser >= targetTokensPerSecondPerUser) low = mid;
    else high = mid - 1;
  }
  return point(step, low, kvLength);
}
