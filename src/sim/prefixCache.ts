import { growF64, growI32 } from './eventQueue.js';

/**
 * The external KV cache of prompt prefixes: blocks keyed by chained hashes (a block's key already
 * names everything before it, as in Mooncake's hash_ids), capacity in tokens (bytes / KV bytes per
 * token), least-recently-used eviction. A request's hit is the longest run of its leading blocks that
 * are cached. Every operation is O(1) per block: an open-addressing hash table over Float64Array keys
 * and an intrusive doubly linked LRU list over Int32Arrays.
 */
export class PrefixCache {
  readonly capacityTokens: number;
  private usedTokens = 0;
  // Nodes (one per cached block).
  private nodeKey: Float64Array;
  private nodeTokens: Int32Array;
  private prev: Int32Array;
  private next: Int32Array;
  private nodeCount = 0;
  private freeNodes: number[] = [];
  /** LRU list: head is least recently used. */
  private head = -1;
  private tail = -1;
  // Hash table: slot → node + 1 (0 = empty).
  private table: Int32Array;
  private mask: number;
  private liveNodes = 0;
  // Scratch for one lookup.
  private found: Int32Array = new Int32Array(64);

  /** @param capacityTokens tokens of KV the cache holds; Infinity for an unbounded cache. */
  constructor(capacityTokens: number) {
    if (!(capacityTokens >= 0)) throw new Error('PrefixCache: capacity must be ≥ 0');
    this.capacityTokens = capacityTokens;
    const n = 1024;
    this.nodeKey = new Float64Array(n);
    this.nodeTokens = new Int32Array(n);
    this.prev = new Int32Array(n);
    this.next = new Int32Array(n);
    this.table = new Int32Array(2048);
    this.mask = 2047;
  }

  get blocks(): number {
    return this.liveNodes;
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
    if (this.found.length < blockCount) this.found = new Int32Array(Math.max(blockCount, this.found.length * 2));
    const found = this.found;
    let hitBlocks = 0;
    let prefix = true;
    for (let i = 0; i < blockCount; i++) {
      const node = this.find(keys[i]);
      if (node >= 0) {
        if (prefix) hitBlocks++;
        if (this.prev[node] === DETACHED) {
          found[i] = DETACHED; // the same key twice in one request: relink once
          continue;
        }
        this.unlink(node); // out of the list so the inserts below cannot evict it
        this.prev[node] = DETACHED;
      } else prefix = false;
      found[i] = node;
    }
    for (let i = blockCount - 1; i >= 0; i--) {
      const node = found[i];
      if (node >= 0) this.linkAtTail(node);
      else if (node === -1) this.insert(keys[i], blockTokens);
    }
    return hitBlocks;
  }

  /** Leading blocks cached, without changing anything. */
  peekHitBlocks(keys: Float64Array, blockCount: number): number {
    let i = 0;
    while (i < blockCount && this.find(keys[i]) >= 0) i++;
    return i;
  }

  private insert(key: number, blockTokens: number): void {
    if (blockTokens > this.capacityTokens) return;
    while (this.usedTokens + blockTokens > this.capacityTokens && this.head >= 0) this.evict(this.head);
    let node: number;
    if (this.freeNodes.length > 0) node = this.freeNodes.pop() as number;
    else {
      if (this.nodeCount === this.nodeKey.length) this.growNodes();
      node = this.nodeCount++;
    }
    this.nodeKey[node] = key;
    this.nodeTokens[node] = blockTokens;
    this.usedTokens += blockTokens;
    this.linkAtTail(node);
    if ((this.liveNodes + 1) * 2 > this.table.length) this.rehash(this.table.length * 2);
    let slot = hashKey(key) & this.mask;
    while (this.table[slot] !== 0) slot = (slot + 1) & this.mask;
    this.table[slot] = node + 1;
    this.liveNodes++;
  }

  private evict(node: number): void {
    this.unlink(node);
    this.usedTokens -= this.nodeTokens[node];
    this.tableDelete(node);
    this.freeNodes.push(node);
    this.liveNodes--;
  }

  private find(key: number): number {
    const table = this.table;
    const mask = this.mask;
    let slot = hashKey(key) & mask;
    for (;;) {
      const entry = table[slot];
      if (entry === 0) return -1;
      if (this.nodeKey[entry - 1] === key) return entry - 1;
      slot = (slot + 1) & mask;
    }
  }

  /** Linear-probing delete with backward shift, so lookups never need tombstones. */
  private tableDelete(node: number): void {
    const table = this.table;
    const mask = this.mask;
    let slot = hashKey(this.nodeKey[node]) & mask;
    while (table[slot] !== node + 1) slot = (slot + 1) & mask;
    let hole = slot;
    let probe = (hole + 1) & mask;
    for (;;) {
      const entry = table[probe];
      if (entry === 0) break;
      const home = hashKey(this.nodeKey[entry - 1]) & mask;
      // Move the entry back if its home is not in (hole, probe] cyclically.
      const inRange = hole <= probe ? home > hole && home <= probe : home > hole || home <= probe;
      if (!inRange) {
        table[hole] = entry;
        hole = probe;
      }
      probe = (probe + 1) & mask;
    }
    table[hole] = 0;
  }

  private rehash(size: number): void {
    const old = this.table;
    this.table = new Int32Array(size);
    this.mask = size - 1;
    for (let i = 0; i < old.length; i++) {
      const entry = old[i];
      if (entry === 0) continue;
      let slot = hashKey(this.nodeKey[entry - 1]) & this.mask;
      while (this.table[slot] !== 0) slot = (slot + 1) & this.mask;
      this.table[slot] = entry;
    }
  }

  private unlink(node: number): void {
    const p = this.prev[node];
    const n = this.next[node];
    if (p >= 0) this.next[p] = n;
    else this.head = n;
    if (n >= 0) this.prev[n] = p;
    else this.tail = p;
  }

  private linkAtTail(node: number): void {
    this.prev[node] = this.tail;
    this.next[node] = -1;
    if (this.tail >= 0) this.next[this.tail] = node;
    else this.head = node;
    this.tail = node;
  }

  private growNodes(): void {
    const n = this.nodeKey.length * 2;
    this.nodeKey = growF64(this.nodeKey, n);
    this.nodeTokens = growI32(this.nodeTokens, n);
    this.prev = growI32(this.prev, n);
    this.next = growI32(this.next, n);
  }
}

const DETACHED = -2;

/** Mixes an integer-valued double (< 2^53) into 32 bits (murmur3 finalizer). */
function hashKey(key: number): number {
  const lo = key >>> 0;
  const hi = (key / 4294967296) >>> 0;
  let h = lo ^ Math.imul(hi, 0x9e3779b1);
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}
