import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FirstMinTree } from '../../src/sim/firstMinTree.js';

/** What the tree stands for: the first index holding the minimum, found by a scan with `<`. */
function firstMinByScan(values: number[]): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i] < values[best]) best = i;
  return best;
}

describe('FirstMinTree', () => {
  it('finds the first minimum after any sequence of updates, ties included', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 5 })), { maxLength: 200 }),
        (count, updates) => {
          const tree = new FirstMinTree(count, 0);
          const values = new Array<number>(count).fill(0);
          for (const [at, value] of updates) {
            const index = at % count;
            tree.set(index, value);
            values[index] = value;
            expect(tree.first).toBe(firstMinByScan(values));
            expect(tree.firstValue).toBe(values[tree.first]);
            expect(tree.value(index)).toBe(value);
          }
        },
      ),
    );
  });

  it('takes all values at once, and spare leaves never win', () => {
    const tree = new FirstMinTree(3);
    expect(tree.leaves).toBe(4);
    expect(tree.firstValue).toBe(Number.POSITIVE_INFINITY);
    tree.setAll([5, 2, 2]);
    expect(tree.first).toBe(1);
    tree.set(1, 9);
    expect([tree.first, tree.firstValue]).toEqual([2, 2]);
  });
});
