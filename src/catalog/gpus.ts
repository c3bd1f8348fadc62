/**
 * GPU catalog: per-GPU datasheet figures the step-time model divides by. Every figure names its row in
 * ../shared/reference/perf-calibration.md ("calib §8" = section 8, hardware table) or another source.
 * Achieved fractions of these peaks live in src/perf/calibration.ts, the same for every GPU.
 */
import { InputError } from '../errors.js';

export type NumberFormat = 'bf16' | 'fp8' | 'fp4';

export interface GpuSpec {
  id: string;
  name: string;
  /** Dense (no 2:4 sparsity) tensor-core peak per format; null when the format has no tensor-core path. */
  denseFlopsPerSecond: Readonly<Record<NumberFormat, number | null>>;
  hbmBytes: number;
  hbmBytesPerSecond: number;
  /** NVLink / Infinity Fabric bandwidth per GPU, one direction. */
  scaleUpBytesPerSecond: number;
  /** GPUs that share one scale-up (NVLink) domain: 8 for HGX boards, 72 for an NVL72 rack. */
  scaleUpDomainGpus: number;
  /** RDMA NIC bandwidth per GPU, one direction. */
  scaleOutBytesPerSecond: number;
  /** GPUs in one node (server or compute tray): what "per node" means for this GPU. */
  gpusPerNode: number;
  /**
   * Streaming multiprocessors (CUs on AMD): communication kernels that borrow SMs borrow a share of these.
   * Not read by the step model yet: calibration.ts's normalCommunicationSmShare is DeepSeek's 20 of 132.
   */
  streamingMultiprocessors: number;
  source: string;
}

const GIB = 1024 ** 3;
const GB = 1e9;
const TFLOPS = 1e12;

