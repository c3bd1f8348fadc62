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
        if (this.order.length + detached + 1 <= this.capacityBlocks) this.order.push(ids[i]); // else no room at all
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
    expect(cache.lookupAndInsert(keys(9, 10, 11), 3, 16)).toBe(0);
    expect(cache.lookupAndInsert(keys(1, 2), 2, 16)).toBe(2);
    expect(cache.blocks).toBe(8);
    expect(cache.tokens).toBe(128);
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

  it('agrees with a reference block LRU on random chained request streams', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 20 }),
        // A random tree of keys 1..30 (parent 0 = none); a request is the path from a root to a key.
        fc.array(fc.nat(), { minLength: 30, maxLength: 30 }),
        fc.array(fc.integer({ min: 1, max: 30 }), { maxLength: 80 }),
        (capacityBlocks, parentSeeds, targets) => {
          const parent = (k: number): number => parentSeeds[k - 1] % k; // 0..k-1
          const pathTo = (k: number): number[] => (k === 0 ? [] : [...pathTo(parent(k)), k]);
          const cache = new PrefixCache(capacityBlocks * 8);
          const reference = new ReferenceLru(capacityBlocks);
          for (const target of targets) {
            const ids = pathTo(target);
            expect(cache.lookupAndInsert(Float64Array.from(ids), ids.length, 8)).toBe(reference.request(ids));
            expect(cache.blocks).toBe(reference.order.length);
            for (let k = 1; k <= 30; k++) {
              const p = pathTo(k);
              const cached = [...p].findIndex((id) => !reference.order.includes(id));
              expect(cache.peekHitBlocks(Float64Array.from(p), p.length)).toBe(cached < 0 ? p.length : cached);
            }
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('forgets runs evicted right after they were added (before the index has them all)', () => {
    const cache = new PrefixCache(2 * 16);
    for (let k = 1; k <= 40; k++) {
      // Two-block roots, each pushing out the one before; every third request revisits an older key.
      expect(cache.lookupAndInsert(keys(1000 * k, 1000 * k + 1), 2, 16)).toBe(0);
      if (k % 3 === 0) expect(cache.lookupAndInsert(keys(1000 * (k - 1), 1000 * (k - 1) + 1), 2, 16)).toBe(0);
      expect(cache.blocks).toBe(2);
    }
    expect(cache.peekHitBlocks(keys(39000, 39001), 2)).toBe(0); // pushed out by the revisit of 38000
    expect(cache.peekHitBlocks(keys(40000, 40001), 2)).toBe(2);
    expect(cache.lookupAndInsert(keys(40000, 40001, 40002), 3, 16)).toBe(2);
    expect(cache.blocks).toBe(2);
  });

  it('agrees with the reference when keys step evenly along chains (runs stored as first key and step)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 24 }),
        // Mostly k - 1 is k's parent, so paths are runs of consecutive keys that branch now and then.
        fc.array(fc.nat(), { minLength: 40, maxLength: 40 }),
        fc.array(fc.integer({ min: 1, max: 40 }), { maxLength: 80 }),
        // Keys scale·k + offset: steps of 1, -1 and 3 are stored as steps, 2^33 is spelled out.
        fc.constantFrom(1, -1, 3, 2 ** 33),
        fc.constantFrom(0, 2 ** 52, -(2 ** 40)),
        (capacityBlocks, parentSeeds, targets, scale, offset) => {
          const parent = (k: number): number => (parentSeeds[k - 1] % 4 === 0 ? parentSeeds[k - 1] % k : k - 1);
          const pathTo = (k: number): number[] => (k === 0 ? [] : [...pathTo(parent(k)), k]);
          const key = (k: number): number => scale * k + offset;
          const cache = new PrefixCache(capacityBlocks * 8);
          const reference = new ReferenceLru(capacityBlocks);
          for (const target of targets) {
            const ids = pathTo(target);
            expect(cache.lookupAndInsert(Float64Array.from(ids, key), ids.length, 8)).toBe(reference.request(ids));
            expect(cache.blocks).toBe(reference.order.length);
          }
          for (let k = 1; k <= 40; k++) {
            const p = pathTo(k);
            const cached = p.findIndex((id) => !reference.order.includes(id));
            expect(cache.peekHitBlocks(Float64Array.from(p, key), p.length)).toBe(cached < 0 ? p.length : cached);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('stays exact over a long stream that splits, appends, evicts and compacts its key arena', () => {
    // Conversations: each session extends its own chain below one of a few shared system prompts.
    let x = 7;
    const random = (n: number) => {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      return x % n;
    };
    const sessions: number[][] = [];
    const cache = new PrefixCache(400 * 16, 64);
    const reference = new ReferenceLru(400);
    let nextKey = 1000;
    for (let r = 0; r < 6000; r++) {
      let chain: number[];
      const pick = random(4);
      if (pick === 0 || sessions.length === 0) {
        chain = [random(3) + 1, 10 + random(2)]; // a shared two-block system prompt (keys 1-3, 10-11 under them)
        chain[1] = chain[0] * 100 + chain[1];
        sessions.push(chain);
      } else chain = sessions[random(sessions.length)];
      const grow = 1 + random(5);
      for (let i = 0; i < grow; i++) chain.push(nextKey++);
      const cut = pick === 3 ? Math.max(1, chain.length - 1 - random(chain.length)) : chain.length; // sometimes a shorter prefix
      const ids = chain.slice(0, cut);
      expect(cache.lookupAndInsert(Float64Array.from(ids), ids.length, 16)).toBe(reference.request(ids));
      expect(cache.blocks).toBe(reference.order.length);
    }
    expect(cache.tokens).toBe(cache.blocks * 16);
  });
});
