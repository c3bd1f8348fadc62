import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EventQueue } from '../../src/sim/eventQueue.js';

function drain(q: EventQueue): [number, number][] {
  const out: [number, number][] = [];
  while (q.pop()) out.push([q.poppedTimeSeconds, q.poppedTarget]);
  return out;
}

describe('EventQueue', () => {
  it('pops in time order and first-in first-out among equal times', () => {
    const q = new EventQueue(2);
    q.schedule(5, 0, 1);
    q.schedule(1, 0, 2);
    q.schedule(5, 0, 3);
    q.schedule(1, 0, 4);
    q.schedule(3, 0, 5);
    expect(drain(q)).toEqual([
      [1, 2],
      [1, 4],
      [3, 5],
      [5, 1],
      [5, 3],
    ]);
  });

  it('cancels and reschedules by handle', () => {
    const q = new EventQueue();
    const a = q.schedule(1, 0, 1);
    const b = q.schedule(2, 0, 2);
    q.schedule(3, 0, 3);
    q.cancel(a);
    q.reschedule(b, 4);
    expect(q.isPending(a)).toBe(false);
    expect(drain(q)).toEqual([
      [3, 3],
      [4, 2],
    ]);
  });

  it('a rescheduled event runs after events already due at its new time', () => {
    const q = new EventQueue();
    const a = q.schedule(1, 0, 1);
    q.schedule(2, 0, 2);
    q.reschedule(a, 2);
    expect(drain(q).map((e) => e[1])).toEqual([2, 1]);
  });

  it('matches a stable sort of (time, order) under random schedules and cancels', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ time: fc.integer({ min: 0, max: 20 }), cancel: fc.boolean() }), { maxLength: 300 }),
        (ops) => {
          const q = new EventQueue(4);
          const live: { time: number; id: number }[] = [];
          ops.forEach((op, id) => {
            const handle = q.schedule(op.time, 0, id);
            if (op.cancel) q.cancel(handle);
            else live.push({ time: op.time, id });
          });
          const expected = [...live].sort((x, y) => x.time - y.time || x.id - y.id).map((e) => e.id);
          expect(drain(q).map((e) => e[1])).toEqual(expected);
        },
      ),
    );
  });

  it('matches a sorted list when events are scheduled for the instant being run or in order, then cancelled or moved', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ op: fc.integer({ min: 0, max: 7 }), delay: fc.integer({ min: 0, max: 3 }), pick: fc.nat() }), { maxLength: 300 }),
        (ops) => {
          const ORDERED = 1;
          const q = new EventQueue(2, ORDERED);
          let orderedTime = 0;
          const pending: { time: number; seq: number; id: number; handle: number }[] = [];
          const byOrder = (x: { time: number; seq: number }, y: { time: number; seq: number }) => x.time - y.time || x.seq - y.seq;
          let seq = 0;
          let id = 0;
          let now = 0;
          for (const { op, delay, pick } of ops) {
            if (op <= 2) {
              // A third of the schedules are for the instant last popped (the now-lane), the rest later.
              const time = now + (op === 0 ? 0 : delay);
              pending.push({ time, seq: seq++, id, handle: q.schedule(time, 0, id) });
              id++;
            } else if (op === 7) {
              // The ordered kind, in time order (its lane) but for an occasional step back (the heap).
              orderedTime = delay === 3 ? Math.max(now, orderedTime - 2) : Math.max(now, orderedTime) + delay;
              pending.push({ time: orderedTime, seq: seq++, id, handle: q.schedule(orderedTime, ORDERED, id) });
              id++;
            } else if (pending.length === 0) {
              continue;
            } else if (op <= 4) {
              pending.sort(byOrder);
              const next = pending.shift()!;
              expect(q.peekTime()).toBe(next.time);
              expect(q.pop()).toBe(true);
              expect(q.poppedTarget).toBe(next.id);
              now = next.time;
            } else if (op === 5) {
              const [gone] = pending.splice(pick % pending.length, 1);
              q.cancel(gone.handle);
              expect(q.isPending(gone.handle)).toBe(false);
            } else {
              const moved = pending[pick % pending.length];
              moved.time = now + delay;
              moved.seq = seq++;
              q.reschedule(moved.handle, moved.time);
            }
            expect(q.size).toBe(pending.length);
          }
          expect(drain(q).map((e) => e[1])).toEqual(pending.sort(byOrder).map((e) => e.id));
        },
      ),
      { numRuns: 500 },
    );
  });
});