export const GPUS: readonly GpuSpec[] = [
  {
    id: 'h800',
    name: 'NVIDIA H800 SXM 80GB',
    // calib §8 H800 row: 989 BF16 / 1,979 FP8 dense (Ant table); no FP4 tensor cores on Hopper.
    denseFlopsPerSecond: { bf16: 989 * TFLOPS, fp8: 1979 * TFLOPS, fp4: null },
    hbmBytes: 80 * GIB, // calib §8 H800: 80 GB (same HBM3 stack as H100 SXM, 80 GiB)
    hbmBytesPerSecond: 3352 * GB, // calib §8 H800: 3,352 GB/s (Ant table)
    // calib §8 H800: NVLink 400 GB/s is both directions (8 links); DeepEP reaches ~160 GB/s one way.
    scaleUpBytesPerSecond: 200 * GB,
    scaleUpDomainGpus: 8,
    scaleOutBytesPerSecond: 50 * GB, // calib §8 / §1c: CX7 400 Gb/s per GPU, ~50 GB/s
    gpusPerNode: 8,
    streamingMultiprocessors: 132, // Hopper SXM5: 132 SMs (NVIDIA H100 whitepaper; H800 is the same die)
    source: 'perf-calibration.md §8 H800 row; DeepEP legacy.md; FlashMLA deep-dive',
  },
  {
    id: 'h100-sxm',
    name: 'NVIDIA H100 SXM 80GB',
    denseFlopsPerSecond: { bf16: 989 * TFLOPS, fp8: 1978 * TFLOPS, fp4: null }, // calib §8 H100 row
    hbmBytes: 80 * GIB, // calib §8 H100: 80 GiB
    hbmBytesPerSecond: 3350 * GB, // calib §8 H100: 3,350 GB/s
    scaleUpBytesPerSecond: 450 * GB, // calib §8 H100: 450 GB/s per direction
    scaleUpDomainGpus: 8,
    scaleOutBytesPerSecond: 50 * GB, // calib §8 H100: CX7 NDR 400 Gb/s, 50 GB/s per direction
    gpusPerNode: 8,
    streamingMultiprocessors: 132, // H100 SXM5: 132 SMs (NVIDIA H100 Tensor Core GPU Architecture whitepaper)
    source: 'perf-calibration.md §8 H100 SXM row (aiconfigurator h100_sxm.yaml @f576734)',
  },
  {
    id: 'h200',
    name: 'NVIDIA H200 SXM 141GB',
    denseFlopsPerSecond: { bf16: 989 * TFLOPS, fp8: 1978 * TFLOPS, fp4: null }, // calib §8 H200 row
    hbmBytes: 141 * GB, // calib §8 H200: 141 GB
    hbmBytesPerSecond: 4800 * GB, // calib §8 H200: 4,800 GB/s
    scaleUpBytesPerSecond: 450 * GB, // calib §8 H200: 450 GB/s per direction (900 GB/s NVLink total)
    scaleUpDomainGpus: 8,
    // calib §8 H200 lists 25 GB/s from an older YAML; HGX H200 ships one 400 Gb/s NIC per GPU like H100.
    scaleOutBytesPerSecond: 50 * GB,
    gpusPerNode: 8,
    // Assumed H100 SXM5's 132 (H100 whitepaper): H200 is the same GH100 part with HBM3e. Not checked
    // against an H200 document; not in perf-calibration.md.
    streamingMultiprocessors: 132,
    source: 'perf-calibration.md §8 H200 row (aiconfigurator h200_sxm.yaml @fb73bd5)',
  },
  {
    id: 'h20',
    name: 'NVIDIA H20 96GB',
    denseFlopsPerSecond: { bf16: 148 * TFLOPS, fp8: 296 * TFLOPS, fp4: null }, // calib §8 H20-96G row
    hbmBytes: 96 * GB, // calib §8 H20: 96 GB
    hbmBytesPerSecond: 4000 * GB, // calib §8 H20: 4,000 GB/s
    scaleUpBytesPerSecond: 450 * GB, // calib §8 H20: NVLink 900 GB/s (both directions)
    scaleUpDomainGpus: 8,
    scaleOutBytesPerSecond: 25 * GB, // calib §8 H20: 4×400 Gb/s per 8-GPU node = 25 GB/s per GPU
    gpusPerNode: 8,
    streamingMultiprocessors: 78, // H20: 78 SMs (public spec sheets; not in perf-calibration.md)
    source: 'perf-calibration.md §8 H20-96G row (Ant/SGLang blog table)',
  },
  {
    id: 'b200',
    name: 'NVIDIA B200 (HGX/DGX B200)',
    denseFlopsPerSecond: { bf16: 2250 * TFLOPS, fp8: 4500 * TFLOPS, fp4: 9000 * TFLOPS }, // calib §8 B200
    hbmBytes: 180 * GIB, // calib §8 B200: 180 GiB (YAML)
    hbmBytesPerSecond: 7700 * GB, // calib §8 B200: 7.7 TB/s (newer YAML citing the Blackwell datasheet)
    scaleUpBytesPerSecond: 900 * GB, // calib §8 B200: NVLink5 900 GB/s per direction
    scaleUpDomainGpus: 8,
    scaleOutBytesPerSecond: 100 * GB, // calib §8 B200: CX8 800 Gb/s, 100 GB/s (YAML)
    gpusPerNode: 8,
    streamingMultiprocessors: 148, // B200: 148 SMs (NVIDIA Blackwell tuning guide; not in perf-calibration.md)
    source: 'perf-calibration.md §8 B200 row (aiconfigurator b200_sxm.yaml @f576734)',
  },
  {
    id: 'gb200-nvl72',
    name: 'NVIDIA GB200 NVL72 (per GPU; node = 4-GPU compute tray)',
    denseFlopsPerSecond: { bf16: 2500 * TFLOPS, fp8: 5000 * TFLOPS, fp4: 10000 * TFLOPS }, // calib §8 GB200
    hbmBytes: 189471 * 1024 ** 2, // calib §8 GB200: 189,471 MiB per nvidia-smi (YAML)
    hbmBytesPerSecond: 8000 * GB, // calib §8 GB200: 8 TB/s (newer YAML)
    scaleUpBytesPerSecond: 900 * GB, // calib §8 GB200: NVLink5 900 GB/s per direction across 72 GPUs
    scaleUpDomainGpus: 72,
    scaleOutBytesPerSecond: 100 * GB, // calib §8 GB200: CX8 XDR 800 Gb/s, 100 GB/s
    gpusPerNode: 4, // calib §8 GB200: 4 GPUs per tray, 18 trays
    // Assumed B200's 148 (see the b200 row). Not checked against an NVIDIA GB200 document, and public
    // kernel notes report 152 SMs on GB200 parts: verify before relying on it.
    streamingMultiprocessors: 148,
    source: 'perf-calibration.md §8 GB200 (NVL72) row (aiconfigurator gb200.yaml @f576734)',
  },
  {
    id: 'a100-80gb',
    name: 'NVIDIA A100 SXM 80GB',
    // calib §8 A100: 312 FP16/BF16; Ampere has no FP8 tensor cores (FP8 weights run at the BF16 rate).
    denseFlopsPerSecond: { bf16: 312 * TFLOPS, fp8: null, fp4: null },
    hbmBytes: 80 * GIB, // calib §8 A100: 80 GiB
    hbmBytesPerSecond: 2039 * GB, // calib §8 A100: 2,039 GB/s
    scaleUpBytesPerSecond: 300 * GB, // calib §8 A100: NVLink 300 GB/s per direction
    scaleUpDomainGpus: 8,
    scaleOutBytesPerSecond: 25 * GB, // calib §8 A100: CX6, 25 GB/s (YAML)
    gpusPerNode: 8,
    streamingMultiprocessors: 108, // A100: 108 SMs (NVIDIA A100 whitepaper; not in perf-calibration.md)
    source: 'perf-calibration.md §8 A100 80GB SXM row (aiconfigurator a100_sxm.yaml @fb73bd5)',
  },
  {
    id: 'mi300x',
    name: 'AMD Instinct MI300X 192GB',
    denseFlopsPerSecond: { bf16: 1307.4 * TFLOPS, fp8: 2614.9 * TFLOPS, fp4: null }, // calib §8 MI300X
    hbmBytes: 192 * GIB, // calib §8 MI300X: 192 GiB HBM3
    hbmBytesPerSecond: 5300 * GB, // calib §8 MI300X: 5.3 TB/s
    // calib §8: 7 Infinity Fabric links, per-link figure not in the sources read. Assumed 64 GB/s per link
    // per direction (AMD's 128 GB/s bidirectional per link), 7 peers: 448 GB/s. Verify.
    scaleUpBytesPerSecond: 448 * GB,
    scaleUpDomainGpus: 8,
    scaleOutBytesPerSecond: 50 * GB, // assumed one 400 Gb/s NIC per GPU (not in sources read; verify)
    gpusPerNode: 8,
    streamingMultiprocessors: 304, // calib §8 MI300X: FLOP/clk/CU figures; 304 CUs (ROCm gpu-arch-specs)
    source: 'perf-calibration.md §8 MI300X row (ROCm docs @e396b48); link and NIC figures assumed',
  },
  {
    id: 'mi355x',
    name: 'AMD Instinct MI355X 288GB',
    // calib §8 MI355X: ~2,517 BF16 / ~5,033 FP8 (D); FP4 "up to 10 PF" taken as 2x FP8. Secondary sources.
    denseFlopsPerSecond: { bf16: 2517 * TFLOPS, fp8: 5033 * TFLOPS, fp4: 10066 * TFLOPS },
    hbmBytes: 288 * GB, // calib §8 MI355X: 288 GB HBM3E
    hbmBytesPerSecond: 8000 * GB, // calib §8 MI355X: 8 TB/s
    scaleUpBytesPerSecond: 448 * GB, // calib §8: IF4, 7 links; per-link figure not in sources: as MI300X
    scaleUpDomainGpus: 8,
    scaleOutBytesPerSecond: 50 * GB, // assumed one 400 Gb/s NIC per GPU (not in sources read; verify)
    gpusPerNode: 8,
    streamingMultiprocessors: 256, // calib §8 MI355X: 256 CUs (32 per XCD)
    source: 'perf-calibration.md §8 MI355X row (secondary sources; verify against AMD datasheet)',
  },
];

