/**
 * The external KV cache of prompt prefixes: blocks keyed by chained hashes (a block's key names
 * everything before it, as Mooncake's hash_ids do), capacity in tokens (bytes / KV bytes per token),
 * least-recently-used eviction. A request's hit is the longest run of its leading blocks that are
 * cached.
 *
 * Blocks are kept as a radix tree of runs (SGLang's RadixAttention has the same shape): a node holds
 * consecutive blocks of one chain with one last-use time, and an index finds a node by its first key.
 * A request walks a few nodes and compares the rest of its keys in order, so a long conversation turn
 * costs a handful of index lookups rather than one random memory access per block.
 *
 * Eviction is exactly block-level LRU where a request touches its blocks deepest first (so a prefix is
 * always more recent than its extensions): nodes sit in an LRU order, a node is always behind its
 * descendants, and the least recent node (a leaf) loses blocks from its end.
 *
 * A day's cache holds millions of blocks, far more than the CPU caches, so what costs is the random
 * memory accesses per request, and the layout is chosen to need few, and small:
 * - a node is a 32-byte record (two to a cache line): its fields and its first key;
 * - a run whose keys step evenly (key i = first + step·i, as session and system-prompt blocks are
 *   numbered) is just that; other runs are spelled out in a key arena;
 * - an index slot is 8 bytes, the key's hash and the node id (the key itself is the node's first key);
 * - the LRU order is a ring of node ids where a touch appends the node and leaves a tombstone at its
 *   previous place (a linked list would touch both neighbours); an entry also holds the hash of the
 *   node's first key, so that evicting it reads its index slot alongside its record, not after.
 * Typed arrays throughout, so the cache is not millions of objects for the garbage collector.
 */
export class PrefixCache {
  readonly capacityTokens: number;
  private usedTokens = 0;
  private liveBlocks = 0;
  /** Node records, by id: int32 fields (PARENT, ... below) and, over the same buffer, float64 first keys. */
  private nodeFields: Int32Array;
  private nodeKeys: Float64Array;
  private nodeCount = 0;
  private liveNodes = 0;
  /** Free node ids, linked through their PARENT field; -1 ends the list. */
  private freeHead = -1;
  /**
   * First key of every node → node id: open addressing with linear probing and backward-shift
   * deletion; slot s holds the key's hash at [2s] and id + 1 at [2s + 1] (0: empty).
   */
  private index: Int32Array = new Int32Array(2 * 1024);
  private indexMask = 1023;
  private indexSize = 0;
  /** The largest key ever added: a larger one (a new session's, say) is known absent without a probe. */
  private maxKey = -Infinity;
  /**
   * Additions not yet in the index, oldest first: new nodes' slots are random cache misses, and
   * a batch of them is fetched together rather than one by one.
   */
  private pendingKeys = new Float64Array(PENDING);
  private pendingHashes = new Int32Array(PENDING);
  private pendingNodes = new Int32Array(PENDING);
  private pendingCount = 0;
  /** Spelled-out runs: a run at arena position p has its capacity at [p] and its keys from [p + 1]. */
  private arena: Float64Array;
  private arenaTop = 0;
  private arenaLive = 0;
  /**
   * LRU order, least recent first: entries (ringFront + i) & ringMask for i < ringCount, entry e a
   * node id (or TOMBSTONE) at ring[2e] and its first key's hash at ring[2e + 1]. Every live node has
   * exactly one entry, at its RING_POS.
   */
  private ring: Int32Array = new Int32Array(2 * 1024);
  private ringMask = 1023;
  private ringFront = 0;
  private ringCount = 0;
  /** Node ids on the current request's path, root first, and their first keys' hashes. */
  private path: Int32Array = new Int32Array(64);
  private pathHashes: Int32Array = new Int32Array(64);
  /** What flushPending read, kept so that the reads are not optimized away. */
  private sink = 0;
  /** A node's keys while it is split. */
  private scratch: Float64Array = new Float64Array(64);

