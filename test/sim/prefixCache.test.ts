import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PrefixCache } from '../../src/sim/prefixCache.js';

const keys = (...ids: number[]): Float64Array => Float64Array.from(ids);

/** A plain reference LRU over block keys with the same touch order. */
class ReferenceLru {
  order: number[] = []; // least recent first
  constructor(readonly capacityBlocks: number) {}
  request(ids: number[]): number {
    let hit = 0;
    while (hit < ids.length && this.order.includes(ids[hit])) hit++;
    const found = new Set(ids.filter((id) => this.order.includes(id)));
    this.order = this.order.filter((id) => !found.has(id));
    let detached = found.size; // found blocks still occupy space while out of the list
    for (let i = ids.length - 1; i >= 0; i--) {
      if (found.has(ids[i])) {
        this.order.push(ids[i]);
        detached--;
      } else {
        while (this.order.length + detached + 1 > this.capacityBlocks && this.order.length > 0) this.order.shift();
        this.order.push(ids[i]);
      }
    }
    return hit;
  }
}

describe('PrefixCache', () => {
  it('hits the longest cached prefix', () => {
    const cache = new PrefixCache(Number.POSITIVE_INFINITY);
    expect(cache.lookupAndInsert(keys(1, 2, 3), 3, 16)).toBe(0);
    expect(cache.lookupAndInsert(keys(1, 2, 4), 3, 16)).toBe(2);
    expect(cache.lookupAndInsert(keys(1, 2, 3, 5), 4, 16)).toBe(3);
    expect(cache.lookupAndInsert(keys(9, 2, 3), 3, 16)).toBe(0);
    expect(cache.blocks).toBe(6);
    expect(cache.tokens).toBe(96);
  });

  it('evicts least recently used blocks, leading blocks last', () => {
    const cache = new PrefixCache(4 * 16);
    cache.lookupAndInsert(keys(1, 2), 2, 16);
    cache.lookupAndInsert(keys(3, 4), 2, 16);
    // Recency, least first: 2 1 4 3. Touching 1 and adding 5 evicts 2, the child touched before its parent.
    cache.lookupAndInsert(keys(1, 5), 2, 16);
    expect(cache.peekHitBlocks(keys(1, 2), 2)).toBe(1);
    expect(cache.peekHitBlocks(keys(3, 4), 2)).toBe(2);
    expect(cache.peekHitBlocks(keys(1, 5), 2)).toBe(2);
    cache.lookupAndInsert(keys(6), 1, 16); // evicts 4, now the least recent
    expect(cache.peekHitBlocks(keys(3, 4), 2)).toBe(1);
    expect(cache.blocks).toBe(4);
  });

  it('agrees with a reference LRU on random request streams', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 12 }),
        fc.array(fc.array(fc.integer({ min: 0, max: 30 }), { minLength: 1, maxLength: 6 }), { maxLength: 80 }),
        (capacityBlocks, requests) => {
          const cache = new PrefixCache(capacityBlocks * 8);
          const reference = new ReferenceLru(capacityBlocks);
          for (const raw of requests) {
            const ids = [...new Set(raw)];
            expect(cache.lookupAndInsert(Float64Array.from(ids), ids.length, 8)).toBe(reference.request(ids));
            expect(cache.blocks).toBe(reference.order.length);
          }
        },
      ),
    );
  });
});