const byId = new Map(GPUS.map((gpu) => [gpu.id, gpu]));

export function knownGpuIds(): string[] {
  return GPUS.map((gpu) => gpu.id);
}

/** The GPU with this id (any case, surrounding spaces ignored), or undefined; callers raise their own error. */
export function findGpu(id: string): GpuSpec | undefined {
  return byId.get(id.trim().toLowerCase());
}

/** Finds a GPU by id, case-insensitively; unknown ids are an InputError listing the known ones. */
export function lookupGpu(id: string): GpuSpec {
  const gpu = findGpu(id);
  if (!gpu) throw new InputError(`unknown GPU "${id}"; known GPUs: ${knownGpuIds().join(', ')}`);
  return gpu;
}

/**
 * The tensor-core rate a GEMM in `format` runs at: formats the GPU lacks run at the next wider one
 * (weights are dequantized on the fly, so they still save memory traffic).
 */
export function flopsPerSecondFor(gpu: GpuSpec, format: NumberFormat): number {
  const rates = gpu.denseFlopsPerSecond;
  if (format === 'fp4') return rates.fp4 ?? rates.fp8 ?? rates.bf16 ?? 0;
  if (format === 'fp8') return rates.fp8 ?? rates.bf16 ?? 0;
  return rates.bf16 ?? 0;
}

/** Bytes per element, including block scales (FP8 with 128x128 scales ~1 B; MXFP4: 4 bits + 1 B per 32). */
export function bytesPerElement(format: NumberFormat): number {
  if (format === 'bf16') return 2;
  if (format === 'fp8') return 1;
  return 0.5 + 1 / 32;
}
