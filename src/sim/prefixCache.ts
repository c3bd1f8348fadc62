/**
 * The external KV cache of prompt prefixes: blocks keyed by chained hashes (a block's key names
 * everything before it, as Mooncake's hash_ids do), capacity in tokens (bytes / KV bytes per token),
 * least-recently-used eviction. A request's hit is the longest run of its leading blocks that are
 * cached.
 *
 * Blocks are kept as a radix tree of runs (SGLang's RadixAttention has the same shape): a node holds
 * consecutive blocks of one chain with one last-use time, and a node is found by its first key.
 * A request walks a few nodes and compares the rest of its keys in order, so a long conversation turn
 * costs a handful of lookups rather than one random memory access per block.
 *
 * Eviction is exactly block-level LRU where a request touches its blocks deepest first (so a prefix is
 * always more recent than its extensions): nodes sit in an LRU order, a node is always behind its
 * descendants, and the least recent node (a leaf) loses blocks from its end.
 *
 * A day's cache holds millions of blocks, far more than the CPU caches, so what costs is the random
 * memory accesses per request, and the layout is chosen to need few:
 * - the nodes are the slots of a hash table keyed by their first keys (open addressing, linear
 *   probing from the first record of a cache line), and a node's id is its slot: a lookup is one
 *   cache miss, as its 32-byte record holds the key it is compared by and all that the walk reads;
 * - ids stay put (the LRU ring, children and the path hold them): a removed node leaves a deleted
 *   slot, which probes pass and the next insertion on its probe path takes (Bender, Kuszmaul and
 *   Kuszmaul, "Linear Probing Revisited: Tombstones Mark the Demise of Primary Clustering", 2021);
 *   when used and deleted slots reach 3/4 of the table it is rebuilt, in place or twice as large,
 *   and every stored id is renumbered;
 * - a split's tail keeps its record (so its children and its ring entry need no change) but not the
 *   first key its slot was found by, which the head takes: the tail's keys are spelled out, its
 *   record has no key, and an alias record (key → node) finds it. Splits are rare, and aliases with
 *   them. A node whose first key another node took over (one of another block size) is left the
 *   same way, without an alias: lookups no longer find it;
 * - a run whose keys step evenly (key i = first + step·i, as session and system-prompt blocks are
 *   numbered) is just that; other runs are spelled out in a key arena;
 * - the LRU order is a ring of node ids where a touch appends the node and leaves a tombstone at its
 *   previous place (a linked list would touch both neighbours).
 * Typed arrays throughout, so the cache is not millions of objects for the garbage collector.
 */
export class PrefixCache {
  readonly capacityTokens: number;
  private usedTokens = 0;
  private liveBlocks = 0;
  /**
   * The node table: slot s holds int32 fields (PARENT, ... below) at [s * NODE_INTS + field] and,
   * over the same buffer, its key at [s * NODE_KEYS + KEY] (NaN when it matches no lookup).
   */
  private fields: Int32Array = new Int32Array(0);
  private slotKeys: Float64Array = new Float64Array(0);
  private slotMask = 0;
  /** Slots holding nodes or aliases, and slots deleted since the last rebuild. */
  private usedSlots = 0;
  private deletedSlots = 0;
  private liveNodes = 0;
  /** The largest key ever added: a larger one (a new session's, say) is known absent without a probe. */
  private maxKey = -Infinity;
  /** Spelled-out runs: a run at arena position p has its capacity at [p] and its keys from [p + 1]. */
  private arena: Float64Array;
  private arenaTop = 0;
  private arenaLive = 0;
  /**
   * LRU order, least recent first: entries (ringFront + i) & ringMask for i < ringCount, each a node
   * id or TOMBSTONE. Every live node has exactly one entry, at its RING_POS.
   */
  private ring: Int32Array = new Int32Array(1024);
  private ringMask = 1023;
  private ringFront = 0;
  private ringCount = 0;
  /** Node ids on the current request's path, root first. */
  private path: Int32Array = new Int32Array(64);
  /** Each slot's new number while the table is rebuilt. */
  private renumbered: Int32Array = new Int32Array(0);
  /** A node's keys while it is split. */
  private scratch: Float64Array = new Float64Array(64);

