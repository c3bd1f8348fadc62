import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LogBuckets } from '../../src/sim/logBuckets.js';

/** The formula LogBuckets stands for. */
function bucketByLog(value: number, logGamma: number, minIndex: number, length: number): number {
  return Math.min(length - 1, Math.max(0, Math.ceil(Math.log(value) / logGamma) - minIndex));
}

describe('LogBuckets', () => {
  for (const accuracy of [0.01, 0.02]) {
    const logGamma = Math.log((1 + accuracy) / (1 - accuracy));
    const minIndex = Math.ceil(Math.log(1e-4) / logGamma);
    const length = Math.ceil(Math.log(1e6) / logGamma) - minIndex + 1;
    const buckets = new LogBuckets(logGamma, minIndex, length);
    const agrees = (v: number): void => {
      expect(buckets.bucketOf(v)).toBe(bucketByLog(v, logGamma, minIndex, length));
    };

    it(`gives the logarithm's bucket for any positive double (${accuracy * 100}% buckets)`, () => {
      fc.assert(fc.property(fc.double({ min: 1e-300, max: 1e300, noNaN: true }), (v) => {
        agrees(v);
      }));
      fc.assert(fc.property(fc.double({ min: 1e-5, max: 1e7, noNaN: true }), (v) => {
        agrees(v);
      }), { numRuns: 20000 });
      agrees(Number.MIN_VALUE);
      agrees(Number.MAX_VALUE);
      expect(buckets.bucketOf(Number.POSITIVE_INFINITY)).toBe(length - 1);
    });

    it(`agrees at and around every step (${accuracy * 100}% buckets)`, () => {
      for (let i = minIndex; i < minIndex + length; i++) {
        const edge = Math.exp(i * logGamma);
        for (const v of [edge, edge * (1 - 1e-15), edge * (1 + 1e-15), edge * (1 - 1e-9), edge * (1 + 1e-9)]) agrees(v);
      }
    });
  }
});
