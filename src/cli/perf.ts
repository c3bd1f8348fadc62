/**
 * `tokenfleet perf`: the step-time model from the command line. One evaluation (prefill or decode),
 * a decode sweep of the throughput-latency curve, or the batch that meets a per-user speed.
 */
import type { Command } from 'commander';
import type { NumberFormat } from '../catalog/gpus.js';
import { lookupGpu } from '../catalog/gpus.js';
import { lookupModel, type ModelSpec, type ServingPrecision } from '../catalog/models.js';
import { InputError } from '../errors.js';
import {
  batchForTargetSpeed,
  decodeSweep,
  evaluateDecode,
  evaluatePrefill,
  type PerfResult,
  type SweepPoint,
} from '../perf/evaluate.js';
import { zipfExpertLoads } from '../perf/imbalance.js';
import { OVERLAP_MODES, type ExpertImbalance, type OverlapMode, type UnitLayoutInput } from '../perf/layout.js';
import { createStepTimeModel, uniformPrefillLoad } from '../perf/step-model.js';
import type { CliIo } from './main.js';

interface PerfOptions {
  model: string;
  gpu: string;
  phase: string;
  nodes: string;
  gpus?: string;
  ep?: string;
  tp?: string;
  redundantExperts?: string;
  overlap?: string;
  batchPerGpu?: string;
  kvLen?: string;
  tokensPerGpu?: string;
  inputLen?: string;
  cachedLen?: string;
  sweep?: boolean;
  targetTpsPerUser?: string;
  imbalance?: string;
  expertSkew?: string;
  eplb?: boolean;
  routingNoise?: boolean;
  precision?: string;
  mtp?: string;
  mtpAcceptance?: string;
  json?: boolean;
}

function number(text: string, flag: string, integer: boolean, min: number): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value < min || (integer && !Number.isInteger(value))) {
    throw new InputError(`${flag} expects ${integer ? 'an integer' : 'a number'} >= ${min}, got "${text}"`);
  }
  return value;
}

const PRECISION_KEYS: readonly (keyof ServingPrecision)[] = ['gemm', 'experts', 'attention', 'kvCache', 'dispatch', 'combine'];

function parsePrecision(text: string): Partial<ServingPrecision> {
  const precision: Partial<ServingPrecision> = {};
  for (const part of text.split(',')) {
    const [key, format] = part.split('=').map((s) => s.trim());
    if (!PRECISION_KEYS.includes(key as keyof ServingPrecision) || !['bf16', 'fp8', 'fp4'].includes(format ?? '')) {
      throw new InputError(`--precision expects key=format pairs (keys ${PRECISION_KEYS.join(', ')}; formats bf16, fp8, fp4), got "${part}"`);
    }
    precision[key as keyof ServingPrecision] = format as NumberFormat;
  }
  return precision;
}

function layoutFrom(options: PerfOptions, routedExperts: number): UnitLayoutInput {
  const layout: UnitLayoutInput = { nodes: number(options.nodes, '--nodes', true, 1) };
  if (options.gpus !== undefined) layout.gpus = number(options.gpus, '--gpus', true, 1);
  if (options.tp !== undefined) layout.tp = number(options.tp, '--tp', true, 1);
  if (options.ep !== undefined) layout.ep = number(options.ep, '--ep', true, 1);
  if (options.redundantExperts !== undefined) layout.redundantExperts = number(options.redundantExperts, '--redundant-experts', true, 0);
  if (options.overlap !== undefined) {
    if (!OVERLAP_MODES.includes(options.overlap as OverlapMode)) {
      throw new InputError(`--overlap must be one of ${OVERLAP_MODES.join(', ')}, got "${options.overlap}"`);
    }
    layout.overlap = options.overlap as OverlapMode;
  }
  if (options.precision !== undefined) layout.precision = parsePrecision(options.precision);
  let imbalance: ExpertImbalance | undefined;
  if (options.imbalance !== undefined) imbalance = { kind: 'factor', maxOverMean: number(options.imbalance, '--imbalance', false, 1) };
  if (options.expertSkew !== undefined) {
    const skew = number(options.expertSkew, '--expert-skew', false, 0);
    imbalance = { kind: 'distribution', expertLoads: zipfExpertLoads(routedExperts, skew), eplb: options.eplb === true };
  }
  if (imbalance) layout.imbalance = imbalance;
  if (options.routingNoise) layout.routingNoise = true;
  if (options.mtp !== undefined) layout.speculativeTokens = number(options.mtp, '--mtp', true, 0);
  if (options.mtpAcceptance !== undefined) {
    const rate = number(options.mtpAcceptance, '--mtp-acceptance', false, 0);
    if (rate > 1) throw new InputError(`--mtp-acceptance expects a number <= 1, got "${options.mtpAcceptance}"`);
    layout.acceptanceRate = rate;
  }
  return layout;
}

