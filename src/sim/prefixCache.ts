/**
 * The external KV cache of prompt prefixes: blocks keyed by chained hashes (a block's key already
 * names everything before it, as in Mooncake's hash_ids), capacity in tokens (bytes / KV bytes per
 * token), least-recently-used eviction. A request's hit is the longest run of its leading blocks that
 * are cached. Every operation is O(1) per block: an open-addressing hash table with keys stored inline
 * (one cache line per probe) and an intrusive doubly linked LRU list, both over typed arrays.
 */
export class PrefixCache {
  readonly capacityTokens: number;
  private usedTokens = 0;
  /**
   * Per node, in one cache line: [key, prev, next, tokens]; prev/next link the LRU list (head = least
   * recently used).
   */
  private nodes: Float64Array;
  private nodeCapacity: number;
  private nodeCount = 0;
  private freeNodes: Int32Array;
  private freeCount = 0;
  private head = -1;
  private tail = -1;
  /** Hash table, per slot [key, node + 1]; node + 1 = 0 marks an empty slot. */
  private table: Float64Array;
  private mask: number;
  private liveNodes = 0;
  /** Scratch for one request: node of each block, -1 missing, DETACHED for a repeated key. */
  private found: Int32Array = new Int32Array(64);

  /** @param capacityTokens tokens of KV the cache holds; Infinity for an unbounded cache. */
  constructor(capacityTokens: number) {
    if (!(capacityTokens >= 0)) throw new Error('PrefixCache: capacity must be ≥ 0');
    this.capacityTokens = capacityTokens;
    this.nodeCapacity = 1024;
    this.nodes = new Float64Array(4 * this.nodeCapacity);
    this.freeNodes = new Int32Array(this.nodeCapacity);
    this.table = new Float64Array(2 * 2048);
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
        if (this.nodes[4 * node + PREV] === DETACHED) {
          found[i] = DETACHED; // the same key twice in one request: relink once
          continue;
        }
        this.unlink(node); // out of the list so the inserts below cannot evict it
        this.nodes[4 * node + PREV] = DETACHED;
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
    if (this.freeCount > 0) node = this.freeNodes[--this.freeCount];
    else {
      if (this.nodeCount === this.nodeCapacity) this.growNodes();
      node = this.nodeCount++;
    }
    this.nodes[4 * node + KEY] = key;
    this.nodes[4 * node + TOKENS] = blockTokens;
    this.usedTokens += blockTokens;
    this.linkAtTail(node);
    if ((this.liveNodes + 1) * 4 > this.table.length) this.rehash(this.table.length); // load ≤ 1/2
    const table = this.table;
    let slot = hashKey(key) & this.mask;
    while (table[2 * slot + 1] !== 0) slot = (slot + 1) & this.mask;
    table[2 * slot] = key;
    table[2 * slot + 1] = node + 1;
    this.liveNodes++;
  }

  private evict(node: number): void {
    this.unlink(node);
    this.usedTokens -= this.nodes[4 * node + TOKENS];
    this.tableDelete(this.nodes[4 * node + KEY]);
    this.freeNodes[this.freeCount++] = node;
    this.liveNodes--;
  }

  private find(key: number): number {
    const table = this.table;
    const mask = this.mask;
    let slot = hashKey(key) & mask;
    for (;;) {
      const entry = table[2 * slot + 1];
      if (entry === 0) return -1;
      if (table[2 * slot] === key) return (entry - 1) | 0; // | 0: small-integer indices stay fast
      slot = (slot + 1) & mask;
    }
  }

  /** Linear-probing delete with backward shift, so lookups never need tombstones. */
  private tableDelete(key: number): void {
    const table = this.table;
    const mask = this.mask;
    let hole = hashKey(key) & mask;
    while (table[2 * hole] !== key || table[2 * hole + 1] === 0) hole = (hole + 1) & mask;
    let probe = (hole + 1) & mask;
    for (;;) {
      if (table[2 * probe + 1] === 0) break;
      const home = hashKey(table[2 * probe]) & mask;
      // Move the entry back if its home is not in (hole, probe] cyclically.
      const inRange = hole <= probe ? home > hole && home <= probe : home > hole || home <= probe;
      if (!inRange) {
        table[2 * hole] = table[2 * probe];
        table[2 * hole + 1] = table[2 * probe + 1];
        hole = probe;
      }
      probe = (probe + 1) & mask;
    }
    table[2 * hole] = 0;
    table[2 * hole + 1] = 0;
  }

  /** Doubles the table (its length is 2 × slots). */
  private rehash(oldLength: number): void {
    const old = this.table;
    const slots = oldLength; // twice the old slot count
    this.table = new Float64Array(2 * slots);
    this.mask = slots - 1;
    const table = this.table;
    for (let i = 0; i < old.length; i += 2) {
      if (old[i + 1] === 0) continue;
      let slot = hashKey(old[i]) & this.mask;
      while (table[2 * slot + 1] !== 0) slot = (slot + 1) & this.mask;
      table[2 * slot] = old[i];
      table[2 * slot + 1] = old[i + 1];
    }
  }

  private unlink(node: number): void {
    const nodes = this.nodes;
    const p = nodes[4 * node + PREV] | 0;
    const n = nodes[4 * node + NEXT] | 0;
    if (p >= 0) nodes[4 * p + NEXT] = n;
    else this.head = n;
    if (n >= 0) nodes[4 * n + PREV] = p;
    else this.tail = p;
  }

  private linkAtTail(node: number): void {
    const nodes = this.nodes;
    nodes[4 * node + PREV] = this.tail;
    nodes[4 * node + NEXT] = -1;
    if (this.tail >= 0) nodes[4 * this.tail + NEXT] = node;
    else this.head = node;
    this.tail = node;
  }

  private growNodes(): void {
    this.nodeCapacity *= 2;
    const nodes = new Float64Array(4 * this.nodeCapacity);
    nodes.set(this.nodes);
    this.nodes = nodes;
    const free = new Int32Array(this.nodeCapacity);
    free.set(this.freeNodes);
    this.freeNodes = free;
  }
}

const KEY = 0;
const PREV = 1;
const NEXT = 2;
const TOKENS = 3;
const DETACHED = -2;

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
