/**
 * The external KV cache of prompt prefixes: blocks keyed by chained hashes (a block's key already
 * names everything before it, as in Mooncake's hash_ids), capacity in tokens (bytes / KV bytes per
 * token), least-recently-used eviction. A request's hit is the longest run of its leading blocks that
 * are cached.
 *
 * One open-addressing table holds everything: each slot is a block [key, prev, next, tokens], and
 * prev/next (slot numbers) thread the LRU list through the table. Home slots keep consecutive keys
 * side by side, so a prompt's blocks and their list neighbours share cache lines. Deletion shifts
 * entries back (no tombstones) and re-points their neighbours. Every operation is O(1) per block.
 */
export class PrefixCache {
  readonly capacityTokens: number;
  private usedTokens = 0;
  private slots: Float64Array;
  private slotCount: number;
  private mask: number;
  private live = 0;
  /** LRU list ends: head is least recently used. */
  private head = -1;
  private tail = -1;
  /** Per block of the request in hand: its slot, MISSING or REPEATED. */
  private found: Int32Array = new Int32Array(64);
  private foundCount = 0;

  /** @param capacityTokens tokens of KV the cache holds; Infinity for an unbounded cache. */
  constructor(capacityTokens: number) {
    if (!(capacityTokens >= 0)) throw new Error('PrefixCache: capacity must be ≥ 0');
    this.capacityTokens = capacityTokens;
    this.slotCount = 2048;
    this.mask = this.slotCount - 1;
    this.slots = new Float64Array(4 * this.slotCount);
  }

  get blocks(): number {
    return this.live;
  }

  get tokens(): number {
    return this.usedTokens;
  }

  /**
   * Looks up a request's prefix and then stores all its blocks (the prefill writes them back), making
   * them most recent with leading blocks last touched so that a prefix outlives its extensions.
   * Keys missing from the cache must be distinct within one call (chained hashes are).
   * @returns the number of leading blocks that were already cached.
   */
  lookupAndInsert(keys: Float64Array, blockCount: number, blockTokens: number): number {
    const tokens = Math.max(1, blockTokens);
    while ((this.live + blockCount) * 2 > this.slotCount) this.grow(); // no growth while blocks are detached
    if (this.found.length < blockCount) this.found = new Int32Array(Math.max(blockCount, this.found.length * 2));
    const found = this.found;
    const slots = this.slots;
    let hitBlocks = 0;
    let prefix = true;
    for (let i = 0; i < blockCount; i++) {
      const slot = this.find(keys[i]);
      if (slot < 0) {
        prefix = false;
        found[i] = MISSING;
        continue;
      }
      if (prefix) hitBlocks++;
      if (slots[4 * slot + PREV] === DETACHED) {
        found[i] = REPEATED;
        continue;
      }
      this.unlink(slot); // out of the list so the inserts below cannot evict it
      slots[4 * slot + PREV] = DETACHED;
      found[i] = slot;
    }
    this.foundCount = blockCount;
    for (let i = blockCount - 1; i >= 0; i--) {
      const slot = found[i];
      if (slot >= 0) this.linkAtTail(slot);
      else if (slot === MISSING) this.insert(keys[i], tokens);
    }
    this.foundCount = 0;
    return hitBlocks;
  }

  /** Leading blocks cached, without changing anything. */
  peekHitBlocks(keys: Float64Array, blockCount: number): number {
    let i = 0;
    while (i < blockCount && this.find(keys[i]) >= 0) i++;
    return i;
  }

  private insert(key: number, tokens: number): void {
    if (tokens > this.capacityTokens) return;
    while (this.usedTokens + tokens > this.capacityTokens && this.head >= 0) this.evictHead();
    const slots = this.slots;
    let slot = hashKey(key) & this.mask;
    while (slots[4 * slot + TOKENS] !== 0) slot = (slot + 1) & this.mask;
    slots[4 * slot + KEY] = key;
    slots[4 * slot + TOKENS] = tokens;
    this.linkAtTail(slot);
    this.usedTokens += tokens;
    this.live++;
  }

  private find(key: number): number {
    const slots = this.slots;
    const mask = this.mask;
    let slot = hashKey(key) & mask;
    for (;;) {
      if (slots[4 * slot + TOKENS] === 0) return -1;
      if (slots[4 * slot + KEY] === key) return slot;
      slot = (slot + 1) & mask;
    }
  }

  private evictHead(): void {
    const slot = this.head;
    this.unlink(slot);
    this.usedTokens -= this.slots[4 * slot + TOKENS];
    this.live--;
    this.deleteSlot(slot);
  }

