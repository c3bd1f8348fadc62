import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { GpuLoadHeap } from '../../src/sim/gpuLoadHeap.js';

/** What the heap stands for: the rank with the least (n, a, rank), found by a scan. */
function leastByScan(n: number[], a: number[]): number {
  let best = 0;
  for (let r = 1; r < n.length; r++) if (n[r] < n[best] || (n[r] === n[best] && a[r] < a[best])) best = r;
  return best;
}

describe('GpuLoadHeap', () => {
  it('gives the least-loaded GPU after any sequence of updates, ties broken by rank', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }),
        // Few distinct values, so ties on n and on (n, a) are common.
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 4 }), fc.integer({ min: -3, max: 3 })), { maxLength: 200 }),
        (gpus, updates) => {
          const heap = new GpuLoadHeap(gpus);
          const n = new Array<number>(gpus).fill(0);
          const a = new Array<number>(gpus).fill(0);
          expect(heap.first).toBe(0);
          for (const [at, requests, load] of updates) {
            const rank = at % gpus;
            heap.update(rank, Float64Array.of(requests, load), 0, 1);
            n[rank] = requests;
            a[rank] = load;
            expect(heap.first).toBe(leastByScan(n, a));
          }
          heap.reset();
          expect(heap.first).toBe(0);
        },
      ),
    );
  });
});