  /**
   * @param capacityTokens tokens of KV the cache holds; Infinity for an unbounded cache.
   * @param initialArenaKeys starting size of the key arena (it grows and compacts itself).
   */
  constructor(capacityTokens: number, initialArenaKeys = 1 << 16) {
    if (!(capacityTokens >= 0)) throw new Error('PrefixCache: capacity must be ≥ 0');
    this.capacityTokens = capacityTokens;
    this.arena = new Float64Array(Math.max(16, initialArenaKeys));
    const buffer = new ArrayBuffer(1024 * NODE_BYTES);
    this.nodeFields = new Int32Array(buffer);
    this.nodeKeys = new Float64Array(buffer);
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
    const fields = this.nodeFields;
    let path = this.path;
    let pathLength = 0;
    let matched = 0;
    let offset = 0; // blocks of the last path node that matched
    let hash = blockCount > 0 ? hashKey(keys[0]) : 0;
    let node = blockCount > 0 ? this.find(keys, 0, hash) : -1;
    while (node >= 0 && fields[node * NODE_INTS + BLOCK_TOKENS] === tokens) {
      const length = fields[node * NODE_INTS + LENGTH];
      offset = this.matchRun(node, length, keys, matched, blockCount);
      matched += offset;
      if (pathLength === path.length) {
        this.path = path = growInt32(path, pathLength * 2);
        this.pathHashes = growInt32(this.pathHashes, pathLength * 2);
      }
      this.pathHashes[pathLength] = hash;
      path[pathLength++] = node;
      // A leaf (a conversation's last turn, usually) has no child to look for: skip the probe.
      if (offset < length || matched === blockCount || fields[node * NODE_INTS + CHILDREN] === 0) break;
      hash = hashKey(keys[matched]);
      const child = this.find(keys, matched, hash);
      if (child < 0 || fields[child * NODE_INTS + PARENT] !== node) break;
      node = child;
    }
    // Only the matched part of the last node is touched: split off the rest.
    let last = pathLength > 0 ? path[pathLength - 1] : -1;
    let split = false;
    if (last >= 0 && offset < fields[last * NODE_INTS + LENGTH]) {
      last = this.splitHead(last, offset);
      path[pathLength - 1] = last;
      split = true;
    }
    if (pathLength > 0) this.touchPath(pathLength);
    if (matched < blockCount) this.insertRun(keys, matched, blockCount, tokens, last, pathLength, split);
    return matched;
  }

  /** Leading blocks cached, without changing anything. */
  peekHitBlocks(keys: Float64Array, blockCount: number): number {
    const fields = this.nodeFields;
    let matched = 0;
    let node = blockCount > 0 ? this.find(keys, 0, hashKey(keys[0])) : -1;
    while (node >= 0) {
      const length = fields[node * NODE_INTS + LENGTH];
      const offset = this.matchRun(node, length, keys, matched, blockCount);
      matched += offset;
      if (offset < length || matched === blockCount || fields[node * NODE_INTS + CHILDREN] === 0) break;
      const child = this.find(keys, matched, hashKey(keys[matched]));
      if (child < 0 || fields[child * NODE_INTS + PARENT] !== node) break;
      node = child;
    }
    return matched;
  }

  /** How many of the node's leading keys equal keys[from, blockCount), in order. */
  private matchRun(node: number, length: number, keys: Float64Array, from: number, blockCount: number): number {
    const most = length < blockCount - from ? length : blockCount - from;
    const run = this.nodeFields[node * NODE_INTS + RUN];
    let offset = 0;
    if (run < SPELLED) {
      const first = this.nodeKeys[node * NODE_KEYS + FIRST_KEY];
      while (offset < most && keys[from + offset] === first + run * offset) offset++;
    } else {
      const arena = this.arena;
      const base = run - SPELLED + 1;
      while (offset < most && arena[base + offset] === keys[from + offset]) offset++;
    }
    return offset;
  }

  /**
   * Makes the path the most recent nodes, deepest first, so each node ends up behind its descendants:
   * appends each to the ring and leaves a tombstone where it was.
   */
  private touchPath(pathLength: number): void {
    const path = this.path;
    const hashes = this.pathHashes;
    const fields = this.nodeFields;
    for (let i = pathLength - 1; i >= 0; i--) {
      const node = path[i];
      const previous = fields[node * NODE_INTS + RING_POS];
      if (previous >= 0) this.ring[2 * previous] = TOMBSTONE;
      if (this.ringCount === this.ringMask + 1) this.compactRing();
      const position = (this.ringFront + this.ringCount) & this.ringMask;
      this.ring[2 * position] = node;
      this.ring[2 * position + 1] = hashes[i];
      fields[node * NODE_INTS + RING_POS] = position;
      this.ringCount++;
    }
  }

