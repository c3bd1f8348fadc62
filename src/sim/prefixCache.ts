/**
 * The external KV cache of prompt prefixes: blocks keyed by chained hashes (a block's key names
 * everything before it, as Mooncake's hash_ids do), capacity in tokens (bytes / KV bytes per token),
 * least-recently-used eviction. A request's hit is the longest run of its leading blocks that are
 * cached.
 *
 * Blocks are kept as a radix tree of runs (SGLang's RadixAttention has the same shape): a node holds
 * consecutive blocks of one chain with one last-use time, and an index finds a node by its first key.
 * A request walks a few nodes and compares the rest of its keys in order, so a long conversation turn
 * costs a handful of index lookups rather than one random memory access per block. Nodes live in
 * typed arrays and their keys in one arena, so a day's worth of cached sessions is not millions of
 * objects for the garbage collector.
 *
 * Eviction is exactly block-level LRU where a request touches its blocks deepest first (so a prefix is
 * always more recent than its extensions): nodes sit in an LRU list, a node is always behind its
 * descendants, and the least recent node (a leaf) loses blocks from its end.
 */
export class PrefixCache {
  readonly capacityTokens: number;
  private usedTokens = 0;
  private liveBlocks = 0;
  /** First key of every node → node id. */
  private readonly starts = new KeyIndex();
  /** Nodes, by id, one cache line each: NODE_STRIDE int32 fields (PARENT, CHILDREN, ... below). */
  private nodes: Int32Array = new Int32Array(1024 * NODE_STRIDE);
  private nodeCount = 0;
  private freeIds: number[] = [];
  // Keys of all nodes: node i owns arena[keyStart[i], keyStart[i] + keyCapacity[i]).
  private arena: Float64Array;
  private arenaTop = 0;
  private arenaLive = 0;
  /** LRU list of nodes: head is least recently used. */
  private head = -1;
  private tail = -1;
  private clock = 0;
  /** Node ids on the current request's path, root first. */
  private path: Int32Array = new Int32Array(64);

  /**
   * @param capacityTokens tokens of KV the cache holds; Infinity for an unbounded cache.
   * @param initialArenaKeys starting size of the key arena (it grows and compacts itself).
   */
  constructor(capacityTokens: number, initialArenaKeys = 1 << 16) {
    if (!(capacityTokens >= 0)) throw new Error('PrefixCache: capacity must be ≥ 0');
    this.capacityTokens = capacityTokens;
    this.arena = new Float64Array(Math.max(16, initialArenaKeys));
  }

  get blocks(): number {
    return this.liveBlocks;
  }

  get tokens(): number {
    return this.usedTokens;
  }

  /**
   * Looks up a request's prefix and then stores all its blocks (the prefill writes them back).
   * Keys must be chained: equal keys always follow equal predecessors.
   * @returns the number of leading blocks that were already cached.
   */
  lookupAndInsert(keys: Float64Array, blockCount: number, blockTokens: number): number {
    const tokens = Math.max(1, blockTokens);
    const now = (this.clock = (this.clock + 1) | 0);
    let pathLength = 0;
    let matched = 0;
    let offset = 0; // blocks of the last path node that matched
    let node = blockCount > 0 ? this.starts.get(keys[0]) : -1;
    while (node >= 0 && this.nodes[node * NODE_STRIDE + BLOCK_TOKENS] === tokens) {
      offset = 0;
      const length = this.nodes[node * NODE_STRIDE + LENGTH];
      const base = this.nodes[node * NODE_STRIDE + KEY_START];
      const arena = this.arena;
      while (offset < length && matched < blockCount && arena[base + offset] === keys[matched]) {
        offset++;
        matched++;
      }
      if (pathLength === this.path.length) this.path = growInt32(this.path, pathLength * 2);
      this.path[pathLength++] = node;
      if (offset < length || matched === blockCount) break;
      const child = this.starts.get(keys[matched]);
      if (child < 0 || this.nodes[child * NODE_STRIDE + PARENT] !== node) break;
      node = child;
    }
    // Only the matched part of the last node is touched: split off the rest.
    let last = pathLength > 0 ? this.path[pathLength - 1] : -1;
    if (last >= 0 && offset < this.nodes[last * NODE_STRIDE + LENGTH]) {
      last = this.splitHead(last, offset);
      this.path[pathLength - 1] = last;
    }
    // Touch the path, deepest first, so each node ends up behind its descendants.
    for (let i = pathLength - 1; i >= 0; i--) {
      const n = this.path[i];
      this.nodes[n * NODE_STRIDE + LAST_USE] = now;
      this.unlink(n);
      this.linkAtTail(n);
    }
    if (matched < blockCount) this.insertRun(keys, matched, blockCount, tokens, last, now);
    return matched;
  }

