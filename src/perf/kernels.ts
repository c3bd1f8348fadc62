/**
 * Primitive costs: a GEMM, an attention core, an all-to-all, an all-reduce. Each is a roofline over
 * FLOPs and bytes with the achieved fractions from calibration.ts; the GPU supplies the peaks.
 */
import { flopsPerSecondFor, type GpuSpec, type NumberFormat } from '../catalog/gpus.js';
import { CALIBRATION as C } from './calibration.js';

/** Achieved rates for one GPU, computed once per model instance. */
export interface Rates {
  gemmFlopsPerSecond: Readonly<Record<NumberFormat, number>>;
  gemmBytesPerSecond: number;
  attentionFlopsPerSecond: Readonly<Record<NumberFormat, number>>;
  attentionBytesPerSecond: number;
  scaleUpBytesPerSecond: number;
  lowLatencyNicBytesPerSecond: number;
  normalNicBytesPerSecond: number;
  scaleOutAllReduceBytesPerSecond: number;
}

export function ratesFor(gpu: GpuSpec): Rates {
  const perFormat = (efficiency: number): Record<NumberFormat, number> => ({
    bf16: flopsPerSecondFor(gpu, 'bf16') * efficiency,
    fp8: flopsPerSecondFor(gpu, 'fp8') * efficiency,
    fp4: flopsPerSecondFor(gpu, 'fp4') * efficiency,
  });
  return {
    gemmFlopsPerSecond: perFormat(C.gemmComputeEfficiency),
    gemmBytesPerSecond: gpu.hbmBytesPerSecond * C.gemmMemoryEfficiency,
    attentionFlopsPerSecond: perFormat(C.attentionComputeEfficiency),
    attentionBytesPerSecond: gpu.hbmBytesPerSecond * C.attentionMemoryEfficiency,
    scaleUpBytesPerSecond: gpu.scaleUpBytesPerSecond * C.scaleUpEfficiency,
    lowLatencyNicBytesPerSecond: gpu.scaleOutBytesPerSecond * C.lowLatencyNicEfficiency,
    normalNicBytesPerSecond: gpu.scaleOutBytesPerSecond * C.normalNicEfficiency,
    scaleOutAllReduceBytesPerSecond: gpu.scaleOutBytesPerSecond * C.normalNicEfficiency,
  };
}

/** Where kernel time went, for the breakdown; the fast path passes null and tallies nothing. */
export interface BoundTally {
  flopsBoundSeconds: number;
  hbmBoundSeconds: number;
}

function tally(into: BoundTally | null, seconds: number, computeSeconds: number, memorySeconds: number): number {
  if (into) {
    if (computeSeconds >= memorySeconds) into.flopsBoundSeconds += seconds;
    else into.hbmBoundSeconds += seconds;
  }
  return seconds;
}

function softRoofline(computeSeconds: number, memorySeconds: number): number {
  const p = C.gemmRooflineExponent;
  if (p === 2) return Math.sqrt(computeSeconds * computeSeconds + memorySeconds * memorySeconds);
  return (computeSeconds ** p + memorySeconds ** p) ** (1 / p);
}

/**
 * `kernels` GEMM launches doing `flops` in `format` and moving `bytes` (weights + activations) through
 * HBM: overhead + soft roofline.
 */
export function gemmSeconds(
  rates: Rates,
  flops: number,
  bytes: number,
  format: NumberFormat,
  kernels: number,
  into: BoundTally | null,
): number {
  const computeSeconds = flops / rates.gemmFlopsPerSecond[format];
  const memorySeconds = bytes / rates.gemmBytesPerSecond;
  const seconds = kernels * C.kernelOverheadSeconds + softRoofline(computeSeconds, memorySeconds);
  return tally(into, seconds, computeSeconds, memorySeconds);
}

/** Attention core (FlashMLA / FlashAttention): well pipelined, so a hard roofline (max). */
export function attentionSeconds(
  rates: Rates,
  flops: number,
  bytes: number,
  format: NumberFormat,
  into: BoundTally | null,
): number {
  const computeSeconds = flops / rates.attentionFlopsPerSecond[format];
  const memorySeconds = bytes / rates.attentionBytesPerSecond;
  const seconds = C.kernelOverheadSeconds + Math.max(computeSeconds, memorySeconds);
  return tally(into, seconds, computeSeconds, memorySeconds);
}