  /** Makes a new node the most recent. */
  private linkAtEnd(node: number, hash: number): void {
    if (this.ringCount === this.ringMask + 1) this.compactRing();
    const position = (this.ringFront + this.ringCount) & this.ringMask;
    this.ring[2 * position] = node;
    this.ring[2 * position + 1] = hash;
    this.nodeFields[node * NODE_INTS + RING_POS] = position;
    this.ringCount++;
  }

  /** Puts a new node just before the ring's last `after` entries (the path, just touched). */
  private linkBeforeLast(node: number, hash: number, after: number): void {
    if (this.ringCount === this.ringMask + 1) this.compactRing();
    const ring = this.ring;
    const fields = this.nodeFields;
    const mask = this.ringMask;
    let position = (this.ringFront + this.ringCount) & mask;
    for (let i = 0; i < after; i++) {
      const from = (position - 1) & mask;
      const moved = ring[2 * from];
      ring[2 * position] = moved;
      ring[2 * position + 1] = ring[2 * from + 1];
      fields[moved * NODE_INTS + RING_POS] = position;
      position = from;
    }
    ring[2 * position] = node;
    ring[2 * position + 1] = hash;
    fields[node * NODE_INTS + RING_POS] = position;
    this.ringCount++;
  }

  /**
   * Drops the tombstones, in place while live entries fill at most a quarter of the ring (so a
   * compaction, which rewrites every live node's RING_POS, comes at most once per three touches per
   * node), else into a larger ring.
   */
  private compactRing(): void {
    const old = this.ring;
    const oldMask = this.ringMask;
    let size = oldMask + 1;
    while (this.liveNodes * 4 > size) size *= 2;
    const ring = size > oldMask + 1 ? new Int32Array(2 * size) : old;
    const fields = this.nodeFields;
    let write = ring === old ? this.ringFront : 0;
    const writeStart = write;
    const writeMask = size - 1;
    for (let i = 0, read = this.ringFront; i < this.ringCount; i++, read = (read + 1) & oldMask) {
      const node = old[2 * read];
      if (node === TOMBSTONE) continue;
      ring[2 * write] = node;
      ring[2 * write + 1] = old[2 * read + 1];
      fields[node * NODE_INTS + RING_POS] = write;
      write = (write + 1) & writeMask;
    }
    this.ring = ring;
    this.ringMask = writeMask;
    this.ringFront = writeStart;
    this.ringCount = (write - writeStart) & writeMask; // live entries are fewer than the ring's size
  }

  /**
   * Stores keys[from, to) below `parent` (-1: a new root; else the last of the `pathLength` nodes the
   * request walked, `split` off a longer node), evicting older blocks for room.
   */
  private insertRun(keys: Float64Array, from: number, to: number, tokens: number, parent: number, pathLength: number, split: boolean): void {
    // Room first: the path is at the ring's end now, so the least recent node is older, and a leaf.
    let count = to - from;
    if (this.usedTokens + count * tokens > this.capacityTokens) this.evict(count * tokens, pathLength);
    const room = Math.floor((this.capacityTokens - this.usedTokens) / tokens);
    if (room < count) count = room; // smaller than one request: keep its leading blocks
    if (count <= 0) return;
    // A leaf on the path has this request's block size and is its first key's node in the index,
    // unless its split-off tail starts with the same key (keys that are not chained).
    if (
      parent >= 0 &&
      this.nodeFields[parent * NODE_INTS + CHILDREN] === 0 &&
      (!split || this.isIndexed(parent))
    ) {
      // A leaf that this request extends (the next turn of a conversation): append in place.
      this.append(parent, keys, from, from + count);
    } else {
      const node = this.newNode(keys, from, from + count, 2 * count, tokens, parent); // room for the next turn
      if (parent >= 0) this.nodeFields[parent * NODE_INTS + CHILDREN]++;
      const hash = hashKey(keys[from]);
      this.indexAdd(keys, from, hash, node);
      // Deeper than every node on the path, so evicted before them: in front of the path, whose
      // deepest node (the parent) was touched first.
      if (parent >= 0) this.linkBeforeLast(node, hash, pathLength);
      else this.linkAtEnd(node, hash);
    }
    this.usedTokens += count * tokens;
    this.liveBlocks += count;
  }