  /** Leading blocks cached, without changing anything. */
  peekHitBlocks(keys: Float64Array, blockCount: number): number {
    let matched = 0;
    let node = blockCount > 0 ? this.starts.get(keys[0]) : -1;
    while (node >= 0) {
      let offset = 0;
      const base = this.nodes[node * NODE_STRIDE + KEY_START];
      while (offset < this.nodes[node * NODE_STRIDE + LENGTH] && matched < blockCount && this.arena[base + offset] === keys[matched]) {
        offset++;
        matched++;
      }
      if (offset < this.nodes[node * NODE_STRIDE + LENGTH] || matched === blockCount) break;
      const child = this.starts.get(keys[matched]);
      if (child < 0 || this.nodes[child * NODE_STRIDE + PARENT] !== node) break;
      node = child;
    }
    return matched;
  }

  /** Stores keys[from, to) below `parent` (-1: a new root), evicting older blocks for room. */
  private insertRun(keys: Float64Array, from: number, to: number, tokens: number, parent: number, now: number): void {
    // Room first: the path is at the tail now, so the head is older, and a leaf.
    let count = to - from;
    while (this.usedTokens + count * tokens > this.capacityTokens && this.head >= 0 && this.nodes[this.head * NODE_STRIDE + LAST_USE] !== now) {
      this.evictFromHead(this.usedTokens + count * tokens - this.capacityTokens);
    }
    const room = Math.floor((this.capacityTokens - this.usedTokens) / tokens);
    if (room < count) count = room; // smaller than one request: keep its leading blocks
    if (count <= 0) return;
    if (
      parent >= 0 &&
      this.nodes[parent * NODE_STRIDE + CHILDREN] === 0 &&
      this.nodes[parent * NODE_STRIDE + BLOCK_TOKENS] === tokens &&
      this.starts.get(this.arena[this.nodes[parent * NODE_STRIDE + KEY_START]]) === parent
    ) {
      // A leaf that this request extends (the next turn of a conversation): append in place.
      this.append(parent, keys, from, from + count);
    } else {
      const node = this.newNode(2 * count, tokens, parent, now); // room for the next turn to append
      const base = this.nodes[node * NODE_STRIDE + KEY_START];
      for (let i = 0; i < count; i++) this.arena[base + i] = keys[from + i];
      this.nodes[node * NODE_STRIDE + LENGTH] = count;
      if (parent >= 0) this.nodes[parent * NODE_STRIDE + CHILDREN]++;
      this.starts.set(keys[from], node);
      // Deeper than every node on the path, so evicted before them: link it in front of the path,
      // whose deepest node (the parent) was touched first.
      if (parent >= 0) this.linkBefore(node, parent);
      else this.linkAtTail(node);
    }
    this.usedTokens += count * tokens;
    this.liveBlocks += count;
  }

  /** Frees at least `neededTokens` (or the whole node) from the end of the least recent node. */
  private evictFromHead(neededTokens: number): void {
    const node = this.head;
    const blockTokens = this.nodes[node * NODE_STRIDE + BLOCK_TOKENS];
    const drop = Math.min(this.nodes[node * NODE_STRIDE + LENGTH], Math.ceil(neededTokens / blockTokens));
    this.nodes[node * NODE_STRIDE + LENGTH] -= drop;
    this.usedTokens -= drop * blockTokens;
    this.liveBlocks -= drop;
    if (this.nodes[node * NODE_STRIDE + LENGTH] > 0) return;
    this.unlink(node);
    const firstKey = this.arena[this.nodes[node * NODE_STRIDE + KEY_START]];
    if (this.starts.get(firstKey) === node) this.starts.delete(firstKey);
    const parent = this.nodes[node * NODE_STRIDE + PARENT];
    if (parent >= 0) this.nodes[parent * NODE_STRIDE + CHILDREN]--;
    this.arenaLive -= this.nodes[node * NODE_STRIDE + KEY_CAPACITY];
    this.nodes[node * NODE_STRIDE + KEY_CAPACITY] = 0;
    this.freeIds.push(node);
  }

  /**
   * Splits `node` after its first `headLength` blocks: a new node takes the head (and the node's
   * place under its parent); the original keeps the tail, its children and its place in the LRU list.
   */
  private splitHead(node: number, headLength: number): number {
    const head = this.newNode(headLength, this.nodes[node * NODE_STRIDE + BLOCK_TOKENS], this.nodes[node * NODE_STRIDE + PARENT], this.nodes[node * NODE_STRIDE + LAST_USE]);
    const from = this.nodes[node * NODE_STRIDE + KEY_START];
    const to = this.nodes[head * NODE_STRIDE + KEY_START];
    const arena = this.arena; // after newNode, which may move the arena
    for (let i = 0; i < headLength; i++) arena[to + i] = arena[from + i];
    this.nodes[head * NODE_STRIDE + LENGTH] = headLength;
    this.nodes[head * NODE_STRIDE + CHILDREN] = 1;
    arena.copyWithin(from, from + headLength, from + this.nodes[node * NODE_STRIDE + LENGTH]);
    this.nodes[node * NODE_STRIDE + LENGTH] -= headLength;
    this.nodes[node * NODE_STRIDE + PARENT] = head;
    this.starts.set(arena[to], head);
    this.starts.set(arena[from], node);
    this.linkAfter(head, node); // at least as recent as the tail
    return head;
  }