// Exactly `digits` decimals, so the table's columns line up ("21.0", "0.00 ms"); formatNumber trims them.
const fmt = (value: number, digits = 0): string =>
  value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const ms = (seconds: number): string => `${fmt(seconds * 1e3, 2)} ms`;
const gb = (bytes: number): string => `${fmt(bytes / 1e9, 1)} GB`;

function describe(result: PerfResult): string {
  const l = result.layout;
  const b = result.breakdown;
  const m = result.memory;
  const mtp = l.speculativeTokens > 0 ? `, MTP ${l.speculativeTokens} draft @ ${l.acceptanceRate}` : '';
  const experts = l.expertsPerGpu > 0 ? `, ep ${l.ep} (${l.expertsPerGpu} expert slots/GPU, ${l.redundantExperts} redundant)` : '';
  const batch =
    result.phase === 'decode'
      ? `${fmt(result.batch.sequencesPerGpu)} sequences/GPU, KV ${fmt(result.batch.contextTokensPerGpu / result.batch.sequencesPerGpu)} mean`
      : `${fmt(result.batch.tokensPerGpu)} new tokens/GPU in ${fmt(result.batch.sequencesPerGpu, 1)} prompts, ${fmt(result.batch.contextTokensPerGpu)} cached`;
  const share = (seconds: number): string => `${ms(seconds).padStart(12)}  ${fmt((100 * seconds) / result.stepSeconds, 1).padStart(5)}%`;
  return [
    `${result.model} on ${l.gpus === l.nodes * l.gpusPerNode ? `${l.nodes} x ${l.gpusPerNode}` : l.gpus} ${result.gpu} (${result.phase}; tp ${l.tp}, dp ${l.dataParallel}${experts}; overlap ${l.overlap}${mtp})`,
    `batch: ${batch}`,
    `step ${ms(result.stepSeconds)} | ${fmt(result.tokensPerSecondPerGpu)} tok/s/GPU | ${fmt(result.tokensPerSecondPerNode)} tok/s/node | ${fmt(result.tokensPerSecondPerUser, 1)} tok/s/user`,
    'where the time goes (busy time per step on the most-loaded GPU, % of step):',
    `  GEMMs (attention proj., shared/dense FFN, router, LM head) ${share(b.gemmSeconds)}`,
    `  attention core                                            ${share(b.attentionSeconds)}`,
    `  MoE experts (imbalance x${fmt(b.expertImbalance, 2)})                              ${share(b.moeExpertSeconds)}`,
    `  other (norms, RoPE, quantize, activations)                ${share(b.otherSeconds)}`,
    `  dispatch                                                  ${share(b.dispatchSeconds)}`,
    `  combine                                                   ${share(b.combineSeconds)}`,
    `  all-reduce                                                ${share(b.allReduceSeconds)}`,
    `  communication hidden ${ms(b.hiddenCommunicationSeconds)}, exposed ${ms(b.exposedCommunicationSeconds)}; overlapped: ${b.overlapped}`,
    `  bound by ${b.boundBy} (FLOP-bound kernels ${ms(b.flopsBoundSeconds)}, HBM-bound ${ms(b.hbmBoundSeconds)}, exposed network ${ms(b.exposedCommunicationSeconds)})`,
    perLayerLine(result),
    `memory per GPU: weights ${gb(m.weightBytesPerGpu)}, reserve ${gb(m.reservedBytesPerGpu)}, KV ${gb(m.kvBytesUsedPerGpu)} of ` +
      `${gb(m.kvCapacityTokensPerGpu * m.kvBytesPerTokenPerGpu)} (${fmt(m.kvTokensUsedPerGpu)} of ${fmt(m.kvCapacityTokensPerGpu)} tokens): ${m.fits ? 'fits' : 'does not fit'}`,
  ].join('\n');
}

const us = (seconds: number): string => `${fmt(seconds * 1e6)}`;

/** One micro-batch in one layer, stage by stage (microseconds), and the layer totals. */
function perLayerLine(result: PerfResult): string {
  const p = result.breakdown.perLayer;
  const s = p.stages;
  const moe = p.moeLayerSeconds > 0
    ? `shared ${us(s.shared)}, router ${us(s.router)}, experts ${us(s.experts)}, other ${us(s.other)}, dispatch ${us(s.dispatch)}, combine ${us(s.combine)}`
    : `FFN ${us(s.denseFfn)}, other ${us(s.denseOther)}`;
  const reduce = s.allReduce + s.denseAllReduce > 0 ? `, all-reduce ${us(p.moeLayerSeconds > 0 ? s.allReduce : s.denseAllReduce)}` : '';
  const totals = [
    p.moeLayerSeconds > 0 ? `MoE layer ${us(p.moeLayerSeconds)}` : '',
    p.denseLayerSeconds > 0 ? `dense layer ${us(p.denseLayerSeconds)}` : '',
    `LM head ${us(p.lmHeadSeconds)}`,
  ].filter(Boolean);
  return (
    `per layer, one of ${result.breakdown.microBatches} micro-batch(es), us: attention in ${us(s.attnIn)}, core ${us(p.attentionCoreSeconds)}, ` +
    `out ${us(s.attnOut)}, ${moe}${reduce}\n  totals with overlap, us: ${totals.join(', ')}`
  );
}

