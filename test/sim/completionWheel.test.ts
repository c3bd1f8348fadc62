import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CompletionWheel } from '../../src/sim/completionWheel.js';
import { MinHeap } from '../../src/workload/minHeap.js';

/**
 * The wheel's order, spelled out: a list per step, each push put first; finishes beyond the horizon
 * wait in a heap and join their step's list (first) when the ring reaches them, or go first of all in
 * the due list, the last popped first. The simulator's float sums follow this order.
 */
class ReferenceWheel {
  private readonly lists = new Map<number, number[]>();
  private readonly overflow = new MinHeap(4);
  private base = 0;

  constructor(private readonly horizon: number) {}

  push(step: number, slot: number): void {
    if (step - this.base >= this.horizon) this.overflow.push(step, slot);
    else this.lists.set(step, [slot, ...(this.lists.get(step) ?? [])]);
  }

  takeDue(step: number): number[] {
    let due = step - this.base < this.horizon ? (this.lists.get(step) ?? []) : [];
    this.lists.delete(step);
    this.base = step + 1;
    while (this.overflow.size > 0 && this.overflow.peekKey() - this.base < this.horizon) {
      const key = this.overflow.peekKey();
      const slot = this.overflow.pop();
      if (key <= step) due = [slot, ...due];
      else this.push(key, slot);
    }
    return due;
  }
}

describe('CompletionWheel', () => {
  it('pops what a sorted list would, in the order of the reference, including finishes beyond its horizon', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ advance: fc.integer({ min: 0, max: 3 }), adds: fc.array(fc.integer({ min: 1, max: 100 }), { maxLength: 40 }) }), { maxLength: 120 }),
        (rounds) => {
          const wheel = new CompletionWheel(32);
          const reference = new ReferenceWheel(32);
          const pending: { step: number; slot: number }[] = [];
          let step = 0;
          let nextSlot = 0;
          for (const round of rounds) {
            for (const delta of round.adds) {
              wheel.push(step + delta, nextSlot);
              reference.push(step + delta, nextSlot);
              pending.push({ step: step + delta, slot: nextSlot++ });
            }
            const next = pending.length === 0 ? Number.POSITIVE_INFINITY : Math.min(...pending.map((p) => p.step));
            expect(wheel.nextStep()).toBe(next);
            expect(wheel.length).toBe(pending.length);
            // Advance at most to the next finish, as the decode unit does.
            step = Math.min(step + round.advance + 1, next === Number.POSITIVE_INFINITY ? step + round.advance + 1 : next);
            const count = wheel.takeDue(step);
            const due = Array.from(wheel.due.subarray(0, count));
            expect(due).toEqual(reference.takeDue(step));
            const expected = pending.filter((p) => p.step <= step).map((p) => p.slot);
            expect([...due].sort((a, b) => a - b)).toEqual(expected.sort((a, b) => a - b));
            for (let i = pending.length - 1; i >= 0; i--) if (pending[i].step <= step) pending.splice(i, 1);
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it('puts finishes the heap held first when a jump makes several due at once', () => {
    const wheel = new CompletionWheel(32);
    const reference = new ReferenceWheel(32);
    // Beyond the horizon: two at step 100, one at 99, one at 150; in the ring: two at step 5.
    for (const [step, slot] of [[100, 1], [99, 2], [100, 3], [150, 4], [5, 5], [5, 6]]) {
      wheel.push(step, slot);
      reference.push(step, slot);
    }
    for (const step of [5, 100, 150]) {
      const count = wheel.takeDue(step);
      expect(Array.from(wheel.due.subarray(0, count))).toEqual(reference.takeDue(step));
    }
    expect(wheel.length).toBe(0);
  });
});