  /**
   * @param capacityTokens tokens of KV the cache holds; Infinity for an unbounded cache.
   * @param initialArenaKeys starting size of the key arena (it grows and compacts itself).
   * @param initialSlots starting size of the node table (it grows itself).
   */
  constructor(capacityTokens: number, initialArenaKeys = 1 << 16, initialSlots = 1024) {
    if (!(capacityTokens >= 0)) throw new Error('PrefixCache: capacity must be ≥ 0');
    this.capacityTokens = capacityTokens;
    this.arena = new Float64Array(Math.max(16, initialArenaKeys));
    let slots = 8;
    while (slots < initialSlots) slots *= 2;
    this.newTable(slots);
  }

  get blocks(): number {
    return this.liveBlocks;
  }

  get tokens(): number {
    return this.usedTokens;
  }

  /** The node table's size in slots (it grows with the nodes held, not with the requests seen). */
  get tableSlots(): number {
    return this.slotMask + 1;
  }

  /**
   * Looks up a request's prefix and then stores all its blocks (the prefill writes them back).
   * Keys must be chained: equal keys always follow equal predecessors.
   * @returns the number of leading blocks that were already cached.
   */
  lookupAndInsert(keys: Float64Array, blockCount: number, blockTokens: number): number {
    // Room for this request's new slots first: a rebuild renumbers the nodes, so none may be held.
    if ((this.usedSlots + this.deletedSlots + SLOTS_PER_REQUEST) * MAX_LOAD_DENOMINATOR > (this.slotMask + 1) * MAX_LOAD_NUMERATOR) this.rebuild();
    const tokens = Math.max(1, blockTokens);
    const fields = this.fields;
    let path = this.path;
    let pathLength = 0;
    let matched = 0;
    let offset = 0; // blocks of the last path node that matched
    let node = blockCount > 0 ? this.find(keys, 0, hashKey(keys[0])) : -1;
    while (node >= 0 && fields[node * NODE_INTS + BLOCK_TOKENS] === tokens) {
      const length = fields[node * NODE_INTS + LENGTH];
      offset = this.matchRun(node, length, keys, matched, blockCount);
      matched += offset;
      if (pathLength === path.length) this.path = path = growInt32(path, pathLength * 2);
      path[pathLength++] = node;
      // A leaf (a conversation's last turn, usually) has no child to look for: skip the probe.
      if (offset < length || matched === blockCount || fields[node * NODE_INTS + CHILDREN] === 0) break;
      const child = this.find(keys, matched, hashKey(keys[matched]));
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
    const fields = this.fields;
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
    const run = this.fields[node * NODE_INTS + RUN];
    let offset = 0;
    if (run < SPELLED) {
      const first = this.slotKeys[node * NODE_KEYS + KEY];
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
    const fields = this.fields;
    for (let i = pathLength - 1; i >= 0; i--) {
      const node = path[i];
      const previous = fields[node * NODE_INTS + RING_POS];
      if (previous >= 0) this.ring[previous] = TOMBSTONE;
      this.linkAtEnd(node);
    }
  }

  /** Makes a node the most recent. */
  private linkAtEnd(node: number): void {
    if (this.ringCount === this.ringMask + 1) this.compactRing();
    const position = (this.ringFront + this.ringCount) & this.ringMask;
    this.ring[position] = node;
    this.fields[node * NODE_INTS + RING_POS] = position;
    this.ringCount++;
  }

  /** Puts a new node just before the ring's last `after` entries (the path, just touched). */
  private linkBeforeLast(node: number, after: number): void {
    if (this.ringCount === this.ringMask + 1) this.compactRing();
    const ring = this.ring;
    const fields = this.fields;
    const mask = this.ringMask;
    let position = (this.ringFront + this.ringCount) & mask;
    for (let i = 0; i < after; i++) {
      const from = (position - 1) & mask;
      const moved = ring[from];
      ring[position] = moved;
      fields[moved * NODE_INTS + RING_POS] = position;
      position = from;
    }
    ring[position] = node;
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
    const ring = size > oldMask + 1 ? new Int32Array(size) : old;
    const fields = this.fields;
    let write = ring === old ? this.ringFront : 0;
    const writeStart = write;
    const writeMask = size - 1;
    for (let i = 0, read = this.ringFront; i < this.ringCount; i++, read = (read + 1) & oldMask) {
      const node = old[read];
      if (node === TOMBSTONE) continue;
      ring[write] = node;
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
    // A leaf on the path has this request's block size and is found by its first key, unless its
    // split-off tail starts with the same key (keys that are not chained).
    if (parent >= 0 && this.fields[parent * NODE_INTS + CHILDREN] === 0 && (!split || this.isFound(parent))) {
      // A leaf that this request extends (the next turn of a conversation): append in place.
      this.append(parent, keys, from, from + count);
    } else {
      const node = this.newNode(keys, from, from + count, 2 * count, tokens, parent); // room for the next turn
      if (parent >= 0) this.fields[parent * NODE_INTS + CHILDREN]++;
      // Deeper than every node on the path, so evicted before them: in front of the path, whose
      // deepest node (the parent) was touched first.
      if (parent >= 0) this.linkBeforeLast(node, pathLength);
      else this.linkAtEnd(node);
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
    const fields = this.fields;
    const ring = this.ring;
    const mask = this.ringMask;
    const capacity = this.capacityTokens;
    let used = this.usedTokens;
    let blocks = this.liveBlocks;
    let front = this.ringFront;
    let count = this.ringCount;
    do {
      while (count > pathLength && ring[front] === TOMBSTONE) {
        front = (front + 1) & mask;
        count--;
      }
      if (count <= pathLength) break;
      const node = ring[front];
      const at = node * NODE_INTS;
      const blockTokens = fields[at + BLOCK_TOKENS];
      const length = fields[at + LENGTH];
      const drop = Math.min(length, Math.ceil((used + tokens - capacity) / blockTokens));
      fields[at + LENGTH] = length - drop;
      used -= drop * blockTokens;
      blocks -= drop;
      if (drop === length) {
        ring[front] = TOMBSTONE;
        front = (front + 1) & mask;
        count--;
        this.free(node);
      }
    } while (used + tokens > capacity);
    this.usedTokens = used;
    this.liveBlocks = blocks;
    this.ringFront = front;
    this.ringCount = count;
  }

  /** Forgets an evicted node (out of the ring already), with its alias if it has one. */
  private free(node: number): void {
    const fields = this.fields;
    const at = node * NODE_INTS;
    const run = fields[at + RUN];
    if (Number.isNaN(this.slotKeys[node * NODE_KEYS + KEY])) this.deleteAlias(node);
    const parent = fields[at + PARENT];
    if (parent >= 0) fields[parent * NODE_INTS + CHILDREN]--;
    if (run >= SPELLED) this.arenaLive -= this.arena[run - SPELLED] + 1;
    this.deleteSlot(node);
    this.liveNodes--;
  }

  /**
   * Splits `node` after its first `headLength` blocks: a new node takes the head (and the node's
   * place under its parent, and its first key); the original keeps the tail, its children and its
   * place in the LRU order, and is found through an alias. The caller touches the head.
   */
  private splitHead(node: number, headLength: number): number {
    const at = node * NODE_INTS;
    const length = this.fields[at + LENGTH];
    if (this.scratch.length < length) this.scratch = new Float64Array(2 * length);
    const keys = this.scratch;
    for (let i = 0; i < length; i++) keys[i] = this.keyAt(node, i);
    // Taking the first key leaves the node spelled out (room for all its keys) and without a key.
    const head = this.newNode(keys, 0, headLength, headLength, this.fields[at + BLOCK_TOKENS], this.fields[at + PARENT]);
    const fields = this.fields;
    const base = fields[at + RUN] - SPELLED + 1; // after newNode, which may compact the arena
    this.arena.set(keys.subarray(headLength, length), base);
    fields[head * NODE_INTS + CHILDREN] = 1;
    fields[at + LENGTH] = length - headLength;
    fields[at + PARENT] = head;
    this.addAlias(keys, headLength, node);
    return head;
  }

  private append(node: number, keys: Float64Array, from: number, to: number): void {
    const fields = this.fields;
    const at = node * NODE_INTS;
    const length = fields[at + LENGTH];
    const needed = length + (to - from);
    let run = fields[at + RUN];
    if (run < SPELLED) {
      // A one-key run takes the step of its continuation.
      const first = this.slotKeys[node * NODE_KEYS + KEY];
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
    const first = this.slotKeys[node * NODE_KEYS + KEY];
    const step = this.fields[node * NODE_INTS + RUN];
    const start = this.allocateKeys(capacity); // the node's RUN is a step, so a compaction skips it
    const arena = this.arena;
    for (let i = 0; i < length; i++) arena[start + 1 + i] = first + step * i;
    this.fields[node * NODE_INTS + RUN] = SPELLED + start;
    return SPELLED + start;
  }

  private keyAt(node: number, i: number): number {
    const run = this.fields[node * NODE_INTS + RUN];
    return run < SPELLED ? this.slotKeys[node * NODE_KEYS + KEY] + run * i : this.arena[run - SPELLED + 1 + i];
  }

  /**
   * A node holding keys[from, to), found by keys[from] from now on, not yet in the ring;
   * `keyCapacity` is the room it gets if its keys must be spelled out.
   */
  private newNode(keys: Float64Array, from: number, to: number, keyCapacity: number, blockTokens: number, parent: number): number {
    const id = this.claimSlot(keys, from, hashKey(keys[from]));
    this.liveNodes++;
    const step = stepOfRun(keys, from, to);
    // The claimed slot's RUN is still EMPTY or DELETED, so an arena compaction in allocateKeys skips it.
    const run = step !== 0 ? step : SPELLED + this.allocateKeys(keyCapacity);
    const fields = this.fields;
    const at = id * NODE_INTS;
    fields[at + PARENT] = parent;
    fields[at + CHILDREN] = 0;
    fields[at + RING_POS] = -1;
    fields[at + LENGTH] = to - from;
    fields[at + BLOCK_TOKENS] = blockTokens;
    fields[at + RUN] = run;
    this.slotKeys[id * NODE_KEYS + KEY] = keys[from];
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
      const fields = this.fields;
      let top = 0;
      for (let at = 0, end = (this.slotMask + 1) * NODE_INTS; at < end; at += NODE_INTS) {
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

  /** Whether a lookup of the node's first key finds it. */
  private isFound(node: number): boolean {
    const run = this.fields[node * NODE_INTS + RUN];
    const keys = run < SPELLED ? this.slotKeys : this.arena;
    const at = run < SPELLED ? node * NODE_KEYS + KEY : run - SPELLED + 1;
    return this.find(keys, at, hashKey(keys[at])) === node;
  }

  /**
   * The node whose first key is `key` = keys[at] (which hashes to `hash`), or -1. Keys are passed as
   * an array and a position, here and below: a double argument to a call V8 does not inline is boxed.
   */
  private find(keys: Float64Array, at: number, hash: number): number {
    const slot = this.slotOf(keys, at, hash);
    return slot < 0 || this.fields[slot * NODE_INTS + RUN] !== ALIAS ? slot : this.fields[slot * NODE_INTS + TARGET];
  }

  /** The slot (a node's or an alias's) that a lookup of keys[at] (which hashes to `hash`) finds, or -1. */
  private slotOf(keys: Float64Array, at: number, hash: number): number {
    const key = keys[at];
    if (key > this.maxKey) return -1;
    const slotKeys = this.slotKeys;
    const fields = this.fields;
    const mask = this.slotMask;
    for (let slot = hash & mask & LINE_START; ; slot = (slot + 1) & mask) {
      if (slotKeys[slot * NODE_KEYS + KEY] === key) return slot;
      if (fields[slot * NODE_INTS + RUN] === EMPTY) return -1;
    }
  }

  /**
   * A free slot on the probe path of keys[at] (which hashes to `hash`), the first one once the key
   * is known absent; whatever lookups of the key found before no longer matches. The caller fills
   * the slot, which lookups of the key will find.
   */
  private claimSlot(keys: Float64Array, at: number, hash: number): number {
    const key = keys[at];
    let absent = key > this.maxKey;
    if (absent) this.maxKey = key;
    const fields = this.fields;
    const slotKeys = this.slotKeys;
    const mask = this.slotMask;
    let free = -1;
    for (let slot = hash & mask & LINE_START; ; slot = (slot + 1) & mask) {
      const run = fields[slot * NODE_INTS + RUN];
      if (run === EMPTY || run === DELETED) {
        if (free < 0) free = slot;
        if (run === EMPTY || absent) break;
      } else if (!absent && slotKeys[slot * NODE_KEYS + KEY] === key) {
        this.unmatch(slot);
        absent = true;
        const now = fields[slot * NODE_INTS + RUN]; // an alias was deleted, or emptied
        if (free < 0 && (now === DELETED || now === EMPTY)) free = slot;
        if (free >= 0) break;
      }
    }
    if (fields[free * NODE_INTS + RUN] === DELETED) this.deletedSlots--;
    this.usedSlots++;
    return free;
  }

  /** Makes lookups miss the slot: deletes an alias; spells out a node's keys and clears its key. */
  private unmatch(slot: number): void {
    const run = this.fields[slot * NODE_INTS + RUN];
    if (run === ALIAS) return this.deleteSlot(slot);
    if (run < SPELLED) this.spellOut(slot, this.fields[slot * NODE_INTS + LENGTH], this.fields[slot * NODE_INTS + LENGTH]);
    this.slotKeys[slot * NODE_KEYS + KEY] = Number.NaN;
  }

  /** Makes lookups of keys[at] find `node`, whose record has no key, through an alias. */
  private addAlias(keys: Float64Array, at: number, node: number): void {
    const slot = this.claimSlot(keys, at, hashKey(keys[at]));
    this.fields[slot * NODE_INTS + RUN] = ALIAS;
    this.fields[slot * NODE_INTS + TARGET] = node;
    this.slotKeys[slot * NODE_KEYS + KEY] = keys[at];
  }

  /** Deletes the alias that finds `node` (spelled out, without a key), if one does. */
  private deleteAlias(node: number): void {
    const at = this.fields[node * NODE_INTS + RUN] - SPELLED + 1;
    const slot = this.slotOf(this.arena, at, hashKey(this.arena[at]));
    if (slot >= 0 && this.fields[slot * NODE_INTS + RUN] === ALIAS && this.fields[slot * NODE_INTS + TARGET] === node) this.deleteSlot(slot);
  }

  /**
   * Frees a slot: deleted, so that probes go on past it, unless the next slot is empty, where they
   * stop anyway; then it and the deleted slots just before it are empty again.
   */
  private deleteSlot(slot: number): void {
    const fields = this.fields;
    const mask = this.slotMask;
    this.slotKeys[slot * NODE_KEYS + KEY] = Number.NaN;
    this.usedSlots--;
    if (fields[((slot + 1) & mask) * NODE_INTS + RUN] !== EMPTY) {
      fields[slot * NODE_INTS + RUN] = DELETED;
      this.deletedSlots++;
      return;
    }
    fields[slot * NODE_INTS + RUN] = EMPTY;
    for (let before = (slot - 1) & mask; fields[before * NODE_INTS + RUN] === DELETED; before = (before - 1) & mask) {
      fields[before * NODE_INTS + RUN] = EMPTY;
      this.deletedSlots--;
    }
  }

  /** An empty table of `slots` slots. */
  private newTable(slots: number): void {
    const buffer = new ArrayBuffer(slots * NODE_BYTES);
    this.fields = new Int32Array(buffer);
    this.slotKeys = new Float64Array(buffer);
    for (let slot = 0; slot < slots; slot++) this.slotKeys[slot * NODE_KEYS + KEY] = Number.NaN;
    this.slotMask = slots - 1;
  }

  /**
   * Clears the deleted slots: in place, or into a table twice as large while the used slots would
   * fill over half of it (a fresh table's pages cost more to touch than its records to move). Then
   * renumbers the ids stored in records and in the ring.
   */
  private rebuild(): void {
    const slots = this.slotMask + 1;
    if (this.renumbered.length < slots) this.renumbered = new Int32Array(slots);
    const renumbered = this.renumbered;
    for (let slot = 0; slot < slots; slot++) renumbered[slot] = slot;
    if ((this.usedSlots + SLOTS_PER_REQUEST) * 2 > slots) this.moveToLargerTable();
    else this.clearDeleted();
    const fields = this.fields;
    for (let at = 0, end = (this.slotMask + 1) * NODE_INTS; at < end; at += NODE_INTS) {
      const run = fields[at + RUN];
      if (run !== EMPTY && fields[at + PARENT] >= 0) fields[at + PARENT] = renumbered[fields[at + PARENT]];
    }
    const ring = this.ring;
    for (let i = 0, e = this.ringFront; i < this.ringCount; i++, e = (e + 1) & this.ringMask) {
      if (ring[e] !== TOMBSTONE) ring[e] = renumbered[ring[e]];
    }
    this.deletedSlots = 0;
  }

  /**
   * Empties the deleted slots and moves each record back to the first empty slot on its probe
   * path, in slot order from an empty slot (which no probe path passes).
   */
  private clearDeleted(): void {
    const fields = this.fields;
    const slotKeys = this.slotKeys;
    const mask = this.slotMask;
    let start = 0;
    while (fields[start * NODE_INTS + RUN] !== EMPTY) start++;
    // The slots before one are cleared already, and a record's probe path starts after `start`.
    for (let i = 1, slot = (start + 1) & mask; i <= mask; i++, slot = (slot + 1) & mask) {
      const run = fields[slot * NODE_INTS + RUN];
      if (run === DELETED) fields[slot * NODE_INTS + RUN] = EMPTY;
      if (run === DELETED || run === EMPTY) continue;
      const key = slotKeys[slot * NODE_KEYS + KEY];
      if (Number.isNaN(key)) continue; // never looked up: it may stay anywhere
      let to = hashKey(key) & mask & LINE_START;
      while (to !== slot && fields[to * NODE_INTS + RUN] !== EMPTY) to = (to + 1) & mask;
      if (to === slot) continue;
      for (let j = 0; j < NODE_INTS; j++) fields[to * NODE_INTS + j] = fields[slot * NODE_INTS + j];
      fields[slot * NODE_INTS + RUN] = EMPTY;
      slotKeys[slot * NODE_KEYS + KEY] = Number.NaN;
      this.renumbered[slot] = to;
    }
  }

  /** Moves every node and alias into a table twice as large. */
  private moveToLargerTable(): void {
    const oldFields = this.fields;
    const oldKeys = this.slotKeys;
    const oldSlots = this.slotMask + 1;
    this.newTable(2 * oldSlots);
    const fields = this.fields;
    const mask = this.slotMask;
    for (let old = 0; old < oldSlots; old++) {
      const run = oldFields[old * NODE_INTS + RUN];
      if (run === EMPTY || run === DELETED) continue;
      const key = oldKeys[old * NODE_KEYS + KEY];
      // A record without a key is never looked up: any slot will do.
      let slot = hashKey(Number.isNaN(key) ? old : key) & mask & LINE_START;
      while (fields[slot * NODE_INTS + RUN] !== EMPTY) slot = (slot + 1) & mask;
      for (let i = 0; i < NODE_INTS; i++) fields[slot * NODE_INTS + i] = oldFields[old * NODE_INTS + i];
      this.renumbered[old] = slot;
    }
  }
}

// A record: NODE_BYTES, int32 fields at [slot * NODE_INTS + field], key at [slot * NODE_KEYS + KEY].
const NODE_BYTES = 32;
const NODE_INTS = NODE_BYTES / 4;
const NODE_KEYS = NODE_BYTES / 8;
const PARENT = 0;
/** An alias's node, in the field a node keeps its parent in (both are renumbered alike). */
const TARGET = 0;
const CHILDREN = 1;
/** The node's entry in the LRU ring, -1 while it has none. */
const RING_POS = 2;
const LENGTH = 3;
const BLOCK_TOKENS = 4;
/**
 * How the run's keys are kept: a step (nonzero, |step| ≤ MAX_STEP) when key i is exactly
 * first + step·i, else SPELLED + the arena position of its keys; or what the slot is if not a node.
 */
const RUN = 5;
const KEY = 3; // float64 index in the record: bytes 24-31
/** Probes start at the first slot of a cache line (two records), so that the next probe is free. */
const LINE_START = -2;
const MAX_STEP = 1 << 20;
const SPELLED = 1 << 21;
const EMPTY = 0; // a fresh table's records are zeros
const DELETED = -SPELLED;
const ALIAS = -SPELLED - 1;
const TOMBSTONE = -1;
/** The most slots one request takes: a split's head and alias, and a new node. */
const SLOTS_PER_REQUEST = 3;
/** Used and deleted slots at most 3/4 of the table: linear probing slows sharply past that. */
const MAX_LOAD_NUMERATOR = 3;
const MAX_LOAD_DENOMINATOR = 4;

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