  /**
   * Evicts blocks, least recent first, until `tokens` more fit or only the request's `pathLength`
   * nodes (the ring's last entries) are left. The least recent node loses blocks from its end, at
   * least those still needed, or all.
   */
  private evict(tokens: number, pathLength: number): void {
    const fields = this.nodeFields;
    const ring = this.ring;
    const mask = this.ringMask;
    const index = this.index;
    const indexMask = this.indexMask;
    const capacity = this.capacityTokens;
    let used = this.usedTokens;
    let blocks = this.liveBlocks;
    let front = this.ringFront;
    let count = this.ringCount;
    do {
      while (count > pathLength && ring[2 * front] === TOMBSTONE) {
        front = (front + 1) & mask;
        count--;
      }
      if (count <= pathLength) break;
      const node = ring[2 * front];
      const hash = ring[2 * front + 1];
      // Read the node's index slot (where it most likely is) at once, while its record is on the way.
      const home = hash & indexMask;
      const atHome = index[2 * home + 1] === node + 1;
      const at = node * NODE_INTS;
      const blockTokens = fields[at + BLOCK_TOKENS];
      const length = fields[at + LENGTH];
      const drop = Math.min(length, Math.ceil((used + tokens - capacity) / blockTokens));
      fields[at + LENGTH] = length - drop;
      used -= drop * blockTokens;
      blocks -= drop;
      if (drop === length) {
        ring[2 * front] = TOMBSTONE;
        front = (front + 1) & mask;
        count--;
        this.free(node, hash, atHome ? home : -1);
      }
    } while (used + tokens > capacity);
    this.usedTokens = used;
    this.liveBlocks = blocks;
    this.ringFront = front;
    this.ringCount = count;
  }

  /** Forgets an evicted node (out of the ring already) whose first key hashes to `hash`, with its index slot if known. */
  private free(node: number, hash: number, slot: number): void {
    if (this.isPending(node)) {
      this.flushPending();
      slot = -1; // the index may have grown
    }
    const fields = this.nodeFields;
    const at = node * NODE_INTS;
    this.indexDelete(hash, node, slot);
    const parent = fields[at + PARENT];
    if (parent >= 0) fields[parent * NODE_INTS + CHILDREN]--;
    const run = fields[at + RUN];
    if (run >= SPELLED) this.arenaLive -= this.arena[run - SPELLED] + 1;
    fields[at + RUN] = FREE;
    fields[at + PARENT] = this.freeHead;
    this.freeHead = node;
    this.liveNodes--;
  }

  /**
   * Splits `node` after its first `headLength` blocks: a new node takes the head (and the node's
   * place under its parent); the original keeps the tail, its children and its place in the LRU order.
   * The caller touches the head.
   */
  private splitHead(node: number, headLength: number): number {
    this.flushPending(); // whose index slots are found through their nodes' first keys
    const length = this.nodeFields[node * NODE_INTS + LENGTH];
    if (this.scratch.length < length) this.scratch = new Float64Array(2 * length);
    const keys = this.scratch;
    for (let i = 0; i < length; i++) keys[i] = this.keyAt(node, i);
    const head = this.newNode(keys, 0, headLength, headLength, this.nodeFields[node * NODE_INTS + BLOCK_TOKENS], this.nodeFields[node * NODE_INTS + PARENT]);
    this.indexSet(keys, 0, hashKey(keys[0]), head); // while the node still starts with that key, so its slot is found
    this.setKeys(node, keys, headLength, length);
    const fields = this.nodeFields; // after newNode, which may grow the records
    fields[head * NODE_INTS + CHILDREN] = 1;
    fields[node * NODE_INTS + LENGTH] = length - headLength;
    fields[node * NODE_INTS + PARENT] = head;
    const tailHash = hashKey(keys[headLength]);
    this.indexSet(keys, headLength, tailHash, node);
    this.ring[2 * fields[node * NODE_INTS + RING_POS] + 1] = tailHash;
    return head;
  }