  /** Empties a slot, shifting later entries of its probe run back so lookups need no tombstones. */
  private deleteSlot(start: number): void {
    const slots = this.slots;
    const mask = this.mask;
    let hole = start;
    let probe = (hole + 1) & mask;
    while (slots[4 * probe + TOKENS] !== 0) {
      const home = hashKey(slots[4 * probe + KEY]) & mask;
      // The entry may move back unless its home lies cyclically in (hole, probe].
      const stays = hole <= probe ? home > hole && home <= probe : home > hole || home <= probe;
      if (!stays) {
        this.moveSlot(probe, hole);
        hole = probe;
      }
      probe = (probe + 1) & mask;
    }
    slots[4 * hole + KEY] = 0;
    slots[4 * hole + PREV] = 0;
    slots[4 * hole + NEXT] = 0;
    slots[4 * hole + TOKENS] = 0;
  }

  /** Moves a live entry and re-points whatever referred to its old slot. */
  private moveSlot(from: number, to: number): void {
    const slots = this.slots;
    const prev = slots[4 * from + PREV] | 0;
    const next = slots[4 * from + NEXT] | 0;
    slots[4 * to + KEY] = slots[4 * from + KEY];
    slots[4 * to + PREV] = prev;
    slots[4 * to + NEXT] = next;
    slots[4 * to + TOKENS] = slots[4 * from + TOKENS];
    if (prev === DETACHED) {
      // A block of the request in hand, waiting to be relinked: fix its recorded slot.
      for (let i = 0; i < this.foundCount; i++) if (this.found[i] === from) this.found[i] = to;
      return;
    }
    if (prev >= 0) slots[4 * prev + NEXT] = to;
    else this.head = to;
    if (next >= 0) slots[4 * next + PREV] = to;
    else this.tail = to;
  }

  private grow(): void {
    const old = this.slots;
    const oldCount = this.slotCount;
    this.slotCount *= 2;
    this.mask = this.slotCount - 1;
    const slots = new Float64Array(4 * this.slotCount);
    const moved = new Int32Array(oldCount);
    for (let i = 0; i < oldCount; i++) {
      if (old[4 * i + TOKENS] === 0) continue;
      let slot = hashKey(old[4 * i + KEY]) & this.mask;
      while (slots[4 * slot + TOKENS] !== 0) slot = (slot + 1) & this.mask;
      slots[4 * slot + KEY] = old[4 * i + KEY];
      slots[4 * slot + TOKENS] = old[4 * i + TOKENS];
      moved[i] = slot;
    }
    for (let i = 0; i < oldCount; i++) {
      if (old[4 * i + TOKENS] === 0) continue;
      const prev = old[4 * i + PREV] | 0;
      const next = old[4 * i + NEXT] | 0;
      slots[4 * moved[i] + PREV] = prev >= 0 ? moved[prev] : prev;
      slots[4 * moved[i] + NEXT] = next >= 0 ? moved[next] : next;
    }
    if (this.head >= 0) this.head = moved[this.head];
    if (this.tail >= 0) this.tail = moved[this.tail];
    this.slots = slots;
  }

  private unlink(slot: number): void {
    const slots = this.slots;
    const prev = slots[4 * slot + PREV] | 0;
    const next = slots[4 * slot + NEXT] | 0;
    if (prev >= 0) slots[4 * prev + NEXT] = next;
    else this.head = next;
    if (next >= 0) slots[4 * next + PREV] = prev;
    else this.tail = prev;
  }

  private linkAtTail(slot: number): void {
    const slots = this.slots;
    slots[4 * slot + PREV] = this.tail;
    slots[4 * slot + NEXT] = -1;
    if (this.tail >= 0) slots[4 * this.tail + NEXT] = slot;
    else this.head = slot;
    this.tail = slot;
  }
}

const KEY = 0;
const PREV = 1;
const NEXT = 2;
/** Tokens of the block; 0 marks an empty slot. */
const TOKENS = 3;
/** prev of a block taken out of the list while its request is in hand. */
const DETACHED = -2;
const MISSING = -1;
const REPEATED = -2;

/**
 * Home slot of a key: a mix of key / 8, times 8, plus key mod 8. Chained keys of one prompt are
 * usually consecutive integers (Mooncake numbers new blocks in order; synthetic sessions number
 * theirs), so a prompt's blocks land in neighbouring slots and a lookup costs a few cache lines
 * rather than one miss per block. Keys are integer-valued doubles with |key| < 2^53.
 */
function hashKey(key: number): number {
  const lo = key >>> 0;
  const low3 = lo & 7;
  const group = (key - low3) / 8;
  const groupLo = group >>> 0;
  const groupHi = (group / 4294967296) >>> 0;
  let h = groupLo ^ Math.imul(groupHi, 0x9e3779b1);
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (((h ^ (h >>> 16)) << 3) | low3) >>> 0;
}
