// Checks against DeepSeek's own figures (issue 3, item 4), with the tolerance stated in each test.
import { describe, expect, it } from 'vitest';
import { lookupGpu } from '../../src/catalog/gpus.js';
import { lookupModel } from '../../src/catalog/models.js';
import { batchForTargetSpeed, evaluateDecode, evaluatePrefill } from '../../src/perf/evaluate.js';
import { createStepTimeModel, uniformPrefillLoad } from '../../src/perf/step-model.js';

const v3 = lookupModel('deepseek-v3');
const h800 = lookupGpu('h800');
const h100 = lookupGpu('h100-sxm');
const within = (value: number, target: number, tolerance: number): void => {
  expect(Math.abs(value / target - 1), `${value.toFixed(0)} vs ${target}`).toBeLessThanOrEqual(tolerance);
};

describe('DeepSeek-V3 on H800 against DeepSeek figures', () => {
  it('prefill EP32, 16,384 tokens/GPU of 4K prompts, two micro-batches: within 15% of 62,713 tok/s/node', () => {
    // calib §1b: SGLang's figure derived from DeepSeek's prefill profile.
    const step = createStepTimeModel(v3, h800, { nodes: 4, ep: 32, redundantExperts: 32, overlap: 'two-micro-batch' }, 'prefill');
    const result = evaluatePrefill(step, uniformPrefillLoad(16384, 4096));
    within(result.tokensPerSecondPerNode, 62713, 0.15);
    expect(result.memory.fits).toBe(true);
    expect(result.breakdown.boundBy).toBe('flops');
  });

  it('decode EP128, 128 sequences/GPU at KV 4,096: within 15% of 18,598 tok/s/node', () => {
    const step = createStepTimeModel(v3, h800, { nodes: 16, ep: 128, overlap: 'decode-pipeline' }, 'decode');
    const result = evaluateDecode(step, { sequences: 128, kvTokens: 128 * 4096 });
    within(result.tokensPerSecondPerNode, 18598, 0.15);
    // Decode overlaps dispatch/combine: most communication is hidden.
    expect(result.breakdown.hiddenCommunicationSeconds).toBeGreaterThan(result.breakdown.exposedCommunicationSeconds);
  });

  it('decode EP144 at the batch giving 20-22 tok/s/user, KV 4,989: between 14.8k and 2 x 14.8k tok/s/node', () => {
    const step = createStepTimeModel(v3, h800, { nodes: 18, ep: 144, redundantExperts: 32 }, 'decode');
    const found = batchForTargetSpeed(step, 4989, 21);
    const result = evaluateDecode(step, { sequences: found.sequencesPerGpu, kvTokens: found.sequencesPerGpu * 4989 });
    expect(result.tokensPerSecondPerUser).toBeGreaterThanOrEqual(20);
    expect(result.tokensPerSecondPerUser).toBeLessThanOrEqual(22);
    expect(result.tokensPerSecondPerNode).toBeGreaterThanOrEqual(14800);
    expect(result.tokensPerSecondPerNode).toBeLessThanOrEqual(2 * 14800);
  });
});

describe('out-of-sample: SGLang on H100 (LMSYS 2025-05-05), constants untouched', () => {
  it('prefill EP32 4K prompts: within 15% of 59,337 tok/s/node (simulated perfect EPLB)', () => {
    const step = createStepTimeModel(v3, h100, { nodes: 4, redundantExperts: 32 }, 'prefill');
    within(evaluatePrefill(step, uniformPrefillLoad(16384, 4096)).tokensPerSecondPerNode, 59337, 0.15);
  });

  it('decode EP72, 256 sequences/GPU at KV 2,000: within 15% of 22,282 tok/s/node', () => {
    const step = createStepTimeModel(v3, h100, { nodes: 9, redundantExperts: 32 }, 'decode');
    within(evaluateDecode(step, { sequences: 256, kvTokens: 256 * 2000 }).tokensPerSecondPerNode, 22282, 0.15);
  });
});

describe('DeepSeek deployment presets', () => {
  it('match the published units: 9 routed experts per prefill GPU, 2 per decode GPU', async () => {
    const { DEEPSEEK_DECODE_LAYOUT, DEEPSEEK_PREFILL_LAYOUT } = await import('../../src/perf/presets.js');
    expect(createStepTimeModel(v3, h800, DEEPSEEK_PREFILL_LAYOUT, 'prefill').layout.expertsPerGpu).toBe(9);
    const decode = createStepTimeModel(v3, h800, DEEPSEEK_DECODE_LAYOUT, 'decode');
    expect(decode.layout.expertsPerGpu).toBe(2);
    expect(decode.layout.gpus).toBe(144);
    expect(decode.kvBytesPerToken).toBe(70272);
  });
});
