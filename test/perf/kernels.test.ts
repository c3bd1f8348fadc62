// The calibration constants must reproduce the tables they were fit to, within the stated tolerance.
import { describe, expect, it } from 'vitest';
import { bytesPerElement, lookupGpu, type NumberFormat } from '../../src/catalog/gpus.js';
import { lookupModel } from '../../src/catalog/models.js';
import { CALIBRATION } from '../../src/perf/calibration.js';
import { LayerCosts } from '../../src/perf/layer-costs.js';
import { resolveLayout } from '../../src/perf/layout.js';
import { allToAllSeconds, allToAllShape, attentionSeconds, gemmSeconds, ratesFor } from '../../src/perf/kernels.js';

const h800 = lookupGpu('h800');
const rates = ratesFor(h800);

describe('GEMM roofline against DeepGEMM (calib §1e, initial README)', () => {
  // m, n, k, weight groups, measured TFLOPS
  const rows: [number, number, number, number, number][] = [
    [64, 2112, 7168, 1, 206],
    [64, 7168, 16384, 1, 336],
    [128, 7168, 16384, 1, 645],
    [128, 4096, 7168, 1, 533],
    [4096, 2112, 7168, 1, 1058],
    [4096, 24576, 1536, 1, 990],
    [4096, 7168, 16384, 1, 1358],
    [4096, 4096, 7168, 1, 1304],
    [32768, 4096, 7168, 4, 1297],
    [32768, 7168, 2048, 8, 1093],
    [1024, 4096, 7168, 4, 932],
    [1024, 7168, 2048, 4, 815],
  ];
  it.each(rows)('M=%i N=%i K=%i groups=%i (%i TFLOPS) within 20%%', (m, n, k, groups, tflops) => {
    const measuredSeconds = (2 * m * n * k) / (tflops * 1e12);
    const modelSeconds = gemmSeconds(rates, 2 * m * n * k, groups * n * k + m * k + m * n * 2, 'fp8', 1, null);
    expect(Math.abs(modelSeconds / measuredSeconds - 1)).toBeLessThan(0.2);
  });
});

describe('attention core against FlashMLA (calib §1d)', () => {
  it('compute-bound decode (128 heads) runs at ~660 TFLOPS, memory-bound at ~3,000 GB/s', () => {
    const flops = 1e12;
    expect(flops / attentionSeconds(rates, flops, 1, 'bf16', null) / 1e12).toBeCloseTo(660, -1);
    const bytes = 3e9;
    expect(bytes / attentionSeconds(rates, 1, bytes, 'bf16', null) / 1e9).toBeCloseTo(3000, -2);
  });
});

describe('all-to-all against DeepEP low-latency kernels (calib §1c, 128 tokens, top-8)', () => {
  // EP, dispatch us, combine us
  const rows: [number, number, number][] = [
    [16, 118, 195],
    [32, 155, 273],
    [64, 173, 314],
    [128, 192, 369],
    [256, 194, 360],
  ];
  it.each(rows)('EP%i: dispatch %i us, combine %i us, each within 10%%', (ep, dispatchUs, combineUs) => {
    const shape = allToAllShape(ep, 8, 8, null, true);
    const dispatch = allToAllSeconds(rates, shape, 128, 7168 + 224, 1) * 1e6;
    const combine = allToAllSeconds(rates, shape, 128, 7168 * 2, 1) * 1e6;
    expect(Math.abs(dispatch / dispatchUs - 1)).toBeLessThan(0.1);
    expect(Math.abs(combine / combineUs - 1)).toBeLessThan(0.1);
  });

  it('normal kernels at EP32 move node-deduplicated tokens at ~58 GB/s as DeepEP counts them', () => {
    const shape = allToAllShape(32, 8, 8, 4, false);
    const seconds = allToAllSeconds(rates, shape, 4096, 7168, 1);
    const nodesPerToken = 4 * (1 - 0.75 ** 8);
    const deepEpGbps = (4096 * nodesPerToken * 7168) / seconds / 1e9;
    expect(Math.abs(deepEpGbps / 58 - 1)).toBeLessThan(0.1);
  });
});

describe('dispatch rows by format (DeepEP FP8: E4M3 + a float32 scale per 128 channels)', () => {
  const model = lookupModel('deepseek-v3');
  const gpu = lookupGpu('b200');
  // Network time of one dispatch over one BF16 combine of the same rows is the ratio of their row bytes.
  const rowRatio = (dispatch: NumberFormat): number => {
    const layout = resolveLayout(model, gpu, { nodes: 18, overlap: 'none', precision: { dispatch, combine: 'bf16' } }, 'decode');
    const stages = new LayerCosts(model, gpu, layout, 'decode').stages(64, null);
    const call = CALIBRATION.lowLatencyCallSeconds;
    return (stages.dispatch - call) / (stages.combine - call);
  };

  it('FP8 adds its 4-byte scale per 128 channels; FP4 carries only the block scale bytesPerElement counts', () => {
    expect(rowRatio('fp8')).toBeCloseTo((1 + 4 / 128) / 2, 12);
    expect(rowRatio('fp4')).toBeCloseTo(bytesPerElement('fp4') / 2, 12);
    expect(rowRatio('bf16')).toBeCloseTo(1, 12);
  });
});
