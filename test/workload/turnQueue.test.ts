import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MinHeap } from '../../src/workload/minHeap.js';
import { SLOT_NUMBERS, TurnQueue } from '../../src/workload/turnQueue.js';

describe('TurnQueue', () => {
  it('pops what a MinHeap of (key, slot) pairs would, ties and far-future keys included', () => {
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
          const table = new Float64Array(1000 * SLOT_NUMBERS);
          const free: number[] = [];
          let nextSlot = 0;
          let now = 0;
          let lastKey = 0;
          for (const round of rounds) {
            for (const delta of round.pushes) {
              const key = delta < 0 ? lastKey : now + delta; // -1: repeat the last key (a tie)
              if (key < now) continue;
              const slot = free.length > 0 ? (free.pop() as number) : nextSlot++;
              queue.push(key, slot, table);
              reference.push(key, slot);
              lastKey = key;
            }
            expect(queue.size).toBe(reference.size);
            for (let p = 0; p < round.pops; p++) {
              const key = queue.peekKey(table);
              expect(key).toBe(reference.peekKey());
              if (key === Number.POSITIVE_INFINITY) break;
              const slot = reference.pop();
              expect(queue.pop()).toBe(slot);
              expect(table[slot * SLOT_NUMBERS]).toBe(key);
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
    const table = new Float64Array(5000 * SLOT_NUMBERS);
    for (let slot = 0; slot < 5000; slot++) {
      const key = (slot * 7919) % 600;
      queue.push(key, slot, table);
      reference.push(key, slot);
    }
    for (let i = 0; i < 5000; i++) {
      expect(queue.peekKey(table)).toBe(reference.peekKey());
      expect(queue.pop()).toBe(reference.pop());
    }
    expect(queue.peekKey(table)).toBe(Number.POSITIVE_INFINITY);
  });

  it('keeps a crowded bucket past its line in overflow chunks, reused once popped', () => {
    const queue = new TurnQueue(1, 64);
    const reference = new MinHeap();
    const table = new Float64Array(201 * SLOT_NUMBERS);
    // Slot 200 at 0 s starts the clock, so the rounds below land in ring buckets (not the far heap).
    queue.push(0, 200, table);
    expect(queue.peekKey(table)).toBe(0);
    expect(queue.pop()).toBe(200);
    for (let round = 0; round < 3; round++) {
      // 200 turns in two buckets (a line holds 14 ids, a chunk 14 more), in scrambled order.
      for (let i = 0; i < 200; i++) {
        const slot = (i * 37) % 200;
        const key = 3 * round + 1 + (slot % 2) + ((slot * 13) % 7) / 8;
        queue.push(key, slot, table);
        reference.push(key, slot);
      }
      for (let i = 0; i < 200; i++) {
        expect(queue.peekKey(table)).toBe(reference.peekKey());
        expect(queue.pop()).toBe(reference.pop());
      }
      expect(queue.size).toBe(0);
    }
  });
});