  private append(node: number, keys: Float64Array, from: number, to: number): void {
    const fields = this.nodeFields;
    const at = node * NODE_INTS;
    const length = fields[at + LENGTH];
    const needed = length + (to - from);
    let run = fields[at + RUN];
    if (run < SPELLED) {
      // A one-key run takes the step of its continuation.
      const first = this.nodeKeys[node * NODE_KEYS + FIRST_KEY];
      const step = length === 1 ? stepOf(first, keys[from]) : run;
      if (step !== 0 && continues(first, step, length, keys, from, to)) {
        fields[at + RUN] = step;
        fields[at + LENGTH] = needed;
        return;
      }
      run = this.spellOut(node, length, 2 * needed); // with room for the next turn
    }
    let start = run - SPELLED;
    const capacity = this.arena[start];
    if (needed > capacity) {
      // Double the room, as a fresh node with room for its next turn would have.
      const moved = this.allocateKeys(Math.max(needed, 2 * capacity));
      start = fields[at + RUN] - SPELLED; // after allocateKeys, which may compact
      this.arena.copyWithin(moved + 1, start + 1, start + 1 + length);
      this.arenaLive -= capacity + 1;
      fields[at + RUN] = SPELLED + moved;
      start = moved;
    }
    const arena = this.arena;
    const base = start + 1 + length - from;
    for (let i = from; i < to; i++) arena[base + i] = keys[i];
    fields[at + LENGTH] = needed;
  }

  /** Spells out a stepping run of `length` keys, with room for `capacity`; returns its new RUN. */
  private spellOut(node: number, length: number, capacity: number): number {
    const first = this.nodeKeys[node * NODE_KEYS + FIRST_KEY];
    const step = this.nodeFields[node * NODE_INTS + RUN];
    const start = this.allocateKeys(capacity); // the node's RUN is a step, so a compaction skips it
    const arena = this.arena;
    for (let i = 0; i < length; i++) arena[start + 1 + i] = first + step * i;
    this.nodeFields[node * NODE_INTS + RUN] = SPELLED + start;
    return SPELLED + start;
  }

  /** Makes keys[from, to) the node's keys, stepping if they do, else spelled out. */
  private setKeys(node: number, keys: Float64Array, from: number, to: number): void {
    const at = node * NODE_INTS;
    const count = to - from;
    const step = stepOfRun(keys, from, to);
    let run = this.nodeFields[at + RUN];
    this.nodeKeys[node * NODE_KEYS + FIRST_KEY] = keys[from];
    if (run >= SPELLED && (step !== 0 || this.arena[run - SPELLED] < count)) {
      this.arenaLive -= this.arena[run - SPELLED] + 1;
      this.nodeFields[at + RUN] = run = FREE; // nothing to keep if the arena compacts below
    }
    if (step !== 0) {
      this.nodeFields[at + RUN] = step;
      return;
    }
    if (run < SPELLED) this.nodeFields[at + RUN] = run = SPELLED + this.allocateKeys(count);
    const arena = this.arena;
    const base = run - SPELLED + 1;
    for (let i = 0; i < count; i++) arena[base + i] = keys[from + i];
  }

  private keyAt(node: number, i: number): number {
    const run = this.nodeFields[node * NODE_INTS + RUN];
    return run < SPELLED ? this.nodeKeys[node * NODE_KEYS + FIRST_KEY] + run * i : this.arena[run - SPELLED + 1 + i];
  }

  /**
   * A node holding keys[from, to), not yet in the ring or the index; `keyCapacity` is the room it
   * gets if its keys must be spelled out.
   */
  private newNode(keys: Float64Array, from: number, to: number, keyCapacity: number, blockTokens: number, parent: number): number {
    let id = this.freeHead;
    if (id >= 0) this.freeHead = this.nodeFields[id * NODE_INTS + PARENT];
    else {
      if ((this.nodeCount + 1) * NODE_INTS > this.nodeFields.length) this.growNodes();
      id = this.nodeCount++;
    }
    this.liveNodes++;
    const step = stepOfRun(keys, from, to);
    // A free or fresh record's RUN is FREE, so an arena compaction in allocateKeys skips it.
    const run = step !== 0 ? step : SPELLED + this.allocateKeys(keyCapacity);
    const fields = this.nodeFields;
    const at = id * NODE_INTS;
    fields[at + PARENT] = parent;
    fields[at + CHILDREN] = 0;
    fields[at + RING_POS] = -1;
    fields[at + LENGTH] = to - from;
    fields[at + BLOCK_TOKENS] = blockTokens;
    fields[at + RUN] = run;
    this.nodeKeys[id * NODE_KEYS + FIRST_KEY] = keys[from];
    if (step === 0) {
      const arena = this.arena;
      const base = run - SPELLED + 1 - from;
      for (let i = from; i < to; i++) arena[base + i] = keys[i];
    }
    return id;
  }

