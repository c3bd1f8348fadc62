import { describe, expect, it } from 'vitest';
import { AffineStepTimeModel } from '../../src/sim/stepTime.js';
import { stepTimeContract } from './stepTimeContract.js';

describe('AffineStepTimeModel', () => {
  stepTimeContract('affine', () => new AffineStepTimeModel({ prefillFixedSeconds: 0.01, prefillSecondsPerNewToken: 1e-4, prefillSecondsPerAttentionPair: 1e-12, decodeFixedSeconds: 0.02, decodeSecondsPerSequence: 1e-4, decodeSecondsPerKvToken: 1e-9 }));

  it('is a fixed step time with only the fixed terms', () => {
    const model = new AffineStepTimeModel({ prefillFixedSeconds: 0.5, decodeFixedSeconds: 0.05 });
    expect(model.prefillStepSeconds({ gpus: 1, microBatches: 1, newTokens: 9, sequences: 1, attentionPairs: 45, cachedTokens: 0, cacheLoadTokens: 0, unitNewTokens: 9 })).toBe(0.5);
    expect(model.decodeStepSeconds({ gpus: 1, microBatches: 1, sequences: 3, kvTokens: 300, unitSequences: 3, unitKvTokens: 300 })).toBe(0.05);
  });
});
