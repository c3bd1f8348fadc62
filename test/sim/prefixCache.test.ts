import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
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

// The node table under PrefixCache: nodes are hash-table slots, found by their first keys, that
// leave deleted slots behind, are found through aliases after a split, and are renumbered when the
// table is rebuilt.

/** Spies on one of the cache's private steps, to check that a test reaches it. */
function spyOnStep(step: 'rebuild' | 'clearDeleted' | 'moveToLargerTable' | 'addAlias' | 'deleteAlias') {
  return vi.spyOn(PrefixCache.prototype as unknown as Record<typeof step, () => void>, step);
}

describe('PrefixCache node table', () => {
  it('grows from a tiny table, renumbering the ids in records and in the LRU ring', () => {
    const grow = spyOnStep('moveToLargerTable');
    const cache = new PrefixCache(Number.POSITIVE_INFINITY, 16, 8);
    // 300 small trees (a head with two children, one found through an alias), so that every growth
    // moves parents, children and aliases.
    for (let s = 0; s < 300; s++) {
      expect(cache.lookupAndInsert(keys(10 * s, 10 * s + 1, 10 * s + 2), 3, 16)).toBe(0);
      expect(cache.lookupAndInsert(keys(10 * s, 10 * s + 1, 10 * s + 5), 3, 16)).toBe(2);
    }
    expect(cache.tableSlots).toBeGreaterThanOrEqual(2048);
    expect(grow.mock.calls.length).toBeGreaterThanOrEqual(8);
    for (let s = 0; s < 300; s++) {
      expect(cache.peekHitBlocks(keys(10 * s, 10 * s + 1, 10 * s + 2, 7), 4)).toBe(3);
      expect(cache.peekHitBlocks(keys(10 * s, 10 * s + 1, 10 * s + 5, 7), 4)).toBe(3);
    }
    grow.mockRestore();
  });

  it('reuses deleted slots: a long stream of short-lived sessions keeps the table small', () => {
    const rebuild = spyOnStep('rebuild');
    const cache = new PrefixCache(8 * 16, 16, 8);
    const model = new ReferenceLru(8);
    for (let s = 0; s < 20_000; s++) {
      // A new session, and the one before it comes back for a second turn.
      const ids = [3 * s, 3 * s + 1];
      expect(cache.lookupAndInsert(Float64Array.from(ids), 2, 16)).toBe(model.request(ids));
      if (s > 0) {
        const again = [3 * (s - 1), 3 * (s - 1) + 1, 3 * (s - 1) + 2];
        expect(cache.lookupAndInsert(Float64Array.from(again), 3, 16)).toBe(model.request(again));
      }
      expect(cache.blocks).toBe(model.order.length);
    }
    expect(cache.tableSlots).toBeLessThanOrEqual(64);
    // 55 rebuilds for 40,000 requests; about 750 if insertions took only empty slots.
    expect(rebuild.mock.calls.length).toBeLessThan(200);
    rebuild.mockRestore();
  });

  it('clears deleted slots in place, moving records back along their probe paths', () => {
    const clear = spyOnStep('clearDeleted');
    // 450 single-block nodes in 1024 slots: deleted slots pile up to a quarter of the table before
    // each rebuild, which then keeps the size.
    const cache = new PrefixCache(450 * 16, 16, 1024);
    const model = new ReferenceLru(450);
    let x = 11;
    const random = (n: number): number => {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      return (x >>> 8) % n;
    };
    // Single-block roots under keys spread over a wide range: nodes come and go at random slots.
    const seen: number[] = [];
    for (let r = 0; r < 30_000; r++) {
      const key = random(3) === 0 && seen.length > 0 ? seen[random(seen.length)] : 1 + random(1 << 30);
      if (!model.order.includes(key)) seen.push(key);
      expect(cache.lookupAndInsert(keys(key), 1, 16)).toBe(model.request([key]));
      if (seen.length > 1000) seen.splice(0, 500);
    }
    expect(cache.tableSlots).toBe(1024);
    expect(clear).toHaveBeenCalled();
    for (const key of seen) expect(cache.peekHitBlocks(keys(key), 1)).toBe(model.order.includes(key) ? 1 : 0);
    clear.mockRestore();
  });

  it('finds a split tail, which keeps its children, through an alias until it is evicted', () => {
    const addAlias = spyOnStep('addAlias');
    const deleteAlias = spyOnStep('deleteAlias');
    const cache = new PrefixCache(9 * 16);
    const model = new ReferenceLru(9);
    const run = (...ids: number[]): void => {
      expect(cache.lookupAndInsert(Float64Array.from(ids), ids.length, 16)).toBe(model.request(ids));
      expect(cache.blocks).toBe(model.order.length);
    };
    const peek = (...ids: number[]): void => {
      const cached = ids.findIndex((id) => !model.order.includes(id));
      expect(cache.peekHitBlocks(Float64Array.from(ids), ids.length)).toBe(cached < 0 ? ids.length : cached);
    };
    run(1, 2, 3, 4, 5); // one node
    run(1, 2, 3, 4, 6); // splits it: [1 2 3 4], the tail [5] (an alias finds it) and a new child [6]
    run(1, 2, 7); // splits [1 2 3 4] into [1 2] and the tail [3 4], which keeps [5] and [6]
    expect(addAlias).toHaveBeenCalledTimes(2);
    peek(1, 2, 3, 4, 5); // through the alias of [3 4], then a child
    peek(1, 2, 3, 4, 6);
    run(8, 9, 10, 11, 12, 13); // evicts the least recent blocks: [5], [6], then the tail [3 4]
    expect(deleteAlias).toHaveBeenCalled();
    expect(model.order.includes(3)).toBe(false);
    peek(1, 2, 3, 4, 5);
    run(1, 2, 3, 14); // the tail's first key is free again
    peek(1, 2, 3, 14);
    addAlias.mockRestore();
    deleteAlias.mockRestore();
  });

  it('lets a new node with another block size take over a key; the older node ages out', () => {
    const cache = new PrefixCache(Number.POSITIVE_INFINITY);
    expect(cache.lookupAndInsert(keys(1, 2, 3), 3, 8)).toBe(0);
    expect(cache.lookupAndInsert(keys(1, 2, 3), 3, 4)).toBe(0); // another block size: another cache
    expect(cache.lookupAndInsert(keys(1, 2, 3), 3, 4)).toBe(3);
    expect(cache.lookupAndInsert(keys(1, 2, 3), 3, 8)).toBe(0); // the first node is no longer found
    expect(cache.lookupAndInsert(keys(1, 2, 3), 3, 8)).toBe(3);
    expect(cache.blocks).toBe(9);
    expect(cache.tokens).toBe(60);
    expect(cache.lookupAndInsert(keys(1, 2, 9), 3, 8)).toBe(2); // splits the node that has the key
    expect(cache.lookupAndInsert(keys(1, 2, 3, 4), 4, 8)).toBe(3);
    expect(cache.peekHitBlocks(keys(1, 2, 9), 3)).toBe(3);
    expect(cache.tokens).toBe(76);
    const bounded = new PrefixCache(6 * 8);
    bounded.lookupAndInsert(keys(1, 2, 3), 3, 8);
    bounded.lookupAndInsert(keys(1, 2, 3), 3, 4);
    bounded.lookupAndInsert(keys(5, 6), 2, 8);
    expect(bounded.lookupAndInsert(keys(1, 2, 3), 3, 8)).toBe(0);
    expect(bounded.tokens).toBe(48);
    expect(bounded.peekHitBlocks(keys(5, 6), 2)).toBe(2);
  });

  it('agrees with the reference on random trees of chained keys, through growth, clearing and splits', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }),
        // Keys 1..60; k's parent is k - 1 mostly (runs), else any smaller key (branches, splits).
        fc.array(fc.nat(), { minLength: 60, maxLength: 60 }),
        fc.array(fc.integer({ min: 1, max: 60 }), { minLength: 1, maxLength: 300 }),
        fc.constantFrom(8, 16, 1024),
        fc.constantFrom(1, 7, 2 ** 33),
        (capacityBlocks, parentSeeds, targets, initialSlots, scale) => {
          const parent = (k: number): number => (parentSeeds[k - 1] % 3 === 0 ? parentSeeds[k - 1] % k : k - 1);
          const pathTo = (k: number): number[] => (k === 0 ? [] : [...pathTo(parent(k)), k]);
          const cache = new PrefixCache(capacityBlocks * 8, 16, initialSlots);
          const model = new ReferenceLru(capacityBlocks);
          for (const target of targets) {
            const ids = pathTo(target);
            expect(cache.lookupAndInsert(Float64Array.from(ids, (k) => scale * k), ids.length, 8)).toBe(model.request(ids));
            expect(cache.blocks).toBe(model.order.length);
          }
          for (let k = 1; k <= 60; k++) {
            const ids = pathTo(k);
            const cached = ids.findIndex((id) => !model.order.includes(id));
            expect(cache.peekHitBlocks(Float64Array.from(ids, (id) => scale * id), ids.length)).toBe(cached < 0 ? ids.length : cached);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
