import { describe, expect, it } from 'vitest';
import { GPUS, findGpu, lookupGpu, flopsPerSecondFor } from '../../src/catalog/gpus.js';
import { MODELS, findModel, kvBytesPerToken, lookupModel, parameterCounts, weightBytes } from '../../src/catalog/models.js';
import { isInputError } from '../../src/errors.js';

describe('GPU catalog', () => {
  it('has every GPU the CLI promises, looked up case-insensitively', () => {
    for (const id of ['h800', 'h100-sxm', 'h200', 'h20', 'b200', 'gb200-nvl72', 'a100-80gb', 'mi300x', 'mi355x']) {
      expect(lookupGpu(id.toUpperCase()).id).toBe(id);
    }
  });

  it('findGpu matches as lookupGpu does, and answers undefined for an unknown id', () => {
    expect(findGpu(' H800 ')).toBe(lookupGpu('h800'));
    expect(findGpu('h900')).toBeUndefined();
  });

  it('rejects an unknown GPU with the known ids', () => {
    try {
      lookupGpu('h900');
      expect.unreachable();
    } catch (error) {
      expect(isInputError(error)).toBe(true);
      expect((error as Error).message).toContain('h800, h100-sxm');
    }
  });

  it('has positive figures and NVL72 spans 72 GPUs', () => {
    for (const gpu of GPUS) {
      expect(flopsPerSecondFor(gpu, 'bf16')).toBeGreaterThan(0);
      expect(gpu.hbmBytesPerSecond).toBeGreaterThan(1e12);
      expect(gpu.scaleUpDomainGpus % gpu.gpusPerNode === 0 || gpu.scaleUpDomainGpus === gpu.gpusPerNode).toBe(true);
    }
    expect(lookupGpu('gb200-nvl72').scaleUpDomainGpus).toBe(72);
    // A100 has no FP8 tensor cores: FP8 GEMMs run at the BF16 rate.
    expect(flopsPerSecondFor(lookupGpu('a100-80gb'), 'fp8')).toBe(312e12);
  });
});

describe('model catalog', () => {
  // Published totals / actives (calib §9), tolerance 3% (the published figures are rounded, and the
  // DeepSeek active count of 36.7B counts a few small tensors differently).
  const published: [string, number, number][] = [
    ['deepseek-v3', 671e9, 36.7e9],
    ['kimi-k2', 1000e9, 32e9],
    ['qwen3-235b-a22b', 235e9, 22e9],
    ['qwen3-30b-a3b', 30.5e9, 3.3e9],
    ['llama-3.1-8b', 8.03e9, 8.03e9],
    ['llama-3.1-70b', 70.6e9, 70.6e9],
    ['llama-3.1-405b', 405e9, 405e9],
  ];
  it.each(published)('%s parameter counts match the published figures within 3%%', (id, total, active) => {
    const counts = parameterCounts(lookupModel(id));
    expect(Math.abs(counts.total / total - 1)).toBeLessThan(0.03);
    expect(Math.abs(counts.active / active - 1)).toBeLessThan(0.03);
  });

  it('gpt-oss-120b has 117B parameters (active 5.1B counts one of embedding/unembedding)', () => {
    const counts = parameterCounts(lookupModel('gpt-oss-120b'));
    expect(Math.abs(counts.total / 117e9 - 1)).toBeLessThan(0.01);
    expect(Math.abs((counts.active - counts.embedding / 2) / 5.1e9 - 1)).toBeLessThan(0.02);
  });

  it('KV bytes per token match the calibration table exactly', () => {
    expect(kvBytesPerToken(lookupModel('deepseek-v3'))).toBe(70272);
    expect(kvBytesPerToken(lookupModel('kimi-k2'))).toBe(70272);
    expect(kvBytesPerToken(lookupModel('llama-3.1-8b'))).toBe(131072);
    expect(kvBytesPerToken(lookupModel('llama-3.1-70b'))).toBe(327680);
    expect(kvBytesPerToken(lookupModel('llama-3.1-405b'))).toBe(516096);
    expect(kvBytesPerToken(lookupModel('qwen3-235b-a22b'))).toBe(192512);
    expect(kvBytesPerToken(lookupModel('gpt-oss-120b'))).toBe(73728);
    expect(kvBytesPerToken(lookupModel('deepseek-v3'), 'fp8')).toBe(35136);
  });

  it('weight bytes follow the format: DeepSeek-V3 in FP8 is about 670 GB', () => {
    const v3 = lookupModel('deepseek-v3');
    expect(weightBytes(v3, 'fp8') / 1e9).toBeGreaterThan(665);
    expect(weightBytes(v3, 'fp8') / 1e9).toBeLessThan(680);
    expect(weightBytes(v3, 'bf16')).toBeGreaterThan(1.9 * weightBytes(v3, 'fp8'));
  });

  it('has unique ids and rejects unknown models', () => {
    expect(new Set(MODELS.map((m) => m.id)).size).toBe(MODELS.length);
    expect(() => lookupModel('gpt-5')).toThrow(/known models: deepseek-v3/);
  });

  it('findModel matches as lookupModel does, and answers undefined for an unknown id', () => {
    expect(findModel(' DeepSeek-V3 ')).toBe(lookupModel('deepseek-v3'));
    expect(findModel('gpt-5')).toBeUndefined();
  });
});