  /**
   * Room for `capacity` keys (and their count) at the arena's top; compacts (moving every spelled-out
   * run) or grows first. Returns where the count is.
   */
  private allocateKeys(capacity: number): number {
    if (this.arenaTop + capacity + 1 > this.arena.length) {
      const needed = this.arenaLive + capacity + 1;
      const size = needed * 2 > this.arena.length ? Math.max(this.arena.length * 2, needed * 2) : this.arena.length;
      const old = this.arena;
      const arena = new Float64Array(size);
      const fields = this.nodeFields;
      let top = 0;
      for (let at = 0, end = this.nodeCount * NODE_INTS; at < end; at += NODE_INTS) {
        const run = fields[at + RUN];
        if (run < SPELLED) continue;
        const start = run - SPELLED;
        const room = old[start];
        arena[top] = room;
        for (let i = 1, used = fields[at + LENGTH]; i <= used; i++) arena[top + i] = old[start + i];
        fields[at + RUN] = SPELLED + top;
        top += room + 1;
      }
      this.arena = arena;
      this.arenaTop = top;
    }
    const start = this.arenaTop;
    this.arena[start] = capacity;
    this.arenaTop += capacity + 1;
    this.arenaLive += capacity + 1;
    return start;
  }

  private growNodes(): void {
    const buffer = new ArrayBuffer(this.nodeFields.byteLength * 2);
    const fields = new Int32Array(buffer);
    fields.set(this.nodeFields);
    this.nodeFields = fields;
    this.nodeKeys = new Float64Array(buffer);
  }

  /** Whether the index finds `node` by its first key. */
  private isIndexed(node: number): boolean {
    const at = node * NODE_KEYS + FIRST_KEY;
    return this.find(this.nodeKeys, at, hashKey(this.nodeKeys[at])) === node;
  }

  /**
   * The node whose first key is `key` = keys[at] (which hashes to `hash`), or -1. Keys are passed as
   * an array and a position, here and below: a double argument to a call V8 does not inline is boxed.
   */
  private find(keys: Float64Array, at: number, hash: number): number {
    const key = keys[at];
    if (key > this.maxKey) return -1;
    for (let i = this.pendingCount - 1; i >= 0; i--) if (this.pendingKeys[i] === key) return this.pendingNodes[i];
    const index = this.index;
    const mask = this.indexMask;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const id = index[2 * slot + 1];
      if (id === 0) return -1;
      if (index[2 * slot] === hash && this.nodeKeys[(id - 1) * NODE_KEYS + FIRST_KEY] === key) return id - 1;
    }
  }

  /** Makes `node` the node of keys[at] (which hashes to `hash`), replacing any other, soon. */
  private indexAdd(keys: Float64Array, at: number, hash: number, node: number): void {
    const key = keys[at];
    if (key > this.maxKey) this.maxKey = key;
    const i = this.pendingCount++;
    this.pendingKeys[i] = key;
    this.pendingHashes[i] = hash;
    this.pendingNodes[i] = node;
    if (this.pendingCount === PENDING) this.flushPending();
  }

  private isPending(node: number): boolean {
    for (let i = 0; i < this.pendingCount; i++) if (this.pendingNodes[i] === node) return true;
    return false;
  }

  /** Puts the pending additions into the index, in order. */
  private flushPending(): void {
    const count = this.pendingCount;
    if (count === 0) return;
    // Read every home slot first: the misses overlap instead of following one another.
    const index = this.index;
    const mask = this.indexMask;
    let sink = 0;
    for (let i = 0; i < count; i++) sink |= index[2 * (this.pendingHashes[i] & mask) + 1];
    this.sink = sink;
    for (let i = 0; i < count; i++) this.indexSet(this.pendingKeys, i, this.pendingHashes[i], this.pendingNodes[i]);
    this.pendingCount = 0;
  }

  /** Makes `node` the node of keys[at] (which hashes to `hash`), replacing any other. */
  private indexSet(keys: Float64Array, at: number, hash: number, node: number): void {
    const key = keys[at];
    if (key > this.maxKey) this.maxKey = key;
    if ((this.indexSize + 1) * 4 > (this.indexMask + 1) * 3) this.growIndex();
    const index = this.index;
    const mask = this.indexMask;
    let slot = hash & mask;
    for (; ; slot = (slot + 1) & mask) {
      const id = index[2 * slot + 1];
      if (id === 0) break;
      if (index[2 * slot] === hash && this.nodeKeys[(id - 1) * NODE_KEYS + FIRST_KEY] === key) {
        index[2 * slot + 1] = node + 1;
        return;
      }
    }
    index[2 * slot] = hash;
    index[2 * slot + 1] = node + 1;
    this.indexSize++;
  }

  /**
   * Removes the node's first key (which hashes to `hash`) from the index if it names the node (a node
   * sits only under its first key); `slot` is where, if known, else -1.
   */
  private indexDelete(hash: number, node: number, slot: number): void {
    const index = this.index;
    const mask = this.indexMask;
    let hole = slot >= 0 ? slot : hash & mask;
    for (; ; hole = (hole + 1) & mask) {
      const id = index[2 * hole + 1];
      if (id === 0) return;
      if (id === node + 1) break;
    }
    this.indexSize--;
    for (let probe = (hole + 1) & mask; index[2 * probe + 1] !== 0; probe = (probe + 1) & mask) {
      const home = index[2 * probe] & mask;
      // The entry may move back unless its home lies cyclically in (hole, probe].
      const stays = hole <= probe ? home > hole && home <= probe : home > hole || home <= probe;
      if (!stays) {
        index[2 * hole] = index[2 * probe];
        index[2 * hole + 1] = index[2 * probe + 1];
        hole = probe;
      }
    }
    index[2 * hole + 1] = 0;
  }

  private growIndex(): void {
    const old = this.index;
    const slots = 2 * (this.indexMask + 1);
    const index = new Int32Array(2 * slots);
    const mask = slots - 1;
    for (let i = 0; i < old.length; i += 2) {
      if (old[i + 1] === 0) continue;
      let slot = old[i] & mask;
      while (index[2 * slot + 1] !== 0) slot = (slot + 1) & mask;
      index[2 * slot] = old[i];
      index[2 * slot + 1] = old[i + 1];
    }
    this.index = index;
    this.indexMask = mask;
  }
}

