/**
 * Every calibration constant of the step-time model, in one place, each with its source (a row of
 * ../shared/reference/perf-calibration.md, "calib §1e" etc.). They are fractions of datasheet peaks or
 * fixed latencies and apply unchanged to every GPU and model in the catalog: a new GPU changes the
 * catalog, never this file.
 */
export interface Calibration {
  /** Achieved fraction of dense tensor-core peak for a large GEMM. */
  gemmComputeEfficiency: number;
  /** Achieved fraction of HBM bandwidth for a weight-streaming (small-M) GEMM. */
  gemmMemoryEfficiency: number;
  /**
   * GEMM time = overhead + (computeSeconds^p + memorySeconds^p)^(1/p): a soft roofline. p = 2 means a
   * GEMM whose compute and memory times are equal runs at 1/sqrt(2) of either roof (DeepGEMM masked
   * grouped GEMMs at M=256 show this).
   */
  gemmRooflineExponent: number;
  /** Fixed cost of one kernel: launch, prologue, tail wave. */
  kernelOverheadSeconds: number;
  /** Attention core (FlashMLA / FlashAttention) fraction of BF16 peak when compute-bound. */
  attentionComputeEfficiency: number;
  /** Attention core fraction of HBM bandwidth when memory-bound (KV streaming). */
  attentionMemoryEfficiency: number;
  /** DeepEP low-latency (decode) kernels: achieved fraction of the NIC per GPU, and fixed cost per call. */
  lowLatencyNicEfficiency: number;
  lowLatencyCallSeconds: number;
  /** DeepEP normal (prefill) kernels: achieved fraction of the NIC for node-deduplicated RDMA bytes. */
  normalNicEfficiency: number;
  normalCallSeconds: number;
  /** Achieved fraction of scale-up (NVLink) bandwidth for all-to-all and all-reduce. */
  scaleUpEfficiency: number;
  /** Fixed cost of one all-reduce call (ring/tree setup, synchronisation). */
  allReduceCallSeconds: number;
  /**
   * Fraction of the stand-alone (unit-test) all-to-all bandwidth reached while the other micro-batch
   * computes: both DeepSeek's and SGLang's profiles show communication slower than DeepEP's unit tests.
   */
  overlappedCommunicationEfficiency: number;
  /** Share of SMs the normal (prefill) all-to-all kernels take from computation while they run. */
  normalCommunicationSmShare: number;
  /** Small kernels per layer per micro-batch beyond the modelled GEMMs: norms, RoPE, quantize, top-k, SiLU, residuals. */
  otherKernelsPerLayer: number;
  /** Elementwise HBM traffic per token per layer, in bytes per hidden element (about 12 BF16 passes). */
  elementwiseBytesPerHiddenElement: number;
  /** Elementwise HBM traffic per routed-expert row, in bytes per expert-FFN element (SiLU-and-multiply). */
  elementwiseBytesPerExpertElement: number;
  /** Share of HBM held back from weights and KV: activations, communication buffers, CUDA graphs, context. */
  runtimeReserveShare: number;
}

export const CALIBRATION: Readonly<Calibration> = {
  // Fit (least squares on log time) to all 13 DeepGEMM H800 rows, initial README a6d97a1 (calib §1e):
  // large-M 990-1358 TFLOPS = 0.50-0.69 of 1,979; small-M 1.7-2.7 TB/s. Worst row within 16%.
  gemmComputeEfficiency: 0.63,
  gemmMemoryEfficiency: 0.94, // same fit (calib §1e); small-M rows then land at 1.6-2.7 TB/s effective
  gemmRooflineExponent: 2, // same fit (calib §1e, grouped masked 4 x M=256 rows)
  kernelOverheadSeconds: 3.5e-6, // same fit (calib §1e: M=64 N=2112 K=7168 takes 9.4 us for 15 MB)
  // calib §1d FlashMLA: 660 TFLOPS compute-bound BF16 on H800 = 0.667 of 989 TFLOPS dense BF16.
  attentionComputeEfficiency: 0.667,
  // calib §1d FlashMLA: up to 3,000 GB/s memory-bound on H800 = 0.895 of 3,352 GB/s.
  attentionMemoryEfficiency: 0.895,
  // calib §1c DeepEP V1 low-latency table (128 tokens, top-8, FP8 dispatch / BF16 combine, EP16-256):
  // remote bytes / (latency - 15 us) = 37-41 GB/s of the 50 GB/s CX7 -> 0.8; fits every row EP16-256
  // within 8% (EP8, pure RDMA inside a node, is 26% slower than this model's NVLink path).
  lowLatencyNicEfficiency: 0.8,
  lowLatencyCallSeconds: 15e-6,
  // calib §1c DeepEP V1 normal table: EP32 58 GB/s, EP64 51 GB/s "RDMA bottleneck" bandwidth counts
  // every destination node; the remote share of it is 43-45 GB/s of 50 -> 0.85.
  normalNicEfficiency: 0.85,
  normalCallSeconds: 30e-6, // not in the tables (all at 4,096 tokens); ms-scale prefill calls hide it
  // calib §1c: DeepEP intranode 153-158 GB/s of H800's 200 GB/s per direction -> 0.78.
  scaleUpEfficiency: 0.78,
  allReduceCallSeconds: 10e-6, // typical NCCL small-message all-reduce latency inside one node (assumed)
  // calib §1b: SGLang (LMSYS 2025-05-05) finds both DeepSeek's and its own overlapped communication
  // slower than DeepEP unit tests. 0.75 is the one constant fit to the two DeepSeek profile figures
  // (62.7k prefill wants ~0.7, 18.6k decode ~0.8 tok/s/node); one value serves both phases and every GPU.
  overlappedCommunicationEfficiency: 0.75,
  // DeepSeek-V3 technical report §3.2.2: 20 of the H800's 132 SMs suffice for all-to-all; calib §1b:
  // decode's low-latency kernels occupy 0 SMs, so this applies to normal (prefill) kernels only.
  normalCommunicationSmShare: 20 / 132,
  otherKernelsPerLayer: 10, // RMSNorm x2, RoPE, FP8 quantize x3, router top-k, SiLU-mul, residual x2 (count)
  elementwiseBytesPerHiddenElement: 24, // ~12 BF16 read-or-write passes over the hidden state (count)
  elementwiseBytesPerExpertElement: 5, // SiLU-mul reads gate+up BF16 (4 B) and writes FP8 (1 B)
  // SGLang/vLLM default static memory fractions leave 10-15% of HBM for activations and runtime.
  runtimeReserveShare: 0.1,
};