  private append(node: number, keys: Float64Array, from: number, to: number): void {
    const length = this.nodes[node * NODE_STRIDE + LENGTH];
    const needed = length + (to - from);
    if (needed > this.nodes[node * NODE_STRIDE + KEY_CAPACITY]) {
      const oldCapacity = this.nodes[node * NODE_STRIDE + KEY_CAPACITY];
      const start = this.allocateKeys(Math.max(needed, 2 * oldCapacity));
      this.arena.copyWithin(start, this.nodes[node * NODE_STRIDE + KEY_START], this.nodes[node * NODE_STRIDE + KEY_START] + length); // keyStart may have moved
      this.arenaLive -= oldCapacity;
      this.nodes[node * NODE_STRIDE + KEY_START] = start;
      this.nodes[node * NODE_STRIDE + KEY_CAPACITY] = Math.max(needed, 2 * oldCapacity);
    }
    const base = this.nodes[node * NODE_STRIDE + KEY_START] + length;
    for (let i = from; i < to; i++) this.arena[base + i - from] = keys[i];
    this.nodes[node * NODE_STRIDE + LENGTH] = needed;
  }

  private newNode(capacity: number, blockTokens: number, parent: number, lastUse: number): number {
    let id: number;
    if (this.freeIds.length > 0) id = this.freeIds.pop() as number;
    else {
      if ((this.nodeCount + 1) * NODE_STRIDE > this.nodes.length) this.growNodes();
      id = this.nodeCount++;
    }
    const keyCapacity = Math.max(4, capacity);
    this.nodes[id * NODE_STRIDE + KEY_CAPACITY] = 0; // not live while the arena may compact below
    const start = this.allocateKeys(keyCapacity);
    this.nodes[id * NODE_STRIDE + KEY_START] = start;
    this.nodes[id * NODE_STRIDE + KEY_CAPACITY] = keyCapacity;
    this.nodes[id * NODE_STRIDE + LENGTH] = 0;
    this.nodes[id * NODE_STRIDE + PARENT] = parent;
    this.nodes[id * NODE_STRIDE + CHILDREN] = 0;
    this.nodes[id * NODE_STRIDE + LAST_USE] = lastUse;
    this.nodes[id * NODE_STRIDE + PREV] = -1;
    this.nodes[id * NODE_STRIDE + NEXT] = -1;
    this.nodes[id * NODE_STRIDE + BLOCK_TOKENS] = blockTokens;
    return id;
  }

  /** Room for `capacity` keys at the arena's top; compacts (moving every node's keys) or grows first. */
  private allocateKeys(capacity: number): number {
    if (this.arenaTop + capacity > this.arena.length) {
      const needed = this.arenaLive + capacity;
      const size = needed * 2 > this.arena.length ? Math.max(this.arena.length * 2, needed * 2) : this.arena.length;
      const arena = new Float64Array(size);
      let top = 0;
      for (let id = 0; id < this.nodeCount; id++) {
        const cap = this.nodes[id * NODE_STRIDE + KEY_CAPACITY];
        if (cap === 0) continue;
        const start = this.nodes[id * NODE_STRIDE + KEY_START];
        for (let i = 0; i < this.nodes[id * NODE_STRIDE + LENGTH]; i++) arena[top + i] = this.arena[start + i];
        this.nodes[id * NODE_STRIDE + KEY_START] = top;
        top += cap;
      }
      this.arena = arena;
      this.arenaTop = top;
    }
    const start = this.arenaTop;
    this.arenaTop += capacity;
    this.arenaLive += capacity;
    return start;
  }

  private growNodes(): void {
    const nodes = new Int32Array(this.nodes.length * 2);
    nodes.set(this.nodes);
    this.nodes = nodes;
  }

  private unlink(node: number): void {
    const prev = this.nodes[node * NODE_STRIDE + PREV];
    const next = this.nodes[node * NODE_STRIDE + NEXT];
    if (prev >= 0) this.nodes[prev * NODE_STRIDE + NEXT] = next;
    else if (this.head === node) this.head = next;
    if (next >= 0) this.nodes[next * NODE_STRIDE + PREV] = prev;
    else if (this.tail === node) this.tail = prev;
    this.nodes[node * NODE_STRIDE + PREV] = -1;
    this.nodes[node * NODE_STRIDE + NEXT] = -1;
  }