// A node record: NODE_BYTES, int32 fields at [id * NODE_INTS + field], first key at [id * NODE_KEYS + FIRST_KEY].
const NODE_BYTES = 32;
const NODE_INTS = NODE_BYTES / 4;
const NODE_KEYS = NODE_BYTES / 8;
const PARENT = 0;
const CHILDREN = 1;
/** The node's entry in the LRU ring, -1 while it has none. */
const RING_POS = 2;
const LENGTH = 3;
const BLOCK_TOKENS = 4;
/**
 * How the run's keys are kept: a step (nonzero, |step| ≤ MAX_STEP) when key i is exactly
 * first + step·i, else SPELLED + the arena position of its keys; FREE for a free record.
 */
const RUN = 5;
const FIRST_KEY = 3; // float64 index in the record: bytes 24-31
const MAX_STEP = 1 << 20;
const SPELLED = 1 << 21;
const FREE = 0;
const TOMBSTONE = -1;
/** Index additions batched together. */
const PENDING = 16;

/** The step from `first` to `next` if it is a whole number in [-MAX_STEP, MAX_STEP] that gives `next` exactly, else 0. */
function stepOf(first: number, next: number): number {
  const step = next - first;
  return step === (step | 0) && step >= -MAX_STEP && step <= MAX_STEP && first + step === next ? step : 0;
}

/** The step of keys[from, to) if key i is exactly keys[from] + step·i, else 0. */
function stepOfRun(keys: Float64Array, from: number, to: number): number {
  if (to - from < 2) return 1; // any step describes one key
  const step = stepOf(keys[from], keys[from + 1]);
  return step !== 0 && continues(keys[from], step, 2, keys, from + 2, to) ? step : 0;
}

/** Whether keys[from, to) are keys length, length + 1, ... of the run first + step·i. */
function continues(first: number, step: number, length: number, keys: Float64Array, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (keys[i] !== first + step * (length + i - from)) return false;
  return true;
}

function growInt32(a: Int32Array, n: number): Int32Array {
  const b = new Int32Array(n);
  b.set(a);
  return b;
}

/** Mixes an integer-valued double (|key| < 2^53) into 32 bits (murmur3 finalizer). */
function hashKey(key: number): number {
  const lo = key >>> 0;
  const hi = (key / 4294967296) >>> 0;
  let h = lo ^ Math.imul(hi, 0x9e3779b1);
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return h ^ (h >>> 16);
}
