import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CompletionWheel } from '../../src/sim/completionWheel.js';

describe('CompletionWheel', () => {
  it('pops what a sorted list would, step by step, including finishes beyond its horizon', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ advance: fc.integer({ min: 0, max: 3 }), adds: fc.array(fc.integer({ min: 1, max: 100 }), { maxLength: 4 }) }), { maxLength: 120 }),
        (rounds) => {
          const wheel = new CompletionWheel(32);
          const links = new Int32Array(1000);
          const pending: { step: number; slot: number }[] = [];
          let step = 0;
          let nextSlot = 0;
          for (const round of rounds) {
            for (const delta of round.adds) {
              wheel.push(step + delta, nextSlot, links);
              pending.push({ step: step + delta, slot: nextSlot++ });
            }
            const next = pending.length === 0 ? Number.POSITIVE_INFINITY : Math.min(...pending.map((p) => p.step));
            expect(wheel.nextStep()).toBe(next);
            expect(wheel.length).toBe(pending.length);
            // Advance at most to the next finish, as the decode unit does.
            step = Math.min(step + round.advance + 1, next === Number.POSITIVE_INFINITY ? step + round.advance + 1 : next);
            const due: number[] = [];
            for (let s = wheel.takeDue(step, links); s >= 0; s = links[s]) due.push(s);
            const expected = pending.filter((p) => p.step <= step).map((p) => p.slot);
            expect(due.sort((a, b) => a - b)).toEqual(expected.sort((a, b) => a - b));
            for (let i = pending.length - 1; i >= 0; i--) if (pending[i].step <= step) pending.splice(i, 1);
          }
        },
      ),
      { numRuns: 500 },
    );
  });
});