/** Memory-bound small kernels (norms, RoPE, quantize, activation): `kernels` launches moving `bytes`. */
export function elementwiseSeconds(rates: Rates, bytes: number, kernels: number, into: BoundTally | null): number {
  const memorySeconds = bytes / rates.gemmBytesPerSecond;
  const seconds = kernels * C.kernelOverheadSeconds + memorySeconds;
  return tally(into, seconds, 0, memorySeconds);
}

/** How the all-to-all of one GPU splits between its NIC and its scale-up links, per routed row. */
export interface AllToAllShape {
  lowLatency: boolean;
  /** Rows (token-expert pairs) leaving through the NIC, per token. Normal kernels send a token once per node. */
  nicRowsPerToken: number;
  /** Rows moving over NVLink, per token. */
  scaleUpRowsPerToken: number;
}

/**
 * Expected distinct scale-up domains (nodes) a token's top-k experts land in, out of `domains`, with
 * group-limited routing capping it (DeepSeek's node-limited routing sends a token to at most 4 nodes).
 */
export function expectedDomainsPerToken(domains: number, topK: number, maxGroups: number | null): number {
  const expected = domains * (1 - (1 - 1 / domains) ** topK);
  return maxGroups === null ? expected : Math.min(expected, maxGroups);
}

/**
 * Shape of the all-to-all for an EP group of `ep` GPUs on a GPU whose scale-up domain holds
 * `domainGpus`. Low-latency kernels (decode) send every row on its own; normal kernels (prefill) send
 * each token once per remote node over RDMA and fan out over NVLink there (calib §1c).
 */
export function allToAllShape(
  ep: number,
  domainGpus: number,
  topK: number,
  maxGroups: number | null,
  lowLatency: boolean,
): AllToAllShape {
  const inDomain = Math.min(ep, domainGpus);
  const remoteShare = (ep - inDomain) / ep;
  const peerShare = (inDomain - 1) / ep;
  if (lowLatency) {
    return { lowLatency, nicRowsPerToken: topK * remoteShare, scaleUpRowsPerToken: topK * peerShare };
  }
  const domains = Math.ceil(ep / inDomain);
  const remoteDomains = domains > 1 ? expectedDomainsPerToken(domains, topK, maxGroups) * (domains - 1) / domains : 0;
  return { lowLatency, nicRowsPerToken: remoteDomains, scaleUpRowsPerToken: topK * (inDomain - 1) / inDomain };
}

/** One dispatch or combine: `tokens` tokens of `rowBytes` each, slowed by `efficiency` when overlapped. */
export function allToAllSeconds(
  rates: Rates,
  shape: AllToAllShape,
  tokens: number,
  rowBytes: number,
  efficiency: number,
): number {
  const nicRate = shape.lowLatency ? rates.lowLatencyNicBytesPerSecond : rates.normalNicBytesPerSecond;
  const callSeconds = shape.lowLatency ? C.lowLatencyCallSeconds : C.normalCallSeconds;
  const nicSeconds = (tokens * shape.nicRowsPerToken * rowBytes) / nicRate;
  const scaleUpSeconds = (tokens * shape.scaleUpRowsPerToken * rowBytes) / rates.scaleUpBytesPerSecond;
  return callSeconds + Math.max(nicSeconds, scaleUpSeconds) / efficiency;
}

/** Ring all-reduce of `bytes` over `tp` GPUs, over NVLink inside a domain and the NIC beyond it. */
export function allReduceSeconds(rates: Rates, bytes: number, tp: number, domainGpus: number): number {
  if (tp <= 1) return 0;
  const rate = tp <= domainGpus ? rates.scaleUpBytesPerSecond : rates.scaleOutAllReduceBytesPerSecond;
  return C.allReduceCallSeconds + (2 * (tp - 1) / tp) * bytes / rate;
}