function sweepTable(points: readonly SweepPoint[]): string {
  const rows = points.map(
    (p) =>
      `${fmt(p.sequencesPerGpu).padStart(8)} ${ms(p.stepSeconds).padStart(12)} ${fmt(p.tokensPerSecondPerGpu).padStart(10)} ` +
      `${fmt(p.tokensPerSecondPerNode).padStart(12)} ${fmt(p.tokensPerSecondPerUser, 1).padStart(10)}`,
  );
  return [`${'seq/GPU'.padStart(8)} ${'step'.padStart(12)} ${'tok/s/GPU'.padStart(10)} ${'tok/s/node'.padStart(12)} ${'tok/s/user'.padStart(10)}`, ...rows].join('\n');
}

/** Defaults of the flags that apply to one phase only (undefined in the options means not given). */
const DEFAULTS = { batchPerGpu: '128', kvLen: '4096', tokensPerGpu: '16384', inputLen: '4096', cachedLen: '0' } as const;

const PHASE_ONLY: Record<'prefill' | 'decode', readonly (keyof PerfOptions)[]> = {
  prefill: ['tokensPerGpu', 'inputLen', 'cachedLen'],
  decode: ['sweep', 'targetTpsPerUser', 'batchPerGpu', 'kvLen', 'mtp', 'mtpAcceptance'],
};