  private linkAtTail(node: number): void {
    this.nodes[node * NODE_STRIDE + PREV] = this.tail;
    this.nodes[node * NODE_STRIDE + NEXT] = -1;
    if (this.tail >= 0) this.nodes[this.tail * NODE_STRIDE + NEXT] = node;
    else this.head = node;
    this.tail = node;
  }

  private linkBefore(node: number, before: number): void {
    const prev = this.nodes[before * NODE_STRIDE + PREV];
    this.nodes[node * NODE_STRIDE + NEXT] = before;
    this.nodes[node * NODE_STRIDE + PREV] = prev;
    if (prev >= 0) this.nodes[prev * NODE_STRIDE + NEXT] = node;
    else this.head = node;
    this.nodes[before * NODE_STRIDE + PREV] = node;
  }

  private linkAfter(node: number, after: number): void {
    const next = this.nodes[after * NODE_STRIDE + NEXT];
    this.nodes[node * NODE_STRIDE + PREV] = after;
    this.nodes[node * NODE_STRIDE + NEXT] = next;
    if (next >= 0) this.nodes[next * NODE_STRIDE + PREV] = node;
    else this.tail = node;
    this.nodes[after * NODE_STRIDE + NEXT] = node;
  }
}

// Node fields (int32). LAST_USE is the request clock, compared only for equality.
const NODE_STRIDE = 16;
const PARENT = 0;
const CHILDREN = 1;
const LAST_USE = 2;
const PREV = 3;
const NEXT = 4;
const LENGTH = 5;
const BLOCK_TOKENS = 6;
const KEY_START = 7;
const KEY_CAPACITY = 8;

function growInt32(a: Int32Array, n: number): Int32Array {
  const b = new Int32Array(n);
  b.set(a);
  return b;
}

/**
 * Integer-valued double keys (|key| < 2^53) → ids ≥ 0, open addressing with linear probing and
 * backward-shift deletion over typed arrays (a Map would box every key above 2^31).
 */
class KeyIndex {
  private keys = new Float64Array(1024);
  /** id + 1; 0 marks an empty slot. */
  private values = new Int32Array(1024);
  private mask = 1023;
  private size = 0;

  get(key: number): number {
    const keys = this.keys;
    const values = this.values;
    const mask = this.mask;
    let slot = hashKey(key) & mask;
    for (;;) {
      const value = values[slot];
      if (value === 0) return -1;
      if (keys[slot] === key) return value - 1;
      slot = (slot + 1) & mask;
    }
  }

  set(key: number, id: number): void {
    if ((this.size + 1) * 2 > this.values.length) this.grow();
    const mask = this.mask;
    let slot = hashKey(key) & mask;
    while (this.values[slot] !== 0) {
      if (this.keys[slot] === key) {
        this.values[slot] = id + 1;
        return;
      }
      slot = (slot + 1) & mask;
    }
    this.keys[slot] = key;
    this.values[slot] = id + 1;
    this.size++;
  }

  delete(key: number): void {
    const keys = this.keys;
    const values = this.values;
    const mask = this.mask;
    let hole = hashKey(key) & mask;
    for (;;) {
      if (values[hole] === 0) return;
      if (keys[hole] === key) break;
      hole = (hole + 1) & mask;
    }
    this.size--;
    let probe = (hole + 1) & mask;
    while (values[probe] !== 0) {
      const home = hashKey(keys[probe]) & mask;
      // The entry may move back unless its home lies cyclically in (hole, probe].
      const stays = hole <= probe ? home > hole && home <= probe : home > hole || home <= probe;
      if (!stays) {
        keys[hole] = keys[probe];
        values[hole] = values[probe];
        hole = probe;
      }
      probe = (probe + 1) & mask;
    }
    values[hole] = 0;
  }

  private grow(): void {
    const oldKeys = this.keys;
    const oldValues = this.values;
    this.keys = new Float64Array(oldKeys.length * 2);
    this.values = new Int32Array(oldValues.length * 2);
    this.mask = this.values.length - 1;
    this.size = 0;
    for (let i = 0; i < oldValues.length; i++) if (oldValues[i] !== 0) this.set(oldKeys[i], oldValues[i] - 1);
  }
}

/** Mixes an integer-valued double (|key| < 2^53) into 32 bits (murmur3 finalizer). */
function hashKey(key: number): number {
  const lo = key >>> 0;
  const hi = (key / 4294967296) >>> 0;
  let h = lo ^ Math.imul(hi, 0x9e3779b1);
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}
