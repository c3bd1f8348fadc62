import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { lookupGpu } from '../../src/catalog/gpus.js';
import { lookupModel } from '../../src/catalog/models.js';
import { expertImbalanceFactor, zipfExpertLoads } from '../../src/perf/imbalance.js';
import { createStepTimeModel } from '../../src/perf/step-model.js';

describe('expert imbalance', () => {
  it('is 1 for uniform loads and ideal routing', () => {
    expect(expertImbalanceFactor({ kind: 'ideal' }, 256, 32, 32)).toBe(1);
    expect(expertImbalanceFactor({ kind: 'ideal' }, 256, 144, 32)).toBe(1);
    const uniform = new Array(256).fill(1);
    expect(expertImbalanceFactor({ kind: 'distribution', expertLoads: uniform, eplb: false }, 256, 32, 0)).toBeCloseTo(1, 12);
  });

  it('ideal routing over slots that do not divide evenly loads the GPUs with one expert more', () => {
    // 256 experts on 144 GPUs: 112 GPUs hold 2, 32 hold 1; the busiest get 2 / (256/144) = 1.125x.
    expect(expertImbalanceFactor({ kind: 'ideal' }, 256, 144, 0)).toBeCloseTo(1.125, 12);
  });

  it('puts the whole load on one GPU when one expert takes everything (no EPLB)', () => {
    const loads = new Array(256).fill(0);
    loads[0] = 1;
    expect(expertImbalanceFactor({ kind: 'distribution', expertLoads: loads, eplb: false }, 256, 32, 0)).toBeCloseTo(32, 9);
  });

  it('EPLB with redundant experts never does worse than round-robin, and helps a skewed load', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0.01, max: 100, noNaN: true }), { minLength: 64, maxLength: 64 }), (loads) => {
        const plain = expertImbalanceFactor({ kind: 'distribution', expertLoads: loads, eplb: false }, 64, 16, 16);
        const eplb = expertImbalanceFactor({ kind: 'distribution', expertLoads: loads, eplb: true }, 64, 16, 16);
        return eplb >= 1 - 1e-9 && eplb <= plain + 1e-9;
      }),
    );
    const skewed = zipfExpertLoads(256, 1);
    const plain = expertImbalanceFactor({ kind: 'distribution', expertLoads: skewed, eplb: false }, 256, 32, 32);
    const eplb = expertImbalanceFactor({ kind: 'distribution', expertLoads: skewed, eplb: true }, 256, 32, 32);
    expect(plain).toBeGreaterThan(1.5);
    expect(eplb).toBeLessThan(1.1);
  });

  it('slows the MoE step: a 1.3x imbalance costs decode time', () => {
    const v3 = lookupModel('deepseek-v3');
    const h800 = lookupGpu('h800');
    const ideal = createStepTimeModel(v3, h800, { nodes: 18, redundantExperts: 32 }, 'decode');
    const skewed = createStepTimeModel(v3, h800, { nodes: 18, redundantExperts: 32, imbalance: { kind: 'factor', maxOverMean: 1.3 } }, 'decode');
    const load = { sequences: 96, kvTokens: 96 * 4989 };
    expect(skewed.decodeStepSeconds(load)).toBeGreaterThan(ideal.decodeStepSeconds(load) * 1.05);
  });

  it('routing noise: the busiest GPU gets ~mu + sqrt(2 mu ln ep) rows, fading as batches grow', () => {
    const v3 = lookupModel('deepseek-v3');
    const h800 = lookupGpu('h800');
    const step = createStepTimeModel(v3, h800, { nodes: 18, redundantExperts: 32, routingNoise: true }, 'decode');
    const small = step.traceDecode({ sequences: 16, kvTokens: 16 * 4096 }).expertImbalance;
    const large = step.traceDecode({ sequences: 128, kvTokens: 128 * 4096 }).expertImbalance;
    // 128 sequences in two micro-batches: mu = 64 x 8 = 512 rows, ep 144.
    expect(large).toBeCloseTo(1 + Math.sqrt((2 * Math.log(144)) / 512), 12);
    expect(small).toBeGreaterThan(large);
    const plain = createStepTimeModel(v3, h800, { nodes: 18, redundantExperts: 32 }, 'decode');
    const load = { sequences: 128, kvTokens: 128 * 4096 };
    expect(step.decodeStepSeconds(load)).toBeGreaterThan(plain.decodeStepSeconds(load));
  });
});