const flag = (key: keyof PerfOptions): string => `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
/** `--kv-len applies`, `--sweep, --kv-len apply`. */
const flagsApply = (keys: readonly (keyof PerfOptions)[]): string => `${keys.map(flag).join(', ')} appl${keys.length === 1 ? 'ies' : 'y'}`;

/** Flags that would be ignored, or that would override one another, are an error rather than a silent choice. */
function checkFlagCombinations(options: PerfOptions, phase: 'prefill' | 'decode', model: ModelSpec): void {
  const given = (key: keyof PerfOptions) => options[key] !== undefined;
  const other = phase === 'prefill' ? 'decode' : 'prefill';
  const misplaced = PHASE_ONLY[other].filter(given);
  if (misplaced.length > 0) {
    throw new InputError(`${flagsApply(misplaced)} to --phase ${other} only, not ${phase}`);
  }
  const expertFlags = (['imbalance', 'expertSkew', 'eplb', 'routingNoise'] as const).filter(given);
  if (!model.moe && expertFlags.length > 0) {
    throw new InputError(`${model.id} has no experts: ${flagsApply(expertFlags)} to MoE models only`);
  }
  const conflicts: [boolean, string][] = [
    [given('eplb') && !given('expertSkew'), '--eplb places the experts of --expert-skew: give --expert-skew too, or --imbalance alone'],
    [given('imbalance') && given('expertSkew'), '--imbalance and --expert-skew both set the expert imbalance: give one'],
    [given('batchPerGpu') && given('targetTpsPerUser'), '--batch-per-gpu and --target-tps-per-user both choose the batch: give one'],
    [given('batchPerGpu') && given('sweep'), '--sweep runs through every batch size: drop --batch-per-gpu'],
    [given('mtpAcceptance') && !given('mtp'), '--mtp-acceptance applies to the draft tokens of --mtp: give --mtp too'],
  ];
  for (const [conflict, message] of conflicts) if (conflict) throw new InputError(message);
}

export function runPerf(options: PerfOptions, io: CliIo): void {
  if (options.phase !== 'prefill' && options.phase !== 'decode') {
    throw new InputError(`--phase must be prefill or decode, got "${options.phase}"`);
  }
  const model = lookupModel(options.model);
  const gpu = lookupGpu(options.gpu);
  checkFlagCombinations(options, options.phase, model);
  const layout = layoutFrom(options, model.moe?.routedExperts ?? 0);
  const step = createStepTimeModel(model, gpu, layout, options.phase);
  const out = (value: unknown, text: string): void => io.stdout(`${options.json ? JSON.stringify(value, null, 2) : text}\n`);

  if (options.phase === 'prefill') {
    const inputLen = number(options.inputLen ?? DEFAULTS.inputLen, '--input-len', true, 1);
    const cachedLen = number(options.cachedLen ?? DEFAULTS.cachedLen, '--cached-len', true, 0);
    if (cachedLen >= inputLen) throw new InputError(`--cached-len (${cachedLen}) must be below --input-len (${inputLen})`);
    const load = uniformPrefillLoad(number(options.tokensPerGpu ?? DEFAULTS.tokensPerGpu, '--tokens-per-gpu', true, 1), inputLen, cachedLen);
    const result = evaluatePrefill(step, load);
    out(result, describe(result));
    return;
  }
  const kvLen = number(options.kvLen ?? DEFAULTS.kvLen, '--kv-len', false, 0);
  const target =
    options.targetTpsPerUser === undefined ? undefined : number(options.targetTpsPerUser, '--target-tps-per-user', false, 0);
  const found = target === undefined ? undefined : batchForTargetSpeed(step, kvLen, target);
  if (options.sweep) {
    const points = decodeSweep(step, kvLen);
    const targetLine = found ? `\nlargest batch at >= ${target} tok/s/user: ${sweepTable([found]).split('\n')[1].trim()}` : '';
    out(
      { model: model.id, gpu: gpu.id, layout: step.layout, kvLength: kvLen, sweep: points, ...(found ? { targetTokensPerSecondPerUser: target, target: found } : {}) },
      sweepTable(points) + targetLine,
    );
    return;
  }
  if (found) {
    const result = evaluateDecode(step, { sequences: found.sequencesPerGpu, kvTokens: found.sequencesPerGpu * kvLen });
    out(
      { ...result, targetTokensPerSecondPerUser: target },
      `largest batch at >= ${target} tok/s/user: ${found.sequencesPerGpu} sequences/GPU\n${describe(result)}`,
    );
    return;
  }
  const sequences = number(options.batchPerGpu ?? DEFAULTS.batchPerGpu, '--batch-per-gpu', true, 1);
  const result = evaluateDecode(step, { sequences, kvTokens: sequences * kvLen });
  out(result, describe(result));
}

export function registerPerf(program: Command, io: CliIo): void {
  program
    .command('perf')
    .description('predict the step time and throughput of a prefill or decode unit, and where the time goes')
    .requiredOption('--model <id>', 'model id, e.g. deepseek-v3, llama-3.1-70b')
    .requiredOption('--gpu <id>', 'GPU id, e.g. h800, h100-sxm, gb200-nvl72')
    .option('--phase <phase>', 'prefill or decode', 'decode')
    .option('--nodes <n>', 'nodes in the unit', '1')
    .option('--gpus <n>', 'GPUs in the unit when smaller than its nodes (e.g. 1 for a single-GPU replica)')
    .option('--ep <n>', 'expert-parallel degree (default: every GPU of the unit, for MoE models)')
    .option('--tp <n>', 'attention tensor-parallel degree (default 1 for MoE, one node for dense)')
    .option('--redundant-experts <n>', 'redundant expert copies over the unit (EPLB; default fills otherwise empty slots)')
    .option('--overlap <mode>', `overlap scheme: ${OVERLAP_MODES.join(', ')}`)
    .option('--precision <pairs>', 'number formats, e.g. gemm=fp8,experts=fp4,kvCache=fp8')
    .option('--imbalance <factor>', 'most-loaded GPU expert rows over the mean (>= 1); or --expert-skew')
    .option('--expert-skew <s>', 'Zipf skew of expert loads (0 = uniform); placement round-robin unless --eplb')
    .option('--routing-noise', 'add finite-batch routing noise to the expert imbalance')
    .option('--eplb', 'replicate hot experts into the redundant slots (with --expert-skew)')
    .option('--mtp <n>', 'decode: draft tokens per step (multi-token prediction / speculative decoding)')
    .option('--mtp-acceptance <p>', 'decode, with --mtp: acceptance rate of each draft token (default 0.85)')
    .option('--batch-per-gpu <n>', `decode: sequences per GPU (default ${DEFAULTS.batchPerGpu})`)
    .option('--kv-len <n>', `decode: mean KV length per sequence (default ${DEFAULTS.kvLen})`)
    .option('--tokens-per-gpu <n>', `prefill: new tokens per GPU per step (default ${DEFAULTS.tokensPerGpu})`)
    .option('--input-len <n>', `prefill: prompt length (default ${DEFAULTS.inputLen})`)
    .option('--cached-len <n>', `prefill: cached prefix per prompt (default ${DEFAULTS.cachedLen})`)
    .option('--sweep', 'decode: print the throughput-latency curve as the batch grows')
    .option('--target-tps-per-user <n>', 'decode: find the largest batch that keeps this many tokens/s per user')
    .option('--json', 'print JSON')
    .action((options: PerfOptions) => runPerf(options, io));
}
