import { describe, expect, it } from 'vitest';
import { lookupGpu } from '../../src/catalog/gpus.js';
import { lookupModel } from '../../src/catalog/models.js';
import { evaluateDecode } from '../../src/perf/evaluate.js';
import { tokensPerSequenceStep } from '../../src/perf/layout.js';
import { createStepTimeModel } from '../../src/perf/step-model.js';

describe('multi-token prediction (speculative decoding)', () => {
  it('gains 1 + p + p^2 + ... tokens per step', () => {
    expect(tokensPerSequenceStep({ speculativeTokens: 0, acceptanceRate: 0.85 })).toBe(1);
    expect(tokensPerSequenceStep({ speculativeTokens: 1, acceptanceRate: 0.85 })).toBeCloseTo(1.85, 12);
    expect(tokensPerSequenceStep({ speculativeTokens: 2, acceptanceRate: 0.5 })).toBeCloseTo(1.75, 12);
  });

  it('speeds up a latency-bound small batch per user, at the cost of a longer step', () => {
    const v3 = lookupModel('deepseek-v3');
    const h800 = lookupGpu('h800');
    const load = { sequences: 16, kvTokens: 16 * 4096 };
    const plain = evaluateDecode(createStepTimeModel(v3, h800, { nodes: 18, redundantExperts: 32 }, 'decode'), load);
    const mtp = evaluateDecode(createStepTimeModel(v3, h800, { nodes: 18, redundantExperts: 32, speculativeTokens: 1 }, 'decode'), load);
    expect(mtp.stepSeconds).toBeGreaterThan(plain.stepSeconds);
    expect(mtp.tokensPerSecondPerUser).toBeGreaterThan(plain.tokensPerSecondPerUser * 1.3);
    expect(mtp.tokensPerSecondPerUser).toBeLessThan(plain.tokensPerSecondPerUser * 1.85);
    expect(mtp.breakdown.perLayer.draftSeconds).toBeGreaterThan(0);
  });

  it('is ignored in prefill and rejects a bad acceptance rate', () => {
    const v3 = lookupModel('deepseek-v3');
    const h800 = lookupGpu('h800');
    expect(createStepTimeModel(v3, h800, { nodes: 4, speculativeTokens: 2 }, 'prefill').layout.speculativeTokens).toBe(0);
    expect(() => createStepTimeModel(v3, h800, { nodes: 4, speculativeTokens: 1, acceptanceRate: 1.5 }, 'decode')).toThrow(/acceptance rate/);
  });
});
