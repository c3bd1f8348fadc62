import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MinHeap } from '../../src/workload/minHeap.js';
import { ENTRY_NUMBERS, TurnQueue } from '../../src/workload/turnQueue.js';

describe('TurnQueue', () => {
  it('pops what a MinHeap of (key, slot) pairs would, ties and far-future keys included, and keeps each entry', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            // Deltas from now: 0 (the current bucket), a few buckets on, past the 2-second horizon, or a tie.
            pushes: fc.array(fc.oneof(fc.constantFrom(0, 0.25, 0.5), fc.double({ min: 0, max: 5, noNaN: true }), fc.constant(-1)), { maxLength: 5 }),
            pops: fc.integer({ min: 0, max: 4 }),
          }),
          { maxLength: 80 },
        ),
        (rounds) => {
          const queue = new TurnQueue(4, 8); // 0.25-second buckets, a 2-second ring
          const reference = new MinHeap();
          const numbers = new Map<number, number>(); // slot -> the caller number stored with it
          const free: number[] = [];
          let nextSlot = 0;
          let now = 0;
          let lastKey = 0;
          for (const round of rounds) {
            for (const delta of round.pushes) {
              const key = delta < 0 ? lastKey : now + delta; // -1: repeat the last key (a tie)
              if (key < now) continue;
              const slot = free.length > 0 ? (free.pop() as number) : nextSlot++;
              const at = queue.push(key, slot);
              queue.entries[at + 2] = slot * 10 + 7;
              for (let i = 3; i < ENTRY_NUMBERS; i++) queue.entries[at + i] = i;
              reference.push(key, slot);
              numbers.set(slot, slot * 10 + 7);
              lastKey = key;
            }
            expect(queue.size).toBe(reference.size);
            for (let p = 0; p < round.pops; p++) {
              const key = queue.peekKey();
              expect(key).toBe(reference.peekKey());
              if (key === Number.POSITIVE_INFINITY) break;
              const slot = reference.pop();
              const at = queue.pop();
              expect(queue.entries[at + 1]).toBe(slot);
              expect(queue.entries[at]).toBe(key);
              expect(queue.entries[at + 2]).toBe(numbers.get(slot));
              expect(queue.entries[at + ENTRY_NUMBERS - 1]).toBe(ENTRY_NUMBERS - 1);
              free.push(slot);
              now = key;
            }
          }
        },
      ),
      { numRuns: 400 },
    );
  });

  it('grows its chunks and heap without losing order', () => {
    const queue = new TurnQueue(1, 1024);
    const reference = new MinHeap();
    for (let slot = 0; slot < 5000; slot++) {
      const key = (slot * 7919) % 600;
      queue.push(key, slot);
      reference.push(key, slot);
    }
    for (let i = 0; i < 5000; i++) {
      expect(queue.peekKey()).toBe(reference.peekKey());
      expect(queue.entries[queue.pop() + 1]).toBe(reference.pop());
    }
    expect(queue.peekKey()).toBe(Number.POSITIVE_INFINITY);
  });
});
