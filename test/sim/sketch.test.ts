import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LogHistogramSketch } from '../../src/sim/sketch.js';
import { Rng } from '../../src/workload/rng.js';

describe('LogHistogramSketch', () => {
  it('returns every quantile within its relative accuracy', () => {
    const sketch = new LogHistogramSketch(0.01);
    const rng = new Rng(7, 'sketch');
    const values: number[] = [];
    for (let i = 0; i < 20000; i++) {
      const v = Math.exp(rng.normal() * 2); // spans several decades
      values.push(v);
      sketch.add(v);
    }
    values.sort((a, b) => a - b);
    for (const q of [0.01, 0.1, 0.5, 0.9, 0.99, 0.999]) {
      const exact = values[Math.floor(q * (values.length - 1))];
      const next = values[Math.ceil(q * (values.length - 1))];
      const estimate = sketch.quantile(q);
      expect(estimate).toBeGreaterThanOrEqual(exact * (1 - 0.0101));
      expect(estimate).toBeLessThanOrEqual(next * (1 + 0.0101));
    }
    expect(sketch.count).toBe(20000);
    expect(sketch.quantile(0)).toBe(values[0]);
    expect(sketch.quantile(1)).toBe(values[values.length - 1]);
  });

  it('keeps a fixed size however many values it sees, and merges', () => {
    const a = new LogHistogramSketch(0.02);
    const b = new LogHistogramSketch(0.02);
    for (let i = 1; i <= 1000; i++) a.add(i / 100);
    for (let i = 1; i <= 1000; i++) b.add(i / 10);
    a.merge(b);
    expect(a.count).toBe(2000);
    expect(a.quantile(0.5)).toBeGreaterThan(9.0 * 0.98); // exact median ≈ 9.1
    expect(a.quantile(0.5)).toBeLessThan(9.1 * 1.02);
    expect(new LogHistogramSketch().quantile(0.5)).toBeNaN();
  });

  it('adds a strided batch as add() would one value at a time, skipping negative entries', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.double({ min: -1, max: 1e7 }), fc.constantFrom(0, -1, Number.NaN, 1e-9, 5e6)), { maxLength: 60 }), fc.integer({ min: 1, max: 4 }), (values, stride) => {
        const one = new LogHistogramSketch(0.02);
        const batch = new LogHistogramSketch(0.02);
        const from = stride > 1 ? 1 : 0;
        for (let i = from; i < values.length; i += stride) if (!(values[i] < 0)) one.add(values[i]);
        batch.addEach(Float64Array.from(values), from, values.length, stride);
        const summary = (s: LogHistogramSketch) => [s.count, s.mean, s.min, s.max, ...[0.1, 0.5, 0.9, 0.99].map((q) => s.quantile(q))];
        expect(summary(batch)).toEqual(summary(one));
      }),
    );
  });
});
